"""Journey files: read YAML or JSON with positions, check their shape, and write them back.

Reading uses ruamel.yaml's round-trip mode, so every mapping and list remembers its line
and column (for findings) and its comments (for saving). JSON is read by the same parser
(JSON is YAML 1.2); JSON the YAML parser refuses (tabs) falls back to :mod:`json`.

Shape problems found by the pydantic models are turned into :class:`Finding` objects with a
location and a message in Swedish or English. Reading never raises on bad input.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import itertools
import json
import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarfloat import ScalarFloat
from ruamel.yaml.scalarstring import ScalarString

from journeys.findings import Finding, Severity, both, phrase
from journeys.model import Journey

DataPath = tuple[str | int, ...]
Locator = Callable[[DataPath], tuple[int, int] | None]

STEP_KINDS = ("screen", "decision", "offline")


@dataclass
class JourneyDocument:
    """A journey file as read: its text, the parsed data (with comments), the model if the
    shape is right, and what was found while reading."""

    text: str
    file: str | None
    data: Any
    journey: Journey | None
    findings: list[Finding] = field(default_factory=list)
    read_as: dict[str, Any] | None = field(default=None, repr=False)
    """The journey as the model read it (:func:`journey_dict`), kept apart from ``journey``
    (which callers may change in place) so that :func:`save` knows what really changed."""

    def locate(self, path: DataPath) -> tuple[int, int] | None:
        """1-based (line, column) of a path in the file, as near as it can be found."""
        return locate(self.data, path)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(ScalarFloat, _represent_float)
    return y


def _represent_float(representer: Any, data: ScalarFloat) -> Any:
    """ruamel.yaml rebuilds a float from its parts and can get the last digit wrong
    (6.872118083939875e+65 comes out as …874e+65); then write Python's exact form."""
    node = RoundTripRepresenter.represent_scalar_float(representer, data)
    try:
        written = float(str(node.value).replace("_", ""))
    except ValueError:
        return node
    if math.isfinite(data) and written != float(data):
        node.value = repr(float(data)).replace("inf", ".inf")
    return node


def read_file(path: str | Path) -> JourneyDocument:
    """Read and shape-check a journey file. Problems become findings, never exceptions."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return JourneyDocument("", name, None, None, [_file_finding(name, phrase("not-found"))])
    except IsADirectoryError:
        return JourneyDocument("", name, None, None, [_file_finding(name, phrase("is-directory"))])
    except PermissionError:
        reason = phrase("no-permission")
        return JourneyDocument("", name, None, None, [_file_finding(name, reason)])
    except OSError as exc:
        detail = exc.strerror or str(exc)
        return JourneyDocument("", name, None, None, [_file_finding(name, detail)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        finding = _file_finding(name, phrase("not-utf8"))
        finding.line, finding.column = _line_col(raw, exc.start)
        return JourneyDocument("", name, None, None, [finding])
    return read_text(text, file=name)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset (the column counts characters)."""
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _file_finding(name: str | None, reason: Any) -> Finding:
    return Finding(
        severity=Severity.error, code="file-unreadable", params={"reason": reason}, file=name
    )


MAX_FLOW_DEPTH = 200
"""Deeper ``[``/``{`` nesting is refused before parsing: near Python's recursion limit the
YAML scanner takes seconds per file (a journey nests five levels or so)."""

