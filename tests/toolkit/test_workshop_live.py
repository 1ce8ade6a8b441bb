"""Live workshop pages are woken by the write (ADR 0011), and a restart loses nobody.

The facilitator's run page and the projector wait on :mod:`toolkit.web.workshop_live`; the
participant routes wake them after each stored note, vote and join. These tests run the
waiting side in an event loop of its own thread, as Reflex's background tasks do, while the
phone posts through Starlette's TestClient (its own thread pool and loop), and check the
page loop :func:`toolkit.app.pages.workshop_run.keep_live` reloads at once, folds bursts and
stops when its tab goes. The restart tests build a second app on the same database file, as
``medskapa serve`` does after a restart, and carry on with the cookies the browser kept.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import workshops
from tests.toolkit.test_workshop_pages import NOW, Phone, TestClient, World, text_of, uid
from toolkit import accounts, routes
from toolkit.app.pages import workshop_run
from toolkit.app.workshopdata import change_marker, live_view
from toolkit.web import workshop_live


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "workshop.db")


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(world.api(), follow_redirects=False) as c:
        yield c


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop running in a thread of its own, like Reflex's."""
    running = asyncio.new_event_loop()
    thread = threading.Thread(target=running.run_forever, daemon=True)
    thread.start()
    yield running
    running.call_soon_threadsafe(running.stop)
    thread.join(timeout=5)
    running.close()


class Watcher:
    """A page watching one workshop from ``loop``: ``woken()`` says when it woke."""

    __test__ = False

    def __init__(self, loop: asyncio.AbstractEventLoop, workshop_id: str, timeout: float) -> None:
        self.ready = threading.Event()

        async def watch() -> float | None:
            with workshop_live.watching(workshop_id) as event:
                self.ready.set()
                if await workshop_live.wait(event, timeout):
                    return time.monotonic()
                return None

        self.future = asyncio.run_coroutine_threadsafe(watch(), loop)
        assert self.ready.wait(5)

    def woken(self) -> float | None:
        return self.future.result(timeout=10)


def test_a_change_wakes_every_page_of_that_workshop_and_no_other(
    loop: asyncio.AbstractEventLoop,
) -> None:
    run_page = Watcher(loop, "w1", timeout=5)
    projector = Watcher(loop, "w1", timeout=5)
    elsewhere = Watcher(loop, "w2", timeout=0.3)
    assert workshop_live.BOARD.watchers("w1") == 2
    before = time.monotonic()
    assert workshop_live.changed("w1") == 2
    for page in (run_page, projector):
        woken = page.woken()
        assert woken is not None and woken - before < 0.2
    assert elsewhere.woken() is None
    assert workshop_live.BOARD.watchers("w1") == 0  # a page that stops waiting is forgotten
    assert workshop_live.changed("w1") == 0


def test_a_note_a_vote_and_a_join_from_phones_wake_the_facilitators_pages(
    world: World, client: TestClient, loop: asyncio.AbstractEventLoop
) -> None:
    world.open()
    phone = Phone(client, world.code)
    watcher = Watcher(loop, world.id, timeout=5)
    assert phone.join("Kalle").status_code == 303
    assert watcher.woken() is not None

    world.go("notes")
    page = phone.page()
    watcher = Watcher(loop, world.id, timeout=5)
    before = time.monotonic()
    assert phone.note("logga-in", "pain", "Svårt att logga in").status_code == 303
    woken = watcher.woken()
    assert woken is not None and woken - before < 1.0
    assert page.status_code == 200

    world.go("vote", "notes")
    [note] = world.notes()
    watcher = Watcher(loop, world.id, timeout=5)
    assert phone.vote(note_id=note.id).status_code == 303
    assert watcher.woken() is not None


def test_a_refused_or_repeated_write_wakes_nobody(
    world: World, client: TestClient, loop: asyncio.AbstractEventLoop
) -> None:
    world.open()
    phone = Phone(client, world.code)
    assert phone.join("Kalle").status_code == 303
    world.go("notes")
    note_id = uid()
    assert phone.note("logga-in", "pain", "Svårt", id=note_id).status_code == 303
    watcher = Watcher(loop, world.id, timeout=0.5)
    assert phone.note("logga-in", "pain", "Svårt", id=note_id).status_code == 303  # a retry
    assert phone.note("", "pain", "Utan steg").status_code == 422
    assert watcher.woken() is None


