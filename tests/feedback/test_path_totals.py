"""Per-path sums (m006): the funnel and the deviations read sessions counted per distinct path,
kept as sessions are derived. Their figures must be exactly those of grouping every derived
session, whatever happened in between: new events that change a path, outcomes, withdrawals,
purges, resets and a rebuild."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pytest
from sqlite_utils import Database

import feedback
from feedback import metrics
from feedback.deviations import (
    DEVIATION_KINDS,
    PlannedGraph,
    deviations,
    find_deviations,
    visit_row,
)
from feedback.metrics import funnel, rebuild_metrics, scope, session_paths
from feedback.store import m006_path_totals
from prototypes import ShareLink, Version
from tests.feedback.metrics_data import (
    DRIVER,
    PASSENGER,
    T0,
    Tester,
    publish_example,
    share,
)

SELECTIONS: list[dict[str, Any]] = [{}, {"share": 0}, {"age_band": "16-17"}, {"share": 1}]


def grouped(db: Database, sc: metrics.Scope) -> list[tuple[Any, str | None, int]]:
    """The paths as read before m006: every derived session of the selection, grouped."""
    where, params = sc.derived()
    found = db.execute(
        f"select path, outcome, count(*) from metrics_sessions where {where} "
        "group by path, outcome order by count(*) desc, path, outcome",
        params,
    ).fetchall()
    return [(json.loads(path), outcome, n) for path, outcome, n in found]


def old_deviations(db: Database, sc: metrics.Scope) -> dict[str, Counter[str]]:
    """Deviation counts as worked out before m007: every path classified on every call."""
    journey = sc.version.journey()
    graph = PlannedGraph(journey)
    counts: dict[str, Counter[str]] = {s.id: Counter() for s in journey.steps}
    for path, outcome, n in grouped(db, sc):
        found = find_deviations(graph, [visit_row(v) for v in path], outcome)
        for step_id, kind in {(step_id, kind) for kind, step_id, _p, _b in found}:
            counts.setdefault(step_id, Counter())[kind] += n
    return counts


def check(db: Database, version: Version, links: list[ShareLink], monkeypatch) -> None:
    """Paths, funnel and deviations equal those from grouping the sessions, per selection."""
    for selection in SELECTIONS:
        choice = {
            "share_code": links[selection["share"]].code if "share" in selection else None,
            "age_band": selection.get("age_band"),
        }
        sc = scope(db, version_id=version.id, **choice)
        assert session_paths(db, sc) == grouped(db, sc), selection
        planned = funnel(db, version_id=version.id, min_sessions=1, **choice)
        common = funnel(db, version_id=version.id, along="common", min_sessions=1, **choice)
        found = deviations(db, version_id=version.id, min_sessions=1, **choice)
        steps = [f.step_id for f in planned]
        with monkeypatch.context() as m:
            m.setattr(metrics, "session_paths", grouped)
            # a list of steps walks every path in Python, as the planned funnel did before
            assert funnel(db, version_id=version.id, along=steps, min_sessions=1, **choice) == (
                planned
            ), selection
            assert (
                funnel(db, version_id=version.id, along="common", min_sessions=1, **choice)
                == common
            ), selection
        expected = old_deviations(db, sc)
        sessions = sum(n for *_, n in grouped(db, sc))
        assert set(found) == set(expected), selection
        for step_id, counts in found.items():
            assert counts.sessions == (sessions or None), selection  # none: suppressed
            for kind in DEVIATION_KINDS:
                want = expected[step_id][kind] if sessions else None
                assert getattr(counts, kind) == want, (selection, step_id)
    leftovers = db.execute("select count(*) from metrics_path_totals where sessions <= 0")
    assert leftovers.fetchone()[0] == 0


@pytest.fixture
def version(db: Database) -> Version:
    return publish_example(db)


def test_path_sums_follow_every_change_and_give_the_same_figures(
    db: Database, version: Version, monkeypatch
) -> None:
    links = [share(db, version), share(db, version, seed=2)]
    testers = []
    for i in range(12):
        tester = Tester(db, links[i % 2], age_band="16-17" if i % 3 else "30-49")
        tester.walk((DRIVER if i % 2 else PASSENGER)[: 3 + i % 4])
        if i % 4 == 0:
            tester.error("korkort", "Välj om du har körkort")
        testers.append(tester)
    for tester in testers[:4]:
        tester.complete(task_success=True)
    testers[4].abandon()
    check(db, version, links, monkeypatch)
    assert db.execute("select sum(sessions) from metrics_path_totals").fetchone()[0] == 12
    found = deviations(db, version_id=version.id, min_sessions=1).values()
    assert {k for c in found for k in DEVIATION_KINDS if getattr(c, k)} == {"failed"}
    # each distinct path was walked once and kept: nothing is left to classify
    distinct = db.execute("select count(distinct path) from metrics_path_totals").fetchone()[0]
    assert db.execute("select count(*) from metrics_path_depths").fetchone()[0] == distinct
    assert not metrics.unkept_paths(
        db, scope(db, version_id=version.id), "metrics_path_classes", outcome=True
    )

    # paths change while testing goes on: each session is derived again
    testers[5].back("start").view("ska-du-kora", after=5)
    testers[6].walk(DRIVER[3:6])
    testers[7].complete(task_success=False)
    for tester in testers[8:]:
        tester.view("start", after=2)  # a reload
    later = Tester(db, links[0], at=T0 + dt.timedelta(days=40)).walk(DRIVER[:2])
    check(db, version, links, monkeypatch)
    found = deviations(db, version_id=version.id, min_sessions=1).values()
    assert sum(c.irregular or 0 for c in found) > 0  # the back link

    # sessions go: withdrawal, purge, reset of a link
    assert feedback.withdraw(db, testers[9].session.withdrawal_code, now=T0)
    check(db, version, links, monkeypatch)
    assert feedback.purge_sessions(db, before=T0 + dt.timedelta(days=1), now=later.clock) == 11
    check(db, version, links, monkeypatch)
    assert db.execute("select sum(sessions) from metrics_path_totals").fetchone()[0] == 1
    for _ in range(3):
        Tester(db, links[1], at=later.clock).walk(PASSENGER[:4]).complete(task_success=True)
    feedback.reset_participant_data(db, feedback.reset_selection(db, share_code=links[0].code))
    check(db, version, links, monkeypatch)
    assert db.execute("select sum(sessions) from metrics_path_totals").fetchone()[0] == 3

    kept = db.execute("select * from metrics_path_totals order by 1, 2, 3, 4, 5").fetchall()
    rebuild_metrics(db)
    assert db.execute("select * from metrics_path_totals order by 1, 2, 3, 4, 5").fetchall() == kept


def test_a_database_derived_before_m006_gets_its_path_sums(db: Database, version: Version) -> None:
    link = share(db, version)
    for steps in (DRIVER[:3], DRIVER[:3], PASSENGER[:5]):
        Tester(db, link).walk(steps)
    feedback.step_metrics(db, version_id=version.id)
    expected = db.execute("select * from metrics_path_totals order by 2").fetchall()
    db.execute("delete from metrics_path_totals")
    db.execute("drop table metrics_path_totals")
    db.execute("drop trigger metrics_path_session_removing")
    m006_path_totals(db)
    assert db.execute("select * from metrics_path_totals order by 2").fetchall() == expected
    assert sorted(n for *_, n in expected) == [1, 2]
