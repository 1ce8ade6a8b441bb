"""Published versions: what a designer sees when publishing, and what never changes after."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlite_utils import Database

from journeys import store as journey_store
from journeys.store import content_hash
from prototypes import (
    NothingToPublish,
    PublishError,
    VersionNotFound,
    create_share_link,
    delete_versions_of_journey,
    diff_journeys,
    get_version,
    latest_version,
    list_share_links,
    list_versions,
    publish_version,
    version_diff,
)
from tests.prototypes.conftest import PARKERING, T0, journey

T1 = T0 + dt.timedelta(hours=1)
T2 = T0 + dt.timedelta(hours=2)

BROKEN = PARKERING.replace("next: klart", "next: klar")

BYGGLOV = """\
id: bygglov
title: Ansök om bygglov
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
"""


def _retitled(text: str, title: str) -> str:
    return text.replace("title: Klart", f"title: {title}")


def test_publishing_numbers_versions_1_2_3(db: Database, save) -> None:
    numbers = []
    for i, title in enumerate(["Klart", "Tack", "Tack för din ansökan"]):
        save(_retitled(PARKERING, title))
        version = publish_version(
            db, "parkering", note=f"omgång {i + 1}", author="anna", now=T0 + dt.timedelta(hours=i)
        )
        numbers.append((version.number, version.id))
    assert numbers == [(1, "parkering-v1"), (2, "parkering-v2"), (3, "parkering-v3")]


def test_a_version_records_who_when_why_and_the_content_hash(db: Database, save) -> None:
    draft = save()
    version = publish_version(db, "parkering", note="  v1: första test  ", author="anna", now=T0)
    assert version.note == "v1: första test"
    assert version.author == "anna"
    assert version.created_at == T0
    assert version.title == "Ansök om parkeringstillstånd"
    assert version.revision == 1
    assert version.content_hash == content_hash(draft)
    assert get_version(db, "parkering-v1") == version


def test_a_version_keeps_the_journey_as_published_when_the_draft_changes(
    db: Database, save
) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    save(_retitled(PARKERING, "Tack"), now=T1)
    published = get_version(db, "parkering-v1")
    assert published is not None
    assert published.journey().step("klart").title == "Klart"
    assert journey_store.get_journey(db, "parkering").step("klart").title == "Tack"


def test_a_journey_with_errors_cannot_be_published_and_the_error_says_why(
    db: Database, save
) -> None:
    save(BROKEN)
    with pytest.raises(PublishError) as raised:
        publish_version(db, "parkering", note="", author="anna", now=T0)
    message = str(raised.value)
    assert "kan inte publiceras" in message
    assert "Det finns inget steg 'klar'" in message
    assert "Menade du 'klart'?" in message
    assert [f.code for f in raised.value.findings] == ["unknown-target", "unreachable-step"]
    assert list_versions(db, "parkering") == []


def test_publishing_an_unknown_journey_suggests_the_closest_id(db: Database, save) -> None:
    save()
    with pytest.raises(
        PublishError, match=r"Det finns ingen resa 'parkerin'\. Menade du 'parkering'"
    ):
        publish_version(db, "parkerin", note="", author="anna", now=T0)


def test_publishing_again_without_changes_is_refused_with_the_version_number(
    db: Database, save
) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    save(_retitled(PARKERING, "Tack"), now=T1)
    publish_version(db, "parkering", note="", author="anna", now=T1)
    with pytest.raises(NothingToPublish, match="Inget har ändrats sedan version 2") as raised:
        publish_version(db, "parkering", note="", author="anna", now=T2)
    assert raised.value.latest.id == "parkering-v2"


def test_changing_only_comments_is_nothing_to_publish(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    save("# Kommentar som inte ändrar resan\n" + PARKERING, now=T1)
    with pytest.raises(NothingToPublish):
        publish_version(db, "parkering", note="", author="anna", now=T2)


def test_reverting_to_an_older_content_publishes_a_new_version(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    save(_retitled(PARKERING, "Tack"), now=T1)
    publish_version(db, "parkering", note="", author="anna", now=T1)
    save(now=T2)
    assert publish_version(db, "parkering", note="tillbaka", author="anna", now=T2).number == 3


def test_the_database_refuses_to_update_a_published_version(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="v1", author="anna", now=T0)
    with pytest.raises(sqlite3.DatabaseError, match="Publicerade versioner kan inte ändras"):
        db.execute("update prototype_versions set note = 'ändrad i efterhand'")
    with pytest.raises(sqlite3.DatabaseError, match="Publicerade versioner kan inte ändras"):
        db.table("prototype_versions").update("parkering-v1", {"journey_json": "{}"})
    assert get_version(db, "parkering-v1").note == "v1"


def test_the_database_refuses_to_replace_a_published_version(db: Database, save) -> None:
    save()
    version = publish_version(db, "parkering", note="v1", author="anna", now=T0)
    row = version.model_dump(mode="json") | {"note": "ersatt"}
    with pytest.raises(sqlite3.DatabaseError, match="Publicerade versioner kan inte ändras"):
        db.table("prototype_versions").insert(row, replace=True)
    with pytest.raises(sqlite3.DatabaseError, match="Publicerade versioner kan inte ändras"):
        db.table("prototype_versions").insert(row | {"id": "annat-id"})
    assert get_version(db, "parkering-v1").note == "v1"


def test_versions_are_listed_newest_first(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    save(BYGGLOV, now=T1)
    publish_version(db, "bygglov", note="", author="anna", now=T1)
    save(_retitled(PARKERING, "Tack"), now=T2)
    publish_version(db, "parkering", note="", author="anna", now=T2)
    assert [v.id for v in list_versions(db)] == ["parkering-v2", "bygglov-v1", "parkering-v1"]
    assert [v.id for v in list_versions(db, "parkering")] == ["parkering-v2", "parkering-v1"]
    assert latest_version(db, "parkering").id == "parkering-v2"
    assert latest_version(db, "okand") is None
    assert get_version(db, "parkering-v9") is None


DIFF_OLD = """\
id: resa
title: Resa
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
    next: fragor
  - id: fragor
    kind: screen
    title: Frågor
    next: gammalt
  - id: gammalt
    kind: screen
    title: Gammalt
    next: klart
  - id: klart
    kind: screen
    title: Klart
