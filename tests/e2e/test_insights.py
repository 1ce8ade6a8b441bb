"""The journey heat view at 1280 px in real Chromium: a designer opens the insights of the
parkering example, testers start on their phones meanwhile, and the figures appear on the
open page without a reload (the first ones only once five sessions are in: before that the
page says 'för få svar (< 5)'). The step CSV downloaded from the page has the numbers the
heat view shows. A step's dialog shows the field that fails with its message; a comment can
be tagged and hidden. Last, 'Återställ deltagardata' says what goes, wants the word typed,
and leaves the link with no testers. axe-core finds nothing serious or critical.
Screenshots: test-artifacts/insights-*.png.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, Server, assert_accessible, axe_violations, shot, sign_in

pytestmark = pytest.mark.e2e

JOURNEY = "parkeringstillstand"
SESSIONS = 5


def share(server: Server) -> str:
    made = server.cli(
        "share",
        "parkeringstillstand-v1",
        "--label",
        "Heat view",
        "--task",
        "Ansök om parkeringstillstånd.",
    )
    assert made.returncode == 0, made.stdout + made.stderr
    found = re.search(r"(http://\S+/t/[a-z0-9]+)", made.stdout)
    assert found, made.stdout
    return found.group(1)


def start_and_fail_once(page, url: str, *, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    """A tester who consents, starts, and presses Fortsätt without choosing (one error),
    then (with ``comment``) rates the step and says something about it."""
    page.goto(url)
    page.get_by_label("30–49 år", exact=True).check()
    page.get_by_label("Jag har läst vad som sparas och vill vara med i testet", exact=True).check()
    page.get_by_role("button", name="Starta testet", exact=True).click()
    page.wait_for_url("**/s/start")
    page.get_by_role("button", name="Starta ansökan", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Fortsätt", exact=True).click()
    page.get_by_role("link", name="Välj om du själv ska köra bilen").wait_for()
    if comment:
        box = page.locator("#ms-feedback")
        box.locator("input[type=radio]").first.check()
        box.locator("summary").click()
        box.get_by_label("Kommentar (frivillig)").fill(comment)
        box.get_by_role("button", name="Skicka åsikt").click()
        page.locator("#ms-feedback .feedback__status").filter(
            has_text="Tack! Din åsikt är sparad."
        ).wait_for()


def test_the_heat_view_fills_in_live_as_testers_go(laptop, browser, server: Server) -> None:
    url = share(server)
    code = url.rsplit("/", 1)[1]
    sign_in(laptop, server)
    # filtered to this test's own share link: other tests' testers use the same version
    laptop.goto(f"{server.url}/journey/insights?id={JOURNEY}&share={code}")
    laptop.get_by_role("heading", level=1).filter(has_text="parkering").wait_for()
    summary = laptop.locator("#insights-summary")
    summary.filter(has_text="för få svar (< 5)").wait_for()
    assert laptop.locator(".heat-card").count() > 5
    assert laptop.get_by_role("link", name="Insikter").get_attribute("aria-current") == "page"
    shot(laptop, "insights-01-empty")
    assert_accessible(laptop)

    # testers start on their phones while the page stays open
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    try:
        for n in range(SESSIONS):
            context.clear_cookies()
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            start_and_fail_once(phone, url, comment="Jag förstod inte frågan" if n == 0 else "")
            phone.close()
    finally:
        context.close()
    with sqlite3.connect(server.db) as db:
        assert db.execute("select count(*) from test_sessions").fetchone()[0] >= SESSIONS

    # no reload: the live loop notices the new events within a few seconds
    summary.filter(has_text=re.compile(rf"Sessioner\s*{SESSIONS}")).wait_for(timeout=60_000)
    # the link has a task but no success step: no false 0 %, and the page says why
    task = summary.locator("div", has_text="Klarade uppgiften").last
    expect(task).to_contain_text("Ingen slutpunkt vald för länken")
    assert "0 %" not in task.inner_text()
    # sessions still going are counted, and the completion rate says what it leaves out
    expect(summary).to_contain_text("Pågår")
    expect(summary).to_contain_text("Av avslutade sessioner")
    card = laptop.locator("#heat-ska-du-kora")
    # the fifth tester's later events may land one poll after the session count
    expect(card).not_to_contain_text("för få svar", timeout=30_000)
    shot(laptop, "insights-02-live")

    # the step CSV from the page: for Swedish Excel, with the numbers on the cards
    downloads = laptop.locator("#insights-downloads")
    with laptop.expect_download() as download_info:
        downloads.get_by_role("link", name="Steg (CSV för Excel)").click()
    download = download_info.value
    assert download.suggested_filename == f"parkeringstillstand-v1-{code}-steg.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = {
        row["Steg-id"]: row
        for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    }
    for step in ("start", "ska-du-kora"):
        row = rows[step]
        assert row["Undertryckt"] == "nej"
        shown = laptop.locator(f"#heat-{step}").inner_text()
        assert f"nådde {row['Nådde steget']}" in shown
        for label, column in (("avhopp", "Avhopp (%)"), ("fel", "Fel (%)")):
            percent = round(float(row[column].replace(",", ".")))
            assert f"{label} {percent} %" in shown, (step, label, shown)
    assert rows["ska-du-kora"]["Nådde steget"] == str(SESSIONS)
    assert rows["ska-du-kora"]["Fel (%)"] == "100,0"
    with laptop.expect_download() as download_info:
        downloads.get_by_role("link", name="Kommentarer (CSV)").click()
    comments_csv = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    assert "Jag förstod inte frågan" in comments_csv

    # colour by errors, then open the step that fails
    laptop.locator("#measure").select_option("errors")
    card.filter(has_text="100 %").wait_for()
    shot(laptop, "insights-03-errors")
    card.click()
    dialog = laptop.get_by_role("dialog")
    dialog.get_by_text("Välj om du själv ska köra bilen").wait_for()
    assert "forare" in dialog.locator("#failing-fields").inner_text()
    comments = dialog.locator("#step-comments")
    comments.get_by_text("Jag förstod inte frågan").wait_for()
    shot(laptop, "insights-04-step")
    assert_accessible(laptop)
    moderate = axe_violations(laptop, impacts=("moderate",))
    assert not [v for v in moderate if v.startswith("heading-order")], moderate

    # moderation: tag the comment as a pain point, then hide it
    comments.get_by_role("button", name="Problem").click()
    expect(comments.get_by_role("button", name="Problem")).to_have_attribute("aria-pressed", "true")
    comments.get_by_role("button", name="Dölj").click()
    comments.get_by_role("button", name="Visa igen").wait_for()
    with sqlite3.connect(server.db) as db:
        assert db.execute("select tag, hidden from comment_moderation").fetchall() == [("pain", 1)]
    shot(laptop, "insights-04b-moderated")
    dialog.get_by_role("button", name="Stäng").click()

    # the funnel and the table
    laptop.get_by_role("tab", name="Tratt").click()
    assert laptop.locator("#funnel li").count() > 3
    shot(laptop, "insights-05-funnel")
    laptop.get_by_role("tab", name="Tabell").click()
    assert laptop.locator("#steps-table tbody tr").count() > 5
    # step titles as written, not Title Cased
    first = laptop.locator("#steps-table tbody th").first
    assert first.evaluate("th => getComputedStyle(th).textTransform") == "none"
    assert "1. Ansök om parkeringstillstånd" in first.inner_text()
    shot(laptop, "insights-06-table")
    assert_accessible(laptop)
    laptop.get_by_role("tab", name="Jämför versioner").click()
    shot(laptop, "insights-07-compare")

    # the language toggle: the labels built on the server follow within a poll
    laptop.locator("#lang-toggle").click()
    summary.filter(has_text="Sessions").wait_for(timeout=15_000)
    laptop.locator("#lang-toggle").click()
    summary.filter(has_text="Sessioner").wait_for(timeout=15_000)

    # reset this link's participant data: the dialog says what goes, and wants the word
    with sqlite3.connect(server.db) as db:
        events = db.execute("select count(*) from events where share_code = ?", [code])
        events = events.fetchone()[0]
        everyone = db.execute("select count(*) from test_sessions").fetchone()[0]
    laptop.get_by_role("button", name="Återställ deltagardata…").click()
    dialog = laptop.get_by_role("alertdialog")
    dialog.locator("#reset-text").filter(
        has_text=f"{SESSIONS} testsessioner och {events} händelser (med 1 svar och 1 kommentar) "
        "från länken Heat view raderas. Det går inte att ångra."
    ).wait_for()
    confirm = dialog.get_by_role("button", name="Radera testdata")
    expect(confirm).to_be_disabled()
    dialog.get_by_label("Skriv radera för att bekräfta").fill("radera")
    expect(confirm).to_be_enabled()
    shot(laptop, "insights-09-reset-dialog")
    assert_accessible(laptop)
    confirm.click()
    laptop.get_by_role("status").filter(
        has_text=f"Raderade {SESSIONS} testsessioner, {events} händelser"
    ).wait_for()
    summary.filter(has_text="för få svar (< 5)").wait_for()
    shot(laptop, "insights-10-after-reset")
    laptop.set_viewport_size({"width": 390, "height": 844})
    laptop.locator("#insights-downloads").scroll_into_view_if_needed()
    shot(laptop, "insights-11-phone")
    # at phone width the filters (the version's long title too) stay inside the page
    assert laptop.evaluate("document.documentElement.scrollWidth") <= 390
    for select in ("#version", "#share", "#age", "#measure"):
        box = laptop.locator(select).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, select
    with sqlite3.connect(server.db) as db:
        left = db.execute("select count(*) from test_sessions where share_code = ?", [code])
        assert left.fetchone()[0] == 0
        assert db.execute("select count(*) from share_links where code = ?", [code]).fetchone()
        others = db.execute("select count(*) from test_sessions").fetchone()[0]
    assert others == everyone - SESSIONS  # other links' testers are still there


def test_an_unknown_age_band_and_anonymous_visitors_are_handled(laptop, server: Server) -> None:
    laptop.goto(f"{server.url}/journey/insights?id={JOURNEY}")
    laptop.wait_for_url("**/login**")
    sign_in(laptop, server)
    laptop.goto(f"{server.url}/journey/insights?id={JOURNEY}&age=80%2B")
    laptop.locator("#age").wait_for()
    assert laptop.locator("#age").input_value() == "80+"
    laptop.locator("#insights-summary").filter(has_text="för få svar (< 5)").wait_for()


def test_two_versions_side_by_side_with_their_sample_sizes(
    laptop, server: Server, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    journey = "ekonomiskt-bistand"
    first = server.cli("publish", journey, "--note", "första")
    assert first.returncode == 0, first.stdout + first.stderr
    source = (ROOT / "journeys" / "examples" / f"{journey}.yaml").read_text(encoding="utf-8")
    changed = source.replace(
        "Det kallas också försörjningsstöd.",
        "Det kallas också försörjningsstöd eller socialbidrag.",
    )
    assert changed != source
    path = tmp_path / f"{journey}.yaml"
    path.write_text(changed, encoding="utf-8")
    imported = server.cli("journey", "import", str(path))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    second = server.cli("publish", journey, "--note", "andra")
    assert second.returncode == 0, second.stdout + second.stderr

    sign_in(laptop, server)
    laptop.goto(f"{server.url}/journey/insights?id={journey}")
    assert laptop.locator("#version").input_value() == f"{journey}-v2"
    laptop.get_by_role("tab", name="Jämför versioner").click()
    assert laptop.locator("#compare").input_value() == f"{journey}-v1"
    table = laptop.locator("#compare-table")
    table.wait_for()
    header = table.locator("thead").inner_text()
    for column in ("Förut", "Nu", "Ändring", "n förut", "n nu", "Bedömning"):
        assert column in header
    assert table.locator("tbody tr").count() > 5
    assert "för få svar (< 5)" in table.inner_text()
    shot(laptop, "insights-08-compare-versions")
    assert_accessible(laptop)
