"""Metrics per step: what the testers of a version did on each step of its journey.

Everything here is read per version, optionally for one share link and one age band, and
never names a session: figures are counts, rates, medians and means.

How the events become figures
-----------------------------
A session's **visits** are its ``screen_viewed`` events in time order (ties: the order they
were stored). A visit **leaves** its step at the session's next event of kind
``screen_viewed``, ``back``, ``change_from_summary``, ``completed`` or ``abandoned``; how it
left is ``forward`` (a view of another step), ``reload`` (a view of the same step),
``back``, ``change`` (from the check-answers page), ``completed`` or ``abandoned``, or
nothing while the session is still on the step. Per step and session:

- **reached**: the session viewed the step;
- **completed** (went on): a visit of the step left ``forward`` or ``completed``;
- **drop-off**: the step was the session's last view and the session is not completed
  (abandoned, or still open: run :func:`feedback.mark_abandoned` to close idle ones);
  the **drop-off rate** is drop-offs in % of the sessions that reached the step;
- **time on step**: the sum over the session's visits of the time from the view to the event
  that left it (a visit still open counts nothing); median and p90 are taken over sessions
  (linear interpolation between the closest ranks, as ``statistics.quantiles`` with
  ``method="inclusive"``);
- **back-navigations**, **changes from the summary** and **validation errors**: events of
  kind ``back`` (the step left), ``change_from_summary`` (the step changed) and
  ``validation_error`` (per field and message, from the event's ``detail``).

Ratings (1–5), the single ease question (SEQ, 1–7) and comments are read per step from what
the testers sent (ratings and validation errors from their sums per step, kept by triggers
as they are stored: m004); comments hidden by a moderator (:mod:`feedback.moderation`) do
not count.

Speed
-----
Step metrics must take well under 100 ms for a version with a million events, which a
window over every view of the version cannot do in SQLite. So each session's figures are
derived once, with window functions over that session's events only, into
``metrics_sessions`` and ``metrics_steps``, and summed per step in ``metrics_step_totals``
and per selection in ``metrics_session_totals`` (see :mod:`feedback.store`, migrations m002
and m003, and ADR 0008). Triggers mark a session dirty when its events or its outcome
change, and :func:`refresh_metrics` derives the dirty sessions again in small transactions
before any figure is read. Reading is then a ``GROUP BY`` over the totals; medians and p90
are taken by walking an index and kept in ``metrics_quantiles`` until a refresh sees the
times of that step change.
The funnel and the deviation classes read the sessions summed per distinct path
(``metrics_path_totals``, m006) joined with what each path means, worked out once and kept
(its depth along the planned path and its deviation classes, m007): a version never
changes, so neither does what one of its paths means.

Small numbers
-------------
No figure comes from fewer than ``min_sessions`` sessions (default 5), so that no single
tester (many of them young) can be recognised in a figure: such a figure is ``None`` and the
group it belongs to says ``suppressed=True``. The base of each figure is stated on it:
the sessions in the selection for counts of sessions that reached a step and for the
summary, the sessions that reached the step for the rest of its counts and rates, the
sessions with a measured time for time on step, and the sessions that answered for
ratings, SEQ and SUS.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from statistics import NormalDist
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlite_utils import Database

from feedback.sessions import AGE_BANDS
from feedback.store import write
from journeys import Journey
from prototypes import (
    InvalidCode,
    Version,
    VersionNotFound,
    get_share_link,
    get_version,
    normalise_code,
    planned_path,
)

DEFAULT_MIN_SESSIONS = 5
"""Figures from fewer sessions than this are suppressed (replaced by None)."""

REFRESH_BATCH = 500
"""Sessions derived again per transaction: short enough not to hold up testers' writes."""

Verdict = Literal["better", "worse", "same"]
Along = Literal["planned", "common"]

LEAVING_KINDS = ("screen_viewed", "back", "change_from_summary", "completed", "abandoned")
"""Events that end a visit of a step."""


class MetricsError(ValueError):
    """The figures cannot be made as asked (unknown share link, age band, journey ...)."""


# --- models ---------------------------------------------------------------------------------


class TimeFigures(BaseModel):
    """Time in seconds: on a step, or on the whole task."""

    sessions: int | None = Field(description="Sessions with a measured time (the base).")
    median_seconds: float | None
    p90_seconds: float | None
    suppressed: bool


class RatingFigures(BaseModel):
    """Step ratings, 1–5."""

    sessions: int | None = Field(description="Sessions that rated (the base).")
    count: int | None = Field(description="Ratings (a session may rate a step again).")
    mean: float | None
    distribution: dict[int, int] | None = Field(description="How many of each, 1 to 5.")
    suppressed: bool


class SeqFigures(BaseModel):
    """Answers to the single ease question, 1 (very difficult) to 7 (very easy)."""

    sessions: int | None = Field(description="Sessions that answered (the base).")
    count: int | None
    mean: float | None
    suppressed: bool


class FieldErrors(BaseModel):
    """How often one validation message was shown for one field of a step."""

    field_id: str | None
    message: str
    count: int


class StepMetrics(BaseModel):
    """What the sessions did on one step. See the module doc for each figure's meaning."""

    step_id: str
    title: str | None = Field(description="None for a step that is not in the journey.")
    kind: str | None = Field(description="screen, decision, offline; None when not in it.")
    in_journey: bool
    reached: int | None = Field(description="Sessions that viewed the step.")
    completed: int | None = Field(description="Sessions that went on from the step.")
    drop_off: int | None = Field(description="Sessions whose last step it was, not completed.")
    drop_off_rate: float | None = Field(description="Drop-offs in % of reached.")
    back_navigations: int | None
    changes_from_summary: int | None
    validation_errors: int | None
    sessions_with_errors: int | None
    error_rate: float | None = Field(description="Sessions with an error, in % of reached.")
    errors_by_field: list[FieldErrors] = Field(default_factory=list)
    time: TimeFigures
    ratings: RatingFigures
    seq: SeqFigures
    comments: int | None = Field(description="Visible comments on the step.")
    usability_score: float | None = Field(description="See screen_usability_score().")
    suppressed: bool = Field(description="Fewer sessions than min_sessions reached the step.")


class FunnelStep(BaseModel):
    """One step of the funnel: sessions that passed every earlier funnel step in order."""

    position: int
    step_id: str
    title: str | None
    sessions: int | None
    percent_of_start: float | None
    percent_of_previous: float | None
    dropped: int | None = Field(description="Sessions lost since the previous funnel step.")
    suppressed: bool


class TaskFigures(BaseModel):
    """Task success: sessions that reached the share link's success step."""

    sessions: int | None = Field(
        description="Completed or abandoned sessions whose share link had a task (the base)."
    )
    succeeded: int | None
    success_rate: float | None = Field(description="In % of the base.")
    suppressed: bool


