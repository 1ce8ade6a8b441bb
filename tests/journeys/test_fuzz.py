"""Fuzzing: whatever a designer (or a broken editor) writes, the validator answers with
findings and never raises.

Three sources of input: (a) random text and YAML-like text, (b) random JSON-like data, and
(c) a small valid journey with random mutations (deleted keys, changed types, renamed ids,
garbage, deep nesting, huge numbers, unicode), dumped to YAML. For every finding we also
check that it renders in both languages and points inside the file. A journey that is
still valid after mutation must save and read back unchanged.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import math
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from journeys import evaluate, parse_condition, read_text, save, validate_text
from journeys.files import check_shape, journey_dict
from journeys.findings import MESSAGES, Finding
from journeys.validate import Report, validate_document

FUZZ = settings(
    # MEDSKAPA_FUZZ_EXAMPLES=5000 for a long hunt; the suite keeps it short
    max_examples=int(os.environ.get("MEDSKAPA_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_sound(report: Report, text: str | None = None) -> None:
    """Every finding is a known code, renders in both languages and points into the text."""
    assert isinstance(report, Report)
    # YAML also breaks lines at \r, \x85, \u2028 …; splitlines() counts at least those
    lines = len(text.splitlines()) + 1 if text is not None else None
    for finding in report.findings:
        assert isinstance(finding, Finding)
        assert finding.code in MESSAGES, finding.code
        for lang in ("sv", "en"):
            assert finding.message(lang)  # type: ignore[arg-type]
            assert finding.format(lang)  # type: ignore[arg-type]
        finding.as_dict()
        if lines is not None and finding.line is not None:
            assert 1 <= finding.line <= lines + 1, (finding.format(), lines)
        if finding.column is not None:
            assert finding.column >= 1
    if report.journey is not None and not report.errors:
        assert all(f.severity == "warning" for f in report.findings)


# --- (a) text ----------------------------------------------------------------------------------

YAML_PIECES = [
    "id: resa",
    "title: Resa",
    "organisation: K",
    "steps:",
    "  - id: start",
    "    kind: screen",
    "    kind: decision",
    "    title: Start",
    "    next: start",
    "    next: []",
    "    fields:",
    "      - {id: f, type: yesno, label: F}",
    "    rules:",
    "      - {if: {f: Ja}, outcome: O, goto: start}",
    "  - id: slut",
    "- ",
    "  ",
    ":",
    "{",
    "}",
    "[",
    "]",
    "&a",
    "*a",
    "<<: *a",
    "? x",
    "|",
    ">-",
    "'",
    '"',
    "\t",
    "#",
    "---",
    "...",
    "%YAML 1.2",
    "!!binary",
    "!tag",
    "!!python/object:os.system",
    "2025-13-45",
    "2025-01-01 25:61:00",
    "0o17",
    "0x1F",
    "1e400",
    ".nan",
    "-.inf",
    "~",
    "null",
    "é",
    "\u202e",
    "\x00",
    "\ufeff",
]


@FUZZ
@given(st.text())
def test_random_text_gives_findings_not_exceptions(text: str) -> None:
    assert_sound(validate_text(text, file="fuzz.yaml"), text)
    assert_sound(validate_text(text, file="fuzz.json"), text)


@FUZZ
@given(st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=8), max_size=40))
def test_random_yaml_like_text_gives_findings_not_exceptions(pieces: list[str]) -> None:
    text = "\n".join(pieces)
    assert_sound(validate_text(text, file="fuzz.yaml"), text)


# --- (b) JSON-like data ----------------------------------------------------------------------

KEYS = [
    "id",
    "title",
    "organisation",
    "steps",
    "kind",
    "next",
    "fields",
    "type",
    "label",
    "options",
    "if",
    "goto",
    "rules",
    "outcome",
    "phases",
    "actors",
    "start",
    "phase",
    "actor",
    "pattern",
    "channel",
    "required",
    "min",
    "max",
    "min_date",
    "value",
    "message",
    "all",
    "any",
    "not",
    "lt",
    "in",
    "answered",
    "lix_target",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(["screen", "decision", "offline", "start", "Ja", "Nej", "radios", "web"])
    | st.dates()
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=40,
)


@FUZZ
@given(json_like)
def test_random_data_gives_findings_not_exceptions(data: Any) -> None:
    assert_sound(validate_document(check_shape(data, file="fuzz.json")))


@FUZZ
@given(
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), json_like, max_size=4),
    st.dictionaries(st.sampled_from(KEYS[:10]), json_like, max_size=8),
)
def test_random_steps_in_a_journey_give_findings_not_exceptions(
    extra: dict[str, Any], step: dict[str, Any]
) -> None:
    data = {"id": "resa", "title": "Resa", "organisation": "K", "steps": [step], **extra}
    assert_sound(validate_document(check_shape(data, file="fuzz.json")))


# --- (c) mutated journeys --------------------------------------------------------------------

BASE: dict[str, Any] = {
    "id": "parkering",
    "title": "Ansök om parkeringstillstånd",
    "organisation": "Exempelkommun",
    "phases": [{"id": "ansokan", "title": "Ansökan"}, {"id": "beslut", "title": "Beslut"}],
    "steps": [
        {
            "id": "start",
            "kind": "screen",
            "title": "Ansök om parkeringstillstånd",
            "phase": "ansokan",
            "pattern": "start",
            "next": "fragor",
        },
        {
            "id": "fragor",
            "kind": "screen",
            "title": "Om dig",
            "phase": "ansokan",
            "fields": [
                {
                    "id": "forare",
                    "type": "yesno",
                    "label": "Ska du själv köra bilen?",
                    "required": "Välj om du själv ska köra bilen",
                },
                {
                    "id": "alder",
                    "type": "number",
                    "label": "Hur gammal är du?",
                    "min": {"value": 0, "message": "Ange en ålder som är 0 eller mer"},
                },
                {
                    "id": "hjalp",
                    "type": "checkboxes",
                    "label": "Vilka hjälpmedel använder du?",
                    "options": ["Rullstol", {"value": "Rollator", "hint": "med hjul"}],
                },
                {
                    "id": "fodd",
                    "type": "date",
                    "label": "När är du född?",
                    "max_date": {
                        "value": "today",
                        "message": "Datumet måste vara i dag eller tidigare",
                    },
                },
            ],
            "next": [
                {
                    "if": {"any": [{"forare": "Ja"}, {"not": {"hjalp": {"in": ["Rullstol"]}}}]},
                    "goto": "beslut",
                },
                {"if": {"alder": {"gte": 65}, "fodd": {"lt": "2000-01-01"}}, "goto": "beslut"},
                {"goto": "beslut"},
            ],
        },
        {
            "id": "beslut",
            "kind": "decision",
            "title": "Beslut",
            "phase": "beslut",
            "rules": [
                {"if": {"forare": "Ja"}, "outcome": "Förartillstånd", "goto": "brev"},
                {"outcome": "Passagerartillstånd", "goto": "brev"},
            ],
        },
        {
            "id": "brev",
            "kind": "offline",
            "title": "Beslutet kommer med posten",
            "phase": "beslut",
            "channel": "letter",
        },
    ],
}


def test_the_base_journey_is_valid() -> None:
    report = validate_text(dump(BASE), file="bas.yaml")
    assert report.findings == [], [f.format() for f in report.findings]


def dump(data: Any) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.dump(data, stream)
    return stream.getvalue()


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside the data, the root first."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def get(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part]
    return node


IDS = ["start", "fragor", "beslut", "brev", "forare", "alder", "ansokan", "saknas"]

garbage = (
    scalars
    | st.sampled_from(
        [
            10**100,
            -(10**30),
            1e308,
            math.inf,
            -math.inf,
            math.nan,
            "",
            " ",
            "\u202eedarg",
            "🚗" * 20,
            "a" * 500,
            "Ja\x00",
            "line\nbreak",
            "{x: y}",
            "[1, 2",
            "&a",
            "*a",
            "today+99999y",
            "today-18y",
            "2025-02-30",
            "(?P<",
            ".*" * 50,
            True,
            [],
            {},
            [[[]]],
            {"if": {}},
        ]
    )
    | st.sampled_from(IDS)
    | json_like
).map(copy.deepcopy)  # sampled lists and dicts are shared: mutating them must not leak


def nested(value: Any, depth: int) -> Any:
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        everywhere = paths(data)
        path = everywhere[draw(st.integers(min_value=0, max_value=len(everywhere) - 1))]
        op = draw(
            st.sampled_from(["delete", "replace", "rename", "insert", "nest", "duplicate", "swap"])
        )
        if not path:
            continue
        parent, key = get(data, path[:-1]), path[-1]
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(garbage)
        elif op == "rename":
            parent[key] = draw(st.sampled_from(IDS) | st.text(min_size=1, max_size=12))
        elif op == "insert":
            target = get(data, path)
            if isinstance(target, dict):
                target[draw(st.sampled_from(KEYS) | st.text(max_size=5))] = draw(garbage)
            elif isinstance(target, list):
                target.insert(draw(st.integers(0, len(target))), draw(garbage))
        elif op == "nest":
            parent[key] = nested(parent[key], draw(st.integers(min_value=1, max_value=60)))
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif op == "swap" and isinstance(parent, list) and len(parent) > 1:
            parent.reverse()
    return data


@FUZZ
@given(mutated())
def test_mutated_journeys_give_findings_not_exceptions(data: dict[str, Any]) -> None:
    try:
        text = dump(data)
    except Exception:  # some mutations cannot be written as YAML at all
        text = json.dumps(data, default=str)
    report = validate_text(text, file="fuzz.yaml")
    assert_sound(report, text)
    assert_sound(validate_document(check_shape(copy.deepcopy(data), file="fuzz.json")))


@FUZZ
@given(mutated())
def test_mutated_journeys_that_still_read_save_back_unchanged(data: dict[str, Any]) -> None:
    try:
        text = dump(data)
    except Exception:  # not writable as YAML: nothing to save
        return
    document = read_text(text, file="fuzz.yaml")
    if document.journey is None:
        return
    out = save(document, document.journey)
    assert out == text
    # and a changed journey saves too, reading back as the changed journey
    journey = document.journey.model_copy(
        update={"title": "Ändrad titel", "steps": list(reversed(document.journey.steps))}
    )
    again = read_text(save(document, journey), file="fuzz.yaml")
    assert again.journey is not None
    assert same(journey_dict(again.journey), journey_dict(journey))


def same(a: Any, b: Any) -> bool:
    """Equal, counting nan as equal to nan (a rule value may be .nan)."""
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


# --- conditions on their own ----------------------------------------------------------------

answers = st.dictionaries(
    st.sampled_from(["forare", "alder", "hjalp", "fodd", "x"]),
    st.none()
    | st.text(max_size=8)
    | st.integers()
    | st.floats()
    | st.dates()
    | st.lists(st.text(max_size=5) | st.integers(), max_size=3),
    max_size=5,
)


@FUZZ
@given(json_like, answers)
def test_any_condition_parses_to_problems_or_a_tree_that_decides(raw: Any, given: Any) -> None:
    cond, problems = parse_condition(raw)
    assert (cond is None) == bool(problems)
    for problem in problems:
        assert problem.code in MESSAGES
    if cond is not None:
        assert evaluate(cond, given) in (True, False)


@FUZZ
@given(
    st.sampled_from(["eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "answered"]),
    st.integers() | st.floats(allow_nan=True) | st.dates() | st.text(max_size=6) | st.booleans(),
    answers,
)
def test_every_operator_decides_any_answer(op: str, value: Any, given: Any) -> None:
    operand: Any = [value] if op in ("in", "not_in") else value
    if op == "answered":
        operand = bool(value)
    cond, _ = parse_condition({"alder": {op: operand}})
    if cond is not None:
        assert evaluate(cond, given) in (True, False)
        assert evaluate(cond, {"alder": dt.datetime(2020, 1, 1)}) in (True, False)