_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """The deepest nesting of brackets and braces, counted roughly (quotes not skipped)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def read_text(text: str, *, file: str | None = None) -> JourneyDocument:
    """Parse journey text (YAML or JSON) and check its shape against the model.

    Reading uses the C parser (ten times faster on a long journey) and keeps each key's
    line and column; the comments, needed only to save, are read when :func:`save` runs.
    Text the fast reader refuses is read again by the round-trip reader, whose errors
    become findings.
    """
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        return JourneyDocument(text, file, None, None, [_file_finding(file, phrase("too-deep"))])
    fast = _fast_load(text)
    if fast is not None:
        return check_shape(fast, text=text, file=file)
    is_json = bool(file and file.lower().endswith(".json")) or text.lstrip().startswith("{")
    try:
        data = _yaml().load(text)
    except DuplicateKeyError as exc:
        return _syntax_failure(text, file, exc, code="duplicate-key")
    except (MarkedYAMLError, YAMLError) as exc:
        if is_json:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as jexc:
                finding = Finding(
                    severity=Severity.error,
                    code="json-syntax",
                    params={"problem": _explain(jexc.msg, _JSON_PROBLEMS)},
                    file=file,
                    line=jexc.lineno,
                    column=jexc.colno,
                )
                return JourneyDocument(text, file, None, None, [finding])
            except RecursionError:
                finding = _file_finding(file, phrase("too-deep"))
                return JourneyDocument(text, file, None, None, [finding])
        else:
            return _syntax_failure(text, file, exc, code="yaml-syntax")
    except RecursionError:
        return JourneyDocument(text, file, None, None, [_file_finding(file, phrase("too-deep"))])
    except Exception as exc:  # ruamel.yaml trips over some malformed values ('-_', dates)
        reason = both(f"YAML-läsaren gav upp ({exc})", f"the YAML reader gave up ({exc})")
        return JourneyDocument(text, file, None, None, [_file_finding(file, reason)])
    return check_shape(data, text=text, file=file)


class _FastMap(CommentedMap):
    """A mapping read by the fast reader: positions like the round-trip reader's, no
    comments (:func:`save` reads the text again for those)."""


def _fast_load(text: str) -> Any | None:
    """Data with line/column positions from the C parser, or None when it cannot read the
    text exactly as the round-trip reader would (then the caller falls back to that)."""
    try:
        loader = YAML(typ="safe", pure=False)
        node = loader.compose(text)
        if node is None:
            return None
        return _FastBuilder(loader).build(node)
    except Exception:  # any doubt: let the round-trip reader (and its messages) decide
        return None


class _FastBuilder:
    def __init__(self, loader: YAML) -> None:
        self.constructor = loader.constructor
        self.seen: dict[int, Any] = {}

    def build(self, node: Any) -> Any:
        if id(node) in self.seen:  # an alias: the same object, as the round-trip reader does
            return self.seen[id(node)]
        if isinstance(node, MappingNode):
            if node.tag not in (None, "tag:yaml.org,2002:map"):
                raise ValueError("tagged mapping")
            out = _FastMap()
            self.seen[id(node)] = out
            out.lc.line, out.lc.col = node.start_mark.line, node.start_mark.column
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":merge"):
                    raise ValueError("complex or merge key")
                key = self.constructor.construct_object(key_node, deep=True)
                if isinstance(key, list | dict) or key in out:
                    raise ValueError("duplicate or unhashable key")
                out[key] = self.build(value_node)
                out.lc.add_kv_line_col(
                    key,
                    [
                        key_node.start_mark.line,
                        key_node.start_mark.column,
                        value_node.start_mark.line,
                        value_node.start_mark.column,
                    ],
                )
            return out
        if isinstance(node, SequenceNode):
            seq = CommentedSeq()
            self.seen[id(node)] = seq
            seq.lc.line, seq.lc.col = node.start_mark.line, node.start_mark.column
            for index, item in enumerate(node.value):
                seq.append(self.build(item))
                seq.lc.add_kv_line_col(index, [item.start_mark.line, item.start_mark.column])
            return seq
        value = self.constructor.construct_object(node, deep=True)
        if isinstance(value, dt.datetime) or type(value).__module__.startswith("ruamel"):
            raise ValueError("a value the round-trip reader reads its own way")
        return value


_YAML_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (
        r"mapping values are not allowed",
        "ett kolon står där det inte får stå. Kontrollera att raden har samma indrag som "
        "raderna runt omkring, och sätt citattecken runt text med kolon, t.ex. "
        'title: "Steg 1: Ansök"',
        "a colon is where it cannot be. Check that the line is indented like the lines "
        'around it, and put quotes round text with a colon, e.g. title: "Step 1: Apply"',
    ),
    (
        r"found character '\\t'|found a tab|\\t\(TAB\)",
        "ett tabbtecken. Använd mellanslag för indrag",
        "a tab character. Use spaces for indentation",
    ),
    (
        r"found undefined alias",
        "en hänvisning med * till ett ankare (&) som inte finns",
        "a reference with * to an anchor (&) that does not exist",
    ),
    (
        r"found unexpected end of stream|while scanning a quoted scalar",
        "ett citattecken öppnas men stängs aldrig",
        "a quote is opened but never closed",
    ),
    (
        r"expected ',' or '\]'",
        "en lista som börjar med [ stängs inte med ]",
        "a list that starts with [ is not closed with ]",
    ),
    (
        r"expected ',' or '\}'",
        "en mappning som börjar med { stängs inte med }",
        "a mapping that starts with { is not closed with }",
    ),
    (
        r"could not find expected ':'",
        "ett kolon saknas efter nyckeln, eller så stämmer inte indraget",
        "a colon is missing after the key, or the indentation is wrong",
    ),
    (
        r"expected <block end>|expected <block mapping start>|while parsing a block",
        "indraget stämmer inte med raderna runt omkring. Rader på samma nivå ska börja i samma "
        "kolumn",
        "the indentation does not match the lines around it. Lines at the same level should "
        "start in the same column",
    ),
)

_JSON_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (r"Expecting ',' delimiter", "ett kommatecken saknas", "a comma is missing"),
    (
        r"Expecting ':' delimiter",
        "ett kolon saknas efter nyckeln",
        "a colon is missing after the key",
    ),
    (
        r"Expecting property name",
        'en nyckel ska stå inom "…", eller så står det ett kommatecken för mycket före }',
        'a key should be inside "…", or there is one comma too many before }',
    ),
    (
        r"Expecting value",
        "ett värde saknas, eller så står det ett kommatecken för mycket",
        "a value is missing, or there is one comma too many",
    ),
    (
        r"Unterminated string",
        "ett citattecken öppnas men stängs aldrig",
        "a quote is opened but never closed",
    ),
    (
        r"Extra data",
        "det står något efter resans sista }",
        "there is more after the journey's last }",
    ),
    (
        r"Invalid control character",
        r"en radbrytning eller ett tabbtecken står inne i en text. Skriv \n eller \t i stället",
        r"a line break or tab is inside a text. Write \n or \t instead",
    ),
    (r"Invalid .?escape", r"ett okänt \-tecken i en text", r"an unknown \ sequence in a text"),
)


def _explain(
    problem: str, known: tuple[tuple[str, str, str], ...], *, context: str = ""
) -> dict[str, str]:
    """The parser's own words turned into advice, in Swedish and English."""
    for pattern, sv, en in known:
        if re.search(pattern, f"{context} {problem}"):
            return both(sv, en)
    return both(
        f"{problem} (kontrollera indrag, kolon och citattecken)",
        f"{problem} (check indentation, colons and quotes)",
    )


