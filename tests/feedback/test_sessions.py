"""Test sessions: consent first, age bands, devices, completion and abandonment."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Callable

import pytest
from sqlite_utils import Database

from feedback import (
    AGE_BANDS,
    UNDER_13_MESSAGE,
    WITHDRAWAL_ALPHABET,
    WITHDRAWAL_CODE_BITS,
    ConsentError,
    FeedbackError,
    TestSession,
    complete_session,
    device_class,
    get_session,
    mark_abandoned,
    record_event,
    record_rating,
    session_events,
    start_session,
)
from prototypes import ShareLink, create_share_link, revoke_share_link
from tests.feedback.conftest import PHONE_UA, T0, count, event

MINUTE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)


# --- consent --------------------------------------------------------------------------------


def test_starting_a_session_stores_consent_age_band_and_device(
    db: Database, link: ShareLink
) -> None:
    session = start_session(
        db,
        share_code=link.code.upper(),
        version_id=link.version_id,
        journey_id=link.journey_id,
        age_band="13-15",
        allow_under_13=False,
        user_agent=PHONE_UA,
        now=T0,
    )
    assert session.consent_at == session.started_at == session.last_seen_at == T0
    assert (session.age_band, session.device, session.share_code) == ("13-15", "phone", link.code)
    assert session.outcome is None and session.completed_at is None
    assert get_session(db, session.id) == session


def test_nothing_is_stored_for_a_tester_who_has_not_consented(db: Database, link) -> None:
    stranger = TestSession(
        id="0b1c6a5e-5d7e-4b0a-9a43-2f0f6d4b9c11",
        share_code=link.code,
        version_id=link.version_id,
        journey_id=link.journey_id,
        consent_at=T0,
        age_band="18-29",
        device="phone",
        started_at=T0,
        withdrawal_code="ABCD-EFGH-JKMN",
        last_seen_at=T0,
    )
    with pytest.raises(FeedbackError, match="Testet finns inte"):
        record_event(db, event(stranger))
    with pytest.raises(FeedbackError, match="Testet finns inte"):
        record_rating(
            db, id=str(uuid.uuid4()), session_id=stranger.id, step_id="start", rating=4, now=T0
        )
    assert count(db, "events") == count(db, "ratings") == count(db, "test_sessions") == 0


def test_under_13_is_refused_unless_a_guardian_consent_is_attested(
    db: Database, start: Callable[..., TestSession]
) -> None:
    with pytest.raises(ConsentError) as refused:
        start(age_band="under-13", allow_under_13=False)
    assert str(refused.value) == UNDER_13_MESSAGE
    assert "minst 13 år" in UNDER_13_MESSAGE and "testledaren har intygat" in UNDER_13_MESSAGE
    assert count(db, "test_sessions") == 0
    assert start(age_band="under-13", allow_under_13=True).age_band == "under-13"


def test_a_consent_error_is_a_value_error_and_a_feedback_error() -> None:
    assert issubclass(ConsentError, FeedbackError)
    assert issubclass(FeedbackError, ValueError)


@pytest.mark.parametrize("age_band", ["", "12", "13-17", "100+", "Under-13"])
def test_an_unknown_age_band_asks_for_one(start, db: Database, age_band: str) -> None:
    with pytest.raises(ConsentError, match="Välj hur gammal du är"):
        start(age_band=age_band)
    assert count(db, "test_sessions") == 0


def test_every_age_band_can_consent(start) -> None:
    assert AGE_BANDS == ("under-13", "13-15", "16-17", "18-29", "30-49", "50-64", "65-79", "80+")
    for band in AGE_BANDS:
        assert start(age_band=band, allow_under_13=True).age_band == band


def test_an_unknown_or_mismatched_share_link_is_refused(db: Database, link: ShareLink) -> None:
    base = {
        "share_code": link.code,
        "version_id": link.version_id,
        "journey_id": link.journey_id,
        "age_band": "30-49",
        "allow_under_13": False,
        "user_agent": "",
        "now": T0,
    }
    for wrong in ({"share_code": "2345623456"}, {"share_code": "nope"}, {"version_id": "x-v1"}):
        with pytest.raises(FeedbackError, match="Länken till testet finns inte"):
            start_session(db, **{**base, **wrong})
    assert count(db, "test_sessions") == 0


def test_a_revoked_or_expired_link_starts_no_session(db: Database, link: ShareLink) -> None:
    expiring = create_share_link(
        db, link.version_id, created_by="anna", now=T0, expires_at=T0 + MINUTE
    )
    revoke_share_link(db, link.code, now=T0)
    for code, now in ((link.code, T0), (expiring.code, T0 + MINUTE)):
        with pytest.raises(FeedbackError, match="går inte längre att använda"):
            start_session(
                db,
                share_code=code,
                version_id=link.version_id,
                journey_id=link.journey_id,
                age_band="30-49",
                allow_under_13=False,
                user_agent="",
                now=now,
            )
    assert count(db, "test_sessions") == 0


def test_sessions_get_different_ids_and_withdrawal_codes(start) -> None:
    sessions = [start() for _ in range(50)]
    assert len({s.id for s in sessions}) == len({s.withdrawal_code for s in sessions}) == 50


def test_a_withdrawal_code_is_three_readable_groups_with_at_least_40_bits(start) -> None:
    code = start().withdrawal_code
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(WITHDRAWAL_ALPHABET)
    assert not set("0O1lIi") & set(WITHDRAWAL_ALPHABET)
    assert pytest.approx(12 * math.log2(len(WITHDRAWAL_ALPHABET))) == WITHDRAWAL_CODE_BITS
    assert WITHDRAWAL_CODE_BITS >= 40


def test_a_taken_id_or_code_is_never_overwritten(db: Database, link: ShareLink) -> None:
    def begin(rng: random.Random) -> TestSession:
        return start_session(
            db,
            share_code=link.code,
            version_id=link.version_id,
            journey_id=link.journey_id,
            age_band="30-49",
            allow_under_13=False,
            user_agent="",
            now=T0,
            rng=rng,
        )

    first = begin(random.Random(5))
    assert first.id.count("-") == 4 and first.id[14] == "4"  # a version-4 UUID
    second = begin(random.Random(5))  # the same id and code first: tried again, fresh
    assert (second.id, second.withdrawal_code) != (first.id, first.withdrawal_code)
    assert get_session(db, first.id) == first

    class Stuck(random.Random):
        def getrandbits(self, k: int) -> int:
            return 7

    with pytest.raises(FeedbackError, match="Kunde inte starta"):
        begin(Stuck(1))
        begin(Stuck(1))
    assert count(db, "test_sessions") == 3


def test_an_unknown_session_is_none(db: Database) -> None:
    assert get_session(db, "no-such-session") is None


# --- devices --------------------------------------------------------------------------------

USER_AGENTS = {
    PHONE_UA: "phone",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Mobile Safari/537.36": "phone",
    "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0": "phone",
    "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36": "tablet",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1": "tablet",
    "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0": "tablet",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36 Edg/124.0": "desktop",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15": "desktop",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0": "desktop",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 Chrome/124.0": "desktop",
    "": "unknown",
    "   ": "unknown",
    "curl/8.5.0": "unknown",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": "unknown",
    "testclient": "unknown",
}


@pytest.mark.parametrize(("user_agent", "expected"), USER_AGENTS.items())
def test_the_device_class_comes_from_the_user_agent(user_agent: str, expected: str) -> None:
    assert device_class(user_agent) == expected


# --- completion -----------------------------------------------------------------------------


def test_completing_records_the_outcome_once(db: Database, session: TestSession) -> None:
    done = complete_session(db, session.id, task_success=True, now=T0 + 5 * MINUTE)
    assert (done.outcome, done.task_success, done.completed_at) == (
        "completed",
        True,
        T0 + 5 * MINUTE,
    )
    again = complete_session(db, session.id, task_success=False, now=T0 + 9 * MINUTE)
    assert again == done == get_session(db, session.id)


def test_completing_without_a_task_leaves_task_success_unknown(db, session) -> None:
    assert complete_session(db, session.id, task_success=None, now=T0).task_success is None


def test_completing_an_unknown_session_is_a_feedback_error(db: Database) -> None:
    with pytest.raises(FeedbackError):
        complete_session(db, "no-such-session", task_success=True, now=T0)


# --- abandonment ----------------------------------------------------------------------------


def test_an_idle_session_is_marked_abandoned_at_its_last_step(
    db: Database, start: Callable[..., TestSession]
) -> None:
    idle, active, done = start(), start(), start()
    record_event(db, event(idle, step_id="start", at=T0 + MINUTE))
    record_event(db, event(idle, "submitted", step_id="kontrollera-svar", at=T0 + 2 * MINUTE))
    record_event(db, event(active, at=T0 + 25 * MINUTE))
    complete_session(db, done.id, task_success=True, now=T0 + MINUTE)

    marked = mark_abandoned(db, idle=30 * MINUTE, now=T0 + 40 * MINUTE)

    assert marked == 1
    assert get_session(db, idle.id).outcome == "abandoned"
    assert get_session(db, active.id).outcome is None
    assert get_session(db, done.id).outcome == "completed"
    last = session_events(db, idle.id)[-1]
    assert (last.kind, last.step_id, last.at) == ("abandoned", "kontrollera-svar", T0 + 2 * MINUTE)
    assert mark_abandoned(db, idle=30 * MINUTE, now=T0 + 50 * MINUTE) == 0
    assert count(db, "events", idle.id) == 3


def test_abandonment_is_timed_at_the_last_event_even_within_a_minute_of_last_seen(
    db: Database, session: TestSession
) -> None:
    """``last_seen_at`` is kept to the minute; the inferred event still gets the exact time
    of the last thing the tester did, and a tester active after the cut-off is left open."""
    record_event(db, event(session, step_id="start", at=T0 + 50 * SECOND))
    assert mark_abandoned(db, idle=30 * MINUTE, now=T0 + 30 * MINUTE + 40 * SECOND) == 0
    assert get_session(db, session.id).outcome is None
    assert mark_abandoned(db, idle=30 * MINUTE, now=T0 + 31 * MINUTE) == 1
    last = session_events(db, session.id)[-1]
    assert (last.kind, last.step_id, last.at) == ("abandoned", "start", T0 + 50 * SECOND)


def test_a_session_without_events_is_abandoned_at_no_step(db, session) -> None:
    assert mark_abandoned(db, idle=MINUTE, now=T0 + 2 * MINUTE) == 1
    [abandoned] = session_events(db, session.id)
    assert (abandoned.kind, abandoned.step_id) == ("abandoned", None)


def test_a_session_seen_exactly_idle_ago_is_not_yet_abandoned(db, session) -> None:
    assert mark_abandoned(db, idle=MINUTE, now=T0 + MINUTE) == 0


def test_a_tester_coming_back_reopens_an_abandoned_session(db, session) -> None:
    record_event(db, event(session, at=T0))
    mark_abandoned(db, idle=MINUTE, now=T0 + 10 * MINUTE)
    record_event(db, event(session, "submitted", at=T0 + 11 * MINUTE))
    assert get_session(db, session.id).outcome is None
    assert [e.kind for e in session_events(db, session.id)] == ["screen_viewed", "submitted"]
    done = complete_session(db, session.id, task_success=True, now=T0 + 12 * MINUTE)
    assert done.outcome == "completed"


def test_completing_an_abandoned_session_makes_it_completed(db, session) -> None:
    mark_abandoned(db, idle=MINUTE, now=T0 + 10 * MINUTE)
    done = complete_session(db, session.id, task_success=False, now=T0 + 11 * MINUTE)
    assert (done.outcome, done.task_success) == ("completed", False)
    assert session_events(db, session.id) == []


def test_a_tester_who_stops_marks_the_session_abandoned_at_once(db, session) -> None:
    record_event(db, event(session, "abandoned", step_id="start", detail={"by": "tester"}))
    assert get_session(db, session.id).outcome == "abandoned"
    assert mark_abandoned(db, idle=MINUTE, now=T0 + 10 * MINUTE) == 0
    assert [e.kind for e in session_events(db, session.id)] == ["abandoned"]


def test_a_tester_who_stopped_and_came_back_keeps_the_stop_in_the_record(db, session) -> None:
    record_event(db, event(session, "abandoned", step_id="start", at=T0))
    record_event(db, event(session, "submitted", step_id="start", at=T0 + MINUTE))
    assert get_session(db, session.id).outcome is None
    assert [e.kind for e in session_events(db, session.id)] == ["abandoned", "submitted"]


def test_an_abandoned_event_does_not_undo_a_completion(db, session) -> None:
    complete_session(db, session.id, task_success=True, now=T0)
    record_event(db, event(session, "abandoned", at=T0 + MINUTE))
    assert get_session(db, session.id).outcome == "completed"


def test_idle_must_be_positive(db: Database) -> None:
    with pytest.raises(FeedbackError):
        mark_abandoned(db, idle=dt.timedelta(0), now=T0)
