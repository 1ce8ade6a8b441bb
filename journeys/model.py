"""The journey model: the single source of truth for journey files, the JSON Schema and storage.

A journey file is YAML (or JSON). The models here only check *shape* (types, known keys,
allowed words); everything that needs the whole journey (targets exist, reachability,
conditions asked earlier, readability) lives in :mod:`journeys.validate`.

The models keep the author's own shorthands (``next: some-step`` or a list of transitions,
``options: [Ja, Nej]`` or a list of option mappings) instead of normalising them, so that a
journey loaded and saved again reads like the file that was written. Helper methods give
the normalised view (:meth:`ScreenStep.transitions`, :meth:`Field.option_values`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import weakref
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Ids are stable slugs: lower-case a–z, digits and single hyphens (``kontrollera-svar``)."""

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, min_length=1, max_length=80)]

CONDITION_OPERATORS = ("eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "answered")
CONDITION_COMBINATORS = ("all", "any", "not")

_CONDITION_SCHEMA: dict[str, Any] = {"x-medskapa-condition": True}
"""A marker :mod:`journeys.schema` replaces with a reference to its recursive Condition
definition; on its own (``Journey.model_json_schema()``) it is a harmless extension key."""

Condition = Annotated[dict[str, Any], WithJsonSchema(_CONDITION_SCHEMA)]
"""A condition on answers, e.g. ``{forare: Ja}`` or ``{alder: {lt: 15}}``.

Kept as the mapping the author wrote; :func:`journeys.conditions.parse_condition` turns it
into a checked tree and :func:`journeys.conditions.evaluate` decides it.
"""


class _Model(BaseModel):
    """Base for every journey model: unknown keys are errors, never silently dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FieldType(StrEnum):
    """The kinds of question a screen can ask."""

    text = "text"
    textarea = "textarea"
    number = "number"
    date = "date"
    radios = "radios"
    checkboxes = "checkboxes"
    select = "select"
    yesno = "yesno"
    personnummer = "personnummer"
    email = "email"
    phone = "phone"
    file = "file"


CHOICE_TYPES = frozenset({FieldType.radios, FieldType.checkboxes, FieldType.select})
"""Field types whose answers come from ``options``."""

YESNO_VALUES = ("Ja", "Nej")


class Channel(StrEnum):
    """How a step reaches the citizen."""

    web = "web"
    app = "app"
    phone = "phone"
    sms = "sms"
    letter = "letter"
    visit = "visit"
    email = "e-mail"


CHANNEL_LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "web": "Webb",
        "app": "App",
        "phone": "Telefon",
        "sms": "Sms",
        "letter": "Brev",
        "visit": "Besök",
        "e-mail": "E-post",
    },
    "en": {
        "web": "Web",
        "app": "App",
        "phone": "Phone",
        "sms": "Text message",
        "letter": "Letter",
        "visit": "Visit",
        "e-mail": "E-mail",
    },
}
"""What each channel is called, in Swedish and English (maps, diagrams, citizen pages)."""


class Pattern(StrEnum):
    """Standard e-service pages the prototype knows how to render."""

    start = "start"
    e_id = "e-id"
    check_answers = "check-answers"
    confirmation = "confirmation"


class ActorRole(StrEnum):
    """What part an actor plays (CJML: end user, service provider, other)."""

    end_user = "end-user"
    provider = "service-provider"
    system = "system"
    other = "other"


class Phase(_Model):
    """A column of the journey map, e.g. Före, Ansökan, Beslut, Efter."""

    id: Slug
    title: str = Field(min_length=1)
    description: str | None = None


class Actor(_Model):
    """Someone (or something) taking part in the journey: a lane on the journey map."""

    id: Slug
    title: str = Field(min_length=1)
    role: ActorRole = ActorRole.other


DEFAULT_ACTORS: tuple[Actor, ...] = (
    Actor(id="invanare", title="Invånare", role=ActorRole.end_user),
    Actor(id="kommunen", title="Kommunen", role=ActorRole.provider),
    Actor(id="system", title="E-tjänsten", role=ActorRole.system),
)
"""Actors every journey has unless it declares its own."""


class Option(_Model):
    """One answer to choose, when the label differs from the stored value or needs a hint."""

    value: str = Field(min_length=1)
    label: str | None = None
    hint: str | None = None


class LengthRule(_Model):
    """A minimum or maximum number of characters, with the message shown when broken."""

    value: int = Field(ge=0)
    message: str = Field(min_length=1)


class NumberRule(_Model):
    """A lowest or highest number, with the message shown when broken."""

    value: float = Field(allow_inf_nan=False)
    message: str = Field(min_length=1)


class PatternRule(_Model):
    """A regular expression the whole answer must match, with its message."""

    value: str = Field(min_length=1)
    message: str = Field(min_length=1)


DateValue = Annotated[
    dt.date | str,
    Field(
        description=(
            "An ISO date (2025-06-01), 'today', or today with an offset in days, months or "
            "years: 'today-18y', 'today+30d', 'today-6m'."
        )
    ),
]


class DateRule(_Model):
    """An earliest or latest date, with its message. See :data:`DateValue`."""

    value: DateValue
    message: str = Field(min_length=1)


class FormField(_Model):
    """A question on a screen: label, hint, answers to choose from, and rules."""

    id: Slug
    type: FieldType
    label: str = Field(min_length=1)
    hint: str | None = None
    options: list[str | Option] | None = None
    required: Annotated[str, Field(min_length=1)] | bool | None = Field(
        default=None,
        description=(
            "The message shown when no answer is given, e.g. 'Välj om du själv ska köra "
            "bilen'. Presence makes the field required."
        ),
    )
    min_length: LengthRule | None = None
    max_length: LengthRule | None = None
    min: NumberRule | None = None
    max: NumberRule | None = None
    pattern: PatternRule | None = None
    min_date: DateRule | None = None
    max_date: DateRule | None = None
    width: Literal["short", "medium", "long"] | None = None
    autocomplete: str | None = None

    def option_values(self) -> list[str] | None:
        """The values an answer can take, or None when the field is free text/number/date."""
        if self.type == FieldType.yesno:
            return list(YESNO_VALUES)
        if self.options is None:
            return None
        return [o if isinstance(o, str) else o.value for o in self.options]

    @property
    def is_required(self) -> bool:
        """True when an empty answer is an error."""
        return self.required not in (None, False)


class Transition(_Model):
    """One entry of a ``next:`` list: go to a step, if the condition holds (or always)."""

    if_: Condition | None = Field(default=None, alias="if")
    goto: Slug


Next = Slug | list[Transition]


class _StepBase(_Model):
    id: Slug
    title: str = Field(min_length=1)
    phase: Slug | None = None
    actor: Slug | None = None
    description: str | None = Field(
        default=None, description="A note for designers; never shown to citizens."
    )


class ScreenStep(_StepBase):
    """A page of the e-service: content, questions and where to go next."""

    kind: Literal["screen"]
    pattern: Pattern | None = None
    body: str | None = Field(default=None, description="Markdown shown above the questions.")
    fields: list[FormField] = Field(default_factory=list)
    button: str | None = Field(default=None, description="Label of the submit button.")
    channel: Channel = Channel.web
    next: Next | None = None

    def transitions(self) -> list[Transition]:
        """The ``next:`` entries in order; a single step id is one unconditional entry."""
        return _transitions(self.next)


class DecisionRule(_Model):
    """One rule of a decision: if it holds, the outcome applies and the journey goes on."""

    if_: Condition | None = Field(default=None, alias="if")
    outcome: str = Field(min_length=1)
    explanation: str | None = Field(
        default=None, description="Why this outcome: shown to the citizen in the prototype."
    )
    goto: Slug


class DecisionStep(_StepBase):
    """An automated or manual decision: ordered rules, the first that holds decides."""

    kind: Literal["decision"]
    body: str | None = None
    manual: bool = Field(default=False, description="True when a case officer decides.")
    rules: list[DecisionRule] = Field(min_length=1)


class OfflineStep(_StepBase):
    """Something that happens outside the e-service: a letter, a call, a visit."""

    kind: Literal["offline"]
    channel: Channel
    body: str | None = None
    receiver: Slug | None = Field(default=None, description="The actor who receives it.")
    duration: str | None = Field(default=None, description="How long it usually takes.")
    next: Next | None = None

    def transitions(self) -> list[Transition]:
        """The ``next:`` entries in order; a single step id is one unconditional entry."""
        return _transitions(self.next)


Step = Annotated[ScreenStep | DecisionStep | OfflineStep, Field(discriminator="kind")]


def _transitions(next_: Next | None) -> list[Transition]:
    if next_ is None:
        return []
    if isinstance(next_, str):
        return [Transition(goto=next_)]
    return list(next_)


class Journey(_Model):
    """One public service seen from the citizen: metadata, phases, actors and steps."""

    id: Slug
    title: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    service_area: str | None = None
    language: Literal["sv", "en"] = "sv"
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    licence: str = Field(
        default="CC-BY-4.0",
        description="Licence for reuse by other organisations (SPDX id, e.g. CC-BY-4.0).",
    )
    origin: str | None = Field(
        default=None, description="Where the journey came from when reused from elsewhere."
    )
    lix_target: int = Field(
        default=40,
        ge=10,
        le=80,
        description="Warn when a screen's readability index LIX is above this.",
    )
    phases: list[Phase] = Field(default_factory=list)
    actors: list[Actor] | None = None
    start: Slug | None = Field(default=None, description="The first step; default the first.")
    steps: list[Step] = Field(min_length=1)

    def all_actors(self) -> list[Actor]:
        """The declared actors, or the default three (invånare, kommunen, system)."""
        return list(self.actors) if self.actors is not None else list(DEFAULT_ACTORS)

    def first_step(self) -> ScreenStep | DecisionStep | OfflineStep:
        """The step a citizen starts on."""
        if self.start is not None:
            for step in self.steps:
                if step.id == self.start:
                    return step
        return self.steps[0]

    def step(self, step_id: str) -> ScreenStep | DecisionStep | OfflineStep | None:
        """The step with this id, or None (first wins on duplicates).

        Looked up in an index built once per list of steps: the prototype's navigation asks
        for steps by id dozens of times per page. A journey given new steps (a copy with
        ``steps=...``, or a list of another length) builds it again."""
        steps = self.steps
        kept = _STEP_INDEXES.get(id(self))
        if kept is None or kept[0]() is not self or kept[1] is not steps or kept[2] != len(steps):
            index: dict[str, ScreenStep | DecisionStep | OfflineStep] = {}
            for step in steps:
                index.setdefault(step.id, step)
            key = id(self)
            gone = functools.partial(_STEP_INDEXES.pop, key, None)
            kept = (weakref.ref(self, lambda _ref: gone()), steps, len(steps), index)
            _STEP_INDEXES[key] = kept
        return kept[3].get(step_id)

    def fields(self) -> dict[str, tuple[ScreenStep, FormField]]:
        """Every field by id, with the screen that asks it (first wins on duplicates)."""
        found: dict[str, tuple[ScreenStep, FormField]] = {}
        for step in self.steps:
            if isinstance(step, ScreenStep):
                for f in step.fields:
                    found.setdefault(f.id, (step, f))
        return found

    def actor_of(self, step: ScreenStep | DecisionStep | OfflineStep) -> str:
        """The actor id of a step, with defaults by kind when the step names none."""
        if step.actor:
            return step.actor
        actors = self.all_actors()
        wanted = {
            "screen": ActorRole.end_user,
            "decision": ActorRole.system,
            "offline": ActorRole.provider,
        }[step.kind]
        for actor in actors:
            if actor.role == wanted:
                return actor.id
        return actors[0].id if actors else "invanare"


def successors(step: ScreenStep | DecisionStep | OfflineStep) -> list[str]:
    """Every step id this step can lead to, in order, without duplicates."""
    if isinstance(step, DecisionStep):
        targets = [r.goto for r in step.rules]
    else:
        targets = [t.goto for t in step.transitions()]
    return list(dict.fromkeys(targets))


def is_end(step: ScreenStep | DecisionStep | OfflineStep) -> bool:
    """An end step has nowhere to go (decisions always go somewhere)."""
    return not isinstance(step, DecisionStep) and step.next is None


_RELATIVE_DATE = re.compile(r"^today(?:([+-])(\d{1,4})([dmy]))?$")


def resolve_date(value: dt.date | str, today: dt.date) -> dt.date | None:
    """A rule's date: an ISO date, ``today`` or ``today-18y``/``today+30d``/``today-6m``.

    Returns None when the text is not a date in any of these forms.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().lower()
    match = _RELATIVE_DATE.match(text)
    if match is None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    sign, amount, unit = match.groups()
    if sign is None:
        return today
    n = int(amount) * (1 if sign == "+" else -1)
    if unit == "d":
        try:
            return today + dt.timedelta(days=n)
        except OverflowError:
            return None
    months = today.month - 1 + (n if unit == "m" else 12 * n)
    year, month = today.year + months // 12, months % 12 + 1
    if not 1 <= year <= 9999:
        return None
    day = min(today.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


_STEP_INDEXES: dict[int, tuple[Any, list[Step], int, dict[str, Step]]] = {}
"""Each journey's steps by id (:meth:`Journey.step`), by the journey's id with a weak
reference to it, dropped when the journey is. Kept outside the model so that it is not part
of the journey: two equal journeys stay equal."""
