"""Housekeeping keeps the retention promise while the server runs, once a day."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import feedback
import prototypes
from journeys import read_file, save_journey
from toolkit.db import open_db, set_retention_days
from toolkit.housekeeping import claim_run, housekeeping_loop, last_run, run_housekeeping

EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
T0 = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def _db_with_sessions(tmp_path: Path, *started: dt.datetime):  # type: ignore[no-untyped-def]
    db = open_db(tmp_path / "h.db")
    journey = read_file(EXAMPLE).journey
    save_journey(db, journey, author="test", now=T0)
    version = prototypes.publish_version(db, journey.id, note="v1", author="test", now=T0)
    link = prototypes.create_share_link(db, version.id, created_by="test", now=T0)
    ids = []
    for at in started:
        session = feedback.start_session(
            db,
            share_code=link.code,
            version_id=version.id,
            journey_id=journey.id,
            age_band="16-17",
            allow_under_13=False,
            user_agent="Mozilla/5.0 (iPhone)",
            now=at,
        )
        feedback.record_event(
            db,
            feedback.Event(
                id=str(uuid.uuid4()),
                session_id=session.id,
                kind="screen_viewed",
                step_id="ska-du-kora",
                at=at,
            ),
        )
        ids.append(session.id)
    return db, ids


def _session_ids(db) -> set[str]:  # type: ignore[no-untyped-def]
    return {row[0] for row in db.execute("select id from test_sessions")}


def test_a_run_removes_sessions_past_the_organisations_retention_and_keeps_newer(
    tmp_path: Path,
) -> None:
    now = T0 + dt.timedelta(days=40)
    db, (old, recent) = _db_with_sessions(tmp_path, T0, now - dt.timedelta(hours=2))
    set_retention_days(db, 30, now=T0)

    done = run_housekeeping(db, now=now)

    assert done.purged == 1 and done.retention_days == 30
    assert _session_ids(db) == {recent}
    assert db.execute("select count(*) from events where session_id = ?", [old]).fetchone()[0] == 0
    # the recent test has been idle for two hours: it now counts as abandoned
    assert done.abandoned == 1
    assert feedback.get_session(db, recent).outcome == "abandoned"


def test_with_the_default_retention_a_forty_day_old_test_stays(tmp_path: Path) -> None:
    now = T0 + dt.timedelta(days=40)
    db, (old,) = _db_with_sessions(tmp_path, T0)
    assert run_housekeeping(db, now=now).purged == 0
    assert _session_ids(db) == {old}


def test_only_one_run_is_claimed_per_day_whichever_process_asks(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    other = open_db(tmp_path / "c.db")  # a second server process on the same file
    assert last_run(db) is None
    assert claim_run(db, now=T0) is True
    assert claim_run(other, now=T0 + dt.timedelta(hours=3)) is False
    assert last_run(other) == T0
    assert claim_run(other, now=T0 + dt.timedelta(days=1, seconds=1)) is True


def test_the_loop_runs_due_housekeeping_and_survives_a_failing_run(tmp_path: Path) -> None:
    now = T0 + dt.timedelta(days=40)
    db, _ids = _db_with_sessions(tmp_path, T0)
    set_retention_days(db, 30, now=T0)
    calls = {"n": 0}

    def database():  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk unavailable")  # the first attempt fails; the loop goes on
        return db

    runs = asyncio.run(
        housekeeping_loop(database, clock=lambda: now, first_delay_s=0, check_every_s=0, max_runs=3)
    )

    assert runs == 3
    assert _session_ids(db) == set()
    assert last_run(db) == now
