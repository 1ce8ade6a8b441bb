"""Journey files: read YAML or JSON with positions, check their shape, and write them back.

Reading uses ruamel.yaml's round-trip mode, so every mapping and list remembers its line
and column (for findings) and its comments (for saving). JSON is read by the same parser
(JSON is YAML 1.2); JSON the YAML parser refuses (tabs) falls back to :mod:`json`.

Shape problems found by the pydantic models are turned into :class:`Finding` objects with a
location and a message in Swedish or English. Reading never raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
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

from journeys.findings import Finding, Severity
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

    def locate(self, path: DataPath) -> tuple[int, int] | None:
        """1-based (line, column) of a path in the file, as near as it can be found."""
        return locate(self.data, path)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def read_file(path: str | Path) -> JourneyDocument:
    """Read and shape-check a journey file. Problems become findings, never exceptions."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return JourneyDocument("", name, None, None, [_file_finding(name, reason)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        reason = "den är inte UTF-8-kodad text"
        return JourneyDocument("", name, None, None, [_file_finding(name, reason)])
    return read_text(text, file=name)


def _file_finding(name: str, reason: str) -> Finding:
    return Finding(
        severity=Severity.error, code="file-unreadable", params={"reason": reason}, file=name
    )


def read_text(text: str, *, file: str | None = None) -> JourneyDocument:
    """Parse journey text (YAML or JSON) and check its shape against the model."""
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
                    params={"problem": jexc.msg},
                    file=file,
                    line=jexc.lineno,
                    column=jexc.colno,
                )
                return JourneyDocument(text, file, None, None, [finding])
        else:
            return _syntax_failure(text, file, exc, code="yaml-syntax")
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        return JourneyDocument(text, file, None, None, [_file_finding(file or "", str(exc))])
    return check_shape(data, text=text, file=file)


def _syntax_failure(text: str, file: str | None, exc: Exception, *, code: str) -> JourneyDocument:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    params: dict[str, Any] = {"problem": problem}
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
        got = _type_key(data)
        finding = Finding(
            severity=Severity.error, code="not-a-journey", params={"got": got}, file=file
        )
        finding.line, finding.column = 1, 1
        return JourneyDocument(text, file, data, None, [finding])
    try:
        journey = Journey.model_validate(data)
    except ValidationError as exc:
        findings = _shape_findings(exc, data, file)
        return JourneyDocument(text, file, data, None, findings)
    except (RecursionError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        return JourneyDocument(text, file, data, None, [_file_finding(file or "", str(exc))])
    return JourneyDocument(text, file, data, journey, [])


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
}


def _shape_findings(exc: ValidationError, data: Any, file: str | None) -> list[Finding]:
    candidates: dict[DataPath, list[tuple[str | None, dict[str, Any]]]] = {}
    for err in exc.errors(include_url=False):
        path, branch = _data_path(err["loc"], data)
        candidates.setdefault(path, []).append((branch, err))
    findings: list[Finding] = []
    for path, errors in candidates.items():
        value = _get(data, path)
        fitting = [e for b, e in errors if b is None or _branch_fits(b, value)] or [
            e for _, e in errors
        ]
        seen: set[tuple[str, str]] = set()
        for err in fitting:
            finding = _shape_finding(err, path, data, file)
            key = (finding.code, repr(sorted(finding.params.items())))
            if key in seen:
                continue
            seen.add(key)
            findings.append(finding)
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return findings


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[DataPath, str | None]:
    """Drop pydantic's union branch labels from an error location; return the first label."""
    path: list[str | int] = []
    branch: str | None = None
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, Mapping):
            if isinstance(part, str) and part in STEP_KINDS and node.get("kind") == part:
                continue
            if isinstance(part, str) and (part in node or last):
                path.append(part)
                node = node.get(part)
                continue
        elif isinstance(node, list) and isinstance(part, int):
            path.append(part)
            node = node[part] if 0 <= part < len(node) else None
            continue
        if branch is None and isinstance(part, str):
            branch = part
    return tuple(path), branch


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
    params: dict[str, Any]
    suggestion: str | None = None
    if kind == "missing":
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
        close = difflib.get_close_matches(str(value.get("kind")), STEP_KINDS, n=1, cutoff=0.5)
        suggestion = close[0] if close else None
        code, params = "bad-kind", {"value": value.get("kind")}
        path = (*path, "kind")
    elif kind == "union_tag_not_found":
        code, params = "missing-kind", {}
    elif kind in _TYPE_ERRORS:
        code = "wrong-type"
        params = {"key": key, "expected": _TYPE_ERRORS[kind], "got": _type_key(value)}
    elif kind in ("string_too_short", "too_short"):
        code, params = "too-short", {"key": key}
    else:
        code, params = "out-of-range", {"key": key, "detail": err.get("msg", kind)}
    finding = Finding(
        severity=Severity.error,
        code=code,
        params=params,
        path=path,
        step_id=_step_id(data, path),
        file=file,
        suggestion=suggestion,
    )
    position = locate(data, path)
    if position:
        finding.line, finding.column = position
    return finding


