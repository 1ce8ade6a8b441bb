"""The store of journeys and their revisions, over a :class:`sqlite_utils.Database`.

A journey has numbered revisions (1, 2, ...). A revision keeps the journey's canonical JSON
(what :func:`get_journey` returns), its SHA-256, and the source text as the designer wrote
it (YAML or JSON, comments and all). Saving a journey whose content did not change makes
no new revision. The caller opens the database and applies :data:`MIGRATIONS`.

Two designers editing the same journey pass the revision they started from
(``expected_revision``); a save over someone else's newer revision raises
:class:`RevisionConflict` instead of overwriting their work. Any revision can be compared
with another (:func:`revision_diff`) and brought back as a new revision
(:func:`restore_revision`).

Tables::

    journeys           id (pk), title, organisation, current_revision, created_at,
                       updated_at, source_format (yaml|json)
    journey_revisions  journey_id + number (pk), content_hash, content, source,
                       created_at, author, note
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from journeys.editing import mark_origin, update_journey
from journeys.files import journey_dict, read_text, save, to_yaml
from journeys.findings import Lang
from journeys.model import Journey

MIGRATIONS = Migrations("journeys")
"""The journeys package's tables, in order. The toolkit applies them at start."""

SourceFormat = Literal["yaml", "json"]

LOCKED_ATTEMPTS = 3
"""How many times a write is tried when the database stays locked past the busy timeout."""

T = TypeVar("T")


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


class RevisionDiff(BaseModel):
    """What changed between two revisions of a journey (from ``a`` to ``b``)."""

    journey_id: str
    a: int
    b: int
    added: list[str] = Field(default_factory=list, description="Step ids only in b.")
    removed: list[str] = Field(default_factory=list, description="Step ids only in a.")
    changed: list[str] = Field(default_factory=list, description="Steps in both that differ.")
    reordered: bool = Field(default=False, description="Steps in both are in another order.")
    details: list[str] = Field(
        default_factory=list, description="Other parts that differ: title, phases, actors, ..."
    )
    text: str = Field(default="", description="A unified diff of the two revisions as YAML.")

    @property
    def same(self) -> bool:
        """True when the two revisions have the same content."""
        return not self.text


class RevisionConflict(Exception):
    """Someone saved the journey after the revision an editor started from.

    Saving anyway would silently throw away their work, so the editor reloads (or shows
    :func:`revision_diff` between ``expected`` and ``current``) and the designer edits again.
    """

    def __init__(
        self,
        journey_id: str,
        *,
        expected: int,
        current: int,
        author: str | None = None,
        when: dt.datetime | None = None,
    ) -> None:
        self.journey_id = journey_id
        self.expected = expected
        self.current = current
        self.author = author
        self.when = when
        super().__init__(self.message("sv"))

    def message(self, lang: Lang = "sv") -> str:
        """What happened and what to do, in Swedish or English."""
        stamp = self.when.strftime("%Y-%m-%d %H:%M") if self.when else "?"
        who = self.author or "?"
        if self.current == 0:
            if lang == "en":
                return (
                    f"The journey '{self.journey_id}' was deleted after you opened it. Import "
                    "it again if it should be kept."
                )
            return (
                f"Resan '{self.journey_id}' har tagits bort sedan du öppnade den. Importera "
                "den igen om den ska finnas kvar."
            )
        if lang == "en":
            return (
                f"The journey '{self.journey_id}' has changed since you opened revision "
                f"{self.expected}: {who} saved revision {self.current} at {stamp}. Reload the "
                "journey and make your changes again, so that you do not overwrite each other."
            )
        return (
            f"Resan '{self.journey_id}' har ändrats sedan du öppnade revision {self.expected}: "
            f"{who} sparade revision {self.current} {stamp}. Ladda om resan och gör dina "
            "ändringar igen, så skriver ni inte över varandras arbete."
        )


def apply_migrations(db: Database) -> None:
    """Create or update the journeys tables. Safe to run again."""
    MIGRATIONS.apply(db)


# --- writing --------------------------------------------------------------------------------


def write(db: Database, work: Callable[[], T]) -> T:
    """Run ``work`` in one write transaction and return its result after the commit.

    Outside a transaction this is ``BEGIN IMMEDIATE`` ... ``COMMIT``, tried again (from the
    start) when the database stays locked past the busy timeout; ``work`` must therefore be
    safe to repeat, which ``INSERT OR IGNORE`` by id, or reading before writing inside
    ``work``, is. Inside the caller's transaction it is a savepoint, and the caller's commit
    is the one that counts. Any error rolls back everything ``work`` did.

    Every package's writes that read first and then write go through here: a plain
    ``BEGIN`` (deferred) that reads and then writes fails at once with "database is locked"
    when another connection wrote in between, whatever the busy timeout.
    """
    if db.conn.in_transaction:
        with db.atomic():
            return work()
    for attempt in range(1, LOCKED_ATTEMPTS + 1):
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                result = work()
                db.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
                raise
            return result
        except sqlite3.OperationalError as exc:
            if attempt == LOCKED_ATTEMPTS or not _is_locked(exc):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


KEPT_MAX = 256
"""Values one connection keeps (:func:`kept`) before it starts afresh."""


