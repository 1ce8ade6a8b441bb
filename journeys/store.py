"""The store of journeys and their revisions, over a :class:`sqlite_utils.Database`.

A journey has numbered revisions (1, 2, ...). A revision keeps the journey's canonical JSON
(what :func:`get_journey` returns), its SHA-256, and the source text as the designer wrote
it (YAML or JSON, comments and all). Saving a journey whose content did not change makes
no new revision. The caller opens the database and applies :data:`MIGRATIONS`.

Tables::

    journeys           id (pk), title, organisation, current_revision, created_at,
                       updated_at, source_format (yaml|json)
    journey_revisions  journey_id + number (pk), content_hash, content, source,
                       created_at, author, note
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from journeys.files import journey_dict, read_text, to_yaml
from journeys.model import Journey

MIGRATIONS = Migrations("journeys")
"""The journeys package's tables, in order. The toolkit applies them at start."""

SourceFormat = Literal["yaml", "json"]


@MIGRATIONS()
def m001_create_journeys(db: Database) -> None:
    """Journeys and their numbered revisions.

    The revisions' primary key (journey_id, number) keeps numbers unique per journey and
    serves every lookup by journey, so there is no separate index on journey_id.
    """
    db.table("journeys").create(
        {
            "id": str,
            "title": str,
            "organisation": str,
            "current_revision": int,
            "created_at": str,
            "updated_at": str,
            "source_format": str,
        },
        pk="id",
        not_null={"title", "organisation", "current_revision", "created_at", "updated_at"},
    )
    db.table("journey_revisions").create(
        {
            "journey_id": str,
            "number": int,
            "content_hash": str,
            "content": str,
            "source": str,
            "created_at": str,
            "author": str,
            "note": str,
        },
        pk=("journey_id", "number"),
        not_null={"content_hash", "content", "created_at", "author"},
        foreign_keys=[("journey_id", "journeys", "id")],
    )


class Revision(BaseModel):
    """One saved state of a journey: who saved it, when, why, and its content hash."""

    journey_id: str
    number: int
    content_hash: str
    created_at: dt.datetime
    author: str
    note: str | None = None


class JourneySummary(BaseModel):
    """A line of the journey list."""

    id: str
    title: str
    organisation: str
    step_count: int
    revision_count: int
    current_revision: int
    updated_at: dt.datetime


def apply_migrations(db: Database) -> None:
    """Create or update the journeys tables. Safe to run again."""
    MIGRATIONS.apply(db)


def content_hash(journey: Journey) -> str:
    """SHA-256 of the journey's canonical JSON: equal for equal content, whatever the file."""
    return hashlib.sha256(_canonical(journey).encode("utf-8")).hexdigest()


