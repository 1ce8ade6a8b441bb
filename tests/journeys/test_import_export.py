"""Reuse between organisations: export a journey, import it elsewhere with its licence and
origin, and get the same journey back; a journey edited in the browser (the editing
operations) exports to clean, readable YAML."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.db import Database as SqliteDatabase

from journeys import (
    Journey,
    add_branch,
    add_field,
    add_step,
    condition_equals,
    content_hash,
    copy_step_from,
    journey_dict,
    mark_origin,
    new_journey,
    read_file,
    read_text,
    rename_step,
    save,
    set_next,
    to_yaml,
    update_field,
    update_journey,
    update_step,
    validate_text,
)
from journeys import store as journey_store

EXAMPLES = Path(__file__).resolve().parents[2] / "journeys" / "examples"
NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def db() -> Database:
    database = SqliteDatabase(memory=True)
    journey_store.apply_migrations(database)
    return database


def example(name: str) -> tuple[Journey, str]:
    path = EXAMPLES / f"{name}.yaml"
    journey = read_file(path).journey
    assert journey is not None
    return journey, path.read_text(encoding="utf-8")


def export_yaml(db: Database, journey_id: str) -> str:
    """What the designer app's YAML export gives: the stored text, or clean YAML."""
    text = journey_store.get_source(db, journey_id) or ""
    if not text or text.lstrip().startswith("{"):
        journey = journey_store.get_journey(db, journey_id)
        assert journey is not None
        text = to_yaml(journey)
    return text


def browser_edits(journey: Journey) -> Journey:
    """What a designer does in the editor: rename, add a step with questions and a branch,
    change a hint and remove it again, add a decision rule, set the licence."""
    edited = rename_step(journey, "ska-du-kora", "Kör du bilen själv?")
    edited = add_step(edited, "screen", "Dina uppgifter", after="start")
    edited = add_field(edited, "dina-uppgifter", "email", "Din e-postadress")
    edited = add_field(edited, "dina-uppgifter", "radios", "Hur vill du bli kontaktad?")
    edited = update_field(edited, "dina-uppgifter", "din-e-postadress", hint="Vi skickar beslut")
    edited = update_field(edited, "dina-uppgifter", "din-e-postadress", hint=None)
    edited = update_step(edited, "dina-uppgifter", body=None)
    edited = set_next(edited, "dina-uppgifter", "ska-du-kora")
    edited = add_branch(
        edited,
        "dina-uppgifter",
        condition_equals("hur-vill-du-bli-kontaktad", "Alternativ 1"),
        "passagerare",
    )
    return update_journey(edited, licence="CC0-1.0", description=None)


@pytest.mark.parametrize("name", ["parkeringstillstand", "ekonomiskt-bistand", "trygghetslarm"])
def test_export_and_reimport_gives_the_same_journey(db: Database, name: str) -> None:
    journey, text = example(name)
    journey_store.import_journey(db, journey, source=text, author="a", now=NOW)
    exported = export_yaml(db, journey.id)
    again = read_text(exported).journey
    assert again is not None
    assert content_hash(again) == content_hash(journey)
    # re-importing it changes nothing: no new revision
    revision = journey_store.import_journey(db, again, source=exported, author="b", now=NOW)
    assert revision.number == 1


def test_a_journey_from_another_kommun_keeps_its_licence_and_says_where_it_came_from(
    db: Database,
) -> None:
    journey, text = example("trygghetslarm")
    theirs = update_journey(journey, licence="CC-BY-SA-4.0")
    revision = journey_store.import_journey(
        db, theirs, organisation="Medskapa kommun", source=text.replace(
            "licence: CC-BY-4.0", "licence: CC-BY-SA-4.0"
        ), author="a", now=NOW,
    )  # fmt: skip
    stored = journey_store.get_journey(db, journey.id)
    assert stored is not None
    assert stored.organisation == "Medskapa kommun"
    assert stored.licence == "CC-BY-SA-4.0"
    assert stored.origin == f"{journey.organisation}: {journey.title} ({journey.id})"
    assert revision.number == 1
    # the exported file says so too, with the original comments kept
    exported = export_yaml(db, journey.id)
    assert "licence: CC-BY-SA-4.0" in exported
    assert "origin:" in exported
    assert text.splitlines()[0] in exported  # the file's first comment is still there
    # and importing that file again somewhere else keeps the first origin
    again = read_text(exported).journey
    assert again is not None
    third = journey_store.import_journey(
        db, again, organisation="Tredje kommun", source=exported, author="c", now=NOW
    )
    stored = journey_store.get_journey(db, journey.id)
    assert stored is not None and third.number == 2
    assert stored.origin == f"{journey.organisation}: {journey.title} ({journey.id})"
    assert stored.licence == "CC-BY-SA-4.0"