def _syntax_failure(text: str, file: str | None, exc: Exception, *, code: str) -> JourneyDocument:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    at_end = getattr(mark, "index", 0) >= len(text.rstrip())
    if mark is not None and context_mark is not None and at_end:
        mark = context_mark  # "the file ended": where the unclosed thing began says more
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or ["?"])[0]
    context = getattr(exc, "context", None) or ""
    params: dict[str, Any] = {"problem": _explain(problem, _YAML_PROBLEMS, context=context)}
    if code == "duplicate-key":
        match = re.search(r'found duplicate key "([^"]*)"', str(exc))
        params = {"key": match.group(1) if match else "?"}
    finding = Finding(
        severity=Severity.error,
        code=code,
        params=params,
        file=file,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )
    return JourneyDocument(text, file, None, None, [finding])


def check_shape(data: Any, *, text: str = "", file: str | None = None) -> JourneyDocument:
    """Check parsed data against the journey model; report every shape problem found."""
    if not isinstance(data, Mapping):
        got = phrase("nothing") if data is None else _type_phrase(data)
        finding = Finding(
            severity=Severity.error, code="not-a-journey", params={"got": got}, file=file
        )
        finding.line, finding.column = _own_position(data) or (1, 1)
        return JourneyDocument(text, file, data, None, [finding])
    try:
        journey = Journey.model_validate(data)
    except ValidationError as exc:
        findings = _shape_findings(exc, data, file)
        return JourneyDocument(text, file, data, None, findings)
    except RecursionError:
        return JourneyDocument(text, file, data, None, [_file_finding(file, phrase("too-deep"))])
    return JourneyDocument(text, file, data, journey, [], read_as=journey_dict(journey))


# --- turning pydantic errors into findings -------------------------------------------------

_TYPE_ERRORS = {
    "string_type": "text",
    "int_type": "int",
    "int_parsing": "int",
    "int_from_float": "int",
    "float_type": "number",
    "float_parsing": "number",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "list_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date-only",
}


def _shape_findings(exc: ValidationError, data: Any, file: str | None) -> list[Finding]:
    candidates: dict[DataPath, list[tuple[str | None, Any]]] = {}
    for err in exc.errors(include_url=False):
        path, branch = _data_path(err["loc"], data, missing=err["type"] == "missing")
        candidates.setdefault(path, []).append((branch, err))
    findings: list[Finding] = []
    for path, errors in candidates.items():
        value = _get(data, path)
        fitting = [e for b, e in errors if b is None or _branch_fits(b, value)]
        if not fitting:
            # Every union branch failed here. When a branch that fits the value failed deeper
            # down (``next: [{goto: 3}]``), that deeper error is the one that helps.
            if any(_deeper(other, path) for other in candidates):
                continue
            fitting = [e for _, e in errors]
        seen: set[tuple[str, str]] = set()
        for finding in _combine_types([_shape_finding(e, path, data, file) for e in fitting]):
            key = (finding.code, repr(sorted(finding.params.items())))
            if key in seen:
                continue
            seen.add(key)
            findings.append(finding)
    # 'titel: …' is one mistake, not two: the unknown key that suggests the missing one says it
    misspelt = {
        (*f.path[:-1], f.suggestion) for f in findings if f.code == "unknown-key" and f.suggestion
    }
    findings = [f for f in findings if not (f.code == "missing" and f.path in misspelt)]
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return findings


def _deeper(path: DataPath, than: DataPath) -> bool:
    return len(path) > len(than) and path[: len(than)] == than