# --- the page loop ---------------------------------------------------------------------------


class FakePage:
    """What :func:`keep_live` needs of a page's State, counting the reloads."""

    def __init__(self, workshop_id: str) -> None:
        self.workshop_id = workshop_id
        self.found = True
        self._generation = 1
        self.lang = "sv"
        self._shown_lang = "sv"
        self._marker = "m"
        self._timer_ends_at = None
        self.timer_text = ""
        self.reloads: list[float] = []
        self.signed_in = True

    async def __aenter__(self) -> FakePage:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def authorised(self, *roles: str) -> bool:
        return self.signed_in

    def login_redirect(self) -> str:
        return "to sign-in"

    def _refresh(self) -> None:
        self.reloads.append(time.monotonic())

    def _tick(self) -> None:
        return None


@pytest.fixture
def quiet_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's slow poll sees nothing new: only wake-ups make it reload."""
    monkeypatch.setattr(workshop_run, "change_marker", lambda db, workshop_id: "m")
    monkeypatch.setattr(workshop_run.data, "database", lambda: None)
    monkeypatch.setattr(workshop_run.data, "now", lambda: NOW)


def run_page(loop: asyncio.AbstractEventLoop, page: FakePage) -> Any:
    future = asyncio.run_coroutine_threadsafe(workshop_run.keep_live(page), loop)
    deadline = time.monotonic() + 5
    while workshop_live.BOARD.watchers(page.workshop_id) == 0:
        assert time.monotonic() < deadline, "the page never started watching"
        time.sleep(0.01)
    return future


@pytest.mark.usefixtures("quiet_database")
def test_the_page_reloads_within_a_fraction_of_a_second_of_a_write(
    loop: asyncio.AbstractEventLoop,
) -> None:
    page = FakePage("live-1")
    future = run_page(loop, page)
    time.sleep(0.3)  # past the first fold window
    before = time.monotonic()
    workshop_live.changed("live-1")
    deadline = time.monotonic() + 2
    while not page.reloads and time.monotonic() < deadline:
        time.sleep(0.01)
    assert page.reloads and page.reloads[0] - before < 0.5
    future.cancel()  # the tab closed: Reflex cancels the task
    deadline = time.monotonic() + 2
    while workshop_live.BOARD.watchers("live-1") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert workshop_live.BOARD.watchers("live-1") == 0


@pytest.mark.usefixtures("quiet_database")
def test_a_burst_of_300_votes_in_a_second_is_a_handful_of_reloads(
    loop: asyncio.AbstractEventLoop,
) -> None:
    page = FakePage("live-2")
    future = run_page(loop, page)
    start = time.monotonic()
    for _ in range(300):
        workshop_live.changed("live-2")
        time.sleep(1 / 300)
    time.sleep(0.6)
    future.cancel()
    assert 2 <= len(page.reloads) <= 1 + (time.monotonic() - start) / 0.25 + 1
    gaps = [b - a for a, b in zip(page.reloads, page.reloads[1:], strict=False)]
    assert all(gap >= workshop_run.MIN_RELOAD_SECONDS * 0.9 for gap in gaps)
    assert page.reloads[-1] >= start + 0.9  # the last votes of the burst are shown too


@pytest.mark.usefixtures("quiet_database")
def test_a_page_whose_session_ended_goes_to_sign_in_at_the_next_change(
    loop: asyncio.AbstractEventLoop,
) -> None:
    page = FakePage("live-3")
    future = run_page(loop, page)
    page.signed_in = False
    workshop_live.changed("live-3")
    assert future.result(timeout=3) == "to sign-in"
    assert page.reloads == []


# --- a restart during the workshop ------------------------------------------------------------


