"""The engine the citizen pages run on: read a submitted form, decide where to go next.

Everything here is total: odd input (a list where a string was expected, a number that is
not a number, a step id that does not exist, a condition that does not parse) gives an
error message for the citizen, a ``False`` condition or an empty result, never an exception.

- :func:`read_form` checks one screen's answers against the journey's rules and gives the
  cleaned answers, the errors in field order (GOV.UK-style Swedish messages: the journey's
  own, or a default that says how to fix it) and a status per field that never holds
  anything the citizen typed (only chosen option values), so it is safe to store.
- :func:`next_step` and :func:`decide` follow transitions and decision rules: the first
  whose condition holds wins.
- :func:`planned_path`, :func:`progress`, :func:`summary_rows` and :func:`answers_on_path`
  serve the progress line, the check-answers page and changing an answer.

Answers are keyed by field id. Text-like fields, radios, select and yes/no (``Ja``/``Nej``)
hold a string, numbers the text as typed, dates ``YYYY-MM-DD``, checkboxes a list of the
chosen option values, and a file field the placeholder :data:`FILE_PLACEHOLDER`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections import deque
from collections.abc import Hashable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel

from journeys import (
    DecisionStep,
    FieldType,
    FormField,
    Journey,
    OfflineStep,
    ScreenStep,
    evaluate,
    parse_condition,
    resolve_date,
    successors,
)

Answers = dict[str, Any]
"""Field id → answer: a string, or a list of strings for checkboxes."""

AnyStep = ScreenStep | DecisionStep | OfflineStep

FILE_PLACEHOLDER = "vald fil"
"""The answer of a file field when a file was chosen: never the file name or content."""

NOT_ANSWERED = "Inte besvarad"
"""How an empty optional answer reads on the check-answers page."""

CHOICE_TYPES = frozenset({FieldType.radios, FieldType.checkboxes, FieldType.select})
_CHOSEN_TYPES = CHOICE_TYPES | {FieldType.yesno}
"""Fields whose answer is one of a fixed set of values (safe to record in a status)."""

MSG_CHOOSE_ONE = "Välj ett av alternativen"
MSG_CHOOSE_MANY = "Välj bland alternativen"
MSG_EMAIL = "Ange en e-postadress i rätt format, till exempel namn@exempel.se"
MSG_PHONE = "Ange ett telefonnummer, till exempel 070-123 45 67"
MSG_PERSONNUMMER = "Ange ett personnummer med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN"

_MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


class FieldError(BaseModel):
    """An answer that cannot be accepted, with the message shown next to the field."""

    field_id: str
    message: str


class FieldStatus(BaseModel):
    """What may be recorded about an answer: filled, empty or error, and a chosen option.

    ``option`` is only set for radios, checkboxes, select and yes/no with valid answers
    (several values joined with ``|``); it never holds text the citizen typed.
    """

    field_id: str
    status: Literal["filled", "empty", "error"]
    option: str | None = None


class Submission(BaseModel):
    """One screen's form, read and checked.

    ``answers`` holds this screen's cleaned answers (empty optional fields left out). When
    there are errors it still holds what was typed in text-like fields, so the page can show
    it again; store the answers only when :attr:`ok`.
    """

    answers: Answers
    errors: list[FieldError]
    statuses: list[FieldStatus]

    @property
    def ok(self) -> bool:
        """True when every answer was accepted."""
        return not self.errors


class Decision(BaseModel):
    """The outcome of a decision step for these answers, and where the journey goes on."""

    outcome: str
    explanation: str | None = None
    goto: str
    rule_index: int


class SummaryRow(BaseModel):
    """One row of the check-answers page: the question and the answer, formatted for people."""

    step_id: str
    field_id: str
    label: str
    value: str


# --- reading a form -------------------------------------------------------------------------


def read_form(step: ScreenStep, form: Mapping[str, Any], *, today: dt.date) -> Submission:
    """Read one screen's submitted form (field id → list of values) and check every rule.

    Values are trimmed; keys that are not fields of the screen are ignored. Dates are
    resolved against ``today`` (rules like ``today-18y``).
    """
    answers: Answers = {}
    errors: list[FieldError] = []
    statuses: list[FieldStatus] = []
    for f in _fields(step):
        values = _form_values(form, f.id)
        if f.type == FieldType.textarea:
            values = [v.replace("\r\n", "\n").replace("\r", "\n") for v in values]
        values = [v.strip() for v in values]
        values = [v for v in values if v]
        if f.type == FieldType.checkboxes:
            answer, message = _read_checkboxes(f, values)
        elif not values:
            answer, message = None, None
        elif f.type == FieldType.file:
            answer, message = FILE_PLACEHOLDER, None
        else:
            answer, message = _read_one(f, values[0], today)
        if answer is None and message is None and f.is_required:
            message = required_message(f)
        if answer is not None:
            answers[f.id] = answer
        if message is not None:
            errors.append(FieldError(field_id=f.id, message=message))
            statuses.append(FieldStatus(field_id=f.id, status="error"))
        elif answer is None:
            statuses.append(FieldStatus(field_id=f.id, status="empty"))
        else:
            statuses.append(FieldStatus(field_id=f.id, status="filled", option=_option(f, answer)))
    return Submission(answers=answers, errors=errors, statuses=statuses)


def _fields(step: Any) -> list[FormField]:
    fields = getattr(step, "fields", None)
    return [f for f in fields if isinstance(f, FormField)] if isinstance(fields, list) else []


def _form_values(form: Any, key: str) -> list[str]:
    """The values sent for a key, from a plain mapping or a multi-dict with ``getlist``."""
    try:
        getlist = getattr(form, "getlist", None)
        raw = getlist(key) if callable(getlist) else form.get(key)
    except Exception:  # a form object we do not know: treat the key as not sent
        return []
    if raw is None:
        return []
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        return []
    return [str(v) for v in raw if isinstance(v, str | int | float) and not isinstance(v, bool)]


def required_message(f: FormField) -> str:
    """The message for a required field left empty: the journey's own, or a default."""
    if isinstance(f.required, str) and f.required.strip():
        return f.required.strip()
    return f"Svara på frågan: {f.label.strip()}"


