"""The shapes of workshop data: workshops, activities, participants, notes, votes, results.

Every function of the package returns these models; pages, the projector view and the
report rendering in ``toolkit`` read them and nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal, get_args

from pydantic import BaseModel, Field

from feedback import AgeBand

State = Literal["draft", "open", "closed"]
ActivityKind = Literal["walk", "notes", "vote", "test", "question"]
NoteKind = Literal["pain", "idea", "question", "praise"]
VoteOn = Literal["notes", "steps"]
Audience = Literal["facilitator", "participant"]
"""Who is looking: participants (and the projector) never see hidden notes, nor votes before
the facilitator reveals them."""

ACTIVITY_KINDS: tuple[str, ...] = get_args(ActivityKind)
NOTE_KINDS: tuple[str, ...] = get_args(NoteKind)

ACTIVITY_TITLES: dict[str, str] = {
    "walk": "Gå igenom resan",
    "notes": "Lappar på stegen",
    "vote": "Prickröstning",
    "test": "Testa prototypen tillsammans",
    "question": "Öppen fråga",
}
"""The title an activity gets when the facilitator gives none."""

NOTE_KIND_LABELS: dict[str, str] = {
    "pain": "Problem",
    "idea": "Idé",
    "question": "Fråga",
    "praise": "Beröm",
}

NOTE_TAKING: frozenset[str] = frozenset({"walk", "notes", "test", "question"})
"""Activities during which participants may put notes on steps (all but the dot vote)."""


class Workshop(BaseModel):
    """A co-creation session around one journey, optionally one published version of it."""

    id: str
    journey_id: str
    version_id: str | None = Field(
        default=None, description="The version tested together; None: the journey's draft."
    )
    title: str
    date: dt.date
    join_code: str = Field(description="Six symbols such as 'K7MPQ2'; see workshops.codes.")
    state: State = "draft"
    facilitator: str = Field(description="E-mail of the facilitator who runs it.")
    allow_under_13: bool = Field(
        default=False,
        description="The facilitator attests guardian consent, so participants under 13 may join.",
    )
    current_activity_id: str | None = None
    current_index: int | None = Field(
        default=None, description="Position of the current activity in the agenda (from 0)."
    )
    input_locked: bool = False
    results_revealed: bool = False
    timer_ends_at: dt.datetime | None = None
    created_at: dt.datetime
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    notes_revision: int = Field(
        default=0, description="Moves whenever a note of the workshop is added, changed or removed."
    )

    def seconds_left(self, now: dt.datetime) -> int | None:
        """Whole seconds until the timer ends (0 once it has), or None without a timer."""
        if self.timer_ends_at is None:
            return None
        return max(0, math.ceil((self.timer_ends_at - now).total_seconds()))


class Activity(BaseModel):
    """One item of the agenda."""

    id: str
    workshop_id: str
    position: int = Field(ge=0)
    kind: ActivityKind
    title: str
    prompt: str | None = Field(default=None, description="What the facilitator asks people to do.")
    votes_per_person: int | None = Field(default=None, description="Dot votes each (vote only).")
    vote_on: VoteOn | None = Field(default=None, description="What is voted on (vote only).")
    share_code: str | None = Field(default=None, description="Share link tested (test only).")
    question: str | None = Field(default=None, description="The open question (question only).")
    created_at: dt.datetime

    @property
    def takes_notes(self) -> bool:
        """True when participants may add notes during this activity."""
        return self.kind in NOTE_TAKING


class Participant(BaseModel):
    """Someone who joined with the code: a nickname, an age band and a consent time."""

    id: str
    workshop_id: str
    number: int = Field(ge=1, description="1, 2, 3 ... in the order people joined.")
    nickname: str = Field(description="As chosen, or 'Anonym 3'.")
    age_band: AgeBand
    consent_at: dt.datetime
    joined_at: dt.datetime
    last_seen_at: dt.datetime


class Joined(BaseModel):
    """What joining gives back: the participant and their token (shown once, kept hashed)."""

    participant: Participant
    token: str = Field(description="The participant's capability; put it in a cookie.")


class Note(BaseModel):
    """A note as stored: masked text on a step (or an answer to an open question)."""

    id: str
    workshop_id: str
    activity_id: str
    participant_id: str
    step_id: str | None = Field(description="None only for an answer to an open question.")
    kind: NoteKind
    text: str = Field(description="Masked: personal identifiers replaced by labels.")
    masked: bool
    hidden: bool = False
    merged_into: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime


class NoteView(BaseModel):
    """A note as pages show it: with its kind in Swedish, its author's nickname and votes."""

    id: str
    step_id: str | None
    activity_id: str
    kind: NoteKind
    kind_label: str
    text: str
    nickname: str
    votes: int | None = Field(description="None when the viewer may not see votes yet.")
    hidden: bool = False
    created_at: dt.datetime


