"""Published prototype versions: immutable, numbered snapshots of a journey.

A designer publishes the journey's current draft (from :mod:`journeys.store`) with a note
("v3: kortare formulär"). Citizens always test a version and results are always per version,
so a version never changes: the database refuses any UPDATE (see :mod:`prototypes.store`).
Publishing a journey with validation errors, or one that has not changed since its latest
version, is refused with a message that says why.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlite_utils import Database

from journeys import Finding, Journey, Severity, check_journey, journey_dict
from journeys import store as journey_store
from prototypes.store import rows, to_row

Lang = Literal["sv", "en"]

MAX_ERRORS_IN_MESSAGE = 10
"""A refused publish lists at most this many errors in its message (all are in ``findings``)."""


class PublishError(Exception):
    """The journey cannot be published: it does not exist or has validation errors."""

    def __init__(self, message: str, *, journey_id: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.message = message
        self.journey_id = journey_id
        self.findings = findings


class NothingToPublish(Exception):
    """The journey's content is the same as in its latest version."""

    def __init__(self, latest: Version) -> None:
        super().__init__(f"Inget har ändrats sedan version {latest.number}")
        self.latest = latest


class VersionNotFound(LookupError):
    """No version has this id."""

    def __init__(self, version_id: str, suggestion: str | None = None) -> None:
        hint = f" Menade du '{suggestion}'?" if suggestion else ""
        super().__init__(f"Det finns ingen version '{version_id}'.{hint}")
        self.version_id = version_id
        self.suggestion = suggestion


class Version(BaseModel):
    """A published, immutable snapshot of a journey."""

    id: str = Field(description="'<journey id>-v<number>', e.g. 'parkeringstillstand-v3'.")
    journey_id: str
    number: int = Field(ge=1)
    revision: int | None = Field(
        default=None, description="The journey revision that was published."
    )
    note: str = ""
    content_hash: str = Field(description="SHA-256 of the journey's canonical JSON.")
    journey_json: str = Field(description="The journey as canonical JSON.")
    title: str
    created_at: dt.datetime
    author: str

    def journey(self) -> Journey:
        """The journey as it was published."""
        return Journey.model_validate(json.loads(self.journey_json))


_JOURNEYS: dict[tuple[str, dt.datetime], Journey] = {}
_JOURNEY_CACHE_SIZE = 64


def published_journey(version: Version) -> Journey:
    """The journey of a version, parsed once per process and shared: treat it as read-only.
    A published version never changes; its creation time tells it apart from a later
    version with the same id (a journey deleted and made again)."""
    key = (version.id, version.created_at)
    journey = _JOURNEYS.get(key)
    if journey is None:
        journey = version.journey()
        if len(_JOURNEYS) >= _JOURNEY_CACHE_SIZE:
            _JOURNEYS.pop(next(iter(_JOURNEYS)))
        _JOURNEYS[key] = journey
    return journey


def version_id(journey_id: str, number: int) -> str:
    """The id of a journey's version ``number``: ``parkeringstillstand-v3``."""
    return f"{journey_id}-v{number}"


