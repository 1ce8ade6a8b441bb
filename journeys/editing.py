"""Editing a journey: the operations of the journey editor, as pure functions.

Every function takes a :class:`~journeys.model.Journey` and returns a new one; the journey
given is never changed, so an editor can keep the previous journey for undo. An edit that
cannot be made raises :class:`EditError` with a message that says what to do, in Swedish
(``str(error)``) and English (``error.message("en")``).

The edits work on the journey's file form (:func:`journeys.files.journey_dict`): what the
designer did not touch stays exactly as it was read, so :func:`journeys.files.save` rewrites
only what changed and keeps the comments of everything else.

An edit keeps the journey's *shape* valid (the model accepts it). It may still leave
something for the validator to point out (a new step nothing leads to yet, a branch whose
default was removed with a deleted step): :func:`journeys.validate.check_journey` is the
designer's list of what is left to do. The operations that would lose work or break
references silently refuse instead: removing a phase that steps use, a question that a
condition asks about, a decision's last rule.

A new journey starts from :func:`new_journey`; one of the examples is opened with
:func:`journeys.files.read_file` like any other journey file.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from journeys.conditions import AllOf, AnyOf, Cond, FieldTest, Not, parse_condition
from journeys.export import condition_text
from journeys.files import check_shape, journey_dict, slugify
from journeys.findings import Lang, format_path, render
from journeys.model import (
    CHOICE_TYPES,
    CONDITION_COMBINATORS,
    CONDITION_OPERATORS,
    SLUG_PATTERN,
    ActorRole,
    Channel,
    FieldType,
    FormField,
    Journey,
)

Data = dict[str, Any]
Path = tuple[str | int, ...]
StepKind = Literal["screen", "decision", "offline"]
Template = Literal["blank", "standard-e-service"]

STEP_KINDS: tuple[StepKind, ...] = ("screen", "decision", "offline")
TEMPLATES: tuple[Template, ...] = ("blank", "standard-e-service")
DEFAULT_OPTIONS = ("Alternativ 1", "Alternativ 2")
"""The options a new choice question starts with, to be replaced by the designer's own."""

_MAX_SLUG = 72  # leaves room for a '-NN' suffix within the model's 80 characters
_COMMON_STEP_KEYS = ("id", "kind", "title", "phase", "actor", "description", "body")
_STEP_DETAILS: dict[str, tuple[str, ...]] = {
    "screen": ("body", "description", "button", "pattern"),
    "decision": ("body", "description", "manual"),
    "offline": ("body", "description", "receiver", "duration"),
}
"""What :func:`update_step` may change, by kind (title, id, kind, phase, actor, channel and
transitions have their own operations)."""
_JOURNEY_DETAILS = (
    "title",
    "organisation",
    "service_area",
    "language",
    "description",
    "tags",
    "licence",
    "origin",
    "lix_target",
)
_FIELD_DETAILS = tuple(name for name in FormField.model_fields if name != "id")
_KEEP: Any = object()
"""A keyword argument that was not given: leave the value as it is."""


class EditError(ValueError):
    """An edit that cannot be made, with what to do instead (Swedish first, then English)."""

    def __init__(self, sv: str, en: str | None = None) -> None:
        super().__init__(sv)
        self.sv = sv
        self.en = en if en is not None else sv

    def message(self, lang: Lang = "sv") -> str:
        """The message in Swedish or English."""
        return self.en if lang == "en" else self.sv


class Reference(BaseModel):
    """A place in the journey that names a step or a question: the step it is in and its
    path in the file (``("steps", 3, "next", 0, "goto")``), or ``("start",)``."""

    step_id: str | None = None
    path: Path

    def describe(self, lang: Lang = "sv") -> str:
        """Where it is, in words: ``väg 2 i 'akut'``, ``regel 1 i 'beslut'``, ``resans start``."""
        return _where(self.step_id, self.path, lang)


class Removed(BaseModel):
    """What :func:`delete_step` took away, so that :func:`restore_step` can put it back.

    ``references`` holds, for each step that led to the deleted one, its ``next`` (or a
    decision's ``rules``) as it was; ``rerouted_to`` says where those steps lead now (None:
    the ways to the deleted step were removed).
    """

    step: dict[str, Any]
    index: int
    references: dict[str, dict[str, Any]] = Field(default_factory=dict)
    start_changed: bool = False
    start: str | None = None
    rerouted_to: str | None = None

    @property
    def step_id(self) -> str:
        """The id of the deleted step."""
        return str(self.step["id"])


class CopyReport(BaseModel):
    """What :func:`copy_step_from` had to change to fit the step into the other journey."""

    step_id: str
    renamed_fields: dict[str, str] = Field(default_factory=dict)
    dropped_gotos: list[str] = Field(default_factory=list)
    dropped_phase: str | None = None
    dropped_actors: list[str] = Field(default_factory=list)
    missing_fields: list[str] = Field(default_factory=list)

    def notes(self, lang: Lang = "sv") -> list[str]:
        """One sentence per change, for the designer to check."""
        sv = lang != "en"
        out: list[str] = []
        if self.renamed_fields:
            pairs = ", ".join(f"'{a}' → '{b}'" for a, b in self.renamed_fields.items())
            out.append(
                f"Frågor som redan fanns fick nya id: {pairs}."
                if sv
                else f"Questions whose ids were taken got new ids: {pairs}."
            )
        if self.dropped_gotos:
            names = _listing(self.dropped_gotos, lang)
            out.append(
                f"Vägar till steg som inte finns här togs bort: {names}. Välj vart steget "
                "ska leda i stället."
                if sv
                else f"Ways to steps that do not exist here were removed: {names}. Choose where "
                "the step should lead instead."
            )
        if self.dropped_phase:
            out.append(
                f"Fasen '{self.dropped_phase}' finns inte här; kontrollera stegets fas."
                if sv
                else f"The phase '{self.dropped_phase}' does not exist here; check the step's "
                "phase."
            )
        if self.dropped_actors:
            names = _listing(self.dropped_actors, lang)
            out.append(
                f"Aktörer som inte finns här togs bort från steget: {names}."
                if sv
                else f"Actors that do not exist here were removed from the step: {names}."
            )
        if self.missing_fields:
            names = _listing(self.missing_fields, lang)
            out.append(
                f"Villkoren frågar efter frågor som inte finns här: {names}. Ändra villkoren."
                if sv
                else f"The conditions ask about questions that do not exist here: {names}. "
                "Change the conditions."
            )
        return out


# --- new journeys -----------------------------------------------------------------------------


def new_journey(
    id: str,
    title: str,
    organisation: str,
    *,
    template: Template = "blank",
) -> Journey:
    """A new journey: ``blank`` (one start page) or ``standard-e-service``.

    The standard e-service has the pages every Swedish e-service has: a start page, a
    (pretend) e-legitimation, one question screen, check your answers and a confirmation,
    in the phases Före ansökan, Ansökan and Efter ansökan.
    """
    _check_slug(id, "resan", "the journey")
    title = _required_text(title, "Skriv resans titel.", "Write the journey's title.")
    organisation = _required_text(
        organisation,
        "Skriv vilken organisation som ger tjänsten, t.ex. Exempelkommun.",
        "Write which organisation provides the service, e.g. Exempelkommun.",
    )
    data: Data = {"id": id, "title": title, "organisation": organisation}
    if template == "blank":
        data["steps"] = [{"id": "start", "kind": "screen", "title": title, "pattern": "start"}]
    elif template == "standard-e-service":
        data["phases"] = [
            {"id": "fore", "title": "Före ansökan"},
            {"id": "ansokan", "title": "Ansökan"},
            {"id": "efter", "title": "Efter ansökan"},
        ]
        data["steps"] = _standard_steps(title)
    else:
        raise EditError(
            f"Okänd mall '{template}'. Välj blank eller standard-e-service.",
            f"Unknown template '{template}'. Choose blank or standard-e-service.",
        )
    return _journey(data)