def _combine_types(findings: list[Finding]) -> list[Finding]:
    """'ska vara en text' and 'ska vara en mappning' on one value become one finding."""
    wrong = [f for f in findings if f.code == "wrong-type"]
    if len(wrong) < 2:
        return findings
    first = wrong[0]
    expected = [f.params["expected"] for f in wrong]

    def alternatives(words: list[str], last: str) -> str:
        words = [part for word in words for part in word.split(f" {last} ")]
        return f"{', '.join(words[:-1])} {last} {words[-1]}"

    first.params["expected"] = both(
        alternatives([e["sv"] for e in expected], "eller"),
        alternatives([e["en"] for e in expected], "or"),
    )
    # "put quotes round it" helps only when text is the one plain value that fits
    plain = [e for e in expected if e not in (phrase("mapping"), phrase("list"))]
    fixes = [f.params["fix"] for f in wrong if f.params["fix"]]
    first.params["fix"] = fixes[0] if fixes and plain == [phrase("text")] else ""
    return [f for f in findings if f.code != "wrong-type" or f is first]


def _data_path(
    loc: tuple[Any, ...], data: Any, *, missing: bool = False
) -> tuple[DataPath, str | None]:
    """Drop pydantic's union branch labels from an error location; return the first label.

    A name that is not in the data is a key only at the end of a "missing" error; anywhere
    else it is a branch label such as ``str`` or ``list[Transition]``.
    """
    path: list[str | int] = []
    branch: str | None = None
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, Mapping):
            if isinstance(part, str) and part in STEP_KINDS and node.get("kind") == part:
                continue
            if isinstance(part, str) and (part in node or (last and missing)):
                path.append(part)
                node = node.get(part)
                continue
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if 0 <= part < len(node) else None
            continue
        if part == "[key]":  # the key of a mapping itself is wrong (a condition's field id)
            path.append(part)
            break
        if isinstance(node, Mapping) and not isinstance(part, str):
            path.append(part)  # a key that is not text, e.g. ``1: Ja``
            node = _key_lookup(node, part)
            continue
        if branch is None and isinstance(part, str):
            branch = part
    return tuple(path), branch


def _key_lookup(node: Mapping[Any, Any], key: Any) -> Any:
    try:
        return node.get(key)
    except TypeError:  # an unhashable key pydantic reported in another form
        return None


def _branch_fits(branch: str, value: Any) -> bool:
    if branch.startswith("list"):
        return isinstance(value, list)
    if branch in ("str", "constrained-str") or branch.startswith("constrained-str"):
        return isinstance(value, str)
    if branch == "bool":
        return isinstance(value, bool)
    if branch in ("int", "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if branch == "date":
        return isinstance(value, dt.date | str)
    if branch[:1].isupper():
        return isinstance(value, Mapping)
    return True


def _shape_finding(err: Any, path: DataPath, data: Any, file: str | None) -> Finding:
    kind = err["type"]
    key = str(path[-1]) if path and isinstance(path[-1], str) else _parent_key(path)
    value = _get(data, path)
    ctx = err.get("ctx") or {}
    params: dict[str, Any]
    suggestion: str | None = None
    where = path  # what is located in the file; ``path`` is what the designer reads
    if path and path[-1] == "[key]":
        where = path[:-1]
        bad_key = path[-2] if len(path) >= 2 else "?"
        code, params = "condition-bad-key", {"key": str(bad_key)}
        path = (*path[:-2], str(bad_key))
    elif kind == "missing":
        code, params = "missing", {"key": key}
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1], data)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
        code, params = "unknown-key", {"key": key, "allowed": ", ".join(allowed)}
    elif kind == "string_pattern_mismatch":
        code, params = "bad-slug", {"value": value, "example": slugify(str(value))}
    elif kind in ("literal_error", "enum"):
        expected = str(err.get("ctx", {}).get("expected", "")).replace("'", "")
        allowed = [a.strip() for a in re.split(r",| or ", expected) if a.strip()]
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
        suggestion = close[0] if close else None
        code, params = "bad-choice", {"value": value, "key": key, "allowed": ", ".join(allowed)}
    elif kind == "union_tag_invalid":
        written = str(ctx.get("tag", value.get("kind") if isinstance(value, Mapping) else ""))
        close = difflib.get_close_matches(written, STEP_KINDS, n=1, cutoff=0.5)
        suggestion = close[0] if close else None
        code, params = "bad-kind", {"value": written}
        path = where = (*path, "kind")
    elif kind == "union_tag_not_found":
        code, params = "missing-kind", {}
    elif kind in _TYPE_ERRORS:
        expected = _TYPE_ERRORS[kind]
        if expected == "date-only" and not isinstance(value, dt.datetime):
            expected = "date"  # pydantic reads a number as a time stamp
        fix: Any = ""
        if expected == "text" and isinstance(value, int | float | dt.date):
            fix = phrase("quote-it", value=_scalar_text(value))
        elif len(path) >= 2 and path[-2] == "next" and isinstance(value, str):
            fix = phrase("write-goto", value=_scalar_text(value))
        code = "wrong-type"
        params = {"key": key, "expected": phrase(expected), "got": _type_phrase(value), "fix": fix}
    elif kind in ("string_too_short", "too_short"):
        fix = "fill-text" if isinstance(value, str) else _EMPTY_LIST_FIX.get(key, "add-item")
        code, params = "too-short", {"key": key, "fix": phrase(fix)}
    elif kind in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        limit = ctx.get("ge", ctx.get("gt"))
        code, params = "too-small", {"key": key, "limit": limit, "value": value}
    elif kind in ("less_than_equal", "less_than") and ("le" in ctx or "lt" in ctx):
        limit = ctx.get("le", ctx.get("lt"))
        code, params = "too-large", {"key": key, "limit": limit, "value": value}
    elif kind == "finite_number":
        detail = both(
            "skriv ett vanligt tal, inte .nan eller .inf",
            "write an ordinary number, not .nan or .inf",
        )
        code, params = "out-of-range", {"key": key, "detail": detail}
    elif kind == "string_too_long" and "max_length" in ctx:
        code, params = "too-long", {"key": key, "limit": ctx["max_length"]}
    else:
        detail = str(err.get("msg", kind))
        code, params = "out-of-range", {"key": key, "detail": both(detail, detail)}
    finding = Finding(
        severity=Severity.error,
        code=code,
        params=params,
        path=path,
        step_id=_step_id(data, path),
        file=file,
        suggestion=suggestion,
    )
    position = locate(data, where)
    if position:
        finding.line, finding.column = position
    return finding


