"""Events: each id stored exactly once, also when many connections send the same ones."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlite_utils import Database

from feedback import (
    Event,
    FeedbackError,
    TestSession,
    get_session,
    parse_event,
    record_event,
    record_events,
    session_events,
)
from journeys.store import write
from tests.feedback.conftest import T0, count, event
from toolkit.db import open_db

SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)


def test_the_same_event_twice_is_stored_once(db: Database, session: TestSession) -> None:
    sent = event(session)
    assert record_event(db, sent) is True
    assert record_event(db, sent) is False
    assert session_events(db, session.id) == [sent]


def test_an_id_in_another_spelling_is_the_same_event(db: Database, session: TestSession) -> None:
    sent = event(session)
    shouted = event(session, id="{" + sent.id.upper() + "}")
    assert shouted.id == sent.id
    assert record_event(db, sent) and not record_event(db, shouted)


def test_events_come_back_in_the_order_they_happened(db: Database, session) -> None:
    later = event(session, "submitted", at=T0 + 2 * SECOND)
    earlier = event(session, at=T0 + SECOND)
    record_event(db, later)
    record_event(db, earlier)
    assert session_events(db, session.id) == [earlier, later]


def test_an_event_keeps_its_step_field_and_detail(db: Database, session) -> None:
    sent = event(
        session,
        "validation_error",
        step_id="start",
        field_id="postnummer",
        detail={"status": "error", "message": "Ange ditt postnummer", "options": ["Ja", "Nej"]},
    )
    record_event(db, sent)
    [stored] = session_events(db, session.id)
    assert stored.field_id == "postnummer"
    assert stored.detail == {
        "status": "error",
        "message": "Ange ditt postnummer",
        "options": ["Ja", "Nej"],
    }


def test_an_event_carries_the_sessions_version_link_and_journey(db, session, link) -> None:
    record_event(db, event(session))
    row = db.execute("select version_id, journey_id, share_code from events").fetchone()
    assert row == (link.version_id, link.journey_id, link.code)


def test_a_new_event_moves_last_seen_forward_never_back(db: Database, session) -> None:
    record_event(db, event(session, at=T0 + 10 * MINUTE))
    record_event(db, event(session, at=T0 + 5 * MINUTE))  # late from an outbox
    assert get_session(db, session.id).last_seen_at == T0 + 10 * MINUTE


def test_events_within_a_minute_of_last_seen_leave_the_session_row_alone(
    db: Database, session
) -> None:
    """Most requests of a tester come seconds apart: they write their events, not the
    session's row as well; the abandonment check reads the exact time from the events."""
    record_event(db, event(session, at=T0 + 59 * SECOND))
    assert get_session(db, session.id).last_seen_at == T0
    record_event(db, event(session, at=T0 + 61 * SECOND))
    assert get_session(db, session.id).last_seen_at == T0 + 61 * SECOND


def test_a_batch_moves_last_seen_to_its_latest_event_whatever_the_order(db, session) -> None:
    """An outbox sends what it kept, not always in order; a batch of a retry that stored
    nothing new does not move the session at all."""
    batch = [event(session, at=T0 + s * MINUTE) for s in (3, 5, 4)]
    assert record_events(db, batch) == 3
    assert get_session(db, session.id).last_seen_at == T0 + 5 * MINUTE
    assert record_events(db, [*batch[:1], event(session, at=T0 + 45 * SECOND)]) == 1
    assert get_session(db, session.id).last_seen_at == T0 + 5 * MINUTE


def test_personal_data_in_a_detail_is_masked(db: Database, session) -> None:
    sent = event(session, "validation_error", detail={"message": "Fel i 19850709-9805"})
    assert sent.detail == {"message": "Fel i [personnummer]"}