def test_participants_carry_on_after_a_restart_with_the_cookie_they_have(world: World) -> None:
    """``medskapa serve`` restarted: a new app on the same database, the phone's cookies kept."""
    world.open()
    world.go("notes")
    with TestClient(world.api(), follow_redirects=False) as before:
        phone = Phone(before, world.code)
        assert phone.join("Kalle").status_code == 303
        assert phone.note("logga-in", "pain", "Svårt att logga in").status_code == 303
        cookies = dict(before.cookies.items())
        kept = list(before.cookies.jar)
    with TestClient(world.api(), follow_redirects=False) as after:
        for cookie in kept:
            after.cookies.jar.set_cookie(cookie)
        assert dict(after.cookies.items()) == cookies
        phone = Phone(after, world.code)
        page = phone.page()
        assert page.status_code == 200
        shown = text_of(page)
        assert "Svårt att logga in" in shown  # their own note is still theirs
        assert "Gå med" not in shown  # not asked to join again
        assert phone.note("foto", "idea", "Ta fotot med mobilen").status_code == 303
        world.go("vote", "notes")
        first = world.notes()[0]
        assert phone.vote(note_id=first.id, json=True).json()["votes_left"] == 1
    participants = workshops.list_participants(world.db(), world.id)
    assert [p.nickname for p in participants] == ["Kalle"]
    assert len(world.notes()) == 2


def test_the_facilitator_carries_on_after_a_restart_where_the_room_was(world: World) -> None:
    """The session lives in the database, and so does everything the run page shows: after a
    restart the reconnecting page (``on_load`` runs again) finds the same activity, lock,
    results and notes, and the same sign-in still opens the facilitator's downloads."""
    db = world.db()
    accounts.add_user(db, "lina@exempelkommun.se", "ett-bra-losenord-1", role="facilitator",
                      now=NOW)  # fmt: skip
    world.open()
    dot_vote = world.go("vote", "notes")
    workshops.lock_input(db, world.id)
    workshops.reveal_results(db, world.id)
    report = routes.workshop_report_path(world.code)
    with TestClient(world.api(), follow_redirects=False) as before:
        signed_in = before.post(
            routes.LOGIN,
            data={"email": "lina@exempelkommun.se", "password": "ett-bra-losenord-1"},
        )
        assert signed_in.status_code == 303
        assert before.get(report).status_code == 200
        kept = list(before.cookies.jar)
    marker = change_marker(db, world.id)
    db.conn.close()

    restarted = world.db()  # a new process opens the database again
    with TestClient(world.api(), follow_redirects=False) as after:
        assert after.get(report).status_code == 303  # a browser without the cookie: sign in
        for cookie in kept:
            after.cookies.jar.set_cookie(cookie)
        assert after.get(report).status_code == 200
    token = next(c.value for c in kept if c.name == routes.SESSION_COOKIE)
    user = accounts.user_for_session(restarted, token, now=NOW)
    assert user is not None and user.email == "lina@exempelkommun.se"
    view = live_view(restarted, world.id, audience="facilitator")
    assert view is not None
    assert view.current is not None and view.current.id == dot_vote.id
    assert view.workshop.input_locked and view.workshop.results_revealed
    assert change_marker(restarted, world.id) == marker


@pytest.mark.usefixtures("quiet_database")
def test_a_page_loaded_again_leaves_one_watcher(loop: asyncio.AbstractEventLoop) -> None:
    """A reconnect runs ``on_load`` again, which starts a new watcher: the old one stops."""
    page = FakePage("live-4")
    old = run_page(loop, page)
    page._generation += 1  # what load() does before it starts the new watcher
    workshop_live.changed("live-4")
    assert old.result(timeout=3) is None
    assert page.reloads == []
    assert workshop_live.BOARD.watchers("live-4") == 0


def test_phones_follow_an_activity_reworded_or_given_more_votes_while_it_runs(
    world: World, client: TestClient
) -> None:
    world.open()
    phone = Phone(client, world.code)
    assert phone.join("Kalle").status_code == 303
    walk = world.go("walk")
    before = phone.state()["version"]
    workshops.update_activity(world.db(), world.id, walk.id, title="Resan steg för steg")
    assert phone.state()["version"] != before
    assert "Resan steg för steg" in text_of(phone.page())

    dot_vote = world.go("vote", "notes")
    before = phone.state()
    assert before["votes_left"] == 2
    workshops.update_activity(world.db(), world.id, dot_vote.id, votes_per_person=5)
    after = phone.state()
    assert after["votes_left"] == 5 and after["version"] != before["version"]
    assert "Du har 5 röster kvar" in text_of(phone.page())
