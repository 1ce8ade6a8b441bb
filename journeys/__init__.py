"""Journeys: a public service seen from the citizen, as validated data.

This package owns the journey model (pydantic: metadata, phases, actors, channels and steps
of kind screen, decision and offline, with fields, rules and conditions), reading and
writing journey files in YAML or JSON with comments kept, the JSON Schema for editors,
validation with located findings in Swedish and English, readability (LIX), exports
(Mermaid, CJML), the store of journeys and their revisions, and the example journeys. It is
the bottom layer: it imports no other Medskapa package.
"""

from journeys.conditions import evaluate, parse_condition
from journeys.export import condition_text, to_cjml, to_mermaid
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
from journeys.schema import SCHEMA_PATH, journey_schema, schema_text, write_schema
from journeys.store import (
    MIGRATIONS,
    JourneySummary,
    Revision,
    content_hash,
    delete_journey,
    get_journey,
    get_revision,
    get_source,
    list_journeys,
    list_revisions,
    save_journey,
)
from journeys.validate import Report, check_journey, validate_document, validate_file, validate_text

__all__ = [
    "MIGRATIONS",
    "SCHEMA_PATH",
    "Actor",
    "Channel",
    "DecisionRule",
    "DecisionStep",
    "FieldType",
    "Finding",
    "FormField",
    "Journey",
    "JourneyDocument",
    "JourneySummary",
    "OfflineStep",
    "Pattern",
    "Phase",
    "Report",
    "Revision",
    "ScreenStep",
    "Severity",
    "Transition",
    "check_journey",
    "condition_text",
    "content_hash",
    "delete_journey",
    "dump_yaml",
    "evaluate",
    "get_journey",
    "get_revision",
    "get_source",
    "is_end",
    "journey_dict",
    "journey_schema",
    "list_journeys",
    "list_revisions",
    "lix",
    "parse_condition",
    "read_file",
    "read_text",
    "resolve_date",
    "save",
    "save_journey",
    "schema_text",
    "slugify",
    "successors",
    "to_cjml",
    "to_json",
    "to_mermaid",
    "to_yaml",
    "validate_document",
    "validate_file",
    "validate_text",
    "write_schema",
]
