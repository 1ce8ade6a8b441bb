"""Interface strings of the toolkit in Swedish (first) and English.

Journey content is never translated here: it lives in the journey file. These are the
words of the tool itself (command line now, the apps later).
"""

from __future__ import annotations

from typing import Any

from toolkit.settings import Lang

STRINGS: dict[str, tuple[str, str]] = {
    "validate.summary": (
        "{file}: {errors} fel, {warnings} varningar",
        "{file}: {errors} errors, {warnings} warnings",
    ),
    "validate.ok": ("{file}: inga fel", "{file}: no errors"),
    "validate.total_fail": (
        "{failed} av {total} filer har fel som måste rättas.",
        "{failed} of {total} files have errors that must be fixed.",
    ),
    "import.done": (
        "Importerade {id} ({title}), revision {revision}.",
        "Imported {id} ({title}), revision {revision}.",
    ),
    "import.unchanged": (
        "{id} är oförändrad (revision {revision}); inget nytt sparades.",
        "{id} is unchanged (revision {revision}); nothing new was saved.",
    ),
    "import.refused": (
        "{file} importerades inte: rätta felen ovan och försök igen. Inget sparades.",
        "{file} was not imported: fix the errors above and try again. Nothing was saved.",
    ),
    "list.empty": (
        "Inga resor ännu. Importera en med: medskapa journey import FIL.yaml",
        "No journeys yet. Import one with: medskapa journey import FILE.yaml",
    ),
    "list.title": ("Resor i {db}", "Journeys in {db}"),
    "col.id": ("Id", "Id"),
    "col.title": ("Titel", "Title"),
    "col.organisation": ("Organisation", "Organisation"),
    "col.steps": ("Steg", "Steps"),
    "col.revisions": ("Revisioner", "Revisions"),
    "col.updated": ("Ändrad", "Changed"),
    "col.screens": ("Skärmar", "Screens"),
    "col.decisions": ("Beslut", "Decisions"),
    "col.offline": ("Offline", "Offline"),
    "col.branches": ("Vägval", "Branches"),
    "col.errors": ("Fel", "Errors"),
    "col.warnings": ("Varningar", "Warnings"),
    "col.lix": ("Högsta LIX", "Highest LIX"),
    "export.unknown": (
        "Det finns ingen resa '{id}' i {db}.{hint} Se vilka som finns med: medskapa journey list",
        "There is no journey '{id}' in {db}.{hint} See which exist with: medskapa journey list",
    ),
    "export.written": ("Skrev {path}", "Wrote {path}"),
    "schema.written": ("Skrev JSON Schema till {path}", "Wrote the JSON Schema to {path}"),
    "demo.title": ("Exempelresor", "Example journeys"),
    "demo.loading": (
        "Läser in exempelresorna i {db} …",
        "Loading the example journeys into {db} …",
    ),
    "demo.next": (
        "Prova: medskapa journey export {id} --format mermaid   ·   medskapa journey list",
        "Try: medskapa journey export {id} --format mermaid   ·   medskapa journey list",
    ),
    "demo.failed": (
        "Exempelresorna har fel; demon stannar här.",
        "The example journeys have errors; the demo stops here.",
    ),
    "error.no_files": ("Ange minst en fil.", "Give at least one file."),
    "error.unexpected": (
        "Något gick fel: {error}. Kör igen med --verbose för detaljer.",
        "Something went wrong: {error}. Run again with --verbose for details.",
    ),
    "hint.did_you_mean": (" Menade du '{name}'?", " Did you mean '{name}'?"),
}


def t(key: str, lang: Lang = "sv", /, **values: Any) -> str:
    """The string for ``key`` in ``lang`` with ``values`` filled in."""
    sv, en = STRINGS[key]
    return (sv if lang == "sv" else en).format(**values)
