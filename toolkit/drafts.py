"""The journey editor's unsaved drafts, so the phone preview can show what is being edited.

An editor tab holds its journey in its own state; the preview is our server-rendered page in
an iframe, another request. The editor writes its draft here under an unguessable token
after each change (one row per tab, replaced each time), and the preview route reads it
back for the same signed-in designer with ``?draft=<token>``. Drafts are not revisions:
nothing here is history, and rows older than :data:`KEEP` are dropped on the next write.
See ADR 0009.

Table (created on first use)::

    editor_drafts  token (pk), owner (e-mail), journey_id, content (journey JSON), updated_at
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from pydantic import ValidationError
from sqlite_utils import Database

from journeys import Journey

TABLE = "editor_drafts"
KEEP = dt.timedelta(days=2)
MAX_TOKEN_CHARS = 64


def new_token() -> str:
    """An unguessable draft token (128 bits)."""
    return secrets.token_urlsafe(16)


def _ensure(db: Database) -> None:
    if TABLE not in db.table_names():
        db[TABLE].create(
            {"token": str, "owner": str, "journey_id": str, "content": str, "updated_at": str},
            pk="token",
            if_not_exists=True,
        )


def put_draft(
    db: Database, token: str, *, owner: str, journey: Journey, content: str, now: dt.datetime
) -> None:
    """Store (replace) the draft of one editor tab; ``content`` is the journey as JSON."""
    _ensure(db)
    # One write statement per transaction: a deferred transaction that read first could not
    # take the write lock in WAL mode ("database is locked" at once, without waiting).
    statements: list[tuple[str, list[str]]] = [
        (
            f"insert into {TABLE} (token, owner, journey_id, content, updated_at) "
            "values (?, ?, ?, ?, ?) on conflict(token) do update set owner = excluded.owner, "
            "journey_id = excluded.journey_id, content = excluded.content, "
            "updated_at = excluded.updated_at",
            [token, owner, journey.id, content, now.isoformat()],
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