def _standard_steps(title: str) -> list[Data]:
    return [
        {
            "id": "start",
            "kind": "screen",
            "phase": "fore",
            "pattern": "start",
            "title": title,
            "body": "Här kan du ansöka.\n\nDet tar cirka 10 minuter.\n",
            "button": "Starta",
            "next": "logga-in",
        },
        {
            "id": "logga-in",
            "kind": "screen",
            "phase": "ansokan",
            "pattern": "e-id",
            "title": "Logga in med e-legitimation",
            "body": "Logga in för att fylla i din ansökan.\n\n"
            "Det här är en prototyp. Du loggar inte in på riktigt.\n",
            "button": "Logga in",
            "next": "fraga",
        },
        {
            "id": "fraga",
            "kind": "screen",
            "phase": "ansokan",
            "title": "Din fråga",
            "fields": [
                {
                    "id": "svar",
                    "type": "text",
                    "label": "Skriv din fråga här",
                    "required": "Svara på frågan",
                }
            ],
            "next": "kontrollera-svar",
        },
        {
            "id": "kontrollera-svar",
            "kind": "screen",
            "phase": "ansokan",
            "pattern": "check-answers",
            "title": "Kontrollera dina svar",
            "body": "Stämmer allt? Du kan ändra dina svar innan du skickar.",
            "button": "Skicka ansökan",
            "next": "skickad",
        },
        {
            "id": "skickad",
            "kind": "screen",
            "phase": "efter",
            "pattern": "confirmation",
            "title": "Din ansökan är skickad",
            "body": "Vi har fått din ansökan. Spara ditt ärendenummer.\n",
        },
    ]


def update_journey(journey: Journey, **changes: Any) -> Journey:
    """Change the journey's details: title, organisation, service_area, language,
    description, tags, licence, origin, lix_target. None removes an optional detail."""
    data = _data(journey)
    for key, value in changes.items():
        if key not in _JOURNEY_DETAILS:
            raise _unknown_key(key, _JOURNEY_DETAILS)
        if key == "title":
            data[key] = _required_text(value, "Skriv resans titel.", "Write the journey's title.")
        elif key == "organisation":
            data[key] = _required_text(
                value, "Skriv vilken organisation som ger tjänsten.", "Write the organisation."
            )
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return _journey(data)


def mark_origin(journey: Journey, source: Journey | str) -> Journey:
    """The journey with ``origin`` saying where it came from, unless it already says so.

    ``source`` is the journey it was copied from (its organisation, title and id are
    written) or a text of the designer's own. The licence is kept as it is.
    """
    if journey.origin:
        return journey
    if isinstance(source, Journey):
        text = f"{source.organisation}: {source.title} ({source.id})"
    else:
        text = str(source).strip()
    if not text:
        return journey
    data = _data(journey)
    data["origin"] = text
    return _journey(data)


# --- phases -----------------------------------------------------------------------------------


def add_phase(
    journey: Journey,
    title: str,
    *,
    id: str | None = None,
    index: int | None = None,
) -> Journey:
    """A new phase (a column of the journey map), last unless ``index`` says where."""
    data = _data(journey)
    title = _required_text(title, "Skriv fasens namn.", "Write the phase's name.")
    taken = {p["id"] for p in data.get("phases", [])}
    if id is None:
        phase_id = _unique(_slug(title, "fas"), taken)
    else:
        _check_slug(id, "fasen", "the phase")
        if id in taken:
            raise EditError(
                f"Det finns redan en fas med id '{id}'.", f"There is already a phase '{id}'."
            )
        phase_id = id
    phases = data.setdefault("phases", [])
    position = len(phases) if index is None else _clamp(index, 0, len(phases))
    phases.insert(position, {"id": phase_id, "title": title})
    return _journey(data)


def rename_phase(journey: Journey, phase_id: str, title: str) -> Journey:
    """Give a phase a new name; its id (which steps use) stays."""
    data = _data(journey)
    _, phase = _phase_at(data, phase_id)
    phase["title"] = _required_text(title, "Skriv fasens namn.", "Write the phase's name.")
    return _journey(data)


def move_phase(journey: Journey, phase_id: str, index: int) -> Journey:
    """Put a phase at another place in the order of the journey map."""
    data = _data(journey)
    position, phase = _phase_at(data, phase_id)
    phases = data["phases"]
    phases.pop(position)
    phases.insert(_clamp(index, 0, len(phases)), phase)
    return _journey(data)


def remove_phase(journey: Journey, phase_id: str) -> Journey:
    """Remove a phase no step uses (refused while steps use it, naming them)."""
    data = _data(journey)
    position, phase = _phase_at(data, phase_id)
    users = [s["id"] for s in data["steps"] if s.get("phase") == phase_id]
    if users:
        raise EditError(
            f"Fasen '{phase['title']}' används av {_count(len(users), 'steg', 'steg')}: "
            f"{_listing(users, 'sv')}. Flytta stegen till en annan fas först.",
            f"The phase '{phase['title']}' is used by {_count(len(users), 'step', 'steps')}: "
            f"{_listing(users, 'en')}. Move the steps to another phase first.",
        )
    data["phases"].pop(position)
    return _journey(data)


# --- steps ------------------------------------------------------------------------------------


def unique_step_id(journey: Journey, title: str) -> str:
    """The id :func:`add_step` gives a step with this title: a slug, ``-2`` on a clash."""
    return _unique(_slug(title, "steg"), {s.id for s in journey.steps})


def add_step(
    journey: Journey,
    kind: StepKind,
    title: str,
    *,
    after: str | None = None,
    phase: str | None = None,
    id: str | None = None,
    goto: str | None = None,
    connect: bool = True,
) -> Journey:
    """A new step, last or right after the step ``after``.

    The id is a slug of the title (``-2`` when taken; see :func:`unique_step_id`) unless
    ``id`` is given. The phase is ``phase``, else the phase of the step before it. With
    ``connect`` (the default) the step goes into the flow after ``after`` when that step
    has one way on: ``after → new → where after led``. A new offline step is a letter. A
    new decision starts with one rule to ``goto`` (or to where ``after`` led).
    """
    if kind not in STEP_KINDS:
        raise _bad_kind(kind)
    data = _data(journey)
    title = _required_text(title, "Skriv stegets rubrik.", "Write the step's title.")
    steps = data["steps"]
    taken = {s["id"] for s in steps}
    if id is None:
        step_id = _unique(_slug(title, "steg"), taken)
    else:
        _check_slug(id, "steget", "the step")
        if id in taken:
            raise _step_exists(id)
        step_id = id
    position = len(steps)
    before: Data | None = steps[-1]
    if after is not None:
        index, before = _step_at(data, after)
        position = index + 1
    if phase is not None:
        _phase_at(data, phase)
    elif before is not None and before.get("phase"):
        phase = before["phase"]
    if goto is not None:
        _step_at(data, goto)
    step: Data = {"id": step_id, "kind": kind, "title": title}
    if phase is not None:
        step["phase"] = phase
    onward = goto
    linked = connect and after is not None and before is not None and before["kind"] != "decision"
    if linked and before is not None:
        old = before.get("next")
        if isinstance(old, str) or old is None:
            onward = goto if goto is not None else old
            before["next"] = step_id
        else:
            linked = False  # branches: the designer says which branch leads here
    if kind == "decision":
        if onward is None:
            raise EditError(
                "Ett beslut leder alltid vidare. Välj vilket steg beslutet leder till, eller "
                "lägg till beslutet efter ett steg som leder vidare.",
                "A decision always leads on. Choose the step the decision leads to, or add "
                "the decision after a step that leads on.",
            )
        step["rules"] = [{"outcome": title, "goto": onward}]
    else:
        if kind == "offline":
            step["channel"] = Channel.letter.value
        if onward is not None:
            step["next"] = onward
    steps.insert(position, step)
    return _journey(data)


def rename_step(journey: Journey, step_id: str, title: str) -> Journey:
    """Give a step a new title. The id stays, so feedback on the step stays with it."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    step["title"] = _required_text(title, "Skriv stegets rubrik.", "Write the step's title.")
    return _journey(data)


def update_step(journey: Journey, step_id: str, **changes: Any) -> Journey:
    """Change a step's details: body and description (every kind), button and pattern
    (screens), manual (decisions), receiver and duration (offline). None removes one."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    allowed = _STEP_DETAILS[step["kind"]]
    for key, value in changes.items():
        if key not in allowed:
            raise _unknown_key(key, allowed)
        if key == "receiver" and value is not None:
            _check_actor(journey, value)
        if value is None or (isinstance(value, str) and not value.strip()):
            step.pop(key, None)
        else:
            step[key] = value
    return _journey(data)


