"""Plain data for the journey heat view, built from the metrics API (no Reflex here).

Like :mod:`toolkit.app.mapdata`: components take these dataclasses, not State. Each step
card of the map carries its key numbers as text and a background colour for the chosen
measure (drop-off, errors, rating, time, notes); the text colour on it is whichever of black
or white reads best, so every card passes WCAG AA (4.5:1). Figures from fewer sessions than
the metrics' ``min_sessions`` are never shown: they read 'för få svar (< 5)'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from feedback import (
    COMMENT_TAG_LABELS_SV,
    DEFAULT_MIN_SESSIONS,
    FunnelStep,
    ResetCounts,
    StepComment,
    StepComparison,
    StepMetrics,
    VersionSummary,
)
from journeys import Journey
from toolkit import routes
from toolkit.app.mapdata import Card, Column, build_map
from toolkit.settings import local_time

MEASURES: tuple[str, ...] = ("drop_off", "errors", "rating", "time", "notes")
MEASURE_LABELS = {
    "sv": {
        "drop_off": "Avhopp",
        "errors": "Fel",
        "rating": "Betyg",
        "time": "Tid",
        "notes": "Kommentarer och lappar",
    },
    "en": {
        "drop_off": "Drop-off",
        "errors": "Errors",
        "rating": "Rating",
        "time": "Time",
        "notes": "Comments and notes",
    },
}
COMPARED_LABELS = {
    "sv": {
        "went_on_rate": "Gick vidare",
        "drop_off_rate": "Avhopp",
        "error_rate": "Fel",
        "median_seconds": "Tid (median)",
        "rating_mean": "Betyg",
        "usability_score": "Användbarhet",
    },
    "en": {
        "went_on_rate": "Went on",
        "drop_off_rate": "Drop-off",
        "error_rate": "Errors",
        "median_seconds": "Time (median)",
        "rating_mean": "Rating",
        "usability_score": "Usability",
    },
}
VERDICT_LABELS = {
    "sv": {"better": "bättre", "worse": "sämre", "same": "ingen säker skillnad", "": "–"},
    "en": {"better": "better", "worse": "worse", "same": "no clear difference", "": "–"},
}
STATUS_LABELS = {
    "sv": {"both": "", "added": "nytt steg", "removed": "borttaget steg"},
    "en": {"both": "", "added": "new step", "removed": "removed step"},
}
TAG_LABELS = {
    "sv": COMMENT_TAG_LABELS_SV,
    "en": {"pain": "Pain", "idea": "Idea", "question": "Question", "praise": "Praise"},
}
NOTE_KIND_LABELS = {
    "sv": {**COMMENT_TAG_LABELS_SV, "answer": "Svar"},
    "en": {**TAG_LABELS["en"], "answer": "Answer"},
}

# a sequential scale, pale (good) to dark red (bad); index 0 is 'nothing to worry about'
SCALE: tuple[str, ...] = ("#eef5fb", "#fde6c4", "#f9b27a", "#e2593a", "#a3151c")
NO_DATA = "#e8e8e8"
BLACK, WHITE = "#000000", "#ffffff"


def suppressed_text(lang: str = "sv", min_sessions: int = DEFAULT_MIN_SESSIONS) -> str:
    """What a hidden figure says instead of its value."""
    if lang == "en":
        return f"too few answers (< {min_sessions})"
    return f"för få svar (< {min_sessions})"


# --- colour -----------------------------------------------------------------------------------


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return (
        BLACK if contrast_ratio(background, BLACK) >= contrast_ratio(background, WHITE) else WHITE
    )


def badness(measure: str, value: float | None, highest: float) -> float | None:
    """How bad a value is on a 0–1 scale; None when there is nothing to show.

    Ratings (1–5) are bad when low, on a fixed scale; the other measures are relative to
    the highest value among the steps, so the worst step is always the darkest.
    """
    if value is None:
        return None
    if measure == "rating":
        return min(1.0, max(0.0, (5.0 - value) / 4.0))
    if highest <= 0:
        return 0.0
    return min(1.0, max(0.0, value / highest))


def colour_for(level: float | None) -> str:
    """The scale colour of a 0–1 badness (grey for no data)."""
    if level is None:
        return NO_DATA
    return SCALE[min(len(SCALE) - 1, int(level * len(SCALE)))]


# --- formatting -------------------------------------------------------------------------------


def _num(value: float, decimals: int = 0) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",")


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{_num(value)} %"


def seconds_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 60:
        return f"{int(value // 60)} min {round(value % 60)} s"
    return f"{_num(value)} s"


def rating_text(value: float | None) -> str:
    return "–" if value is None else f"{_num(value, 1)} / 5"


def _signed(value: float, decimals: int = 0, unit: str = "") -> str:
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{_num(abs(value), decimals)}{unit}"


# --- the heat map -----------------------------------------------------------------------------


@dataclass
class HeatCard:
    """A step on the heat map with its key numbers and its colour for the chosen measure."""

    id: str = ""
    number: int = 0
    title: str = ""
    kind: str = "screen"
    kind_label: str = ""
    value_text: str = ""
    background: str = NO_DATA
    foreground: str = BLACK
    reached_text: str = ""
    drop_off_text: str = ""
    errors_text: str = ""
    rating_text: str = ""
    time_text: str = ""
    notes: int = 0
    suppressed: bool = False
    label: str = ""


@dataclass
class HeatCell:
    phase: str = ""
    cards: list[HeatCard] = field(default_factory=list)


@dataclass
class HeatLane:
    actor: str = ""
    title: str = ""
    cells: list[HeatCell] = field(default_factory=list)


@dataclass
class LegendEntry:
    label: str = ""
    background: str = NO_DATA
    foreground: str = BLACK


def measure_value(m: StepMetrics | None, measure: str, notes: int = 0) -> float | None:
    """The figure a measure colours by (None when suppressed or missing)."""
    if measure == "notes":
        return float(notes + ((m.comments or 0) if m and not m.suppressed else 0))
    if m is None or m.suppressed:
        return None
    if measure == "drop_off":
        return m.drop_off_rate
    if measure == "errors":
        return m.error_rate
    if measure == "rating":
        return m.ratings.mean
    if measure == "time":
        return m.time.median_seconds
    raise ValueError(f"Måttet '{measure}' finns inte. Välj ett av: {', '.join(MEASURES)}.")


def _value_text(measure: str, value: float | None, lang: str) -> str:
    if measure == "notes":
        return _num(value or 0)
    if value is None:
        return suppressed_text(lang)
    if measure == "rating":
        return rating_text(value)
    if measure == "time":
        return seconds_text(value)
    return percent_text(value)


def heat_card(
    card: Card,
    m: StepMetrics | None,
    *,
    measure: str,
    notes: int,
    highest: float,
    lang: str = "sv",
) -> HeatCard:
    """One map card with its figures and colour."""
    value = measure_value(m, measure, notes)
    hidden = m is None or m.suppressed
    level = badness(measure, value, highest)
    background = colour_for(level)
    few = suppressed_text(lang)
    shown = (lambda text: few) if hidden else (lambda text: text)
    value_text = _value_text(measure, value, lang)
    return HeatCard(
        id=card.id,
        number=card.number,
        title=card.title,
        kind=card.kind,
        kind_label=card.kind_label,
        value_text=value_text,
        background=background,
        foreground=readable_text(background),
        reached_text=few if hidden else _num(m.reached or 0),  # type: ignore[union-attr]
        drop_off_text=shown(percent_text(m.drop_off_rate if m else None)),
        errors_text=shown(percent_text(m.error_rate if m else None)),
        rating_text=shown(rating_text(m.ratings.mean if m else None)),
        time_text=shown(seconds_text(m.time.median_seconds if m else None)),
        notes=notes,
        suppressed=hidden,
        label=f"{card.number}. {card.title}: {MEASURE_LABELS[lang][measure]} {value_text}",
    )


def build_heat_map(
    journey: Journey,
    metrics: Sequence[StepMetrics],
    *,
    measure: str = "drop_off",
    notes: dict[str, int] | None = None,
    lang: str = "sv",
) -> tuple[list[Column], list[HeatLane]]:
    """The journey map (phases × actors) with every card coloured by ``measure``."""
    if measure not in MEASURES:
        raise ValueError(f"Måttet '{measure}' finns inte. Välj ett av: {', '.join(MEASURES)}.")
    notes = notes or {}
    by_step = {m.step_id: m for m in metrics}
    values = [measure_value(by_step.get(s.id), measure, notes.get(s.id, 0)) for s in journey.steps]
    highest = max((v for v in values if v is not None), default=0.0)
    columns, lanes = build_map(journey, lang)
    heat = [
        HeatLane(
            actor=lane.actor,
            title=lane.title,
            cells=[
                HeatCell(
                    phase=cell.phase,
                    cards=[
                        heat_card(
                            card,
                            by_step.get(card.id),
                            measure=measure,
                            notes=notes.get(card.id, 0),
                            highest=highest,
                            lang=lang,
                        )
                        for card in cell.cards
                    ],
                )
                for cell in lane.cells
            ],
        )
        for lane in lanes
    ]
    return columns, heat


def legend(measure: str, lang: str = "sv") -> list[LegendEntry]:
    """The colour scale, from good to bad, plus 'too few answers'."""
    if measure == "rating":
        words = ["5", "4", "3", "2", "1"]
    else:
        low, high = ("låg", "hög") if lang == "sv" else ("low", "high")
        words = [low, "", "", "", high]
    entries = [
        LegendEntry(label=word or "·", background=colour, foreground=readable_text(colour))
        for word, colour in zip(words, SCALE, strict=True)
    ]
    entries.append(
        LegendEntry(
            label=suppressed_text(lang), background=NO_DATA, foreground=readable_text(NO_DATA)
        )
    )
    return entries


# --- one step in detail -----------------------------------------------------------------------


@dataclass
class Figure:
    label: str = ""
    value: str = ""
    hint: str = ""


@dataclass
class FieldFailure:
    field: str = ""
    message: str = ""
    count: int = 0


@dataclass
class CommentRow:
    id: str = ""
    text: str = ""
    at: str = ""
    tag: str = ""
    tag_label: str = ""
    hidden: bool = False


@dataclass
class NoteRow:
    kind: str = ""
    kind_label: str = ""
    text: str = ""
    votes: int = 0


@dataclass
class StepInsights:
    """Everything mapped onto one step: figures, failing fields, comments, workshop notes."""

    id: str = ""
    title: str = ""
    suppressed: bool = False
    figures: list[Figure] = field(default_factory=list)
    fields: list[FieldFailure] = field(default_factory=list)
    comments: list[CommentRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)


_FIGURE_LABELS = {
    "sv": (
        "Nådde steget",
        "Gick vidare",
        "Avhopp",
        "Sessioner med fel",
        "Valideringsfel",
        "Bakåt",
        "Ändrat från sammanfattningen",
        "Tid (median)",
        "Tid (90:e percentilen)",
        "Betyg",
        "Kommentarer",
        "Användbarhet (0–100)",
    ),
    "en": (
        "Reached the step",
        "Went on",
        "Drop-off",
        "Sessions with errors",
        "Validation errors",
        "Back",
        "Changed from the summary",
        "Time (median)",
        "Time (90th percentile)",
        "Rating",
        "Comments",
        "Usability (0–100)",
    ),
}


def _count(value: int | None) -> str:
    return "–" if value is None else str(value)


def step_figures(m: StepMetrics | None, lang: str = "sv") -> list[Figure]:
    """A step's figures as label/value pairs (every value 'too few' when suppressed)."""
    labels = _FIGURE_LABELS["en" if lang == "en" else "sv"]
    if m is None or m.suppressed:
        return [Figure(label=labels[0], value=suppressed_text(lang))]
    p90 = m.time.p90_seconds
    values = (
        _count(m.reached),
        _count(m.completed),
        f"{_count(m.drop_off)} ({percent_text(m.drop_off_rate)})",
        f"{_count(m.sessions_with_errors)} ({percent_text(m.error_rate)})",
        _count(m.validation_errors),
        _count(m.back_navigations),
        _count(m.changes_from_summary),
        seconds_text(m.time.median_seconds) if not m.time.suppressed else suppressed_text(lang),
        seconds_text(p90) if not m.time.suppressed else suppressed_text(lang),
        (
            f"{rating_text(m.ratings.mean)} (n = {m.ratings.sessions})"
            if not m.ratings.suppressed and m.ratings.mean is not None
            else suppressed_text(lang)
        ),
        _count(m.comments),
        "–" if m.usability_score is None else _num(m.usability_score),
    )
    return [Figure(label=label, value=value) for label, value in zip(labels, values, strict=True)]


