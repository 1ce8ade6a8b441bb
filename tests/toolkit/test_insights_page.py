"""The heat view page's plumbing: its address, and the marker the live loop polls."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import feedback
import prototypes
from journeys import read_file
from journeys import store as journey_store
from toolkit import routes
from toolkit.app.pages.insights import change_marker
from toolkit.db import open_db

EXAMPLES = Path(__file__).resolve().parents[2] / "journeys" / "examples"


def test_the_insights_address_carries_only_the_filters_given() -> None:
    assert routes.journey_insights_page("resa") == "/journey/insights?id=resa"
    assert (
        routes.journey_insights_page("resa", version="resa-v2", age="80+")
        == "/journey/insights?id=resa&version=resa-v2&age=80%2B"
    )


def test_the_change_marker_moves_when_a_tester_does_something(tmp_path) -> None:
    db = open_db(tmp_path / "m.db")
    path = EXAMPLES / "parkeringstillstand.yaml"
    journey = read_file(path).journey
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    journey_store.save_journey(
        db, journey, source=path.read_text(encoding="utf-8"), author="t", note=None, now=now
    )
    version = prototypes.publish_version(db, journey.id, note="", author="t", now=now)
    link = prototypes.create_share_link(db, version.id, created_by="t", now=now)
    assert change_marker(db, "no-such-version") == "0"
    before = change_marker(db, version.id)
    assert before == "0"
    session = feedback.start_session(
        db,
        share_code=link.code,
        version_id=version.id,
        journey_id=journey.id,
        age_band="30-49",
        allow_under_13=False,
        user_agent="test",
        now=now,
    )
    started = change_marker(db, version.id)
    assert started != before
    event = feedback.Event(
        id=str(uuid.uuid4()), session_id=session.id, kind="screen_viewed", step_id="start", at=now
    )
    assert feedback.record_event(db, event)
    after = change_marker(db, version.id)
    assert after not in (before, started)
    assert change_marker(db, version.id) == after  # nothing new: the page stays as it is
    assert not feedback.record_event(db, event)  # a retried event is stored once: no change
    assert change_marker(db, version.id) == after
    comment = str(uuid.uuid4())
    feedback.record_comment(
        db, id=comment, session_id=session.id, step_id="start", text="Svårt", now=now
    )
    commented = change_marker(db, version.id)
    assert commented != after
    feedback.hide_comment(db, comment, now=now)
    hidden = change_marker(db, version.id)
    assert hidden != commented
    # a reset deletes rows: a count could go back to an old value, the marker never does
    selection = feedback.reset_selection(db, share_code=link.code)
    feedback.reset_participant_data(db, selection)
    assert change_marker(db, version.id) not in (before, started, after, commented, hidden)
