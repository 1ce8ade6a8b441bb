"""The prototypes package's tables and their migrations, over a :class:`sqlite_utils.Database`.

The caller opens the database (foreign keys on) and applies :data:`journeys.store.MIGRATIONS`
first, then :data:`MIGRATIONS`: the tables here refer to ``journeys``.

Tables::

    prototype_versions  id (pk, "parkeringstillstand-v3"), journey_id, number, revision,
                        note, content_hash, journey_json, title, created_at, author
                        unique (journey_id, number); index on journey_id;
                        triggers refuse UPDATE and refuse INSERT over an existing version
    share_links         code (pk), version_id (fk), journey_id, label, task, success_step,
                        allow_under_13, created_at, expires_at, revoked_at, created_by
                        indexes on version_id and journey_id

Published versions are immutable: the database itself aborts any UPDATE, and an
``INSERT OR REPLACE`` over an existing version (which would otherwise delete and re-insert
it without firing an UPDATE trigger). A later migration that rebuilds the table (for
example ``table.transform()``) must create the triggers again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("prototypes")
"""The prototypes package's tables, in order. The toolkit applies them after journeys'."""

IMMUTABLE_MESSAGE = "Publicerade versioner kan inte ändras. Publicera en ny version i stället."
"""What the database says when something tries to change a published version."""


@MIGRATIONS()
def m001_create_prototype_versions(db: Database) -> None:
    """Published versions: immutable, numbered snapshots of a journey."""
    db.table("prototype_versions").create(
        {
            "id": str,
            "journey_id": str,
            "number": int,
            "revision": int,
            "note": str,
            "content_hash": str,
            "journey_json": str,
            "title": str,
            "created_at": str,
            "author": str,
        },
        pk="id",
        not_null={
            "journey_id",
            "number",
            "content_hash",
            "journey_json",
            "title",
            "created_at",
            "author",
        },
        foreign_keys=[("journey_id", "journeys", "id")],
    )
    versions = db.table("prototype_versions")
    versions.create_index(["journey_id", "number"], unique=True)
    versions.create_index(["journey_id"])
    message = IMMUTABLE_MESSAGE.replace("'", "''")
    db.execute(
        f"""
        create trigger prototype_versions_no_update
        before update on prototype_versions
        begin
            select raise(abort, '{message}');
        end
        """
    )
    db.execute(
        f"""
        create trigger prototype_versions_no_replace
        before insert on prototype_versions
        when exists (
            select 1 from prototype_versions
            where id = new.id or (journey_id = new.journey_id and number = new.number)
        )
        begin
            select raise(abort, '{message}');
        end
        """
    )


@MIGRATIONS()
def m002_create_share_links(db: Database) -> None:
    """Share links: unguessable codes that open one version, optionally with a task."""
    db.table("share_links").create(
        {
            "code": str,
            "version_id": str,
            "journey_id": str,
            "label": str,
            "task": str,
            "success_step": str,
            "allow_under_13": int,
            "created_at": str,
            "expires_at": str,
            "revoked_at": str,
            "created_by": str,
        },
        pk="code",
        not_null={"version_id", "journey_id", "allow_under_13", "created_at", "created_by"},
        defaults={"allow_under_13": 0},
        foreign_keys=[("version_id", "prototype_versions", "id")],
    )
    links = db.table("share_links")
    links.create_index(["version_id"])
    links.create_index(["journey_id"])


def apply_migrations(db: Database) -> None:
    """Create or update the prototypes tables (after journeys'). Safe to run again."""
    MIGRATIONS.apply(db)


def as_dict(description: Any, row: tuple[Any, ...]) -> dict[str, Any]:
    """A result row as a mapping from column name to value."""
    return {column[0]: value for column, value in zip(description, row, strict=True)}


def rows(db: Database, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every row of a query, as mappings."""
    cursor = db.execute(sql, params or [])
    return [as_dict(cursor.description, row) for row in cursor.fetchall()]


def to_row(model: BaseModel) -> dict[str, Any]:
    """A model as a row: times as ISO 8601 text (like :mod:`journeys.store`), the rest as is."""
    return {
        key: value.isoformat() if isinstance(value, dt.datetime) else value
        for key, value in model.model_dump().items()
    }