def _canonical(journey: Journey) -> str:
    return json.dumps(
        journey_dict(journey), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def source_format(source: str) -> SourceFormat:
    """``json`` when the text is a JSON object, else ``yaml``."""
    return "json" if source.lstrip().startswith("{") else "yaml"


def save_journey(
    db: Database,
    journey: Journey,
    *,
    source: str | None = None,
    author: str,
    note: str | None = None,
    now: dt.datetime,
) -> Revision:
    """Store the journey as a new revision when its content changed; else the current one.

    ``source`` is the file text the journey was read from (kept as written, comments
    included). It must describe the same journey: a mismatch raises ValueError rather than
    store a source that disagrees with the content. When the content is unchanged but the
    source differs (only comments or layout changed), the current revision keeps the new
    source, since it describes the same content.
    """
    digest = content_hash(journey)
    if source is not None:
        _check_source(source, digest, journey.id)
    stamp = now.isoformat()
    fmt = source_format(source) if source is not None else "yaml"
    with db.atomic():
        row = _journey_row(db, journey.id)
        current = _revision_row(db, journey.id, row["current_revision"]) if row else None
        if row is not None and current is not None and current["content_hash"] == digest:
            if source is not None and source != current["source"]:
                db.execute(
                    "update journey_revisions set source = ? where journey_id = ? and number = ?",
                    [source, journey.id, current["number"]],
                )
                db.execute("update journeys set source_format = ? where id = ?", [fmt, journey.id])
            return _revision(current)
        number = (row["current_revision"] if row else 0) + 1
        journey_values = {
            "title": journey.title,
            "organisation": journey.organisation,
            "current_revision": number,
            "updated_at": stamp,
            "source_format": fmt,
        }
        if row is None:
            db.table("journeys").insert({"id": journey.id, "created_at": stamp, **journey_values})
        revision = {
            "journey_id": journey.id,
            "number": number,
            "content_hash": digest,
            "content": _canonical(journey),
            "source": source,
            "created_at": stamp,
            "author": author,
            "note": note,
        }
        db.table("journey_revisions").insert(revision)
        if row is not None:
            db.table("journeys").update(journey.id, journey_values)
    return _revision(revision)


def _check_source(source: str, digest: str, journey_id: str) -> None:
    document = read_text(source)
    if document.journey is None:
        raise ValueError(
            f"The source of journey '{journey_id}' is not a readable journey; "
            "validate the file and save again."
        )
    if content_hash(document.journey) != digest:
        raise ValueError(
            f"The source does not describe journey '{journey_id}' as given; save the text "
            "the journey was read from, or leave source out."
        )


def get_journey(db: Database, journey_id: str, *, revision: int | None = None) -> Journey | None:
    """The journey at its current revision (or at ``revision``), or None."""
    row = _wanted_revision(db, journey_id, revision)
    if row is None:
        return None
    return Journey.model_validate(json.loads(row["content"]))


def get_source(db: Database, journey_id: str, *, revision: int | None = None) -> str | None:
    """The file text of the current revision (or of ``revision``), or None when not stored.

    A revision saved without source text gets clean YAML made from its content.
    """
    row = _wanted_revision(db, journey_id, revision)
    if row is None:
        return None
    if row["source"] is not None:
        return str(row["source"])
    return to_yaml(Journey.model_validate(json.loads(row["content"])))


def get_revision(db: Database, journey_id: str, number: int) -> Revision | None:
    """One revision of a journey, or None."""
    row = _revision_row(db, journey_id, number)
    return _revision(row) if row else None


def list_revisions(db: Database, journey_id: str) -> list[Revision]:
    """Every revision of a journey, oldest first (empty for an unknown journey)."""
    rows = db.execute(
        f"select {_REVISION_COLUMNS} from journey_revisions where journey_id = ? order by number",
        [journey_id],
    )
    return [_revision(_as_dict(rows.description, r)) for r in rows.fetchall()]


def list_journeys(db: Database) -> list[JourneySummary]:
    """Every stored journey with its step and revision counts, by title then id."""
    cursor = db.execute(
        """
        select j.id, j.title, j.organisation, j.current_revision, j.updated_at,
               coalesce(json_array_length(r.content, '$.steps'), 0) as step_count,
               (select count(*) from journey_revisions c where c.journey_id = j.id)
                   as revision_count
        from journeys j
        left join journey_revisions r
               on r.journey_id = j.id and r.number = j.current_revision
        order by j.title collate nocase, j.id
        """
    )
    return [
        JourneySummary.model_validate(_as_dict(cursor.description, row))
        for row in cursor.fetchall()
    ]


def delete_journey(db: Database, journey_id: str) -> bool:
    """Delete a journey and all its revisions. False when there was no such journey."""
    with db.atomic():
        db.execute("delete from journey_revisions where journey_id = ?", [journey_id])
        cursor = db.execute("delete from journeys where id = ?", [journey_id])
        return cursor.rowcount > 0


# --- rows -----------------------------------------------------------------------------------

_REVISION_COLUMNS = "journey_id, number, content_hash, content, source, created_at, author, note"


def _as_dict(description: Any, row: tuple[Any, ...]) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(description, row, strict=True)}


def _journey_row(db: Database, journey_id: str) -> dict[str, Any] | None:
    cursor = db.execute("select * from journeys where id = ?", [journey_id])
    row = cursor.fetchone()
    return _as_dict(cursor.description, row) if row else None


def _revision_row(db: Database, journey_id: str, number: int) -> dict[str, Any] | None:
    cursor = db.execute(
        f"select {_REVISION_COLUMNS} from journey_revisions where journey_id = ? and number = ?",
        [journey_id, number],
    )
    row = cursor.fetchone()
    return _as_dict(cursor.description, row) if row else None


def _wanted_revision(db: Database, journey_id: str, revision: int | None) -> dict[str, Any] | None:
    if revision is not None:
        return _revision_row(db, journey_id, revision)
    row = _journey_row(db, journey_id)
    return _revision_row(db, journey_id, row["current_revision"]) if row else None


def _revision(row: dict[str, Any]) -> Revision:
    return Revision.model_validate(row)