class SusFigures(BaseModel):
    """System Usability Scale: one score (0–100) per session, their mean and its interval."""

    sessions: int | None
    mean: float | None
    sd: float | None
    ci_low: float | None = Field(description="Lower end of the confidence interval, ≥ 0.")
    ci_high: float | None = Field(description="Upper end of the confidence interval, ≤ 100.")
    confidence: float = 0.95
    scores: list[float] | None = Field(description="Each session's score, lowest first.")
    suppressed: bool


class VersionSummary(BaseModel):
    """The whole version at a glance."""

    version_id: str
    journey_id: str
    number: int
    title: str
    sessions: int | None
    completed: int | None
    abandoned: int | None
    in_progress: int | None = Field(description="Neither completed nor abandoned (yet).")
    completion_rate: float | None = Field(description="Completed in % of completed + abandoned.")
    task: TaskFigures
    time_on_task: TimeFigures = Field(
        description="Completed sessions: from the first view to the 'completed' event."
    )
    seq: SeqFigures
    sus: SusFigures
    usability_score: float | None = Field(description="See journey_usability_score().")
    main_path: list[str]
    suppressed: bool = Field(description="Fewer sessions than min_sessions in the selection.")


class MetricComparison(BaseModel):
    """One figure of one step in two versions."""

    metric: str
    old: float | None
    new: float | None
    delta: float | None = Field(description="new − old.")
    old_n: int | None = Field(description="The old figure's base (sessions).")
    new_n: int | None
    verdict: Verdict | None = Field(description="None when either figure is missing.")


class StepComparison(BaseModel):
    """A step (by id) in an old and a new version."""

    step_id: str
    title: str | None
    status: Literal["both", "added", "removed"]
    metrics: list[MetricComparison]


# --- refreshing the derived tables ----------------------------------------------------------

_STEP_SUMS = {
    "reached": "views > 0",
    "went_on": "went_on",
    "dropped": "dropped",
    "backs": "backs",
    "changes": "changes",
    "errors": "errors",
    "error_sessions": "errors > 0",
    "timed": "seconds is not null",
}

_SESSION_SUMS = {
    "sessions": "1",
    "completed": "outcome = 'completed'",
    "abandoned": "outcome = 'abandoned'",
    "task_ended": "has_task and outcome in ('completed', 'abandoned')",
    "task_succeeded": "has_task and outcome in ('completed', 'abandoned') and task_success = 1",
    "task_timed": "task_seconds is not null",
}

_TEMP_TABLES = (
    "create temp table if not exists _metrics_batch (session_id text primary key) without rowid",
    "create temp table if not exists _metrics_events (session_id text, kind text, "
    "step_id text, at text, seq integer, visit_no integer)",
    "create temp table if not exists _metrics_visits (session_id text, visit_no integer, "
    "step_id text, at text, left_kind text, duration real, errors integer, "
    "primary key (session_id, visit_no)) without rowid",
    "create temp table if not exists _metrics_old_steps (version_id text, step_id text, "
    "session_id text, seconds real)",
    "create temp table if not exists _metrics_old_sessions (version_id text, "
    "session_id text, task_seconds real)",
)

_BATCH = "(select session_id from temp._metrics_batch)"

_STEP_TIMES = f"""
select version_id, step_id, session_id, seconds from metrics_steps where session_id in {_BATCH}
"""
_TASK_TIMES = f"""
select version_id, session_id, task_seconds from metrics_sessions where session_id in {_BATCH}
"""

# Cached quantiles go when the times they were taken from change: compare the batch's
# times before and after (EXCEPT counts NULLs as equal), both ways.
_FORGET_STEP_QUANTILES = f"""
delete from metrics_quantiles where (version_id, step_id) in (
    select version_id, step_id from (
        select * from temp._metrics_old_steps except {_STEP_TIMES})
    union
    select version_id, step_id from ({_STEP_TIMES} except
        select * from temp._metrics_old_steps)
)
"""
_FORGET_TASK_QUANTILES = f"""
delete from metrics_quantiles where step_id = '' and version_id in (
    select version_id from (select * from temp._metrics_old_sessions except {_TASK_TIMES})
    union
    select version_id from ({_TASK_TIMES} except select * from temp._metrics_old_sessions)
)
"""

# CROSS JOIN keeps the batch in the outer loop: otherwise SQLite may walk the whole events
# index in (session, time) order to save the window its sort.
_BATCH_EVENTS = """
insert into temp._metrics_events
select e.session_id, e.kind, e.step_id, e.at, e.rowid,
    sum(e.kind = 'screen_viewed') over (
        partition by e.session_id order by e.at, e.rowid rows unbounded preceding)
from temp._metrics_batch b cross join events e on e.session_id = b.session_id
"""

_BATCH_VISITS = f"""
insert into temp._metrics_visits
select m.session_id, m.visit_no, m.step_id, m.at,
    case m.next_kind
        when 'screen_viewed' then
            case when m.next_step is m.step_id then 'reload' else 'forward' end
        when 'back' then 'back'
        when 'change_from_summary' then 'change'
        else m.next_kind
    end,
    round((julianday(m.next_at) - julianday(m.at)) * 86400, 3),
    coalesce(er.n, 0)
from (
    select session_id, visit_no, kind, step_id, at,
        lead(kind) over w as next_kind,
        lead(step_id) over w as next_step,
        lead(at) over w as next_at
    from temp._metrics_events
    where kind in ({", ".join(f"'{k}'" for k in LEAVING_KINDS)})
    window w as (partition by session_id order by at, seq)
) m
left join (
    select session_id, visit_no, count(*) as n from temp._metrics_events
    where kind = 'validation_error' group by session_id, visit_no
) er on er.session_id = m.session_id and er.visit_no = m.visit_no
where m.kind = 'screen_viewed'
"""

_BATCH_SESSIONS = """
insert into metrics_sessions
select ts.id, ts.version_id, ts.share_code, ts.age_band, ts.outcome, ts.task_success,
    sl.task is not null, coalesce(p.visits, 0), p.first_at,
    case when ts.outcome = 'completed' and c.at is not null and p.first_at is not null
        then max(0, round((julianday(c.at) - julianday(p.first_at)) * 86400, 3)) end,
    p.last_step, coalesce(p.path, '[]'), coalesce(p.durations, '[]')
from temp._metrics_batch b
join test_sessions ts on ts.id = b.session_id
left join share_links sl on sl.code = ts.share_code
left join (
    select session_id, visit_no,
        count(*) over w as visits,
        first_value(at) over w as first_at,
        last_value(step_id) over w as last_step,
        json_group_array(json_array(step_id, left_kind, errors)) over w as path,
        json_group_array(duration) over w as durations
    from temp._metrics_visits
    window w as (partition by session_id order by visit_no
        rows between unbounded preceding and unbounded following)
) p on p.session_id = ts.id and p.visit_no = 1
left join (
    select session_id, min(at) as at from temp._metrics_events
    where kind = 'completed' group by session_id
) c on c.session_id = ts.id
"""

