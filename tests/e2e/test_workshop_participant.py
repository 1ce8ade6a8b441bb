"""A workshop participant on a phone (390 px) in real Chromium: open the QR code's address,
join, put a note on a step, follow the facilitator into the dot vote without touching the
page, vote, and see the results once the facilitator reveals them. Then the same with
JavaScript off (typing the code at /w, reload links), and a note sent while the network is
cut (kept on the phone, stored once when it is back).

The workshop is made with ``medskapa workshop create`` and opened with ``workshop open``;
what the facilitator does in the room (next activity, reveal) is done with the workshops
API on the server's database. Every page is checked with axe-core (no violations of any
impact) and saved under test-artifacts/workshop-*.png.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlite_utils import Database

import workshops
from tests.e2e.conftest import Server, axe_violations, shot
from toolkit.db import open_db

pytestmark = pytest.mark.e2e

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
FOLLOW_MS = 12_000
"""The page asks for its state every 3 s; a change must show well within this."""


@contextmanager
def database(server: Server) -> Iterator[Database]:
    db = open_db(server.db, migrate=False)
    try:
        yield db
    finally:
        db.conn.close()


def create_workshop(server: Server, title: str) -> tuple[str, str]:
    """A new open workshop about the parking permit journey; returns (code, join URL)."""
    made = server.cli("workshop", "create", "parkeringstillstand", "--title", title, "--votes", "2")
    assert made.returncode == 0, made.stdout + made.stderr
    found = re.search(r"(http://\S+/w/([0-9A-Z]{6}))", made.stdout)
    assert found, made.stdout
    opened = server.cli("workshop", "open", found.group(2))
    assert opened.returncode == 0, opened.stdout + opened.stderr
    return found.group(2), found.group(1)


def facilitator(server: Server, code: str, act: Callable[[Database, str], Any]) -> None:
    """Do what the facilitator does in the room, on the server's database."""
    with database(server) as db:
        workshop = workshops.find_workshop(db, code)
        assert workshop is not None
        act(db, workshop.id)


def go_to(kind: str) -> Callable[[Database, str], Any]:
    def act(db: Database, workshop_id: str) -> None:
        kinds = [a.kind for a in workshops.agenda(db, workshop_id)]
        workshops.set_current_activity(db, workshop_id, kinds.index(kind))

    return act


def notes(server: Server, code: str) -> list[workshops.Note]:
    with database(server) as db:
        workshop = workshops.find_workshop(db, code)
        assert workshop is not None
        return workshops.list_notes(db, workshop.id)


