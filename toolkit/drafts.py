"""The journey editor's unsaved drafts, so the phone preview can show what is being edited.

An editor tab holds its journey in its own state; the preview is our server-rendered page in
an iframe, another request. The editor writes its draft here under an unguessable token
after each change (one row per tab, replaced each time), and the preview route reads it
back for the same signed-in designer with ``?draft=<token>``. Drafts are not revisions:
nothing here is history, and rows older than :data:`KEEP` are dropped on the next write.
See ADR 0009.

Table (created on first use)::

    editor_drafts  token (pk), owner (e-mail), journey_id, content (journey JSON), updated_at,
                   base_revision (the revision the tab started from), dirty (1: unsaved changes)

A draft with unsaved changes outlives its tab: when the designer opens the editor again (a
reload, a link back), :func:`pending_draft` finds their newest unsaved draft made from the
revision that is still the latest, and the editor offers to continue with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import sqlite3
from dataclasses import dataclass

from pydantic import ValidationError
from sqlite_utils import Database

from journeys import Journey

TABLE = "editor_drafts"
KEEP = dt.timedelta(days=2)
MAX_TOKEN_CHARS = 64


def new_token() -> str:
    """An unguessable draft token (128 bits)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class PendingDraft:
    """Unsaved changes of an editor tab (maybe one that is closed or reloaded)."""

    token: str
    journey: Journey
    updated_at: dt.datetime


def _ensure(db: Database) -> None:
    if TABLE not in db.table_names():
        db[TABLE].create(
            {
                "token": str,
                "owner": str,
                "journey_id": str,
                "content": str,
                "updated_at": str,
                "base_revision": int,
                "dirty": int,
            },
            pk="token",
            if_not_exists=True,
            not_null={"base_revision", "dirty"},
            defaults={"base_revision": 0, "dirty": 0},
        )
        return
    columns = db[TABLE].columns_dict
    for name in ("base_revision", "dirty"):  # a table made before drafts were offered back
        if name not in columns:
            with contextlib.suppress(sqlite3.OperationalError):  # added by another process
                db[TABLE].add_column(name, int, not_null_default=0)


def put_draft(
    db: Database,
    token: str,
    *,
    owner: str,
    journey: Journey,
    content: str,
    now: dt.datetime,
    base_revision: int = 0,
    dirty: bool = False,
) -> None:
    """Store (replace) the draft of one editor tab; ``content`` is the journey as JSON,
    ``dirty`` says whether it differs from ``base_revision`` (unsaved changes)."""
    _ensure(db)
    # One write statement per transaction: a deferred transaction that read first could not
    # take the write lock in WAL mode ("database is locked" at once, without waiting).
    statements: list[tuple[str, list[object]]] = [
        (
            f"insert into {TABLE} (token, owner, journey_id, content, updated_at, "
            "base_revision, dirty) values (?, ?, ?, ?, ?, ?, ?) on conflict(token) do update "
            "set owner = excluded.owner, journey_id = excluded.journey_id, "
            "content = excluded.content, updated_at = excluded.updated_at, "
            "base_revision = excluded.base_revision, dirty = excluded.dirty",
            [token, owner, journey.id, content, now.isoformat(), base_revision, int(dirty)],
        ),
        (f"delete from {TABLE} where updated_at < ?", [(now - KEEP).isoformat()]),
    ]
    if db.conn.in_transaction:  # inside someone's transaction: a savepoint, never their commit
        with db.atomic():
            for sql, params in statements:
                db.execute(sql, params)
        return
    for sql, params in statements:
        with db.conn:
            db.conn.execute(sql, params)


def get_draft(db: Database, token: str, *, owner: str, journey_id: str) -> Journey | None:
    """The draft under ``token`` when it belongs to ``owner`` and is of ``journey_id``."""
    if not token or len(token) > MAX_TOKEN_CHARS or TABLE not in db.table_names():
        return None
    rows = list(
        db.query(
            f"select content from {TABLE} where token = ? and owner = ? and journey_id = ?",
            [token, owner, journey_id],
        )
    )
    if not rows:
        return None
    try:
        return Journey.model_validate(json.loads(rows[0]["content"]))
    except (ValueError, ValidationError):
        return None


def pending_draft(
    db: Database, *, owner: str, journey_id: str, base_revision: int
) -> PendingDraft | None:
    """``owner``'s newest draft of the journey with unsaved changes, made from
    ``base_revision`` (a draft from an older revision would undo someone's save)."""
    if TABLE not in db.table_names() or "dirty" not in db[TABLE].columns_dict:
        return None
    rows = db.query(
        f"select token, content, updated_at from {TABLE} where owner = ? and journey_id = ? "
        "and dirty = 1 and base_revision = ? order by updated_at desc limit 5",
        [owner, journey_id, base_revision],
    )
    for row in rows:
        try:
            journey = Journey.model_validate(json.loads(row["content"]))
            when = dt.datetime.fromisoformat(row["updated_at"])
        except (ValueError, ValidationError):
            continue
        return PendingDraft(token=row["token"], journey=journey, updated_at=when)
    return None


def drop_draft(db: Database, token: str, *, owner: str) -> None:
    """Forget one of ``owner``'s drafts (thrown away, or taken over by another tab)."""
    if TABLE in db.table_names():
        with db.conn:
            db.conn.execute(f"delete from {TABLE} where token = ? and owner = ?", [token, owner])


def drop_unsaved(db: Database, *, owner: str, journey_id: str, keep: str) -> None:
    """Forget ``owner``'s other drafts of a journey with unsaved changes ("Släng dem")."""
    if TABLE in db.table_names() and "dirty" in db[TABLE].columns_dict:
        with db.conn:
            db.conn.execute(
                f"delete from {TABLE} where owner = ? and journey_id = ? and dirty = 1 "
                "and token != ?",
                [owner, journey_id, keep],
            )