def set_start(journey: Journey, step_id: str | None) -> Journey:
    """Let the citizen start on this step (None: on the first step of the list)."""
    data = _data(journey)
    if step_id is None:
        data.pop("start", None)
    else:
        _step_at(data, step_id)
        data["start"] = step_id
    return _journey(data)


def change_step_id(journey: Journey, old: str, new: str) -> tuple[Journey, list[Reference]]:
    """Give a step a new id and update every ``next``, ``goto`` and ``start`` naming it.

    Returns the journey and the references that changed. Feedback and published versions
    know the step by its old id, so the editor should show these and warn before a tested
    step changes id (rename the title instead).
    """
    data = _data(journey)
    _step_at(data, old)
    if new == old:
        return journey, []
    _check_slug(new, "steget", "the step")
    if any(s["id"] == new for s in data["steps"]):
        raise _step_exists(new)
    changed: list[Reference] = []
    for step in data["steps"]:
        if step["id"] == old:
            step["id"] = new
    for i, step in enumerate(data["steps"]):
        for path, target in _gotos(step, i):
            if target == old:
                _set_path(data, path, new)
                changed.append(Reference(step_id=step["id"], path=path))
    if data.get("start") == old:
        data["start"] = new
        changed.insert(0, Reference(path=("start",)))
    return _journey(data), changed


def move_step(journey: Journey, step_id: str, to_index: int) -> Journey:
    """Move a step to another place in the list (the journey map order).

    Where the steps lead does not change. When the move would change which step the
    citizen starts on, ``start`` is written down so that it does not.
    """
    data = _data(journey)
    first = journey.first_step().id
    index, step = _step_at(data, step_id)
    steps = data["steps"]
    steps.pop(index)
    steps.insert(_clamp(to_index, 0, len(steps)), step)
    _keep_first(data, first)
    return _journey(data)


def move_step_to_phase(journey: Journey, step_id: str, phase_id: str | None) -> Journey:
    """Put a step in another phase, and in the list after that phase's steps.

    None takes the step out of every phase and leaves it where it is.
    """
    data = _data(journey)
    first = journey.first_step().id
    index, step = _step_at(data, step_id)
    if phase_id is None:
        step.pop("phase", None)
        return _journey(data)
    _phase_at(data, phase_id)
    step["phase"] = phase_id
    steps = data["steps"]
    steps.pop(index)
    order = {p["id"]: n for n, p in enumerate(data.get("phases", []))}
    same = [n for n, s in enumerate(steps) if s.get("phase") == phase_id]
    if same:
        position = same[-1] + 1
    else:
        later = [n for n, s in enumerate(steps) if order.get(s.get("phase"), -1) > order[phase_id]]
        position = later[0] if later else len(steps)
    steps.insert(position, step)
    _keep_first(data, first)
    return _journey(data)


def duplicate_step(journey: Journey, step_id: str) -> Journey:
    """A copy of a step right after it, with new ids for the step and its questions.

    The copy's title ends with "(kopia)". Its conditions on its own questions ask about
    the copies. Nothing leads to the copy yet.
    """
    data = _data(journey)
    index, step = _step_at(data, step_id)
    copy_ = copy.deepcopy(step)
    copy_["id"] = _unique(step["id"], {s["id"] for s in data["steps"]})
    copy_["title"] = f"{step['title']} (kopia)"
    if copy_.get("pattern") == "start":
        del copy_["pattern"]  # one start page
    renamed = _rename_fields(copy_, _field_ids(data))
    _rename_conditions(copy_, renamed)
    data["steps"].insert(index + 1, copy_)
    return _journey(data)


def delete_step(journey: Journey, step_id: str) -> tuple[Journey, Removed]:
    """Delete a step; returns the journey and what :func:`restore_step` needs to undo it.

    Steps that led to it lead on to where it led, when it led to one step only; otherwise
    the ways to it are removed (the validator then shows what is left to choose). Refused
    when it is the only step, when another step's condition asks one of its questions, or
    when a decision would be left without rules.
    """
    data = _data(journey)
    index, step = _step_at(data, step_id)
    steps = data["steps"]
    if len(steps) == 1:
        raise EditError(
            "En resa behöver minst ett steg. Lägg till ett nytt steg innan du tar bort det här.",
            "A journey needs at least one step. Add a new step before you delete this one.",
        )
    own = [f["id"] for f in step.get("fields", [])]
    uses = [r for r in _field_uses(data, own) if r.step_id != step_id]
    if uses:
        raise EditError(
            f"Steget '{step_id}' har frågor som villkor frågar efter: "
            f"{_listing([r.describe('sv') for r in uses], 'sv')}. "
            "Ändra eller ta bort villkoren först.",
            f"The step '{step_id}' has questions that conditions ask about: "
            f"{_listing([r.describe('en') for r in uses], 'en')}. "
            "Change or remove the conditions first.",
        )
    onward = [t for t in dict.fromkeys(_targets(step)) if t != step_id]
    reroute = onward[0] if len(onward) == 1 else None
    removed = Removed(step=copy.deepcopy(step), index=index, rerouted_to=reroute)
    first = journey.first_step().id
    steps.pop(index)
    for other in steps:
        key = "rules" if other["kind"] == "decision" else "next"
        if step_id not in _targets(other):
            continue
        removed.references.setdefault(other["id"], {key: copy.deepcopy(other[key])})
        target = reroute if reroute != other["id"] else None
        _redirect(other, step_id, target)
    if first == step_id:
        before_start = data.get("start")
        after_start = reroute if reroute is not None and reroute != steps[0]["id"] else None
        if after_start != before_start:
            removed.start_changed, removed.start = True, before_start
            if after_start is None:
                data.pop("start", None)
            else:
                data["start"] = after_start
    return _journey(data), removed


def restore_step(journey: Journey, removed: Removed) -> Journey:
    """Undo :func:`delete_step`: the step back at its place, the ways to it as they were."""
    data = _data(journey)
    step = copy.deepcopy(removed.step)
    if any(s["id"] == removed.step_id for s in data["steps"]):
        raise EditError(
            f"Det finns redan ett steg med id '{removed.step_id}'. Byt id på det först.",
            f"There is already a step '{removed.step_id}'. Change its id first.",
        )
    taken = _field_ids(data)
    clash = [f["id"] for f in step.get("fields", []) if f["id"] in taken]
    if clash:
        raise EditError(
            f"Frågorna {_listing(clash, 'sv')} finns redan i resan. Byt id på dem först.",
            f"The questions {_listing(clash, 'en')} already exist. Change their ids first.",
        )
    data["steps"].insert(_clamp(removed.index, 0, len(data["steps"])), step)
    for other_id, saved in removed.references.items():
        other = next((s for s in data["steps"] if s["id"] == other_id), None)
        if other is None:
            continue
        for key, value in saved.items():
            if (key == "rules") == (other["kind"] == "decision"):
                other[key] = copy.deepcopy(value)
    if removed.start_changed:
        if removed.start is None:
            data.pop("start", None)
        else:
            data["start"] = removed.start
    return _journey(data)


