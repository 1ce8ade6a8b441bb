"""Importing a journey on the journey list: one from another organisation becomes ours and
keeps its licence and origin; our own is saved as it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from journeys import read_file
from journeys import store as journey_store
from toolkit.app.pages.journeys import save_import
from toolkit.db import open_db, set_organisation

EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "trygghetslarm.yaml"
NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)


def test_a_journey_from_another_kommun_keeps_licence_and_origin(tmp_path: Path) -> None:
    db = open_db(tmp_path / "import.db")
    set_organisation(db, name="Medskapa kommun")
    text = EXAMPLE.read_text(encoding="utf-8").replace("CC-BY-4.0", "CC-BY-SA-4.0")
    journey = read_file(EXAMPLE).journey
    assert journey is not None
    theirs = journey.model_copy(update={"licence": "CC-BY-SA-4.0"})
    said = save_import(db, theirs, text, author="anna@kommun.se", now=NOW)
    assert (
        said
        == f"{journey.title} från Exempelkommun (licens CC-BY-SA-4.0; ursprunget sparas i resan)"
    )
    stored = journey_store.get_journey(db, journey.id)
    assert stored is not None
    assert stored.organisation == "Medskapa kommun"
    assert stored.licence == "CC-BY-SA-4.0"
    assert stored.origin == f"Exempelkommun: {journey.title} ({journey.id})"
    revision = journey_store.list_revisions(db, journey.id)[-1]
    assert revision.note == "Importerad från Exempelkommun (licens CC-BY-SA-4.0)"
    source = journey_store.get_source(db, journey.id)
    assert source is not None and source.startswith(text.splitlines()[0])  # comments kept


def test_our_own_journey_or_no_organisation_set_is_saved_as_it_is(tmp_path: Path) -> None:
    db = open_db(tmp_path / "import.db")
    text = EXAMPLE.read_text(encoding="utf-8")
    journey = read_file(EXAMPLE).journey
    assert journey is not None
    assert save_import(db, journey, text, author="a", now=NOW, lang="en") == journey.title
    stored = journey_store.get_journey(db, journey.id)
    assert stored is not None and stored.origin is None
    assert stored.organisation == "Exempelkommun"
    set_organisation(db, name="Exempelkommun")
    assert save_import(db, journey, text, author="a", now=NOW) == journey.title
    assert len(journey_store.list_revisions(db, journey.id)) == 1
