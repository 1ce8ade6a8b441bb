"""The workshop report as plain data, and participation figures for the projector.

:func:`workshop_report` gathers what the report shows: the workshop and its agenda, every
step of the journey in order with its visible notes and votes, the answers to open
questions, the result of each vote and how many took part. ``toolkit`` renders it as HTML
and Markdown; nothing here formats text for a page.
"""

from __future__ import annotations

from sqlite_utils import Database

from workshops.facilitation import agenda, require_workshop, workshop_journey
from workshops.model import Participation, WorkshopReport
from workshops.notes import answers_to_questions, steps_with_notes
from workshops.votes import vote_results


def participation(db: Database, workshop_id: str) -> Participation:
    """Joined, active (added a note or a vote), notes written and votes given."""
    joined, notes, votes, active = db.execute(
        """
        select
            (select count(*) from workshop_participants where workshop_id = :w),
            (select count(*) from workshop_notes where workshop_id = :w),
            (select count(*) from workshop_votes where workshop_id = :w),
            (select count(*) from (
                select participant_id from workshop_notes where workshop_id = :w
                union
                select participant_id from workshop_votes where workshop_id = :w
            ))
        """,
        {"w": workshop_id},
    ).fetchone()
    return Participation(joined=joined, active=active, notes=notes, votes=votes)


def workshop_report(db: Database, workshop_id: str) -> WorkshopReport:
    """Everything the report shows, hidden notes left out (only counted).

    Steps come in journey order, as on the journey map (phases in order, steps in file
    order within a phase), each with its notes most voted first; notes on steps that are
    no longer in the journey come last. Vote results follow the agenda.
    """
    workshop = require_workshop(db, workshop_id)
    journey = workshop_journey(db, workshop)
    activities = agenda(db, workshop.id)
    hidden = db.execute(
        "select count(*) from workshop_notes where workshop_id = ? and hidden = 1 "
        "and merged_into is null",
        [workshop.id],
    ).fetchone()[0]
    return WorkshopReport(
        workshop=workshop,
        journey_title=journey.title,
        activities=activities,
        steps=steps_with_notes(db, workshop, include_hidden=False, with_votes=True),
        answers=answers_to_questions(db, workshop, include_hidden=False, with_votes=True),
        vote_results=[
            vote_results(db, workshop, activity, journey, visible=True)
            for activity in activities
            if activity.kind == "vote"
        ],
        participation=participation(db, workshop.id),
        hidden_notes=hidden,
    )
