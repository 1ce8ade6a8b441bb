"""Conditions on answers: parse the mapping an author wrote, check it, and decide it.

The language (in ``if:`` of a transition or a decision rule):

- ``{forare: Ja}`` — the answer to field ``forare`` is ``Ja`` (for checkboxes: ``Ja`` is
  among the ticked options);
- ``{alder: {lt: 15}}`` — one operator per field: ``eq, ne, in, not_in, lt, lte, gt, gte,
  answered``; ``in``/``not_in`` take a list; ``answered`` takes true or false;
- several keys in one mapping must all hold;
- ``all: [...]``, ``any: [...]`` and ``not: {...}`` combine conditions.

An unanswered field (no value, empty text, nothing ticked) makes every test false except
``answered: false``, ``ne`` and ``not_in``, so a missing answer never takes a branch meant
for a given answer by accident.

Values compare as numbers when both sides read as numbers (``15``, ``"15"``, ``"1,5"``),
as dates for ``lt``/``lte``/``gt``/``gte`` against a date (``2025-06-01``, also written as
text in JSON files), and otherwise as trimmed text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from journeys.findings import phrase
from journeys.model import CONDITION_OPERATORS

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldTest:
    """``field op value``, e.g. ``alder lt 15``. ``path`` locates it in the file."""

    field: str
    op: str
    value: Any
    path: Path


@dataclass(frozen=True)
class AllOf:
    """Every part holds (also what several keys in one mapping mean)."""

    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Cond


Cond = FieldTest | AllOf | AnyOf | Not


@dataclass(frozen=True)
class ConditionProblem:
    """Something wrong in how a condition is written: where, a message code and values."""

    path: Path
    code: str
    params: dict[str, Any]


def parse_condition(raw: Any, path: Path = ()) -> tuple[Cond | None, list[ConditionProblem]]:
    """Turn a written condition into a tree; report every problem instead of raising."""
    problems: list[ConditionProblem] = []
    cond = _parse(raw, path, problems)
    return (cond if not problems else None), problems


def _parse(raw: Any, path: Path, problems: list[ConditionProblem]) -> Cond | None:
    if not isinstance(raw, Mapping) or not raw:
        problems.append(ConditionProblem(path, "condition-not-mapping", {"got": _kind(raw)}))
        return None
    parts: list[Cond] = []
    for key, value in raw.items():
        key_path = (*path, str(key))
        if not isinstance(key, str):
            problems.append(ConditionProblem(key_path, "condition-bad-key", {"key": str(key)}))
            continue
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                problems.append(
                    ConditionProblem(key_path, "condition-combinator-list", {"key": key})
                )
                continue
            sub = [_parse(v, (*key_path, i), problems) for i, v in enumerate(value)]
            kept = tuple(s for s in sub if s is not None)
            parts.append(AllOf(kept) if key == "all" else AnyOf(kept))
        elif key == "not":
            sub_cond = _parse(value, key_path, problems)
            if sub_cond is not None:
                parts.append(Not(sub_cond))
        elif isinstance(value, Mapping):
            if len(value) != 1:
                problems.append(
                    ConditionProblem(
                        key_path,
                        "condition-one-operator",
                        {"field": key, "count": len(value), "ops": ", ".join(CONDITION_OPERATORS)},
                    )
                )
                continue
            ((op, operand),) = value.items()
            op_path = (*key_path, str(op))
            if op not in CONDITION_OPERATORS:
                problems.append(
                    ConditionProblem(
                        op_path,
                        "condition-unknown-operator",
                        {
                            "op": str(op),
                            "ops": ", ".join(CONDITION_OPERATORS),
                            "suggestion": _closest(str(op), CONDITION_OPERATORS),
                        },
                    )
                )
                continue
            if op in ("in", "not_in") and not (isinstance(operand, list) and operand):
                problems.append(ConditionProblem(op_path, "condition-needs-list", {"op": op}))
                continue
            if op == "answered" and not isinstance(operand, bool):
                problems.append(ConditionProblem(op_path, "condition-answered-bool", {}))
                continue
            if op in ("lt", "lte", "gt", "gte"):
                bound = _orderable(operand)
                if bound is None:
                    problems.append(
                        ConditionProblem(
                            op_path, "condition-needs-number", {"op": op, "got": _shown(operand)}
                        )
                    )
                    continue
                parts.append(FieldTest(key, op, bound, key_path))
                continue
            if operand is None or (op in ("in", "not_in") and None in operand):
                problems.append(
                    ConditionProblem(op_path, "condition-missing-value", {"field": key})
                )
                continue
            parts.append(FieldTest(key, op, _plain(operand), key_path))
        elif isinstance(value, list):
            problems.append(ConditionProblem(key_path, "condition-list-needs-in", {"field": key}))
        elif value is None:
            problems.append(ConditionProblem(key_path, "condition-missing-value", {"field": key}))
        else:
            parts.append(FieldTest(key, "eq", _plain(value), key_path))
    if len(parts) == 1:
        return parts[0]
    return AllOf(tuple(parts))


def _closest(word: str, choices: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return close[0] if close else None


def _orderable(value: Any) -> int | float | dt.date | None:
    """The bound of lt/lte/gt/gte as a number or a date, or None when it is neither.

    JSON has no dates, so an ISO date written as text (``"2025-06-01"``) is a date too.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, dt.date):
        return _plain(value)
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _plain(value: Any) -> Any:
    """Plain Python values (ruamel hands us its own str/int/list subclasses)."""
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _kind(value: Any) -> Any:
    if value is None:
        return phrase("null")
    if isinstance(value, list):
        return phrase("list")
    if isinstance(value, Mapping):
        return phrase("empty-mapping")
    return f"'{_shown(value)}'"


