"""Test sessions: one citizen running one share link, from consent to completion or withdrawal.

A session starts with consent: nothing a tester sends is stored before :func:`start_session`
has stored the session, and the session row itself records when consent was given and the
tester's age band. Testers under 13 may take part only when the share link says a
facilitator has attested a guardian's consent. Each session gets a withdrawal code
(``ABCD-EFGH-JKLM``) that erases everything the session stored, and a session that goes
quiet without completing is marked abandoned by :func:`mark_abandoned`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import secrets
import sqlite3
import uuid
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field
from sqlite_utils import Database

from feedback.store import (
    SESSION_TABLES,
    FeedbackError,
    require_session,
    rows,
    session_row,
    stamp,
    to_row,
    write,
)
from prototypes import get_share_link

AgeBand = Literal["under-13", "13-15", "16-17", "18-29", "30-49", "50-64", "65-79", "80+"]
AGE_BANDS: tuple[str, ...] = get_args(AgeBand)

Device = Literal["phone", "tablet", "desktop", "unknown"]
Outcome = Literal["completed", "abandoned", "withdrawn"]

WITHDRAWAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""31 symbols: digits and upper-case letters without 0, 1, I, L and O."""

WITHDRAWAL_CODE_LENGTH = 12
WITHDRAWAL_CODE_BITS = WITHDRAWAL_CODE_LENGTH * math.log2(len(WITHDRAWAL_ALPHABET))
"""Entropy of a withdrawal code in bits (about 59.4)."""

ABANDONED_NAMESPACE = uuid.UUID("6f0c3f0e-2d0a-4f4e-9a59-7d1c1b0e5a10")
"""Namespace of the ids of inferred 'abandoned' events: one per session, whoever infers it."""

ID_ATTEMPTS = 5

UNDER_13_MESSAGE = (
    "Du behöver vara minst 13 år för att delta, eller ha en vuxens tillåtelse som "
    "testledaren har intygat."
)


class ConsentError(FeedbackError):
    """Consent cannot be given as asked (age band missing, under 13 without attestation)."""


class TestSession(BaseModel):
    """One tester running one share link."""

    __test__ = False  # a model, not a pytest test class

    id: str = Field(description="UUID, made by the server.")
    share_code: str
    version_id: str
    journey_id: str
    consent_at: dt.datetime
    age_band: AgeBand
    device: Device = Field(description="From the user agent when the session started.")
    started_at: dt.datetime
    completed_at: dt.datetime | None = None
    outcome: Outcome | None = Field(
        default=None,
        description="None while open. A withdrawn session is erased, so it is never read back.",
    )
    task_success: bool | None = None
    withdrawal_code: str = Field(description="'ABCD-EFGH-JKLM': erases the session.")
    last_seen_at: dt.datetime


# --- devices --------------------------------------------------------------------------------

_BOT = re.compile(r"(?:bot|crawler|spider|slurp)/|^(?:curl|wget|python-|go-http)", re.I)
_TABLET = ("ipad", "tablet", "kindle", "silk/", "playbook")
_PHONE = ("iphone", "ipod", "windows phone", "iemobile", "blackberry", "bb10", "opera mini")
_DESKTOP = ("windows nt", "macintosh", "mac os x", "x11", "linux", "cros")


def device_class(user_agent: str) -> Device:
    """``phone``, ``tablet``, ``desktop`` or ``unknown`` from a User-Agent header.

    Good enough for per-device figures, not for anything that matters more: an iPad asking
    for desktop sites says it is a Mac and is counted as a desktop.
    """
    ua = (user_agent or "").strip().lower()
    if not ua or _BOT.search(ua):
        return "unknown"
    if any(word in ua for word in _TABLET):
        return "tablet"
    if "android" in ua:
        return "phone" if "mobile" in ua else "tablet"
    if any(word in ua for word in _PHONE) or "mobile" in ua:
        return "phone"
    if any(word in ua for word in _DESKTOP):
        return "desktop"
    return "unknown"


# --- withdrawal codes -----------------------------------------------------------------------