def step_insights_detail(
    step_id: str,
    title: str,
    m: StepMetrics | None,
    comments: Iterable[StepComment],
    notes: Iterable[object],
    lang: str = "sv",
) -> StepInsights:
    """The step dialog's data. ``notes`` are :class:`workshops.StepInsight`-like objects."""
    lang = "en" if lang == "en" else "sv"
    hidden = m is None or m.suppressed
    fields = (
        []
        if hidden
        else [
            FieldFailure(field=f.field_id or "–", message=f.message, count=f.count)
            for f in sorted(m.errors_by_field, key=lambda f: -f.count)  # type: ignore[union-attr]
        ]
    )
    return StepInsights(
        id=step_id,
        title=title,
        suppressed=hidden,
        figures=step_figures(m, lang),
        fields=fields,
        comments=[
            CommentRow(
                id=c.id,
                text=c.text,
                at=local_time(c.at),
                tag=c.tag or "",
                tag_label=TAG_LABELS[lang].get(c.tag, "") if c.tag else "",
                hidden=c.hidden,
            )
            for c in comments
        ],
        notes=[
            NoteRow(
                kind=str(getattr(n, "kind", "")),
                kind_label=NOTE_KIND_LABELS[lang].get(
                    str(getattr(n, "kind", "")), str(getattr(n, "kind", ""))
                ),
                text=str(getattr(n, "text", "")),
                votes=int(getattr(n, "votes", 0)),
            )
            for n in notes
        ],
    )


