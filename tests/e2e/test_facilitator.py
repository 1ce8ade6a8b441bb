"""The facilitator in real Chromium: plan a workshop, run it, and watch notes arrive live.

Participants' notes and votes are written straight through the workshops API into the
server's database (as the participant routes do, in another connection): the run page and
the projector must show them within a few seconds without a reload. Every page is checked
with axe-core and saved as a 1280 px screenshot under test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlite_utils import Database

import workshops
from tests.e2e.conftest import (
    DESIGNER_EMAIL,
    DESIGNER_PASSWORD,
    ROOT,
    Server,
    _stop,
    _wait_for,
    assert_accessible,
    free_port,
    shot,
    sign_in,
)
from tests.e2e.test_workshop_participant import Walk, create_workshop, join, write_note
from toolkit.db import open_db

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT_MS = 8_000
"""Writes made outside the server (this test's own connection) are seen by the pages' poll
every two seconds; a note must be on screen well within this."""
PUSH_TIMEOUT_MS = 1_500
"""Notes and votes sent by a phone through the participant routes wake the pages at once
(ADR 0011): on the projector within a second, with half a second for the phone's post."""


@contextmanager
def database(server: Server) -> Iterator[Database]:
    """A connection of our own to the server's database, as a participant route has."""
    db = open_db(server.db, migrate=False)
    try:
        yield db
    finally:
        db.conn.close()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def wait_until(check: Callable[[Database], bool], server: Server, seconds: float = 8) -> None:
    """Wait until ``check`` holds in the server's database."""
    deadline = time.monotonic() + seconds
    while True:
        with database(server) as db:
            if check(db):
                return
        assert time.monotonic() < deadline, "the database never changed as expected"
        time.sleep(0.2)


@pytest.mark.parametrize(
    "path",
    ["/workshops", "/workshop/run?id=nagot", "/workshop/projector?id=nagot"],
)
def test_every_facilitator_page_sends_anonymous_visitors_to_sign_in(
    laptop, server: Server, path: str
) -> None:
    laptop.goto(server.url + path)
    laptop.wait_for_url(re.compile(r".*/login\?next=.*"), timeout=30_000)
    assert laptop.get_by_role("button", name="Logga in").is_visible()


@pytest.mark.parametrize(
    "path", ["/designer/workshop-qr/K7MPQ2.svg", "/designer/workshop-report/K7MPQ2.html"]
)
def test_the_workshop_qr_code_and_report_need_a_signed_in_designer(
    laptop, server: Server, path: str
) -> None:
    response = laptop.request.get(server.url + path, max_redirects=0)
    assert response.status == 303
    assert "/login" in response.headers["location"]


def add_activity(  # type: ignore[no-untyped-def]
    page, kind_label: str, fill: dict[str, str] | None = None, first_of: str | None = None
) -> None:
    """Fill the add-activity form (``fill``: label → text; ``first_of``: a select whose
    first option to take) and add it to the planned agenda."""
    count = page.locator("#draft-agenda > li").count()
    page.get_by_label("Aktivitet", exact=True).select_option(label=kind_label)
    for label, value in (fill or {}).items():
        page.get_by_label(label, exact=True).fill(value)
    if first_of:
        page.get_by_label(first_of, exact=True).select_option(index=0)
    page.get_by_role("button", name="Lägg till i agendan").click()
    page.locator("#draft-agenda > li").nth(count).wait_for()


def test_plan_run_and_project_a_workshop_with_notes_arriving_live(laptop, server: Server) -> None:
    sign_in(laptop, server)
    laptop.goto(server.url + "/workshops")
    laptop.get_by_role("heading", name="Workshoppar", level=1).wait_for()
    assert laptop.get_by_text("Inga workshoppar ännu.").is_visible()

    # --- plan --------------------------------------------------------------------------------
    laptop.get_by_label("Resa", exact=True).select_option("parkeringstillstand")
    version = laptop.get_by_label("Version", exact=True)
    expect(version).to_have_value("parkeringstillstand-v1")  # the latest published version
    laptop.get_by_label("Rubrik", exact=True).fill("Workshop med pensionärsrådet")
    assert laptop.get_by_label("Datum", exact=True).input_value()  # today by default

    add_activity(laptop, "Gå igenom resan")
    add_activity(
        laptop,
        "Lappar på stegen",
        {"Instruktion till deltagarna (valfri)": "Var blir det krångligt?"},
    )
    add_activity(laptop, "Prickröstning", {"Röster per person": "3"})
    add_activity(laptop, "Öppen fråga", {"Frågan": "Vad skulle göra det lättare?"})
    add_activity(laptop, "Testa prototypen tillsammans", first_of="Delningslänk att testa")
    items = laptop.locator("#draft-agenda > li")
    assert items.count() == 5
    # the test together before the open question: move it up one place
    items.nth(4).get_by_role("button", name=re.compile("^Upp")).click()
    laptop.wait_for_function(
        "() => document.querySelectorAll('#draft-agenda > li')[3].innerText.includes('Testa')"
    )
    # and a walk added by mistake is removed again
    add_activity(laptop, "Gå igenom resan")
    items.nth(5).get_by_role("button", name=re.compile("^Ta bort")).click()
    laptop.wait_for_function("() => document.querySelectorAll('#draft-agenda > li').length == 5")
    shot(laptop, "facilitator-01-plan")
    assert_accessible(laptop)

    laptop.get_by_role("button", name="Skapa workshoppen").click()
    laptop.wait_for_url(re.compile(r".*/workshop/run\?id=.+"))
    workshop_id = urllib.parse.parse_qs(urllib.parse.urlparse(laptop.url).query)["id"][0]
    laptop.get_by_role("heading", name="Workshop med pensionärsrådet", level=1).wait_for()

    with database(server) as db:
        made = workshops.get_workshop(db, workshop_id)
        assert made is not None and made.version_id == "parkeringstillstand-v1"
        assert [a.kind for a in workshops.agenda(db, workshop_id)] == [
            "walk",
            "notes",
            "vote",
            "test",
            "question",
        ]
    code = workshops.format_join_code(made.join_code)

    # --- run -----------------------------------------------------------------------------------
    assert laptop.locator("#join-code").inner_text() == code
    laptop.wait_for_function(
        "() => { const i = document.querySelector('#join-qr'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    laptop.get_by_role("button", name="Öppna workshoppen").click()
    laptop.locator("#current-activity").filter(has_text="Gå igenom resan").wait_for()
    laptop.get_by_role("button", name="Nästa aktivitet").click()
    laptop.locator("#current-activity").filter(has_text="Lappar på stegen").wait_for()
    assert laptop.get_by_text("Inga lappar ännu.").is_visible()
    shot(laptop, "facilitator-02-run")
    assert_accessible(laptop)

    projector = laptop.context.new_page()
    projector.goto(server.url + f"/workshop/projector?id={workshop_id}")
    projector.locator("#projector-activity").filter(has_text="Lappar på stegen").wait_for()
    assert projector.locator("#join-code").inner_text() == code
    projector.get_by_role("heading", name="Före ansökan", level=2).wait_for()

    # --- a participant writes; both pages follow without a reload ----------------------------
    with database(server) as db:
        anna = workshops.join(
            db, made.join_code, age_band="65-79", consent=True, nickname="Anna", now=now()
        ).token
        first = str(uuid.uuid4())
        assert workshops.add_note(
            db,
            anna,
            id=first,
            step_id="logga-in",
            kind="pain",
            text="Jag har inget BankID",
            now=now(),
        )
    laptop.locator("#notes-logga-in").get_by_text("Jag har inget BankID").wait_for(
        timeout=LIVE_TIMEOUT_MS
    )
    projector.locator("#wall-logga-in").get_by_text("Jag har inget BankID").wait_for(
        timeout=LIVE_TIMEOUT_MS
    )
    assert laptop.locator("#count-joined").inner_text() == "1"

    with database(server) as db:
        bo = workshops.join(
            db, made.join_code, age_band="30-49", consent=True, nickname="Bo", now=now()
        ).token
        second = str(uuid.uuid4())
        workshops.add_note(
            db,
            bo,
            id=second,
            step_id="logga-in",
            kind="idea",
            text="Logga in med kod på SMS",
            now=now(),
        )
        spam = str(uuid.uuid4())
        workshops.add_note(
            db, bo, id=spam, step_id="start", kind="praise", text="Hej hej", now=now()
        )
    projector.locator("#wall-start").get_by_text("Hej hej").wait_for(timeout=LIVE_TIMEOUT_MS)

    # moderation: hide the off-topic note; it leaves the wall, the facilitator still sees it
    laptop.locator("#notes-start").get_by_role("button", name="Dölj").click()
    laptop.locator("#notes-start").get_by_text("Dold", exact=True).wait_for()
    projector.locator("#wall-start").get_by_text("Hej hej").wait_for(
        state="detached", timeout=LIVE_TIMEOUT_MS
    )
    # a note called a pain that is an idea gets its kind corrected
    with database(server) as db:
        assert workshops.get_note(db, first).kind == "pain"
    laptop.locator("#notes-logga-in").get_by_label("Sort av lapp").first.select_option("idea")
    wait_until(lambda db: workshops.get_note(db, first).kind == "idea", server)
    # the same thing said twice is merged into one note
    with database(server) as db:
        again = str(uuid.uuid4())
        workshops.add_note(
            db,
            anna,
            id=again,
            step_id="logga-in",
            kind="pain",
            text="BankID saknas hos mig",
            now=now(),
        )
    duplicate = laptop.locator(".moderated-note").filter(
        has=laptop.locator(".note-text", has_text="BankID saknas hos mig")
    )
    duplicate.wait_for(timeout=LIVE_TIMEOUT_MS)
    duplicate.get_by_label("Slå ihop med lappen").select_option(label="Jag har inget BankID (Anna)")
    duplicate.get_by_role("button", name="Slå ihop").click()
    laptop.get_by_text("Lapparna är sammanslagna.").wait_for()
    duplicate.wait_for(state="detached")
    with database(server) as db:
        assert workshops.get_note(db, again).merged_into == first

    laptop.locator("#timer-3").click()
    laptop.locator("#timer").wait_for()
    projector.locator("#projector-timer").wait_for(timeout=LIVE_TIMEOUT_MS)
    assert re.fullmatch(r"[23]:\d\d", projector.locator("#projector-timer").inner_text())
    shot(projector, "facilitator-03-projector")
    assert_accessible(projector)

    # --- dot vote: counts show on the wall only once revealed --------------------------------
    laptop.get_by_role("button", name="Nästa aktivitet").click()
    laptop.locator("#current-activity").filter(has_text="Prickröstning").wait_for()
    projector.locator("#projector-activity").filter(has_text="Prickröstning").wait_for(
        timeout=LIVE_TIMEOUT_MS
    )
    with database(server) as db:
        for token in (anna, bo):
            workshops.vote(db, token, id=str(uuid.uuid4()), note_id=second, now=now())
        workshops.vote(db, anna, id=str(uuid.uuid4()), note_id=first, now=now())
    laptop.locator("#count-votes").filter(has_text="3").wait_for(timeout=LIVE_TIMEOUT_MS)
    assert projector.locator("#projector-results").count() == 0
    laptop.get_by_role("button", name="Visa resultatet").click()
    results = projector.locator("#projector-results")
    results.wait_for(timeout=LIVE_TIMEOUT_MS)
    assert "Logga in med kod på SMS" in results.locator("li").first.inner_text()
    projector.locator("#wall-logga-in").get_by_text("2 röster").wait_for()
    shot(laptop, "facilitator-04-run-results")
    assert_accessible(laptop)
    # the heading stands clear of the white results box
    heading = results.get_by_role("heading", level=2).bounding_box()
    box = results.locator(":scope > div").last.bounding_box()
    assert heading is not None and box is not None
    assert box["y"] - (heading["y"] + heading["height"]) >= 12
    shot(projector, "facilitator-05-projector-results")
    assert_accessible(projector)

    # --- the notes become insights on the journey ------------------------------------------
    laptop.get_by_role("button", name="Skicka lapparna till resan").click()
    laptop.get_by_text("2 lappar finns nu på resans steg.").wait_for()
    with database(server) as db:
        insights = workshops.step_insights(db, "parkeringstillstand", step_id="logga-in")
        assert sorted(i.text for i in insights) == [
            "Jag har inget BankID",
            "Logga in med kod på SMS",
        ]

    # the report opens in a tab of its own, as the command line writes it
    with laptop.context.expect_page() as opened:
        laptop.get_by_role("link", name="Rapport").click()
    report = opened.value
    report.wait_for_load_state()
    assert "/designer/workshop-report/" in report.url
    report.get_by_role("heading", name="Workshop med pensionärsrådet", level=1).wait_for()
    assert report.get_by_text("Logga in med kod på SMS").first.is_visible()
    assert "Hej hej" not in report.content()  # hidden notes are only counted
    shot(report, "facilitator-06-report")
    report.close()

    # the labels follow the language toggle on the live page
    laptop.get_by_role("button", name="In English").click()
    laptop.get_by_role("button", name="Next activity").wait_for()
    laptop.locator("#agenda").get_by_text("3 votes each on notes").wait_for(timeout=LIVE_TIMEOUT_MS)
    laptop.get_by_role("button", name="På svenska").click()
    laptop.get_by_role("button", name="Nästa aktivitet").wait_for()

    laptop.get_by_role("link", name="Alla workshoppar").click()
    row = (
        laptop.locator("#workshop-table")
        .get_by_role("row")
        .filter(has_text="Workshop med pensionärsrådet")
        .filter(has_text=code)
    )
    expect(row).to_contain_text("Öppen", timeout=LIVE_TIMEOUT_MS)
    shot(laptop, "facilitator-07-list")
    assert_accessible(laptop)
    projector.close()


def test_a_phones_note_and_vote_reach_the_projector_within_a_second_and_the_agenda_changes_live(
    laptop, phone, server: Server
) -> None:
    code, url = create_workshop(server, "Workshop om väggen")
    with database(server) as db:
        found = workshops.find_workshop(db, code)
        assert found is not None
        workshop_id = found.id
    sign_in(laptop, server)
    laptop.goto(server.url + f"/workshop/run?id={workshop_id}")
    laptop.locator("#current-activity").filter(has_text="Gå igenom resan").wait_for()
    projector = laptop.context.new_page()
    projector.goto(server.url + f"/workshop/projector?id={workshop_id}")
    projector.locator("#projector-activity").filter(has_text="Gå igenom resan").wait_for()

    # --- a phone joins and writes: the wall follows within a second -------------------------
    phone.goto(url)
    join(Walk(phone, "live", axe=False), "Vera")
    expect(projector.locator("#projector-counts")).to_contain_text(
        "1 har gått med", timeout=PUSH_TIMEOUT_MS
    )
    latencies = []
    for step, kind, text in [
        ("logga-in", "Problem", "Jag har inget BankID och kommer inte vidare"),
        ("foto", "Problem", "Fotot kräver BankID en gång till"),
        ("start", "Idé", "Skriv vem som får söka redan på startsidan"),
    ]:
        started = time.monotonic()
        write_note(phone, step, kind, text)
        projector.locator(f"#wall-{step}").get_by_text(text).wait_for(timeout=PUSH_TIMEOUT_MS)
        latencies.append(time.monotonic() - started)
        laptop.locator(f"#notes-{step}").get_by_text(text).wait_for(timeout=PUSH_TIMEOUT_MS)
    print(f"note on the projector after {', '.join(f'{s * 1000:.0f} ms' for s in latencies)}")
    shot(projector, "facilitator-live-01-projector-notes")

    # --- merge the two BankID notes from different steps onto "Logga in" ---------------------
    merge = laptop.locator("#merge-card")
    merge.get_by_label(re.compile("Logga in med e-legitimation: Jag har inget BankID")).check()
    merge.get_by_label(re.compile(": Fotot kräver BankID en gång till")).check()
    merge.get_by_label("Texten som står kvar").select_option(
        label="Logga in med e-legitimation: Jag har inget BankID och kommer inte vidare (Vera)"
    )
    merge.get_by_label("På steget").select_option("logga-in")
    shot(laptop, "facilitator-live-02-merge")
    merge.get_by_role("button", name="Slå ihop").click()
    merge.get_by_text("Lapparna är sammanslagna.").wait_for()
    projector.locator("#wall-foto").get_by_text("Fotot kräver BankID").wait_for(
        state="detached", timeout=PUSH_TIMEOUT_MS
    )
    with database(server) as db:
        kept = [n for n in workshops.list_notes(db, workshop_id) if n.merged_into is None]
        assert sorted(n.step_id or "" for n in kept) == ["logga-in", "start"]

    # --- the dot vote, results revealed: a phone's vote is on the wall within a second --------
    laptop.get_by_role("button", name="Nästa aktivitet").click()
    laptop.locator("#current-activity").filter(has_text="Lappar på stegen").wait_for()
    laptop.get_by_role("button", name="Nästa aktivitet").click()
    laptop.locator("#current-activity").filter(has_text="Prickröstning").wait_for()
    laptop.get_by_role("button", name="Visa resultatet").click()
    projector.locator("#projector-activity").filter(has_text="Prickröstning").wait_for(
        timeout=PUSH_TIMEOUT_MS
    )
    expect(phone.locator("#votes-left")).to_have_text("Du har 2 röster kvar", timeout=12_000)
    started = time.monotonic()
    phone.get_by_role("button", name="Rösta").first.click()
    voted = projector.locator("#projector-results li")  # a row once a note has votes
    voted.first.wait_for(timeout=PUSH_TIMEOUT_MS)
    print(f"vote on the projector after {(time.monotonic() - started) * 1000:.0f} ms")
    expect(phone.locator("#votes-left")).to_have_text("Du har 1 röst kvar")
    expect(voted).to_have_count(1)
    expect(voted.first).to_contain_text("1")
    phone.get_by_role("button", name="Rösta").first.click()
    expect(phone.locator("#votes-left")).to_contain_text("Du har inga röster kvar")
    laptop.locator("#count-votes").filter(has_text="2").wait_for(timeout=PUSH_TIMEOUT_MS)
    shot(projector, "facilitator-live-03-projector-votes")
    assert_accessible(projector)

    # --- change the agenda while it runs ---------------------------------------------------
    items = laptop.locator(".agenda-item")
    vote_item = items.filter(has_text="Prickröstning")
    vote_item.get_by_role("button", name=re.compile("^Ändra")).click()
    laptop.locator("#edit-votes").fill("1")
    laptop.locator("#save-activity").click()
    laptop.get_by_text("Det går inte att sänka till 1 röster").wait_for()
    laptop.locator("#edit-votes").fill("4")
    laptop.locator("#save-activity").click()
    laptop.get_by_text("Aktiviteten är ändrad.").wait_for()
    vote_item.get_by_text("4 röster var på lappar").wait_for()
    expect(phone.locator("#votes-left")).to_have_text("Du har 2 röster kvar", timeout=12_000)

    items.first.get_by_role("button", name=re.compile("^Ändra")).click()
    laptop.locator("#edit-title").fill("Resan steg för steg")
    laptop.locator("#save-activity").click()
    items.first.get_by_text("Resan steg för steg", exact=True).wait_for()

    before = items.count()
    laptop.get_by_label("Aktivitet", exact=True).select_option(label="Öppen fråga")
    laptop.get_by_label("Frågan", exact=True).fill("Vad var bäst i dag?")
    laptop.get_by_role("button", name="Lägg till i agendan").click()
    laptop.get_by_text("Aktiviteten är tillagd sist i agendan.").wait_for()
    expect(items).to_have_count(before + 1)
    added = items.filter(has_text="Vad var bäst i dag?")
    added.get_by_role("button", name=re.compile("^Upp")).click()
    expect(items.nth(before - 1)).to_contain_text("Vad var bäst i dag?")
    shot(laptop, "facilitator-live-04-run-agenda")
    assert_accessible(laptop)
    added.get_by_role("button", name=re.compile("^Ta bort")).click()
    laptop.get_by_text("Aktiviteten är borttagen ur agendan.").wait_for()
    expect(items).to_have_count(before)
    with database(server) as db:
        activities = workshops.agenda(db, workshop_id)
        assert activities[0].title == "Resan steg för steg"
        assert [a.votes_per_person for a in activities if a.kind == "vote"] == [4]
    projector.close()


@contextmanager
def serving(server: Server, log: Path) -> Iterator[subprocess.Popen]:
    """``medskapa serve`` for ``server`` until the block ends (then stopped as at a restart)."""
    port = server.env["MEDSKAPA_PORT"]
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "toolkit.cli", "serve", "--host", "127.0.0.1", "--port", port],
            env=server.env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for(server.url, process, log)
            yield process
        finally:
            _stop(process)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    """A server of this test's own (not started yet), which it may stop and start again."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    web = ROOT / f".web-e2e-restart-{os.getpid()}"
    env = {
        **os.environ,
        "MEDSKAPA_DB": str(tmp_path / "medskapa.db"),
        "MEDSKAPA_PUBLIC_URL": url,
        "MEDSKAPA_PORT": str(port),
        "MEDSKAPA_WEB_DIR": str(web),
        "REFLEX_STATES_WORKDIR": str(tmp_path / "states"),
        "MEDSKAPA_LANG": "sv",
    }
    server = Server(url=url, db=tmp_path / "medskapa.db", env=env)
    assert server.cli("demo").returncode == 0
    added = server.cli(
        "user", "add", DESIGNER_EMAIL, "--role", "designer", "--password-stdin",
        input_text=DESIGNER_PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    try:
        yield server
    finally:
        shutil.rmtree(web, ignore_errors=True)


def test_after_a_restart_the_run_page_and_the_phones_carry_on_live(
    browser, own_server: Server, tmp_path: Path
) -> None:
    server = own_server
    log = tmp_path / "serve.log"
    code, url = create_workshop(server, "Workshop som startas om")
    with database(server) as db:
        found = workshops.find_workshop(db, code)
        assert found is not None
        workshop_id = found.id
    laptop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE").new_page()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE").new_page()
    for page in (laptop, phone):
        page.set_default_timeout(30_000)

    with serving(server, log):
        sign_in(laptop, server)
        laptop.goto(server.url + f"/workshop/run?id={workshop_id}")
        laptop.locator("#current-activity").filter(has_text="Gå igenom resan").wait_for()
        phone.goto(url)
        join(Walk(phone, "restart", axe=False), "Tove")
        write_note(phone, "logga-in", "Problem", "Före omstarten")
        laptop.locator("#notes-logga-in").get_by_text("Före omstarten").wait_for(
            timeout=PUSH_TIMEOUT_MS
        )

    with serving(server, log):  # the same database, port and cookies: a restart
        # the open run page reconnects by itself, signed in, on the same workshop
        write_note(phone, "foto", "Idé", "Efter omstarten")
        expect(phone.locator(".ws-note__status")).to_have_text(
            "Tack! Lappen är sparad.", timeout=30_000
        )
        laptop.locator("#notes-foto").get_by_text("Efter omstarten").wait_for(timeout=30_000)
        assert laptop.locator("#notes-logga-in").get_by_text("Före omstarten").is_visible()
        expect(laptop.locator("#current-activity")).to_have_text("Gå igenom resan")
        # and it is woken by the phones again, not only by the slow poll
        write_note(phone, "start", "Fråga", "Live igen")
        laptop.locator("#notes-start").get_by_text("Live igen").wait_for(timeout=PUSH_TIMEOUT_MS)
        shot(laptop, "facilitator-restart-run")
    with database(server) as db:
        participants = workshops.list_participants(db, workshop_id)
        assert [p.nickname for p in participants] == ["Tove"]  # the phone did not join again
        assert len(workshops.list_notes(db, workshop_id)) == 3
    laptop.context.close()
    phone.context.close()
