"""Plain data for the facilitator's pages, built from the workshops package (no Reflex here).

The workshop list, the agenda being planned (before the workshop exists) and the agenda
being run, the notes on the journey's steps for moderation and for the projector (phases
as columns), vote results, the countdown, and a cheap marker of "something changed" that
the pages poll. Components take this data, not State.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

import workshops as ws
from workshops import (
    DEFAULT_VOTES_PER_PERSON,
    MAX_VOTES_PER_PERSON,
    Activity,
    NoteView,
    StepNotes,
    VoteResults,
    Workshop,
    format_join_code,
)

STATE_LABELS = {
    "sv": {"draft": "Inte öppnad", "open": "Öppen", "closed": "Avslutad"},
    "en": {"draft": "Not opened", "open": "Open", "closed": "Closed"},
}
ACTIVITY_LABELS = {
    "sv": {
        "walk": "Gå igenom resan",
        "notes": "Lappar på stegen",
        "vote": "Prickröstning",
        "test": "Testa prototypen tillsammans",
        "question": "Öppen fråga",
    },
    "en": {
        "walk": "Walk the journey",
        "notes": "Notes on the steps",
        "vote": "Dot vote",
        "test": "Test the prototype together",
        "question": "Open question",
    },
}
NOTE_KIND_LABELS = {
    "sv": {"pain": "Problem", "idea": "Idé", "question": "Fråga", "praise": "Beröm"},
    "en": {"pain": "Pain", "idea": "Idea", "question": "Question", "praise": "Praise"},
}
NO_PHASE = "_"
GONE_PHASE = "-"
TIMER_CHOICES = (1, 3, 5, 10)
"""Minutes the facilitator can start the countdown with."""
MERGE_LABEL_CHARS = 60


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "sv"


@dataclass
class Choice:
    """An option of a select."""

    value: str = ""
    label: str = ""


# --- the list -------------------------------------------------------------------------------


@dataclass
class WorkshopRow:
    """One line of the workshop list."""

    id: str = ""
    title: str = ""
    journey: str = ""
    date: str = ""
    state: str = "draft"
    state_label: str = ""
    join_code: str = ""
    participants: int = 0
    run_href: str = ""
    projector_href: str = ""


def workshop_row(
    workshop: Workshop,
    *,
    journey_title: str,
    participants: int,
    run_href: str,
    projector_href: str,
    lang: str = "sv",
) -> WorkshopRow:
    """A workshop as the list shows it (the join code in two groups, as on the projector)."""
    return WorkshopRow(
        id=workshop.id,
        title=workshop.title,
        journey=journey_title,
        date=workshop.date.isoformat(),
        state=workshop.state,
        state_label=STATE_LABELS[_lang(lang)][workshop.state],
        join_code=format_join_code(workshop.join_code),
        participants=participants,
        run_href=run_href,
        projector_href=projector_href,
    )


# --- planning the agenda --------------------------------------------------------------------


class DraftError(ValueError):
    """An activity cannot be added to the agenda as filled in; the message says what to do."""


@dataclass
class DraftActivity:
    """An activity planned in the create form, before the workshop exists."""

    kind: str = "walk"
    title: str = ""
    prompt: str = ""
    votes_per_person: int = 0
    vote_on: str = ""
    share_code: str = ""
    question: str = ""
    summary: str = ""
    """The kind and its settings in words, e.g. "Prickröstning · 3 röster var på lappar"."""

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments for :func:`workshops.add_activity` (after the kind)."""
        return {
            "title": self.title or None,
            "prompt": self.prompt or None,
            "votes_per_person": self.votes_per_person if self.kind == "vote" else None,
            "vote_on": self.vote_on if self.kind == "vote" else None,
            "share_code": self.share_code if self.kind == "test" else None,
            "question": self.question if self.kind == "question" else None,
        }


