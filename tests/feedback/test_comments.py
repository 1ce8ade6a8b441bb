"""Comments and step ratings: personal identifiers are masked before anything is stored."""

from __future__ import annotations

import uuid

import pytest
from sqlite_utils import Database

from feedback import (
    MAX_COMMENT_LENGTH,
    FeedbackError,
    TestSession,
    mask_personal_data,
    record_comment,
    record_rating,
    record_seq,
    session_comments,
    session_ratings,
    session_seq,
)
from tests.feedback.conftest import T0, count

PERSONNUMMER = [
    "850709-9805",
    "19850709-9805",
    "850709+9805",  # 100 years or older
    "8507099805",
    "198507099805",
    "850709 9805",
    "20121212-1212",
    "850769-9801",  # samordningsnummer: day + 60
    "850709–9805",  # en dash, as word processors write it
]

PHONE_NUMBERS = [
    "0701234567",
    "070-123 45 67",
    "070 123 45 67",
    "070-1234567",
    "073–123 45 67",
    "+46701234567",
    "+46 70 123 45 67",
    "+46 (0)70-123 45 67",
    "+46-70-123-45-67",
    "0046 70 123 45 67",
    "08-123 456 78",
    "08 123 456 78",
    "(08) 123 456 78",
    "031-12 34 56",
    "0771-12 34 56",
    "020-12 12 12",
]

EMAILS = [
    "anna@example.se",
    "anna.berg@kommun.se",
    "Anna_Berg+test@sub.example.org",
    "åsa.öberg@göteborg.se",
    "ANNA@EXAMPLE.SE",
]

NOT_PERSONAL = [
    "2025",
    "bil 3",
    "Jag har 2 barn och bor på plan 4.",
    "12 500 kr i månaden",
    "Jag föddes 1985-07-09",
    "Mötet är 2025-03-02 kl 08.30",
    "Postnummer 123 45",
    "Ärende 12345",
    "Ring 112 om det brinner",
    "Steg 3 av 7",
    "99 % av tiden",
    "Version 1.2.3",
    "Svara senast 30 juni",
    "Tog 15 minuter",
    "Pi är 3.14159265",
    "Skriv @kommunen på sociala medier",
]


@pytest.mark.parametrize("number", PERSONNUMMER)
def test_personnummer_are_masked(number: str) -> None:
    assert mask_personal_data(f"Mitt personnummer är {number}.") == (
        "Mitt personnummer är [personnummer].",
        True,
    )


@pytest.mark.parametrize("number", PHONE_NUMBERS)
def test_swedish_phone_numbers_are_masked(number: str) -> None:
    assert mask_personal_data(f"Ring mig på {number} i morgon") == (
        "Ring mig på [telefonnummer] i morgon",
        True,
    )


@pytest.mark.parametrize("address", EMAILS)
def test_email_addresses_are_masked(address: str) -> None:
    assert mask_personal_data(f"Skriv till {address}.") == ("Skriv till [e-post].", True)


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_ordinary_numbers_and_words_are_kept(text: str) -> None:
    assert mask_personal_data(text) == (text, False)


def test_several_identifiers_in_one_text_are_all_masked() -> None:
    text = "Jag (19850709-9805) nås på 070-123 45 67 eller anna@example.se, bil 3."
    assert mask_personal_data(text) == (
        "Jag ([personnummer]) nås på [telefonnummer] eller [e-post], bil 3.",
        True,
    )


def test_a_comment_is_stored_masked(db: Database, session: TestSession) -> None:
    answer = str(uuid.uuid4())
    text = "  Jag fastnade. Ring 0701234567 eller mejla anna@example.se  "
    assert record_comment(db, id=answer, session_id=session.id, step_id="start", text=text, now=T0)
    [comment] = session_comments(db, session.id)
    assert comment.text == "Jag fastnade. Ring [telefonnummer] eller mejla [e-post]"
    assert comment.masked is True
    stored = db.execute("select text from comments").fetchone()[0]
    assert "0701234567" not in stored and "anna@" not in stored