# --- funnel, table, summary -------------------------------------------------------------------


@dataclass
class FunnelBar:
    position: int = 0
    title: str = ""
    width: str = "0%"
    sessions_text: str = ""
    percent_text: str = ""
    dropped_text: str = ""
    suppressed: bool = False
    text: str = ""


def funnel_bars(steps: Sequence[FunnelStep], lang: str = "sv") -> list[FunnelBar]:
    """The funnel as horizontal bars; a suppressed funnel has empty bars and says why."""
    few = suppressed_text(lang)
    word, lost = ("sessioner", "färre") if lang != "en" else ("sessions", "fewer")
    bars = []
    for s in steps:
        hidden = s.suppressed or s.sessions is None
        pct = s.percent_of_start if s.percent_of_start is not None else 0.0
        parts = [f"{s.sessions} {word}", percent_text(s.percent_of_start)]
        if s.dropped:
            parts.append(f"{s.dropped} {lost}")
        bars.append(
            FunnelBar(
                position=s.position,
                title=s.title or s.step_id,
                width="0%" if hidden else f"{max(0.0, min(100.0, pct)):.1f}%",
                sessions_text=few if hidden else str(s.sessions),
                percent_text="" if hidden else percent_text(s.percent_of_start),
                dropped_text="" if hidden or not s.dropped else f"−{s.dropped}",
                suppressed=hidden,
                text=few if hidden else " · ".join(parts),
            )
        )
    return bars