def set_step_kind(journey: Journey, step_id: str, kind: StepKind) -> Journey:
    """Make a step a screen, a decision or an offline step.

    Where it leads is kept: a screen's or offline step's ways on become a decision's rules
    (the outcome is the target's title) and back. Refused for a screen with questions
    (only screens ask questions) and for a step leading nowhere that would become a decision.
    """
    if kind not in STEP_KINDS:
        raise _bad_kind(kind)
    data = _data(journey)
    index, step = _step_at(data, step_id)
    if step["kind"] == kind:
        return journey
    if step.get("fields"):
        names = [f["id"] for f in step["fields"]]
        raise EditError(
            f"Steget '{step_id}' har frågor ({_listing(names, 'sv')}); bara skärmar har frågor. "
            "Ta bort eller flytta frågorna först.",
            f"The step '{step_id}' has questions ({_listing(names, 'en')}); only screens have "
            "questions. Remove or move the questions first.",
        )
    titles = {s["id"]: s["title"] for s in data["steps"]}
    new: Data = {k: step[k] for k in _COMMON_STEP_KEYS if k in step}
    new["kind"] = kind
    if kind == "decision":
        entries = _entries(step)
        if not entries:
            raise EditError(
                f"Steget '{step_id}' leder inte vidare, men ett beslut gör alltid det. Välj "
                "först vart steget leder.",
                f"The step '{step_id}' leads nowhere, but a decision always leads on. Choose "
                "where the step leads first.",
            )
        new["rules"] = [
            {
                **({"if": e["if"]} if e.get("if") is not None else {}),
                "outcome": titles.get(e["goto"], e["goto"]),
                "goto": e["goto"],
            }
            for e in entries
        ]
    else:
        if kind == "offline":
            channel = step.get("channel")
            new["channel"] = channel if channel not in (None, "web", "app") else "letter"
        elif step.get("channel") in ("web", "app"):
            new["channel"] = step["channel"]
        if step["kind"] == "decision":
            entries = [
                {**({"if": r["if"]} if r.get("if") is not None else {}), "goto": r["goto"]}
                for r in step["rules"]
            ]
            _set_entries(new, entries)
        elif "next" in step:
            new["next"] = step["next"]
    data["steps"][index] = new
    return _journey(data)


def set_actor(journey: Journey, step_id: str, actor_id: str | None) -> Journey:
    """Who acts in a step (a lane on the journey map); None: the default for its kind."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    if actor_id is None:
        step.pop("actor", None)
    else:
        _check_actor(journey, actor_id)
        step["actor"] = actor_id
    return _journey(data)


def add_actor(
    journey: Journey, title: str, *, role: str = "other", id: str | None = None
) -> Journey:
    """A new actor (a lane on the journey map), last. The default three are written out
    first when the journey has not declared its own, so they stay."""
    data = _data(journey)
    name = _required_text(title, "Skriv aktörens namn.", "Write the actor's name.")
    roles = [r.value for r in ActorRole]
    if role not in roles:
        raise EditError(
            f"Okänd roll '{role}'. Välj en av: {', '.join(roles)}.",
            f"Unknown role '{role}'. Choose one of: {', '.join(roles)}.",
        )
    actors = [a.model_dump(mode="json") for a in journey.all_actors()]
    taken = [a["id"] for a in actors]
    if id is None:
        actor_id = _unique(_slug(name, "aktor"), taken)
    else:
        _check_slug(id, "aktören", "the actor")
        if id in taken:
            raise EditError(
                f"Det finns redan en aktör med id '{id}'. Välj ett annat id.",
                f"There is already an actor '{id}'. Choose another id.",
            )
        actor_id = id
    actors.append({"id": actor_id, "title": name, "role": role})
    data["actors"] = actors
    return _journey(data)


def rename_actor(journey: Journey, actor_id: str, title: str) -> Journey:
    """Give an actor a new name (its id, which steps use, stays)."""
    _check_actor(journey, actor_id)
    data = _data(journey)
    actors = [a.model_dump(mode="json") for a in journey.all_actors()]
    for actor in actors:
        if actor["id"] == actor_id:
            actor["title"] = _required_text(
                title, "Skriv aktörens nya namn.", "Write the actor's new name."
            )
    data["actors"] = actors
    return _journey(data)


def remove_actor(journey: Journey, actor_id: str) -> Journey:
    """Remove an actor no step names (as actor or receiver); the last one stays."""
    _check_actor(journey, actor_id)
    data = _data(journey)
    users = [s["id"] for s in data["steps"] if actor_id in (s.get("actor"), s.get("receiver"))]
    if users:
        raise EditError(
            f"Aktören '{actor_id}' används i {_listing(users, 'sv')}. Välj en annan aktör "
            "där först.",
            f"The actor '{actor_id}' is used in {_listing(users, 'en')}. Choose another actor "
            "there first.",
        )
    actors = [a.model_dump(mode="json") for a in journey.all_actors() if a.id != actor_id]
    if not actors:
        raise EditError(
            "En resa behöver minst en aktör. Byt namn på den i stället.",
            "A journey needs at least one actor. Rename it instead.",
        )
    data["actors"] = actors
    return _journey(data)


def set_channel(journey: Journey, step_id: str, channel: str) -> Journey:
    """How a screen or offline step reaches the citizen (web, phone, letter, ...)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    if step["kind"] == "decision":
        raise EditError(
            f"Steget '{step_id}' är ett beslut och har ingen kanal. Gör det till ett "
            "offline-steg om beslutet kommer med brev.",
            f"The step '{step_id}' is a decision and has no channel. Make it an offline step "
            "if the decision comes by letter.",
        )
    values = [c.value for c in Channel]
    if channel not in values:
        raise EditError(
            f"Okänd kanal '{channel}'. Välj en av: {', '.join(values)}.",
            f"Unknown channel '{channel}'. Choose one of: {', '.join(values)}.",
        )
    step["channel"] = str(channel)
    return _journey(data)


# --- fields -----------------------------------------------------------------------------------


def unique_field_id(journey: Journey, label: str) -> str:
    """The id :func:`add_field` gives a question with this label."""
    return _unique(_slug(label, "fraga"), _field_ids(_data(journey)) | set(CONDITION_COMBINATORS))


def add_field(
    journey: Journey,
    step_id: str,
    type: str,
    label: str,
    *,
    id: str | None = None,
    index: int | None = None,
) -> Journey:
    """A new question on a screen, last unless ``index`` says where.

    The id is a slug of the label, unique in the journey (see :func:`unique_field_id`).
    Radios, checkboxes and select start with two options to replace.
    """
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_screen(step)
    kind = _field_type(type)
    label = _required_text(label, "Skriv frågan.", "Write the question.")
    taken = _field_ids(data) | set(CONDITION_COMBINATORS)
    if id is None:
        field_id = _unique(_slug(label, "fraga"), taken)
    else:
        _check_slug(id, "frågan", "the question")
        if id in taken:
            raise _field_exists(id)
        field_id = id
    field: Data = {"id": field_id, "type": kind.value, "label": label}
    if kind in CHOICE_TYPES:
        field["options"] = list(DEFAULT_OPTIONS)
    fields = step.setdefault("fields", [])
    position = len(fields) if index is None else _clamp(index, 0, len(fields))
    fields.insert(position, field)
    return _journey(data)


def update_field(journey: Journey, step_id: str, field_id: str, **changes: Any) -> Journey:
    """Change a question: label, hint, options, required (the message shown when it is not
    answered), type, width, autocomplete and the rules (min_length, max_length, min, max,
    pattern, min_date, max_date, each ``{"value": ..., "message": ...}``). None removes.

    Changing to a type without options drops the options; to radios, checkboxes or select
    without options gives two to replace.
    """
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _, field = _field_at(step, field_id)
    for key, value in changes.items():
        if key not in _FIELD_DETAILS:
            raise _unknown_key(key, _FIELD_DETAILS)
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        elif isinstance(value, list):
            value = [
                v.model_dump(mode="json", exclude_unset=True) if isinstance(v, BaseModel) else v
                for v in value
            ]
        if key == "label":
            field["label"] = _required_text(value, "Skriv frågan.", "Write the question.")
        elif key == "required" and isinstance(value, str) and not value.strip():
            raise EditError(
                "Skriv meddelandet som visas när frågan inte besvaras, t.ex. "
                "'Välj om du själv ska köra bilen', eller gör frågan frivillig.",
                "Write the message shown when the question is not answered, e.g. "
                "'Choose whether you will drive', or make the question optional.",
            )
        elif key == "type":
            kind = _field_type(value)
            field["type"] = kind.value
            if kind not in CHOICE_TYPES:
                field.pop("options", None)
            elif not field.get("options"):
                field["options"] = list(DEFAULT_OPTIONS)
        elif value is None:
            field.pop(key, None)
        else:
            field[key] = value
    return _journey(data)


