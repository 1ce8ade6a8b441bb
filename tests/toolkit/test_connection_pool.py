"""The per-thread connection pool the citizen pages use (toolkit.db.ConnectionPool)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from journeys.store import KEPT_MAX, kept, save_journey
from prototypes import create_share_link, publish_version
from tests.feedback.conftest import PARKERING, T0
from tests.feedback.conftest import journey as journey_of
from toolkit.db import (
    REMEMBERED_TABLES,
    ConnectionPool,
    get_organisation,
    get_setting,
    open_db,
    remembered,
    set_organisation,
    set_setting,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "pool.db"
    open_db(target).conn.close()  # migrations applied once, as the server does at start
    return target


def test_a_thread_gets_its_own_connection_back_request_after_request(path: Path) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as first:
        pass
    with pool.connection() as second:
        assert second is first
    seen: list[object] = []

    def other() -> None:
        with pool.connection() as db:
            seen.append(db)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen and seen[0] is not first
    pool.close()


def test_a_kept_connection_sees_what_another_connection_committed_since(path: Path) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as db:
        assert get_setting(db, "organisation.name") is None
    writer = open_db(path, migrate=False)
    set_setting(writer, "organisation.name", "Exempelby kommun")
    writer.conn.close()
    with pool.connection() as db:
        assert get_setting(db, "organisation.name") == "Exempelby kommun"
    pool.close()


def test_a_transaction_left_open_is_rolled_back_when_the_request_ends(path: Path) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "insert into app_settings (key, value, updated_at) values ('half', 'done', 'now')"
        )
    with pool.connection() as db:
        assert not db.conn.in_transaction
        assert get_setting(db, "half") is None
    pool.close()


def test_a_nested_use_does_not_end_the_outer_transaction(path: Path) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as outer:
        outer.execute("BEGIN IMMEDIATE")
        with pool.connection() as inner:
            assert inner is outer
        assert outer.conn.in_transaction
        outer.execute("COMMIT")
    pool.close()


def test_a_connection_that_failed_is_replaced_by_a_fresh_one(path: Path) -> None:
    pool = ConnectionPool(path)
    with pytest.raises(sqlite3.OperationalError), pool.connection() as broken:
        broken.execute("select * from no_such_table")
    with pool.connection() as fresh:
        assert fresh is not broken
        assert fresh.execute("select 1").fetchone() == (1,)
    with pytest.raises(sqlite3.ProgrammingError):
        broken.execute("select 1")  # the failed one was closed
    pool.close()


def test_a_database_file_made_anew_at_the_same_path_gets_its_tables_again(path: Path) -> None:
    first = open_db(path)  # migrated before (the fixture): the check is skipped now
    assert get_setting(first, "secret") is None
    first.conn.close()
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    again = open_db(path)
    set_setting(again, "organisation.name", "Nyby kommun")  # app_settings exists again
    assert get_setting(again, "organisation.name") == "Nyby kommun"
    again.conn.close()


def test_a_table_dropped_by_hand_is_not_mistaken_for_an_up_to_date_schema(path: Path) -> None:
    db = open_db(path)
    db.execute("drop table api_tokens")
    db.execute("delete from _sqlite_migrations where name = 'm002_api_tokens'")
    db.conn.commit()
    db.conn.close()
    again = open_db(path)
    assert again["api_tokens"].exists()
    again.conn.close()


def test_writers_on_many_threads_queue_and_every_write_is_stored(path: Path) -> None:
    from journeys.store import write

    pool = ConnectionPool(path)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                with pool.connection() as db:
                    write(
                        db,
                        lambda db=db, i=i: db.execute(
                            "insert into app_settings (key, value, updated_at) values (?, ?, ?)",
                            [f"w{n}-{i}", "x", "now"],
                        ),
                    )
        except BaseException as exc:  # a 'database is locked' would land here
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with pool.connection() as db:
        stored = db.execute("select count(*) from app_settings where key like 'w%'").fetchone()
        assert stored == (200,)
        assert not db.conn.holding  # type: ignore[attr-defined]
    pool.close()


def test_a_request_that_leaves_a_write_open_does_not_hold_up_the_next_writer(path: Path) -> None:
    pool = ConnectionPool(path)
    with pool.connection() as db:
        db.execute("BEGIN IMMEDIATE")  # and never COMMIT: the request ends here
    started: list[float] = []

    def other() -> None:
        with pool.connection() as db:
            db.execute("BEGIN IMMEDIATE")
            started.append(1.0)
            db.execute("COMMIT")

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=2)  # far below the 5 s the queue would wait for a stuck writer
    assert started == [1.0]
    pool.close()


def test_a_failed_begin_leaves_the_queue(path: Path) -> None:
    pool = ConnectionPool(path)
    outside = sqlite3.connect(path, timeout=0)
    outside.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    with pool.connection() as db:
        db.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            db.execute("BEGIN IMMEDIATE")
        assert not db.conn.holding  # type: ignore[attr-defined]
    outside.rollback()
    outside.close()
    with pool.connection() as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("COMMIT")
    pool.close()


def test_remembered_values_last_until_another_connection_commits(path: Path) -> None:
    """The citizen pages keep the organisation and share links on their connection; a
    designer renaming the organisation (another connection) shows on the next page."""
    pool = ConnectionPool(path)
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    with pool.connection() as db:
        assert remembered(db, "x", make) == 1
        assert remembered(db, "x", make) == 1  # kept
        db.execute("insert into app_settings values ('mine', 'v', 't')")  # own write
        assert remembered(db, "x", make) == 1
        assert get_organisation(db).name == ""
    other = open_db(path)
    set_organisation(other, name="Exempelkommun")
    with pool.connection() as db:
        assert remembered(db, "x", make) == 2  # another connection committed: read again
        assert get_organisation(db).name == "Exempelkommun"
        set_organisation(db, name="Nyköping exempel")  # through this connection: forgotten
        assert get_organisation(db).name == "Nyköping exempel"
    pool.close()


def test_a_plain_connection_keeps_nothing_and_the_kept_values_are_bounded(path: Path) -> None:
    plain = open_db(path)
    calls: list[str] = []
    for _ in range(3):
        remembered(plain, "k", lambda: calls.append("k"))
    assert calls == ["k", "k", "k"]
    pool = ConnectionPool(path)
    with pool.connection() as db:
        for i in range(KEPT_MAX + 5):
            remembered(db, i, lambda: None)
        slot = kept(db, ("remembered",), list)
        assert slot and len(slot[1]) <= KEPT_MAX
    pool.close()


def test_remembered_values_outlive_commits_to_other_tables(path: Path) -> None:
    """The writer thread stores the pages' events through a connection of its own all the
    time; the pages still read their link and organisation only when one of the tables
    they come from changes (toolkit.db.REMEMBERED_TABLES)."""
    pool = ConnectionPool(path)
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    other = open_db(path)
    with pool.connection() as db:
        assert remembered(db, "x", make) == 1
    other.execute("insert into feedback_changes (version_id, changes) values ('v', 1)")
    other.conn.commit()
    with pool.connection() as db:
        assert remembered(db, "x", make) == 1  # not one of the tables: kept
    save_journey(other, journey_of(PARKERING), source=PARKERING, author="anna", now=T0)
    with pool.connection() as db:
        assert remembered(db, "x", make) == 1  # a saved draft: not one of the tables either
    changes = [
        ("app_settings", lambda: set_organisation(other, name="Exempelkommun")),
        (
            "prototype_versions",
            lambda: publish_version(other, "parkering", note="v1", author="a", now=T0),
        ),
        ("share_links", lambda: create_share_link(other, "parkering-v1", created_by="a", now=T0)),
    ]
    assert {table for table, _ in changes} == set(REMEMBERED_TABLES)
    for n, (table, change) in enumerate(changes, start=2):
        change()
        with pool.connection() as db:
            assert remembered(db, "x", make) == n, table  # read again
    pool.close()


def test_every_remembered_table_has_its_three_triggers(path: Path) -> None:
    """A migration that rebuilds one of these tables drops its triggers; kept values would
    then never be read again."""
    db = open_db(path)
    names = {
        row[0]
        for row in db.execute("select name from sqlite_master where type = 'trigger'").fetchall()
    }
    for table in REMEMBERED_TABLES:
        for change in ("insert", "update", "delete"):
            assert f"remembered_{table}_{change}" in names