def test_our_own_journey_is_imported_as_it_is(db: Database) -> None:
    journey, text = example("parkeringstillstand")
    journey_store.import_journey(
        db, journey, organisation=journey.organisation, source=text, author="a", now=NOW
    )
    stored = journey_store.get_journey(db, journey.id)
    assert stored is not None and stored.origin is None
    assert journey_store.get_source(db, journey.id) == text


def test_a_journey_edited_in_the_browser_exports_to_clean_readable_yaml(db: Database) -> None:
    journey, _ = example("parkeringstillstand")
    edited = browser_edits(journey)
    journey_store.save_journey(db, edited, author="a", now=NOW)
    exported = export_yaml(db, journey.id)
    assert "null" not in exported
    assert not re.search(r":\s*\[\]\s*$", exported, flags=re.M), "an empty list was written"
    assert not re.search(r":\s*\{\}\s*$", exported, flags=re.M), "an empty mapping was written"
    assert "hint:" not in exported.split("id: dina-uppgifter", 1)[1].split("- id: ska-du", 1)[0]
    # keys in the order people write them: id, kind, title first in every step
    for block in re.findall(r"^  - id: .*\n(?:    .*\n)+", exported, flags=re.M):
        keys = re.findall(r"^    (\w+):", block, flags=re.M)
        if "kind" in keys:
            assert keys[:2] == ["kind", "title"] or keys[0] == "kind", block
    # the same text each time: stable order
    assert export_yaml(db, journey.id) == exported == to_yaml(edited)
    # it validates and reads back as the same journey
    report = validate_text(exported, file="export.yaml")
    assert report.journey is not None
    assert content_hash(report.journey) == content_hash(edited)


def test_a_new_journey_from_the_standard_template_exports_cleanly(db: Database) -> None:
    journey = new_journey("ny-tjanst", "Ansök om något", organisation="Exempelkommun")
    journey_store.save_journey(db, journey, author="a", now=NOW)
    exported = export_yaml(db, journey.id)
    assert "null" not in exported and "[]" not in exported
    again = read_text(exported).journey
    assert again is not None and journey_dict(again) == journey_dict(journey)


def test_a_copied_step_keeps_the_journey_clean_and_reimportable(db: Database) -> None:
    parkering, _ = example("parkeringstillstand")
    larm, _ = example("trygghetslarm")
    copied, report = copy_step_from(larm, larm.steps[1].id, parkering, after="start")
    assert report.step_id in {s.id for s in copied.steps}
    copied = mark_origin(copied, "Steg från trygghetslarm")
    journey_store.save_journey(db, copied, author="a", now=NOW)
    exported = export_yaml(db, parkering.id)
    assert "null" not in exported
    again = read_text(exported).journey
    assert again is not None and content_hash(again) == content_hash(copied)


def test_browser_edits_merged_into_the_original_file_stay_clean(db: Database) -> None:
    journey, text = example("parkeringstillstand")
    journey_store.save_journey(db, journey, source=text, author="a", now=NOW)
    edited = browser_edits(journey)
    merged = save(read_text(text), edited)
    journey_store.save_journey(db, edited, source=merged, author="b", now=NOW)
    exported = export_yaml(db, journey.id)
    assert exported == merged
    assert "null" not in exported
    assert not re.search(r":\s*\[\]\s*$", exported, flags=re.M), "an empty list was written"
    assert text.splitlines()[0] in exported  # the file's comments are kept
    again = read_text(exported).journey
    assert again is not None and content_hash(again) == content_hash(edited)