def test_a_comment_without_personal_data_is_kept_as_written(db, session) -> None:
    record_comment(
        db, id=str(uuid.uuid4()), session_id=session.id, step_id=None, text="Bra!", now=T0
    )
    [comment] = session_comments(db, session.id)
    assert (comment.text, comment.masked, comment.step_id) == ("Bra!", False, None)


def test_the_same_comment_id_twice_is_stored_once(db: Database, session: TestSession) -> None:
    answer = str(uuid.uuid4())
    for expected in (True, False):
        stored = record_comment(
            db, id=answer, session_id=session.id, step_id="start", text="Otydligt", now=T0
        )
        assert stored is expected
    assert count(db, "comments") == 1


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_comment_asks_for_text(db: Database, session, text: str) -> None:
    with pytest.raises(FeedbackError, match="Skriv en kommentar"):
        record_comment(
            db, id=str(uuid.uuid4()), session_id=session.id, step_id="start", text=text, now=T0
        )


def test_a_comment_longer_than_2000_characters_is_refused_not_cut(db, session) -> None:
    assert MAX_COMMENT_LENGTH == 2000
    ok = "a" * 2000
    assert record_comment(
        db, id=str(uuid.uuid4()), session_id=session.id, step_id="start", text=ok, now=T0
    )
    with pytest.raises(FeedbackError, match="högst 2000 tecken"):
        record_comment(
            db,
            id=str(uuid.uuid4()),
            session_id=session.id,
            step_id="start",
            text=ok + "b",
            now=T0,
        )
    assert count(db, "comments") == 1


# --- ratings and the single ease question ---------------------------------------------------


def test_a_rating_is_stored_once_per_id(db: Database, session: TestSession) -> None:
    answer = str(uuid.uuid4())
    assert record_rating(db, id=answer, session_id=session.id, step_id="start", rating=4, now=T0)
    assert not record_rating(
        db, id=answer, session_id=session.id, step_id="start", rating=2, now=T0
    )
    [rating] = session_ratings(db, session.id)
    assert (rating.rating, rating.step_id, rating.version_id) == (4, "start", session.version_id)


@pytest.mark.parametrize("rating", [0, 6, -1, 3.5, True, "fem", None])
def test_a_rating_outside_1_to_5_is_refused(db: Database, session, rating: object) -> None:
    with pytest.raises(FeedbackError, match="från 1 till 5"):
        record_rating(
            db,
            id=str(uuid.uuid4()),
            session_id=session.id,
            step_id="start",
            rating=rating,
            now=T0,
        )
    assert count(db, "ratings") == 0


def test_a_rating_straight_from_a_form_is_a_number(db: Database, session) -> None:
    record_rating(db, id=str(uuid.uuid4()), session_id=session.id, step_id="s", rating="5", now=T0)
    assert session_ratings(db, session.id)[0].rating == 5


@pytest.mark.parametrize("step_id", [None, "", "  ", "x" * 201])
def test_a_rating_needs_a_step(db: Database, session, step_id: object) -> None:
    with pytest.raises(FeedbackError, match="steg"):
        record_rating(
            db, id=str(uuid.uuid4()), session_id=session.id, step_id=step_id, rating=3, now=T0
        )


def test_an_answer_id_must_be_a_uuid(db: Database, session: TestSession) -> None:
    with pytest.raises(FeedbackError, match="UUID"):
        record_rating(db, id="1", session_id=session.id, step_id="start", rating=3, now=T0)
    with pytest.raises(FeedbackError, match="UUID"):
        record_comment(db, id="", session_id=session.id, step_id=None, text="Hej", now=T0)
    assert count(db, "ratings") == count(db, "comments") == 0


def test_seq_takes_1_to_7_with_or_without_a_step(db: Database, session: TestSession) -> None:
    for score, step in ((1, "start"), (7, None)):
        assert record_seq(
            db, id=str(uuid.uuid4()), session_id=session.id, step_id=step, score=score, now=T0
        )
    assert [(a.score, a.step_id) for a in session_seq(db, session.id)] == [(1, "start"), (7, None)]
    for wrong in (0, 8):
        with pytest.raises(FeedbackError, match="från 1"):
            record_seq(
                db,
                id=str(uuid.uuid4()),
                session_id=session.id,
                step_id=None,
                score=wrong,
                now=T0,
            )