def field_tests(cond: Cond) -> Iterator[FieldTest]:
    """Every field test in a condition, depth first, in the order written."""
    if isinstance(cond, FieldTest):
        yield cond
    elif isinstance(cond, AllOf | AnyOf):
        for part in cond.parts:
            yield from field_tests(part)
    else:
        yield from field_tests(cond.part)


def evaluate(cond: Cond, answers: Mapping[str, Any]) -> bool:
    """Decide a condition on the answers given so far (field id → value)."""
    if isinstance(cond, AllOf):
        return all(evaluate(p, answers) for p in cond.parts)
    if isinstance(cond, AnyOf):
        return any(evaluate(p, answers) for p in cond.parts)
    if isinstance(cond, Not):
        return not evaluate(cond.part, answers)
    return _test(cond, answers)


def _is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_is_answered(v) for v in value)
    return True


def _test(t: FieldTest, answers: Mapping[str, Any]) -> bool:
    value = answers.get(t.field)
    answered = _is_answered(value)
    if t.op == "answered":
        return answered == bool(t.value)
    if not answered:
        return t.op in ("ne", "not_in")
    if isinstance(value, list | tuple | set | frozenset):  # checkboxes: the ticked options
        chosen = {_norm(v) for v in value if _is_answered(v)}
        if t.op == "eq":
            return _norm(t.value) in chosen
        if t.op == "ne":
            return _norm(t.value) not in chosen
        if t.op == "in":
            return bool(chosen & {_norm(v) for v in t.value})
        if t.op == "not_in":
            return not (chosen & {_norm(v) for v in t.value})
        return False
    if t.op == "eq":
        return _norm(value) == _norm(t.value)
    if t.op == "ne":
        return _norm(value) != _norm(t.value)
    if t.op == "in":
        return _norm(value) in {_norm(v) for v in t.value}
    if t.op == "not_in":
        return _norm(value) not in {_norm(v) for v in t.value}
    left, right = _comparable(value, t.value)
    if left is None or right is None:
        return False
    if t.op == "lt":
        return left < right
    if t.op == "lte":
        return left <= right
    if t.op == "gt":
        return left > right
    return left >= right


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def _norm(value: Any) -> Any:
    """Compare numbers as numbers and everything else as trimmed text."""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if not math.isnan(value) else "nan"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    number = (
        text.replace("\u2212", "-").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    )
    if _NUMBER.match(number):
        number = number.replace(",", ".")
        return float(number) if "." in number else int(number)
    return text


def _comparable(value: Any, bound: Any) -> tuple[Any, Any]:
    if isinstance(bound, dt.date):
        if isinstance(value, dt.datetime):
            return value.date(), bound
        if isinstance(value, dt.date):
            return value, bound
        try:
            return dt.date.fromisoformat(str(value).strip()), bound
        except ValueError:
            return None, None
    number = _norm(value)
    if isinstance(number, int | float) and not isinstance(number, bool):
        return number, bound
    return None, None