_DRAFT_MESSAGES = {
    "sv": {
        "kind": "Välj vilken sorts aktivitet det är.",
        "votes": f"Ange hur många röster varje deltagare får, från 1 till {MAX_VOTES_PER_PERSON}.",
        "vote_on": "Välj om deltagarna röstar på lappar eller på steg.",
        "share": "Välj vilken delningslänk ni ska testa tillsammans.",
        "question": "Skriv frågan deltagarna ska svara på.",
    },
    "en": {
        "kind": "Choose which kind of activity it is.",
        "votes": f"Give the number of votes each participant gets, 1 to {MAX_VOTES_PER_PERSON}.",
        "vote_on": "Choose whether participants vote on notes or on steps.",
        "share": "Choose the share link you will test together.",
        "question": "Write the question participants answer.",
    },
}


def _field(form: Mapping[str, Any], name: str) -> str:
    return " ".join(str(form.get(name) or "").split())


def describe_activity(
    kind: str,
    *,
    votes_per_person: int | None = None,
    vote_on: str | None = None,
    share_label: str | None = None,
    question: str | None = None,
    lang: str = "sv",
    with_name: bool = True,
) -> str:
    """The kind of an activity and its settings in a few words ("Prickröstning · 3 röster
    var på lappar"); without ``with_name`` only the settings ("" when it has none)."""
    lang = _lang(lang)
    name = ACTIVITY_LABELS[lang].get(kind, kind)
    settings = ""
    if kind == "vote":
        target = {
            "sv": {"notes": "på lappar", "steps": "på steg"},
            "en": {"notes": "on notes", "steps": "on steps"},
        }[lang].get(vote_on or "notes", "")
        votes = votes_per_person or DEFAULT_VOTES_PER_PERSON
        each = (
            ("röst var" if votes == 1 else "röster var")
            if lang == "sv"
            else ("vote each" if votes == 1 else "votes each")
        )
        settings = f"{votes} {each} {target}"
    elif kind == "test" and share_label:
        settings = share_label
    elif kind == "question" and question:
        settings = f"”{question}”" if lang == "sv" else f"“{question}”"
    if not with_name:
        return settings
    return f"{name} · {settings}" if settings else name


def draft_activity(
    form: Mapping[str, Any], *, share_labels: Mapping[str, str], lang: str = "sv"
) -> DraftActivity:
    """Read the add-activity form; :class:`DraftError` says what is missing.

    ``share_labels`` maps the share codes that may be tested to what the select shows.
    The full checks (lengths, the link belonging to the journey) run again in
    :func:`workshops.add_activity` when the workshop is created.
    """
    messages = _DRAFT_MESSAGES[_lang(lang)]
    kind = _field(form, "kind")
    if kind not in ACTIVITY_LABELS["sv"]:
        raise DraftError(messages["kind"])
    draft = DraftActivity(kind=kind, title=_field(form, "title"), prompt=_field(form, "prompt"))
    if kind == "vote":
        try:
            votes = int(_field(form, "votes") or DEFAULT_VOTES_PER_PERSON)
        except ValueError:
            raise DraftError(messages["votes"]) from None
        if not 1 <= votes <= MAX_VOTES_PER_PERSON:
            raise DraftError(messages["votes"])
        vote_on = _field(form, "vote_on") or "notes"
        if vote_on not in ("notes", "steps"):
            raise DraftError(messages["vote_on"])
        draft.votes_per_person, draft.vote_on = votes, vote_on
    elif kind == "test":
        code = _field(form, "share_code")
        if code not in share_labels:
            raise DraftError(messages["share"])
        draft.share_code = code
    elif kind == "question":
        draft.question = _field(form, "question")
        if not draft.question:
            raise DraftError(messages["question"])
    draft.summary = describe_activity(
        kind,
        votes_per_person=draft.votes_per_person,
        vote_on=draft.vote_on,
        share_label=share_labels.get(draft.share_code),
        question=draft.question,
        lang=lang,
    )
    return draft