class Walk:
    """Screenshots, accessibility and width checks along one participant's run."""

    def __init__(self, page: Any, name: str, *, axe: bool) -> None:
        self.page = page
        self.name = name
        self.axe = axe
        self.n = 0

    def check(self, label: str) -> None:
        self.n += 1
        shot(self.page, f"workshop-{self.name}-{self.n:02d}-{label}")
        if self.axe:
            found = axe_violations(self.page, impacts=ALL_IMPACTS)
            assert not found, f"{label}: axe-core:\n" + "\n".join(found)
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{label} is {width} px wide"

    def button(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()


def join(walk: Walk, nickname: str) -> None:
    page = walk.page
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Workshop"))
    walk.check("join")
    walk.button("Gå med")  # nothing chosen: age and consent are named
    expect(page.locator(".error-summary")).to_contain_text("Välj hur gammal du är")
    walk.check("join-errors")
    page.get_by_label("Smeknamn (frivilligt)").fill(nickname)
    page.get_by_label("65–79 år").check()
    page.get_by_label("Jag har läst vad som sparas och vill vara med i workshoppen").check()
    walk.button("Gå med")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gå igenom resan")
    expect(page.get_by_text(f"Du är med som {nickname}")).to_be_visible()


def write_note(page: Any, step: str, kind: str, text: str) -> None:
    page.get_by_label("Vilket steg gäller lappen?").select_option(step)
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Lappen", exact=True).fill(text)
    page.get_by_role("button", name="Lägg till lappen").click()


def test_a_participant_joins_writes_a_note_votes_and_sees_the_results(
    phone: Any, server: Server
) -> None:
    code, url = create_workshop(server, "Workshop med elevrådet")
    walk = Walk(phone, "phone", axe=True)
    phone.goto(url)
    join(walk, "Maja")
    walk.check("walk")

    write_note(phone, "logga-in", "Problem", "Jag hittade inte var man loggar in")
    expect(phone.locator(".ws-note__status")).to_have_text("Tack! Lappen är sparad.")
    expect(phone.locator("[data-ws-mine]")).to_contain_text("Jag hittade inte var man loggar in")
    write_note(phone, "foto", "Idé", "Låt mig ta fotot med mobilen")
    expect(phone.locator("[data-ws-mine] li")).to_have_count(2)
    walk.check("notes")
    assert sorted(n.kind for n in notes(server, code)) == ["idea", "pain"]

    facilitator(server, code, go_to("vote"))  # the page follows by itself
    expect(phone.get_by_role("heading", level=1)).to_have_text("Prickröstning", timeout=FOLLOW_MS)
    expect(phone.locator("#votes-left")).to_have_text("Du har 2 röster kvar")
    expect(phone.get_by_text("Resultatet visas här när den som leder")).to_be_visible()
    walk.check("vote")
    phone.get_by_role("button", name="Rösta").first.click()
    expect(phone.locator("#votes-left")).to_have_text("Du har 1 röst kvar")
    expect(phone.get_by_text("Din röst")).to_be_visible()
    walk.check("voted")

    facilitator(server, code, lambda db, wid: workshops.reveal_results(db, wid))
    results = phone.locator(".ws-results")
    expect(results).to_contain_text("1 röst", timeout=FOLLOW_MS)
    expect(results).to_contain_text("Jag hittade inte var man loggar in")
    walk.check("results")

    facilitator(server, code, go_to("question"))
    expect(phone.get_by_label("Vad är det viktigaste att ändra i tjänsten?")).to_be_visible(
        timeout=FOLLOW_MS
    )
    walk.check("question")


def test_the_same_works_with_javascript_off(phone_without_js: Any, server: Server) -> None:
    code, _url = create_workshop(server, "Workshop utan skript")
    page = phone_without_js
    walk = Walk(page, "nojs", axe=False)
    page.goto(server.url + "/w")
    walk.check("entry")
    page.get_by_label("Koden på skärmen").fill(f"{code[:3].lower()} {code[3:].lower()}")
    walk.button("Fortsätt")
    join(walk, "")
    expect(page.get_by_text("Du är med som Anonym 1")).to_be_visible()
    write_note(page, "start", "Bra", "Tydlig startsida")
    page.wait_for_load_state()
    expect(page.locator(".ws-note__status")).to_have_text("Tack! Lappen är sparad.")
    walk.check("note-sent")
    facilitator(server, code, go_to("vote"))
    page.get_by_role("link", name="Ladda om sidan").click()
    expect(page.locator("#votes-left")).to_have_text("Du har 2 röster kvar")
    walk.button("Rösta")
    expect(page.locator("#votes-left")).to_have_text("Du har 1 röst kvar")
    walk.check("voted")
    [note] = notes(server, code)
    assert note.step_id == "start" and note.kind == "praise"


def test_a_note_written_without_network_is_stored_once_when_it_is_back(
    phone: Any, server: Server
) -> None:
    code, url = create_workshop(server, "Workshop med dålig täckning")
    walk = Walk(phone, "offline", axe=False)
    phone.goto(url)
    join(walk, "Ali")
    phone.context.set_offline(True)
    write_note(phone, "kontaktuppgifter", "Fråga", "Varför behövs telefonnumret?")
    expect(phone.locator(".ws-note__status")).to_contain_text("när du har nät igen")
    expect(phone.locator("[data-ws-mine]")).to_contain_text("väntar på nät")
    walk.check("queued")
    assert notes(server, code) == []
    phone.context.set_offline(False)
    expect(phone.locator(".ws-note__status")).to_have_text(
        "Tack! Lappen är sparad.", timeout=FOLLOW_MS * 3
    )
    expect(phone.locator("[data-ws-mine]")).not_to_contain_text("väntar på nät")
    walk.check("delivered")
    time.sleep(1)
    [note] = notes(server, code)
    assert note.kind == "question" and note.step_id == "kontaktuppgifter"


def test_the_code_form_and_a_wrong_code_are_accessible(phone: Any, server: Server) -> None:
    walk = Walk(phone, "entry", axe=True)
    phone.goto(server.url + "/w")
    walk.check("form")
    phone.get_by_label("Koden på skärmen").fill("XXXXXX")
    walk.button("Fortsätt")
    expect(phone.locator(".error-summary")).to_contain_text(
        "Det finns ingen workshop med koden XXXXXX"
    )
    walk.check("unknown")
    phone.goto(server.url + "/w?lang=en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Join a workshop")
    walk.check("english")