"""

DIFF_NEW = """\
id: resa
title: Resa
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
    next: fragor
  - id: fragor
    kind: screen
    title: Några frågor
    next: kontrollera
  - id: kontrollera
    kind: screen
    title: Kontrollera
    next: klart
  - id: klart
    kind: screen
    title: Klart
"""


def test_diff_finds_added_removed_and_changed_steps() -> None:
    diff = diff_journeys(journey(DIFF_OLD), journey(DIFF_NEW))
    assert diff.added == ["kontrollera"]
    assert diff.removed == ["gammalt"]
    assert diff.changed == ["fragor"]
    assert not diff.reordered
    assert diff.other_changes == []
    assert diff.summary() == "1 steg tillagt, 1 borttaget, 1 ändrat"
    assert diff.summary("en") == "1 step added, 1 removed, 1 changed"


def test_diff_summary_counts_in_plural() -> None:
    from prototypes import VersionDiff

    diff = VersionDiff(added=["a", "b"], removed=["c"], changed=["d", "e", "f"])
    assert diff.summary() == "2 steg tillagda, 1 borttaget, 3 ändrade"
    assert diff.summary("en") == "2 steps added, 1 removed, 3 changed"
    assert VersionDiff(removed=["a", "b"]).summary() == "2 steg borttagna"


def test_diff_of_the_same_journey_has_no_changes() -> None:
    diff = diff_journeys(journey(DIFF_OLD), journey(DIFF_OLD))
    assert not diff.has_changes
    assert diff.summary() == "Inga ändringar"
    assert diff.summary("en") == "No changes"


def test_writing_a_default_out_is_not_a_change() -> None:
    explicit = DIFF_OLD.replace("title: Gammalt\n", "title: Gammalt\n    channel: web\n")
    assert "channel: web" in explicit
    assert not diff_journeys(journey(DIFF_OLD), journey(explicit)).has_changes


def test_diff_names_moved_steps_and_journey_details() -> None:
    gammalt = "  - id: gammalt\n    kind: screen\n    title: Gammalt\n    next: klart\n"
    moved = DIFF_OLD.replace("title: Resa", "title: Ny resa").replace(gammalt, "") + gammalt
    diff = diff_journeys(journey(DIFF_OLD), journey(moved))
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])
    assert diff.reordered
    assert diff.other_changes == ["title"]
    assert diff.summary() == "Inga ändrade steg; stegens ordning ändrad; ändrat i övrigt: title"


def test_version_diff_compares_with_the_previous_version(db: Database, save) -> None:
    save(DIFF_OLD)
    publish_version(db, "resa", note="", author="anna", now=T0)
    save(DIFF_NEW, now=T1)
    publish_version(db, "resa", note="", author="anna", now=T1)

    first = version_diff(db, "resa-v1")
    assert first.added == ["start", "fragor", "gammalt", "klart"]
    assert first.from_version is None
    assert first.summary() == "4 steg tillagda"

    second = version_diff(db, "resa-v2")
    assert (second.from_version, second.to_version) == ("resa-v1", "resa-v2")
    assert (second.added, second.removed, second.changed) == (
        ["kontrollera"],
        ["gammalt"],
        ["fragor"],
    )


def test_version_diff_of_an_unknown_version_suggests_one(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    with pytest.raises(VersionNotFound, match="Menade du 'parkering-v1'"):
        version_diff(db, "parkering-v")


def test_deleting_a_journeys_versions_takes_their_share_links(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    save(BYGGLOV, now=T0)
    publish_version(db, "bygglov", note="", author="anna", now=T0)
    create_share_link(db, "parkering-v1", created_by="anna", now=T0)
    create_share_link(db, "bygglov-v1", created_by="anna", now=T0)

    assert delete_versions_of_journey(db, "parkering") == 1
    assert list_versions(db, "parkering") == []
    assert list_share_links(db, journey_id="parkering") == []
    assert [v.id for v in list_versions(db)] == ["bygglov-v1"]
    assert len(list_share_links(db)) == 1


def test_a_published_journey_cannot_be_deleted_while_it_has_versions(db: Database, save) -> None:
    save()
    publish_version(db, "parkering", note="", author="anna", now=T0)
    with pytest.raises(sqlite3.IntegrityError):
        journey_store.delete_journey(db, "parkering")
    delete_versions_of_journey(db, "parkering")
    assert journey_store.delete_journey(db, "parkering")
