"""The test report of a prototype version as a file: self-contained HTML and Markdown.

Made for a nämnd or a steering group: the journey and version, the period tested, how many
sessions completed or gave up, task success, SEQ, SUS with its 95 % confidence interval and
the usability score; the journey map as a heat table (phases → steps, drop-off, errors and
rating coloured, with the words beside the colour); the funnel along the most common path; the
top findings per step (fields that failed most with their messages, the lowest rated steps)
and a few quotes (masked, never hidden ones).

Small-number protection (:mod:`feedback.metrics`) is kept: a suppressed figure is shown as
"–" with a note, and quotes are left out when the selection has too few sessions. The HTML
has inline CSS only (no script, no external file), prints on A4, and its colours keep
WCAG AA contrast (dark text on light tints).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from sqlite_utils import Database

import feedback
import prototypes
from toolkit.results import refresh_abandoned
from toolkit.settings import local_date

MAX_QUOTES = 5
MAX_FIELD_FINDINGS = 3
MAX_LOW_RATED = 3
SUPPRESSED = "–"
FUNNEL_NOTE = "Längs den vanligaste vägen genom tjänsten: hur många som kom till varje steg."


@dataclass
class HeatRow:
    step_id: str
    title: str
    reached: int | None
    drop_off_rate: float | None
    error_rate: float | None
    rating: float | None
    suppressed: bool


@dataclass
class HeatPhase:
    title: str | None
    rows: list[HeatRow] = field(default_factory=list)


@dataclass
class VersionReport:
    journey_title: str
    organisation: str
    version: prototypes.Version
    period: tuple[dt.date, dt.date] | None
    summary: feedback.VersionSummary
    phases: list[HeatPhase]
    funnel: list[feedback.FunnelStep]
    field_findings: list[tuple[str, feedback.FieldErrors]]
    low_rated: list[tuple[str, float, int]]
    quotes: list[tuple[str, str]]
    min_sessions: int
    share_code: str | None


def build_report(
    db: Database,
    version_id: str,
    *,
    share_code: str | None = None,
    min_sessions: int = feedback.DEFAULT_MIN_SESSIONS,
) -> VersionReport:
    """Gather everything the report shows. Raises :class:`prototypes.VersionNotFound` and
    :class:`feedback.MetricsError` like :func:`feedback.version_summary`."""
    choice = {"share_code": share_code, "min_sessions": min_sessions}
    refresh_abandoned(db, now=dt.datetime.now(dt.UTC))
    summary = feedback.version_summary(db, version_id=version_id, **choice)
    steps = feedback.step_metrics(db, version_id=version_id, **choice)
    version = prototypes.get_version(db, version_id)
    assert version is not None
    journey = version.journey()
    titles = {p.id: p.title for p in journey.phases}
    by_id = {m.step_id: m for m in steps}
    phases: list[HeatPhase] = []
    for step in journey.steps:
        title = titles.get(step.phase or "", step.phase) if step.phase else None
        if not phases or phases[-1].title != title:
            phases.append(HeatPhase(title=title))
        m = by_id.get(step.id)
        phases[-1].rows.append(
            HeatRow(
                step_id=step.id,
                title=step.title,
                reached=m.reached if m else None,
                drop_off_rate=m.drop_off_rate if m else None,
                error_rate=m.error_rate if m else None,
                rating=m.ratings.mean if m else None,
                suppressed=m.suppressed if m else True,
            )
        )
    field_findings = sorted(
        ((m.title or m.step_id, e) for m in steps if not m.suppressed for e in m.errors_by_field),
        key=lambda pair: -pair[1].count,
    )[: MAX_FIELD_FINDINGS * 2]
    low_rated = sorted(
        (
            (m.title or m.step_id, m.ratings.mean, m.ratings.count or 0)
            for m in steps
            if m.ratings.mean is not None and not m.ratings.suppressed
        ),
        key=lambda item: item[1],
    )[:MAX_LOW_RATED]
    sessions_sql, params = "select id from test_sessions where version_id = ?", [version_id]
    if share_code is not None:  # checked by version_summary above
        sessions_sql += " and share_code = ?"
        params.append(prototypes.normalise_code(share_code))
    quotes: list[tuple[str, str]] = []
    if not summary.suppressed:
        comments = feedback.version_comments(db, version_id=version_id)
        if share_code is not None:
            from_link = {
                row[0]
                for row in db.execute(
                    f"select id from comments where session_id in ({sessions_sql})", params
                ).fetchall()
            }
            comments = [c for c in comments if c.id in from_link]
        for c in comments[:MAX_QUOTES]:
            step = journey.step(c.step_id) if c.step_id else None
            quotes.append((step.title if step else "Hela tjänsten", c.text))
    found = db.execute(
        "select min(started_at), max(last_seen_at) from test_sessions "
        f"where id in ({sessions_sql})",
        params,
    ).fetchone()
    period = None
    if found and found[0]:
        period = (
            dt.datetime.fromisoformat(found[0]).date(),
            dt.datetime.fromisoformat(found[1]).date(),
        )
    return VersionReport(
        journey_title=journey.title,
        organisation=journey.organisation,
        version=version,
        period=period,
        summary=summary,
        phases=phases,
        funnel=feedback.funnel(db, version_id=version_id, along="common", **choice),
        field_findings=field_findings,
        low_rated=low_rated,
        quotes=quotes,
        min_sessions=min_sessions,
        share_code=share_code,
    )


# --- formatting ------------------------------------------------------------------------------


def _num(value: float | int | None, decimals: int = 0, unit: str = "") -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, int) and decimals == 0:
        return f"{value}{unit}"
    return f"{value:.{decimals}f}".replace(".", ",") + unit


def _level(value: float | None, good: float, bad: float, *, higher_is_better: bool) -> str:
    """'bra', 'medel' or 'dalig' (or '' for no figure)."""
    if value is None:
        return ""
    if higher_is_better:
        return "bra" if value >= good else ("dalig" if value < bad else "medel")
    return "bra" if value <= good else ("dalig" if value > bad else "medel")


LEVEL_WORDS = {"bra": "bra", "medel": "att se över", "dalig": "problem", "": ""}


def _figures(report: VersionReport) -> list[tuple[str, str]]:
    s = report.summary
    sus = s.sus
    sus_text = _num(sus.mean, 1)
    if sus.mean is not None and sus.ci_low is not None and sus.ci_high is not None:
        sus_text += f" (95 % KI {_num(sus.ci_low, 1)}–{_num(sus.ci_high, 1)}, n = {sus.sessions})"
    task = s.task
    task_text = _num(task.success_rate, 0, " %")
    if task.success_rate is not None:
        task_text += f" ({task.succeeded} av {task.sessions})"
    return [
        ("Sessioner", _num(s.sessions)),
        ("Genomförda", _num(s.completed)),
        ("Avbrutna", _num(s.abandoned)),
        ("Uppgiften lyckades", task_text),
        ("SEQ (1–7)", _num(s.seq.mean, 1)),
        ("SUS (0–100)", sus_text),
        ("Användbarhetspoäng (0–100)", _num(s.usability_score, 0)),
    ]


def _period(report: VersionReport) -> str:
    if report.period is None:
        return "inga test ännu"
    first, last = report.period
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def _suppression_note(report: VersionReport) -> str:
    return (
        f"Siffror från färre än {report.min_sessions} sessioner visas inte ({SUPPRESSED}), "
        "så att ingen enskild testare kan kännas igen."
    )


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;
margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:2px solid #333}.meta{color:#333}
table{border-collapse:collapse;width:100%;margin:.6rem 0}th,td{border:1px solid #767676;
padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#e8e8e8}
td.n{text-align:right;white-space:nowrap}table.summary{width:auto;min-width:24rem}th.phase{background:#d0d7de}
.bra{background:#d8f0dc}.medel{background:#fff2c2}.dalig{background:#f9d3d0}
.note{font-size:.9rem;color:#333}blockquote{margin:.5rem 0;padding:.3rem .8rem;
border-left:4px solid #555;background:#f4f4f4}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}
tr{break-inside:avoid}@page{size:A4;margin:15mm}}
"""


