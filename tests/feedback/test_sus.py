"""SUS: the ten standard statements and the standard score."""

from __future__ import annotations

import uuid

import pytest
from sqlite_utils import Database

from feedback import (
    SUS_ITEMS_EN,
    SUS_ITEMS_SV,
    FeedbackError,
    TestSession,
    record_sus,
    session_sus,
    sus_score,
)
from tests.feedback.conftest import T0, count


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        ([3] * 10, 50.0),
        ([5, 1] * 5, 100.0),
        ([1, 5] * 5, 0.0),
        ([5] * 10, 50.0),
        ([1] * 10, 50.0),
        ([4, 2, 4, 2, 4, 2, 4, 2, 4, 2], 75.0),
        ([5, 2, 4, 1, 4, 2, 5, 1, 4, 3], 82.5),  # 4+3+3+4+3+3+4+4+3+2 = 33
        ([2, 4, 3, 3, 2, 4, 3, 3, 2, 4], 35.0),  # 1+1+2+2+1+1+2+2+1+1 = 14
    ],
)
def test_the_sus_score_follows_the_standard_formula(answers: list[int], score: float) -> None:
    assert sus_score(answers) == score


@pytest.mark.parametrize(
    "answers", [[], [3] * 9, [3] * 11, [0] + [3] * 9, [3] * 9 + [6], [3.0] * 10, "3333333333"]
)
def test_a_sus_needs_ten_answers_from_1_to_5(answers: object) -> None:
    with pytest.raises(FeedbackError):
        sus_score(answers)


def test_there_are_ten_statements_alternating_positive_and_negative() -> None:
    assert len(SUS_ITEMS_SV) == len(SUS_ITEMS_EN) == 10
    assert SUS_ITEMS_EN[0] == "I think that I would like to use this system frequently."
    assert "onödigt" in SUS_ITEMS_SV[1] and "lätt att använda" in SUS_ITEMS_SV[2]
    assert "besvärlig" in SUS_ITEMS_SV[7] and "säker" in SUS_ITEMS_SV[8]
    assert all(item.startswith("Jag ") and item.endswith(".") for item in SUS_ITEMS_SV)


def test_a_sus_is_stored_with_its_score_once_per_session(db: Database, session) -> None:
    answer = str(uuid.uuid4())
    assert record_sus(db, id=answer, session_id=session.id, answers=[4, 2] * 5, now=T0)
    assert not record_sus(db, id=answer, session_id=session.id, answers=[4, 2] * 5, now=T0)
    assert not record_sus(  # a second questionnaire: the first one counts
        db, id=str(uuid.uuid4()), session_id=session.id, answers=[1] * 10, now=T0
    )
    stored = session_sus(db, session.id)
    assert stored is not None
    assert (stored.answers, stored.score, stored.at) == ([4, 2] * 5, 75.0, T0)
    assert count(db, "sus_answers") == 1


def test_a_wrong_sus_stores_nothing(db: Database, session: TestSession) -> None:
    with pytest.raises(FeedbackError, match="Påstående 3"):
        record_sus(
            db, id=str(uuid.uuid4()), session_id=session.id, answers=[3, 3, 9] + [3] * 7, now=T0
        )
    assert session_sus(db, session.id) is None