def new_withdrawal_code(rng: random.Random | None = None) -> str:
    """A fresh withdrawal code in three groups: ``ABCD-EFGH-JKLM``."""
    chooser = rng if rng is not None else secrets.SystemRandom()
    code = "".join(chooser.choice(WITHDRAWAL_ALPHABET) for _ in range(WITHDRAWAL_CODE_LENGTH))
    return format_withdrawal_code(code)


def format_withdrawal_code(code: str) -> str:
    """Twelve symbols as three groups of four, as shown to testers."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_withdrawal_code(text: str) -> str | None:
    """The code as stored (``ABCD-EFGH-JKLM``) whatever the case, spaces and dashes; None
    when ``text`` cannot be a withdrawal code."""
    code = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-–")
    if len(code) != WITHDRAWAL_CODE_LENGTH or any(ch not in WITHDRAWAL_ALPHABET for ch in code):
        return None
    return format_withdrawal_code(code)


# --- sessions -------------------------------------------------------------------------------


def _new_uuid(rng: random.Random | None) -> str:
    chooser = rng if rng is not None else secrets.SystemRandom()
    return str(uuid.UUID(int=chooser.getrandbits(128), version=4))


def _check_consent(age_band: str, allow_under_13: bool) -> None:
    if age_band not in AGE_BANDS:
        raise ConsentError("Välj hur gammal du är för att kunna delta i testet.")
    if age_band == "under-13" and not allow_under_13:
        raise ConsentError(UNDER_13_MESSAGE)


def start_session(
    db: Database,
    *,
    share_code: str,
    version_id: str,
    journey_id: str,
    age_band: str,
    allow_under_13: bool,
    user_agent: str,
    now: dt.datetime,
    rng: random.Random | None = None,
) -> TestSession:
    """Store a tester's consent as a new session and return it.

    Call this when the tester gives consent, before storing anything they send. Raises
    :class:`ConsentError` (Swedish) for an unknown age band or a tester under 13 when
    ``allow_under_13`` is false, and :class:`FeedbackError` when the share link does not
    exist, does not open this version, or is revoked or expired. Nothing is stored then.
    """
    _check_consent(age_band, allow_under_13)
    link = get_share_link(db, share_code)
    if link is None or link.version_id != version_id or link.journey_id != journey_id:
        raise FeedbackError(
            "Länken till testet finns inte. Kontrollera länken eller skanna QR-koden igen."
        )
    if link.status(now) != "ok":
        raise FeedbackError(
            "Länken till testet går inte längre att använda. Fråga den som gav dig länken om en ny."
        )
    moment = stamp(now)
    for _ in range(ID_ATTEMPTS):
        session = TestSession(
            id=_new_uuid(rng),
            share_code=link.code,
            version_id=version_id,
            journey_id=journey_id,
            consent_at=moment,
            age_band=age_band,
            device=device_class(user_agent),
            started_at=moment,
            withdrawal_code=new_withdrawal_code(rng),
            last_seen_at=moment,
        )
        row = to_row(session)
        try:
            write(db, lambda row=row: db.table("test_sessions").insert(row))
        except sqlite3.IntegrityError:  # an id or code already taken: practically never
            continue
        return session
    raise FeedbackError(f"Kunde inte starta testet på {ID_ATTEMPTS} försök. Försök igen.")


def _session(row: dict[str, Any]) -> TestSession:
    data = dict(row)
    if data["task_success"] is not None:
        data["task_success"] = bool(data["task_success"])
    return TestSession.model_validate(data)


def get_session(db: Database, session_id: str) -> TestSession | None:
    """The session with this id, or None (never started, or erased by withdrawal)."""
    row = session_row(db, session_id)
    return None if row is None else _session(row)


def session_exists(db: Database, session_id: str) -> bool:
    """Whether the session is there (not erased by withdrawal): :func:`get_session` without
    reading the whole row, for the pages that ask on every request."""
    found = db.execute("select 1 from test_sessions where id = ?", [session_id]).fetchone()
    return found is not None


def abandoned_event_id(session_id: str) -> str:
    """The id of the session's inferred 'abandoned' event (the same every time)."""
    return str(uuid.uuid5(ABANDONED_NAMESPACE, session_id))


