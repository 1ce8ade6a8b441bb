"""Open the Medskapa database and bring every package's tables up to date.

Each domain package owns its tables and its ordered migrations; this module applies them
all, bottom layer first, every time the database is opened. Opening is cheap when nothing
is pending.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from journeys import store as journey_store

MIGRATIONS: tuple[Migrations, ...] = (journey_store.MIGRATIONS,)
"""Every package's migration set, in dependency order (journeys first)."""

BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says why and what to do."""


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database with WAL, foreign keys and a busy timeout."""
    target = Path(path)
    if str(path) != ":memory:":
        if target.is_dir():
            raise DatabaseError(
                f"{target} är en mapp, inte en databasfil. "
                f"Ange en fil, t.ex. {target / 'medskapa.db'}."
            )
        if not target.parent.exists():
            raise DatabaseError(
                f"Mappen {target.parent} finns inte. "
                "Skapa den eller ange en annan sökväg med MEDSKAPA_DB."
            )
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = Database(conn)
        if str(path) != ":memory:":
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if migrate:
            for migrations in MIGRATIONS:
                migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"Databasen {target} går inte att öppna: {exc}. Är det en Medskapa-databas?"
        ) from exc
    return db
