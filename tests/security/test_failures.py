"""When the database cannot take a write (locked by another process, disk full), the citizen
gets a calm 503 "Försök igen" page, nothing is half-written, and sending again works; a
restarted server lets testers, participants and the facilitator carry on.

The kill -9 test lives in ``benchmarks/failure_kill9.py`` (it needs a real server process).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

import toolkit.db
import toolkit.web.app as web_app
from tests.toolkit.test_citizen_pages import Client, Tester, World, text_of
from toolkit import routes

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK_ID = "3f1c2b7a-9d4e-4f6a-8b2c-1e5d7a9c0b3f"
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(toolkit.db, "BUSY_TIMEOUT_MS", 100)  # give up in 0.1 s, not 5 s
    return World(tmp_path / "failure.db")


@pytest.fixture
def client(world: World) -> Iterator[Client]:
    c = Client(world.api())
    yield c
    c.close()


def snapshot(world: World) -> dict[str, int]:
    db = world.db()
    return {t: db[t].count for t in db.table_names() if not t.startswith("sqlite_")}


class LockedByAnotherProcess:
    """Another process holds ``BEGIN EXCLUSIVE`` on the database until closed."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=10) == 0


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write transaction of the domain packages does its work and then fails at
    COMMIT as SQLite does on a full disk; the transaction is rolled back."""
    import feedback.store
    import workshops.store

    def full(db: Database, work: Any) -> Any:
        db.execute("BEGIN IMMEDIATE")
        try:
            work()
        finally:
            db.execute("ROLLBACK")
        raise sqlite3.OperationalError("database or disk is full")

    originals = {feedback.store.write, workshops.store.write}
    for name, module in list(sys.modules.items()):
        domain = name.split(".")[0] in ("feedback", "workshops", "prototypes", "journeys")
        if domain and getattr(module, "write", None) in originals:
            monkeypatch.setattr(module, "write", full)


def assert_try_again_page(response: Any) -> None:
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert "Försök igen om en stund" in text_of(response)
    assert "inte sparat" in text_of(response)
    assert "Traceback" not in response.text
    assert "content-security-policy" in response.headers
    assert tc_cookie_not_set(response)


def tc_cookie_not_set(response: Any) -> bool:
    return "ms_t=" not in response.headers.get("set-cookie", "")


def test_a_locked_database_gives_a_try_again_page_and_sending_again_stores_once(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    before = snapshot(world)
    lock = LockedByAnotherProcess(world.path)
    try:
        assert client.get(routes.citizen_path(world.code)).status_code == 200  # reading works
        locked = t.submit("start")
        assert_try_again_page(locked)
        outbox = t.post(
            routes.citizen_feedback_path(world.code),
            {"id": FEEDBACK_ID, "step_id": "start", "rating": "4"},
            headers={"Accept": "application/json"},
        )
        assert outbox.status_code == 503 and outbox.json()["ok"] is False
        assert snapshot(world) == before  # nothing half-written
    finally:
        lock.release()
    assert t.submit("start").status_code == 303  # the same form, sent again
    for _ in range(2):  # the outbox sends again (twice: a retry after a lost answer)
        again = t.post(
            routes.citizen_feedback_path(world.code),
            {"id": FEEDBACK_ID, "step_id": "start", "rating": "4"},
            headers={"Accept": "application/json"},
        )
        assert again.status_code == 200
    assert world.count("ratings") == 1


def test_consent_on_a_locked_database_makes_no_session(world: World, client: Client) -> None:
    t = Tester(client, world.code)
    t.open()
    lock = LockedByAnotherProcess(world.path)
    try:
        response = client.post(
            routes.citizen_start_path(world.code),
            data={"csrf": t.token, "age": "30-49", "consent": "ja"},
        )
        assert_try_again_page(response)
    finally:
        lock.release()
    assert world.count("test_sessions") == 0
    assert t.consent().status_code == 303
    assert world.count("test_sessions") == 1


def test_a_full_disk_gives_a_try_again_page_and_keeps_nothing_half_written(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = Tester(client, world.code)
    t.start()
    before = snapshot(world)
    with monkeypatch.context() as full:
        fill_the_disk(full)
        assert_try_again_page(t.submit("start"))
        data = {"id": FEEDBACK_ID, "step_id": "start", "rating": "5", "comment": "Bra sida"}
        assert_try_again_page(t.post(routes.citizen_feedback_path(world.code), data))
        json = t.post(
            routes.citizen_feedback_path(world.code), data, headers={"Accept": "application/json"}
        )
        assert json.status_code == 503
        assert snapshot(world) == before
    # space freed: the same posts again
    assert t.submit("start").status_code == 303
    ok = t.post(
        routes.citizen_feedback_path(world.code), data, headers={"Accept": "application/json"}
    )
    assert ok.status_code == 200
    assert world.count("ratings") == 1 and world.count("comments") == 1


def test_other_database_errors_are_still_a_500_not_a_try_again() -> None:
    assert web_app._is_unavailable(sqlite3.OperationalError("database is locked"))
    assert web_app._is_unavailable(sqlite3.OperationalError("database or disk is full"))
    assert not web_app._is_unavailable(sqlite3.OperationalError("no such table: events"))


def test_the_outboxes_keep_and_resend_anything_the_server_did_not_store() -> None:
    """outbox.js (feedback) and workshop.js (notes, votes) drop an item only on a 2xx or a
    4xx other than 408/429: a 503 (or no answer at all) keeps it in localStorage and sends
    it again."""
    outbox = (ROOT / "toolkit" / "web" / "static" / "outbox.js").read_text(encoding="utf-8")
    assert re.search(r"s >= 500 \|\| s === 408 \|\| s === 429\) throw", outbox)
    assert outbox.index("throw new Error") < outbox.index("drop(item.id)")
    assert "localStorage.setItem" in outbox and ".catch(function" in outbox
    assert "later();" in outbox[outbox.index(".catch(function") :]
    workshop = (ROOT / "toolkit" / "web" / "static" / "workshop.js").read_text(encoding="utf-8")
    assert re.search(r"s >= 500 \|\| s === 408 \|\| s === 429\) throw", workshop)
    assert "localStorage.setItem" in workshop


def test_a_note_on_a_locked_database_is_a_503_and_stored_once_when_sent_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.toolkit.test_workshop_pages import Phone, TestClient
    from tests.toolkit.test_workshop_pages import World as WorkshopWorld

    monkeypatch.setattr(toolkit.db, "BUSY_TIMEOUT_MS", 100)
    world = WorkshopWorld(tmp_path / "workshop.db")
    world.go("notes")
    with TestClient(world.api(), follow_redirects=False) as client:
        phone = Phone(client, world.code)
        assert phone.join("Kim").status_code == 303
        token = phone.csrf()
        note_id = "6b1f0c2e-8d3a-4e5f-9a7b-2c4d6e8f0a1b"
        lock = LockedByAnotherProcess(world.path)
        try:
            locked = phone.note(id=note_id, json=True, csrf=token)
            assert locked.status_code == 503 and locked.json()["ok"] is False
            assert world.count("workshop_notes") == 0
        finally:
            lock.release()
        for _ in range(2):
            assert phone.note(id=note_id, json=True, csrf=token).status_code == 200
    assert world.count("workshop_notes") == 1


# --- a restart in the middle -------------------------------------------------------------------


def test_a_restart_in_the_middle_of_a_test_carries_on_where_the_tester_was(
    world: World, client: Client
) -> None:
    t = Tester(client, world.code)
    t.start()
    t.go("start")
    restarted = Client(world.api())  # a new process: nothing in memory, the same database
    try:
        for cookie in client.client.cookies.jar:
            restarted.client.cookies.set(cookie.name, cookie.value or "", path=cookie.path)
        t.client = restarted
        page = t.step("ska-du-kora")
        assert page.status_code == 200
        assert t.go("ska-du-kora", {"forare": "Ja"}).status_code == 200
    finally:
        restarted.close()


def test_a_restart_during_a_workshop_keeps_participants_and_the_facilitator_in(
    tmp_path: Path,
) -> None:
    from tests.toolkit.test_workshop_pages import Phone, TestClient
    from tests.toolkit.test_workshop_pages import World as WorkshopWorld
    from toolkit import accounts

    world = WorkshopWorld(tmp_path / "workshop.db")
    activity = world.go("notes")
    facilitator = accounts.add_user(
        world.db(), "lina@kommun.se", "rätt häst batteri", role="facilitator", now=world.now
    )
    session = accounts.start_session(world.db(), facilitator, now=world.now, hours=12)
    with TestClient(world.api(), follow_redirects=False) as before:
        phone = Phone(before, world.code)
        assert phone.join("Kim").status_code == 303
        assert phone.note(text="Svårt att hitta knappen").status_code == 303
        cookies = list(before.cookies.jar)
    with TestClient(world.api(), follow_redirects=False) as after:  # the restarted server
        for cookie in cookies:
            after.cookies.set(cookie.name, cookie.value or "", path=cookie.path)
        phone = Phone(after, world.code)
        page = phone.page()
        assert page.status_code == 200 and "Svårt att hitta knappen" in page.text
        assert phone.state()["kind"] == activity.kind == "notes"  # where the room was
        assert phone.note(text="Och en till").status_code == 303
        after.cookies.set(routes.SESSION_COOKIE, session)
        assert after.get(routes.whoami_path()).json()["role"] == "facilitator"
    assert len(world.notes()) == 2
