"""The writer thread (toolkit.db.Writer, ADR 0015): the pages' last writes, stored in
batches beside the event loop, each answered only once it is on disk."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from feedback import (
    FeedbackError,
    TestSession,
    prepare_events,
    record_prepared,
    withdraw,
)
from tests.feedback.conftest import T0, count, event, shared_link, starter
from toolkit.db import ConnectionPool, open_db


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "medskapa.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_db(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def start(db: Database) -> Callable[..., TestSession]:
    """Start sessions on a share link to the published parking permit journey."""
    return starter(db, shared_link(db))


@pytest.fixture
def session(start: Callable[..., TestSession]) -> TestSession:
    return start()


def test_writes_waiting_together_share_a_transaction_and_an_fsync(
    db: Database, db_path: Path, start
) -> None:
    sessions = [start() for _ in range(40)]
    pool = ConnectionPool(db_path)

    async def main() -> list[Any]:
        pages = [prepare_events([event(s), event(s, "submitted")]) for s in sessions]
        return await asyncio.gather(*(pool.writer.write(record_prepared, p) for p in pages))

    assert asyncio.run(main()) == [2] * 40
    assert count(db, "events") == 80
    assert 1 <= pool.writer.batches < 40
    assert pool.sync is not None and 1 <= pool.sync.syncs < 40
    pool.close()


def test_a_page_whose_session_is_gone_fails_alone(db: Database, db_path: Path, start) -> None:
    here, gone = start(), start()
    withdraw(db, gone.withdrawal_code, now=T0)
    pool = ConnectionPool(db_path)

    async def main() -> list[Any]:
        pages = [prepare_events([event(s)]) for s in (here, gone, here)]
        return await asyncio.gather(
            *(pool.writer.write(record_prepared, p) for p in pages), return_exceptions=True
        )

    first, second, third = asyncio.run(main())
    assert (first, third) == (1, 1) and isinstance(second, FeedbackError)
    assert count(db, "events", here.id) == 2 and count(db, "events", gone.id) == 0
    pool.close()


def test_a_batch_that_cannot_be_committed_stores_nothing_and_says_so(
    db: Database, db_path: Path, session
) -> None:
    """A full disk or a file locked by another program: every write of the batch gets the
    error (the page answers 503 and the phone sends again); nothing is half stored."""
    pool = ConnectionPool(db_path)

    def full(database: Database, payloads: list[Any]) -> list[tuple[bool, Any]]:
        record_prepared(database, payloads)
        raise sqlite3.OperationalError("database or disk is full")

    async def main() -> list[Any]:
        pages = [prepare_events([event(session)]) for _ in range(3)]
        return await asyncio.gather(
            *(pool.writer.write(full, p) for p in pages), return_exceptions=True
        )

    assert all(isinstance(r, sqlite3.OperationalError) for r in asyncio.run(main()))
    assert count(db, "events") == 0

    async def again() -> Any:  # the writer opened a fresh connection and goes on
        return await pool.writer.write(record_prepared, prepare_events([event(session)]))

    assert asyncio.run(again()) == 1
    pool.close()


def test_the_thread_ends_when_idle_and_comes_back(
    db: Database, db_path: Path, session, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ConnectionPool(db_path)
    monkeypatch.setattr(pool.writer, "IDLE_S", 0.05)

    async def one() -> Any:
        return await pool.writer.write(record_prepared, prepare_events([event(session)]))

    assert asyncio.run(one()) == 1
    thread = pool.writer._thread
    assert thread is not None
    thread.join(timeout=5)
    assert not thread.is_alive() and pool.writer._thread is None
    assert asyncio.run(one()) == 1
    assert count(db, "events") == 2
    pool.close()


def test_a_database_that_cannot_be_opened_fails_the_batch_not_the_thread(
    db: Database, db_path: Path, session, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ConnectionPool(db_path)
    opened = pool.open
    tries: list[int] = []

    def flaky() -> Database:
        tries.append(1)
        if len(tries) == 1:
            raise sqlite3.OperationalError("unable to open database file")
        return opened()

    monkeypatch.setattr(pool, "open", flaky)

    async def one() -> Any:
        return await pool.writer.write(record_prepared, prepare_events([event(session)]))

    with pytest.raises(sqlite3.OperationalError, match="unable to open"):
        asyncio.run(one())
    assert asyncio.run(one()) == 1  # the same thread, a connection the second time
    assert count(db, "events") == 1
    pool.close()


def test_a_write_that_waits_too_long_for_its_turn_is_dropped_not_stored_later(
    db: Database, db_path: Path, start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds the database: the page already in a batch waits for it, a page
    still queued when the time is up answers 503 and is never stored afterwards."""
    first, second = start(), start()
    pool = ConnectionPool(db_path)
    monkeypatch.setattr(pool.writer, "WAIT_LIMIT_S", 0.3)
    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")

    async def main() -> Any:
        taken = asyncio.ensure_future(
            pool.writer.write(record_prepared, prepare_events([event(first)]))
        )
        await asyncio.sleep(0.1)  # the writer took it and waits for the lock
        with pytest.raises(sqlite3.OperationalError, match="turn"):
            await pool.writer.write(record_prepared, prepare_events([event(second)]))
        blocker.rollback()
        return await taken

    assert asyncio.run(main()) == 1
    assert count(db, "events", first.id) == 1 and count(db, "events", second.id) == 0
    pool.close()


def test_a_full_disk_in_one_page_fails_the_whole_batch(db: Database, db_path: Path, start) -> None:
    """Only a page's own `FeedbackError` (its session is gone) is that page's alone; an error
    of the database itself undoes the batch, so no page is stored without being told."""
    here, gone = start(), start()
    withdraw(db, gone.withdrawal_code, now=T0)
    db.execute(
        "create trigger full_disk before insert on events when new.step_id = 'full' "
        "begin select raise(rollback, 'database or disk is full'); end"
    )
    pool = ConnectionPool(db_path)

    async def main() -> list[Any]:
        pages = [
            prepare_events([event(gone)]),  # sends the batch the careful way
            prepare_events([event(here, step_id="full")]),
            prepare_events([event(here)]),
        ]
        return await asyncio.gather(
            *(pool.writer.write(record_prepared, p) for p in pages), return_exceptions=True
        )

    assert all(isinstance(r, sqlite3.Error) for r in asyncio.run(main()))
    assert count(db, "events") == 0
    pool.close()
