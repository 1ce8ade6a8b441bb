"""Revisions, reuse and 'Prova utkastet' in real Chromium (#8): two revisions made through the
domain, compared and restored on the history page; a journey from another kommun shows its
origin and licence; a step copied from another journey; the draft walked as a citizen
without anything stored. axe-core on every page, screenshots at laptop and phone width.

The e2e server is shared by every test of a run, so this test uses its own journeys.
"""

from __future__ import annotations

import datetime as dt

import pytest

from journeys import add_field, read_text, rename_step
from journeys import store as journey_store
from tests.e2e.conftest import Server, assert_accessible, shot, sign_in
from toolkit.db import open_db

pytestmark = pytest.mark.e2e

JOURNEY = """\
# Ett litet exempel för historiken.
id: historik-resa
title: Låna en lastcykel
organisation: Exempelkommun
licence: CC-BY-4.0
steps:
  - id: start
    kind: screen
    pattern: start
    title: Låna en lastcykel
    body: Du kan låna en lastcykel i tre dagar.
    next: vilken
  - id: vilken
    kind: screen
    title: Vilken cykel vill du låna?
    fields:
      - id: cykel
        type: radios
        label: Vilken cykel vill du låna?
        options: [Med barnstol, Med flak]
        required: Välj vilken cykel du vill låna
    next:
      - if: {cykel: Med barnstol}
        goto: barn
      - goto: klart
  - id: barn
    kind: screen
    title: Hur många barn ska åka med?
    fields:
      - id: antal
        type: number
        label: Antal barn
    next: klart
  - id: klart
    kind: screen
    pattern: confirmation
    title: Du har bokat en cykel
"""

REUSED = (
    JOURNEY.replace("historik-resa", "lana-cykel-annan")
    .replace("Exempelkommun", "Grannkommun")
    .replace("CC-BY-4.0", "CC-BY-SA-4.0")
    .replace("Låna en lastcykel\n", "Låna en lastcykel i Grannkommun\n", 1)
)
NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)


def two_revisions(server: Server) -> None:
    """Revision 1 as written; revision 2 by another designer: a step renamed, a question
    added. Also a journey imported from another kommun."""
    db = open_db(server.db)
    try:
        journey = read_text(JOURNEY).journey
        assert journey is not None
        journey_store.delete_journey(db, journey.id)  # a rerun starts from scratch
        journey_store.save_journey(db, journey, source=JOURNEY, author="anna@kommun.se", now=NOW)
        second = rename_step(journey, "barn", "Hur många barn åker med?")
        second = add_field(second, "barn", "yesno", "Behöver ni hjälm?")
        journey_store.save_journey(
            db, second, author="bo@kommun.se", note="Kortare fråga", now=NOW + dt.timedelta(1)
        )
        reused = read_text(REUSED).journey
        assert reused is not None
        journey_store.delete_journey(db, reused.id)
        journey_store.import_journey(
            db, reused, organisation="Exempelkommun", source=REUSED, author="anna", now=NOW
        )
    finally:
        db.conn.close()


