"""Journeys: a public service seen from the citizen, as validated data.

This package owns the journey model (pydantic: metadata, phases, actors, channels and steps
of kind screen, decision and offline, with fields, rules and conditions), reading and
writing journey files in YAML or JSON with comments kept, the JSON Schema for editors,
validation with located findings in Swedish and English, readability (LIX), exports
(Mermaid, CJML), the store of journeys and their revisions, and the example journeys. It is
the bottom layer: it imports no other Medskapa package.
"""

from journeys.conditions import evaluate, parse_condition
from journeys.files import (
    JourneyDocument,
    dump_yaml,
    journey_dict,
    read_file,
    read_text,
    save,
    slugify,
    to_json,
    to_yaml,
)
from journeys.findings import Finding, Severity
from journeys.model import (
    Actor,
    Channel,
    DecisionRule,
    DecisionStep,
    FieldType,
    FormField,
    Journey,
    OfflineStep,
    Pattern,
    Phase,
    ScreenStep,
    Transition,
    is_end,
    resolve_date,
    successors,
)
from journeys.readability import lix
from journeys.validate import Report, check_journey, validate_document, validate_file, validate_text

__all__ = [
    "Actor",
    "Channel",
    "DecisionRule",
    "DecisionStep",
    "FieldType",
    "Finding",
    "FormField",
    "Journey",
    "JourneyDocument",
    "OfflineStep",
    "Pattern",
    "Phase",
    "Report",
    "ScreenStep",
    "Severity",
    "Transition",
    "check_journey",
    "dump_yaml",
    "evaluate",
    "is_end",
    "journey_dict",
    "lix",
    "parse_condition",
    "read_file",
    "read_text",
    "resolve_date",
    "save",
    "slugify",
    "successors",
    "to_json",
    "to_yaml",
    "validate_document",
    "validate_file",
    "validate_text",
]