class StepNotes(BaseModel):
    """The notes on one step of the journey, most voted first."""

    step_id: str
    title: str
    phase: str | None = None
    phase_title: str | None = None
    in_journey: bool = Field(
        default=True, description="False for a step that is no longer in the journey."
    )
    notes: list[NoteView] = Field(default_factory=list)
    step_votes: int | None = Field(
        default=None, description="Votes on the step itself; None while not visible."
    )


class QuestionAnswers(BaseModel):
    """An open question and the answers given to it."""

    activity: Activity
    answers: list[NoteView] = Field(default_factory=list)


class Vote(BaseModel):
    """One dot: a participant's vote on a note or a step in one vote activity."""

    id: str
    workshop_id: str
    activity_id: str
    participant_id: str
    note_id: str | None = None
    step_id: str | None = None
    created_at: dt.datetime


class VoteOutcome(BaseModel):
    """What one tap on a vote did, and the votes the participant has left after it."""

    stored: bool = Field(description="True when a vote was stored (or taken back).")
    votes_left: int = Field(description="Left in the current vote; 0 when none is going on.")


class VoteCount(BaseModel):
    """How many votes one note or step got."""

    note_id: str | None = None
    step_id: str | None = Field(default=None, description="The step voted on, or the note's.")
    label: str = Field(description="The note's text or the step's title.")
    kind: NoteKind | None = None
    votes: int


class VoteResults(BaseModel):
    """The outcome of one vote activity, most votes first."""

    activity_id: str
    title: str
    vote_on: VoteOn
    votes_per_person: int
    visible: bool = Field(description="False for participants until results are revealed.")
    voters: int = 0
    total_votes: int = 0
    counts: list[VoteCount] = Field(default_factory=list)


class Participation(BaseModel):
    """How many took part, for the projector and the report."""

    joined: int = Field(description="Participants who joined.")
    active: int = Field(description="Participants who added at least one note or vote.")
    notes: int = Field(description="Notes written, hidden ones included.")
    votes: int = Field(description="Votes given, after merges collapsed duplicates.")


class StepInsight(BaseModel):
    """Something said about a step, for the designer's heat view next to the test metrics."""

    journey_id: str
    step_id: str
    source: str = Field(description="Where it came from: 'workshop'.")
    source_id: str = Field(description="The id of the note (for source 'workshop').")
    kind: str
    text: str
    votes: int = 0
    created_at: dt.datetime


class WorkshopReport(BaseModel):
    """Everything the workshop report shows, as plain data; toolkit renders it."""

    workshop: Workshop
    journey_title: str
    activities: list[Activity]
    steps: list[StepNotes] = Field(
        description="Every step in journey order (phases as on the map), with its visible notes."
    )
    answers: list[QuestionAnswers] = Field(default_factory=list)
    vote_results: list[VoteResults] = Field(default_factory=list)
    participation: Participation
    hidden_notes: int = Field(default=0, description="Notes the facilitator hid (not shown).")
