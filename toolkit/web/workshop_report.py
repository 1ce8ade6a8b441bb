"""The workshop report as a file: self-contained HTML (inline CSS, prints well) and Markdown.

Both are rendered from :func:`workshops.workshop_report` and show the same things: the
journey and the day, how many took part, every note on a step in journey order (phases as
on the journey map) with its kind and votes, the result of each dot vote, and the answers
to open questions. Hidden notes are only counted. The words are Swedish, like the notes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import workshops
from toolkit.settings import local_date
from toolkit.web import pages
from toolkit.web.workshop_text import NOTE_KINDS

KIND_LABELS = {value: sv for value, sv, _en in NOTE_KINDS}
"""'Problem', 'Idé', 'Fråga', 'Bra', as on the participants' phones."""

OTHER_STEPS = "Steg som inte längre finns i resan"


@dataclass
class StepView:
    id: str
    title: str
    notes: list[workshops.NoteView]
    step_votes: int


@dataclass
class PhaseView:
    title: str | None
    steps: list[StepView] = field(default_factory=list)


def _votes(n: int) -> str:
    return "1 röst" if n == 1 else f"{n} röster"


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} personer"


def _phases(report: workshops.WorkshopReport) -> tuple[list[PhaseView], list[str]]:
    """Steps with notes (or votes) grouped by phase in journey order, and the titles of the
    steps nobody wrote about."""
    phases: list[PhaseView] = []
    quiet: list[str] = []
    for step in report.steps:
        if not step.notes and not step.step_votes:
            if step.in_journey:
                quiet.append(step.title)
            continue
        title = step.phase_title if step.in_journey else OTHER_STEPS
        if not phases or phases[-1].title != title:
            phases.append(PhaseView(title=title))
        phases[-1].steps.append(
            StepView(
                id=step.step_id,
                title=step.title,
                notes=step.notes,
                step_votes=step.step_votes or 0,
            )
        )
    return phases, quiet


def _context(report: workshops.WorkshopReport, *, created: dt.datetime) -> dict[str, Any]:
    phases, quiet = _phases(report)
    titles = {s.step_id: s.title for s in report.steps}
    votes = []
    for result in report.vote_results:
        counts = [
            {
                "label": c.label,
                "kind": KIND_LABELS.get(c.kind or "", ""),
                "step": titles.get(c.step_id or "", "") if c.note_id else "",
                "votes": _votes(c.votes),
            }
            for c in result.counts
        ]
        votes.append(
            {
                "title": result.title,
                "on": "lappar" if result.vote_on == "notes" else "steg i resan",
                "per_person": result.votes_per_person,
                "voters": _people(result.voters),
                "total": _votes(result.total_votes),
                "counts": counts,
            }
        )
    p = report.participation
    return {
        "report": report,
        "workshop": report.workshop,
        "journey_title": report.journey_title,
        "date": pages.swedish_date(report.workshop.date),
        "created": pages.swedish_date(local_date(created)),
        "figures": [
            ("Gick med", p.joined),
            ("Skrev lappar eller röstade", p.active),
            ("Lappar", p.notes),
            ("Röster", p.votes),
        ],
        "hidden": report.hidden_notes,
        "agenda": report.activities,
        "phases": phases,
        "quiet": quiet,
        "kinds": KIND_LABELS,
        "votes": votes,
        "answers": report.answers,
        "votes_text": _votes,
    }


def report_html(report: workshops.WorkshopReport, *, created: dt.datetime) -> str:
    """The report as one HTML file: inline CSS, no scripts, no images, prints on A4."""
    template = pages.environment().get_template("workshop/report.html")
    return template.render(**_context(report, created=created))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(text: object) -> str:
    """Text as Markdown shows it literally: special characters escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def report_markdown(report: workshops.WorkshopReport, *, created: dt.datetime) -> str:
    """The report as Markdown, with everything the HTML report shows."""
    c = _context(report, created=created)
    w = report.workshop
    out: list[str] = [f"# {md(w.title)}", ""]
    out.append(f"Workshop om **{md(report.journey_title)}**, {md(c['date'])}.")
    if w.version_id:
        out.append(f"Version: {md(w.version_id)}.")
    out += ["", "## Deltagande", "", "| | Antal |", "|---|---:|"]
    out += [f"| {md(label)} | {value} |" for label, value in c["figures"]]
    if c["hidden"]:
        hidden = "1 lapp" if c["hidden"] == 1 else f"{c['hidden']} lappar"
        out += ["", f"{hidden} doldes av workshopledaren och visas inte här."]
    out += ["", "## Agenda", ""]
    out += [f"{n}. {md(a.title)}" for n, a in enumerate(report.activities, start=1)]
    out += ["", "## Lappar per steg", ""]
    if not c["phases"]:
        out += ["Inga lappar skrevs.", ""]
    for phase in c["phases"]:
        if phase.title:
            out += [f"### {md(phase.title)}", ""]
        for step in phase.steps:
            extra = f" ({_votes(step.step_votes)} på steget)" if step.step_votes else ""
            out += [f"#### {md(step.title)}{extra}", ""]
            for note in step.notes:
                votes = f" – {_votes(note.votes or 0)}" if note.votes else ""
                out.append(
                    f"- **{KIND_LABELS[note.kind]}:** {md(note.text)} "
                    f"_({md(note.nickname)})_{votes}"
                )
            out.append("")
    if c["quiet"]:
        out += ["Steg utan lappar: " + " · ".join(md(t) for t in c["quiet"]), ""]
    if c["votes"]:
        out += ["## Prickröstning", ""]
        for vote in c["votes"]:
            out += [
                f"### {md(vote['title'])}",
                "",
                f"{vote['voters']} gav {vote['total']} på {vote['on']} "
                f"({vote['per_person']} röster var).",
                "",
            ]
            if not vote["counts"]:
                out += ["Ingen röstade.", ""]
            for n, count in enumerate(vote["counts"], start=1):
                kind = f"**{count['kind']}:** " if count["kind"] else ""
                step = f" _({md(count['step'])})_" if count["step"] else ""
                out.append(f"{n}. {count['votes']} – {kind}{md(count['label'])}{step}")
            out.append("")
    if report.answers:
        out += ["## Öppna frågor", ""]
        for question in report.answers:
            out += [f"### {md(question.activity.question or question.activity.title)}", ""]
            if not question.answers:
                out += ["Inga svar.", ""]
            for answer in question.answers:
                votes = f" – {_votes(answer.votes or 0)}" if answer.votes else ""
                out.append(f"- {md(answer.text)} _({md(answer.nickname)})_{votes}")
            out.append("")
    out.append(f"_Rapporten skapades med Medskapa {md(c['created'])}._")
    return "\n".join(out) + "\n"


__all__ = ["md", "report_html", "report_markdown"]
