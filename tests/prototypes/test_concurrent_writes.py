"""Designers publishing and sharing at the same moment from separate connections.

A write that reads first (the latest version number, the current revision, the link to
revoke) and then writes must wait for the other writers instead of failing with "database
is locked": these go through ``journeys.store.write`` (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlite_utils import Database

import prototypes
from journeys import store as journey_store
from tests.prototypes.conftest import PARKERING, T0, journey

WRITERS = 6
ROUNDS = 4


def connect(path: Path) -> Database:
    """A connection as the app opens one: WAL, foreign keys and a busy timeout."""
    db = Database(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    return db


def draft(journey_id: str, round_: int) -> str:
    return PARKERING.replace("id: parkering", f"id: {journey_id}").replace(
        "title: Klart", f"title: Klart {round_}"
    )


def test_concurrent_saves_publishes_and_links_all_succeed_with_unique_numbers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "medskapa.db"
    setup = connect(path)
    journey_store.MIGRATIONS.apply(setup)
    prototypes.MIGRATIONS.apply(setup)
    journey_store.save_journey(setup, journey(draft("delad", 0)), author="anna", now=T0)
    shared = prototypes.publish_version(setup, "delad", note="v1", author="anna", now=T0)
    errors: list[BaseException] = []
    links: list[str] = []
    published = {"delad": 1}
    lock = threading.Lock()
    ready = threading.Barrier(WRITERS)

    def designer(number: int) -> None:
        db = connect(path)
        try:
            ready.wait()
            for round_ in range(1, ROUNDS + 1):
                # every designer edits and publishes the same journey, and one of their own
                for journey_id in ("delad", f"egen-{number}"):
                    text = draft(journey_id, round_ * 100 + number)
                    journey_store.save_journey(db, journey(text), author="anna", now=T0)
                    try:
                        prototypes.publish_version(db, journey_id, note="ny", author="anna", now=T0)
                    except prototypes.NothingToPublish:
                        # another designer published the shared journey's latest revision
                        # between this one's save and publish: a fair answer, not an error
                        assert journey_id == "delad"
                        continue
                    with lock:
                        published[journey_id] = published.get(journey_id, 0) + 1
                link = prototypes.create_share_link(db, shared.id, created_by="anna", now=T0)
                prototypes.revoke_share_link(db, link.code, now=T0)
                with lock:
                    links.append(link.code)
        except BaseException as exc:  # reported below, whatever it is
            with lock:
                errors.append(exc)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=designer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    numbers = [v.number for v in prototypes.list_versions(setup, "delad")]
    assert sorted(numbers) == list(range(1, 1 + published["delad"]))
    assert published["delad"] > WRITERS  # most publishes of the shared journey went through
    for n in range(WRITERS):
        assert len(prototypes.list_versions(setup, f"egen-{n}")) == ROUNDS
        assert len(journey_store.list_revisions(setup, f"egen-{n}")) == ROUNDS
    assert len(links) == WRITERS * ROUNDS
    assert all(prototypes.get_share_link(setup, code).revoked_at for code in links)
