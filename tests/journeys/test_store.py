"""The store of journeys and revisions: what a designer sees when saving and listing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlite_utils import Database

from journeys.files import read_text, to_json
from journeys.model import Journey
from journeys.store import (
    MIGRATIONS,
    apply_migrations,
    content_hash,
    delete_journey,
    get_journey,
    get_revision,
    get_source,
    list_journeys,
    list_revisions,
    save_journey,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)
T2 = T0 + dt.timedelta(hours=2)

PARKERING = """\
# Parkeringstillstånd för rörelsehindrade
id: parkering
title: Ansök om parkeringstillstånd
organisation: Exempelkommun
steps:
  - id: start  # startsidan
    kind: screen
    title: Start
    next: klart
  - id: klart
    kind: screen
    title: Klart
"""

BYGGLOV = """\
id: bygglov
title: Ansök om bygglov
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
"""


def _journey(text: str) -> Journey:
    document = read_text(text)
    assert document.journey is not None, document.findings
    return document.journey


@pytest.fixture
def db() -> Database:
    database = Database(memory=True)
    database.execute("pragma foreign_keys = on")
    apply_migrations(database)
    return database


def test_migrations_can_run_again_without_harm(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)

    apply_migrations(db)
    apply_migrations(db)

    assert MIGRATIONS.pending(db) == []
    assert {"journeys", "journey_revisions"} <= set(db.table_names())
    assert get_journey(db, "parkering") == _journey(PARKERING)


def test_saving_the_same_content_twice_keeps_one_revision(db: Database) -> None:
    first = save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    again = save_journey(db, _journey(PARKERING), author="bo", note="igen", now=T1)

    assert first.number == again.number == 1
    assert again == first  # still Anna's revision, from T0
    assert [r.number for r in list_revisions(db, "parkering")] == [1]


def test_changed_content_makes_the_next_revision(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    changed = PARKERING.replace("title: Klart", "title: Klart, tack!")

    revision = save_journey(
        db, _journey(changed), source=changed, author="bo", note="v2: tydligare", now=T1
    )

    assert (revision.number, revision.author, revision.note) == (2, "bo", "v2: tydligare")
    assert revision.created_at == T1
    assert revision.content_hash == content_hash(_journey(changed))
    assert get_journey(db, "parkering") == _journey(changed)
    assert get_journey(db, "parkering", revision=1) == _journey(PARKERING)
    assert get_revision(db, "parkering", 1).author == "anna"  # type: ignore[union-attr]
    assert get_revision(db, "parkering", 3) is None


def test_source_is_kept_as_written_with_its_comments(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    changed = PARKERING.replace("title: Klart", "title: Tack")
    save_journey(db, _journey(changed), source=changed, author="anna", now=T1)

    assert get_source(db, "parkering") == changed
    assert get_source(db, "parkering", revision=1) == PARKERING
    assert "# startsidan" in (get_source(db, "parkering", revision=1) or "")
    assert get_source(db, "saknas") is None


def test_a_comment_only_edit_keeps_the_new_comments_without_a_new_revision(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    commented = "# Granskad av Bo\n" + PARKERING

    revision = save_journey(db, _journey(commented), source=commented, author="bo", now=T1)

    assert revision.number == 1
    assert get_source(db, "parkering") == commented


def test_a_journey_saved_without_source_gets_yaml_from_its_content(db: Database) -> None:
    save_journey(db, _journey(BYGGLOV), author="anna", now=T0)

    source = get_source(db, "bygglov")

    assert source is not None and _journey(source) == _journey(BYGGLOV)


def test_json_source_is_kept_as_json(db: Database) -> None:
    text = to_json(_journey(BYGGLOV))

    save_journey(db, _journey(text), source=text, author="anna", now=T0)

    assert get_source(db, "bygglov") == text
    assert db.table("journeys").get("bygglov")["source_format"] == "json"


def test_a_source_that_disagrees_with_the_journey_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="does not describe journey 'parkering'"):
        save_journey(db, _journey(PARKERING), source=BYGGLOV, author="anna", now=T0)

    assert get_journey(db, "parkering") is None


def test_list_shows_step_and_revision_counts(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    three_steps = PARKERING + "  - id: sist\n    kind: screen\n    title: Sist\n"
    save_journey(db, _journey(three_steps), source=three_steps, author="anna", now=T1)
    save_journey(db, _journey(BYGGLOV), source=BYGGLOV, author="bo", now=T2)

    summaries = list_journeys(db)

    assert [
        (s.id, s.title, s.organisation, s.step_count, s.revision_count, s.updated_at)
        for s in summaries
    ] == [
        ("bygglov", "Ansök om bygglov", "Exempelkommun", 1, 1, T2),
        ("parkering", "Ansök om parkeringstillstånd", "Exempelkommun", 3, 2, T1),
    ]


def test_delete_removes_the_journey_and_its_revisions(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    changed = PARKERING.replace("title: Klart", "title: Tack")
    save_journey(db, _journey(changed), source=changed, author="anna", now=T1)
    save_journey(db, _journey(BYGGLOV), source=BYGGLOV, author="bo", now=T2)

    assert delete_journey(db, "parkering") is True

    assert get_journey(db, "parkering") is None
    assert list_revisions(db, "parkering") == []
    assert [s.id for s in list_journeys(db)] == ["bygglov"]
    assert delete_journey(db, "parkering") is False


def test_after_delete_the_same_id_starts_again_at_revision_one(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    delete_journey(db, "parkering")

    revision = save_journey(db, _journey(PARKERING), source=PARKERING, author="bo", now=T1)

    assert (revision.number, revision.author) == (1, "bo")


def test_a_failed_save_leaves_nothing_half_written(db: Database) -> None:
    save_journey(db, _journey(PARKERING), source=PARKERING, author="anna", now=T0)
    db.execute(
        "create trigger stop before update on journeys begin select raise(abort, 'disk full'); end"
    )
    changed = PARKERING.replace("title: Ansök", "title: Sök")

    with pytest.raises(Exception, match="disk full"):
        save_journey(db, _journey(changed), source=changed, author="bo", now=T1)

    assert [r.number for r in list_revisions(db, "parkering")] == [1]
    assert get_journey(db, "parkering") == _journey(PARKERING)