def move_field(journey: Journey, step_id: str, field_id: str, to_index: int) -> Journey:
    """Put a question at another place on its screen."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    index, field = _field_at(step, field_id)
    fields = step["fields"]
    fields.pop(index)
    fields.insert(_clamp(to_index, 0, len(fields)), field)
    return _journey(data)


def remove_field(journey: Journey, step_id: str, field_id: str) -> Journey:
    """Remove a question (refused while a condition asks about it, naming where)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    index, field = _field_at(step, field_id)
    uses = _field_uses(data, [field_id])
    if uses:
        raise EditError(
            f"Frågan '{field['label']}' ({field_id}) används i villkor: "
            f"{_listing([r.describe('sv') for r in uses], 'sv')}. "
            "Ändra eller ta bort villkoren först.",
            f"The question '{field['label']}' ({field_id}) is used in conditions: "
            f"{_listing([r.describe('en') for r in uses], 'en')}. "
            "Change or remove the conditions first.",
        )
    step["fields"].pop(index)
    if not step["fields"]:
        del step["fields"]
    return _journey(data)


def field_uses(journey: Journey, field_id: str) -> list[Reference]:
    """Every condition that asks about a question: where to look before changing it."""
    return _field_uses(_data(journey), [field_id])


def change_field_id(journey: Journey, old: str, new: str) -> Journey:
    """Give a question a new id; every condition asking about it is updated."""
    data = _data(journey)
    found = [
        field for step in data["steps"] for field in step.get("fields", []) if field["id"] == old
    ]
    if not found:
        raise _no_field(old, _field_ids(data))
    if new == old:
        return journey
    _check_slug(new, "frågan", "the question")
    if new in CONDITION_COMBINATORS:
        raise EditError(
            f"'{new}' är ett reserverat ord i villkor. Välj ett annat id.",
            f"'{new}' is a reserved word in conditions. Choose another id.",
        )
    if new in _field_ids(data):
        raise _field_exists(new)
    found[0]["id"] = new
    for step in data["steps"]:
        _rename_conditions(step, {old: new})
    return _journey(data)


# --- branches (screens and offline steps) -----------------------------------------------------


def set_next(journey: Journey, step_id: str, target: str | None) -> Journey:
    """Where a step leads when no condition holds (None: the journey ends here).

    Without branches this is the step's one way on; with branches it is the last way,
    taken in all other cases.
    """
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_not_decision(step)
    if target is not None:
        _step_at(data, target)
    entries = _entries(step)
    conditional = [e for e in entries if e.get("if") is not None]
    if target is None:
        if conditional:
            raise EditError(
                f"Steget '{step_id}' har villkor för vart det leder. Ta bort dem först om "
                "resan ska sluta här.",
                f"The step '{step_id}' has conditions for where it leads. Remove them first "
                "if the journey should end here.",
            )
        step.pop("next", None)
        return _journey(data)
    if _has_default(entries):
        entries[-1] = {**entries[-1], "goto": target}
    else:
        entries.append({"goto": target})
    _set_entries(step, entries)
    return _journey(data)


def add_branch(
    journey: Journey,
    step_id: str,
    condition: Mapping[str, Any],
    goto: str,
    *,
    index: int | None = None,
) -> Journey:
    """A way on taken when ``condition`` holds, before the way taken in all other cases.

    Refused on a step that leads nowhere yet (choose where it leads otherwise first), with a
    condition that cannot be read or that asks about a question the journey does not have.
    """
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_not_decision(step)
    _step_at(data, goto)
    raw = _checked_condition(data, condition)
    entries = _entries(step)
    if not entries:
        raise EditError(
            f"Steget '{step_id}' leder inte vidare än. Välj först vart det leder i alla andra "
            "fall, sedan kan du lägga till villkor.",
            f"The step '{step_id}' does not lead on yet. First choose where it leads in all "
            "other cases, then add conditions.",
        )
    count = _conditional_count(entries)
    position = count if index is None else _clamp(index, 0, count)
    entries.insert(position, {"if": raw, "goto": goto})
    _set_entries(step, entries)
    return _journey(data)


def update_branch(
    journey: Journey,
    step_id: str,
    index: int,
    *,
    condition: Mapping[str, Any] | None = _KEEP,
    goto: str = _KEEP,
) -> Journey:
    """Change the condition or the target of one way on (``index`` counts from 0)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_not_decision(step)
    entries = _entries(step)
    entry = _entry_at(entries, index, step_id, "väg", "way")
    _update_entry(data, entries, index, entry, condition, goto)
    _set_entries(step, entries)
    return _journey(data)


def remove_branch(journey: Journey, step_id: str, index: int) -> Journey:
    """Remove a way on that has a condition (the way for all other cases stays)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_not_decision(step)
    entries = _entries(step)
    _entry_at(entries, index, step_id, "väg", "way")
    if _is_default(entries, index) and len(entries) > 1:
        raise EditError(
            "Den sista vägen gäller i alla andra fall. Välj vart den leder i stället för att "
            "ta bort den.",
            "The last way applies in all other cases. Choose where it leads instead of "
            "removing it.",
        )
    entries.pop(index)
    _set_entries(step, entries)
    return _journey(data)


def move_branch(journey: Journey, step_id: str, index: int, to_index: int) -> Journey:
    """Change the order in which conditions are tried (the first that holds is taken)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_not_decision(step)
    entries = _entries(step)
    _move_entry(entries, index, to_index, step_id, "väg", "way")
    _set_entries(step, entries)
    return _journey(data)


# --- decision rules ---------------------------------------------------------------------------


def add_rule(
    journey: Journey,
    step_id: str,
    condition: Mapping[str, Any],
    outcome: str,
    goto: str,
    *,
    explanation: str | None = None,
    index: int | None = None,
) -> Journey:
    """A rule of a decision, tried before the final rule (which applies in all other cases)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_decision(step)
    _step_at(data, goto)
    raw = _checked_condition(data, condition)
    rule: Data = {
        "if": raw,
        "outcome": _required_text(outcome, "Skriv beslutets utfall.", "Write the outcome."),
    }
    if explanation:
        rule["explanation"] = explanation
    rule["goto"] = goto
    rules = step["rules"]
    count = _conditional_count(rules)
    position = count if index is None else _clamp(index, 0, count)
    rules.insert(position, rule)
    return _journey(data)


def update_rule(
    journey: Journey,
    step_id: str,
    index: int,
    *,
    condition: Mapping[str, Any] | None = _KEEP,
    outcome: str = _KEEP,
    explanation: str | None = _KEEP,
    goto: str = _KEEP,
) -> Journey:
    """Change one rule of a decision (``index`` counts from 0)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_decision(step)
    rules = step["rules"]
    rule = _entry_at(rules, index, step_id, "regel", "rule")
    _update_entry(data, rules, index, rule, condition, goto)
    if outcome is not _KEEP:
        rule["outcome"] = _required_text(outcome, "Skriv beslutets utfall.", "Write the outcome.")
    if explanation is not _KEEP:
        if explanation:
            rule["explanation"] = explanation
        else:
            rule.pop("explanation", None)
    return _journey(data)


def remove_rule(journey: Journey, step_id: str, index: int) -> Journey:
    """Remove a rule of a decision; the final rule for all other cases stays."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_decision(step)
    rules = step["rules"]
    _entry_at(rules, index, step_id, "regel", "rule")
    if len(rules) == 1:
        raise EditError(
            "Ett beslut behöver minst en regel. Ändra regeln i stället, eller ta bort beslutet.",
            "A decision needs at least one rule. Change the rule instead, or delete the decision.",
        )
    if _is_default(rules, index):
        raise EditError(
            "Den sista regeln gäller i alla andra fall. Ändra den i stället för att ta bort den.",
            "The last rule applies in all other cases. Change it instead of removing it.",
        )
    rules.pop(index)
    return _journey(data)


def move_rule(journey: Journey, step_id: str, index: int, to_index: int) -> Journey:
    """Change the order of a decision's rules (the first that holds decides)."""
    data = _data(journey)
    _, step = _step_at(data, step_id)
    _check_decision(step)
    _move_entry(step["rules"], index, to_index, step_id, "regel", "rule")
    return _journey(data)


# --- conditions -------------------------------------------------------------------------------


def condition_equals(field: str, value: Any) -> dict[str, Any]:
    """``{field: value}``: the answer is ``value`` (for checkboxes: ``value`` is ticked)."""
    return _checked_shape({field: value})