_BATCH_STEPS = """
insert into metrics_steps
select s.session_id, s.step_id, ms.version_id, ms.share_code, ms.age_band, s.views,
    v.seconds, coalesce(v.went_on, 0),
    s.views > 0 and s.step_id is ms.last_step and ms.outcome is not 'completed',
    s.backs, s.changes, s.errors
from (
    select session_id, step_id,
        sum(kind = 'screen_viewed') as views,
        sum(kind = 'back') as backs,
        sum(kind = 'change_from_summary') as changes,
        sum(kind = 'validation_error') as errors
    from temp._metrics_events where step_id is not null
    group by session_id, step_id
) s
join metrics_sessions ms on ms.session_id = s.session_id
left join (
    select session_id, step_id, sum(duration) as seconds,
        max(left_kind in ('forward', 'completed')) as went_on
    from temp._metrics_visits group by session_id, step_id
) v on v.session_id = s.session_id and v.step_id = s.step_id
where s.views + s.backs + s.changes + s.errors > 0
"""


def _add_totals(db: Database, sign: str) -> None:
    """Add (``+``) or take away (``-``) the batch's derived rows from the totals."""
    for table, source, keys, sums_of in (
        ("metrics_step_totals", "metrics_steps", "version_id, share_code, age_band, step_id",
         _STEP_SUMS),
        ("metrics_session_totals", "metrics_sessions", "version_id, share_code, age_band",
         _SESSION_SUMS),
    ):  # fmt: skip
        columns = ", ".join(sums_of)
        sums = ", ".join(f"{sign}coalesce(sum({value}), 0)" for value in sums_of.values())
        updates = ", ".join(f"{column} = {column} + excluded.{column}" for column in sums_of)
        db.execute(
            f"insert into {table} ({keys}, {columns}) select {keys}, {sums} from {source} "
            f"where session_id in {_BATCH} group by {keys} "
            f"on conflict ({keys}) do update set {updates}"
        )
        zero = " and ".join(f"{column} = 0" for column in sums_of)
        db.execute(f"delete from {table} where {zero}")


_PATH_KEY = "version_id, path, coalesce(outcome, ''), share_code, age_band"


def _add_path_totals(db: Database, sign: str) -> None:
    """Add (``+``) or take away (``-``) the batch's sessions from the per-path sums (m006)."""
    db.execute(
        "insert into metrics_path_totals (version_id, path, outcome, share_code, age_band, "
        f"sessions) select {_PATH_KEY}, {sign}count(*) from metrics_sessions "
        f"where session_id in {_BATCH} group by 1, 2, 3, 4, 5 "
        "on conflict (version_id, path, outcome, share_code, age_band) "
        "do update set sessions = sessions + excluded.sessions"
    )
    if sign == "-":  # only the rows just lowered can have reached zero
        db.execute(
            "delete from metrics_path_totals where sessions <= 0 and "
            "(version_id, path, outcome, share_code, age_band) in "
            f"(select {_PATH_KEY} from metrics_sessions where session_id in {_BATCH})"
        )


def _refresh_batch(db: Database, size: int) -> int:
    def work() -> int:
        for statement in _TEMP_TABLES:
            db.execute(statement)
        for table in (
            "_metrics_batch",
            "_metrics_events",
            "_metrics_visits",
            "_metrics_old_steps",
            "_metrics_old_sessions",
        ):
            db.execute(f"delete from temp.{table}")
        taken = db.execute(
            "insert into temp._metrics_batch select session_id from metrics_dirty limit ?", [size]
        ).rowcount
        if taken <= 0:
            return 0
        db.execute(f"insert into temp._metrics_old_steps {_STEP_TIMES}")
        db.execute(f"insert into temp._metrics_old_sessions {_TASK_TIMES}")
        _add_totals(db, "-")
        _add_path_totals(db, "-")
        db.execute(f"delete from metrics_steps where session_id in {_BATCH}")
        db.execute(f"delete from metrics_sessions where session_id in {_BATCH}")
        db.execute(_BATCH_EVENTS)
        db.execute(_BATCH_VISITS)
        db.execute(_BATCH_SESSIONS)
        db.execute(_BATCH_STEPS)
        _add_totals(db, "+")
        _add_path_totals(db, "+")
        db.execute(_FORGET_STEP_QUANTILES)
        db.execute(_FORGET_TASK_QUANTILES)
        db.execute(f"delete from metrics_dirty where session_id in {_BATCH}")
        return taken

    return write(db, work)


def refresh_metrics(db: Database, *, batch: int = REFRESH_BATCH) -> int:
    """Derive the metrics rows of every session that changed since it was last derived.

    Returns how many sessions were derived. Runs in transactions of ``batch`` sessions, so
    testers' writes wait at most for one of them; sessions that change meanwhile are left
    for the next call. Every function here calls it first, so figures are always current.
    """
    pending = db.execute("select count(*) from metrics_dirty").fetchone()[0]
    done = 0
    while done < pending:
        taken = _refresh_batch(db, batch)
        if taken == 0:
            break
        done += taken
    return done


def rebuild_metrics(db: Database, *, batch: int = REFRESH_BATCH) -> int:
    """Throw away every derived metrics row and derive them all again from the events.

    For a database whose derived rows are in doubt, or after a change to how they are
    derived. Returns how many sessions were derived.
    """

    def work() -> None:
        db.execute("delete from metrics_step_totals")
        db.execute("delete from metrics_quantiles")
        db.execute("delete from metrics_session_totals")
        db.execute("delete from metrics_path_totals")
        db.execute("delete from metrics_path_depths")
        db.execute("delete from metrics_path_classes")
        db.execute("delete from metrics_steps")
        db.execute("delete from metrics_sessions")
        db.execute("insert or ignore into metrics_dirty select id from test_sessions")

    write(db, work)
    return refresh_metrics(db, batch=batch)


# --- statistics -----------------------------------------------------------------------------

