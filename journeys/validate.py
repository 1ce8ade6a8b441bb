"""Validation beyond the schema: everything that needs the whole journey.

:func:`validate_file` and :func:`validate_text` read a file, check its shape and then run
:func:`check_journey`, which looks at ids, targets, reachability, ends, conditions (asked
earlier on every path, with values the field can take), field rules, standard patterns,
readability (LIX) and the journey map order. Every finding is located. Nothing here raises
on bad input: problems are findings.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeys.conditions import Cond, FieldTest, field_tests, parse_condition
from journeys.files import DataPath, JourneyDocument, read_file, read_text
from journeys.findings import Finding, Severity, phrase
from journeys.model import (
    CHOICE_TYPES,
    CONDITION_COMBINATORS,
    DecisionRule,
    DecisionStep,
    FieldType,
    FormField,
    Journey,
    OfflineStep,
    Pattern,
    ScreenStep,
    Transition,
    is_end,
    resolve_date,
    successors,
)
from journeys.readability import MIN_WORDS, Readability, lix

MAX_FIELDS_PER_SCREEN = 10
"""More questions than this on one screen gives a warning (GOV.UK: one thing per page)."""

AnyStep = ScreenStep | DecisionStep | OfflineStep

TEXT_TYPES = frozenset(
    {FieldType.text, FieldType.textarea, FieldType.personnummer, FieldType.email, FieldType.phone}
)
RULE_TYPES: dict[str, frozenset[FieldType]] = {
    "min_length": TEXT_TYPES,
    "max_length": TEXT_TYPES,
    "pattern": TEXT_TYPES,
    "min": frozenset({FieldType.number}),
    "max": frozenset({FieldType.number}),
    "min_date": frozenset({FieldType.date}),
    "max_date": frozenset({FieldType.date}),
}
"""Which field types each validation rule applies to."""

_RULE_FAMILIES = (("min_length", "min", "min_date"), ("max_length", "max", "max_date"))


def _fitting_rule(rule: str, kind: FieldType) -> str | None:
    """The rule that does for ``kind`` what ``rule`` does for another type (min → min_length)."""
    for family in _RULE_FAMILIES:
        if rule in family:
            return next((r for r in family if kind in RULE_TYPES[r]), None)
    return None


@dataclass
class Report:
    """The outcome of validating one journey file."""

    file: str | None
    journey: Journey | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """Findings that stop publishing."""
        return [f for f in self.findings if f.severity == Severity.error]

    @property
    def warnings(self) -> list[Finding]:
        """Advice."""
        return [f for f in self.findings if f.severity == Severity.warning]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors


def validate_file(path: str | Path) -> Report:
    """Read, shape-check and validate a journey file."""
    return validate_document(read_file(path))


def validate_text(text: str, *, file: str | None = None) -> Report:
    """Validate journey text (YAML or JSON)."""
    return validate_document(read_text(text, file=file))


def validate_document(document: JourneyDocument) -> Report:
    """Validate a document already read: shape findings, then the whole-journey checks."""
    findings = list(document.findings)
    if document.journey is not None:
        findings.extend(check_journey(document.journey, locate=document.locate, file=document.file))
    return Report(document.file, document.journey, findings)


def check_journey(
    journey: Journey,
    *,
    locate: Callable[[DataPath], tuple[int, int] | None] | None = None,
    file: str | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """Every whole-journey finding, located when a ``locate`` function is given."""
    checker = _Checker(journey, today or dt.date.today())
    checker.run()
    for finding in checker.findings:
        finding.file = file
        if locate is not None:
            position = locate(finding.path)
            if position:
                finding.line, finding.column = position
    order = {Severity.error: 0, Severity.warning: 1}
    return sorted(checker.findings, key=lambda f: (f.line or 0, order[f.severity], f.column or 0))


def _suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, if any is close; a difference only in case always is."""
    candidates = [c for c in candidates if c != word]
    same_but_case = [c for c in candidates if c.casefold() == word.casefold()]
    if same_but_case:
        return same_but_case[0]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