def condition_compare(field: str, op: str, value: Any) -> dict[str, Any]:
    """``{field: {op: value}}`` with one of eq, ne, in, not_in, lt, lte, gt, gte, answered."""
    if op not in CONDITION_OPERATORS:
        raise EditError(
            f"Okänd jämförelse '{op}'. Välj en av: {', '.join(CONDITION_OPERATORS)}.",
            f"Unknown comparison '{op}'. Choose one of: {', '.join(CONDITION_OPERATORS)}.",
        )
    return _checked_shape({field: {op: value}})


def describe_condition(raw: Any, journey: Journey, lang: Lang = "sv") -> str:
    """A condition as a sentence with the questions' labels:
    ``Om Ska du själv köra bilen? är Ja`` / ``If Ska du själv köra bilen? is Ja``.

    No condition reads "I alla andra fall". A condition that cannot be read is shown as
    written. Never raises.
    """
    sv = lang != "en"
    if raw is None:
        return "I alla andra fall" if sv else "In all other cases"
    cond, _ = parse_condition(raw)
    if cond is None:
        return condition_text(raw)
    fields = {fid: field for fid, (_, field) in journey.fields().items()}
    return ("Om " if sv else "If ") + _describe(cond, fields, sv)


# --- reuse ------------------------------------------------------------------------------------


def copy_step_from(
    source: Journey,
    step_id: str,
    target: Journey,
    *,
    after: str | None = None,
) -> tuple[Journey, CopyReport]:
    """Copy a step and its questions from another journey (e.g. another organisation's).

    Ids already taken in ``target`` get a ``-2`` suffix (and its conditions follow); ways on
    to steps ``target`` does not have are dropped; actors it does not have are left out. The
    copy takes the phase of the place it is inserted (the step before it), never its source
    phase, so the phase order stays as it was. The report says what changed (a source phase
    ``target`` does not have, too). Nothing leads to the copy yet.
    """
    src = _data(source)
    data = _data(target)
    _, original = _step_at(src, step_id)
    step = copy.deepcopy(original)
    step_ids = {s["id"] for s in data["steps"]}
    new_id = _unique(step["id"], step_ids)
    step["id"] = new_id
    report = CopyReport(step_id=new_id)
    report.renamed_fields = _rename_fields(step, _field_ids(data))
    _rename_conditions(step, report.renamed_fields)
    known = step_ids | {new_id}
    self_ref = {step_id: new_id}
    if step["kind"] == "decision":
        kept = []
        for rule in step["rules"]:
            goto = self_ref.get(rule["goto"], rule["goto"])
            if goto in known:
                kept.append({**rule, "goto": goto})
            else:
                report.dropped_gotos.append(rule["goto"])
        if not kept:
            raise EditError(
                f"Beslutet '{step_id}' leder bara till steg som inte finns här "
                f"({_listing(report.dropped_gotos, 'sv')}). Lägg till något av dem först.",
                f"The decision '{step_id}' leads only to steps that do not exist here "
                f"({_listing(report.dropped_gotos, 'en')}). Add one of them first.",
            )
        step["rules"] = kept
    else:
        entries = []
        for entry in _entries(step):
            goto = self_ref.get(entry["goto"], entry["goto"])
            if goto in known:
                entries.append({**entry, "goto": goto})
            else:
                report.dropped_gotos.append(entry["goto"])
        _set_entries(step, entries)
    report.dropped_gotos = list(dict.fromkeys(report.dropped_gotos))
    phases = [p["id"] for p in data.get("phases", [])]
    order = {phase: n for n, phase in enumerate(phases)}
    insert_at = len(data["steps"])
    if after is not None:
        insert_at = _step_at(data, after)[0] + 1
    source_phase = step.get("phase")
    if source_phase is not None and source_phase not in order:
        report.dropped_phase = source_phase
    if order:  # the phase where it lands: the latest reached before it (as the validator
        # reads the order), else the first one used after it, so the order never breaks
        earlier = [order[s["phase"]] for s in data["steps"][:insert_at] if s.get("phase") in order]
        later = [order[s["phase"]] for s in data["steps"][insert_at:] if s.get("phase") in order]
        step["phase"] = phases[max(earlier) if earlier else (later[0] if later else 0)]
    else:
        step.pop("phase", None)
    actors = {a.id for a in target.all_actors()}
    for key in ("actor", "receiver"):
        if step.get(key) is not None and step[key] not in actors:
            report.dropped_actors.append(step.pop(key))
    asked = _field_ids(data) | {f["id"] for f in step.get("fields", [])}
    report.missing_fields = sorted(_condition_fields_of(step) - asked)
    data["steps"].insert(insert_at, step)
    return _journey(data), report


# === helpers ==================================================================================


def _data(journey: Journey) -> Data:
    return copy.deepcopy(journey_dict(journey))


def _journey(data: Data) -> Journey:
    try:
        return Journey.model_validate(data)
    except ValidationError as exc:
        # the validator's own words for a shape problem, e.g. "'lix_target' ska vara minst 10"
        findings = check_shape(data).findings
        if not findings:
            detail = exc.errors(include_url=False)[0]["msg"]
            raise EditError(
                f"Ändringen går inte att göra: {detail}.", f"The change cannot be made: {detail}."
            ) from None
        finding = findings[0]
        where = format_path(finding.path)
        where = f"{where}: " if where else ""
        raise EditError(
            f"Ändringen går inte att göra. {where}{finding.message('sv')}",
            f"The change cannot be made. {where}{finding.message('en')}",
        ) from None


def _clamp(value: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError, OverflowError) as exc:
        raise EditError(
            f"'{value}' är ingen plats i listan.", f"'{value}' is not a place in the list."
        ) from exc


