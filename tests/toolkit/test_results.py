"""Reading results counts tests left idle for 30 minutes as abandoned."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import feedback
import prototypes
from journeys import read_file, save_journey
from toolkit.db import open_db
from toolkit.results import ABANDON_AFTER, refresh_abandoned

EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
T0 = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def _session(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = open_db(tmp_path / "m.db")
    journey = read_file(EXAMPLE).journey
    save_journey(db, journey, author="test", now=T0)
    version = prototypes.publish_version(db, journey.id, note="v1", author="test", now=T0)
    link = prototypes.create_share_link(db, version.id, created_by="test", now=T0)
    session = feedback.start_session(
        db,
        share_code=link.code,
        version_id=version.id,
        journey_id=journey.id,
        age_band="16-17",
        allow_under_13=False,
        user_agent="Mozilla/5.0 (iPhone)",
        now=T0,
    )
    feedback.record_event(
        db,
        feedback.Event(
            id=str(uuid.uuid4()),
            session_id=session.id,
            kind="screen_viewed",
            step_id="ska-du-kora",
            at=T0,
        ),
    )
    return db, session


def test_a_test_idle_for_half_an_hour_counts_as_abandoned_when_results_are_read(
    tmp_path: Path,
) -> None:
    db, session = _session(tmp_path)
    assert refresh_abandoned(db, now=T0 + ABANDON_AFTER - dt.timedelta(minutes=1)) == 0
    assert feedback.get_session(db, session.id).outcome is None
    assert refresh_abandoned(db, now=T0 + ABANDON_AFTER + dt.timedelta(minutes=1)) == 1
    assert feedback.get_session(db, session.id).outcome == "abandoned"
    assert refresh_abandoned(db, now=T0 + 2 * ABANDON_AFTER) == 0