def reopen_if_abandoned(db: Database, row: dict[str, Any]) -> None:
    """A session marked abandoned that sends something again was not abandoned after all:
    clear its outcome and remove the inferred 'abandoned' event. Call inside a write."""
    if row["outcome"] != "abandoned":
        return
    db.execute("update test_sessions set outcome = null where id = ?", [row["id"]])
    db.execute("delete from events where id = ?", [abandoned_event_id(row["id"])])


def complete_session(
    db: Database, session_id: str, *, task_success: bool | None, now: dt.datetime
) -> TestSession:
    """Mark the session completed (with whether the task succeeded, when there was one).

    Completing again changes nothing and returns the session as first completed. A session
    marked abandoned that is completed after all becomes completed. Raises
    :class:`FeedbackError` for an unknown session.
    """

    def work() -> dict[str, Any]:
        row = require_session(db, session_id)
        if row["outcome"] == "completed":
            return row
        reopen_if_abandoned(db, row)
        moment = stamp(now)
        db.execute(
            "update test_sessions set outcome = 'completed', completed_at = ?, "
            "task_success = ?, last_seen_at = max(last_seen_at, ?) where id = ?",
            [moment, None if task_success is None else int(task_success), moment, row["id"]],
        )
        updated = session_row(db, row["id"])
        assert updated is not None
        return updated

    return _session(write(db, work))


def withdraw(db: Database, withdrawal_code: str, *, now: dt.datetime) -> bool:
    """Erase every row of the session with this withdrawal code, in one transaction.

    Case, spaces and dashes in the code do not matter. Returns False when no session has
    the code (already withdrawn, mistyped, or never made). Nothing about the session is
    kept, not even that it was withdrawn; ``now`` is there for a future count of withdrawals.
    """
    code = normalise_withdrawal_code(withdrawal_code)
    if code is None:
        return False

    def work() -> bool:
        found = rows(db, "select id from test_sessions where withdrawal_code = ?", [code])
        if not found:
            return False
        session_id = found[0]["id"]
        for table in SESSION_TABLES:  # also without foreign keys on (then nothing cascades)
            db.execute(f"delete from {table} where session_id = ?", [session_id])
        db.execute("delete from test_sessions where id = ?", [session_id])
        return True

    secure = db.execute("pragma secure_delete").fetchone()[0]
    db.execute("pragma secure_delete = on")  # overwrite the erased rows in the file
    try:
        return write(db, work)
    finally:
        db.execute(f"pragma secure_delete = {int(secure)}")


def mark_abandoned(db: Database, *, idle: dt.timedelta, now: dt.datetime) -> int:
    """Mark open sessions not seen for longer than ``idle`` as abandoned. Returns how many.

    Each gets outcome ``abandoned`` and an ``abandoned`` event at the step of its latest
    event (None when it has none), timed at the last moment it was seen so that time on the
    step is not stretched by the idle time. Running it again marks nothing twice.
    """
    if idle <= dt.timedelta(0):
        raise FeedbackError("Tiden utan aktivitet måste vara längre än noll.")
    cutoff = stamp(now - idle)

    def work() -> int:
        stale = rows(
            db,
            "select * from test_sessions where outcome is null and last_seen_at < ?",
            [cutoff],
        )
        marked = 0
        for session in stale:
            latest = db.execute(
                "select max(at) from events where session_id = ?", [session["id"]]
            ).fetchone()[0]
            seen = max(session["last_seen_at"], latest or "")  # last_seen_at: to the minute
            if seen >= cutoff:
                continue
            last = db.execute(
                "select step_id from events where session_id = ? and step_id is not null "
                "order by at desc, rowid desc limit 1",
                [session["id"]],
            ).fetchone()
            db.execute(
                "insert or ignore into events (id, session_id, version_id, journey_id, "
                "share_code, kind, step_id, field_id, detail, at) "
                "values (?, ?, ?, ?, ?, 'abandoned', ?, null, ?, ?)",
                [
                    abandoned_event_id(session["id"]),
                    session["id"],
                    session["version_id"],
                    session["journey_id"],
                    session["share_code"],
                    last[0] if last else None,
                    '{"inferred": true}',
                    seen,
                ],
            )
            db.execute(
                "update test_sessions set outcome = 'abandoned' where id = ?", [session["id"]]
            )
            marked += 1
        return marked

    return write(db, work)
