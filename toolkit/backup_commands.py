"""Backup and restore of the whole database, safe while the server writes.

``toolkit/cli.py`` adds the commands to the ``medskapa`` app with :func:`register`::

    medskapa backup FILE [--force]     a consistent copy, made with SQLite's online backup
    medskapa restore FILE [--force]    put a backup back (refuses to overwrite without --force)

:func:`backup_database` copies with the online backup API in one step, so the copy is one
consistent snapshot even while the server writes (WAL readers never wait for writers), into
a temporary file next to the target that is checked (``PRAGMA integrity_check``) and only
then renamed into place: a half-written backup never has the target's name. The copy is a
single self-contained file (journal mode DELETE, no ``-wal`` beside it).

:func:`restore_database` checks the backup before touching anything: it must be a SQLite
file that passes the integrity check and holds Medskapa's migrations, none of them from a
newer Medskapa than this one. An existing database is replaced only with ``force``, and is
first copied aside to ``<name>.fore-aterstallning``. After the restore, missing (newer)
migrations are applied, as at every start. Stop the server before a restore.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from toolkit.db import migration_sets, open_db
from toolkit.settings import Settings

SettingsSource = Callable[[], Settings]
SAFETY_SUFFIX = ".fore-aterstallning"
COUNTED = ("journeys", "prototype_versions", "test_sessions", "events", "workshops")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds: a few counts and its size."""

    path: Path
    counts: dict[str, int]
    bytes: int

    def text(self) -> str:
        parts = [
            f"{self.counts.get('journeys', 0)} resor",
            f"{self.counts.get('prototype_versions', 0)} versioner",
            f"{self.counts.get('test_sessions', 0)} testsessioner",
            f"{self.counts.get('events', 0)} händelser",
            f"{self.counts.get('workshops', 0)} workshoppar",
        ]
        return f"{', '.join(parts)}; {self.bytes / 1_048_576:.1f} MB"


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(str(path), timeout=30)


def _check(conn: sqlite3.Connection, name: Path) -> None:
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{name} är ingen SQLite-databas ({exc}).") from exc
    if result != ["ok"]:
        raise BackupError(f"{name} är skadad: {'; '.join(result[:3])}.")


def _summary(conn: sqlite3.Connection, path: Path) -> Summary:
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    counts = {
        t: int(conn.execute(f"select count(*) from [{t}]").fetchone()[0])
        for t in COUNTED
        if t in tables
    }
    return Summary(path=path, counts=counts, bytes=path.stat().st_size)


def _known_migrations() -> set[tuple[str, str]]:
    return {(m.name, step.name) for m in migration_sets() for step in m._migrations}


def check_backup(path: Path) -> Summary:
    """Check that ``path`` is a sound Medskapa database this version can open."""
    if not path.is_file():
        raise BackupError(f"Filen {path} finns inte. Ange en säkerhetskopia från medskapa backup.")
    with open(path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{path} är ingen SQLite-databas. Ange en fil från medskapa backup.")
    conn = _connect(path, readonly=True)
    try:
        _check(conn, path)
        try:
            applied = {
                (str(r[0]), str(r[1]))
                for r in conn.execute("select migration_set, name from _sqlite_migrations")
            }
        except sqlite3.OperationalError as exc:
            raise BackupError(f"{path} är ingen Medskapa-databas (inga migreringar).") from exc
        newer = sorted(f"{s}.{n}" for s, n in applied - _known_migrations())
        if newer:
            raise BackupError(
                f"{path} kommer från en nyare Medskapa ({', '.join(newer[:3])}). "
                "Uppdatera Medskapa först och återställ sedan."
            )
        return _summary(conn, path)
    finally:
        conn.close()


def backup_database(source: Path, target: Path, *, force: bool = False) -> Summary:
    """Copy ``source`` to ``target`` as one consistent, checked, self-contained file."""
    if not source.is_file():
        raise BackupError(f"Det finns ingen databas i {source}. Ange rätt fil med --db.")
    if target.resolve() == source.resolve():
        raise BackupError("Säkerhetskopian kan inte skrivas över databasen själv.")
    if target.exists() and not force:
        raise BackupError(f"{target} finns redan. Välj ett annat namn eller lägg till --force.")
    if not target.parent.is_dir():
        raise BackupError(f"Mappen {target.parent} finns inte. Skapa den först.")
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    src = _connect(source)
    try:
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)  # one step: a single consistent snapshot
            dst.execute("PRAGMA journal_mode = DELETE")
            _check(dst, partial)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Säkerhetskopieringen misslyckades: {exc}.") from exc
    finally:
        src.close()
    os.replace(partial, target)
    return check_backup(target)


def restore_database(backup: Path, target: Path, *, force: bool = False) -> Summary:
    """Put ``backup`` in place as ``target`` (checked first; ``force`` to replace a database,
    which is first copied aside)."""
    summary = check_backup(backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupError("Säkerhetskopian och databasen är samma fil.")
    if target.exists() and not force:
        raise BackupError(
            f"Databasen {target} finns redan. Lägg till --force för att ersätta den "
            f"(den gamla sparas först som {target.name}{SAFETY_SUFFIX})."
        )
    if target.exists():
        backup_database(target, target.with_name(target.name + SAFETY_SUFFIX), force=True)
    src = _connect(backup, readonly=True)
    try:
        dst = _connect(target)
        try:
            src.backup(dst)
            _check(dst, target)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Återställningen misslyckades: {exc}.") from exc
    finally:
        src.close()
    open_db(target).conn.close()  # newer migrations, as at every start
    return summary


def register(app: typer.Typer, *, settings: SettingsSource | None = None) -> None:
    """Add ``backup`` and ``restore`` to ``app``. ``settings`` is for tests."""

    def current() -> Settings:
        if settings is not None:
            return settings()
        from toolkit import cli

        return cli._state.settings

    @app.command("backup")
    def backup_cmd(
        file: Annotated[Path, typer.Argument(help="Filen säkerhetskopian sparas i.")],
        force: Annotated[
            bool, typer.Option("--force", help="Skriv över en befintlig fil.")
        ] = False,
    ) -> None:
        """Säkerhetskopiera databasen (går bra medan servern är igång)."""
        try:
            summary = backup_database(current().db_path, file, force=force)
        except BackupError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        typer.echo(f"Säkerhetskopian är sparad i {file}: {summary.text()}.")

    @app.command("restore")
    def restore_cmd(
        file: Annotated[Path, typer.Argument(help="Säkerhetskopian från medskapa backup.")],
        force: Annotated[
            bool, typer.Option("--force", help="Ersätt en befintlig databas.")
        ] = False,
    ) -> None:
        """Återställ databasen från en säkerhetskopia (stoppa servern först)."""
        target = current().db_path
        try:
            summary = restore_database(file, target, force=force)
        except BackupError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        typer.echo(f"Databasen {target} är återställd från {file}: {summary.text()}.")


__all__ = [
    "BackupError",
    "Summary",
    "backup_database",
    "check_backup",
    "register",
    "restore_database",
]