class _Checker:
    def __init__(self, journey: Journey, today: dt.date) -> None:
        self.j = journey
        self.today = today
        self.findings: list[Finding] = []
        self.index = {s.id: i for i, s in reversed(list(enumerate(journey.steps)))}
        self.fields: dict[str, tuple[int, int, ScreenStep, FormField]] = {}

    # helpers -----------------------------------------------------------------------------
    def add(
        self,
        severity: Severity,
        code: str,
        path: DataPath,
        *,
        step: AnyStep | None = None,
        suggestion: str | None = None,
        **params: Any,
    ) -> None:
        self.findings.append(
            Finding(
                severity=severity,
                code=code,
                params=params,
                path=path,
                step_id=step.id if step else None,
                suggestion=suggestion,
            )
        )

    def error(self, code: str, path: DataPath, **kw: Any) -> None:
        self.add(Severity.error, code, path, **kw)

    def warn(self, code: str, path: DataPath, **kw: Any) -> None:
        self.add(Severity.warning, code, path, **kw)

    # the checks --------------------------------------------------------------------------
    def run(self) -> None:
        self.check_ids()
        self.check_references()
        self.check_transitions()
        for i, step in enumerate(self.j.steps):
            if isinstance(step, ScreenStep):
                self.check_screen(i, step)
            if isinstance(step, ScreenStep | OfflineStep):
                self.check_readability(i, step)
        reachable = self.check_graph()
        self.check_conditions(reachable)
        self.check_phases()

    def check_ids(self) -> None:
        seen_phase: set[str] = set()
        for i, phase in enumerate(self.j.phases):
            if phase.id in seen_phase:
                self.error("duplicate-phase-id", ("phases", i, "id"), id=phase.id)
            seen_phase.add(phase.id)
        seen_actor: set[str] = set()
        for i, actor in enumerate(self.j.actors or []):
            if actor.id in seen_actor:
                self.error("duplicate-actor-id", ("actors", i, "id"), id=actor.id)
            seen_actor.add(actor.id)
        for i, step in enumerate(self.j.steps):
            first = self.index[step.id]
            if first != i:
                self.error(
                    "duplicate-step-id",
                    ("steps", i, "id"),
                    step=step,
                    id=step.id,
                    first=first + 1,
                )
            if not isinstance(step, ScreenStep):
                continue
            for k, f in enumerate(step.fields):
                if f.id in CONDITION_COMBINATORS:
                    self.error(
                        "reserved-field-id", ("steps", i, "fields", k, "id"), step=step, id=f.id
                    )
                if f.id in self.fields:
                    self.error(
                        "duplicate-field-id",
                        ("steps", i, "fields", k, "id"),
                        step=step,
                        id=f.id,
                        first=self.fields[f.id][2].id,
                    )
                else:
                    self.fields[f.id] = (i, k, step, f)

    def check_references(self) -> None:
        phase_ids = list(dict.fromkeys(p.id for p in self.j.phases))
        actor_ids = list(dict.fromkeys(a.id for a in self.j.all_actors()))
        if self.j.start is not None and self.j.start not in self.index:
            self.error(
                "unknown-start",
                ("start",),
                target=self.j.start,
                suggestion=_suggest(self.j.start, self.index),
            )
        for i, step in enumerate(self.j.steps):
            if step.phase is not None and step.phase not in phase_ids:
                self.error(
                    "unknown-phase",
                    ("steps", i, "phase"),
                    step=step,
                    phase=step.phase,
                    known=", ".join(phase_ids) or phrase("none-yet"),
                    suggestion=_suggest(step.phase, phase_ids),
                )
            elif step.phase is None and phase_ids:
                self.warn("missing-phase", ("steps", i), step=step, id=step.id)
            refs = [("actor", step.actor)]
            if isinstance(step, OfflineStep):
                refs.append(("receiver", step.receiver))
            for key, actor in refs:
                if actor is not None and actor not in actor_ids:
                    self.error(
                        "unknown-actor",
                        ("steps", i, key),
                        step=step,
                        actor=actor,
                        known=", ".join(actor_ids) or phrase("none-yet"),
                        suggestion=_suggest(actor, actor_ids),
                    )

    def _target(self, path: DataPath, step: AnyStep, target: str) -> None:
        if target not in self.index:
            self.error(
                "unknown-target",
                path,
                step=step,
                target=target,
                suggestion=_suggest(target, self.index),
            )

    def _empty_if(self, path: DataPath, step: AnyStep, entry: Transition | DecisionRule) -> None:
        """``if:`` written with nothing after it reads as "always": almost never meant."""
        if entry.if_ is None and "if_" in entry.model_fields_set:
            self.error("empty-condition", (*path, "if"), step=step)

    def check_transitions(self) -> None:
        for i, step in enumerate(self.j.steps):
            if isinstance(step, DecisionStep):
                default_seen = False
                for r, rule in enumerate(step.rules):
                    path = ("steps", i, "rules", r)
                    if default_seen:
                        self.warn("unreachable-rule", path, step=step)
                    if rule.if_ is None:
                        default_seen = True
                    self._empty_if(path, step, rule)
                    self._target((*path, "goto"), step, rule.goto)
                if not default_seen:
                    self.error(
                        "decision-without-default",
                        ("steps", i, "rules", len(step.rules) - 1),
                        step=step,
                    )
                continue
            if isinstance(step.next, str):
                self._target(("steps", i, "next"), step, step.next)
                continue
            if step.next is None:
                continue
            if not step.next:
                self.error("empty-next", ("steps", i, "next"), step=step)
                continue
            default_seen = False
            for t, transition in enumerate(step.next):
                path = ("steps", i, "next", t)
                if default_seen:
                    self.warn("unreachable-transition", path, step=step)
                if transition.if_ is None:
                    default_seen = True
                self._empty_if(path, step, transition)
                self._target((*path, "goto"), step, transition.goto)
            if not default_seen:
                self.error(
                    "next-without-default", ("steps", i, "next", len(step.next) - 1), step=step
                )

    def check_screen(self, i: int, step: ScreenStep) -> None:
        for k, f in enumerate(step.fields):
            self.check_field(("steps", i, "fields", k), step, f)
        if len(step.fields) > MAX_FIELDS_PER_SCREEN:
            self.warn(
                "too-many-fields",
                ("steps", i, "fields"),
                step=step,
                id=step.id,
                count=len(step.fields),
                limit=MAX_FIELDS_PER_SCREEN,
            )
        if step.fields and step.pattern in (
            Pattern.check_answers,
            Pattern.confirmation,
            Pattern.e_id,
        ):
            self.warn(
                "fields-on-pattern", ("steps", i, "fields"), step=step, pattern=step.pattern.value
            )
        if step.fields and is_end(step):
            self.warn("fields-on-end-step", ("steps", i), step=step, id=step.id)
        if step.pattern == Pattern.confirmation and not is_end(step):
            for target in successors(step):
                target_step = self.j.step(target)
                if target_step is not None and not isinstance(target_step, OfflineStep):
                    self.warn(
                        "confirmation-not-end", ("steps", i, "next"), step=step, target=target
                    )
                    break
        first = self.j.first_step()
        if step.pattern == Pattern.start and step.id != first.id:
            self.warn(
                "start-not-first",
                ("steps", i, "pattern"),
                step=step,
                first=first.id,
                id=step.id,
            )

    def check_field(self, path: DataPath, step: ScreenStep, f: FormField) -> None:
        kind = f.type
        values = f.option_values()
        if kind in CHOICE_TYPES and not f.options:
            self.error("options-missing", (*path, "type"), step=step, id=f.id, type=kind.value)
        if kind not in CHOICE_TYPES and f.options is not None:
            self.error(
                "options-not-allowed", (*path, "options"), step=step, id=f.id, type=kind.value
            )
        if kind in CHOICE_TYPES and values:
            seen: set[str] = set()
            for o, value in enumerate(values):
                if value in seen:
                    self.error(
                        "duplicate-option", (*path, "options", o), step=step, id=f.id, value=value
                    )
                seen.add(value)
            if len(values) == 1 and kind != FieldType.checkboxes:
                self.warn("too-few-options", (*path, "options"), step=step, id=f.id)
        if f.required is True or (isinstance(f.required, str) and not f.required.strip()):
            self.warn(
                "required-without-message",
                (*path, "required"),
                step=step,
                example=_required_example(f),
            )
        for rule, types in RULE_TYPES.items():
            if getattr(f, rule) is not None and kind not in types:
                self.error(
                    "rule-not-for-type",
                    (*path, rule),
                    step=step,
                    rule=rule,
                    type=kind.value,
                    applies=", ".join(t.value for t in FieldType if t in types),
                    suggestion=_fitting_rule(rule, kind),
                )
        for low, high in (("min_length", "max_length"), ("min", "max")):
            lo, hi = getattr(f, low), getattr(f, high)
            if lo is not None and hi is not None and lo.value > hi.value:
                self.error(
                    "min-above-max",
                    (*path, low),
                    step=step,
                    low=low,
                    high=high,
                    low_value=_yaml_text(lo.value),
                    high_value=_yaml_text(hi.value),
                )
        dates: dict[str, dt.date] = {}
        for rule in ("min_date", "max_date"):
            r = getattr(f, rule)
            if r is None:
                continue
            resolved = resolve_date(r.value, self.today)
            if resolved is None:
                self.error("bad-date", (*path, rule, "value"), step=step, value=r.value)
            else:
                dates[rule] = resolved
        if len(dates) == 2 and dates["min_date"] > dates["max_date"]:
            self.error(
                "min-above-max",
                (*path, "min_date"),
                step=step,
                low="min_date",
                high="max_date",
                low_value=f.min_date.value if f.min_date else "",
                high_value=f.max_date.value if f.max_date else "",
            )
        if f.pattern is not None:
            try:
                re.compile(f.pattern.value)
            except (re.error, RecursionError, OverflowError) as exc:
                self.error(
                    "bad-regex",
                    (*path, "pattern", "value"),
                    step=step,
                    pattern=f.pattern.value,
                    reason=_regex_reason(str(getattr(exc, "msg", exc))),
                )

    def check_readability(self, i: int, step: ScreenStep | OfflineStep) -> None:
        result = step_readability(step)
        if result is None or result.lix <= self.j.lix_target:
            return
        quoted = " / ".join(f"«{_shorten(s)}»" for s in result.longest[:2])
        path: DataPath = ("steps", i, "body") if step.body else ("steps", i)
        self.warn(
            "lix-too-high",
            path,
            step=step,
            lix=f"{result.lix:.0f}",
            target=self.j.lix_target,
            sentences=quoted,
        )

    # graph -------------------------------------------------------------------------------
    def edges(self) -> dict[str, list[str]]:
        graph: dict[str, list[str]] = {}
        for step in self.j.steps:
            graph.setdefault(step.id, [t for t in successors(step) if t in self.index])
        return graph

    def check_graph(self) -> set[str]:
        graph = self.edges()
        start = self.j.first_step().id
        reachable = _reach(graph, start)
        for i, step in enumerate(self.j.steps):
            if step.id not in reachable and self.index[step.id] == i:
                self.error("unreachable-step", ("steps", i), step=step, id=step.id, start=start)
        ends = {s.id for s in self.j.steps if is_end(s)}
        if not ends:
            self.error("no-end-step", ("steps",))
            return reachable
        # A step with an unknown target or an empty 'next' is already an error of its own;
        # counting it as an end here keeps one mistake from being reported over and over.
        broken = {
            s.id
            for s in self.j.steps
            if not is_end(s)
            and (not graph[s.id] or any(t not in self.index for t in successors(s)))
        }
        can_end = _reach(_reverse(graph), *(ends | broken))
        stuck = reachable - can_end
        reported: set[str] = set()
        for i, step in enumerate(self.j.steps):
            if self.index[step.id] != i or step.id not in stuck or step.id in reported:
                continue
            loop = _loop_from(graph, step.id)
            # every step that leads into this loop shares the mistake: report it once
            reported |= _reach(_reverse(graph), *loop) & stuck
            self.error("no-way-to-end", ("steps", i), step=step, id=step.id, loop=" → ".join(loop))
        return reachable

    def check_conditions(self, reachable: set[str]) -> None:
        graph = self.edges()
        start = self.j.first_step().id
        available = _available_fields(self.j, graph, start, reachable)
        for i, step in enumerate(self.j.steps):
            # a step with a duplicate id gets its conditions read, but where it is reached
            # from is unknown until the id is fixed
            duplicate = self.index[step.id] != i
            entries: list[tuple[DataPath, Any]] = []
            if isinstance(step, DecisionStep):
                entries = [
                    (("steps", i, "rules", r, "if"), rule.if_) for r, rule in enumerate(step.rules)
                ]
                known = available.get(step.id, (set(), set()))[0]
            else:
                if isinstance(step.next, list):
                    entries = [
                        (("steps", i, "next", t, "if"), tr.if_) for t, tr in enumerate(step.next)
                    ]
                known = available.get(step.id, (set(), set()))[1]
            for path, raw in entries:
                if raw is None:
                    continue
                cond, problems = parse_condition(raw, path)
                for problem in problems:
                    self.error(problem.code, problem.path, step=step, **problem.params)
                if cond is not None:
                    self.check_condition(
                        cond, step, known, graph, start, set() if duplicate else reachable
                    )

    def check_condition(
        self,
        cond: Cond,
        step: AnyStep,
        known: set[str],
        graph: dict[str, list[str]],
        start: str,
        reachable: set[str],
    ) -> None:
        for test in field_tests(cond):
            entry = self.fields.get(test.field)
            if entry is None:
                self.error(
                    "unknown-field",
                    test.path,
                    step=step,
                    field=test.field,
                    suggestion=_suggest(test.field, self.fields),
                )
                continue
            _, _, asked_on, f = entry
            # "was it answered?" is the way to ask about an optional branch that may have
            # been skipped, so it may name a field that is not asked on every path
            if step.id in reachable and test.field not in known and test.op != "answered":
                witness = _path_avoiding(graph, start, step.id, self._askers(test.field))
                self.error(
                    "field-not-asked-before",
                    test.path,
                    step=step,
                    field=test.field,
                    asked_on=asked_on.id,
                    via=" → ".join(witness) if witness else f"'{step.id}'",
                )
            self.check_value(test, f, step)

    def _askers(self, field_id: str) -> set[str]:
        return {
            s.id
            for s in self.j.steps
            if isinstance(s, ScreenStep) and any(f.id == field_id for f in s.fields)
        }

    def check_value(self, test: FieldTest, f: FormField, step: AnyStep) -> None:
        if test.op == "answered":
            return
        if test.op in ("lt", "lte", "gt", "gte"):
            is_date = isinstance(test.value, dt.date)
            if f.type not in (FieldType.number, FieldType.date):
                self.error(
                    "compare-needs-number",
                    test.path,
                    step=step,
                    op=test.op,
                    field=f.id,
                    type=f.type.value,
                )
            elif is_date != (f.type == FieldType.date):
                self.error(
                    "compare-wrong-kind",
                    test.path,
                    step=step,
                    op=test.op,
                    field=f.id,
                    type=f.type.value,
                    value=_yaml_text(test.value),
                    expected=phrase(
                        "a-date" if f.type == FieldType.date else "a-number", op=test.op
                    ),
                )
            return
        options = f.option_values()
        if options is None:
            return
        wanted = test.value if isinstance(test.value, list) else [test.value]
        for value in wanted:
            text = value if isinstance(value, str) else _yaml_text(value)
            if text not in options:
                self.error(
                    "value-not-an-option",
                    test.path,
                    step=step,
                    value=text,
                    field=f.id,
                    options=", ".join(dict.fromkeys(options)),
                    suggestion=_bool_answer(value, options) or _suggest(text, options),
                )

    def check_phases(self) -> None:
        if not self.j.phases:
            return
        order = {p.id: n for n, p in enumerate(self.j.phases)}
        used = {s.phase for s in self.j.steps}
        for n, phase in enumerate(self.j.phases):
            if phase.id not in used:
                self.warn("unused-phase", ("phases", n), id=phase.id)
        latest: str | None = None
        for i, step in enumerate(self.j.steps):
            if step.phase not in order:
                continue
            if latest is not None and order[step.phase] < order[latest]:
                self.warn(
                    "phase-order",
                    ("steps", i, "phase"),
                    step=step,
                    id=step.id,
                    phase=step.phase,
                    later=latest,
                )
            elif latest is None or order[step.phase] > order[latest]:
                latest = step.phase


