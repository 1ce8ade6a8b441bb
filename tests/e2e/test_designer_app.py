"""The designer's workplace in real Chromium: sign in, journey map, publish, share, QR.

Every page is checked with axe-core (no serious or critical violations) and saved as a
1280 px screenshot under test-artifacts/.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, assert_accessible, axe_violations, shot, sign_in

pytestmark = pytest.mark.e2e

BAD_JOURNEY = """\
id: trasig-resa
title: En trasig resa
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
    next: klar
  - id: klart
    kind: screen
    title: Klart
"""

GOOD_JOURNEY = (
    BAD_JOURNEY.replace("next: klar\n", "next: klart\n")
    .replace("trasig-resa", "hel-resa")
    .replace("En trasig resa", "En hel resa")
)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/journey?id=parkeringstillstand",
        "/journey/versions?id=parkeringstillstand",
        "/journey/share?id=parkeringstillstand",
        "/settings",
        "/journey/insights?id=parkeringstillstand",
        "/workshops",
    ],
)
def test_every_designer_page_sends_anonymous_visitors_to_sign_in(
    laptop, server: Server, path: str
) -> None:
    laptop.goto(server.url + path)
    laptop.wait_for_url(re.compile(r".*/login\?next=.*"), timeout=30_000)
    assert laptop.get_by_role("button", name="Logga in").is_visible()
    assert "Ansök om parkeringstillstånd" not in laptop.content()


def test_sign_in_page_is_accessible(laptop, server: Server) -> None:
    laptop.goto(server.url + "/login")
    shot(laptop, "designer-01-login")
    assert_accessible(laptop)


def test_wrong_password_says_so_without_telling_which_part(laptop, server: Server) -> None:
    laptop.goto(server.url + "/login")
    laptop.get_by_label("E-postadress").fill("designer@exempel.se")
    laptop.get_by_label("Lösenord").fill("fel-losenord-1")
    laptop.get_by_role("button", name="Logga in").click()
    summary = laptop.locator(".error-summary")
    assert summary.get_by_role(
        "link",
        name="E-postadressen eller lösenordet stämmer inte. Kontrollera dem och försök igen.",
    ).is_visible()
    assert laptop.locator("#password-error").is_visible()


def test_journey_list_and_map_with_step_detail(laptop, server: Server) -> None:
    sign_in(laptop, server)
    laptop.get_by_role("heading", name="Resor", level=1).wait_for()
    for title in (
        "Ansök om parkeringstillstånd",
        "Ansök om ekonomiskt bistånd",
        "Ansök om trygghetslarm",
    ):
        assert laptop.get_by_role("link", name=re.compile(title)).is_visible()
    shot(laptop, "designer-02-journeys")
    assert_accessible(laptop)

    laptop.get_by_role("link", name=re.compile("Ansök om parkeringstillstånd")).click()
    laptop.wait_for_url(re.compile(r".*/journey\?id=parkeringstillstand"))
    laptop.locator("#journey-map").wait_for()
    for phase in ("Före ansökan", "Ansökan", "Efter beslutet"):
        laptop.get_by_role("heading", name=phase, level=2, exact=True).wait_for()
    shot(laptop, "designer-03-journey-map")
    assert_accessible(laptop)
    # one journey navigation, the same on every journey page
    nav = laptop.locator("#journey-nav")
    assert nav.get_by_role("link").all_inner_texts() == [
        "Resekarta",
        "Redigera",
        "Versioner",
        "Dela och QR",
        "Insikter",
        "Historik",
    ]
    assert nav.get_by_role("link", name="Resekarta").get_attribute("aria-current") == "page"
    assert "1 fråga" in laptop.locator("#step-ska-du-kora").inner_text()
    assert "2 frågor" in laptop.locator("#step-gangformaga").inner_text()
    # the browser's icon request is answered, and the app's head names the icon
    assert laptop.request.get(server.url + "/favicon.ico").status == 200
    assert laptop.locator('head link[rel="icon"]').count() == 1

    laptop.locator("#step-ska-du-kora").click()
    dialog = laptop.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.get_by_text("Välj om du själv ska köra bilen").is_visible()
    assert dialog.get_by_text("forare = Ja").is_visible()
    frame = laptop.frame_locator("iframe")
    frame.get_by_text("Ska du själv köra bilen?").first.wait_for()
    shot(laptop, "designer-04-step-detail")
    assert_accessible(laptop)
    moderate = axe_violations(laptop, impacts=("moderate",))
    assert not [v for v in moderate if v.startswith("heading-order")], moderate
    laptop.keyboard.press("Escape")
    dialog.wait_for(state="hidden")

    laptop.get_by_role("tab", name="Flöde").click()
    assert laptop.get_by_text("forare = Ja").first.is_visible()
    shot(laptop, "designer-05-flow")


def test_publish_share_download_qr_print_sheet_and_revoke(
    laptop, server: Server, tmp_path: Path
) -> None:
    from PIL import Image
    from pyzbar.pyzbar import decode

    sign_in(laptop, server)
    laptop.goto(server.url + "/journey/versions?id=trygghetslarm")
    laptop.get_by_label("Vad är nytt i den här versionen?").fill("Första testet med seniorer")
    laptop.get_by_role("button", name="Publicera version").click()
    laptop.get_by_text("Version 1 är publicerad.").wait_for()
    assert laptop.locator("#versions-table").get_by_text("Första testet med seniorer").is_visible()
    shot(laptop, "designer-06-versions")
    assert_accessible(laptop)

    laptop.get_by_role("button", name="Publicera version").click()
    laptop.get_by_text("Inget har ändrats sedan version 1").wait_for()

    laptop.get_by_role("link", name="Dela och QR").first.click()
    laptop.wait_for_url(re.compile(r".*/journey/share\?id=trygghetslarm.*"))
    # a version exists: the empty text points at the form, not at publishing
    laptop.get_by_text("Inga delningslänkar ännu. Skapa en länk med formuläret ovan.").wait_for()
    laptop.get_by_label("Etikett").fill("Seniorträffen")
    laptop.get_by_label("Uppgift till testarna (valfri)").fill(
        "Ansök om trygghetslarm för dig själv."
    )
    laptop.get_by_role("button", name="Skapa delningslänk").click()
    card = laptop.locator(".share-link", has_text="Seniorträffen")
    card.wait_for()
    url = card.locator(".share-url").inner_text().strip()
    # a task without a success step: the card says what that means for insights
    assert "Slutpunkt: ingen vald" in card.locator(".share-success").inner_text()
    assert url.startswith(server.url + "/t/")
    shot(laptop, "designer-07-share")
    assert_accessible(laptop)
    png_link = card.get_by_role("link", name="Ladda ner PNG")
    assert "underline" in png_link.evaluate("a => getComputedStyle(a).textDecorationLine")
    assert png_link.evaluate("a => getComputedStyle(a).color") != "rgb(0, 0, 0)"

    with laptop.expect_download() as download_info:
        card.get_by_role("link", name="Ladda ner PNG").click()
    png = tmp_path / "qr.png"
    download_info.value.save_as(png)
    decoded = decode(Image.open(io.BytesIO(png.read_bytes())))
    assert [d.data.decode() for d in decoded] == [url]

    with laptop.context.expect_page() as sheet_info:
        card.get_by_role("link", name="Utskriftsark A4").click()
    sheet = sheet_info.value
    sheet.wait_for_load_state()
    assert "Seniorträffen" in sheet.content() or "trygghetslarm" in sheet.content().lower()
    assert url.replace("http://", "") in sheet.content() or url in sheet.content()
    sheet.emulate_media(media="print")
    shot(sheet, "designer-08-qr-sheet-print")
    assert_accessible(sheet)
    sheet.close()

    assert _status(url) == 200
    card.get_by_role("button", name="Stäng länken").click()
    card.get_by_text("Stängd").wait_for()
    assert _status(url) == 410


def test_upload_shows_findings_and_saves_only_a_valid_file(
    laptop, server: Server, tmp_path: Path
) -> None:
    sign_in(laptop, server)
    laptop.get_by_role("heading", name="Resor", level=1).wait_for()
    bad = tmp_path / "trasig.yaml"
    bad.write_text(BAD_JOURNEY, encoding="utf-8")
    laptop.locator("input[type=file]").set_input_files(str(bad))
    laptop.get_by_role("button", name="Importera", exact=True).click()
    laptop.get_by_text("Filen importerades inte").wait_for()
    findings = laptop.locator("#import-findings")
    assert "Det finns inget steg 'klar'" in findings.inner_text()
    assert "trasig.yaml:9" in findings.inner_text()
    assert not laptop.get_by_role("link", name="En trasig resa").is_visible()
    shot(laptop, "designer-09-import-findings")

    good = tmp_path / "hel.yaml"
    good.write_text(GOOD_JOURNEY, encoding="utf-8")
    laptop.locator("input[type=file]").set_input_files(str(good))
    laptop.get_by_role("button", name="Importera", exact=True).click()
    laptop.get_by_text("Importerad: En hel resa").wait_for()
    assert laptop.get_by_role("link", name="En hel resa").is_visible()


def test_language_toggle_switches_to_english_and_back(laptop, server: Server) -> None:
    sign_in(laptop, server)
    laptop.get_by_role("heading", name="Resor", level=1).wait_for()
    laptop.get_by_role("button", name="In English").click()
    laptop.get_by_role("heading", name="Journeys", level=1).wait_for()
    assert laptop.locator("html [lang=en]").count() >= 1
    laptop.goto(server.url + "/journey?id=parkeringstillstand")
    nav = laptop.locator("#journey-nav")
    nav.get_by_role("link", name="Edit", exact=True).wait_for()
    assert nav.get_by_role("link").all_inner_texts() == [
        "Journey map",
        "Edit",
        "Versions",
        "Share and QR",
        "Insights",
        "History",
    ]
    assert "9 steps" in laptop.locator("#journey-map").inner_text()
    assert "1 question" in laptop.locator("#step-ska-du-kora").inner_text()
    shot(laptop, "designer-10-map-english")
    laptop.goto(server.url + "/")
    laptop.get_by_role("button", name="På svenska").click()
    laptop.get_by_role("heading", name="Resor", level=1).wait_for()


def test_sign_out_ends_the_session(laptop, server: Server) -> None:
    sign_in(laptop, server)
    laptop.get_by_role("heading", name="Resor", level=1).wait_for()
    laptop.get_by_role("button", name="Logga ut").click()
    laptop.wait_for_url(re.compile(r".*/login.*"))
    laptop.goto(server.url + "/")
    laptop.wait_for_url(re.compile(r".*/login\?next=.*"))