@pytest.mark.parametrize(
    "detail",
    [
        {"message": "x" * 201},
        {f"k{i}": i for i in range(21)},
        {"k" * 41: 1},
        {"nested": {"a": 1}},
        {"options": ["x"] * 21},
    ],
)
def test_a_detail_must_be_small_and_flat(session: TestSession, detail: dict) -> None:
    with pytest.raises(ValidationError):
        event(session, detail=detail)


@pytest.mark.parametrize("bad_id", ["", "42", "not-a-uuid", "g" * 32, "x" * 100])
def test_an_event_id_must_be_a_uuid(session: TestSession, bad_id: str) -> None:
    with pytest.raises(ValueError, match="UUID"):
        event(session, id=bad_id)
    with pytest.raises(FeedbackError, match="UUID"):
        parse_event({"id": bad_id, "session_id": session.id, "kind": "back", "at": T0.isoformat()})


def test_parse_event_names_the_wrong_field_in_swedish(session: TestSession) -> None:
    data = {"id": str(uuid.uuid4()), "session_id": session.id, "kind": "clicked", "at": "igår"}
    with pytest.raises(FeedbackError, match="Händelsen kan inte sparas: kind"):
        parse_event(data)
    good = parse_event({**data, "kind": "back", "at": T0.isoformat()})
    assert good.kind == "back" and good.at == T0


def test_an_event_for_an_unknown_session_is_refused(db: Database) -> None:
    stray = Event(id=str(uuid.uuid4()), session_id="gone", kind="back", at=T0)
    with pytest.raises(FeedbackError, match="Testet finns inte"):
        record_event(db, stray)
    assert count(db, "events") == 0


def test_a_batch_is_stored_whole_or_not_at_all(db: Database, session) -> None:
    good = [event(session, at=T0 + i * SECOND) for i in range(3)]
    stray = Event(id=str(uuid.uuid4()), session_id="gone", kind="back", at=T0)
    with pytest.raises(FeedbackError):
        record_events(db, [*good, stray])
    assert count(db, "events") == 0
    assert record_events(db, [*good, good[0]]) == 3
    assert record_events(db, good) == 0
    assert record_events(db, []) == 0


def test_events_are_stored_inside_the_callers_transaction(db: Database, session) -> None:
    sent = event(session)
    with pytest.raises(RuntimeError), db.atomic():
        assert record_event(db, sent)
        raise RuntimeError("the caller's work failed")
    assert count(db, "events") == 0
    assert record_event(db, sent)


