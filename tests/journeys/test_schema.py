"""The JSON Schema editors use for journey files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journeys.files import journey_dict, read_text
from journeys.model import CONDITION_OPERATORS
from journeys.schema import SCHEMA_PATH, journey_schema, schema_text, write_schema

SMALL = """\
id: bygglov
title: Ansök om bygglov
organisation: Exempelkommun
steps:
  - id: start
    kind: screen
    title: Start
    fields:
      - id: altan
        type: yesno
        label: Ska du bygga en altan?
      - id: yta
        type: number
        label: Hur stor blir den?
    next:
      - if: {any: [{altan: Ja}, {yta: {gte: 15}}], not: {yta: {answered: false}}}
        goto: prova
      - goto: klart
  - id: prova
    kind: decision
    title: Prövning
    rules:
      - if: {yta: {in: [10, 12]}}
        outcome: Beviljas
        goto: klart
      - outcome: Avslag
        goto: klart
  - id: klart
    kind: offline
    channel: letter
    title: Beslut per post
"""


def _data(text: str) -> dict[str, Any]:
    document = read_text(text)
    assert document.journey is not None, document.findings
    return journey_dict(document.journey)


def _validator() -> Any:
    import jsonschema  # a dev dependency, only these tests need it

    schema = journey_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_committed_schema_file_is_up_to_date() -> None:
    committed = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    assert committed == schema_text(), (
        "journeys/journey.schema.json is out of date with the journey model; run "
        "`medskapa journey schema -o journeys/journey.schema.json` and commit the file."
    )


def test_schema_is_draft_2020_12_with_an_id_and_a_title() -> None:
    schema = journey_schema()

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]
    assert schema["title"] == "Medskapa journey"
    assert "steps" in schema["properties"] and "id" in schema["required"]


def test_schema_accepts_a_small_journey() -> None:
    errors = list(_validator().iter_errors(_data(SMALL)))

    assert errors == []


def test_schema_rejects_an_unknown_key_where_it_is() -> None:
    data = _data(SMALL)
    data["steps"][0]["feilds"] = []

    errors = list(_validator().iter_errors(data))

    assert [list(e.absolute_path) for e in errors] == [["steps", 0]]
    assert "feilds" in errors[0].message or any("feilds" in c.message for c in errors[0].context)


@pytest.mark.parametrize(
    "condition",
    [
        {"alder": {"mindre": 15}},  # unknown operator
        {"alder": {"gt": 5, "lt": 10}},  # two operators
        {"alder": {"in": 15}},  # in needs a list
        {"epost": {"answered": "ja"}},  # answered is true or false
        {"all": {"alder": 15}},  # all needs a list
        {"not": {"Alder": 15}},  # field ids are slugs
        {},  # an empty condition says nothing
    ],
)
def test_schema_rejects_a_badly_written_condition(condition: dict[str, Any]) -> None:
    data = _data(SMALL)
    data["steps"][0]["next"][0]["if"] = condition

    assert list(_validator().iter_errors(data)) != []


def test_condition_definition_offers_every_operator_and_combinator() -> None:
    defs = journey_schema()["$defs"]

    operators = defs["ConditionTest"]["anyOf"][1]["properties"]
    assert tuple(operators) == CONDITION_OPERATORS
    assert set(defs["Condition"]["properties"]) == {"all", "any", "not"}
    assert defs["Condition"]["properties"]["not"]["$ref"] == "#/$defs/Condition"


def test_write_schema_writes_utf8_json_with_a_final_newline(tmp_path: Path) -> None:
    path = write_schema(tmp_path / "journey.schema.json")

    raw = path.read_bytes()
    assert raw.endswith(b"}\n")
    assert json.loads(raw.decode("utf-8")) == journey_schema()
    assert "Välj".encode() in raw  # Swedish text as written, not \u escapes


def test_the_model_alone_also_gives_a_json_schema() -> None:
    """API layers call model_json_schema() directly; it must not fail on conditions."""
    from journeys.model import Journey

    schema = Journey.model_json_schema()
    assert "steps" in schema["properties"]