def moved(items: Sequence[Any], index: int, offset: int) -> list[Any]:
    """The list with the item at ``index`` moved ``offset`` places (unchanged when it would
    leave the list)."""
    result = list(items)
    target = index + offset
    if not 0 <= index < len(result) or not 0 <= target < len(result):
        return result
    result.insert(target, result.pop(index))
    return result


def without(items: Sequence[Any], index: int) -> list[Any]:
    """The list without the item at ``index``."""
    return [item for n, item in enumerate(items) if n != index]


# --- running the agenda ---------------------------------------------------------------------


@dataclass
class AgendaItem:
    """An activity of the agenda as the run page lists it."""

    id: str = ""
    index: int = 0
    number: int = 1
    kind: str = "walk"
    title: str = ""
    detail: str = ""
    current: bool = False
    prompt: str = ""
    votes_per_person: int = 0
    question: str = ""
    first: bool = False
    last: bool = False


def agenda_items(
    activities: Sequence[Activity],
    *,
    current_id: str | None,
    share_labels: Mapping[str, str] | None = None,
    lang: str = "sv",
) -> list[AgendaItem]:
    """The agenda in order, the current activity marked."""
    labels = share_labels or {}
    return [
        AgendaItem(
            id=activity.id,
            index=n,
            number=n + 1,
            kind=activity.kind,
            title=activity.title,
            detail=describe_activity(
                activity.kind,
                votes_per_person=activity.votes_per_person,
                vote_on=activity.vote_on,
                share_label=labels.get(activity.share_code or "", activity.share_code),
                question=activity.question,
                lang=lang,
                # a title that is the kind's own name need not be said twice
                with_name=activity.title
                not in (ACTIVITY_LABELS["sv"][activity.kind], ACTIVITY_LABELS["en"][activity.kind]),
            ),
            current=activity.id == current_id,
            prompt=activity.prompt or "",
            votes_per_person=activity.votes_per_person or 0,
            question=activity.question or "",
            first=n == 0,
            last=n == len(activities) - 1,
        )
        for n, activity in enumerate(activities)
    ]


def activity_prompt(activity: Activity | None) -> str:
    """What participants are asked to do now: the open question, else the prompt."""
    if activity is None:
        return ""
    return activity.question or activity.prompt or ""