_EMPTY_LIST_FIX = {"steps": "add-step", "rules": "add-rule"}


def _scalar_text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _parent_key(path: DataPath) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "journey"


def _type_phrase(value: Any) -> dict[str, str]:
    """What kind of value this is, in words (for wrong-type and not-a-journey)."""
    if value is None:
        return phrase("null")
    if isinstance(value, bool):
        return phrase("bool")
    if isinstance(value, int | float):
        return phrase("number")
    if isinstance(value, str):
        return phrase("text")
    if isinstance(value, list):
        return phrase("list")
    if isinstance(value, Mapping):
        return phrase("mapping")
    if isinstance(value, dt.datetime):
        return phrase("datetime")
    if isinstance(value, dt.date):
        return phrase("date")
    return phrase("other")


def _allowed_keys(path: DataPath, data: Any) -> list[str]:
    """The keys the model accepts at a mapping path (e.g. a step's keys for its kind)."""
    models: list[type[BaseModel]] = [Journey]
    for part in path:
        if isinstance(part, int):
            continue
        nxt: list[type[BaseModel]] = []
        for model in models:
            for name, info in model.model_fields.items():
                if (info.alias or name) == part:
                    nxt.extend(_models_in(info.annotation))
        models = nxt
        if not models:
            return []
    node = _get(data, path)
    if isinstance(node, Mapping) and len(models) > 1:
        for model in models:
            kind_field = model.model_fields.get("kind")
            if kind_field and node.get("kind") in typing.get_args(kind_field.annotation):
                models = [model]
                break
    model = models[0]
    return [info.alias or name for name, info in model.model_fields.items()]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    found: list[type[BaseModel]] = []
    if origin in (list, typing.Union, types.UnionType) or origin is not None:
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def _get(data: Any, path: DataPath) -> Any:
    node = data
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _step_id(data: Any, path: DataPath) -> str | None:
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        step = _get(data, path[:2])
        if isinstance(step, Mapping) and isinstance(step.get("id"), str):
            return str(step["id"])
    return None


def locate(data: Any, path: DataPath) -> tuple[int, int] | None:
    """1-based (line, column) of the deepest part of ``path`` found in parsed YAML data."""
    node = data
    best: tuple[int, int] | None = _own_position(data)
    for part in path:
        position: tuple[int, int] | None = None
        child: Any = None
        if isinstance(node, CommentedMap) and part in node:
            try:
                line, col = node.lc.key(part)
                position = (line + 1, col + 1)
            except (KeyError, TypeError, AttributeError):
                position = None
            child = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            try:
                line, col = node.lc.item(part)
                position = (line + 1, col + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                position = None
            child = node[part]
        else:
            break
        if position:
            best = position
        node = child
    return best


def _own_position(node: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is not None and getattr(lc, "line", None) is not None:
        return lc.line + 1, lc.col + 1
    return None


def slugify(text: str) -> str:
    """A slug for an id: ``Kontrollera svar`` → ``kontrollera-svar``."""
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "_": "-"})
    lowered = text.strip().lower().translate(table)
    slug = re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")
    return slug or "steg"


