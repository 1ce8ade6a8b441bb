"""Plain data for the journey map and flow views, built from a journey (no Reflex here).

Components take this data, not State: the map is phases as columns, actors as lanes and
steps as cards in journey order; a step's detail lists its content, fields, rules and where
it leads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeys import DecisionStep, Journey, OfflineStep, ScreenStep, is_end, parse_condition
from journeys.export import condition_text
from journeys.model import CHANNEL_LABELS

CHANNEL_ICONS = {
    "web": "monitor",
    "app": "smartphone",
    "phone": "phone",
    "sms": "message-square",
    "letter": "mail",
    "visit": "users",
    "e-mail": "at-sign",
}
KIND_LABELS = {
    "sv": {"screen": "Skärm", "decision": "Beslut", "offline": "Offline"},
    "en": {"screen": "Screen", "decision": "Decision", "offline": "Offline"},
}
PATTERN_LABELS = {
    "sv": {
        "start": "startsida",
        "e-id": "e-legitimation",
        "check-answers": "kontrollera svaren",
        "confirmation": "bekräftelse",
    },
    "en": {
        "start": "start page",
        "e-id": "e-identification",
        "check-answers": "check answers",
        "confirmation": "confirmation",
    },
}
FIELD_LABELS = {
    "sv": {
        "text": "Text",
        "textarea": "Längre text",
        "number": "Tal",
        "date": "Datum",
        "radios": "Ett val",
        "checkboxes": "Flera val",
        "select": "Lista",
        "yesno": "Ja/nej",
        "personnummer": "Personnummer",
        "email": "E-post",
        "phone": "Telefon",
        "file": "Fil (platshållare)",
    },
    "en": {
        "text": "Text",
        "textarea": "Long text",
        "number": "Number",
        "date": "Date",
        "radios": "One choice",
        "checkboxes": "Several choices",
        "select": "List",
        "yesno": "Yes/no",
        "personnummer": "Personal identity number",
        "email": "E-mail",
        "phone": "Phone",
        "file": "File (placeholder)",
    },
}


@dataclass
class Card:
    """A step on the journey map."""

    id: str = ""
    number: int = 0
    title: str = ""
    kind: str = "screen"
    kind_label: str = ""
    channel: str = "web"
    channel_icon: str = "monitor"
    channel_label: str = ""
    pattern: str = ""
    fields: int = 0
    branches: int = 0
    is_end: bool = False


@dataclass
class Cell:
    """The cards of one actor in one phase."""

    phase: str = ""
    cards: list[Card] = field(default_factory=list)


@dataclass
class Lane:
    """One actor's row across all phases."""

    actor: str = ""
    title: str = ""
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Column:
    """A phase heading."""

    id: str = ""
    title: str = ""
    steps: int = 0


@dataclass
class Edge:
    """Where a step leads, under which condition."""

    source: str = ""
    source_title: str = ""
    target: str = ""
    target_title: str = ""
    condition: str = ""
    outcome: str = ""


@dataclass
class FieldInfo:
    """A question on a screen, for the step detail."""

    id: str = ""
    label: str = ""
    type_label: str = ""
    hint: str = ""
    options: str = ""
    rules: list[str] = field(default_factory=list)


@dataclass
class StepDetail:
    """Everything shown when a designer clicks a step."""

    id: str = ""
    title: str = ""
    kind_label: str = ""
    channel_label: str = ""
    actor: str = ""
    phase: str = ""
    pattern: str = ""
    body: str = ""
    explanation: str = ""
    fields: list[FieldInfo] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


NO_PHASE = "_"


def _channel(step: ScreenStep | DecisionStep | OfflineStep) -> str:
    if isinstance(step, DecisionStep):
        return "web"
    return step.channel.value


def build_map(journey: Journey, lang: str = "sv") -> tuple[list[Column], list[Lane]]:
    """Phases as columns and actors as lanes, with the steps as cards in journey order."""
    phases = [(p.id, p.title) for p in journey.phases]
    if any(s.phase is None for s in journey.steps) or not phases:
        phases.append((NO_PHASE, "Utan fas" if lang == "sv" else "No phase"))
    counts = {pid: 0 for pid, _ in phases}
    actors = journey.all_actors()
    lanes = {
        a.id: Lane(actor=a.id, title=a.title, cells=[Cell(phase=p) for p, _ in phases])
        for a in actors
    }
    index = {pid: n for n, (pid, _) in enumerate(phases)}
    for number, step in enumerate(journey.steps, 1):
        phase = step.phase if step.phase in index else NO_PHASE
        if phase not in index:
            continue
        actor = journey.actor_of(step)
        lane = lanes.get(actor)
        if lane is None:
            lane = lanes.setdefault(
                actor, Lane(actor=actor, title=actor, cells=[Cell(phase=p) for p, _ in phases])
            )
        counts[phase] += 1
        lane.cells[index[phase]].cards.append(_card(step, number, lang))
    columns = [Column(id=pid, title=title, steps=counts[pid]) for pid, title in phases]
    used = [lane for lane in lanes.values() if any(cell.cards for cell in lane.cells)]
    return columns, used