def _canonical(journey: Journey) -> str:
    """The same canonical JSON that :func:`journeys.store.content_hash` hashes."""
    return json.dumps(
        journey_dict(journey), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def publish_version(
    db: Database, journey_id: str, *, note: str, author: str, now: dt.datetime
) -> Version:
    """Publish the journey's current draft as its next numbered version.

    Raises :class:`PublishError` when there is no such journey or it has validation errors
    (warnings are allowed), and :class:`NothingToPublish` when its content equals the
    latest version's.
    """

    def work() -> Version:
        journey = journey_store.get_journey(db, journey_id)
        if journey is None:
            raise PublishError(
                _no_journey_message(db, journey_id), journey_id=journey_id, findings=[]
            )
        findings = check_journey(journey, file=journey_id, today=now.date())
        errors = [f for f in findings if f.severity == Severity.error]
        if errors:
            raise PublishError(
                _errors_message(journey_id, errors), journey_id=journey_id, findings=errors
            )
        digest = journey_store.content_hash(journey)
        latest = latest_version(db, journey_id)
        if latest is not None and latest.content_hash == digest:
            raise NothingToPublish(latest)
        revisions = journey_store.list_revisions(db, journey_id)
        number = (latest.number if latest else 0) + 1
        version = Version(
            id=version_id(journey_id, number),
            journey_id=journey_id,
            number=number,
            revision=revisions[-1].number if revisions else None,
            note=note.strip(),
            content_hash=digest,
            journey_json=_canonical(journey),
            title=journey.title,
            created_at=now,
            author=author,
        )
        db.table("prototype_versions").insert(to_row(version))
        return version

    return journey_store.write(db, work)


def _no_journey_message(db: Database, journey_id: str) -> str:
    known = [j.id for j in journey_store.list_journeys(db)]
    close = difflib.get_close_matches(journey_id, known, n=1, cutoff=0.6)
    hint = f" Menade du '{close[0]}'?" if close else ""
    return f"Det finns ingen resa '{journey_id}'.{hint}"


def _errors_message(journey_id: str, errors: list[Finding]) -> str:
    count = "1 fel" if len(errors) == 1 else f"{len(errors)} fel"
    lines = [
        f"Resan '{journey_id}' har {count} och kan inte publiceras. Rätta felen och publicera igen:"
    ]
    lines += [f"  {f.format('sv')}" for f in errors[:MAX_ERRORS_IN_MESSAGE]]
    if len(errors) > MAX_ERRORS_IN_MESSAGE:
        lines.append(f"  … och {len(errors) - MAX_ERRORS_IN_MESSAGE} fel till")
    return "\n".join(lines)


_VERSION_COLUMNS = (
    "id, journey_id, number, revision, note, content_hash, journey_json, title, created_at, author"
)


def get_version(db: Database, version_id: str) -> Version | None:
    """The version with this id, or None."""
    found = rows(
        db, f"select {_VERSION_COLUMNS} from prototype_versions where id = ?", [version_id]
    )
    return Version.model_validate(found[0]) if found else None


def list_versions(db: Database, journey_id: str | None = None) -> list[Version]:
    """Every version (of one journey, when given), newest first."""
    if journey_id is None:
        found = rows(
            db,
            f"select {_VERSION_COLUMNS} from prototype_versions "
            "order by created_at desc, rowid desc",
        )
    else:
        found = rows(
            db,
            f"select {_VERSION_COLUMNS} from prototype_versions where journey_id = ? "
            "order by number desc",
            [journey_id],
        )
    return [Version.model_validate(row) for row in found]


def latest_version(db: Database, journey_id: str) -> Version | None:
    """The journey's newest version, or None when it has never been published."""
    found = rows(
        db,
        f"select {_VERSION_COLUMNS} from prototype_versions where journey_id = ? "
        "order by number desc limit 1",
        [journey_id],
    )
    return Version.model_validate(found[0]) if found else None


def delete_versions_of_journey(db: Database, journey_id: str) -> int:
    """Delete every version of a journey and their share links. Returns how many versions.

    The only way a published version goes away: for purging a project or deleting a journey
    on purpose. Whatever refers to the share links (test sessions) must be deleted first.
    """
    with db.atomic():
        db.execute(
            "delete from share_links where version_id in "
            "(select id from prototype_versions where journey_id = ?)",
            [journey_id],
        )
        cursor = db.execute("delete from prototype_versions where journey_id = ?", [journey_id])
        return cursor.rowcount


# --- differences ----------------------------------------------------------------------------


class VersionDiff(BaseModel):
    """What changed between two journeys, step by step (steps are matched by id)."""

    from_version: str | None = Field(default=None, description="The older version's id.")
    to_version: str | None = Field(default=None, description="The newer version's id.")
    added: list[str] = Field(default_factory=list, description="Step ids only in the new one.")
    removed: list[str] = Field(default_factory=list, description="Step ids only in the old one.")
    changed: list[str] = Field(
        default_factory=list, description="Step ids in both, with different content."
    )
    reordered: bool = Field(default=False, description="Steps in both come in another order.")
    other_changes: list[str] = Field(
        default_factory=list,
        description="Top-level journey keys (not steps) that changed: title, phases, ...",
    )

    @property
    def has_changes(self) -> bool:
        """True when anything at all differs."""
        return bool(
            self.added or self.removed or self.changed or self.reordered or self.other_changes
        )

    def summary(self, lang: Lang = "sv") -> str:
        """One line for people: ``2 steg tillagda, 1 borttaget, 3 ändrade``."""
        sv = lang == "sv"
        if not self.has_changes:
            return "Inga ändringar" if sv else "No changes"
        words = _SV_WORDS if sv else _EN_WORDS
        parts = []
        for count, (one, many) in zip(
            (len(self.added), len(self.removed), len(self.changed)), words, strict=True
        ):
            if count:
                noun = ""
                if not parts:  # the first part names the steps: "2 steg tillagda, 1 borttaget"
                    noun = "steg " if sv else ("step " if count == 1 else "steps ")
                parts.append(f"{count} {noun}{one if count == 1 else many}")
        text = ", ".join(parts) or ("Inga ändrade steg" if sv else "No steps changed")
        extras = []
        if self.reordered:
            extras.append("stegens ordning ändrad" if sv else "steps reordered")
        if self.other_changes:
            label = "ändrat i övrigt" if sv else "other changes"
            extras.append(f"{label}: {', '.join(self.other_changes)}")
        return "; ".join([text, *extras])


_SV_WORDS = (("tillagt", "tillagda"), ("borttaget", "borttagna"), ("ändrat", "ändrade"))
_EN_WORDS = (("added", "added"), ("removed", "removed"), ("changed", "changed"))


def _step_content(step: Any) -> dict[str, Any]:
    # Full dumps, defaults included: writing a default out explicitly is not a change.
    return step.model_dump(mode="json", by_alias=True)


def diff_journeys(old: Journey | None, new: Journey) -> VersionDiff:
    """Steps added, removed and changed from ``old`` to ``new`` (None: everything is added)."""
    if old is None:
        return VersionDiff(added=[s.id for s in new.steps])
    old_steps = {s.id: s for s in old.steps}
    new_steps = {s.id: s for s in new.steps}
    added = [s.id for s in new.steps if s.id not in old_steps]
    removed = [s.id for s in old.steps if s.id not in new_steps]
    changed = [
        s.id
        for s in new.steps
        if s.id in old_steps and _step_content(s) != _step_content(old_steps[s.id])
    ]
    common_old = [s.id for s in old.steps if s.id in new_steps]
    common_new = [s.id for s in new.steps if s.id in old_steps]
    old_rest = old.model_dump(mode="json", by_alias=True, exclude={"steps"})
    new_rest = new.model_dump(mode="json", by_alias=True, exclude={"steps"})
    other = [key for key in new_rest if old_rest.get(key) != new_rest[key]]
    return VersionDiff(
        added=added,
        removed=removed,
        changed=changed,
        reordered=common_old != common_new,
        other_changes=other,
    )


def previous_version(db: Database, version: Version) -> Version | None:
    """The version of the same journey published just before ``version``, or None."""
    found = rows(
        db,
        f"select {_VERSION_COLUMNS} from prototype_versions "
        "where journey_id = ? and number < ? order by number desc limit 1",
        [version.journey_id, version.number],
    )
    return Version.model_validate(found[0]) if found else None


def version_diff(db: Database, version_id: str) -> VersionDiff:
    """What this version changed since the previous one (the first: every step added).

    Raises :class:`VersionNotFound` for an unknown id.
    """
    version = get_version(db, version_id)
    if version is None:
        known = [r["id"] for r in rows(db, "select id from prototype_versions")]
        close = difflib.get_close_matches(version_id, known, n=1, cutoff=0.6)
        raise VersionNotFound(version_id, close[0] if close else None)
    before = previous_version(db, version)
    diff = diff_journeys(before.journey() if before else None, version.journey())
    diff.from_version = before.id if before else None
    diff.to_version = version.id
    return diff