# --- writing ---------------------------------------------------------------------------------


def dump_yaml(data: Any, *, like: str | None = None) -> str:
    """Write parsed (round-trip) data back as YAML, comments and key order kept.

    With ``like`` (the text the data was read from), lists are indented the way that text
    indents them, so a file written with ``- id:`` flush under its key stays that way.
    """
    stream = io.StringIO()
    _yaml_like(like).dump(data, stream)
    return stream.getvalue()


def _yaml_like(text: str | None) -> YAML:
    y = _yaml()
    if not text:
        return y
    y.width = 1_000_000  # never wrap a long line the author wrote on one line
    indent, offset = _guess_indent(text)
    if indent is not None:
        y.indent(mapping=2, sequence=indent, offset=offset)
    return y


_KEY_LINE = re.compile(r"^( *)[^\s#-][^:#]*:\s*(?:#.*)?$")
_DASH_LINE = re.compile(r"^( *)- ")


def _guess_indent(text: str) -> tuple[int | None, int]:
    """(sequence indent, dash offset) of the first block list under a key, as ruamel counts."""
    lines = [line for line in text.splitlines() if not _is_blank(line) and not _is_comment(line)]
    for above, line in itertools.pairwise(lines):
        key, dash = _KEY_LINE.match(above), _DASH_LINE.match(line)
        if key and dash:
            offset = len(dash.group(1)) - len(key.group(1))
            if offset >= 0:
                return offset + 2, offset
    return None, 2


def journey_dict(journey: Journey) -> dict[str, Any]:
    """The journey as plain data in file form: only keys that were set, aliases as written."""
    return journey.model_dump(mode="json", by_alias=True, exclude_unset=True)


def to_yaml(journey: Journey) -> str:
    """Clean, readable YAML for a journey that has no file of its own (e.g. from the store)."""
    return dump_yaml(_commented(journey_dict(journey)))


def to_json(journey: Journey) -> str:
    """Pretty JSON for a journey."""
    return json.dumps(journey_dict(journey), ensure_ascii=False, indent=2) + "\n"


_FIRST_KEYS = ("id", "kind", "type", "title", "label")
"""Keys written first in new mappings, the way people write them (``- id: … kind: …``)."""


def _commented(value: Any) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap()
        keys = [k for k in _FIRST_KEYS if k in value] if "id" in value else []
        keys += [k for k in value if k not in keys]
        for k in keys:
            out[k] = _commented(value[k])
        return out
    if isinstance(value, list):
        return CommentedSeq([_commented(v) for v in value])
    return value


def _plain(value: Any) -> Any:
    """Parsed YAML as the plain JSON-like data :func:`journey_dict` gives."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def save(document: JourneyDocument, journey: Journey) -> str:
    """The document's YAML with the journey's changes merged in.

    Untouched parts keep their comments, blank lines, key order, quoting and formatting; only
    what changed is rewritten, and a journey that did not change gives back the text as it
    was read. List items with an ``id`` (steps, fields, phases, actors) are matched by id:
    reordering them moves each item's comments with it, new items are written in the
    file's own indentation, and deleted items take their comments with them. The document
    itself is not changed.
    """
    new = journey_dict(journey)
    rt = document.data
    if isinstance(rt, _FastMap):  # read fast, without comments: read them now
        try:
            rt = _yaml().load(document.text)
        except Exception:
            rt = None
    if not isinstance(rt, CommentedMap):
        return to_yaml(journey)
    # what the model read from the file: a value the designer did not change is left as
    # written, even where the model reads it differently ('0' for a number, dates as text)
    base = document.read_as if document.read_as is not None else _NO_BASE
    try:
        if document.text and (new == base or _plain(rt) == new):
            return document.text
    except RecursionError:
        return to_yaml(journey)
    text, data = document.text, None
    if text:
        text, data = _realign(text, rt, new)
    merged = _merge(data if data is not None else copy.deepcopy(rt), new, base)
    if _is_json(document):  # JSON has no comments to keep: write JSON in the file's key order
        return json.dumps(_plain(merged), ensure_ascii=False, indent=2) + "\n"
    return dump_yaml(merged, like=text or None)


def _is_json(document: JourneyDocument) -> bool:
    if document.file:
        return document.file.lower().endswith(".json")
    return document.text.lstrip().startswith("{")


# Reordering, adding and removing list items is done on the text, because the comments
# before an item are stored by ruamel.yaml at the end of the item above it. Working on
# lines keeps "this comment belongs to the step below it" true wherever the step goes.


def _realign(text: str, data: Any, new: Any) -> tuple[str, Any]:
    """Text (and its parse) whose id-keyed lists are in the new order with the new items.

    Returns ``(text, None)`` when nothing needed to move, and stops (leaving the rest to
    :func:`_merge`) as soon as a list cannot be moved as lines.
    """
    parsed = None
    for _ in range(200):
        found = _misaligned(data if parsed is None else parsed, new)
        if found is None:
            break
        seq, new_items = found
        moved = _reorder_text(text, seq, new_items)
        if moved is None:
            break
        try:
            reparsed = _yaml().load(moved)
        except (YAMLError, ValueError, TypeError, RecursionError):
            break
        if not isinstance(reparsed, CommentedMap):
            break
        text, parsed = moved, reparsed
    return text, parsed


def _ids(items: list[Any]) -> list[Any] | None:
    """The ids of a list of mappings, or None when some item has none or ids repeat."""
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    if not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
        return None
    return ids


def _misaligned(old: Any, new: Any) -> tuple[CommentedSeq, list[Any]] | None:
    """The first block list (in file order) whose ids differ from the new list's ids."""
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        for key in old:
            if key in new:
                found = _misaligned(old[key], new[key])
                if found is not None:
                    return found
        return None
    if not (isinstance(old, CommentedSeq) and isinstance(new, list)) or old.fa.flow_style():
        return None
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None and old_ids != new_ids and old:
        return old, new
    if old_ids is not None and new_ids is not None and old_ids != new_ids:
        return None
    for old_item, new_item in zip(old, new, strict=False):
        found = _misaligned(old_item, new_item)
        if found is not None:
            return found
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_comment(line: str) -> bool:
    return line.lstrip(" ").startswith("#")