def _pattern_label(step: ScreenStep | DecisionStep | OfflineStep, lang: str) -> str:
    """The screen pattern in words ("kontrollera svaren"), or an empty string."""
    if not isinstance(step, ScreenStep) or not step.pattern:
        return ""
    return PATTERN_LABELS[lang].get(step.pattern.value, step.pattern.value)


def _card(step: ScreenStep | DecisionStep | OfflineStep, number: int, lang: str) -> Card:
    channel = _channel(step)
    targets = _edges(step)
    return Card(
        id=step.id,
        number=number,
        title=step.title,
        kind=step.kind,
        kind_label=KIND_LABELS[lang][step.kind],
        channel=channel,
        channel_icon=CHANNEL_ICONS.get(channel, "circle"),
        channel_label=CHANNEL_LABELS[lang].get(channel, channel),
        pattern=_pattern_label(step, lang),
        fields=len(step.fields) if isinstance(step, ScreenStep) else 0,
        branches=len(targets) if len(targets) > 1 else 0,
        is_end=is_end(step),
    )


def _condition(raw: object) -> str:
    if raw is None:
        return ""
    cond, problems = parse_condition(raw)
    return condition_text(raw) if cond is not None and not problems else str(raw)


def _edges(step: ScreenStep | DecisionStep | OfflineStep) -> list[tuple[str, str, str]]:
    if isinstance(step, DecisionStep):
        return [(r.goto, _condition(r.if_), r.outcome) for r in step.rules]
    return [(t.goto, _condition(t.if_), "") for t in step.transitions()]


def build_edges(journey: Journey, lang: str = "sv") -> list[Edge]:
    """Every branch of the journey: who goes where under which condition."""
    titles = {s.id: s.title for s in journey.steps}
    otherwise = "annars" if lang == "sv" else "otherwise"
    always = "alltid" if lang == "sv" else "always"
    edges: list[Edge] = []
    for step in journey.steps:
        targets = _edges(step)
        for target, condition, outcome in targets:
            label = condition or (otherwise if len(targets) > 1 else always)
            edges.append(
                Edge(
                    source=step.id,
                    source_title=step.title,
                    target=target,
                    target_title=titles.get(target, f"? {target}"),
                    condition=label,
                    outcome=outcome,
                )
            )
    return edges


def _rules(f: object, lang: str) -> list[str]:
    rules: list[str] = []
    required = getattr(f, "required", None)
    if required:
        text = (
            required
            if isinstance(required, str)
            else ("obligatorisk" if lang == "sv" else "required")
        )
        rules.append(("Krävs: " if lang == "sv" else "Required: ") + str(text))
    for name in ("min_length", "max_length", "min", "max", "pattern", "min_date", "max_date"):
        rule = getattr(f, name, None)
        if rule is not None:
            rules.append(f"{name} {rule.value}: {rule.message}")
    return rules


def step_detail(journey: Journey, step_id: str, lang: str = "sv") -> StepDetail | None:
    """What a designer sees when clicking a step on the map."""
    step = journey.step(step_id)
    if step is None:
        return None
    actors = {a.id: a.title for a in journey.all_actors()}
    phases = {p.id: p.title for p in journey.phases}
    fields: list[FieldInfo] = []
    explanation = ""
    if isinstance(step, ScreenStep):
        for f in step.fields:
            options = f.option_values() or []
            fields.append(
                FieldInfo(
                    id=f.id,
                    label=f.label,
                    type_label=FIELD_LABELS[lang][f.type.value],
                    hint=f.hint or "",
                    options=", ".join(options),
                    rules=_rules(f, lang),
                )
            )
    if isinstance(step, DecisionStep):
        explanation = "\n".join(
            f"{r.outcome}: {r.explanation}" for r in step.rules if r.explanation
        )
    channel = _channel(step)
    return StepDetail(
        id=step.id,
        title=step.title,
        kind_label=KIND_LABELS[lang][step.kind],
        channel_label=CHANNEL_LABELS[lang].get(channel, channel),
        actor=actors.get(journey.actor_of(step), journey.actor_of(step)),
        phase=phases.get(step.phase or "", step.phase or ""),
        pattern=_pattern_label(step, lang),
        body=step.body or "",
        explanation=explanation,
        fields=fields,
        edges=[e for e in build_edges(journey, lang) if e.source == step.id],
    )
