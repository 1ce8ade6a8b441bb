"""Metrics per step and per version, on small data sets whose figures are counted by hand."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pytest
from sqlite_utils import Database

import feedback
from feedback import (
    MetricsError,
    compare_versions,
    funnel,
    hide_comment,
    journey_usability_score,
    mean_interval,
    rebuild_metrics,
    screen_usability_score,
    step_comments,
    step_metrics,
    t_quantile,
    version_summary,
)
from prototypes import ShareLink, Version, VersionNotFound, get_version
from tests.feedback.metrics_data import (
    DRIVER,
    EXAMPLE,
    PASSENGER,
    T0,
    Tester,
    publish_example,
    share,
)


@pytest.fixture
def version(db: Database) -> Version:
    return publish_example(db)


@pytest.fixture
def link(db: Database, version: Version) -> ShareLink:
    return share(db, version)


def by_step(metrics: list[feedback.StepMetrics]) -> dict[str, feedback.StepMetrics]:
    return {m.step_id: m for m in metrics}


def sus_answers(score: float) -> list[int]:
    """Ten answers whose SUS score is ``score`` (a multiple of 2.5)."""
    left = round(score / 2.5)
    answers = []
    for number in range(1, 11):
        part = min(4, left)
        left -= part
        answers.append(part + 1 if number % 2 else 5 - part)
    assert feedback.sus_score(answers) == score
    return answers


# --- one session ----------------------------------------------------------------------------


def one_session(db: Database, link: ShareLink) -> Tester:
    """start 10 s, ska-du-kora 20 s (one error) + 5 s, passagerare 10 s then back,
    korkort 20 s, gangformaga 30 s then 'Avbryt testet'."""
    tester = Tester(db, link)
    tester.view("start").view("ska-du-kora", after=10)
    tester.error("forare", "Välj om du själv ska köra bilen", after=5)
    tester.view("passagerare", after=15).back("ska-du-kora", after=10)
    tester.view("korkort", after=5).view("gangformaga", after=20).abandon(after=30)
    return tester


def test_one_session_gives_hand_counted_figures_per_step(db: Database, link: ShareLink) -> None:
    one_session(db, link)
    steps = by_step(step_metrics(db, version_id=link.version_id, min_sessions=1))

    start = steps["start"]
    assert (start.reached, start.completed, start.drop_off, start.drop_off_rate) == (1, 1, 0, 0.0)
    assert start.time.median_seconds == 10.0
    assert start.usability_score == 97.5  # 100 - (10 - 5) / 2

    ask = steps["ska-du-kora"]
    assert (ask.reached, ask.completed, ask.back_navigations) == (1, 1, 0)
    assert ask.time.median_seconds == 25.0  # 20 s, then 5 s after coming back
    assert (ask.validation_errors, ask.sessions_with_errors, ask.error_rate) == (1, 1, 100.0)
    assert [e.model_dump() for e in ask.errors_by_field] == [
        {"field_id": "forare", "message": "Välj om du själv ska köra bilen", "count": 1}
    ]
    assert ask.usability_score == 40.0  # 100 - 0.5 * 100 - 10

    passenger = steps["passagerare"]
    assert (passenger.reached, passenger.completed, passenger.back_navigations) == (1, 0, 1)
    assert (passenger.drop_off, passenger.time.median_seconds) == (0, 10.0)

    assert (steps["korkort"].completed, steps["korkort"].time.median_seconds) == (1, 20.0)

    last = steps["gangformaga"]
    assert (last.reached, last.completed, last.drop_off, last.drop_off_rate) == (1, 0, 1, 100.0)
    assert last.time.median_seconds == 30.0
    assert last.usability_score == 0.0

    never = steps["varaktighet"]
    assert never.reached == 0 and never.suppressed and never.completed is None


def test_steps_come_in_the_journeys_order(db: Database, link: ShareLink) -> None:
    one_session(db, link)
    ids = [m.step_id for m in step_metrics(db, version_id=link.version_id, min_sessions=1)]
    version = get_version(db, link.version_id)
    assert version is not None
    assert ids == [s.id for s in version.journey().steps]


def test_one_session_summary_and_funnel(db: Database, link: ShareLink) -> None:
    one_session(db, link)
    summary = version_summary(db, version_id=link.version_id, min_sessions=1)
    assert (summary.sessions, summary.completed, summary.abandoned) == (1, 0, 1)
    assert (summary.in_progress, summary.completion_rate) == (0, 0.0)
    assert (summary.task.sessions, summary.task.succeeded, summary.task.success_rate) == (1, 0, 0.0)
    assert summary.time_on_task.suppressed  # nobody completed
    assert summary.usability_score == 0.0
    assert summary.main_path == PASSENGER

    steps = funnel(db, version_id=link.version_id, min_sessions=1)
    # start, ska-du-kora, passagerare and gangformaga were viewed in the planned order.
    assert [s.sessions for s in steps[:5]] == [1, 1, 1, 1, 0]
    assert steps[3].step_id == "gangformaga" and steps[4].dropped == 1
    assert steps[4].percent_of_start == 0.0 and steps[1].percent_of_previous == 100.0


# --- everybody gives up on the first step ---------------------------------------------------


def test_all_abandon_at_step_one(db: Database, link: ShareLink) -> None:
    for seconds in (8, 10, 12, 14, 16):
        Tester(db, link).view("start").abandon(after=seconds)
    steps = by_step(step_metrics(db, version_id=link.version_id))
    start = steps["start"]
    assert (start.reached, start.completed, start.drop_off, start.drop_off_rate) == (5, 0, 5, 100.0)
    assert start.time.median_seconds == 12.0
    assert start.time.p90_seconds == 15.2  # 14 + 0.6 * (16 - 14)
    assert start.usability_score == 0.0
    for step_id in PASSENGER[1:]:
        assert steps[step_id].reached == 0 and steps[step_id].suppressed

    steps = funnel(db, version_id=link.version_id)
    assert [s.sessions for s in steps[:3]] == [5, 0, 0]
    assert (steps[1].dropped, steps[1].percent_of_previous) == (5, 0.0)

    summary = version_summary(db, version_id=link.version_id)
    assert (summary.sessions, summary.abandoned, summary.completion_rate) == (5, 5, 0.0)
    assert summary.usability_score == 0.0


# --- a branch nobody takes ------------------------------------------------------------------


def drivers(db: Database, link: ShareLink, n: int = 5) -> list[Tester]:
    """``n`` drivers with a licence who walk the whole journey, 10 s a step, and succeed."""
    return [
        Tester(db, link).walk(DRIVER, every=10).complete(task_success=True, after=5)
        for _ in range(n)
    ]


def test_a_branch_not_taken_is_reached_by_nobody(db: Database, link: ShareLink) -> None:
    drivers(db, link)
    steps = by_step(step_metrics(db, version_id=link.version_id))
    assert steps["passagerare"].reached == 0 and steps["passagerare"].suppressed
    assert (steps["korkort"].reached, steps["korkort"].completed) == (5, 5)
    assert steps["korkort"].time.median_seconds == 10.0
    last = steps["fornya"]
    assert (last.completed, last.drop_off, last.time.median_seconds) == (5, 0, 5.0)

    planned = funnel(db, version_id=link.version_id)
    assert [s.step_id for s in planned] == PASSENGER
    assert [s.sessions for s in planned[:4]] == [5, 5, 0, 0]  # the funnel waits at passagerare

    common = funnel(db, version_id=link.version_id, along="common")
    assert [s.step_id for s in common] == DRIVER
    assert {s.sessions for s in common} == {5}

    summary = version_summary(db, version_id=link.version_id)
    assert (summary.completed, summary.completion_rate) == (5, 100.0)
    assert (summary.task.sessions, summary.task.success_rate) == (5, 100.0)
    assert summary.time_on_task.median_seconds == 165.0  # 16 steps of 10 s, then 5 s


def test_time_on_task_follows_late_events(db: Database, link: ShareLink) -> None:
    testers = drivers(db, link)
    assert version_summary(db, version_id=link.version_id).time_on_task.median_seconds == 165
    for tester in testers:  # the outbox had a view from a minute before the first one
        tester.clock = T0 - dt.timedelta(seconds=60)
        tester.send([("screen_viewed", "start", 0)])
    time = version_summary(db, version_id=link.version_id).time_on_task
    assert (time.sessions, time.median_seconds) == (5, 225.0)


def test_funnel_along_given_steps(db: Database, link: ShareLink) -> None:
    drivers(db, link)
    steps = funnel(db, version_id=link.version_id, along=["start", "korkort", "skickad"])
    assert [(s.step_id, s.sessions) for s in steps] == [
        ("start", 5),
        ("korkort", 5),
        ("skickad", 5),
    ]


# --- small numbers --------------------------------------------------------------------------


def test_figures_from_fewer_than_k_sessions_are_suppressed(db: Database, link: ShareLink) -> None:
    drivers(db, link, n=4)
    steps = step_metrics(db, version_id=link.version_id)
    assert all(m.suppressed and m.reached is None for m in steps)
    assert all(m.time.median_seconds is None and m.time.suppressed for m in steps)
    summary = version_summary(db, version_id=link.version_id)
    assert summary.suppressed and summary.sessions is None and summary.completion_rate is None
    assert summary.usability_score is None
    assert all(s.sessions is None and s.suppressed for s in funnel(db, version_id=link.version_id))

    drivers(db, link, n=1)  # the fifth
    steps = by_step(step_metrics(db, version_id=link.version_id))
    assert steps["start"].reached == 5 and not steps["start"].suppressed
    assert not version_summary(db, version_id=link.version_id).suppressed


def test_each_figure_has_its_own_base(db: Database, link: ShareLink) -> None:
    testers = drivers(db, link, n=5)
    for tester, rating in zip(testers[:2], (4, 5), strict=True):
        tester.rate("start", rating)
    still_there = Tester(db, link).view("start")  # no time on start yet: still reading it
    steps = by_step(step_metrics(db, version_id=link.version_id))
    start = steps["start"]
    assert start.reached == 6 and not start.suppressed
    assert start.time.sessions == 5 and start.time.median_seconds == 10.0
    assert start.ratings.suppressed and start.ratings.mean is None  # only two rated
    assert start.drop_off == 1  # the open session stands on it
    assert still_there.step == "start"


def test_a_small_age_band_is_suppressed(db: Database, version: Version) -> None:
    link = share(db, version, allow_under_13=True)
    drivers(db, link, n=5)
    Tester(db, link, age_band="under-13").walk(DRIVER).complete(task_success=True)
    young = step_metrics(db, version_id=version.id, age_band="under-13")
    assert all(m.suppressed and m.reached is None for m in young)
    teens = by_step(step_metrics(db, version_id=version.id, age_band="16-17"))
    assert teens["start"].reached == 5
    everyone = by_step(step_metrics(db, version_id=version.id))
    assert everyone["start"].reached == 6
    assert version_summary(db, version_id=version.id, age_band="under-13").sessions is None


def test_per_share_link(db: Database, version: Version) -> None:
    first, second = share(db, version, seed=1), share(db, version, task=False, seed=2)
    drivers(db, first, n=5)
    for _ in range(5):
        Tester(db, second).view("start").error("x", "Fel", after=2).abandon(after=10)
    one = by_step(step_metrics(db, version_id=version.id, share_code=first.code))
    two = by_step(step_metrics(db, version_id=version.id, share_code=second.code.upper()))
    assert (one["start"].reached, one["start"].drop_off) == (5, 0)
    assert (two["start"].reached, two["start"].drop_off) == (5, 5)
    assert one["start"].errors_by_field == []
    assert [(e.field_id, e.count) for e in two["start"].errors_by_field] == [("x", 5)]
    summary = version_summary(db, version_id=version.id, share_code=second.code)
    assert summary.task.sessions is None and summary.task.suppressed  # that link had no task
    assert summary.usability_score == 0.0  # completion rate 0 without a task


# --- ratings, comments, SEQ, SUS ------------------------------------------------------------


def test_ratings_seq_and_comments_per_step(db: Database, link: ShareLink) -> None:
    testers = drivers(db, link)
    for tester, rating in zip(testers, (1, 2, 4, 5, 5), strict=True):
        tester.rate("korkort", rating).seq(6, step_id="korkort")
    first = testers[0].comment("korkort", "Ring mig på 070-123 45 67")
    testers[1].comment("korkort", "Otydlig fråga")
    hide_comment(db, first, now=T0)

    korkort = by_step(step_metrics(db, version_id=link.version_id))["korkort"]
    assert korkort.ratings.model_dump() == {
        "sessions": 5,
        "count": 5,
        "mean": 3.4,
        "distribution": {1: 1, 2: 1, 3: 0, 4: 1, 5: 2},
        "suppressed": False,
    }
    assert (korkort.seq.sessions, korkort.seq.mean) == (5, 6.0)
    assert korkort.comments == 1  # the hidden one does not count

    shown = step_comments(db, version_id=link.version_id, step_id="korkort")
    assert [c.text for c in shown] == ["Otydlig fråga"]
    everything = step_comments(
        db, version_id=link.version_id, step_id="korkort", include_hidden=True
    )
    assert [c.hidden for c in everything] == [True, False]
    assert "070" not in everything[0].text  # masked when stored


def test_sus_mean_and_t_interval(db: Database, link: ShareLink) -> None:
    for tester, score in zip(drivers(db, link), (50, 60, 70, 80, 90), strict=True):
        tester.sus(sus_answers(score)).seq(5)
    summary = version_summary(db, version_id=link.version_id)
    sus = summary.sus
    assert (sus.sessions, sus.mean, sus.sd) == (5, 70.0, 15.81)
    # 70 ± t(0.975, 4) · 15.811 / √5 = 70 ± 2.7764 · 7.0711 = 70 ± 19.63
    assert (sus.ci_low, sus.ci_high) == (50.4, 89.6)
    assert sus.scores == [50.0, 60.0, 70.0, 80.0, 90.0]
    assert (summary.seq.sessions, summary.seq.mean) == (5, 5.0)


def test_sus_interval_stays_within_the_scale(db: Database, link: ShareLink) -> None:
    for tester, score in zip(drivers(db, link), (100, 100, 100, 100, 50), strict=True):
        tester.sus(sus_answers(score))
    sus = version_summary(db, version_id=link.version_id).sus
    assert sus.mean == 90.0 and sus.ci_high == 100.0 and sus.ci_low is not None


# --- changes from the summary, late and withdrawn data --------------------------------------


def test_changes_from_the_summary(db: Database, link: ShareLink) -> None:
    tester = Tester(db, link).walk(DRIVER[:10])  # up to kontrollera-svar
    tester.change("gangformaga", "gangstracka", after=10)
    tester.view("kontrollera-svar", after=10).view("skickad", after=10)
    steps = by_step(step_metrics(db, version_id=link.version_id, min_sessions=1))
    assert steps["gangformaga"].changes_from_summary == 1
    assert steps["gangformaga"].time.median_seconds == 20.0  # 10 s + 10 s
    summary_page = steps["kontrollera-svar"]
    assert (summary_page.completed, summary_page.time.median_seconds) == (1, 20.0)


def test_events_sent_late_and_out_of_order_count_the_same(db: Database, version: Version) -> None:
    first, second = share(db, version, seed=1), share(db, version, seed=2)
    script = [
        ("screen_viewed", "start", 0),
        ("submitted", "start", 10),
        ("screen_viewed", "ska-du-kora", 10),
        ("submitted", "ska-du-kora", 30),
        ("screen_viewed", "korkort", 30),
        ("abandoned", "korkort", 45),
    ]
    Tester(db, first).send(script)
    Tester(db, second).send(script[::-1])  # an outbox emptied backwards, after the fact
    in_order = step_metrics(db, version_id=version.id, share_code=first.code, min_sessions=1)
    backwards = step_metrics(db, version_id=version.id, share_code=second.code, min_sessions=1)
    assert in_order == backwards
    assert by_step(in_order)["ska-du-kora"].time.median_seconds == 20.0
    assert by_step(in_order)["korkort"].drop_off == 1


def test_figures_follow_new_events_and_rebuild_gives_the_same(
    db: Database, link: ShareLink
) -> None:
    drivers(db, link, n=5)
    before = by_step(step_metrics(db, version_id=link.version_id))["start"].reached
    for _ in range(5):
        Tester(db, link).view("start").abandon(after=3)
    after = step_metrics(db, version_id=link.version_id)
    assert before == 5 and by_step(after)["start"].reached == 10
    rebuild_metrics(db)
    assert step_metrics(db, version_id=link.version_id) == after


def test_kept_medians_go_when_the_times_change_even_if_their_number_does_not(
    db: Database, link: ShareLink
) -> None:
    testers = [Tester(db, link).view("start").view("ska-du-kora", after=30) for _ in range(5)]
    assert by_step(step_metrics(db, version_id=link.version_id))["start"].time.median_seconds == 30
    kept = db.execute("select step_id, timed from metrics_quantiles order by step_id").fetchall()
    assert kept == [("start", 5)]
    for tester in testers:  # late from the outbox: they had left start after 10 s already
        tester.clock = T0
        tester.send([("back", "start", 10)])
    start = by_step(step_metrics(db, version_id=link.version_id))["start"]
    assert (start.time.sessions, start.time.median_seconds) == (5, 10.0)


def test_only_the_steps_whose_times_changed_are_taken_again(db: Database, link: ShareLink) -> None:
    walk = ["start", "ska-du-kora", "korkort", "gangformaga"]
    testers = [Tester(db, link).walk(walk, every=10) for _ in range(5)]
    step_metrics(db, version_id=link.version_id)
    kept = {r[0] for r in db.execute("select step_id from metrics_quantiles")}
    assert kept == {"start", "ska-du-kora", "korkort"}  # gangformaga has no time yet
    for tester in testers:  # back to korkort for 30 s more
        tester.back("korkort", after=20).view("gangformaga", after=30)
    feedback.refresh_metrics(db)
    kept = {r[0] for r in db.execute("select step_id from metrics_quantiles")}
    assert kept == {"start", "ska-du-kora"}
    steps = by_step(step_metrics(db, version_id=link.version_id))
    assert steps["korkort"].time.median_seconds == 40.0
    assert steps["start"].time.median_seconds == 10.0


def test_a_tester_who_comes_back_is_no_longer_a_drop_off(db: Database, link: ShareLink) -> None:
    testers = [Tester(db, link).walk(["start", "ska-du-kora"]) for _ in range(5)]
    feedback.mark_abandoned(db, idle=dt.timedelta(minutes=30), now=T0 + dt.timedelta(hours=1))
    assert by_step(step_metrics(db, version_id=link.version_id))["ska-du-kora"].drop_off == 5
    for tester in testers:
        tester.clock = T0 + dt.timedelta(hours=2)
        tester.view("korkort")
    steps = by_step(step_metrics(db, version_id=link.version_id))
    assert steps["ska-du-kora"].drop_off == 0 and steps["ska-du-kora"].completed == 5
    assert steps["korkort"].drop_off == 5  # open sessions stand on korkort now


def test_withdrawal_erases_the_sessions_figures(db: Database, link: ShareLink) -> None:
    testers = drivers(db, link, n=6)
    step_metrics(db, version_id=link.version_id)  # derive them
    assert feedback.withdraw(db, testers[0].session.withdrawal_code, now=T0)
    assert db.execute("select count(*) from metrics_quantiles").fetchone()[0] == 0
    for table in ("metrics_sessions", "metrics_steps", "metrics_dirty"):
        found = db.execute(
            f"select count(*) from {table} where session_id = ?", [testers[0].id]
        ).fetchone()[0]
        assert found == 0, table
    assert by_step(step_metrics(db, version_id=link.version_id))["start"].reached == 5
    totals = db.execute(
        "select sum(reached) from metrics_step_totals where step_id = 'start'"
    ).fetchone()[0]
    assert totals == 5


def recount(db: Database) -> tuple[list[tuple], list[tuple]]:
    """The totals as kept, and as counted again from the derived rows."""
    steps = (
        "select version_id, share_code, age_band, step_id, sum(views > 0), sum(went_on), "
        "sum(dropped), sum(backs), sum(changes), sum(errors), sum(errors > 0), "
        "sum(seconds is not null) from metrics_steps group by 1, 2, 3, 4 order by 1, 2, 3, 4"
    )
    sessions = (
        "select version_id, share_code, age_band, count(*), sum(outcome is 'completed'), "
        "sum(outcome is 'abandoned'), "
        "sum(has_task and coalesce(outcome in ('completed', 'abandoned'), 0)), "
        "sum(has_task and coalesce(outcome in ('completed', 'abandoned'), 0) "
        "and task_success is 1), "
        "sum(task_seconds is not null) from metrics_sessions group by 1, 2, 3 order by 1, 2, 3"
    )
    # A withdrawal can leave rows of zeros behind (they add nothing; a refresh drops them).
    kept_steps = "select * from metrics_step_totals where reached or timed or went_on " + (
        "or dropped or backs or changes or errors order by 1, 2, 3, 4"
    )
    kept_sessions = "select * from metrics_session_totals where sessions order by 1, 2, 3"
    ratings = (
        "select r.version_id, ts.share_code, ts.age_band, r.step_id, "
        "count(distinct r.session_id), count(*), sum(rating), sum(rating * rating), "
        "sum(rating = 1), sum(rating = 2), sum(rating = 3), sum(rating = 4), sum(rating = 5) "
        "from ratings r join test_sessions ts on ts.id = r.session_id "
        "group by 1, 2, 3, 4 order by 1, 2, 3, 4"
    )
    kept_ratings = "select * from metrics_rating_totals where ratings order by 1, 2, 3, 4"
    errors = (
        "select e.version_id, ts.share_code, ts.age_band, e.step_id, "
        "coalesce(e.field_id, ''), e.detail, count(*) from events e "
        "join test_sessions ts on ts.id = e.session_id where e.kind = 'validation_error' "
        "group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6"
    )
    kept_errors = "select * from metrics_error_totals where errors order by 1, 2, 3, 4, 5, 6"
    return (
        [db.execute(q).fetchall() for q in (kept_steps, kept_sessions, kept_ratings, kept_errors)],
        [db.execute(q).fetchall() for q in (steps, sessions, ratings, errors)],
    )


def test_totals_always_equal_a_recount(db: Database, version: Version) -> None:
    links = [share(db, version, seed=n) for n in range(2)]
    testers = [
        Tester(db, links[n % 2], age_band=("16-17", "30-49")[n % 3 % 2]).walk(DRIVER[: 3 + n])
        for n in range(8)
    ]
    testers[0].complete(task_success=False)
    testers[1].error("har-korkort", "Välj", after=3).abandon(after=4)
    for n, tester in enumerate(testers):
        tester.rate("start", 1 + n % 5).error("x", f"Fel {n % 2}")
    testers[5].rate("start", 2)  # the same step rated again: still one session
    feedback.refresh_metrics(db)
    kept, counted = recount(db)
    assert kept == counted
    assert (sum(row[4] for row in kept[2]), sum(row[5] for row in kept[2])) == (8, 9)
    feedback.mark_abandoned(db, idle=dt.timedelta(minutes=5), now=T0 + dt.timedelta(hours=1))
    testers[2].clock = T0 + dt.timedelta(hours=2)
    testers[2].view("gangformaga")  # came back
    assert feedback.withdraw(db, testers[3].session.withdrawal_code, now=T0)
    assert feedback.withdraw(db, testers[5].session.withdrawal_code, now=T0)
    kept, counted = recount(db)  # withdrawal takes a session's rows away at once
    assert kept == counted
    db.execute("delete from test_sessions where id = ?", [testers[4].id])  # the rest cascades
    kept, counted = recount(db)
    assert kept == counted
    feedback.refresh_metrics(db)
    kept, counted = recount(db)
    assert kept == counted
    assert sum(row[3] for row in kept[1]) == 5


# --- comparing versions ---------------------------------------------------------------------


def test_compare_versions_step_by_step(db: Database, version: Version) -> None:
    for _ in range(5):
        Tester(db, share(db, version, seed=_)).view("start").abandon(after=10)
    text = EXAMPLE.read_text(encoding="utf-8").replace("utan-korkort", "inget-korkort")
    newer = publish_example(db, text=text, now=T0 + dt.timedelta(days=1))
    for n in range(5):
        tester = Tester(db, share(db, newer, seed=10 + n)).view("start")
        tester.view("ska-du-kora", after=10).abandon(after=10)

    result = {
        c.step_id: c
        for c in compare_versions(
            db, journey_id="parkeringstillstand", old_version_id=version.id, new_version_id=newer.id
        )
    }
    assert result["inget-korkort"].status == "added"
    assert result["utan-korkort"].status == "removed"
    start = {m.metric: m for m in result["start"].metrics}
    went_on = start["went_on_rate"]
    assert (went_on.old, went_on.new, went_on.delta) == (0.0, 100.0, 100.0)
    assert (went_on.old_n, went_on.new_n, went_on.verdict) == (5, 5, "better")
    assert start["drop_off_rate"].verdict == "better"
    assert start["median_seconds"].verdict == "same"  # 10 s in both
    assert start["rating_mean"].verdict is None  # nobody rated
    asked = {m.metric: m for m in result["ska-du-kora"].metrics}
    assert asked["went_on_rate"].old is None and asked["went_on_rate"].verdict is None


def test_compare_refuses_versions_of_another_journey(db: Database, version: Version) -> None:
    with pytest.raises(MetricsError, match="inte av 'trygghetslarm'"):
        compare_versions(
            db, journey_id="trygghetslarm", old_version_id=version.id, new_version_id=version.id
        )


# --- wrong selections -----------------------------------------------------------------------


def test_unknown_version_share_link_and_age_band(db: Database, link: ShareLink) -> None:
    with pytest.raises(VersionNotFound):
        step_metrics(db, version_id="parkeringstillstand-v9")
    other = share(db, publish_example(db, text=EXAMPLE.read_text().replace("10 minuter", "5")))
    with pytest.raises(MetricsError, match="hör inte till"):
        step_metrics(db, version_id=link.version_id, share_code=other.code)
    with pytest.raises(MetricsError, match="Åldersgruppen"):
        step_metrics(db, version_id=link.version_id, age_band="12-14")


# --- the statistics on their own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.7062),
        (0.975, 2, 4.3027),
        (0.975, 3, 3.1824),
        (0.975, 4, 2.7764),
        (0.975, 5, 2.5706),
        (0.975, 10, 2.2281),
        (0.975, 30, 2.0423),
        (0.975, 120, 1.9799),
        (0.95, 5, 2.0150),
        (0.995, 10, 3.1693),
        (0.975, math.inf, 1.9600),
        (0.025, 10, -2.2281),
        (0.5, 7, 0.0),
    ],
)
def test_t_quantile_matches_the_tables(p: float, df: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        t_quantile(1.0, 5)
    with pytest.raises(ValueError):
        t_quantile(0.975, 0)


def test_mean_interval() -> None:
    values = [50, 60, 70, 80, 90]
    mean, sd, low, high = mean_interval(5, sum(values), sum(v * v for v in values))
    assert (mean, sd) == (70.0, pytest.approx(statistics.stdev(values)))
    assert (low, high) == (pytest.approx(50.368, abs=1e-3), pytest.approx(89.632, abs=1e-3))
    assert mean_interval(1, 70, 4900) == (70.0, None, None, None)


def test_percentiles_interpolate_like_statistics_quantiles(db: Database, link: ShareLink) -> None:
    seconds = [3, 41, 7, 19, 5, 11, 29, 2, 13]
    for s in seconds:
        Tester(db, link).view("start").view("ska-du-kora", after=s)
    start = by_step(step_metrics(db, version_id=link.version_id))["start"]
    cuts = statistics.quantiles(seconds, n=10, method="inclusive")
    assert start.time.median_seconds == statistics.median(seconds)
    assert start.time.p90_seconds == pytest.approx(cuts[8])


def test_screen_usability_score_follows_its_formula() -> None:
    assert screen_usability_score(0, 0, 5) == 100.0
    assert screen_usability_score(10, 20, 15) == 75.0  # 100 - 10 - 10 - 5
    assert screen_usability_score(0, 0, 60) == 90.0  # time costs at most 10
    assert screen_usability_score(90, 100, 30) == 0.0  # never below 0
    assert journey_usability_score(80, [90, 70]) == 60.0  # 80 - mean(10, 30)
    assert journey_usability_score(80, []) is None