def report_html(report: VersionReport, *, created: dt.datetime) -> str:
    """The report as one HTML page with inline CSS and no script."""
    e = html.escape
    v = report.version
    out: list[str] = [
        "<!doctype html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Testrapport: {e(report.journey_title)} – version {v.number}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{e(report.journey_title)}</h1>",
        f'<p class="meta">{e(report.organisation)} · Version {v.number} ({e(v.id)})'
        + (f": {e(v.note)}" if v.note else "")
        + f" · Testperiod: {e(_period(report))}"
        + (f" · Delningslänk {e(report.share_code)}" if report.share_code else "")
        + f" · Rapporten skapad {local_date(created).isoformat()}</p>",
        "<h2>Sammanfattning</h2>",
        '<table class="summary"><tbody>',
    ]
    for label, value in _figures(report):
        out.append(f'<tr><th scope="row">{e(label)}</th><td>{e(value)}</td></tr>')
    out.append("</tbody></table>")
    out.append(f'<p class="note">{e(_suppression_note(report))}</p>')

    out.append("<h2>Resekartan</h2>")
    out.append(
        '<p class="note">Färgen visar läget: grönt = bra, gult = att se över, rött = problem. '
        "Ordet står också i cellen.</p>"
    )
    out.append(
        '<table><thead><tr><th scope="col">Steg</th><th scope="col">Nådde steget</th>'
        '<th scope="col">Avhopp</th><th scope="col">Fel</th><th scope="col">Betyg (1–5)</th>'
        "</tr></thead><tbody>"
    )
    for phase in report.phases:
        if phase.title:
            out.append(
                f'<tr><th class="phase" colspan="5" scope="rowgroup">{e(phase.title)}</th></tr>'
            )
        for row in phase.rows:
            cells = []
            for value, unit, level in (
                (
                    row.drop_off_rate,
                    " %",
                    _level(row.drop_off_rate, 10, 25, higher_is_better=False),
                ),
                (row.error_rate, " %", _level(row.error_rate, 10, 25, higher_is_better=False)),
                (row.rating, "", _level(row.rating, 4, 3, higher_is_better=True)),
            ):
                text = _num(value, 1 if unit == "" else 0, unit)
                word = LEVEL_WORDS[level]
                cls = f' class="n {level}"' if level else ' class="n"'
                cells.append(f"<td{cls}>{e(text)}{f' ({word})' if word else ''}</td>")
            out.append(
                f'<tr><td>{e(row.title)}</td><td class="n">{e(_num(row.reached))}</td>'
                + "".join(cells)
                + "</tr>"
            )
    out.append("</tbody></table>")

    out.append("<h2>Tratten</h2>")
    out.append(f'<p class="note">{e(FUNNEL_NOTE)}</p>')
    out.append(
        '<table><thead><tr><th scope="col">#</th><th scope="col">Steg</th>'
        '<th scope="col">Sessioner</th><th scope="col">% av start</th>'
        '<th scope="col">Tappade</th></tr></thead><tbody>'
    )
    for f in report.funnel:
        out.append(
            f'<tr><td class="n">{f.position}</td><td>{e(f.title or f.step_id)}</td>'
            f'<td class="n">{e(_num(f.sessions))}</td>'
            f'<td class="n">{e(_num(f.percent_of_start, 0, " %"))}</td>'
            f'<td class="n">{e(_num(f.dropped))}</td></tr>'
        )
    out.append("</tbody></table>")

    out.append("<h2>Det viktigaste per steg</h2>")
    if report.field_findings:
        out.append("<h3>Fält där flest fick fel</h3><ul>")
        for step_title, fe in report.field_findings:
            out.append(
                f"<li><strong>{e(step_title)}</strong>, fältet {e(fe.field_id or '–')}: "
                f"”{e(fe.message)}” ({fe.count} gånger)</li>"
            )
        out.append("</ul>")
    if report.low_rated:
        out.append("<h3>Lägst betyg</h3><ul>")
        for step_title, mean, count in report.low_rated:
            out.append(
                f"<li><strong>{e(step_title)}</strong>: {_num(mean, 1)} ({count} betyg)</li>"
            )
        out.append("</ul>")
    if not report.field_findings and not report.low_rated:
        out.append("<p>Inga fel eller betyg att visa ännu.</p>")
    if report.quotes:
        out.append("<h2>Vad testarna skrev</h2>")
        for step_title, text in report.quotes:
            out.append(f"<blockquote><p>{e(text)}</p><footer>{e(step_title)}</footer></blockquote>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(report: VersionReport, *, created: dt.datetime) -> str:
    """The report as Markdown (tables in GitHub style, levels as words)."""
    v = report.version
    lines = [
        f"# {report.journey_title}",
        "",
        f"{report.organisation} · Version {v.number} ({v.id})"
        + (f": {v.note}" if v.note else "")
        + f" · Testperiod: {_period(report)}"
        + (f" · Delningslänk {report.share_code}" if report.share_code else "")
        + f" · Rapporten skapad {local_date(created).isoformat()}",
        "",
        "## Sammanfattning",
        "",
        "| | |",
        "|---|---|",
        *(f"| {label} | {_md(value)} |" for label, value in _figures(report)),
        "",
        f"_{_suppression_note(report)}_",
        "",
        "## Resekartan",
        "",
        "| Fas | Steg | Nådde steget | Avhopp | Fel | Betyg (1–5) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for phase in report.phases:
        for row in phase.rows:
            cells = []
            for value, unit, level in (
                (
                    row.drop_off_rate,
                    " %",
                    _level(row.drop_off_rate, 10, 25, higher_is_better=False),
                ),
                (row.error_rate, " %", _level(row.error_rate, 10, 25, higher_is_better=False)),
                (row.rating, "", _level(row.rating, 4, 3, higher_is_better=True)),
            ):
                word = LEVEL_WORDS[level]
                cells.append(
                    _num(value, 1 if unit == "" else 0, unit) + (f" ({word})" if word else "")
                )
            lines.append(
                f"| {_md(phase.title or '')} | {_md(row.title)} | {_num(row.reached)} | "
                + " | ".join(cells)
                + " |"
            )
    lines += [
        "",
        "## Tratten",
        "",
        FUNNEL_NOTE,
        "",
        "| # | Steg | Sessioner | % av start | Tappade |",
        "|---:|---|---:|---:|---:|",
    ]
    for f in report.funnel:
        lines.append(
            f"| {f.position} | {_md(f.title or f.step_id)} | {_num(f.sessions)} | "
            f"{_num(f.percent_of_start, 0, ' %')} | {_num(f.dropped)} |"
        )
    lines += ["", "## Det viktigaste per steg", ""]
    if report.field_findings:
        lines += ["### Fält där flest fick fel", ""]
        lines += [
            f"- **{_md(t)}**, fältet {fe.field_id or '–'}: ”{_md(fe.message)}” ({fe.count} gånger)"
            for t, fe in report.field_findings
        ]
        lines.append("")
    if report.low_rated:
        lines += ["### Lägst betyg", ""]
        lines += [
            f"- **{_md(t)}**: {_num(mean, 1)} ({count} betyg)"
            for t, mean, count in report.low_rated
        ]
        lines.append("")
    if not report.field_findings and not report.low_rated:
        lines += ["Inga fel eller betyg att visa ännu.", ""]
    if report.quotes:
        lines += ["## Vad testarna skrev", ""]
        for step_title, text in report.quotes:
            lines += [f"> {_md(text)}", f"> — {_md(step_title)}", ""]
    return "\n".join(lines).rstrip() + "\n"