def clock(seconds: int | None) -> str:
    """A countdown as ``m:ss`` (``h:mm:ss`` from an hour), or "" without a timer."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def countdown(ends_at: dt.datetime | None, now: dt.datetime) -> tuple[int, str]:
    """Whole seconds left (rounded up) and the clock text; ``(-1, "")`` without a timer."""
    if ends_at is None:
        return -1, ""
    left = max(0, math.ceil((ends_at - now).total_seconds()))
    return left, clock(left)


# --- notes on steps -------------------------------------------------------------------------


@dataclass
class NoteCard:
    """A note on a step, for moderation or for the projector."""

    id: str = ""
    kind: str = "pain"
    kind_label: str = ""
    text: str = ""
    nickname: str = ""
    votes: int = 0
    show_votes: bool = False
    hidden: bool = False
    merge_targets: list[Choice] = field(default_factory=list)


@dataclass
class StepBoard:
    """One step of the journey with its notes."""

    id: str = ""
    title: str = ""
    phase: str = NO_PHASE
    in_journey: bool = True
    notes: list[NoteCard] = field(default_factory=list)
    note_count: int = 0
    votes: int = 0
    show_votes: bool = False


@dataclass
class PhaseBoard:
    """A phase of the journey as a column of steps on the projector."""

    id: str = ""
    title: str = ""
    steps: list[StepBoard] = field(default_factory=list)


def _short(text: str, limit: int = MERGE_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def note_card(
    note: NoteView, *, lang: str = "sv", merge_targets: list[Choice] | None = None
) -> NoteCard:
    """A note as a card; votes are shown only when the viewer may see them."""
    return NoteCard(
        id=note.id,
        kind=note.kind,
        kind_label=NOTE_KIND_LABELS[_lang(lang)].get(note.kind, note.kind),
        text=note.text,
        nickname=note.nickname,
        votes=note.votes or 0,
        show_votes=note.votes is not None,
        hidden=note.hidden,
        merge_targets=merge_targets or [],
    )


def step_boards(
    steps: Sequence[StepNotes],
    *,
    lang: str = "sv",
    moderation: bool = False,
    only_with_notes: bool = False,
) -> list[StepBoard]:
    """The steps in journey order with their notes (most voted first, as given).

    With ``moderation`` each note lists the other notes on the same step it can be merged
    into (duplicates are said about the same step). ``only_with_notes`` leaves out steps
    nobody has written about yet.
    """
    boards = []
    for step in steps:
        if only_with_notes and not step.notes:
            continue
        cards = []
        for note in step.notes:
            targets = (
                [
                    Choice(other.id, f"{_short(other.text)} ({other.nickname})")
                    for other in step.notes
                    if other.id != note.id
                ]
                if moderation
                else []
            )
            cards.append(note_card(note, lang=lang, merge_targets=targets))
        boards.append(
            StepBoard(
                id=step.step_id,
                title=step.title,
                phase=(step.phase or NO_PHASE) if step.in_journey else GONE_PHASE,
                in_journey=step.in_journey,
                notes=cards,
                note_count=len(cards),
                votes=step.step_votes or 0,
                show_votes=step.step_votes is not None,
            )
        )
    return boards


def phase_boards(steps: Sequence[StepNotes], *, lang: str = "sv") -> list[PhaseBoard]:
    """The steps grouped by phase, phases in journey order (as :func:`workshops.notes_by_step`
    gives them); steps without a phase, then steps no longer in the journey, come last."""
    lang = _lang(lang)
    extra_titles = {
        NO_PHASE: "Utan fas" if lang == "sv" else "No phase",
        GONE_PHASE: "Inte längre i resan" if lang == "sv" else "No longer in the journey",
    }
    columns: dict[str, PhaseBoard] = {}
    titles = {s.phase: s.phase_title for s in steps if s.phase}
    for board in step_boards(steps, lang=lang):
        column = columns.get(board.phase)
        if column is None:
            title = titles.get(board.phase) or extra_titles.get(board.phase, board.phase)
            column = columns[board.phase] = PhaseBoard(id=board.phase, title=title or "")
        column.steps.append(board)
    return list(columns.values())


def merge_choices(steps: Sequence[StepNotes]) -> list[Choice]:
    """Every note that can be merged, in journey order, labelled with its step so notes
    from different steps can be told apart ("Logga in: BankID krånglar (Anna)")."""
    return [
        Choice(note.id, f"{step.title}: {_short(note.text)} ({note.nickname})")
        for step in steps
        for note in step.notes
    ]


def step_choices(steps: Sequence[StepNotes], *, lang: str = "sv") -> list[Choice]:
    """The steps a merged note can be put on, in journey order, after the choice to keep
    the step of the note whose text stays (value "")."""
    keep = "Samma steg som lappen som står kvar" if _lang(lang) == "sv" else "The kept note's step"
    return [Choice("", keep)] + [
        Choice(step.step_id, step.title) for step in steps if step.in_journey
    ]


# --- votes ----------------------------------------------------------------------------------


@dataclass
class ResultRow:
    """A note or step with its votes, in a vote's results."""

    label: str = ""
    kind_label: str = ""
    votes: int = 0
    percent: int = 0
    """Share of the most voted item, for a bar (0–100)."""


