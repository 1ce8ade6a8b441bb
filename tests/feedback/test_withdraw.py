"""Withdrawal: the code erases every row of its session, and only of its session."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlite_utils import Database

from feedback import (
    TestSession,
    complete_session,
    get_session,
    mark_abandoned,
    normalise_withdrawal_code,
    record_comment,
    record_event,
    record_rating,
    record_seq,
    record_sus,
    withdraw,
)
from tests.feedback.conftest import T0, count, event

TABLES = ("events", "ratings", "comments", "seq_answers", "sus_answers")


def fill(db: Database, session: TestSession) -> None:
    """One of everything a tester can send."""
    record_event(db, event(session))
    record_event(db, event(session, "submitted"))
    record_rating(
        db, id=str(uuid.uuid4()), session_id=session.id, step_id="start", rating=2, now=T0
    )
    record_comment(
        db,
        id=str(uuid.uuid4()),
        session_id=session.id,
        step_id="start",
        text="Ring 0701234567",
        now=T0,
    )
    record_seq(db, id=str(uuid.uuid4()), session_id=session.id, step_id=None, score=5, now=T0)
    record_sus(db, id=str(uuid.uuid4()), session_id=session.id, answers=[3] * 10, now=T0)
    complete_session(db, session.id, task_success=True, now=T0)


def test_withdrawal_erases_every_row_of_the_session_only(
    db: Database, start: Callable[..., TestSession]
) -> None:
    leaving, staying = start(), start()
    fill(db, leaving)
    fill(db, staying)

    assert withdraw(db, leaving.withdrawal_code, now=T0) is True

    assert get_session(db, leaving.id) is None
    for table in TABLES:
        assert count(db, table, leaving.id) == 0, table
        assert count(db, table, staying.id) > 0, table
    assert get_session(db, staying.id) is not None


def test_a_second_withdrawal_says_false(db: Database, session: TestSession) -> None:
    assert withdraw(db, session.withdrawal_code, now=T0) is True
    assert withdraw(db, session.withdrawal_code, now=T0) is False


def test_the_code_may_be_typed_in_any_case_with_spaces_or_without_dashes(
    db: Database, start: Callable[..., TestSession]
) -> None:
    for typed in (str.lower, lambda c: c.replace("-", " "), lambda c: c.replace("-", "")):
        session = start()
        assert withdraw(db, f" {typed(session.withdrawal_code)} ", now=T0) is True
        assert get_session(db, session.id) is None


def test_a_wrong_code_erases_nothing(db: Database, session: TestSession) -> None:
    fill(db, session)
    for wrong in ("", "ABCD-EFGH-JKMN", "nonsense", "O0O0-1111-IIII", session.id):
        assert withdraw(db, wrong, now=T0) is False
    assert get_session(db, session.id) is not None
    assert count(db, "events", session.id) == 2


def test_normalise_withdrawal_code() -> None:
    assert normalise_withdrawal_code("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    assert normalise_withdrawal_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert normalise_withdrawal_code("ABCD-EFGH-JKM") is None
    assert normalise_withdrawal_code("ABCD-EFGH-JKMO") is None


def test_withdrawal_also_erases_an_inferred_abandoned_event(db, session) -> None:
    record_event(db, event(session))
    mark_abandoned(db, idle=dt.timedelta(minutes=1), now=T0 + dt.timedelta(hours=1))
    assert withdraw(db, session.withdrawal_code, now=T0) is True
    assert count(db, "events") == count(db, "test_sessions") == 0


def test_withdrawal_erases_even_without_foreign_keys_on(db: Database, session) -> None:
    fill(db, session)
    db.execute("pragma foreign_keys = off")
    assert withdraw(db, session.withdrawal_code, now=T0) is True
    assert all(count(db, table) == 0 for table in (*TABLES, "test_sessions"))


def test_deleting_a_session_row_cascades_to_its_rows(db: Database, session) -> None:
    fill(db, session)
    with db.atomic():
        db.execute("delete from test_sessions where id = ?", [session.id])
    assert all(count(db, table) == 0 for table in TABLES)


def test_erased_text_is_overwritten_in_the_file(db: Database, db_path, session) -> None:
    db.execute("pragma secure_delete = off")  # the SQLite default where not built otherwise
    record_comment(
        db,
        id=str(uuid.uuid4()),
        session_id=session.id,
        step_id=None,
        text="Hemligt-ord-Zebrafink",
        now=T0,
    )
    withdraw(db, session.withdrawal_code, now=T0)
    db.execute("pragma wal_checkpoint(truncate)")
    assert b"Zebrafink" not in db_path.read_bytes()
    assert db.execute("pragma secure_delete").fetchone()[0] == 0  # the connection's setting