def kept(db: Database, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """``make()``, kept on this connection under ``key``, for a connection that can keep
    attributes (the toolkit's pooled connections; a plain ``sqlite3.Connection`` keeps
    nothing and always makes it anew). Every package's per-connection values live here
    (the workshops' pages, :func:`toolkit.db.remembered`).

    ``key`` must name everything the value depends on, including a marker that moves with
    the data (such as ``workshops.notes_revision``): nothing kept is ever forgotten because
    the data changed, only when the connection has kept :data:`KEPT_MAX` values. Values are
    shared between requests: treat them as read-only.
    """
    attributes = getattr(db.conn, "__dict__", None)
    if attributes is None:
        return make()
    values: dict[tuple[Any, ...], Any] = attributes.setdefault("kept", {})
    if key in values:
        return values[key]  # type: ignore[no-any-return]
    if len(values) >= KEPT_MAX:
        values.clear()
    value = values[key] = make()
    return value


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


# --- journeys -------------------------------------------------------------------------------


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
    expected_revision: int | None = None,
) -> Revision:
    """Store the journey as a new revision when its content changed; else the current one.

    ``source`` is the file text the journey was read from (kept as written, comments
    included). It must describe the same journey: a mismatch raises ValueError rather than
    store a source that disagrees with the content. When the content is unchanged but the
    source differs (only comments or layout changed), the current revision keeps the new
    source, since it describes the same content.

    ``expected_revision`` is the revision the editor started from (0 for a new journey).
    When someone has saved another revision since, :class:`RevisionConflict` is raised and
    nothing is stored, unless this save would change nothing.
    """
    digest = content_hash(journey)
    if source is not None:
        _check_source(source, digest, journey.id)
    stamp = now.isoformat()
    fmt = source_format(source) if source is not None else "yaml"

    def work() -> Revision:
        row = _journey_row(db, journey.id)
        current = _revision_row(db, journey.id, row["current_revision"]) if row else None
        if expected_revision is not None:
            _check_expected(journey.id, expected_revision, current, digest, source)
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

    return write(db, work)


def _check_expected(
    journey_id: str,
    expected: int,
    current: dict[str, Any] | None,
    digest: str,
    source: str | None,
) -> None:
    number = current["number"] if current else 0
    if number == expected:
        return
    same = current is not None and current["content_hash"] == digest
    if same and current is not None and source in (None, current["source"]):
        return  # the same journey: saving it overwrites nothing
    raise RevisionConflict(
        journey_id,
        expected=expected,
        current=number,
        author=current["author"] if current else None,
        when=dt.datetime.fromisoformat(current["created_at"]) if current else None,
    )


def import_journey(
    db: Database,
    journey: Journey,
    *,
    organisation: str | None = None,
    source: str | None = None,
    author: str,
    note: str | None = None,
    now: dt.datetime,
    expected_revision: int | None = None,
) -> Revision:
    """Save a journey from a file, reused from elsewhere when it names another organisation.

    With ``organisation`` (the one importing) and a journey from another organisation, the
    journey becomes that organisation's and ``origin`` records where it came from (unless
    it already does); the licence is kept. The source text is updated to match, keeping its
    comments.
    """
    if organisation and journey.organisation != organisation:
        reused = update_journey(mark_origin(journey, journey), organisation=organisation)
        if source is not None:
            document = read_text(source)
            source = save(document, reused) if document.journey is not None else None
        journey = reused
    return save_journey(
        db,
        journey,
        source=source,
        author=author,
        note=note,
        now=now,
        expected_revision=expected_revision,
    )


def revision_diff(db: Database, journey_id: str, a: int, b: int) -> RevisionDiff | None:
    """What changed from revision ``a`` to revision ``b``; None when either is not stored.

    Steps are matched by id. The text diff compares clean YAML made from each revision's
    content, so it shows what changed in the journey, not in its layout.
    """
    old, new = get_journey(db, journey_id, revision=a), get_journey(db, journey_id, revision=b)
    if old is None or new is None:
        return None
    old_data, new_data = journey_dict(old), journey_dict(new)
    old_steps = {s["id"]: s for s in old_data["steps"]}
    new_steps = {s["id"]: s for s in new_data["steps"]}
    both = [i for i in old_steps if i in new_steps]
    keys = dict.fromkeys([*old_data, *new_data])
    old_text, new_text = to_yaml(old), to_yaml(new)
    text = "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"{journey_id} revision {a}",
            tofile=f"{journey_id} revision {b}",
        )
    )
    return RevisionDiff(
        journey_id=journey_id,
        a=a,
        b=b,
        added=[i for i in new_steps if i not in old_steps],
        removed=[i for i in old_steps if i not in new_steps],
        changed=[i for i in both if old_steps[i] != new_steps[i]],
        reordered=both != [i for i in new_steps if i in old_steps],
        details=[k for k in keys if k != "steps" and old_data.get(k) != new_data.get(k)],
        text=text,
    )


def restore_revision(
    db: Database,
    journey_id: str,
    number: int,
    *,
    author: str,
    now: dt.datetime,
    note: str | None = None,
    expected_revision: int | None = None,
) -> Revision | None:
    """Bring back revision ``number`` as a new revision (history is never rewritten).

    Its source text comes back too. Returns the current revision when it already has that
    content, and None when there is no such revision.
    """
    row = _revision_row(db, journey_id, number)
    if row is None:
        return None
    journey = Journey.model_validate(json.loads(row["content"]))
    return save_journey(
        db,
        journey,
        source=row["source"],
        author=author,
        note=note if note is not None else f"Återställd från revision {number}",
        now=now,
        expected_revision=expected_revision,
    )


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