def _parent_key(path: DataPath) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "journey"


def _type_key(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


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


def dump_yaml(data: Any) -> str:
    """Write parsed (round-trip) data back as YAML, comments and key order kept."""
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def journey_dict(journey: Journey) -> dict[str, Any]:
    """The journey as plain data in file form: only keys that were set, aliases as written."""
    return journey.model_dump(mode="json", by_alias=True, exclude_unset=True)


def to_yaml(journey: Journey) -> str:
    """Clean, readable YAML for a journey that has no file of its own (e.g. from the store)."""
    return dump_yaml(_commented(journey_dict(journey)))


def to_json(journey: Journey) -> str:
    """Pretty JSON for a journey."""
    return json.dumps(journey_dict(journey), ensure_ascii=False, indent=2) + "\n"


def _commented(value: Any) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _commented(v)
        return out
    if isinstance(value, list):
        return CommentedSeq([_commented(v) for v in value])
    return value


def save(document: JourneyDocument, journey: Journey) -> str:
    """The document's YAML with the journey's changes merged in.

    Untouched parts keep their comments, key order, quoting and formatting; only what
    changed is rewritten. List items with an ``id`` are matched by id, so reordering steps
    moves their comments with them.
    """
    new = journey_dict(journey)
    if not isinstance(document.data, CommentedMap):
        return to_yaml(journey)
    merged = _merge(document.data, new)
    return dump_yaml(merged)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, dt.date) and isinstance(new, str):
        return old.isoformat() == new
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new or (isinstance(old, bool) and isinstance(new, bool) and old == new)
    if isinstance(old, int | float) and isinstance(new, int | float):
        return float(old) == float(new)
    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new
    return False


def _merge(old: Any, new: Any) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        for key in [k for k in old if k not in new]:
            del old[key]
        for position, (key, value) in enumerate(new.items()):
            if key in old:
                merged = _merge(old[key], value)
                if merged is not old[key]:
                    old[key] = merged
            else:
                old.insert(min(position, len(old)), key, _commented(value))
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        return _merge_list(old, new)
    if _same(old, new):
        return old
    return _commented(new)


def _merge_list(old: CommentedSeq, new: list[Any]) -> CommentedSeq:
    def ident(item: Any) -> Any:
        return item.get("id") if isinstance(item, Mapping) else None

    ids_old = [ident(i) for i in old]
    ids_new = [ident(i) for i in new]
    if all(ids_old) and all(ids_new) and len(set(ids_old)) == len(ids_old):
        by_id = {ident(item): (index, item) for index, item in enumerate(old)}
        comments = {ident(item): old.ca.items.get(index) for index, item in enumerate(old)}
        items = []
        for value in new:
            if ident(value) in by_id:
                items.append(_merge(by_id[ident(value)][1], value))
            else:
                items.append(_commented(value))
        old.ca.items.clear()
        del old[:]
        for index, item in enumerate(items):
            old.append(item)
            comment = comments.get(ident(item)) if isinstance(item, Mapping) else None
            if comment is not None:
                old.ca.items[index] = comment
        return old
    for index, value in enumerate(new):
        if index < len(old):
            merged = _merge(old[index], value)
            if merged is not old[index]:
                old[index] = merged
        else:
            old.append(_commented(value))
    del old[len(new) :]
    return old