def _reorder_text(text: str, seq: CommentedSeq, new_items: list[Any]) -> str | None:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    try:
        starts = [seq.lc.item(i)[0] for i in range(len(seq))]
        columns = [seq.lc.item(i)[1] for i in range(len(seq))]
    except (KeyError, TypeError, AttributeError, IndexError):
        return None
    if any(b <= a for a, b in itertools.pairwise(starts)) or starts[-1] >= len(lines):
        return None
    dashes = set()
    for start, column in zip(starts, columns, strict=True):
        before = lines[start][:column].rstrip()
        if not before.endswith("-") or before[:-1].strip():
            return None  # not "  - item" on its own line
        dashes.add(len(before) - 1)
    if len(dashes) != 1:
        return None
    dash = dashes.pop()

    def leads(line: str) -> bool:  # a line that belongs to the item below it
        return _is_blank(line) or (_is_comment(line) and _indent(line) <= dash)

    lead_starts = []
    for n, start in enumerate(starts):
        top = start
        floor = starts[n - 1] + 1 if n else 0
        while top > floor and leads(lines[top - 1]):
            top -= 1
        lead_starts.append(top)
    end = starts[-1] + 1
    while end < len(lines) and (
        _is_blank(lines[end]) or _is_comment(lines[end]) or _indent(lines[end]) > dash
    ):
        end += 1
    while end > starts[-1] + 1 and leads(lines[end - 1]):
        end -= 1
    bounds = [*lead_starts[1:], end]

    def parts(n: int) -> tuple[list[str], list[str]]:
        lead = lines[lead_starts[n] : starts[n]]
        blank = 0
        while blank < len(lead) and _is_blank(lead[blank]):
            blank += 1
        return lead[:blank], lead[blank:] + lines[starts[n] : bounds[n]]

    old_ids = [item.get("id") for item in seq]
    blanks = [parts(n)[0] for n in range(len(seq))]
    gap = blanks[-1] if len(blanks) > 1 else []
    out = lines[: lead_starts[0]]
    for position, item in enumerate(new_items):
        out += blanks[position] if position < len(blanks) else gap
        if item.get("id") in old_ids:
            out += parts(old_ids.index(item.get("id")))[1]
        else:
            out += _render_item(item, dash, text)
    out += lines[end:]
    return "".join(out)


def _render_item(item: Any, dash: int, like: str) -> list[str]:
    """A new list item as YAML lines with its dash in column ``dash``."""
    stream = io.StringIO()
    _yaml_like(like).dump(CommentedMap([("x", CommentedSeq([_commented(item)]))]), stream)
    lines = stream.getvalue().splitlines(keepends=True)[1:]
    shift = dash - _indent(lines[0])
    if shift >= 0:
        return [" " * shift + line if line.strip() else line for line in lines]
    return [line[-shift:] if line[:-shift].strip() == "" else line for line in lines]


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, dt.date) and isinstance(new, str):
        return old.isoformat() == new
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new or (isinstance(old, bool) and isinstance(new, bool) and old == new)
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old) == float(new)
    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new
    return old is None and new is None


_NO_BASE: Any = object()
"""No record of what the model read here: compare with the file's own data instead."""