def step_readability(step: ScreenStep | OfflineStep) -> Readability | None:
    """LIX of what a citizen reads on a step (title, body, questions and hints), or None
    when there are too few words for LIX to say anything."""
    texts = [step.title, step.body or ""]
    if isinstance(step, ScreenStep):
        for f in step.fields:
            texts.extend([f.label, f.hint or ""])
    result = lix(texts)
    return None if result.words < MIN_WORDS else result


def _bool_answer(value: Any, options: list[str]) -> str | None:
    """``true``/``false`` written for a Ja/Nej question: suggest the answer as written."""
    if isinstance(value, bool) and "Ja" in options and "Nej" in options:
        return "Ja" if value else "Nej"
    return None


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shorten(sentence: str, limit: int = 90) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


_REGEX_REASONS = (
    ("missing )", "regex-open-paren"),
    ("unbalanced parenthesis", "regex-close-paren"),
    ("unterminated character set", "regex-open-set"),
    ("nothing to repeat", "regex-repeat"),
    ("multiple repeat", "regex-repeat"),
)


def _regex_reason(reason: str) -> Any:
    for start, key in _REGEX_REASONS:
        if reason.startswith(start):
            return phrase(key)
    return reason


def _required_example(f: FormField) -> str:
    """An error message in the GOV.UK pattern: 'Ange …' for typing, 'Välj …' for choosing.

    A label that is a question ('Vad heter du?') cannot be turned round reliably, so then a
    known good message of the same kind is given as the example.
    """
    choose = f.type in CHOICE_TYPES or f.type == FieldType.yesno
    label = f.label.strip()
    if label.endswith("?") or not label.rstrip(":. "):
        return "Välj om du själv ska köra bilen" if choose else "Ange ditt postnummer"
    label = label.rstrip(":. ")
    what = label[:1].lower() + label[1:]
    return f"Välj {what}" if choose else f"Ange {what}"