@dataclass
class StepRow:
    id: str = ""
    number: int = 0
    title: str = ""
    reached: str = ""
    drop_off: str = ""
    errors: str = ""
    rating: str = ""
    time: str = ""
    comments: str = ""
    notes: int = 0


def step_rows(
    journey: Journey,
    metrics: Sequence[StepMetrics],
    notes: dict[str, int] | None = None,
    lang: str = "sv",
) -> list[StepRow]:
    """One table row per step of the journey, in journey order."""
    notes = notes or {}
    by_step = {m.step_id: m for m in metrics}
    few = suppressed_text(lang)
    result = []
    for number, step in enumerate(journey.steps, 1):
        m = by_step.get(step.id)
        hidden = m is None or m.suppressed
        result.append(
            StepRow(
                id=step.id,
                number=number,
                title=step.title,
                reached=few if hidden else _count(m.reached),  # type: ignore[union-attr]
                drop_off="" if hidden else percent_text(m.drop_off_rate),  # type: ignore[union-attr]
                errors="" if hidden else percent_text(m.error_rate),  # type: ignore[union-attr]
                rating="" if hidden else rating_text(m.ratings.mean),  # type: ignore[union-attr]
                time="" if hidden else seconds_text(m.time.median_seconds),  # type: ignore[union-attr]
                comments="" if hidden else _count(m.comments),  # type: ignore[union-attr]
                notes=notes.get(step.id, 0),
            )
        )
    return result