def result_rows(results: VoteResults, *, lang: str = "sv", limit: int = 10) -> list[ResultRow]:
    """The most voted notes or steps of a vote (empty while the results are not visible)."""
    if not results.visible or not results.counts:
        return []
    top = max(count.votes for count in results.counts) or 1
    return [
        ResultRow(
            label=count.label,
            kind_label=NOTE_KIND_LABELS[_lang(lang)].get(count.kind or "", ""),
            votes=count.votes,
            percent=math.floor(100 * count.votes / top),
        )
        for count in results.counts[:limit]
    ]


# --- live updates ---------------------------------------------------------------------------


def change_marker(db: Database, workshop_id: str) -> str:
    """A short text that changes whenever anything a facilitator's page shows changes:
    notes (added, moderated), votes (given, taken back), participants, the agenda and the
    workshop's own state (activity, lock, results, timer).

    One cheap query over indexed columns, for pages that poll every few seconds and reload
    everything only when the marker moved.
    """
    row = db.execute(
        """
        select
            (select count(*) || '/' || coalesce(max(updated_at), '')
               from workshop_notes where workshop_id = :w),
            (select count(*) || '/' || coalesce(max(created_at), '')
               from workshop_votes where workshop_id = :w),
            (select count(*) from workshop_participants where workshop_id = :w),
            (select count(*) || '/' || coalesce(group_concat(id || '@' || position), '')
               from workshop_activities where workshop_id = :w),
            (select state || '/' || coalesce(current_activity_id, '') || '/' || input_locked
                    || '/' || results_revealed || '/' || coalesce(timer_ends_at, '')
               from workshops where id = :w)
        """,
        {"w": workshop_id},
    ).fetchone()
    return "|".join("" if value is None else str(value) for value in row)


# --- what both live pages show --------------------------------------------------------------


@dataclass
class LiveView:
    """A workshop as the run page and the projector show it at one moment."""

    workshop: Workshop
    journey_title: str
    agenda: list[AgendaItem]
    current: Activity | None
    steps: list[StepNotes]
    joined: int = 0
    active: int = 0
    notes: int = 0
    votes: int = 0
    results: VoteResults | None = None
    answers: list[NoteView] = field(default_factory=list)

    @property
    def current_index(self) -> int:
        """The position of the current activity, or -1 before the first."""
        return self.current.position if self.current is not None else -1


def live_view(
    db: Database,
    workshop_id: str,
    *,
    audience: str = "facilitator",
    share_labels: Mapping[str, str] | None = None,
    lang: str = "sv",
) -> LiveView | None:
    """Everything a live page needs, read in one go; None for an unknown workshop.

    ``audience`` ``participant`` (the projector) leaves hidden notes out, and the votes out
    until the facilitator reveals them. ``results`` are those of the current vote (else the
    latest vote before it), None without a vote in the agenda. ``answers`` are the answers
    to the current open question.
    """
    workshop = ws.get_workshop(db, workshop_id)
    if workshop is None:
        return None
    who = "facilitator" if audience == "facilitator" else "participant"
    activities = ws.agenda(db, workshop.id)
    current = next((a for a in activities if a.id == workshop.current_activity_id), None)
    try:
        journey_title = ws.workshop_journey(db, workshop).title
        steps = ws.notes_by_step(db, workshop.id, audience=who)
    except ws.WorkshopError:
        journey_title, steps = workshop.journey_id, []
    counts = ws.participation(db, workshop.id)
    results = None
    if any(a.kind == "vote" for a in activities):
        results = ws.results(db, workshop.id, audience=who)
    answers: list[NoteView] = []
    if current is not None and current.kind == "question":
        for question in ws.question_answers(db, workshop.id, audience=who):
            if question.activity.id == current.id:
                answers = question.answers
    return LiveView(
        workshop=workshop,
        journey_title=journey_title,
        agenda=agenda_items(
            activities,
            current_id=workshop.current_activity_id,
            share_labels=share_labels,
            lang=lang,
        ),
        current=current,
        steps=steps,
        joined=counts.joined,
        active=counts.active,
        notes=counts.notes,
        votes=counts.votes,
        results=results,
        answers=answers,
    )
