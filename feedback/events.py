"""Events: what a tester did in the prototype, one row per thing, each stored exactly once.

The tester's page makes a UUID for every event and keeps it in an outbox until the server
has answered; the server stores it with ``INSERT OR IGNORE`` and answers only after the
commit, so sending the same event again is always safe. An event's ``detail`` is a small
mapping of short values (``{"status": "error", "message": "Ange ditt postnummer"}``), never
what the tester typed: string values are masked like comments all the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlite_utils import Database

from feedback.masking import mask_personal_data
from feedback.sessions import reopen_if_abandoned
from feedback.store import (
    SEEN_PRECISION,
    FeedbackError,
    canonical_uuid,
    require_session,
    rows,
    stamp,
    touch_session,
    write,
)

EventKind = Literal[
    "screen_viewed",
    "submitted",
    "validation_error",
    "back",
    "change_from_summary",
    "task_completed",
    "completed",
    "abandoned",
]

MAX_DETAIL_KEYS = 20
MAX_DETAIL_TEXT = 200
MAX_ID_LENGTH = 200

DetailValue = str | int | float | bool | None | list[str]


class Event(BaseModel):
    """One thing a tester did, with an id made by the tester's page."""

    id: str = Field(description="A UUID made by the client; stored as lower case with hyphens.")
    session_id: str = Field(max_length=64)
    kind: EventKind
    step_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    field_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    detail: dict[str, DetailValue] = Field(
        default_factory=dict,
        description="Small: at most 20 keys, strings of at most 200 characters, masked.",
    )
    at: dt.datetime

    @field_validator("id", mode="before")
    @classmethod
    def _uuid(cls, value: object) -> str:
        return canonical_uuid(value, what="Händelsens id")

    @field_validator("detail")
    @classmethod
    def _small_and_masked(cls, value: dict[str, DetailValue]) -> dict[str, DetailValue]:
        return _small_and_masked(value)

    @classmethod
    def ours(
        cls,
        *,
        id: str,
        session_id: str,
        kind: EventKind,
        at: dt.datetime,
        step_id: str | None = None,
        field_id: str | None = None,
        detail: dict[str, DetailValue] | None = None,
    ) -> Event:
        """An event the server makes itself (a page it showed, a form it checked), built
        without checking again what it made: ``id`` a fresh UUID, ``kind``, ``at``, and the
        ids of its own journey. The detail, which may echo what a tester typed, is limited
        and masked as always. About a fifth of the cost of :meth:`model_validate`, on every
        page a tester opens."""
        return cls.model_construct(
            id=id,
            session_id=session_id,
            kind=kind,
            step_id=step_id,
            field_id=field_id,
            detail=_small_and_masked(detail or {}),
            at=at,
        )


def _small_and_masked(value: dict[str, DetailValue]) -> dict[str, DetailValue]:
    """``value`` with its texts masked; ValueError when it is too large."""
    if len(value) > MAX_DETAIL_KEYS:
        raise ValueError(f"detail får ha högst {MAX_DETAIL_KEYS} nycklar")
    checked: dict[str, DetailValue] = {}
    for key, item in value.items():
        if len(key) > 40:
            raise ValueError("nycklarna i detail får vara högst 40 tecken")
        if isinstance(item, list):
            if len(item) > MAX_DETAIL_KEYS:
                raise ValueError(f"listor i detail får ha högst {MAX_DETAIL_KEYS} värden")
            checked[key] = [_short_text(text) for text in item]
        elif isinstance(item, str):
            checked[key] = _short_text(item)
        else:
            checked[key] = item
    return checked


def _short_text(text: str) -> str:
    if len(text) > MAX_DETAIL_TEXT:
        raise ValueError(f"texter i detail får vara högst {MAX_DETAIL_TEXT} tecken")
    return mask_personal_data(text)[0]


def parse_event(data: Mapping[str, Any]) -> Event:
    """An event from what a client sent (e.g. parsed JSON).

    Raises :class:`FeedbackError` with a Swedish message naming the first wrong field.
    """
    try:
        return Event.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "händelsen"
        cause = error.get("ctx", {}).get("error")
        reason = str(cause) if isinstance(cause, ValueError) else error["msg"]
        raise FeedbackError(f"Händelsen kan inte sparas: {where}: {reason.rstrip('.')}.") from None


_detail_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""An event's detail as stored: compact JSON."""