def test_eight_connections_sending_the_same_ids_store_each_once(
    db: Database, db_path: Path, session: TestSession
) -> None:
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    events = [event(session, at=T0 + i * SECOND) for i in range(60)]
    stored: list[int] = []
    errors: list[BaseException] = []
    ready = threading.Barrier(8)
    lock = threading.Lock()

    def tester(number: int) -> None:
        connection = open_db(db_path, migrate=False)
        try:
            ready.wait()
            mine = 0
            for round_ in range(3):  # every thread sends every event, in its own order
                order = events[number % 7 :: 1] + events[: number % 7]
                for position, sent in enumerate(order):
                    if (position + round_) % 5 == 0:
                        mine += record_events(connection, [sent, events[-1 - position]])
                    else:
                        mine += record_event(connection, sent)
            with lock:
                stored.append(mine)
        except BaseException as exc:  # reported below, whatever it is
            with lock:
                errors.append(exc)
        finally:
            connection.conn.close()

    threads = [threading.Thread(target=tester, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(stored) == len(events)
    assert count(db, "events") == len(events)
    assert [e.id for e in session_events(db, session.id)] == [e.id for e in events]


def test_an_event_the_server_makes_is_masked_and_equal_to_a_checked_one(session) -> None:
    """``Event.ours`` skips checking what the server made itself, not the masking of what
    a tester may have typed into the detail."""
    made = dict(
        id=str(uuid.uuid4()),
        session_id=session.id,
        kind="validation_error",
        step_id="postnummer",
        field_id="postnummer",
        detail={"message": "Fel i 19850709-9805", "options": ["Ring 070-123 45 67"]},
        at=T0,
    )
    ours = Event.ours(**made)
    assert ours == Event(**made)
    assert ours.detail == {"message": "Fel i [personnummer]", "options": ["Ring [telefonnummer]"]}
    with pytest.raises(ValueError, match="högst 200 tecken"):
        Event.ours(**{**made, "detail": {"message": "x" * 201}})


def test_pages_stored_together_are_stored_as_each_alone(db: Database, start, link) -> None:
    """The writer thread stores several pages' events at once (`record_prepared`): one
    statement for all in the usual case, each page on its own when one of them cannot go
    that way. Every page ends as `record_events` would have left it."""
    from feedback import prepare_events, record_prepared, withdraw
    from feedback.sessions import mark_abandoned

    stopped = start()
    fresh, gone, idle = (start(now=T0 + 10 * MINUTE) for _ in range(3))
    withdraw(db, gone.withdrawal_code, now=T0)
    assert mark_abandoned(db, idle=5 * MINUTE, now=T0 + 10 * MINUTE) == 1  # stopped
    pages = [
        [event(fresh, at=T0 + 20 * MINUTE), event(fresh, "submitted", at=T0 + 20 * MINUTE)],
        [event(gone, at=T0 + 20 * MINUTE)],
        [event(stopped, at=T0 + 20 * MINUTE)],  # comes back after being marked abandoned
        [event(idle, at=T0 + 10 * MINUTE + 30 * SECOND)],  # within a minute of its last
    ]
    outcomes = write(db, lambda: record_prepared(db, [prepare_events(p) for p in pages]))
    assert [ok for ok, _ in outcomes] == [True, False, True, True]
    assert isinstance(outcomes[1][1], FeedbackError)
    assert [outcomes[n][1] for n in (0, 2, 3)] == [2, 1, 1]
    assert count(db, "events", fresh.id) == 2 and count(db, "events", gone.id) == 0
    assert get_session(db, stopped.id).outcome is None  # open again, as record_events does
    assert get_session(db, fresh.id).last_seen_at == T0 + 20 * MINUTE
    assert get_session(db, idle.id).last_seen_at == T0 + 10 * MINUTE  # left alone


def test_pages_of_open_sessions_are_stored_in_one_statement(db: Database, start) -> None:
    from feedback import prepare_events, record_prepared

    sessions = [start() for _ in range(5)]
    pages = [[event(s, at=T0 + 2 * MINUTE), event(s, "submitted")] for s in sessions]
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    outcomes = write(db, lambda: record_prepared(db, [prepare_events(p) for p in pages]))
    db.conn.set_trace_callback(None)
    assert outcomes == [(True, 2)] * 5
    inserts = {s for s in statements if s.lower().startswith("insert or ignore into events")}
    assert len(inserts) == 1 and "from (values" in next(iter(inserts)), inserts  # the quick way
    assert all(get_session(db, s.id).last_seen_at == T0 + 2 * MINUTE for s in sessions)
    stored = session_events(db, sessions[0].id)
    assert [e.kind for e in stored] == ["submitted", "screen_viewed"]  # in time order
    assert stored == sorted(pages[0], key=lambda e: e.at)


def test_more_events_at_once_than_sqlite_takes_parameters_for(db: Database, start) -> None:
    """A statement takes at most 32 766 values; a batch of 1 200 pages of 5 events (42 000
    values) is stored in parts, still the quick way."""
    from feedback import prepare_events, record_prepared

    sessions = [start() for _ in range(20)]
    pages = [
        prepare_events([event(sessions[n % 20], at=T0 + 2 * MINUTE) for _ in range(5)])
        for n in range(1_200)
    ]
    assert write(db, lambda: record_prepared(db, pages)) == [(True, 5)] * 1_200
    assert count(db, "events") == 6_000
    assert all(get_session(db, s.id).last_seen_at == T0 + 2 * MINUTE for s in sessions)