def test_history_compare_restore_copy_and_try_the_draft(laptop, server: Server) -> None:
    two_revisions(server)
    page = laptop
    sign_in(page, server)

    # --- the history: two revisions, the newest compared with the one before --------------
    page.goto(server.url + "/journey/history?id=historik-resa")
    page.get_by_role("heading", name="Låna en lastcykel", level=1).wait_for()
    table = page.locator("#revisions-table")
    table.get_by_text("bo@kommun.se").wait_for()
    assert table.locator("tbody tr").count() == 2
    assert "Kortare fråga" in table.inner_text()
    comparison = page.locator("#comparison")
    comparison.get_by_text("Ändringar från #1 → #2").wait_for()
    changed = page.locator("#diff-changed").inner_text()
    assert "Hur många barn åker med?" in changed
    assert "Ny fråga: ”Behöver ni hjälm?”" in changed
    page.get_by_text("Visa ändringarna i YAML").click()
    assert "+    title: Hur många barn åker med?" in page.locator("#yaml-diff pre").inner_text()
    shot(page, "history-01-compare")
    assert_accessible(page)

    # --- the words follow the language toggle ---------------------------------------------
    page.locator("#lang-toggle").click()
    table.get_by_text("1 step changed").wait_for()
    page.locator("#diff-changed").get_by_text("Question added: ”Behöver ni hjälm?”").wait_for()
    page.locator("#lang-toggle").click()
    table.get_by_text("1 steg ändrat").wait_for()

    # --- compare the other way round -------------------------------------------------------
    page.locator("#compare-a").select_option("2")
    page.locator("#compare-b").select_option("1")
    page.locator("#compare-button").click()
    comparison.get_by_text("Ändringar från #2 → #1").wait_for()

    # --- restore revision 1, after a confirmation -------------------------------------------
    page.locator("#restore-1").click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_text("Inget i historiken försvinner").wait_for()
    shot(page, "history-02-confirm-restore")
    assert_accessible(page)
    page.locator("#confirm-restore").click()
    page.get_by_text("Revision 1 är återställd som revision 3.").wait_for()
    assert table.locator("tbody tr").count() == 3
    comparison.get_by_text("Revisionerna har samma innehåll.").wait_for()
    shot(page, "history-03-restored")
    db = open_db(server.db)
    try:
        restored = journey_store.get_journey(db, "historik-resa")
        assert restored is not None
        assert restored.step("barn").title == "Hur många barn ska åka med?"  # type: ignore[union-attr]
        assert journey_store.list_revisions(db, "historik-resa")[-1].author == (
            "designer@exempel.se"
        )
    finally:
        db.conn.close()

    # --- the journey map shows the restored content, links history and the draft -----------
    page.get_by_role("link", name="Tillbaka till resekartan").click()
    page.get_by_text("Licens: CC-BY-4.0").wait_for()
    assert page.get_by_role("link", name="Historik").is_visible()
    page.get_by_role("tab", name="Flöde").click()
    page.get_by_text("Hur många barn ska åka med?").first.wait_for()

    # --- a journey from another kommun: origin and licence on the map ------------------------
    page.goto(server.url + "/journey?id=lana-cykel-annan")
    origin = page.locator("#journey-origin")
    origin.wait_for()
    assert "Grannkommun: Låna en lastcykel i Grannkommun (lana-cykel-annan)" in origin.inner_text()
    assert "Licens: CC-BY-SA-4.0" in page.locator("#journey-licence").inner_text()
    shot(page, "history-04-map-origin-licence")
    assert_accessible(page)

    # --- copy a step from another journey ---------------------------------------------------
    page.goto(server.url + "/journey/copy-step?id=historik-resa")
    page.get_by_role("heading", name="Kopiera ett steg").wait_for()
    page.locator("#copy-source").select_option("parkeringstillstand")
    page.locator("#copy-step").select_option("ska-du-kora")
    summary = page.locator("#step-summary")
    summary.get_by_text("Ska du själv köra bilen? (Ett val)").wait_for()
    page.locator("#copy-after").select_option("vilken")
    shot(page, "history-05-copy-step")
    assert_accessible(page)
    page.locator("#copy-button").click()
    page.get_by_text("Steget ”Ska du själv köra bilen?” är kopierat som ska-du-kora").wait_for()
    link = page.locator("#copy-edit-link")
    assert link.get_attribute("href") == "/journey/edit?id=historik-resa&step=ska-du-kora"
    assert (
        "Vägar till steg som inte finns här togs bort" in page.locator("#copy-notes").inner_text()
    )
    shot(page, "history-06-copied")
    assert_accessible(page)
    db = open_db(server.db)
    try:
        copied = journey_store.get_journey(db, "historik-resa")
        assert copied is not None
        assert [s.id for s in copied.steps][:3] == ["start", "vilken", "ska-du-kora"]
    finally:
        db.conn.close()

    # --- Prova utkastet: walk two steps, nothing stored --------------------------------------
    page.goto(server.url + "/journey?id=historik-resa")
    page.get_by_role("link", name="Prova utkastet").click()
    page.wait_for_url("**/designer/try/historik-resa/s/start")
    assert "Utkast – inget sparas" in page.locator("#draft-banner").inner_text()
    assert page.locator("#ms-feedback").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_role("heading", name="Vilken cykel vill du låna?").wait_for()
    page.get_by_role("button", name="Fortsätt").click()  # nothing chosen: the journey's error
    page.get_by_role("link", name="Välj vilken cykel du vill låna").wait_for()
    page.get_by_label("Med barnstol").check()
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_role("heading", name="Hur många barn ska åka med?").wait_for()
    shot(page, "history-07-try-draft-laptop")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "history-08-try-draft-phone")
    db = open_db(server.db)
    try:
        stored = db.execute(
            "select count(*) from test_sessions where journey_id = 'historik-resa'"
        ).fetchone()[0]
        assert stored == 0
    finally:
        db.conn.close()


@pytest.mark.parametrize(
    "path",
    [
        "/journey/history?id=historik-resa",
        "/journey/copy-step?id=historik-resa",
        "/designer/try/historik-resa",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(laptop, server: Server, path: str) -> None:
    laptop.goto(server.url + path)
    laptop.wait_for_url("**/login?next=*")
    laptop.get_by_role("button", name="Logga in").wait_for()