def _required_text(value: Any, sv: str, en: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EditError(sv, en)
    return value.strip()


def _check_slug(value: Any, what_sv: str, what_en: str) -> None:
    if not isinstance(value, str) or not re.match(SLUG_PATTERN, value) or len(value) > 80:
        example = slugify(str(value))[:_MAX_SLUG]
        raise EditError(
            f"'{value}' går inte att använda som id för {what_sv}: använd små bokstäver a–z, "
            f"siffror och bindestreck, t.ex. '{example}'.",
            f"'{value}' cannot be the id of {what_en}: use lower-case a–z, digits and "
            f"hyphens, e.g. '{example}'.",
        )


def _slug(text: str, fallback: str) -> str:
    slug = slugify(text)
    if slug == "steg" and "steg" not in text.lower():
        slug = fallback
    return slug[:_MAX_SLUG].rstrip("-") or fallback


def _unique(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    base = base[:_MAX_SLUG].rstrip("-") or base
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _listing(items: list[str], lang: Lang) -> str:
    items = [str(i) for i in items]
    word = "och" if lang != "en" else "and"
    if len(items) > 6:
        more = len(items) - 5
        rest = f"{more} till" if lang != "en" else f"{more} more"
        return f"{', '.join(items[:5])} {word} {rest}"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _suggest(word: Any, candidates: Iterable[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f" Menade du '{close[0]}'?", f" Did you mean '{close[0]}'?"


def _step_at(data: Data, step_id: Any) -> tuple[int, Data]:
    for index, step in enumerate(data["steps"]):
        if step["id"] == step_id:
            return index, step
    sv, en = _suggest(step_id, [s["id"] for s in data["steps"]])
    raise EditError(
        f"Det finns inget steg med id '{step_id}'.{sv}",
        f"There is no step '{step_id}'.{en}",
    )


def _phase_at(data: Data, phase_id: Any) -> tuple[int, Data]:
    phases = data.get("phases", [])
    for index, phase in enumerate(phases):
        if phase["id"] == phase_id:
            return index, phase
    names = ", ".join(p["id"] for p in phases)
    return_sv = f" Faserna är: {names}." if names else " Resan har inga faser än."
    return_en = f" The phases are: {names}." if names else " The journey has no phases yet."
    raise EditError(
        f"Det finns ingen fas med id '{phase_id}'.{return_sv}",
        f"There is no phase '{phase_id}'.{return_en}",
    )


def _field_at(step: Data, field_id: Any) -> tuple[int, Data]:
    for index, field in enumerate(step.get("fields", [])):
        if field["id"] == field_id:
            return index, field
    sv, en = _suggest(field_id, [f["id"] for f in step.get("fields", [])])
    raise EditError(
        f"Steget '{step['id']}' har ingen fråga med id '{field_id}'.{sv}",
        f"The step '{step['id']}' has no question '{field_id}'.{en}",
    )


def _field_ids(data: Data) -> set[str]:
    return {f["id"] for step in data["steps"] for f in step.get("fields", [])}


def _step_exists(step_id: str) -> EditError:
    return EditError(
        f"Det finns redan ett steg med id '{step_id}'. Välj ett annat id.",
        f"There is already a step '{step_id}'. Choose another id.",
    )


def _field_exists(field_id: str) -> EditError:
    return EditError(
        f"Det finns redan en fråga med id '{field_id}' i resan. Välj ett annat id.",
        f"There is already a question '{field_id}' in the journey. Choose another id.",
    )


def _no_field(field_id: Any, known: Iterable[str]) -> EditError:
    sv, en = _suggest(field_id, known)
    return EditError(
        f"Det finns ingen fråga med id '{field_id}' i resan.{sv}",
        f"There is no question '{field_id}' in the journey.{en}",
    )


def _unknown_key(key: str, allowed: Iterable[str]) -> EditError:
    names = ", ".join(allowed)
    return EditError(
        f"'{key}' går inte att ändra här. Det går att ändra: {names}.",
        f"'{key}' cannot be changed here. What can be changed: {names}.",
    )


def _bad_kind(kind: Any) -> EditError:
    return EditError(
        f"Okänd stegtyp '{kind}'. Ett steg är screen, decision eller offline.",
        f"Unknown step kind '{kind}'. A step is screen, decision or offline.",
    )


def _field_type(value: Any) -> FieldType:
    try:
        return FieldType(value)
    except ValueError:
        names = ", ".join(t.value for t in FieldType)
        raise EditError(
            f"Okänd frågetyp '{value}'. Välj en av: {names}.",
            f"Unknown question type '{value}'. Choose one of: {names}.",
        ) from None


def _check_screen(step: Data) -> None:
    if step["kind"] != "screen":
        raise EditError(
            f"Steget '{step['id']}' är inte en skärm; bara skärmar har frågor.",
            f"The step '{step['id']}' is not a screen; only screens have questions.",
        )


def _check_decision(step: Data) -> None:
    if step["kind"] != "decision":
        raise EditError(
            f"Steget '{step['id']}' är inte ett beslut; använd vägar (next) i stället för regler.",
            f"The step '{step['id']}' is not a decision; use ways on (next) instead of rules.",
        )


def _check_not_decision(step: Data) -> None:
    if step["kind"] == "decision":
        raise EditError(
            f"Steget '{step['id']}' är ett beslut; det leder vidare genom sina regler.",
            f"The step '{step['id']}' is a decision; it leads on through its rules.",
        )


def _check_actor(journey: Journey, actor_id: Any) -> None:
    known = [a.id for a in journey.all_actors()]
    if actor_id not in known:
        sv, en = _suggest(actor_id, known)
        raise EditError(
            f"Det finns ingen aktör med id '{actor_id}'.{sv} Aktörerna är: {', '.join(known)}.",
            f"There is no actor '{actor_id}'.{en} The actors are: {', '.join(known)}.",
        )


def _keep_first(data: Data, first: str) -> None:
    """Write ``start`` down when a change of order would change the step people start on."""
    if data.get("start") is None and data["steps"][0]["id"] != first:
        data["start"] = first


# --- ways on and rules as lists of entries ----------------------------------------------------


def _entries(step: Data) -> list[Data]:
    """A screen's or offline step's ``next`` as a list of ``{if?, goto}`` entries."""
    value = step.get("next")
    if value is None:
        return []
    if isinstance(value, str):
        return [{"goto": value}]
    return [dict(entry) for entry in value]


def _set_entries(step: Data, entries: list[Data]) -> None:
    """Write entries back as ``next``: nothing, one step id, or the list."""
    if not entries:
        step.pop("next", None)
    elif len(entries) == 1 and entries[0].get("if") is None:
        step["next"] = entries[0]["goto"]
    else:
        step["next"] = entries


def _has_default(entries: list[Data]) -> bool:
    return bool(entries) and entries[-1].get("if") is None


def _is_default(entries: list[Data], index: int) -> bool:
    return index == len(entries) - 1 and _has_default(entries)


def _conditional_count(entries: list[Data]) -> int:
    return len(entries) - 1 if _has_default(entries) else len(entries)


def _entry_at(entries: list[Data], index: Any, step_id: str, sv: str, en: str) -> Data:
    if not isinstance(index, int) or not 0 <= index < len(entries):
        number = index + 1 if isinstance(index, int) else index
        raise EditError(
            f"Steget '{step_id}' har ingen {sv} nummer {number} (det har {len(entries)}).",
            f"The step '{step_id}' has no {en} number {number} (it has {len(entries)}).",
        )
    return entries[index]


def _update_entry(
    data: Data, entries: list[Data], index: int, entry: Data, condition: Any, goto: Any
) -> None:
    if goto is not _KEEP:
        _step_at(data, goto)
        entry["goto"] = goto
    if condition is _KEEP:
        return
    if condition is None:
        if index != len(entries) - 1:
            raise EditError(
                "Bara den sista vägen eller regeln kan gälla utan villkor: den tar alla andra "
                "fall. Flytta den sist först.",
                "Only the last way or rule can apply without a condition: it takes all other "
                "cases. Move it last first.",
            )
        entry.pop("if", None)
        return
    if _is_default(entries, index) and len(entries) > 1:
        raise EditError(
            "Den sista vägen eller regeln gäller i alla andra fall och har inget villkor. Lägg "
            "till ett nytt villkor före den i stället.",
            "The last way or rule applies in all other cases and has no condition. Add a new "
            "condition before it instead.",
        )
    raw = _checked_condition(data, condition)
    if "if" in entry:
        entry["if"] = raw
    else:  # keep 'if' first, as people write it
        rest = dict(entry)
        entry.clear()
        entry.update({"if": raw, **rest})


def _move_entry(
    entries: list[Data], index: int, to_index: int, step_id: str, sv: str, en: str
) -> None:
    entry = _entry_at(entries, index, step_id, sv, en)
    count = _conditional_count(entries)
    if index >= count:
        definite = {"väg": "vägen", "regel": "regeln"}.get(sv, sv)
        raise EditError(
            f"Den sista {definite} gäller i alla andra fall och ligger alltid sist.",
            f"The last {en} applies in all other cases and always comes last.",
        )
    entries.pop(index)
    entries.insert(_clamp(to_index, 0, count - 1), entry)


def _targets(step: Data) -> list[str]:
    if step["kind"] == "decision":
        return [r["goto"] for r in step.get("rules", [])]
    return [e["goto"] for e in _entries(step)]


def _gotos(step: Data, index: int) -> list[tuple[Path, str]]:
    """Every step id a step names, with its path in the file."""
    base: Path = ("steps", index)
    if step["kind"] == "decision":
        return [((*base, "rules", r, "goto"), rule["goto"]) for r, rule in enumerate(step["rules"])]
    value = step.get("next")
    if isinstance(value, str):
        return [((*base, "next"), value)]
    if isinstance(value, list):
        return [((*base, "next", t, "goto"), entry["goto"]) for t, entry in enumerate(value)]
    return []


def _set_path(data: Any, path: Path, value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _redirect(step: Data, old: str, new: str | None) -> None:
    """Ways from ``step`` to ``old`` lead to ``new`` instead, or are removed (None)."""
    if step["kind"] == "decision":
        rules = []
        for rule in step["rules"]:
            if rule["goto"] != old:
                rules.append(rule)
            elif new is not None:
                rules.append({**rule, "goto": new})
        if not rules:
            raise EditError(
                f"Beslutet '{step['id']}' leder bara till '{old}'. Ändra beslutets regler först.",
                f"The decision '{step['id']}' leads only to '{old}'. Change its rules first.",
            )
        step["rules"] = rules
        return
    if isinstance(step.get("next"), str):
        if new is None:
            del step["next"]
        else:
            step["next"] = new
        return
    entries = []
    for entry in step.get("next") or []:
        if entry["goto"] != old:
            entries.append(entry)
        elif new is not None:
            entries.append({**entry, "goto": new})
    if entries:
        step["next"] = entries
    else:
        step.pop("next", None)


def _where(step_id: str | None, path: Path, lang: Lang) -> str:
    sv = lang != "en"
    if path[:1] == ("start",):
        return "resans start" if sv else "the journey's start"
    if len(path) >= 4 and path[2] in ("next", "rules") and isinstance(path[3], int):
        number = path[3] + 1
        if path[2] == "rules":
            return f"regel {number} i '{step_id}'" if sv else f"rule {number} of '{step_id}'"
        return f"väg {number} i '{step_id}'" if sv else f"way {number} of '{step_id}'"
    return f"nästa steg i '{step_id}'" if sv else f"the next step of '{step_id}'"


# --- conditions -------------------------------------------------------------------------------


def _checked_shape(raw: dict[str, Any]) -> dict[str, Any]:
    _, problems = parse_condition(raw)
    if problems:
        problem = problems[0]
        raise EditError(
            render(problem.code, problem.params, "sv"), render(problem.code, problem.params, "en")
        )
    return raw


def _checked_condition(data: Data, condition: Any) -> dict[str, Any]:
    """A condition that reads and asks only about questions the journey has."""
    if not isinstance(condition, Mapping):
        raise EditError(
            "Ett villkor ska ha formen {fråga: svar}, t.ex. {forare: Ja}.",
            "A condition should have the form {question: answer}, e.g. {forare: Ja}.",
        )
    raw = copy.deepcopy(dict(condition))
    _checked_shape(raw)
    known = _field_ids(data)
    for field in sorted(_condition_fields(raw)):
        if field not in known:
            raise _no_field(field, known)
    return raw


def _condition_fields(raw: Any) -> set[str]:
    """The question ids a condition names, however it is written."""
    found: set[str] = set()
    if not isinstance(raw, Mapping):
        return found
    for key, value in raw.items():
        if key in ("all", "any") and isinstance(value, list):
            for part in value:
                found |= _condition_fields(part)
        elif key == "not":
            found |= _condition_fields(value)
        elif isinstance(key, str):
            found.add(key)
    return found


def _rename_in_condition(raw: Any, renamed: Mapping[str, str]) -> Any:
    if not isinstance(raw, Mapping):
        return raw
    out: dict[Any, Any] = {}
    for key, value in raw.items():
        if key in ("all", "any") and isinstance(value, list):
            out[key] = [_rename_in_condition(part, renamed) for part in value]
        elif key == "not":
            out[key] = _rename_in_condition(value, renamed)
        else:
            out[renamed.get(key, key)] = value
    return out


def _conditions_of(step: Data) -> list[tuple[str, int, Data]]:
    """(key, index, entry) of every ``next`` entry or rule that has a condition."""
    if step["kind"] == "decision":
        items = [("rules", n, rule) for n, rule in enumerate(step.get("rules", []))]
    elif isinstance(step.get("next"), list):
        items = [("next", n, entry) for n, entry in enumerate(step["next"])]
    else:
        items = []
    return [(key, n, entry) for key, n, entry in items if entry.get("if") is not None]


def _condition_fields_of(step: Data) -> set[str]:
    found: set[str] = set()
    for _, _, entry in _conditions_of(step):
        found |= _condition_fields(entry["if"])
    return found


def _rename_conditions(step: Data, renamed: Mapping[str, str]) -> None:
    if not renamed:
        return
    for _, _, entry in _conditions_of(step):
        entry["if"] = _rename_in_condition(entry["if"], renamed)


def _field_uses(data: Data, field_ids: list[str]) -> list[Reference]:
    wanted = set(field_ids)
    uses = []
    for i, step in enumerate(data["steps"]):
        for key, n, entry in _conditions_of(step):
            if _condition_fields(entry["if"]) & wanted:
                uses.append(Reference(step_id=step["id"], path=("steps", i, key, n, "if")))
    return uses


def _rename_fields(step: Data, taken: set[str]) -> dict[str, str]:
    """New ids for a step's questions whose ids are taken; returns old → new."""
    renamed: dict[str, str] = {}
    taken = set(taken) | set(CONDITION_COMBINATORS)
    for field in step.get("fields", []):
        if field["id"] in taken:
            new = _unique(field["id"], taken)
            renamed[field["id"]] = new
            field["id"] = new
        taken.add(field["id"])
    return renamed


# --- conditions as sentences ------------------------------------------------------------------

_WORDS = {
    True: {
        "eq": "är",
        "ne": "inte är",
        "in": "är",
        "not_in": "inte är",
        "has": "innehåller",
        "has_not": "inte innehåller",
        "lt": "är mindre än",
        "lte": "är högst",
        "gt": "är större än",
        "gte": "är minst",
        "before": "är före",
        "by": "är senast",
        "after": "är efter",
        "from": "är tidigast",
        "answered": "är besvarad",
        "unanswered": "inte är besvarad",
        "or": "eller",
        "and": "och",
        "not": "inte",
    },
    False: {
        "eq": "is",
        "ne": "is not",
        "in": "is",
        "not_in": "is not",
        "has": "includes",
        "has_not": "does not include",
        "lt": "is less than",
        "lte": "is at most",
        "gt": "is greater than",
        "gte": "is at least",
        "before": "is before",
        "by": "is on or before",
        "after": "is after",
        "from": "is on or after",
        "answered": "is answered",
        "unanswered": "is not answered",
        "or": "or",
        "and": "and",
        "not": "not",
    },
}
_NEGATED = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in"}
_DATE_WORDS = {"lt": "before", "lte": "by", "gt": "after", "gte": "from"}


def _describe(cond: Cond, fields: dict[str, FormField], sv: bool) -> str:
    words = _WORDS[sv]
    if isinstance(cond, FieldTest):
        return _describe_test(cond.field, cond.op, cond.value, fields, sv)
    if isinstance(cond, Not):
        part = cond.part
        if isinstance(part, FieldTest) and part.op in _NEGATED:
            return _describe_test(part.field, _NEGATED[part.op], part.value, fields, sv)
        if isinstance(part, FieldTest) and part.op == "answered":
            return _describe_test(part.field, "answered", not part.value, fields, sv)
        return f"{words['not']} ({_describe(part, fields, sv)})"
    joiner = f" {words['and']} " if isinstance(cond, AllOf) else f" {words['or']} "
    parts = [_describe(p, fields, sv) for p in cond.parts]
    inner = [
        f"({text})" if isinstance(p, AllOf | AnyOf) and len(p.parts) > 1 else text
        for p, text in zip(cond.parts, parts, strict=True)
    ]
    return joiner.join(inner)


def _describe_test(
    field_id: str, op: str, value: Any, fields: dict[str, FormField], sv: bool
) -> str:
    words = _WORDS[sv]
    field = fields.get(field_id)
    label = field.label if field is not None else f"'{field_id}'"
    if op == "answered":
        return f"{label} {words['answered' if value else 'unanswered']}"
    ticked = field is not None and field.type == FieldType.checkboxes
    if op in ("eq", "ne", "in", "not_in"):
        verb = words[op]
        if ticked:
            verb = words["has" if op in ("eq", "in") else "has_not"]
        values = value if isinstance(value, list) else [value]
        shown = [_shown_value(v, sv) for v in values]
        return f"{label} {verb} {_alternatives(shown, words['or'])}"
    if isinstance(value, dt.date):
        return f"{label} {words[_DATE_WORDS[op]]} {value.isoformat()}"
    return f"{label} {words[op]} {_shown_value(value, sv)}"


def _alternatives(values: list[str], word: str) -> str:
    if len(values) <= 1:
        return "".join(values)
    return f"{', '.join(values[:-1])} {word} {values[-1]}"


def _shown_value(value: Any, sv: bool) -> str:
    if isinstance(value, bool):
        return ("Ja" if value else "Nej") if sv else ("Yes" if value else "No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(value).replace(".", ",") if sv else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
