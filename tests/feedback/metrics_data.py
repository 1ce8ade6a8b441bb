"""Small, hand-countable test data for the analysis: the parking permit example published,
share links to it, and testers whose every step is scripted with exact times."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path
from typing import Any

from sqlite_utils import Database

import feedback
from journeys import read_text
from journeys.store import save_journey
from prototypes import ShareLink, Version, create_share_link, publish_version

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "journeys" / "examples" / "parkeringstillstand.yaml"
JOURNEY_ID = "parkeringstillstand"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TASK = "Du har svårt att gå och vill kunna parkera nära. Ansök om parkeringstillstånd."


def publish_example(db: Database, *, text: str | None = None, now: dt.datetime = T0) -> Version:
    """Save the parking permit example (or a changed text of it) and publish it."""
    source = EXAMPLE.read_text(encoding="utf-8") if text is None else text
    document = read_text(source)
    assert document.journey is not None, document.findings
    save_journey(db, document.journey, source=source, author="anna", now=now)
    return publish_version(db, JOURNEY_ID, note="test", author="anna", now=now)


def share(
    db: Database,
    version: Version,
    *,
    task: bool = True,
    allow_under_13: bool = False,
    seed: int = 1,
) -> ShareLink:
    """A share link to the version, with the application task (success: 'skickad')."""
    return create_share_link(
        db,
        version.id,
        task=TASK if task else None,
        success_step="skickad" if task else None,
        allow_under_13=allow_under_13,
        created_by="anna",
        now=T0,
        rng=random.Random(seed),
    )


class Tester:
    """One scripted tester: every call records what the citizen pages would, ``after``
    seconds after the previous call."""

    __test__ = False  # a helper, not a pytest test class

    def __init__(
        self, db: Database, link: ShareLink, *, age_band: str = "16-17", at: dt.datetime = T0
    ) -> None:
        self.db = db
        self.link = link
        self.clock = at
        self.session = feedback.start_session(
            db,
            share_code=link.code,
            version_id=link.version_id,
            journey_id=link.journey_id,
            age_band=age_band,
            allow_under_13=link.allow_under_13,
            user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile",
            now=at,
        )
        self.step: str | None = None

    @property
    def id(self) -> str:
        return self.session.id

    def _events(self, *events: tuple[Any, ...]) -> None:
        feedback.record_events(
            self.db,
            [
                feedback.Event(
                    id=str(uuid.uuid4()),
                    session_id=self.session.id,
                    kind=kind,
                    step_id=step_id,
                    field_id=field_id,
                    detail=detail,
                    at=self.clock,
                )
                for kind, step_id, field_id, detail in events
            ],
        )

    def send(self, script: list[tuple[str, str | None, float]]) -> Tester:
        """Send (kind, step, seconds after the start) events in the order given."""
        start = self.clock
        for kind, step_id, seconds in script:
            self.clock = start + dt.timedelta(seconds=seconds)
            self._events((kind, step_id, None, {}))
        self.clock = start
        return self

    def wait(self, seconds: float) -> Tester:
        self.clock += dt.timedelta(seconds=seconds)
        return self

    def view(self, step_id: str, *, after: float = 0) -> Tester:
        """Open a step (the submit of the step before it goes first, as on the pages)."""
        self.wait(after)
        events: list[tuple[Any, ...]] = []
        if self.step is not None:
            events.append(("submitted", self.step, None, {"ok": True}))
        events.append(("screen_viewed", step_id, None, {}))
        self._events(*events)
        self.step = step_id
        return self

    def walk(self, steps: list[str], *, every: float = 10) -> Tester:
        """View the steps one after another, ``every`` seconds apart (the first at once)."""
        for i, step_id in enumerate(steps):
            self.view(step_id, after=every if i else 0)
        return self

    def error(self, field_id: str, message: str, *, after: float = 0) -> Tester:
        """Submit the current step with one field wrong."""
        self.wait(after)
        self._events(
            ("submitted", self.step, None, {"ok": False, "errors": 1}),
            ("validation_error", self.step, field_id, {"status": "error", "message": message}),
        )
        return self

    def back(self, to: str, *, after: float = 0) -> Tester:
        """The back link: a 'back' event on the step left, then the view of ``to``."""
        self.wait(after)
        self._events(("back", self.step, None, {"to": to}), ("screen_viewed", to, None, {}))
        self.step = to
        return self

    def change(self, to: str, field_id: str, *, after: float = 0) -> Tester:
        """'Ändra' on the check-answers page."""
        self.wait(after)
        self._events(
            ("change_from_summary", to, field_id, {"from": self.step}),
            ("screen_viewed", to, None, {}),
        )
        self.step = to
        return self

    def complete(self, *, task_success: bool | None = None, after: float = 0) -> Tester:
        """Submit the last step: the session is completed."""
        self.wait(after)
        self._events(
            ("submitted", self.step, None, {"ok": True}),
            ("completed", self.step, None, {"task_success": task_success}),
        )
        feedback.complete_session(
            self.db, self.session.id, task_success=task_success, now=self.clock
        )
        return self

    def abandon(self, *, after: float = 0) -> Tester:
        """'Avbryt testet' on the current step."""
        self.wait(after)
        self._events(("abandoned", self.step, None, {"by": "tester"}))
        return self

    def rate(self, step_id: str, rating: int) -> Tester:
        feedback.record_rating(
            self.db,
            id=str(uuid.uuid4()),
            session_id=self.id,
            step_id=step_id,
            rating=rating,
            now=self.clock,
        )
        return self

    def comment(self, step_id: str | None, text: str) -> str:
        comment_id = str(uuid.uuid4())
        feedback.record_comment(
            self.db, id=comment_id, session_id=self.id, step_id=step_id, text=text, now=self.clock
        )
        return comment_id

    def seq(self, score: int, step_id: str | None = None) -> Tester:
        feedback.record_seq(
            self.db,
            id=str(uuid.uuid4()),
            session_id=self.id,
            step_id=step_id,
            score=score,
            now=self.clock,
        )
        return self

    def sus(self, answers: list[int]) -> Tester:
        feedback.record_sus(
            self.db, id=str(uuid.uuid4()), session_id=self.id, answers=answers, now=self.clock
        )
        return self


# The example's paths, as the engine plans them.
PASSENGER = [
    "start",
    "ska-du-kora",
    "passagerare",
    "gangformaga",
    "varaktighet",
    "logga-in",
    "kontaktuppgifter",
    "lakarintyg",
    "foto",
    "kontrollera-svar",
    "skickad",
    "blankett-med-post",
    "utredning",
    "beslut",
    "beviljat",
    "kortet",
    "fornya",
]
"""The planned path with no answers (each question's last branch)."""

DRIVER = ["start", "ska-du-kora", "korkort", *PASSENGER[3:]]
"""A driver with a licence: 'korkort' instead of 'passagerare'."""
