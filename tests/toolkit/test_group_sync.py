"""Commits made durable in groups (toolkit.db.GroupSync, ADR 0013): nothing is answered
before an fsync that began after its commit, many answers share one fsync, and a disk that
fails gives the citizen a calm 503 instead of an acknowledgement."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from toolkit.db import ConnectionPool, GroupSync, SyncFailed, open_db, take_pending, wait_durable


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "sync.db"
    db = open_db(target)
    db.execute("create table notes (id integer primary key, text text)")
    db.conn.close()
    return target


class Recorder:
    """What happened, in order: commits (from SQLite's trace) and fsyncs."""

    def __init__(self, pool: ConnectionPool, monkeypatch: pytest.MonkeyPatch) -> None:
        self.log: list[str] = []
        self.lock = threading.Lock()
        sync = pool.sync
        assert sync is not None
        real = sync._fsync

        def fsync() -> None:
            self.add("fsync")
            real()

        monkeypatch.setattr(sync, "_fsync", fsync)

    def add(self, what: str) -> None:
        with self.lock:
            self.log.append(what)

    def trace(self, db: Any) -> None:
        db.conn.set_trace_callback(lambda sql: self.add("commit") if sql == "COMMIT" else None)


async def _write(pool: ConnectionPool, recorder: Recorder, text: str) -> None:
    with pool.connection() as db:
        recorder.trace(db)
        db.execute("BEGIN IMMEDIATE")
        db.execute("insert into notes (text) values (?)", [text])
        db.execute("COMMIT")
    pending = take_pending()
    assert pending, "a write in the event loop leaves a ticket to wait for"
    await wait_durable(pending)
    recorder.add("answer")


def test_an_answer_waits_for_an_fsync_that_began_after_its_commit(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ConnectionPool(path)
    recorder = Recorder(pool, monkeypatch)
    asyncio.run(_write(pool, recorder, "en"))
    assert recorder.log == ["commit", "fsync", "answer"]
    pool.close()


def test_many_writes_at_once_share_fsyncs_and_every_one_is_stored(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ConnectionPool(path)
    recorder = Recorder(pool, monkeypatch)

    async def burst() -> None:
        await asyncio.gather(*(_write(pool, recorder, f"lapp {i}") for i in range(60)))

    asyncio.run(burst())
    assert recorder.log.count("answer") == 60
    assert recorder.log.count("fsync") < 60
    # no answer before the first fsync that followed the commits it covers
    first_answer = recorder.log.index("answer")
    assert "fsync" in recorder.log[:first_answer]
    assert open_db(path).execute("select count(*) from notes").fetchone()[0] == 60
    pool.close()


def test_a_read_only_request_waits_for_nothing(path: Path) -> None:
    pool = ConnectionPool(path)

    async def read() -> list[Any]:
        with pool.connection() as db:
            db.execute("select count(*) from notes").fetchone()
        return take_pending()

    assert asyncio.run(read()) == []
    assert pool.sync is not None and pool.sync.syncs == 0
    pool.close()


def test_a_worker_thread_waits_itself_before_its_connection_is_given_back(path: Path) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as db:
        db.execute("insert into notes (text) values ('tråd')")
    assert take_pending() == []  # nothing left for anyone to await
    assert pool.sync is not None and pool.sync.syncs >= 1
    pool.close()


def test_pooled_connections_leave_syncing_to_the_group_others_sync_each_commit(
    path: Path,
) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as db:
        assert db.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
    assert open_db(path).execute("pragma synchronous").fetchone()[0] == 2  # FULL
    pool.close()


def test_a_failed_fsync_is_not_acknowledged(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = ConnectionPool(path)
    sync = pool.sync
    assert sync is not None

    def broken() -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(sync, "_fsync", broken)

    async def write() -> None:
        with pool.connection() as db:
            db.execute("insert into notes (text) values ('borta?')")
        await wait_durable(take_pending())

    with pytest.raises(SyncFailed, match="disk I/O error"):
        asyncio.run(write())
    # and outside an event loop (a worker thread): the connection's user gets the error
    with pytest.raises(SyncFailed, match="disk I/O error"), pool.connection() as db:
        db.execute("insert into notes (text) values ('tråd')")
    assert isinstance(SyncFailed("x"), sqlite3.OperationalError)
    pool.close()


def test_a_citizen_whose_answer_cannot_be_made_safe_gets_a_try_again_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real citizen pages: consent is not acknowledged when the disk fails;
    the page says so calmly (503), and outbox JSON callers get 503 JSON to retry."""
    from tests.toolkit.test_citizen_pages import World

    world = World(tmp_path / "citizen.db")

    def broken(self: GroupSync) -> None:
        raise OSError(28, "No space left on device")

    async def go() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=world.api())
        async with httpx.AsyncClient(transport=transport, base_url="http://192.168.1.20:3000") as c:
            welcome = await c.get(f"/t/{world.code}")
            csrf = welcome.text.split('name="csrf" value="')[1].split('"')[0]
            monkeypatch.setattr(GroupSync, "_fsync", broken)
            form = {"csrf": csrf, "age": "16-17", "consent": "ja"}
            page = await c.post(
                f"/t/{world.code}/start", data=form, headers={"origin": "http://192.168.1.20:3000"}
            )
            as_json = await c.post(
                f"/t/{world.code}/start",
                data=form,
                headers={"origin": "http://192.168.1.20:3000", "accept": "application/json"},
            )
            return page, as_json

    page, as_json = asyncio.run(go())
    assert page.status_code == 503
    assert "Försök igen om en stund" in page.text
    assert "Traceback" not in page.text
    assert as_json.status_code == 503 and as_json.json()["ok"] is False


def test_checkpoints_are_the_sync_threads_job_not_the_event_loops(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit in the event loop never copies the log into the database (that is disk
    work for seconds' worth of commits); the sync thread does it after an fsync."""
    pool = ConnectionPool(path)
    sync = pool.sync
    assert sync is not None
    monkeypatch.setattr(GroupSync, "CHECKPOINT_EVERY_S", 0.0)
    threads: list[str] = []
    real = GroupSync._checkpoint_now_and_then

    def spy(self: GroupSync) -> None:
        threads.append(threading.current_thread().name)
        real(self)

    monkeypatch.setattr(GroupSync, "_checkpoint_now_and_then", spy)

    async def write() -> None:
        with pool.connection() as db:
            assert db.execute("pragma wal_autocheckpoint").fetchone()[0] == 0
            db.execute("insert into notes (text) values ('till disken')")
        await wait_durable(take_pending())

    asyncio.run(write())
    assert threads and all(name.startswith("medskapa-sync") for name in threads)
    assert open_db(path).execute("pragma wal_autocheckpoint").fetchone()[0] == 1000
    pool.close()


def test_a_waiter_whose_ticket_a_worker_thread_synced_first_is_still_answered(
    path: Path,
) -> None:
    """A designer download (worker thread) may sync the file between a participant's
    commit and the event loop's flush: the participant must be answered, not left hanging."""
    sync = GroupSync(path)

    async def go() -> None:
        ticket = sync.ask()
        waiting = asyncio.ensure_future(sync.wait(ticket))
        sync.wait_blocking(sync.ask())  # the worker thread, before the loop's flush ran
        await asyncio.wait_for(waiting, 2.0)

    asyncio.run(go())


def test_a_worker_thread_that_syncs_also_checkpoints_now_and_then(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With MEDSKAPA_PAGE_THREADS=1 every write syncs in a worker thread; the log must still
    be copied into the database file, or it grows all day."""
    pool = ConnectionPool(path)
    monkeypatch.setattr(GroupSync, "CHECKPOINT_EVERY_S", 0.0)
    for i in range(3):
        with pool.connection() as db:
            db.execute("insert into notes (text) values (?)", [f"rad {i}"])
    assert pool.sync is not None and pool.sync._checkpointed > 0  # a checkpoint ran
    pool.close()
