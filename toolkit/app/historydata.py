"""Plain data for a journey's revision history, built from the store (no Reflex here).

Like :mod:`toolkit.app.mapdata`: the history page takes these dataclasses, not State. Each
revision is a row with who saved it, when and what changed since the one before; two
revisions compare as steps added, removed and changed (with the questions, rules and ways
on inside each changed step in words), other parts of the journey that differ, and the YAML
line diff as a detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlite_utils import Database

from journeys import Journey, Revision, RevisionDiff, journey_dict
from journeys import store as journey_store
from toolkit import settings

Lang = Literal["sv", "en"]

STEP_PARTS: dict[str, tuple[str, str]] = {
    "title": ("rubrik", "title"),
    "body": ("text", "text"),
    "kind": ("typ av steg", "kind of step"),
    "pattern": ("mönster", "pattern"),
    "phase": ("fas", "phase"),
    "actor": ("aktör", "actor"),
    "receiver": ("mottagare", "receiver"),
    "channel": ("kanal", "channel"),
    "button": ("knapptext", "button text"),
    "next": ("vägar vidare", "ways on"),
    "rules": ("beslutsregler", "decision rules"),
    "duration": ("tid", "duration"),
    "manual": ("manuellt beslut", "manual decision"),
}
FIELD_PARTS: dict[str, tuple[str, str]] = {
    "label": ("etikett", "label"),
    "hint": ("hjälptext", "hint"),
    "type": ("typ", "type"),
    "options": ("alternativ", "options"),
    "rules": ("regler", "rules"),
    "required": ("obligatorisk", "required"),
    "message": ("felmeddelande", "error message"),
}
JOURNEY_PARTS: dict[str, tuple[str, str]] = {
    "title": ("resans namn", "the journey's title"),
    "organisation": ("organisation", "organisation"),
    "service_area": ("verksamhetsområde", "service area"),
    "language": ("språk", "language"),
    "description": ("beskrivning", "description"),
    "tags": ("taggar", "tags"),
    "licence": ("licens", "licence"),
    "origin": ("ursprung", "origin"),
    "lix_target": ("LIX-mål", "LIX target"),
    "phases": ("faser", "phases"),
    "actors": ("aktörer", "actors"),
    "start": ("första steget", "first step"),
}


@dataclass
class RevisionRow:
    """One saved revision: who, when, the note and what changed since the one before."""

    number: int = 0
    author: str = ""
    created: str = ""
    note: str = ""
    summary: str = ""
    summary_en: str = ""
    current: bool = False


@dataclass
class StepChange:
    """A step in the comparison: its id, title and (for a changed step) what differs."""

    id: str = ""
    title: str = ""
    details: list[str] = field(default_factory=list)
    details_en: list[str] = field(default_factory=list)


@dataclass
class DiffLine:
    """One line of the YAML diff: ``add``, ``remove``, ``hunk``, ``file`` or ``same``."""

    kind: str = "same"
    text: str = ""


@dataclass
class DiffView:
    """Two revisions compared, readably."""

    a: int = 0
    b: int = 0
    same: bool = True
    added: list[StepChange] = field(default_factory=list)
    removed: list[StepChange] = field(default_factory=list)
    changed: list[StepChange] = field(default_factory=list)
    reordered: bool = False
    other: list[str] = field(default_factory=list)
    other_en: list[str] = field(default_factory=list)
    lines: list[DiffLine] = field(default_factory=list)


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "en" else pair[0]


def local_time(when: dt.datetime) -> str:
    """``2025-11-03 10:00`` in Swedish time (the one helper: toolkit.settings.local_time)."""
    return settings.local_time(when)


def change_summary(diff: RevisionDiff | None, lang: Lang = "sv") -> str:
    """What changed in a few words: ``2 steg tillagda, 1 steg ändrat, licens``."""
    if diff is None:
        return "First revision" if lang == "en" else "Första revisionen"
    if diff.same:
        return "No change in content" if lang == "en" else "Inget ändrat innehåll"
    parts: list[str] = []
    for n, sv_one, sv_many, en_word in (
        (len(diff.added), "steg tillagt", "steg tillagda", "added"),
        (len(diff.removed), "steg borttaget", "steg borttagna", "removed"),
        (len(diff.changed), "steg ändrat", "steg ändrade", "changed"),
    ):
        if not n:
            continue
        if lang == "en":
            parts.append(f"{n} {'step' if n == 1 else 'steps'} {en_word}")
        else:
            parts.append(f"{n} {sv_one if n == 1 else sv_many}")
    if diff.reordered:
        parts.append("new order of steps" if lang == "en" else "ny ordning på stegen")
    parts += [_pick(JOURNEY_PARTS.get(k, (k, k)), lang) for k in diff.details]
    return ", ".join(parts)


def revision_rows(
    revisions: Sequence[Revision],
    diffs: Mapping[int, RevisionDiff | None],
    *,
    current: int,
) -> list[RevisionRow]:
    """The revisions newest first; ``diffs[n]`` is the diff from n-1 to n (None for 1).
    Words in Swedish and English, so the page follows the language toggle at once."""
    rows = [
        RevisionRow(
            number=r.number,
            author=r.author,
            created=local_time(r.created_at),
            note=r.note or "",
            summary=change_summary(diffs.get(r.number), "sv"),
            summary_en=change_summary(diffs.get(r.number), "en"),
            current=r.number == current,
        )
        for r in revisions
    ]
    return sorted(rows, key=lambda row: row.number, reverse=True)


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in items or [] if isinstance(i, dict) and "id" in i}


def _quoted(text: str) -> str:
    return f"”{text}”"


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any], lang: Lang) -> list[str]:
    """The questions of a screen that were added, removed or changed, in words."""
    en = lang == "en"
    before, after = _by_id(old.get("fields")), _by_id(new.get("fields"))
    out: list[str] = []
    for fid, f in after.items():
        if fid not in before:
            label = _quoted(str(f.get("label", fid)))
            out.append(f"Question added: {label}" if en else f"Ny fråga: {label}")
    for fid, f in before.items():
        if fid not in after:
            label = _quoted(str(f.get("label", fid)))
            out.append(f"Question removed: {label}" if en else f"Borttagen fråga: {label}")
    for fid, f in after.items():
        if fid in before and before[fid] != f:
            keys = [k for k in dict.fromkeys([*before[fid], *f]) if before[fid].get(k) != f.get(k)]
            what = ", ".join(_pick(FIELD_PARTS.get(k, (k, k)), lang) for k in keys)
            label = _quoted(str(f.get("label", fid)))
            out.append(f"Question {label}: {what}" if en else f"Frågan {label}: {what}")
    same_ids = [i for i in before if i in after]
    if same_ids != [i for i in after if i in before]:
        out.append("Questions in a new order" if en else "Frågorna i ny ordning")
    return out


def step_changes(old: Mapping[str, Any], new: Mapping[str, Any], lang: Lang) -> list[str]:
    """What differs in one step between two revisions, in words."""
    out: list[str] = []
    keys = [k for k in dict.fromkeys([*old, *new]) if k not in ("id", "fields")]
    for key in keys:
        if old.get(key) == new.get(key):
            continue
        part = _pick(STEP_PARTS.get(key, (key, key)), lang)
        if key == "title":
            out.append(
                f"{part.capitalize()}: {_quoted(str(old.get(key, '')))} → "
                f"{_quoted(str(new.get(key, '')))}"
            )
        else:
            out.append(f"{part.capitalize()} {'changed' if lang == 'en' else 'ändrad'}")
    return out + field_changes(old, new, lang)


def _diff_lines(text: str) -> list[DiffLine]:
    lines = []
    for raw in text.splitlines():
        if raw.startswith(("+++", "---")):
            kind = "file"
        elif raw.startswith("@@"):
            kind = "hunk"
        elif raw.startswith("+"):
            kind = "add"
        elif raw.startswith("-"):
            kind = "remove"
        else:
            kind = "same"
        lines.append(DiffLine(kind=kind, text=raw))
    return lines


def diff_view(diff: RevisionDiff, old: Journey, new: Journey) -> DiffView:
    """Revision ``diff.a`` against ``diff.b``: steps by id, other parts (in Swedish and
    English), YAML lines."""
    old_steps = {s["id"]: s for s in journey_dict(old)["steps"]}
    new_steps = {s["id"]: s for s in journey_dict(new)["steps"]}
    return DiffView(
        a=diff.a,
        b=diff.b,
        same=diff.same,
        added=[StepChange(id=i, title=str(new_steps[i].get("title", ""))) for i in diff.added],
        removed=[StepChange(id=i, title=str(old_steps[i].get("title", ""))) for i in diff.removed],
        changed=[
            StepChange(
                id=i,
                title=str(new_steps[i].get("title", "")),
                details=step_changes(old_steps[i], new_steps[i], "sv"),
                details_en=step_changes(old_steps[i], new_steps[i], "en"),
            )
            for i in diff.changed
        ],
        reordered=diff.reordered,
        other=[_pick(JOURNEY_PARTS.get(k, (k, k)), "sv").capitalize() for k in diff.details],
        other_en=[_pick(JOURNEY_PARTS.get(k, (k, k)), "en").capitalize() for k in diff.details],
        lines=_diff_lines(diff.text),
    )


def parse_number(raw: Any) -> int | None:
    """A revision number from a form or a query (``"3"``), or None for anything else."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def history(db: Database, journey_id: str) -> list[RevisionRow]:
    """Every revision of a stored journey, newest first (empty for an unknown journey)."""
    revisions = journey_store.list_revisions(db, journey_id)
    if not revisions:
        return []
    current = max(r.number for r in revisions)
    row = db.execute("select current_revision from journeys where id = ?", [journey_id])
    found = row.fetchone()
    if found:
        current = int(found[0])
    diffs = {
        r.number: journey_store.revision_diff(db, journey_id, r.number - 1, r.number)
        if r.number > 1
        else None
        for r in revisions
    }
    return revision_rows(revisions, diffs, current=current)


def compare(db: Database, journey_id: str, a: int, b: int) -> DiffView | None:
    """Revision ``a`` against revision ``b`` of a stored journey; None when either is missing."""
    diff = journey_store.revision_diff(db, journey_id, a, b)
    old = journey_store.get_journey(db, journey_id, revision=a)
    new = journey_store.get_journey(db, journey_id, revision=b)
    if diff is None or old is None or new is None:
        return None
    return diff_view(diff, old, new)