def _read_checkboxes(f: FormField, values: list[str]) -> tuple[list[str] | None, str | None]:
    if not values:
        return None, None
    options = f.option_values()
    if options is None:
        return list(dict.fromkeys(values)), None
    chosen: set[str] = set()
    for value in values:
        match = _match_option(value, options)
        if match is None:
            return None, MSG_CHOOSE_MANY
        chosen.add(match)
    return [o for o in options if o in chosen], None


def _match_option(value: str, options: list[str]) -> str | None:
    """The option a value stands for: exactly, or ignoring case (``ja`` is ``Ja``)."""
    if value in options:
        return value
    folded = value.casefold()
    return next((o for o in options if o.strip().casefold() == folded), None)


def _read_one(f: FormField, value: str, today: dt.date) -> tuple[str | None, str | None]:
    """The cleaned answer and an error message (None when the answer is accepted).

    A refused choice gives no answer (it is not an option to show again); refused typed
    text is given back as typed, so the page can show it with the message.
    """
    kind = f.type
    if kind in (FieldType.radios, FieldType.select, FieldType.yesno):
        options = f.option_values()
        if options is None:
            return value, None
        match = _match_option(value, options)
        return (match, None) if match is not None else (None, MSG_CHOOSE_ONE)
    if kind == FieldType.number:
        return _read_number(f, value)
    if kind == FieldType.date:
        return _read_date(f, value, today)
    return value, _text_problem(f, value)


def _text_problem(f: FormField, value: str) -> str | None:
    """The journey's own rules first (they say the most), then the type's format check."""
    if f.min_length is not None and len(value) < f.min_length.value:
        return f.min_length.message
    if f.max_length is not None and len(value) > f.max_length.value:
        return f.max_length.message
    if f.pattern is not None and not _fullmatch(f.pattern.value, value):
        return f.pattern.message
    if f.type == FieldType.personnummer and not is_personnummer(value):
        return MSG_PERSONNUMMER
    if f.type == FieldType.email and not _EMAIL.match(value):
        return MSG_EMAIL
    if f.type == FieldType.phone and not _is_phone(value):
        return MSG_PHONE
    return None


