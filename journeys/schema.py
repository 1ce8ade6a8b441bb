"""The JSON Schema for journey files, generated from the pydantic models.

Editors use it for completion and checks while a designer writes a journey (VS Code with
the YAML extension: ``# yaml-language-server: $schema=journey.schema.json`` on the first
line). The schema checks shape only; :mod:`journeys.validate` checks the whole journey.

The committed copy, ``journeys/journey.schema.json``, must equal :func:`journey_schema`; a
test says so and tells how to write it again after a model change.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema

from journeys.model import CONDITION_OPERATORS, SLUG_PATTERN, Journey

SCHEMA_PATH = Path(__file__).with_name("journey.schema.json")
"""Where the committed schema lives, next to this module (shipped as package data)."""

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:medskapa:schema:journey"
"""The schema's ``$id``: a name, not an address to fetch."""

_CONDITION_REF = "#/$defs/Condition"
_PLACEHOLDER = "x-medskapa-condition"

_VALUE: dict[str, Any] = {
    "description": "An answer to compare with: text, a number, true/false or a date.",
    "type": ["string", "number", "boolean"],
}

_ORDERED: dict[str, Any] = {
    "description": "A number, or a date (2025-06-01).",
    "anyOf": [{"type": "number"}, {"type": "string", "format": "date"}],
}

_VALUES: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {"$ref": "#/$defs/ConditionValue"},
}

_OPERATOR_SCHEMAS: dict[str, dict[str, Any]] = {
    "eq": {"$ref": "#/$defs/ConditionValue", "description": "The answer is this value."},
    "ne": {"$ref": "#/$defs/ConditionValue", "description": "The answer is not this value."},
    "in": {**_VALUES, "description": "The answer is one of these values."},
    "not_in": {**_VALUES, "description": "The answer is none of these values."},
    "lt": {"$ref": "#/$defs/ConditionOrdered", "description": "The answer is less than this."},
    "lte": {"$ref": "#/$defs/ConditionOrdered", "description": "The answer is at most this."},
    "gt": {"$ref": "#/$defs/ConditionOrdered", "description": "The answer is more than this."},
    "gte": {"$ref": "#/$defs/ConditionOrdered", "description": "The answer is at least this."},
    "answered": {
        "type": "boolean",
        "description": "true: the field has an answer; false: it was left empty.",
    },
}

CONDITION_DEFS: dict[str, dict[str, Any]] = {
    "Condition": {
        "title": "Condition",
        "description": (
            "A condition on answers. Each key is a field id with the answer it must have "
            "({forare: Ja}) or one operator ({alder: {lt: 15}}); several keys must all "
            "hold. all, any and not combine conditions."
        ),
        "type": "object",
        "minProperties": 1,
        "properties": {
            "all": {
                "description": "Every condition in the list holds.",
                "type": "array",
                "minItems": 1,
                "items": {"$ref": _CONDITION_REF},
            },
            "any": {
                "description": "At least one condition in the list holds.",
                "type": "array",
                "minItems": 1,
                "items": {"$ref": _CONDITION_REF},
            },
            "not": {"$ref": _CONDITION_REF, "description": "The condition does not hold."},
        },
        "propertyNames": {"pattern": SLUG_PATTERN},
        "additionalProperties": {"$ref": "#/$defs/ConditionTest"},
    },
    "ConditionTest": {
        "title": "ConditionTest",
        "description": (
            "What the answer to one field must be: a value (equal to it) or exactly one "
            "operator: " + ", ".join(CONDITION_OPERATORS) + "."
        ),
        "anyOf": [
            {"$ref": "#/$defs/ConditionValue"},
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "properties": _OPERATOR_SCHEMAS,
                "additionalProperties": False,
            },
        ],
    },
    "ConditionValue": _VALUE,
    "ConditionOrdered": _ORDERED,
}
"""The condition language (see :mod:`journeys.conditions`) as JSON Schema definitions."""


class _JourneySchema(GenerateJsonSchema):
    """Pydantic's generator, taught that ``#/$defs/Condition`` is defined by us.

    model.py marks conditions with ``WithJsonSchema({"$ref": "#/$defs/Condition"})``, a
    reference pydantic cannot resolve by itself; we swap it for a marker while pydantic
    works and put the reference back afterwards, next to our definition.
    """

    def generate_inner(self, schema: Any) -> JsonSchemaValue:
        result = super().generate_inner(schema)
        if result == {"$ref": _CONDITION_REF}:
            return {_PLACEHOLDER: True}
        return result

    def generate(self, schema: CoreSchema, mode: Any = "validation") -> JsonSchemaValue:
        result = super().generate(schema, mode=mode)
        return _restore_condition_refs(result)


def _restore_condition_refs(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(_PLACEHOLDER) is True:
            rest = {k: _restore_condition_refs(v) for k, v in value.items() if k != _PLACEHOLDER}
            return {"$ref": _CONDITION_REF, **rest}
        return {k: _restore_condition_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore_condition_refs(v) for v in value]
    return value


def journey_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a journey file, conditions included."""
    generated = Journey.model_json_schema(by_alias=True, schema_generator=_JourneySchema)
    defs = dict(generated.pop("$defs", {}))
    defs.update(copy.deepcopy(CONDITION_DEFS))
    generated.pop("title", None)
    generated.pop("description", None)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "Medskapa journey",
        "description": (
            "A public service seen from the citizen: metadata, phases, actors and steps "
            "(screen, decision, offline). Written in YAML or JSON; checked in full by "
            "`medskapa journey validate`."
        ),
        **generated,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The schema as the committed file holds it: indented JSON, UTF-8, final newline."""
    return json.dumps(journey_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | Path = SCHEMA_PATH) -> Path:
    """Write the schema to ``path`` (default: the committed copy) and return the path."""
    target = Path(path)
    target.write_bytes(schema_text().encode("utf-8"))
    return target
