"""What a tester tells us: step ratings, comments, the single ease question (SEQ) and SUS.

Each answer has an id made by the tester's page, so sending it again stores nothing new,
and each is stored only for a session that exists (consent first). Comments are masked
before they are stored (see :mod:`feedback.masking`). SUS is the System Usability Scale
(Brooke 1996): ten statements answered 1–5, scored 0–100.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, Field
from sqlite_utils import Database

from feedback.masking import mask_personal_data
from feedback.sessions import reopen_if_abandoned
from feedback.store import (
    FeedbackError,
    canonical_uuid,
    require_session,
    rows,
    stamp,
    touch_session,
    write,
)

MAX_COMMENT_LENGTH = 2000
MAX_STEP_ID_LENGTH = 200

COMMENT_HINT_SV = (
    "Skriv inte ditt namn, personnummer, telefonnummer, e-postadress eller annat som "
    "visar vem du är."
)
COMMENT_HINT_EN = "Do not write your name, personal identity number, phone number or e-mail."

SEQ_QUESTION_SV = "Hur lätt eller svårt var det här steget?"
SEQ_QUESTION_EN = "Overall, how difficult or easy was this step to complete?"
SEQ_SCALE_SV = ("Mycket svårt", "Mycket lätt")
"""What 1 and 7 mean."""
SEQ_SCALE_EN = ("Very difficult", "Very easy")

SUS_ITEMS_SV: tuple[str, ...] = (
    "Jag tror att jag skulle vilja använda den här tjänsten ofta.",
    "Jag tycker att tjänsten var onödigt krånglig.",
    "Jag tycker att tjänsten var lätt att använda.",
    "Jag tror att jag skulle behöva hjälp av någon som kan teknik för att kunna använda tjänsten.",
    "Jag tycker att de olika delarna av tjänsten hängde ihop bra.",
    "Jag tycker att tjänsten var för inkonsekvent.",
    "Jag tror att de flesta skulle lära sig att använda tjänsten mycket snabbt.",
    "Jag tycker att tjänsten var mycket besvärlig att använda.",
    "Jag kände mig mycket säker när jag använde tjänsten.",
    "Jag behövde lära mig mycket innan jag kunde komma igång med tjänsten.",
)
"""The ten SUS statements in Swedish, in the standard order: odd ones positive, even negative."""

SUS_ITEMS_EN: tuple[str, ...] = (
    "I think that I would like to use this system frequently.",
    "I found the system unnecessarily complex.",
    "I thought the system was easy to use.",
    "I think that I would need the support of a technical person to be able to use this system.",
    "I found the various functions in this system were well integrated.",
    "I thought there was too much inconsistency in this system.",
    "I would imagine that most people would learn to use this system very quickly.",
    "I found the system very cumbersome to use.",
    "I felt very confident using the system.",
    "I needed to learn a lot of things before I could get going with this system.",
)
"""The ten SUS statements as Brooke (1996) wrote them."""

SUS_SCALE_SV = ("Instämmer inte alls", "Instämmer helt")
"""What 1 and 5 mean."""
SUS_SCALE_EN = ("Strongly disagree", "Strongly agree")


class Rating(BaseModel):
    """A step rated 1–5."""

    id: str
    session_id: str
    version_id: str
    step_id: str
    rating: int = Field(ge=1, le=5)
    at: dt.datetime


class Comment(BaseModel):
    """A comment, as stored: masked."""

    id: str
    session_id: str
    version_id: str
    step_id: str | None
    text: str = Field(description="Masked: personal identifiers replaced by labels.")
    masked: bool = Field(description="True when something was replaced.")
    at: dt.datetime


class SeqAnswer(BaseModel):
    """The single ease question: 1 (very difficult) to 7 (very easy)."""

    id: str
    session_id: str
    version_id: str
    step_id: str | None
    score: int = Field(ge=1, le=7)
    at: dt.datetime


class SusAnswer(BaseModel):
    """A whole SUS questionnaire and its score."""

    id: str
    session_id: str
    version_id: str
    answers: list[int] = Field(min_length=10, max_length=10)
    score: float = Field(ge=0, le=100)
    at: dt.datetime


def _check_whole(value: object, low: int, high: int, message: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():  # straight from a form
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FeedbackError(message)
    return value


def _check_step(step_id: object, *, required: bool) -> str | None:
    if step_id is None and not required:
        return None
    if not isinstance(step_id, str) or not step_id.strip() or len(step_id) > MAX_STEP_ID_LENGTH:
        raise FeedbackError("Svaret måste höra till ett steg i tjänsten.")
    return step_id.strip()


def _store(
    db: Database, table: str, session_id: str, values: dict[str, Any], now: dt.datetime
) -> bool:
    """Insert one answer once, for an existing session, and touch the session."""

    def work() -> bool:
        session = require_session(db, session_id)
        row = {**values, "session_id": session["id"], "version_id": session["version_id"]}
        row["at"] = stamp(now)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = db.execute(
            f"insert or ignore into {table} ({columns}) values ({marks})", list(row.values())
        )
        if cursor.rowcount != 1:
            return False
        reopen_if_abandoned(db, session)
        touch_session(db, session, now)
        return True

    return write(db, work)


def record_rating(
    db: Database, *, id: str, session_id: str, step_id: str, rating: int, now: dt.datetime
) -> bool:
    """Store a step rating (1–5) once. False when this id was already stored."""
    answer_id = canonical_uuid(id, what="Svarets id")
    step = _check_step(step_id, required=True)
    value = _check_whole(rating, 1, 5, "Välj ett betyg från 1 till 5.")
    return _store(
        db, "ratings", session_id, {"id": answer_id, "step_id": step, "rating": value}, now
    )


def record_comment(
    db: Database, *, id: str, session_id: str, step_id: str | None, text: str, now: dt.datetime
) -> bool:
    """Store a comment once, with personal identifiers masked. False when the id was stored.

    Raises :class:`FeedbackError` for an empty comment or one longer than 2000 characters.
    """
    answer_id = canonical_uuid(id, what="Kommentarens id")
    step = _check_step(step_id, required=False)
    if not isinstance(text, str) or not text.strip():
        raise FeedbackError("Skriv en kommentar innan du skickar.")
    written = text.strip()
    if len(written) > MAX_COMMENT_LENGTH:
        raise FeedbackError(
            f"Kommentaren får vara högst {MAX_COMMENT_LENGTH} tecken. Den har {len(written)} "
            "tecken nu: korta den lite."
        )
    masked_text, masked = mask_personal_data(written)
    values = {"id": answer_id, "step_id": step, "text": masked_text, "masked": int(masked)}
    return _store(db, "comments", session_id, values, now)


def record_seq(
    db: Database, *, id: str, session_id: str, step_id: str | None, score: int, now: dt.datetime
) -> bool:
    """Store an answer to the single ease question (1–7) once. False when the id was stored."""
    answer_id = canonical_uuid(id, what="Svarets id")
    step = _check_step(step_id, required=False)
    value = _check_whole(score, 1, 7, "Välj ett svar från 1 (mycket svårt) till 7 (mycket lätt).")
    return _store(
        db, "seq_answers", session_id, {"id": answer_id, "step_id": step, "score": value}, now
    )


def _check_sus(answers: object) -> list[int]:
    if not isinstance(answers, list | tuple) or len(answers) != len(SUS_ITEMS_SV):
        raise FeedbackError(f"Svara på alla {len(SUS_ITEMS_SV)} påståenden.")
    return [
        _check_whole(
            answer,
            1,
            5,
            f"Påstående {number}: välj ett svar från 1 (instämmer inte alls) "
            "till 5 (instämmer helt).",
        )
        for number, answer in enumerate(answers, start=1)
    ]


def sus_score(answers: list[int]) -> float:
    """The SUS score, 0–100: odd statements give ``answer - 1``, even ones ``5 - answer``,
    and the sum is multiplied by 2.5. Raises :class:`FeedbackError` for a wrong answer set."""
    checked = _check_sus(answers)
    total = sum(a - 1 if number % 2 else 5 - a for number, a in enumerate(checked, start=1))
    return total * 2.5


def record_sus(
    db: Database, *, id: str, session_id: str, answers: list[int], now: dt.datetime
) -> bool:
    """Store a SUS questionnaire and its score once per session.

    False when this id was already stored, or the session already has a SUS (the first one
    counts). Raises :class:`FeedbackError` unless there are ten answers from 1 to 5.
    """
    answer_id = canonical_uuid(id, what="Svarets id")
    checked = _check_sus(answers)
    values = {"id": answer_id, "answers": json.dumps(checked), "score": sus_score(checked)}
    return _store(db, "sus_answers", session_id, values, now)


# --- reading --------------------------------------------------------------------------------


def _read(db: Database, table: str, session_id: str) -> list[dict[str, Any]]:
    return rows(db, f"select * from {table} where session_id = ? order by at, rowid", [session_id])


def session_ratings(db: Database, session_id: str) -> list[Rating]:
    """The session's step ratings, oldest first."""
    return [Rating.model_validate(row) for row in _read(db, "ratings", session_id)]


def session_comments(db: Database, session_id: str) -> list[Comment]:
    """The session's comments (masked), oldest first."""
    return [
        Comment.model_validate({**row, "masked": bool(row["masked"])})
        for row in _read(db, "comments", session_id)
    ]


def session_seq(db: Database, session_id: str) -> list[SeqAnswer]:
    """The session's answers to the single ease question, oldest first."""
    return [SeqAnswer.model_validate(row) for row in _read(db, "seq_answers", session_id)]


def session_sus(db: Database, session_id: str) -> SusAnswer | None:
    """The session's SUS questionnaire, or None."""
    found = _read(db, "sus_answers", session_id)
    if not found:
        return None
    return SusAnswer.model_validate({**found[0], "answers": json.loads(found[0]["answers"])})