def _reverse(graph: dict[str, list[str]]) -> dict[str, list[str]]:
    reverse: dict[str, list[str]] = {node: [] for node in graph}
    for source, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    return reverse


def _loop_from(graph: dict[str, list[str]], start: str) -> list[str]:
    """The first loop met walking on from ``start`` (always the first way out), closed:
    ``[a, b, a]``. Only called for steps from which every way goes round in a loop."""
    order: list[str] = []
    seen: dict[str, int] = {}
    node = start
    while node not in seen and graph.get(node):
        seen[node] = len(order)
        order.append(node)
        node = graph[node][0]
    if node not in seen:
        return [*order, node]
    return [*order[seen[node] :], node]


def _reach(graph: dict[str, list[str]], *starts: str) -> set[str]:
    seen: set[str] = set()
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        if node in seen or node not in graph:
            continue
        seen.add(node)
        queue.extend(graph[node])
    return seen


def _available_fields(
    journey: Journey, graph: dict[str, list[str]], start: str, reachable: set[str]
) -> dict[str, tuple[set[str], set[str]]]:
    """For each reachable step: (fields answered on every path before it, and after it).

    A forward "must" analysis: every step starts from "all fields" and only loses fields,
    so working through a queue in the order the steps are met converges quickly.
    """
    asks: dict[str, set[str]] = {}
    for step in journey.steps:
        asks.setdefault(
            step.id, {f.id for f in step.fields} if isinstance(step, ScreenStep) else set()
        )
    universe: set[str] = set().union(*asks.values()) if asks else set()
    preds: dict[str, list[str]] = {n: [] for n in reachable}
    for source in reachable:
        for target in graph.get(source, []):
            if target in reachable:
                preds[target].append(source)
    order = _breadth_first(graph, start, reachable)
    avail_in = {n: (set() if n == start else set(universe)) for n in reachable}
    avail_out = {n: avail_in[n] | asks.get(n, set()) for n in reachable}
    queue = deque(order)
    queued = set(order)
    while queue:
        node = queue.popleft()
        queued.discard(node)
        if node == start:
            new_in: set[str] = set()
        else:
            sources = [avail_out[p] for p in preds[node]]
            new_in = set.intersection(*sources) if sources else set()
        new_out = new_in | asks.get(node, set())
        avail_in[node] = new_in
        if new_out != avail_out[node]:
            avail_out[node] = new_out
            for target in graph.get(node, []):
                if target in reachable and target not in queued:
                    queue.append(target)
                    queued.add(target)
    return {n: (avail_in[n], avail_out[n]) for n in reachable}


def _breadth_first(graph: dict[str, list[str]], start: str, within: set[str]) -> list[str]:
    """The steps in ``within`` in the order a breadth-first walk from ``start`` meets them."""
    order: list[str] = []
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node in within:
            order.append(node)
        for target in graph.get(node, []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return order + sorted(within - set(order))


def _path_avoiding(
    graph: dict[str, list[str]], start: str, goal: str, avoid: set[str]
) -> list[str] | None:
    """A path start → … → goal that passes no step in ``avoid`` (the goal excepted)."""
    if start in avoid and start != goal:
        return None
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            out: list[str] = []
            cur: str | None = node
            while cur is not None:
                out.append(cur)
                cur = parents[cur]
            return list(reversed(out))
        for target in graph.get(node, []):
            if target in parents:
                continue
            if target in avoid and target != goal:
                continue
            parents[target] = node
            queue.append(target)
    return None