_EVENT_COLUMNS = (
    "id, session_id, version_id, journey_id, share_code, kind, step_id, field_id, detail, at"
)
_MANY_AT_ONCE = 500


def _values(event: Event, session: dict[str, Any]) -> list[Any]:
    return [
        event.id,
        session["id"],
        session["version_id"],
        session["journey_id"],
        session["share_code"],
        event.kind,
        event.step_id,
        event.field_id,
        _detail_text(event.detail),
        stamp(event.at),
    ]


def _insert_many(db: Database, batch: list[Event], sessions: dict[str, dict[str, Any]]) -> set[str]:
    """Store a batch in as few statements as possible; the ids that were new (an id
    already stored is ignored, as by :func:`_insert`)."""
    new: set[str] = set()
    for start in range(0, len(batch), _MANY_AT_ONCE):
        part = batch[start : start + _MANY_AT_ONCE]
        marks = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(part))
        values = [v for e in part for v in _values(e, sessions[e.session_id])]
        cursor = db.execute(
            f"insert or ignore into events ({_EVENT_COLUMNS}) values {marks} returning id",
            values,
        )
        new.update(row[0] for row in cursor.fetchall())
    return new


def _insert(
    db: Database, event: Event, session: dict[str, Any], seen: dict[str, dt.datetime]
) -> bool:
    """Store one event of a batch; ``seen`` collects each session's latest stored event time
    (the session is touched once per batch, not once per event)."""
    cursor = db.execute(
        f"insert or ignore into events ({_EVENT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _values(event, session),
    )
    if cursor.rowcount != 1:
        return False
    if event.kind == "abandoned" and session["outcome"] is None:  # "I stop here"
        db.execute(
            "update test_sessions set outcome = 'abandoned' where id = ? and outcome is null",
            [session["id"]],
        )
        session["outcome"] = "abandoned"
    elif event.kind != "abandoned" and session["outcome"] == "abandoned":
        reopen_if_abandoned(db, session)
        session["outcome"] = None  # the rest of a batch sees the session open
    latest = seen.get(session["id"])
    if latest is None or event.at > latest:
        seen[session["id"]] = event.at
    return True


def record_event(db: Database, event: Event) -> bool:
    """Store one event once. Returns False when its id was already stored.

    Returns only after the commit (inside the caller's transaction: when that commits). A
    newly stored event moves the session's ``last_seen_at`` forward to the event's time.
    An ``abandoned`` event (the tester stopped) marks an open session abandoned; any other
    event reopens an abandoned session, since the tester came back (an inferred
    ``abandoned`` event from :func:`feedback.mark_abandoned` is then removed; one the tester
    sent is kept). Raises :class:`FeedbackError` when the session does not exist (never
    started, or withdrawn).
    """
    return record_events(db, [event]) == 1


def record_events(db: Database, events: Iterable[Event]) -> int:
    """Store a batch of events (an outbox being emptied) in one transaction.

    Returns how many were new. When any event's session does not exist, nothing of the
    batch is stored and :class:`FeedbackError` is raised.
    """
    batch = list(events)
    if not batch:
        return 0

    def work() -> int:
        sessions: dict[str, dict[str, Any]] = {}
        for event in batch:
            if event.session_id not in sessions:
                sessions[event.session_id] = require_session(db, event.session_id)
        seen: dict[str, dt.datetime] = {}
        if any(e.kind == "abandoned" for e in batch) or any(
            s["outcome"] == "abandoned" for s in sessions.values()
        ):  # a session stops or comes back: one event at a time
            stored = sum(_insert(db, event, sessions[event.session_id], seen) for event in batch)
        else:
            new = _insert_many(db, batch, sessions)
            for event in batch:
                latest = seen.get(event.session_id)
                if event.id in new and (latest is None or event.at > latest):
                    seen[event.session_id] = event.at
            stored = len(new)
        for session_id, moment in seen.items():
            touch_session(db, sessions[session_id], moment)
        return stored

    return write(db, work)


@dataclass(frozen=True)
class PreparedEvents:
    """A page's events made ready to be stored with others in one statement
    (:func:`prepare_events`, :func:`record_prepared`)."""

    events: list[Event]
    rows: list[tuple[Any, ...]] | None
    """(id, session, kind, step, field, detail, at) per event; None when the batch must go
    the careful way (:func:`record_events`): it stops a session."""
    touch: tuple[str, str, str] | None
    """(session, latest time, that time less :data:`SEEN_PRECISION`), or None."""