def summary_figures(
    s: VersionSummary, lang: str = "sv", *, success_step_missing: bool = False
) -> list[Figure]:
    """The version's headline numbers, each with a short note on what it counts.

    Sessions still in progress are counted on their own and the completion rate says it leaves
    them out (it is completed of ended sessions, see feedback.metrics). ``success_step_missing``:
    the chosen share link(s) have a task but no success step, so task success cannot be
    measured; it shows "–" and says why instead of a false 0 %.
    """
    few = suppressed_text(lang)
    sv = lang != "en"
    if s.suppressed:
        return [Figure(label="Sessioner" if sv else "Sessions", value=few)]
    ongoing = s.in_progress or 0
    if ongoing:
        completion_hint = (
            f"Av avslutade sessioner; {ongoing} pågår och räknas inte"
            if sv
            else f"Of ended sessions; {ongoing} in progress are not counted"
        )
    else:
        completion_hint = (
            "Av avslutade sessioner (slutförda + avbrutna)"
            if sv
            else "Of ended sessions (completed + abandoned)"
        )
    if success_step_missing:
        task = Figure(
            label="Klarade uppgiften" if sv else "Task success",
            value="–",
            hint="Ingen slutpunkt vald för länken" if sv else "No success step chosen for the link",
        )
    else:
        task = Figure(
            label="Klarade uppgiften" if sv else "Task success",
            value=few if s.task.suppressed else percent_text(s.task.success_rate),
            hint="" if s.task.suppressed else ("Nådde slutpunkten" if sv else "Reached the end"),
        )
    return [
        Figure(label="Sessioner" if sv else "Sessions", value=_count(s.sessions)),
        Figure(label="Slutförda" if sv else "Completed", value=_count(s.completed)),
        Figure(label="Avbrutna" if sv else "Abandoned", value=_count(s.abandoned)),
        Figure(label="Pågår" if sv else "In progress", value=_count(s.in_progress)),
        Figure(
            label="Slutförandegrad" if sv else "Completion rate",
            value=percent_text(s.completion_rate)
            + (f" ({ongoing} pågår)" if sv else f" ({ongoing} in progress)") * bool(ongoing),
            hint=completion_hint,
        ),
        task,
        Figure(
            label="SUS",
            value=few if s.sus.suppressed or s.sus.mean is None else _num(s.sus.mean, 1),
        ),
    ]


# --- comparing two versions ---------------------------------------------------------------------


@dataclass
class CompareRow:
    step_id: str = ""
    title: str = ""
    status: str = ""
    metric: str = ""
    old: str = ""
    new: str = ""
    delta: str = ""
    old_n: str = ""
    new_n: str = ""
    verdict: str = ""
    verdict_label: str = ""


def _metric_text(metric: str, value: float | None, lang: str) -> str:
    if value is None:
        return suppressed_text(lang)
    if metric.endswith("_rate"):
        return percent_text(value)
    if metric == "median_seconds":
        return seconds_text(value)
    if metric == "rating_mean":
        return rating_text(value)
    return _num(value)


def _delta_text(metric: str, delta: float | None) -> str:
    if delta is None:
        return "–"
    if metric.endswith("_rate"):
        return _signed(delta, 0, " procentenheter")
    if metric == "median_seconds":
        return _signed(delta, 0, " s")
    if metric == "rating_mean":
        return _signed(delta, 1)
    return _signed(delta)