def _fullmatch(pattern: str, value: str) -> bool:
    """Whether the whole value matches; a pattern that does not compile does not apply."""
    try:
        return re.fullmatch(pattern, value) is not None
    except (re.error, RecursionError, OverflowError, ValueError):
        return True


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
_PERSONNUMMER = re.compile(r"^(?:[0-9]{6}|[0-9]{8})[-+ ]?[0-9]{4}$")


def _is_phone(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return bool(_PHONE.match(value)) and 6 <= digits <= 15


def is_personnummer(value: str) -> bool:
    """10 or 12 digits, optionally with ``-`` or ``+`` before the last four, and the Luhn
    check digit right (``19121212-1212``, ``121212-1212``)."""
    text = value.strip()
    if not _PERSONNUMMER.match(text):
        return False
    digits = [int(c) for c in text if c.isdigit()][-10:]
    total = 0
    for i, digit in enumerate(digits):
        doubled = digit * 2 if i % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$")
_THIN_SPACES = ("\u202f", "\u2009")


def parse_number(text: str) -> Decimal | None:
    """A number as Swedes write it: ``1500``, ``1 500``, ``1500,50``, ``−5``; else None."""
    compact = str(text).strip().replace("\u2212", "-")
    for space in (" ", "\u00a0", *_THIN_SPACES):
        compact = compact.replace(space, "")
    if not _NUMBER.match(compact):
        return None
    try:
        return Decimal(compact.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _read_number(f: FormField, value: str) -> tuple[str, str | None]:
    # Narrow spaces become plain ones, which the condition language reads as numbers too.
    for space in _THIN_SPACES:
        value = value.replace(space, " ")
    number = parse_number(value)
    if number is None:
        return value, _not_a_number_message(f)
    if f.min is not None and _is_bound(f.min.value) and number < Decimal(str(f.min.value)):
        return value, f.min.message
    if f.max is not None and _is_bound(f.max.value) and number > Decimal(str(f.max.value)):
        return value, f.max.message
    return value, None


def _is_bound(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _not_a_number_message(f: FormField) -> str:
    low = f.min.value if f.min is not None and _is_bound(f.min.value) else -math.inf
    high = f.max.value if f.max is not None and _is_bound(f.max.value) else math.inf
    example = next((n for n in (1500, 2) if low <= n <= high), None)
    if example is None:
        example = math.ceil(low) if math.isfinite(low) else math.floor(high)
    label = f.label.strip().rstrip(":.")
    if not label or label.endswith("?"):
        return f"Svara med ett tal, till exempel {example}"
    return f"Ange {label[:1].lower()}{label[1:]} som ett tal, till exempel {example}"


_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_COMPACT_DATE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")


def parse_date(text: str) -> dt.date | None:
    """A date written ``2025-03-01`` (also ``2025-3-1``) or ``20250301``; else None."""
    match = _ISO_DATE.match(str(text).strip()) or _COMPACT_DATE.match(str(text).strip())
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _read_date(f: FormField, value: str, today: dt.date) -> tuple[str, str | None]:
    low = resolve_date(f.min_date.value, today) if f.min_date is not None else None
    high = resolve_date(f.max_date.value, today) if f.max_date is not None else None
    day = parse_date(value)
    if day is None:
        example = today
        if low is not None and example < low:
            example = low
        if high is not None and example > high:
            example = high
        shape = _ISO_DATE.match(value) or _COMPACT_DATE.match(value)
        start = "Ange ett datum som finns" if shape else "Ange datumet som år-månad-dag"
        return value, f"{start}, till exempel {example.isoformat()}"
    if f.min_date is not None and low is not None and day < low:
        return day.isoformat(), f.min_date.message
    if f.max_date is not None and high is not None and day > high:
        return day.isoformat(), f.max_date.message
    return day.isoformat(), None


def _option(f: FormField, answer: Any) -> str | None:
    """The chosen option value(s) of a choice field, joined with ``|``; None otherwise."""
    if f.type not in _CHOSEN_TYPES or f.option_values() is None:
        return None
    if isinstance(answer, list):
        return "|".join(answer)
    return answer if isinstance(answer, str) else None


# --- navigation -----------------------------------------------------------------------------


def holds(condition: Any, answers: Mapping[str, Any]) -> bool:
    """Whether a condition as written in the journey holds (None: always).

    A condition that does not parse never holds, nor does one that cannot be decided.
    """
    if condition is None:
        return True
    try:
        cond = _parsed(condition)
        return cond is not None and evaluate(cond, answers)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return False


_PARSED: dict[int, tuple[Any, Any]] = {}
_PARSED_MAX = 4096


def _parsed(condition: Any) -> Any:
    """The parsed tree of a written condition (None when it does not parse), kept by the
    condition object's identity: a page asks the same few conditions of a (cached,
    read-only) journey again and again. The entry holds the object itself, so its id
    cannot be taken by another object while the entry lives."""
    kept = _PARSED.get(id(condition))
    if kept is not None and kept[0] is condition:
        return kept[1]
    cond, _problems = parse_condition(condition)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[id(condition)] = (condition, cond)
    return cond


def next_step(journey: Journey, step_id: str, answers: Mapping[str, Any]) -> str | None:
    """The step after ``step_id`` with these answers: the first transition whose condition
    holds (a decision: :func:`decide`). None for an end step, an unknown step, or when no
    condition holds."""
    step = journey.step(step_id)
    if step is None:
        return None
    if isinstance(step, DecisionStep):
        return decide(step, answers).goto or None
    for transition in step.transitions():
        if holds(transition.if_, answers):
            return transition.goto
    return None


def decide(step: DecisionStep, answers: Mapping[str, Any]) -> Decision:
    """The first rule whose condition holds decides; a rule without ``if`` always holds.

    When no rule holds (a journey without a default rule), the last rule is used, so the
    prototype can always go on.
    """
    rules = list(step.rules)
    if not rules:
        return Decision(outcome="", explanation=None, goto="", rule_index=-1)
    index = next((i for i, r in enumerate(rules) if holds(r.if_, answers)), len(rules) - 1)
    rule = rules[index]
    return Decision(
        outcome=rule.outcome, explanation=rule.explanation, goto=rule.goto, rule_index=index
    )


def planned_path(
    journey: Journey, answers: Mapping[str, Any], *, start: str | None = None, limit: int = 500
) -> list[str]:
    """The steps a citizen passes with these answers, from ``start`` (default: the
    journey's first step) to an end step, stopping before a step would repeat (a loop) and
    after ``limit`` steps. Conditions on questions not answered yet do not hold.

    The last few paths are kept (a page asks for the same one more than once: the
    progress line and check-your-answers); treat the journey as read-only."""
    try:
        key: Hashable = (id(journey), start, limit, _frozen(answers))
        hash(key)
    except TypeError:  # an answer that is neither text nor a list of texts
        return _walk_path(journey, answers, start=start, limit=limit)
    kept = _PATHS.get(key)
    if kept is not None and kept[0] is journey:
        return list(kept[1])
    path = _walk_path(journey, answers, start=start, limit=limit)
    if len(_PATHS) >= _PATHS_MAX:
        _PATHS.clear()
    _PATHS[key] = (journey, path)
    return list(path)


_PATHS: dict[Hashable, tuple[Journey, list[str]]] = {}
_PATHS_MAX = 512


def _frozen(answers: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items()))


def _walk_path(
    journey: Journey, answers: Mapping[str, Any], *, start: str | None = None, limit: int = 500
) -> list[str]:
    """:func:`planned_path`, computed."""
    current: str | None = start if start is not None else journey.first_step().id
    path: list[str] = []
    seen: set[str] = set()
    while current is not None and current not in seen and len(path) < limit:
        if journey.step(current) is None:
            break
        path.append(current)
        seen.add(current)
        current = next_step(journey, current, answers)
    return path


def progress(journey: Journey, answers: Mapping[str, Any], step_id: str) -> tuple[int, int]:
    """(position, total) for "Steg 3 av 8", counting screens only.

    On the planned path: the screen's place among its screens and how many there are. Off
    it (the answers changed, or the step was opened directly): the screens on the likeliest
    route to the step, plus those on the planned path from the step onwards. An unknown
    step counts as the first.
    """
    path = planned_path(journey, answers)
    if journey.step(step_id) is None:  # no such step: the start of the planned path
        return 1, max(1, sum(1 for s in path if _is_screen(journey, s)))
    if step_id in path:
        index = path.index(step_id)
        before, rest = path[:index], path[index:]
    else:
        before = _route_to(journey, path, step_id)
        rest = planned_path(journey, answers, start=step_id)
    screens_before = sum(1 for s in before if _is_screen(journey, s))
    screens_rest = sum(1 for s in rest if _is_screen(journey, s))
    position = screens_before + 1 if _is_screen(journey, step_id) else max(screens_before, 1)
    total = max(screens_before + screens_rest, position)
    return position, total


def _is_screen(journey: Journey, step_id: str) -> bool:
    return isinstance(journey.step(step_id), ScreenStep)


def _route_to(journey: Journey, path: list[str], step_id: str) -> list[str]:
    """The steps before ``step_id`` on the likeliest route: the planned path as far as the
    last step from which ``step_id`` can be reached, then the shortest way there."""
    graph = {s.id: [t for t in successors(s) if journey.step(t) is not None] for s in journey.steps}
    for i in range(len(path) - 1, -1, -1):
        way = _shortest(graph, path[i], step_id)
        if way is not None:
            return path[:i] + way[:-1]
    return []


def _shortest(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            way = [node]
            while (previous := came_from[way[-1]]) is not None:
                way.append(previous)
            return way[::-1]
        for target in graph.get(node, []):
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    return None


# --- check answers, changing answers, confirmation ------------------------------------------


def summary_rows(journey: Journey, answers: Mapping[str, Any], path: list[str]) -> list[SummaryRow]:
    """Every question of every screen on the path, in order, with its answer for people:
    option labels rather than stored values, lists joined with ``, ``, dates as ``3 mars
    2025``, and :data:`NOT_ANSWERED` for an empty answer."""
    rows: list[SummaryRow] = []
    for step_id in dict.fromkeys(path):
        step = journey.step(step_id)
        if not isinstance(step, ScreenStep):
            continue
        for f in step.fields:
            rows.append(
                SummaryRow(
                    step_id=step.id,
                    field_id=f.id,
                    label=f.label,
                    value=format_answer(f, answers.get(f.id)),
                )
            )
    return rows


def format_answer(f: FormField, value: Any) -> str:
    """An answer as people read it on the check-answers page."""
    if isinstance(value, list | tuple):
        parts = [format_answer(f, v) for v in value]
        parts = [p for p in parts if p != NOT_ANSWERED]
        return ", ".join(parts) if parts else NOT_ANSWERED
    if value is None:
        return NOT_ANSWERED
    if isinstance(value, dt.date):
        return format_date_sv(value)
    text = str(value).strip()
    if not text:
        return NOT_ANSWERED
    if f.type == FieldType.date:
        day = parse_date(text)
        return format_date_sv(day) if day is not None else text
    if f.type in CHOICE_TYPES:
        for option in f.options or []:
            if not isinstance(option, str) and option.value == text and option.label:
                return option.label
    return text


def answers_on_path(journey: Journey, answers: Mapping[str, Any], path: list[str]) -> Answers:
    """Only the answers to questions on the screens of ``path``: what a change of answer
    that takes another branch leaves behind."""
    asked: set[str] = set()
    for step_id in path:
        step = journey.step(step_id)
        if isinstance(step, ScreenStep):
            asked.update(f.id for f in step.fields)
    return {key: value for key, value in answers.items() if key in asked}


def case_number(*, now: dt.datetime, rng: random.Random) -> str:
    """A made-up case number that is clearly not real: ``TEST-2026-48213``."""
    return f"TEST-{now.year}-{rng.randint(10000, 99999)}"


def format_date_sv(d: dt.date) -> str:
    """A date as Swedes write it in running text: ``3 mars 2025``."""
    return f"{d.day} {_MONTHS_SV[d.month - 1]} {d.year}"