def prepare_events(events: Iterable[Event]) -> PreparedEvents:
    """``events`` of one session, as :func:`record_prepared` stores them."""
    batch = list(events)
    if (
        not batch
        or any(e.kind == "abandoned" for e in batch)
        or len({e.session_id for e in batch}) != 1
    ):
        return PreparedEvents(events=batch, rows=None, touch=None)
    rows = [
        (
            e.id,
            e.session_id,
            e.kind,
            e.step_id,
            e.field_id,
            _detail_text(e.detail),
            stamp(e.at),
        )
        for e in batch
    ]
    latest = max(batch, key=lambda e: e.at).at
    touch = (batch[0].session_id, stamp(latest), stamp(latest - SEEN_PRECISION))
    return PreparedEvents(events=batch, rows=rows, touch=touch)


def record_prepared(db: Database, batch: list[PreparedEvents]) -> list[tuple[bool, Any]]:
    """Store several pages' events in the caller's transaction, each page as
    :func:`record_events` would: (True, how many were new) or (False, the error) per page.

    The usual case is two statements for all of them: one ``INSERT … SELECT`` that takes
    each event's version, journey and link from its session (an open one, or completed),
    and one ``UPDATE`` that moves the sessions' ``last_seen_at``. When that does not store
    every event (a session is gone or stopped, an id was stored before), it is undone and
    each page goes through :func:`record_events` on its own: a page whose session is gone
    gets its :class:`FeedbackError`, and any other error is raised (the whole batch fails)."""
    outcomes: list[tuple[bool, Any] | None] = [None] * len(batch)
    quick = [n for n, p in enumerate(batch) if p.rows is not None and p.touch is not None]
    if quick:
        events = [row for n in quick for row in batch[n].rows or ()]
        db.execute("SAVEPOINT record_prepared")
        stored = 0
        for first in range(0, len(events), _MANY_AT_ONCE):  # SQLite's limit on parameters
            part = events[first : first + _MANY_AT_ONCE]
            stored += db.execute(_quick_insert(len(part)), [v for e in part for v in e]).rowcount
        if stored == len(events):
            for first in range(0, len(quick), _MANY_AT_ONCE):
                part = quick[first : first + _MANY_AT_ONCE]
                touches = [v for n in part for v in batch[n].touch or ()]
                db.execute(_quick_touch(len(part)), touches)
            db.execute("RELEASE record_prepared")
            for n in quick:
                outcomes[n] = (True, len(batch[n].rows or ()))
        else:
            db.execute("ROLLBACK TO record_prepared")
            db.execute("RELEASE record_prepared")
    for n, prepared in enumerate(batch):
        if outcomes[n] is None:
            try:
                outcomes[n] = (True, record_events(db, prepared.events))
            except FeedbackError as exc:  # this page only (its savepoint is rolled back)
                outcomes[n] = (False, exc)
            # any other error (a full disk, I/O) fails the whole batch: the caller rolls back
    return [outcome for outcome in outcomes if outcome is not None]


@functools.lru_cache(maxsize=128)
def _quick_insert(count: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * count)
    return (
        f"insert or ignore into events ({_EVENT_COLUMNS}) "
        "select v.column1, s.id, s.version_id, s.journey_id, s.share_code, "
        "v.column3, v.column4, v.column5, v.column6, v.column7 "
        f"from (values {values}) as v join test_sessions as s on s.id = v.column2 "
        "where s.outcome is not 'abandoned'"
    )


@functools.lru_cache(maxsize=128)
def _quick_touch(count: int) -> str:
    values = ", ".join(["(?, ?, ?)"] * count)
    return (
        "update test_sessions set last_seen_at = v.latest "
        "from (select column1 as session, max(column2) as latest, max(column3) as cutoff "
        f"from (values {values}) group by column1) as v "
        "where test_sessions.id = v.session and test_sessions.last_seen_at <= v.cutoff"
    )


def session_events(db: Database, session_id: str) -> list[Event]:
    """The session's events in the order they happened (then the order they were stored)."""
    found = rows(
        db,
        "select id, session_id, kind, step_id, field_id, detail, at from events "
        "where session_id = ? order by at, rowid",
        [session_id],
    )
    return [Event.model_validate({**row, "detail": json.loads(row["detail"])}) for row in found]