def compare_rows(comparisons: Sequence[StepComparison], lang: str = "sv") -> list[CompareRow]:
    """Every figure of every step, old beside new, with the change, the bases and a verdict."""
    lang = "en" if lang == "en" else "sv"
    result = []
    for step in comparisons:
        for c in step.metrics:
            verdict = c.verdict or ""
            delta = _delta_text(c.metric, c.delta)
            if lang == "en":
                delta = delta.replace("procentenheter", "points")
            result.append(
                CompareRow(
                    step_id=step.step_id,
                    title=step.title or step.step_id,
                    status=STATUS_LABELS[lang][step.status],
                    metric=COMPARED_LABELS[lang].get(c.metric, c.metric),
                    old=_metric_text(c.metric, c.old, lang) if step.status != "added" else "–",
                    new=_metric_text(c.metric, c.new, lang) if step.status != "removed" else "–",
                    delta=delta,
                    old_n="–" if c.old_n is None else str(c.old_n),
                    new_n="–" if c.new_n is None else str(c.new_n),
                    verdict=verdict,
                    verdict_label=VERDICT_LABELS[lang][verdict],
                )
            )
    return result


def verdict_counts(rows: Iterable[CompareRow]) -> dict[str, int]:
    """How many figures got better, worse or stayed the same."""
    counts = {"better": 0, "worse": 0, "same": 0}
    for row in rows:
        if row.verdict in counts:
            counts[row.verdict] += 1
    return counts


def notes_per_step(insights: Iterable[object]) -> dict[str, int]:
    """How many workshop notes are on each step."""
    counts: dict[str, int] = {}
    for n in insights:
        step = str(getattr(n, "step_id", ""))
        counts[step] = counts.get(step, 0) + 1
    return counts


@dataclass
class Choice:
    """One option of a select."""

    value: str = ""
    label: str = ""


def measure_choices(lang: str = "sv") -> list[Choice]:
    """The measures a designer can colour the map by."""
    labels = MEASURE_LABELS["en" if lang == "en" else "sv"]
    return [Choice(value=m, label=labels[m]) for m in MEASURES]


DOWNLOAD_LABELS = {
    "sv": {
        "csv": "Steg (CSV för Excel)",
        "comments": "Kommentarer (CSV)",
        "json": "Allt som JSON",
        "cjml": "Faktiska resor (CJML)",
    },
    "en": {
        "csv": "Steps (CSV for Excel)",
        "comments": "Comments (CSV)",
        "json": "Everything as JSON",
        "cjml": "Actual journeys (CJML)",
    },
}


def download_links(
    version_id: str, *, share: str | None = None, age: str | None = None, lang: str = "sv"
) -> list[Choice]:
    """The heat view's downloads (value: the address, label: what it is), narrowed by the
    same share link and age band as the figures on the page (comments: the whole version)."""
    labels = DOWNLOAD_LABELS.get(lang, DOWNLOAD_LABELS["sv"])
    return [
        Choice(value=routes.results_path(version_id, kind, share=share, age=age), label=label)
        for kind, label in labels.items()
    ]


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def reset_done_text(counts: ResetCounts, label: str, *, version: bool, lang: str = "sv") -> str:
    """What a reset deleted, as the notice after it says."""
    c = counts
    if lang == "en":
        where = f"every link of version {label}" if version else f"the link {label}"
        return (
            f"Deleted {_n(c.sessions, 'test session', 'test sessions')}, "
            f"{_n(c.events, 'event', 'events')}, {_n(c.answers, 'answer', 'answers')} and "
            f"{_n(c.comments, 'comment', 'comments')} from {where}."
        )
    where = f"alla länkar till version {label}" if version else f"länken {label}"
    return (
        f"Raderade {_n(c.sessions, 'testsession', 'testsessioner')}, "
        f"{_n(c.events, 'händelse', 'händelser')}, {c.answers} svar och "
        f"{_n(c.comments, 'kommentar', 'kommentarer')} från {where}."
    )
