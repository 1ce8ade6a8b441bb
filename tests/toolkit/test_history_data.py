"""The data behind the revisions page: who saved what when, two revisions compared in words,
and a restore that shows up as a new revision."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import (
    add_field,
    add_step,
    delete_step,
    read_file,
    rename_step,
    restore_revision,
    update_field,
    update_journey,
)
from journeys import store as journey_store
from toolkit.app.historydata import (
    change_summary,
    compare,
    history,
    local_time,
    parse_number,
)
from toolkit.db import open_db

EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
JOURNEY = "parkeringstillstand"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """Four revisions: the example; a step renamed and a question added; a step deleted and a
    new one added; the licence changed."""
    database = open_db(tmp_path / "history.db")
    journey = read_file(EXAMPLE).journey
    assert journey is not None
    journey_store.save_journey(database, journey, author="anna@kommun.se", now=NOW)
    second = rename_step(journey, "korkort", "Har du körkort?")
    second = add_field(second, "korkort", "yesno", "Har du haft körkort länge?")
    journey_store.save_journey(
        database, second, author="bo@kommun.se", now=NOW + dt.timedelta(hours=1), note="Kortare"
    )
    third, _ = delete_step(second, "utan-korkort")
    third = add_step(third, "screen", "Kontakta oss", connect=False)
    journey_store.save_journey(
        database, third, author="anna@kommun.se", now=NOW + dt.timedelta(hours=2)
    )
    fourth = update_journey(third, licence="CC0-1.0")
    journey_store.save_journey(
        database, fourth, author="anna@kommun.se", now=NOW + dt.timedelta(hours=3)
    )
    return database


def test_every_revision_is_listed_newest_first_with_who_and_when(db: Database) -> None:
    rows = history(db, JOURNEY)
    assert [r.number for r in rows] == [4, 3, 2, 1]
    assert [r.author for r in rows] == [
        "anna@kommun.se",
        "anna@kommun.se",
        "bo@kommun.se",
        "anna@kommun.se",
    ]
    assert rows[0].current and not any(r.current for r in rows[1:])
    assert rows[2].note == "Kortare"
    assert rows[3].created == "2025-11-03 10:00"  # Swedish time (UTC+1 in November)


def test_each_row_says_what_changed_since_the_one_before(db: Database) -> None:
    rows = {r.number: r.summary for r in history(db, JOURNEY)}
    assert rows[1] == "Första revisionen"
    assert rows[2] == "1 steg ändrat"
    assert rows[3] == "1 steg tillagt, 1 steg borttaget, 1 steg ändrat"
    assert rows[4] == "licens"
    english = {r.number: r.summary_en for r in history(db, JOURNEY)}
    assert english[3] == "1 step added, 1 step removed, 1 step changed"


def test_an_unknown_journey_has_no_history(db: Database) -> None:
    assert history(db, "finns-inte") == []
    assert compare(db, "finns-inte", 1, 2) is None
    assert compare(db, JOURNEY, 1, 99) is None


def test_a_comparison_names_the_steps_and_what_changed_inside_them(db: Database) -> None:
    view = compare(db, JOURNEY, 1, 3)
    assert view is not None
    assert not view.same
    assert [(s.id, s.title) for s in view.added] == [("kontakta-oss", "Kontakta oss")]
    assert [s.id for s in view.removed] == ["utan-korkort"]
    assert view.removed[0].title == "Du behöver körkort för att söka som förare"
    changed = {s.id: s.details for s in view.changed}
    assert "korkort" in changed
    details = changed["korkort"]
    assert "Rubrik: ”Har du ett körkort som gäller?” → ”Har du körkort?”" in details
    assert "Ny fråga: ”Har du haft körkort länge?”" in details
    # the step that led to the deleted one now leads elsewhere
    assert any("Vägar vidare ändrad" in d for d in details)


def test_a_changed_question_says_which_part_changed(db: Database) -> None:
    journey = journey_store.get_journey(db, JOURNEY)
    assert journey is not None
    changed = update_field(journey, "ska-du-kora", "forare", hint="Du som kör själv")
    journey_store.save_journey(db, changed, author="bo@kommun.se", now=NOW + dt.timedelta(1))
    view = compare(db, JOURNEY, 4, 5)
    assert view is not None
    assert [(s.id, s.details, s.details_en) for s in view.changed] == [
        (
            "ska-du-kora",
            ["Frågan ”Ska du själv köra bilen?”: hjälptext"],
            ["Question ”Ska du själv köra bilen?”: hint"],
        )
    ]


def test_other_parts_of_the_journey_and_the_yaml_lines(db: Database) -> None:
    view = compare(db, JOURNEY, 3, 4)
    assert view is not None
    assert view.other == ["Licens"] and view.other_en == ["Licence"]
    assert view.added == view.removed == view.changed == []
    kinds = {line.kind for line in view.lines}
    assert {"file", "hunk", "add", "remove"} <= kinds
    assert any(line.kind == "add" and "CC0-1.0" in line.text for line in view.lines)
    assert any(line.kind == "remove" and "CC-BY-4.0" in line.text for line in view.lines)
    # YAML as a detail: no nulls, no empty lists
    assert not any("null" in line.text or "[]" in line.text for line in view.lines)


def test_a_revision_against_itself_is_the_same(db: Database) -> None:
    view = compare(db, JOURNEY, 2, 2)
    assert view is not None and view.same and view.lines == []


def test_a_restore_is_a_new_revision_with_the_old_content(db: Database) -> None:
    restored = restore_revision(db, JOURNEY, 1, author="bo@kommun.se", now=NOW + dt.timedelta(1))
    assert restored is not None and restored.number == 5
    rows = history(db, JOURNEY)
    assert rows[0].number == 5 and rows[0].current
    assert rows[0].note == "Återställd från revision 1"
    view = compare(db, JOURNEY, 1, 5)
    assert view is not None and view.same


def test_a_summary_of_no_change_and_of_a_new_order() -> None:
    assert change_summary(None, "en") == "First revision"


def test_times_are_shown_in_swedish_time() -> None:
    assert local_time(dt.datetime(2025, 7, 1, 10, 0, tzinfo=dt.UTC)) == "2025-07-01 12:00"
    assert local_time(dt.datetime(2025, 1, 1, 10, 0)) == "2025-01-01 11:00"


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3", 3), (" 12 ", 12), ("", None), ("x", None), ("-1", None), ("1" * 12, None), (None, None)],
)
def test_revision_numbers_from_forms_and_addresses(raw: str | None, number: int | None) -> None:
    assert parse_number(raw) == number