_NORMAL = NormalDist()


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    Exact for 1 and 2 degrees of freedom; otherwise Hill's approximation (G. W. Hill 1970,
    "Algorithm 396: Student's t-quantiles", CACM 13(10), as R's ``qt`` starts from), which
    agrees with tables to four decimals from 3 degrees of freedom on. ``df`` may be
    fractional (Welch's test; between 1 and 2 the probability is off by up to 0.001) or
    ``math.inf`` (the normal distribution).
    """
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1, not {p}")
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, not {df}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1 - p, df)
    if math.isinf(df):
        return _NORMAL.inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    two_tailed = 2 * (1 - p)
    a = 1 / (df - 0.5)
    b = 48 / (a * a)
    c = ((20700 * a / b - 98) * a - 16) * a + 96.36
    d = ((94.5 / (b + c) - 3) / b + 1) * math.sqrt(a * math.pi / 2) * df
    y = (d * two_tailed) ** (2 / df)
    if (df < 2.1 and two_tailed > 0.5) or y > 0.05 + a:
        x = _NORMAL.inv_cdf(0.5 * two_tailed)
        y = x * x
        if df < 5:
            c += 0.3 * (df - 4.5) * (x + 0.6)
        c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
        y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x
        y = math.expm1(a * y * y)
    else:
        y = (
            (1 / (((df + 6) / (df * y) - 0.089 * d - 0.822) * (df + 2) * 3) + 0.5 / (df + 4)) * y
            - 1
        ) * (df + 1) / (df + 2) + 1 / y
    return math.sqrt(df * y)


def mean_interval(
    n: int, total: float, total_squares: float, *, confidence: float = 0.95
) -> tuple[float, float | None, float | None, float | None]:
    """(mean, sd, low, high) of ``n`` values from their sum and sum of squares: the sample
    standard deviation and the t interval ``mean ± t(1 − α/2, n − 1) · sd / √n``.
    With one value, sd and the interval are None."""
    if n <= 0:
        raise ValueError("no values")
    mean = total / n
    if n == 1:
        return mean, None, None, None
    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    sd = math.sqrt(variance)
    half = t_quantile(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def screen_usability_score(drop_off_rate: float, error_rate: float, median_seconds: float) -> float:
    """A step's usability score, 0–100, after Maze's screen usability score.

    ``max(0, 100 − drop_off_rate − 0.5 · error_rate − time_penalty)``, rounded to one
    decimal, where both rates are in % of the sessions that reached the step and
    ``time_penalty`` is 0 up to 5 seconds (median time on step), one point per 2 seconds
    from 5 to 25 seconds and 10 points from 25 seconds on. Maze takes one point per % of
    drop-off and half a point per % of misclicks; a prototype form has no misclicks, so the
    share of sessions that got a validation error stands in for them, and the median stands
    in for Maze's average duration, which one tester who left the phone would dominate.
    """
    time_penalty = min(10.0, max(0.0, (median_seconds - 5) / 2))
    return round(max(0.0, 100 - drop_off_rate - 0.5 * error_rate - time_penalty), 1)


def journey_usability_score(success_rate: float, step_scores: Iterable[float]) -> float | None:
    """The journey's usability score, 0–100: ``max(0, success_rate − mean penalty)``.

    ``success_rate`` is the task success rate in % when the sessions had a task, otherwise
    the completion rate; the mean penalty is the mean of ``100 − score`` over the steps of
    the main path that have a score (shape after Maze's mission score: success minus what
    the screens cost). None when no step has a score.
    """
    scores = list(step_scores)
    if not scores:
        return None
    penalty = sum(100 - s for s in scores) / len(scores)
    return round(max(0.0, success_rate - penalty), 1)


def _percent(part: int, whole: int) -> float | None:
    return None if whole <= 0 else round(100 * part / whole, 1)


def _quantile_from(
    db: Database, source: str, column: str, params: list[Any], n: int, q: float
) -> float | None:
    """The ``q`` quantile of ``column`` over ``n`` rows of ``source`` (a FROM ... WHERE
    clause an index orders by ``column``), by walking the index from the nearer end."""
    if n <= 0:
        return None
    position = (n - 1) * q
    low = math.floor(position)
    high = min(low + 1, n - 1)
    if low < n / 2:
        found = db.execute(
            f"select {column} {source} order by {column} limit 2 offset ?", [*params, low]
        ).fetchall()
        if not found:
            return None
        x_low = found[0][0]
        x_high = found[1][0] if len(found) > 1 and high > low else x_low
    else:
        found = db.execute(
            f"select {column} {source} order by {column} desc limit 2 offset ?",
            [*params, n - 1 - high],
        ).fetchall()
        if not found:
            return None
        x_high = found[0][0]
        x_low = found[1][0] if len(found) > 1 and high > low else x_high
    return round(x_low + (position - low) * (x_high - x_low), 3)


# --- the selection ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which sessions the figures come from: a version, optionally one link and age band."""

    version: Version
    share_code: str | None
    age_band: str | None
    min_sessions: int

    @property
    def version_id(self) -> str:
        return self.version.id

    def derived(self, alias: str = "") -> tuple[str, list[Any]]:
        """Conditions on a derived metrics table (which has share_code and age_band)."""
        prefix = f"{alias}." if alias else ""
        sql, params = f"{prefix}version_id = ?", [self.version.id]
        if self.share_code is not None:
            sql += f" and {prefix}share_code = ?"
            params.append(self.share_code)
        if self.age_band is not None:
            sql += f" and {prefix}age_band = ?"
            params.append(self.age_band)
        return sql, params

    def in_selection(self, alias: str) -> tuple[str, list[Any]]:
        """A condition restricting a feedback table (which has session_id and version_id)
        to the selection: the version, and when asked its sessions of one link or age band
        (a semi-join on the derived sessions: far cheaper than a join per row)."""
        sql, params = f"{alias}.version_id = ?", [self.version.id]
        if self.share_code is None and self.age_band is None:
            return sql, params
        where, inner = self.derived()
        sql += f" and {alias}.session_id in (select session_id from metrics_sessions where {where})"
        return sql, params + inner

    def enough(self, n: int | None) -> bool:
        return n is not None and n >= self.min_sessions


def scope(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> Scope:
    """Check the selection and bring the derived metrics up to date.

    Raises :class:`prototypes.VersionNotFound` for an unknown version and
    :class:`MetricsError` for a share link of another version or an unknown age band.
    """
    version = get_version(db, version_id)
    if version is None:
        raise VersionNotFound(version_id)
    code = None
    if share_code is not None:
        try:
            code = normalise_code(share_code)
        except InvalidCode as exc:
            raise MetricsError(str(exc)) from None
        link = get_share_link(db, code)
        if link is None or link.version_id != version.id:
            raise MetricsError(
                f"Delningslänken '{share_code}' hör inte till {version.id}. "
                "Välj en länk till den versionen."
            )
    if age_band is not None and age_band not in AGE_BANDS:
        raise MetricsError(f"Åldersgruppen '{age_band}' finns inte. Välj en av: {AGE_BANDS}.")
    if min_sessions < 1:
        raise MetricsError("min_sessions ska vara minst 1.")
    refresh_metrics(db)
    return Scope(version, code, age_band, min_sessions)


def session_totals(db: Database, sc: Scope) -> dict[str, int]:
    """The selection's sessions, completed, abandoned, task_ended, task_succeeded and
    task_timed (completed sessions with a time on task)."""
    where, params = sc.derived()
    sums = ", ".join(f"coalesce(sum({column}), 0)" for column in _SESSION_SUMS)
    found = db.execute(f"select {sums} from metrics_session_totals where {where}", params)
    return dict(zip(_SESSION_SUMS, found.fetchone(), strict=True))


def session_count(db: Database, sc: Scope) -> int:
    """How many sessions the selection has."""
    return session_totals(db, sc)["sessions"]


def _time_source(sc: Scope, step_id: str) -> tuple[str, str, list[Any]]:
    """(FROM ... WHERE, column, parameters) of the times behind a quantile: a step's time
    on step, or (``step_id=''``) the time on task of completed sessions."""
    where, params = sc.derived()
    if step_id == "":
        return (
            f"from metrics_sessions where {where} and task_seconds is not null",
            "task_seconds",
            params,
        )
    return (
        f"from metrics_steps where {where} and step_id = ? and seconds is not null",
        "seconds",
        [*params, step_id],
    )


def _timed_now(db: Database, sc: Scope, step_id: str) -> int:
    if step_id == "":
        return session_totals(db, sc)["task_timed"]
    where, params = sc.derived()
    return db.execute(
        f"select coalesce(sum(timed), 0) from metrics_step_totals where {where} and step_id = ?",
        [*params, step_id],
    ).fetchone()[0]


def time_quantiles(
    db: Database, sc: Scope, wanted: dict[str, int]
) -> dict[str, tuple[float | None, float | None]]:
    """(median, p90) of the times of each step in ``wanted`` (step id → how many sessions
    have a time; ``''``: time on task), kept in ``metrics_quantiles`` once taken.

    Missing ones are taken in one write transaction, which also counts the times again:
    a refresh (which deletes what it changes) can then never slip in between taking a
    quantile and keeping it.
    """
    key = [sc.version_id, sc.share_code or "", sc.age_band or ""]
    kept = {
        row[0]: row[1:]
        for row in db.execute(
            "select step_id, timed, median, p90 from metrics_quantiles "
            "where version_id = ? and share_code = ? and age_band = ?",
            key,
        )
    }
    result: dict[str, tuple[float | None, float | None]] = {}
    missing = []
    for step_id, n in wanted.items():
        hit = kept.get(step_id)
        if hit is not None and hit[0] == n:
            result[step_id] = (hit[1], hit[2])
        else:
            missing.append(step_id)
    if not missing:
        return result

    def work() -> dict[str, tuple[float | None, float | None]]:
        taken = {}
        for step_id in missing:
            n = _timed_now(db, sc, step_id)
            source, column, params = _time_source(sc, step_id)
            median = _quantile_from(db, source, column, params, n, 0.5)
            p90 = _quantile_from(db, source, column, params, n, 0.9)
            db.execute(
                "insert or replace into metrics_quantiles (version_id, share_code, age_band, "
                "step_id, timed, median, p90) values (?, ?, ?, ?, ?, ?, ?)",
                [*key, step_id, n, median, p90],
            )
            taken[step_id] = (median, p90)
        return taken

    result.update(write(db, work))
    return result


# --- per step -------------------------------------------------------------------------------


@dataclasses.dataclass
class _StepData:
    """Everything read for one step, before suppression."""

    reached: int = 0
    went_on: int = 0
    dropped: int = 0
    backs: int = 0
    changes: int = 0
    errors: int = 0
    error_sessions: int = 0
    timed: int = 0
    median: float | None = None
    p90: float | None = None
    rating_sessions: int = 0
    rating_count: int = 0
    rating_sum: int = 0
    rating_squares: int = 0
    rating_counts: tuple[int, ...] = (0, 0, 0, 0, 0)
    seq_sessions: int = 0
    seq_count: int = 0
    seq_sum: int = 0
    comments: int = 0
    field_errors: list[FieldErrors] = dataclasses.field(default_factory=list)


def _step_data(db: Database, sc: Scope) -> dict[str, _StepData]:
    data: dict[str, _StepData] = {}
    where, params = sc.derived()
    sums = ", ".join(f"sum({column})" for column in _STEP_SUMS)
    for row in db.execute(
        f"select step_id, {sums} from metrics_step_totals where {where} group by step_id",
        params,
    ):
        data[row[0]] = _StepData(**dict(zip(_STEP_SUMS, row[1:], strict=True)))

    wanted = {
        step_id: d.timed
        for step_id, d in data.items()
        if sc.enough(d.reached) and sc.enough(d.timed)
    }
    for step_id, (median, p90) in time_quantiles(db, sc, wanted).items():
        data[step_id].median, data[step_id].p90 = median, p90

    where, params = sc.derived()
    for row in db.execute(
        "select step_id, sum(sessions), sum(ratings), sum(total), sum(squares), sum(r1), "
        f"sum(r2), sum(r3), sum(r4), sum(r5) from metrics_rating_totals where {where} "
        "group by step_id having sum(ratings) > 0",
        params,
    ):
        d = data.setdefault(row[0], _StepData())
        d.rating_sessions, d.rating_count, d.rating_sum, d.rating_squares = row[1:5]
        d.rating_counts = tuple(row[5:10])

    where, params = sc.in_selection("q")
    for row in db.execute(
        f"select q.step_id, count(distinct q.session_id), count(*), sum(q.score) "
        f"from seq_answers q where {where} and q.step_id is not null group by q.step_id",
        params,
    ):
        d = data.setdefault(row[0], _StepData())
        d.seq_sessions, d.seq_count, d.seq_sum = row[1:4]

    where, params = sc.in_selection("c")
    for row in db.execute(
        "select c.step_id, count(*) from comments c "
        "left join comment_moderation m on m.comment_id = c.id "
        f"where {where} and c.step_id is not null and coalesce(m.hidden, 0) = 0 "
        "group by c.step_id",
        params,
    ):
        data.setdefault(row[0], _StepData()).comments = row[1]

    for (step_id, field_id, message), count in _field_errors(db, sc).items():
        d = data.setdefault(step_id, _StepData())
        d.field_errors.append(FieldErrors(field_id=field_id, message=message, count=count))
    for d in data.values():
        d.field_errors.sort(key=lambda e: (-e.count, e.field_id or "", e.message))
    return data


def _field_errors(db: Database, sc: Scope) -> Counter[tuple[str, str | None, str]]:
    """Validation errors per (step, field, message), from their sums per event detail (a
    form shows few distinct messages, so only those are parsed)."""
    where, params = sc.derived()
    counts: Counter[tuple[str, str | None, str]] = Counter()
    for step_id, field, detail, count in db.execute(
        "select step_id, field_id, detail, sum(errors) from metrics_error_totals "
        f"where {where} group by step_id, field_id, detail having sum(errors) > 0",
        params,
    ):
        field_id = field or None
        try:
            message = json.loads(detail).get("message")
        except (ValueError, AttributeError):
            message = None
        counts[step_id, field_id, message if isinstance(message, str) else ""] += count
    return counts


def _step_metrics(
    step_id: str, journey: Journey, d: _StepData, sc: Scope, *, sessions_ok: bool
) -> StepMetrics:
    step = journey.step(step_id)
    shown = sessions_ok and sc.enough(d.reached)
    timed = shown and sc.enough(d.timed)
    rated = shown and sc.enough(d.rating_sessions)
    seq_ok = shown and sc.enough(d.seq_sessions)
    drop_rate = _percent(d.dropped, d.reached) if shown else None
    error_rate = _percent(d.error_sessions, d.reached) if shown else None
    score = None
    if drop_rate is not None and error_rate is not None and timed and d.median is not None:
        score = screen_usability_score(drop_rate, error_rate, d.median)

    def shown_count(value: int) -> int | None:
        return value if shown else None

    return StepMetrics(
        step_id=step_id,
        title=step.title if step is not None else None,
        kind=step.kind if step is not None else None,
        in_journey=step is not None,
        reached=d.reached if sessions_ok else None,
        completed=shown_count(d.went_on),
        drop_off=shown_count(d.dropped),
        drop_off_rate=drop_rate,
        back_navigations=shown_count(d.backs),
        changes_from_summary=shown_count(d.changes),
        validation_errors=shown_count(d.errors),
        sessions_with_errors=shown_count(d.error_sessions),
        error_rate=error_rate,
        errors_by_field=d.field_errors if shown else [],
        time=TimeFigures(
            sessions=d.timed if shown else None,
            median_seconds=d.median if timed else None,
            p90_seconds=d.p90 if timed else None,
            suppressed=not timed,
        ),
        ratings=RatingFigures(
            sessions=d.rating_sessions if rated else None,
            count=d.rating_count if rated else None,
            mean=round(d.rating_sum / d.rating_count, 2) if rated and d.rating_count else None,
            distribution=dict(zip(range(1, 6), d.rating_counts, strict=True)) if rated else None,
            suppressed=not rated,
        ),
        seq=SeqFigures(
            sessions=d.seq_sessions if seq_ok else None,
            count=d.seq_count if seq_ok else None,
            mean=round(d.seq_sum / d.seq_count, 2) if seq_ok and d.seq_count else None,
            suppressed=not seq_ok,
        ),
        comments=shown_count(d.comments),
        usability_score=score,
        suppressed=not shown,
    )


def _ordered_steps(journey: Journey, seen: Iterable[str]) -> list[str]:
    """The journey's steps in file order, then steps only the data knows, by id."""
    ids = [s.id for s in journey.steps]
    known = set(ids)
    return ids + sorted({s for s in seen if s not in known})


def all_step_metrics(db: Database, sc: Scope) -> list[StepMetrics]:
    """:func:`step_metrics` for a selection already made with :func:`scope`."""
    journey = sc.version.journey()
    data = _step_data(db, sc)
    sessions_ok = sc.enough(session_count(db, sc))
    return [
        _step_metrics(step_id, journey, data.get(step_id, _StepData()), sc, sessions_ok=sessions_ok)
        for step_id in _ordered_steps(journey, data)
    ]


def step_metrics(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> list[StepMetrics]:
    """Figures for every step of the version's journey (in the journey's order), followed by
    any step the testers' events name that the journey does not have.

    Raises :class:`prototypes.VersionNotFound` for an unknown version and
    :class:`MetricsError` for a share link of another version or an unknown age band.
    """
    sc = scope(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    return all_step_metrics(db, sc)


# --- paths and the funnel -------------------------------------------------------------------


def session_paths(db: Database, sc: Scope) -> list[tuple[list[list[Any]], str | None, int]]:
    """Every distinct (path, outcome) of the selection's sessions with how many had it.

    A path is the session's visits in order, each ``[step_id, left, errors]`` (see the
    module doc); sessions without any view have the empty path.
    """
    where, params = sc.derived()
    found = db.execute(
        f"select path, outcome, sum(sessions) from metrics_path_totals where {where} "
        "group by path, outcome order by sum(sessions) desc, path, outcome",
        params,
    ).fetchall()
    return [(json.loads(path), outcome or None, n) for path, outcome, n in found]


def first_visits(path: Sequence[Sequence[Any]]) -> list[str]:
    """The steps of a path in the order they were first viewed."""
    return list(dict.fromkeys(str(visit[0]) for visit in path))


def main_path(
    db: Database,
    *,
    version_id: str,
    along: Along = "planned",
    share_code: str | None = None,
    age_band: str | None = None,
) -> list[str]:
    """The path the funnel follows.

    ``planned``: the planned path with no answers (each question's last, unconditional
    branch). ``common``: the steps of the most common path among completed sessions, in
    the order they were first viewed (the planned path when no session completed).
    """
    sc = scope(db, version_id=version_id, share_code=share_code, age_band=age_band)
    return _main_path(db, sc, along)


def _main_path(db: Database, sc: Scope, along: Along) -> list[str]:
    journey = sc.version.journey()
    if along == "common":
        counts: Counter[tuple[str, ...]] = Counter()
        for path, outcome, n in session_paths(db, sc):
            if outcome == "completed" and path:
                counts[tuple(first_visits(path))] += n
        if counts:
            best = max(counts.values())
            return list(min(p for p, n in counts.items() if n == best))
    elif along != "planned":
        raise MetricsError(f"along ska vara 'planned' eller 'common', inte '{along}'.")
    return planned_path(journey, {})


def _depth(steps: Sequence[str], path: Sequence[str]) -> int:
    """How many of ``steps`` appear in ``path`` in order (detours allowed)."""
    depth = 0
    for step_id in path:
        if depth < len(steps) and step_id == steps[depth]:
            depth += 1
    return depth


def unkept_paths(db: Database, sc: Scope, table: str, *, outcome: bool) -> list[tuple[str, str]]:
    """The version's distinct paths (with outcome: pairs) that ``table`` keeps nothing for."""
    key = "path, outcome" if outcome else "path, ''"
    same = "k.path = p.path" + (" and k.outcome = p.outcome" if outcome else "")
    return db.execute(
        f"select distinct {key} from metrics_path_totals p where p.version_id = ? "
        f"and not exists (select 1 from {table} k where k.version_id = p.version_id "
        f"and {same})",
        [sc.version_id],
    ).fetchall()


def _planned_depths(db: Database, sc: Scope, steps: Sequence[str]) -> list[int]:
    """Sessions per depth along the planned path (index 0: never reached its first step),
    from the kept depth of each distinct path (m007); new paths are walked once and kept."""
    new = unkept_paths(db, sc, "metrics_path_depths", outcome=False)
    if new:
        rows = [
            (sc.version_id, path, _depth(steps, [str(v[0]) for v in json.loads(path)]))
            for path, _ in new
        ]

        def keep() -> None:
            db.conn.executemany("insert or ignore into metrics_path_depths values (?, ?, ?)", rows)

        write(db, keep)
    where, params = sc.derived("p")
    reached = [0] * (len(steps) + 1)
    for depth, n in db.execute(
        f"select d.depth, sum(p.sessions) from metrics_path_totals p join metrics_path_depths d "
        f"on d.version_id = p.version_id and d.path = p.path where {where} group by d.depth",
        params,
    ).fetchall():
        reached[min(int(depth), len(steps))] += int(n)
    return reached


def funnel(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    along: Along | Sequence[str] = "planned",
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> list[FunnelStep]:
    """The funnel along the main path (see :func:`main_path`, or give the step ids).

    A session counts at a funnel step when it viewed that step after viewing every earlier
    funnel step in order (other steps in between, going back, reloading are allowed). All
    figures are suppressed when the selection has fewer than ``min_sessions`` sessions.
    """
    sc = scope(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    journey = sc.version.journey()
    steps = list(along) if not isinstance(along, str) else _main_path(db, sc, along)
    if along == "planned":  # the same steps for every call: depths are kept per path
        reached = _planned_depths(db, sc, steps)
    else:
        reached = [0] * (len(steps) + 1)
        for path, _outcome, n in session_paths(db, sc):
            reached[_depth(steps, [str(v[0]) for v in path])] += n
    sessions = sum(reached)
    passed = [sum(reached[i:]) for i in range(1, len(steps) + 1)]
    ok = sc.enough(sessions)
    result = []
    for i, step_id in enumerate(steps):
        step = journey.step(step_id)
        count = passed[i]
        previous = passed[i - 1] if i else None
        result.append(
            FunnelStep(
                position=i + 1,
                step_id=step_id,
                title=step.title if step is not None else None,
                sessions=count if ok else None,
                percent_of_start=_percent(count, passed[0]) if ok else None,
                percent_of_previous=(
                    _percent(count, previous) if ok and previous is not None else None
                ),
                dropped=(previous - count) if ok and previous is not None else None,
                suppressed=not ok,
            )
        )
    return result


# --- the version as a whole -----------------------------------------------------------------


_NO_SEQ = SeqFigures(sessions=None, count=None, mean=None, suppressed=True)


def _no_sus(confidence: float) -> SusFigures:
    return SusFigures(
        sessions=None,
        mean=None,
        sd=None,
        ci_low=None,
        ci_high=None,
        confidence=confidence,
        scores=None,
        suppressed=True,
    )


def _sus(db: Database, sc: Scope, confidence: float) -> SusFigures:
    where, params = sc.in_selection("s")
    scores = [
        float(row[0])
        for row in db.execute(
            f"select s.score from sus_answers s where {where} order by s.score", params
        )
    ]
    if not sc.enough(len(scores)):
        return _no_sus(confidence)
    mean, sd, low, high = mean_interval(
        len(scores), sum(scores), sum(s * s for s in scores), confidence=confidence
    )
    return SusFigures(
        sessions=len(scores),
        mean=round(mean, 1),
        sd=None if sd is None else round(sd, 2),
        ci_low=None if low is None else round(max(0.0, low), 1),
        ci_high=None if high is None else round(min(100.0, high), 1),
        confidence=confidence,
        scores=scores,
        suppressed=False,
    )


def _seq_overall(db: Database, sc: Scope) -> SeqFigures:
    where, params = sc.in_selection("q")
    n_sessions, count, total = db.execute(
        "select count(distinct q.session_id), count(*), sum(q.score) from seq_answers q "
        f"where {where}",
        params,
    ).fetchone()
    ok = sc.enough(n_sessions)
    return SeqFigures(
        sessions=n_sessions if ok else None,
        count=count if ok else None,
        mean=round(total / count, 2) if ok and count else None,
        suppressed=not ok,
    )


def version_summary(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    along: Along = "planned",
    min_sessions: int = DEFAULT_MIN_SESSIONS,
    confidence: float = 0.95,
) -> VersionSummary:
    """Sessions, completion, task success, time on task, SEQ, SUS (mean with a t interval)
    and the journey's usability score (over the main path ``along``)."""
    sc = scope(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    totals = session_totals(db, sc)
    sessions, completed, abandoned = totals["sessions"], totals["completed"], totals["abandoned"]
    task_base, task_ok = totals["task_ended"], totals["task_succeeded"]
    ok = sc.enough(sessions)
    ended = completed + abandoned
    completion = _percent(completed, ended) if ok else None
    task_shown = ok and sc.enough(task_base)
    task_rate = _percent(task_ok, task_base) if task_shown else None

    timed = totals["task_timed"]
    time_shown = ok and sc.enough(timed)
    task_median, task_p90 = time_quantiles(db, sc, {"": timed})[""] if time_shown else (None, None)

    steps = {m.step_id: m for m in all_step_metrics(db, sc)}
    path = _main_path(db, sc, along)
    success = task_rate if task_base else completion
    score = None
    if success is not None:
        score = journey_usability_score(
            success,
            [
                steps[s].usability_score
                for s in path
                if s in steps and steps[s].usability_score is not None
            ],
        )
    version = sc.version
    return VersionSummary(
        version_id=version.id,
        journey_id=version.journey_id,
        number=version.number,
        title=version.title,
        sessions=sessions if ok else None,
        completed=completed if ok else None,
        abandoned=abandoned if ok else None,
        in_progress=sessions - ended if ok else None,
        completion_rate=completion,
        task=TaskFigures(
            sessions=task_base if task_shown else None,
            succeeded=task_ok if task_shown else None,
            success_rate=task_rate,
            suppressed=not task_shown,
        ),
        time_on_task=TimeFigures(
            sessions=timed if time_shown else None,
            median_seconds=task_median,
            p90_seconds=task_p90,
            suppressed=not time_shown,
        ),
        seq=_seq_overall(db, sc) if ok else _NO_SEQ,
        sus=_sus(db, sc, confidence) if ok else _no_sus(confidence),
        usability_score=score,
        main_path=path,
        suppressed=not ok,
    )


# --- comparing two versions -----------------------------------------------------------------

_Z95 = _NORMAL.inv_cdf(0.975)
TIME_TOLERANCE = 0.10
"""Median times within 10 % of each other are 'same' (medians get no significance test)."""
SCORE_TOLERANCE = 5.0
"""Usability scores within 5 points of each other are 'same'."""


def _proportion_verdict(
    old: tuple[int, int], new: tuple[int, int], *, higher_is_better: bool
) -> Verdict:
    """Two-proportion z-test at the 95 % level: 'same' unless the difference is significant."""
    (x1, n1), (x2, n2) = old, new
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return "same"
    z = (x2 / n2 - x1 / n1) / se
    if abs(z) < _Z95:
        return "same"
    return "better" if (z > 0) == higher_is_better else "worse"


def _mean_verdict(
    old: tuple[int, float, float], new: tuple[int, float, float], *, higher_is_better: bool
) -> Verdict:
    """Welch's t-test at the 95 % level from (n, sum, sum of squares) of each side."""
    (n1, s1, q1), (n2, s2, q2) = old, new
    if n1 < 2 or n2 < 2:
        return "same"
    m1, m2 = s1 / n1, s2 / n2
    v1 = max(0.0, (q1 - n1 * m1 * m1) / (n1 - 1)) / n1
    v2 = max(0.0, (q2 - n2 * m2 * m2) / (n2 - 1)) / n2
    if v1 + v2 == 0:
        return "same" if m1 == m2 else ("better" if (m2 > m1) == higher_is_better else "worse")
    df = (v1 + v2) ** 2 / ((v1 * v1 / (n1 - 1) if v1 else 0) + (v2 * v2 / (n2 - 1) if v2 else 0))
    t = (m2 - m1) / math.sqrt(v1 + v2)
    if abs(t) < t_quantile(0.975, df):
        return "same"
    return "better" if (t > 0) == higher_is_better else "worse"


def _tolerance_verdict(
    old: float, new: float, tolerance: float, *, higher_is_better: bool
) -> Verdict:
    if abs(new - old) <= tolerance:
        return "same"
    return "better" if (new > old) == higher_is_better else "worse"


_RATES = (
    ("went_on_rate", "went_on", True),
    ("drop_off_rate", "dropped", False),
    ("error_rate", "error_sessions", False),
)
"""Rates compared between versions: name, the count it is a share of reached, direction."""


def _comparisons(
    old: StepMetrics | None, new: StepMetrics | None, old_d: _StepData, new_d: _StepData
) -> list[MetricComparison]:
    result: list[MetricComparison] = []

    def add(
        metric: str,
        values: tuple[float | None, float | None],
        bases: tuple[int | None, int | None],
        judge: Any,
    ) -> None:
        o, n = values
        both = o is not None and n is not None
        result.append(
            MetricComparison(
                metric=metric,
                old=o,
                new=n,
                delta=round(n - o, 3) if o is not None and n is not None else None,
                old_n=bases[0],
                new_n=bases[1],
                verdict=judge(o, n) if both else None,
            )
        )

    def shown(m: StepMetrics | None) -> StepMetrics | None:
        return None if m is None or m.suppressed else m

    o_m, n_m = shown(old), shown(new)
    reached = (o_m.reached if o_m else None, n_m.reached if n_m else None)
    for metric, count, higher in _RATES:
        add(
            metric,
            (
                _percent(getattr(old_d, count), old_d.reached) if o_m else None,
                _percent(getattr(new_d, count), new_d.reached) if n_m else None,
            ),
            reached,
            lambda _o, _n, count=count, higher=higher: _proportion_verdict(
                (getattr(old_d, count), old_d.reached),
                (getattr(new_d, count), new_d.reached),
                higher_is_better=higher,
            ),
        )
    add(
        "median_seconds",
        (o_m.time.median_seconds if o_m else None, n_m.time.median_seconds if n_m else None),
        (o_m.time.sessions if o_m else None, n_m.time.sessions if n_m else None),
        lambda o, n: _tolerance_verdict(
            1.0,
            n / o if o else (1.0 if n == 0 else math.inf),
            TIME_TOLERANCE,
            higher_is_better=False,
        ),
    )
    add(
        "rating_mean",
        (o_m.ratings.mean if o_m else None, n_m.ratings.mean if n_m else None),
        (o_m.ratings.sessions if o_m else None, n_m.ratings.sessions if n_m else None),
        lambda _o, _n: _mean_verdict(
            (old_d.rating_count, old_d.rating_sum, old_d.rating_squares),
            (new_d.rating_count, new_d.rating_sum, new_d.rating_squares),
            higher_is_better=True,
        ),
    )
    add(
        "usability_score",
        (o_m.usability_score if o_m else None, n_m.usability_score if n_m else None),
        reached,
        lambda o, n: _tolerance_verdict(o, n, SCORE_TOLERANCE, higher_is_better=True),
    )
    return result


def compare_versions(
    db: Database,
    *,
    journey_id: str,
    old_version_id: str,
    new_version_id: str,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> list[StepComparison]:
    """Each step (matched by id) in an old and a new version of a journey.

    Per step and figure: both values, the change (new − old), the sample sizes and a
    verdict. Rates (went on, drop-off, errors) are 'better' or 'worse' only when a
    two-proportion z-test finds the difference significant at the 95 % level, mean ratings
    when Welch's t-test does; median times differ when they are more than 10 % apart and
    usability scores when more than 5 points apart. The verdict is None when either value
    is missing or suppressed. Steps come in the new version's order, then removed ones.
    """
    old_sc = scope(db, version_id=old_version_id, age_band=age_band, min_sessions=min_sessions)
    new_sc = scope(db, version_id=new_version_id, age_band=age_band, min_sessions=min_sessions)
    for sc in (old_sc, new_sc):
        if sc.version.journey_id != journey_id:
            raise MetricsError(
                f"{sc.version.id} är en version av '{sc.version.journey_id}', inte av "
                f"'{journey_id}'."
            )
    old_metrics = {m.step_id: m for m in all_step_metrics(db, old_sc)}
    new_metrics = {m.step_id: m for m in all_step_metrics(db, new_sc)}
    old_data, new_data = _step_data(db, old_sc), _step_data(db, new_sc)
    old_journey, new_journey = old_sc.version.journey(), new_sc.version.journey()
    old_ids = {s.id for s in old_journey.steps}
    new_ids = [s.id for s in new_journey.steps]
    order = new_ids + [s.id for s in old_journey.steps if s.id not in set(new_ids)]
    result = []
    for step_id in order:
        in_old, in_new = step_id in old_ids, step_id in set(new_ids)
        status: Literal["both", "added", "removed"] = (
            "both" if in_old and in_new else "added" if in_new else "removed"
        )
        step = new_journey.step(step_id) or old_journey.step(step_id)
        result.append(
            StepComparison(
                step_id=step_id,
                title=step.title if step is not None else None,
                status=status,
                metrics=_comparisons(
                    old_metrics.get(step_id) if in_old else None,
                    new_metrics.get(step_id) if in_new else None,
                    old_data.get(step_id, _StepData()),
                    new_data.get(step_id, _StepData()),
                ),
            )
        )
    return result
