"""API tokens on the settings page in real Chromium: a designer makes one with a label, sees
it once, uses it against the open API, and revokes it; the API then refuses it. A
facilitator sees no tokens at all, and no reset button on the heat view. axe-core finds
nothing serious or critical at 1280 px and 390 px. Screenshots: test-artifacts/settings-*.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server, assert_accessible, shot, sign_in

pytestmark = pytest.mark.e2e

LABEL = "Uppföljning socialnämnden (e2e)"


def test_a_designer_makes_uses_and_revokes_an_api_token(laptop, server: Server) -> None:
    sign_in(laptop, server)
    laptop.goto(f"{server.url}/settings")
    card = laptop.locator("#api-tokens")
    card.get_by_role("heading", name="API-nycklar").wait_for()
    shot(laptop, "settings-01-tokens")

    # an empty label is refused with what to do
    card.get_by_role("button", name="Skapa nyckel").click()
    card.get_by_text("Ge nyckeln ett namn som säger vad den används till").wait_for()

    card.get_by_label("Vad nyckeln används till").fill(LABEL)
    card.get_by_role("button", name="Skapa nyckel").click()
    shown = card.locator("#new-token")
    shown.wait_for()
    token = shown.inner_text().strip()
    assert token.startswith("msk_") and len(token) > 40
    card.get_by_text("den visas inte igen").wait_for()
    row = card.locator("#token-list li").filter(has_text=LABEL)
    expect(row).to_contain_text("Aktiv")
    expect(row).to_contain_text("designer@exempel.se")
    expect(row).to_contain_text("Aldrig använd")
    assert token not in card.locator("#token-list").inner_text()
    shot(laptop, "settings-02-token-created")
    assert_accessible(laptop)

    # the token opens the open API
    api = f"{server.url}/api/v1/journeys"
    assert laptop.request.get(api, headers={"Authorization": f"Bearer {token}"}).status == 200
    assert laptop.request.get(api).status == 401

    # shown once: after a reload only the label is left
    laptop.reload()
    card.get_by_role("heading", name="API-nycklar").wait_for()
    expect(card.locator("#token-list li").filter(has_text=LABEL)).to_have_count(1)
    # ... and when the script last used it
    expect(card.locator("#token-list li").filter(has_text=LABEL)).to_contain_text(
        "Senast använd 20"
    )
    assert card.locator("#new-token").count() == 0
    assert token not in laptop.content()

    card.get_by_role("button", name=f"Återkalla {LABEL}").click()
    card.get_by_text(f"Nyckeln {LABEL} är återkallad.").wait_for()
    expect(card.locator("#token-list li").filter(has_text=LABEL)).to_contain_text("Återkallad")
    assert laptop.request.get(api, headers={"Authorization": f"Bearer {token}"}).status == 401
    shot(laptop, "settings-03-token-revoked")


def test_the_settings_page_on_a_phone_and_for_a_facilitator(browser, server: Server) -> None:
    added = server.cli(
        "user",
        "add",
        "facilitator@exempel.se",
        "--role",
        "facilitator",
        "--password-stdin",
        input_text="facilitator-losen-1\n",
    )
    assert added.returncode == 0, added.stdout + added.stderr
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    try:
        phone = context.new_page()
        phone.set_default_timeout(30_000)
        sign_in(phone, server)
        phone.goto(f"{server.url}/settings")
        phone.locator("#api-tokens").wait_for()
        shot(phone, "settings-04-phone")
        assert_accessible(phone)
        context.clear_cookies()
        phone.goto(server.url + "/login")
        phone.get_by_label("E-postadress").fill("facilitator@exempel.se")
        phone.get_by_label("Lösenord").fill("facilitator-losen-1")
        phone.get_by_role("button", name="Logga in").click()
        phone.wait_for_url(server.url + "/**")
        phone.goto(f"{server.url}/settings")
        phone.get_by_text("Bara designer kan skapa och återkalla nycklar.").wait_for()
        assert phone.locator("#api-tokens").count() == 0
        # nor can a facilitator reset participant data; the downloads are there
        phone.goto(f"{server.url}/journey/insights?id=parkeringstillstand")
        phone.locator("#insights-downloads").get_by_text("Steg (CSV för Excel)").wait_for()
        assert phone.locator("#open-reset").count() == 0
    finally:
        context.close()
