"""Insights on steps: what a workshop said about the journey, next to the test metrics.

:func:`send_notes_to_journey` turns a workshop's visible notes into rows of
``step_insights``, keyed by the step ids the test data uses, so the designer's heat view
shows the room's pains and ideas on the same steps as the testers' figures. Sending again
brings the insights up to date (kind, text, votes after moderation) and removes those of
notes hidden or merged since; it never duplicates.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from workshops.facilitation import require_workshop
from workshops.model import StepInsight
from workshops.notes import note_votes
from workshops.store import rows, stamp, write

SOURCE = "workshop"


def send_notes_to_journey(db: Database, workshop_id: str, now: dt.datetime) -> int:
    """Make every visible note on a step of the workshop an insight on that step.

    Returns how many of the workshop's notes are insights now. Safe to repeat: the second
    time changes nothing unless notes or votes changed in between. Insights keep the time
    they were first sent. Answers to open questions without a step are not sent.
    """
    workshop = require_workshop(db, workshop_id)

    def work() -> int:
        notes = rows(
            db,
            "select id, step_id, kind, text from workshop_notes where workshop_id = ? "
            "and hidden = 0 and merged_into is null and step_id is not null "
            "order by created_at, rowid",
            [workshop.id],
        )
        votes = note_votes(db, workshop.id)
        moment = stamp(now)
        for note in notes:
            db.execute(
                "insert into step_insights (source, source_id, journey_id, step_id, kind, "
                "text, votes, created_at) values (?, ?, ?, ?, ?, ?, ?, ?) "
                "on conflict (source, source_id) do update set journey_id = excluded.journey_id, "
                "step_id = excluded.step_id, kind = excluded.kind, text = excluded.text, "
                "votes = excluded.votes",
                [
                    SOURCE,
                    note["id"],
                    workshop.journey_id,
                    note["step_id"],
                    note["kind"],
                    note["text"],
                    votes[note["id"]],
                    moment,
                ],
            )
        db.execute(
            "delete from step_insights where source = ? and source_id in ("
            "select id from workshop_notes where workshop_id = ? "
            "and (hidden = 1 or merged_into is not null or step_id is null))",
            [SOURCE, workshop.id],
        )
        return len(notes)

    return write(db, work)


def step_insights(
    db: Database, journey_id: str, *, step_id: str | None = None
) -> list[StepInsight]:
    """The insights on a journey's steps (on one step when given), most voted first."""
    where, params = ["journey_id = ?"], [journey_id]
    if step_id is not None:
        where.append("step_id = ?")
        params.append(step_id)
    found = rows(
        db,
        f"select journey_id, step_id, source, source_id, kind, text, votes, created_at "
        f"from step_insights where {' and '.join(where)} "
        "order by step_id, votes desc, created_at, source_id",
        params,
    )
    return [StepInsight.model_validate(row) for row in found]