def _base_item(base: Any, key: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(key, str):
        return base.get(key, _NO_BASE)
    if isinstance(base, list) and isinstance(key, int) and 0 <= key < len(base):
        return base[key]
    return _NO_BASE


def _merge(old: Any, new: Any, base: Any = _NO_BASE) -> Any:
    """``old`` (parsed YAML) changed where ``new`` differs from ``base`` (the model's view of
    ``old``), in place where possible. Returns ``old`` itself when nothing changed."""
    try:
        if base is not _NO_BASE and new == base:
            return old
    except RecursionError:
        pass
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        for key in [k for k in old if k not in new]:
            _delete_key(old, key)
        for key, value in new.items():
            if key in old:
                merged = _merge(old[key], value, _base_item(base, key))
                if merged is not old[key]:
                    _keep_comment_gap(old, key, old[key], merged)
                    old[key] = merged
            else:
                old.insert(_insert_position(old, new, key), key, _commented(value))
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        return _merge_list(old, new, base)
    if _same(old, new):
        return old
    if isinstance(old, ScalarString) and isinstance(new, str):
        return type(old)(new)  # keep the quoting or block style the author chose
    return _commented(new)


def _keep_comment_gap(mapping: CommentedMap, key: Any, before: Any, after: Any) -> None:
    """A comment after a value that grows keeps its distance (``x  # note``), not one space."""
    slot = mapping.ca.items.get(key)
    token = slot[2] if slot and len(slot) > 2 else None
    if token is None or not str(getattr(token, "value", "")).startswith("#"):
        return
    try:
        key_line, _ = mapping.lc.key(key)
        value_line, value_column = mapping.lc.value(key)
    except (KeyError, TypeError, AttributeError):
        return
    old_width, new_width = _scalar_width(before), _scalar_width(after)
    column = getattr(token, "column", None)
    if key_line != value_line or old_width is None or new_width is None or column is None:
        return
    gap = max(1, column - (value_column + old_width))
    token.column = max(column, value_column + new_width + gap)


def _scalar_width(value: Any) -> int | None:
    """Characters a one-line scalar takes in the file, or None for anything else."""
    if isinstance(value, CommentedMap | CommentedSeq | dt.date) or value is None:
        return None
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if "\n" in text:
        return None
    quoted = type(value).__name__ in ("DoubleQuotedScalarString", "SingleQuotedScalarString")
    return len(text) + (2 if quoted else 0)


def _insert_position(old: CommentedMap, new: Mapping[str, Any], key: str) -> int:
    """Just after the nearest key before it (in model order) that the file already has."""
    keys = list(new)
    existing = list(old)
    for earlier in reversed(keys[: keys.index(key)]):
        if earlier in old:
            return existing.index(earlier) + 1
    return 0


def _delete_key(old: CommentedMap, key: Any) -> None:
    """Delete a key; the comment lines after it (if it was last) stay for what follows."""
    keys = list(old)
    tail = old.ca.items.get(key)
    del old[key]
    old.ca.items.pop(key, None)
    if keys[-1] != key or len(keys) < 2 or not tail or len(tail) < 3 or tail[2] is None:
        return
    token = tail[2]
    lines_after = token.value.split("\n", 1)[1] if "\n" in token.value else ""
    last = keys[-2]
    if not lines_after.strip() or isinstance(old[last], CommentedMap | CommentedSeq):
        return
    slot = old.ca.items.setdefault(last, [None, None, None, None])
    if slot[2] is None:
        token.value = "\n" + lines_after
        slot[2] = token


def _merge_list(old: CommentedSeq, new: list[Any], base: Any = _NO_BASE) -> CommentedSeq:
    ids_old, ids_new = _ids(old), _ids(new)
    base_by_id: dict[Any, Any] = {}
    if isinstance(base, list) and _ids(base) is not None:
        base_by_id = {item["id"]: item for item in base}

    def base_of(index: int, ident: Any) -> Any:
        if base_by_id:
            return base_by_id.get(ident, _NO_BASE)
        return _base_item(base, index) if ids_old == ids_new else _NO_BASE

    if ids_old is not None and ids_new is not None and ids_old != ids_new:
        # only when the lines could not be moved (flow style lists, JSON): move the data
        by_id = dict(zip(ids_old, old, strict=True))
        items = [
            _merge(by_id[ident], value, base_of(n, ident)) if ident in by_id else _commented(value)
            for n, (ident, value) in enumerate(zip(ids_new, new, strict=True))
        ]
        old.ca.items.clear()
        del old[:]
        old.extend(items)
        return old
    if ids_old is None and isinstance(base, list) and len(base) != len(old):
        base = _NO_BASE  # positions no longer match what the model read
    for index, value in enumerate(new):
        if index < len(old):
            ident = ids_new[index] if ids_new is not None else None
            merged = _merge(old[index], value, base_of(index, ident))
            if merged is not old[index]:
                old[index] = merged
        else:
            old.append(_commented(value))
    del old[len(new) :]
    return old
