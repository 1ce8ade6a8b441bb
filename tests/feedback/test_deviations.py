"""CJML deviation classes: constructed paths of each class on the parking permit example."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from feedback import Visit, classify_path, deviations
from journeys import Journey, read_text
from tests.feedback.metrics_data import (
    DRIVER,
    EXAMPLE,
    PASSENGER,
    Tester,
    publish_example,
    share,
)


@pytest.fixture(scope="module")
def journey() -> Journey:
    document = read_text(EXAMPLE.read_text(encoding="utf-8"))
    assert document.journey is not None
    return document.journey


def kinds(found: list) -> list[tuple[str, str, int]]:
    return [(d.kind, d.step_id, d.position) for d in found]


def test_a_planned_path_has_no_deviations(journey: Journey) -> None:
    assert classify_path(journey, PASSENGER, outcome="completed") == []
    assert classify_path(journey, DRIVER, outcome="completed") == []


def test_a_reload_is_no_deviation(journey: Journey) -> None:
    assert classify_path(journey, ["start", "start", "ska-du-kora"]) == []


def test_a_step_not_in_the_journey_is_ad_hoc_and_the_way_back_is_not(journey: Journey) -> None:
    found = classify_path(journey, ["start", "hjalp", "ska-du-kora"])
    assert kinds(found) == [("ad_hoc", "hjalp", 1)]
    assert found[0].previous == "start"


def test_a_step_no_planned_path_leads_to_is_ad_hoc(journey: Journey) -> None:
    # From korkort (drivers) nothing leads to passagerare, and passagerare does not lead back.
    found = classify_path(journey, ["start", "ska-du-kora", "korkort", "passagerare"])
    assert kinds(found) == [("ad_hoc", "passagerare", 3)]


def test_going_back_is_irregular(journey: Journey) -> None:
    path = [
        Visit(step_id="start", left="forward"),
        Visit(step_id="ska-du-kora", left="back"),
        Visit(step_id="start", left="forward"),
        Visit(step_id="ska-du-kora", left="forward"),
        Visit(step_id="korkort"),
    ]
    assert kinds(classify_path(journey, path)) == [("irregular", "start", 2)]


def test_an_earlier_step_without_the_back_link_is_irregular_too(journey: Journey) -> None:
    found = classify_path(journey, ["start", "ska-du-kora", "passagerare", "ska-du-kora"])
    assert kinds(found) == [("irregular", "ska-du-kora", 3)]


def test_a_change_from_the_summary_is_irregular(journey: Journey) -> None:
    path = [*DRIVER[:9], ["kontrollera-svar", "change", 0], "gangformaga"]
    assert kinds(classify_path(journey, path)) == [("irregular", "gangformaga", 10)]


def test_a_skipped_step_is_missing(journey: Journey) -> None:
    found = classify_path(journey, ["start", "ska-du-kora", "korkort", "varaktighet"])
    assert kinds(found) == [("missing", "gangformaga", 3)]
    assert found[0].previous == "korkort"


def test_starting_later_misses_the_steps_before(journey: Journey) -> None:
    found = classify_path(journey, ["korkort", "gangformaga"])
    assert kinds(found) == [("missing", "start", 0), ("missing", "ska-du-kora", 0)]


def test_errors_without_progress_fail_the_step(journey: Journey) -> None:
    stuck = [["start", "forward", 0], ["ska-du-kora", "abandoned", 2]]
    assert kinds(classify_path(journey, stuck, outcome="abandoned")) == [
        ("failed", "ska-du-kora", 1)
    ]
    went_back = [["start", "forward", 0], ["ska-du-kora", "back", 1], ["start", None, 0]]
    assert kinds(classify_path(journey, went_back)) == [
        ("failed", "ska-du-kora", 1),
        ("irregular", "start", 2),
    ]


def test_errors_then_progress_are_not_a_failure(journey: Journey) -> None:
    path = [["start", "forward", 0], ["ska-du-kora", "reload", 1], ["ska-du-kora", "forward", 0]]
    assert classify_path(journey, [*path, "korkort"]) == []


def test_abandoning_fails_the_step_unless_the_journey_ends_there(journey: Journey) -> None:
    assert kinds(classify_path(journey, ["start", "ska-du-kora"], outcome="abandoned")) == [
        ("failed", "ska-du-kora", 1)
    ]
    ended = ["start", "ska-du-kora", "korkort", "utan-korkort"]  # an end: no licence
    assert classify_path(journey, ended, outcome="abandoned") == []
    assert classify_path(journey, ["start", "ska-du-kora"], outcome=None) == []  # still open


def test_deviations_counted_per_step(db: Database, journey: Journey) -> None:
    link = share(db, publish_example(db))
    for _ in range(3):
        Tester(db, link).walk(DRIVER).complete(task_success=True)
    lost = Tester(db, link).walk(["start", "ska-du-kora", "korkort"])
    lost.back("ska-du-kora", after=10).view("passagerare", after=5)
    lost.error("vanta-ensam", "Välj om du kan vänta ensam en kort stund", after=5).abandon(after=5)
    Tester(db, link).walk(["start", "varaktighet"]).abandon(after=20)
    Tester(db, link).walk(["start", "hjalp", "ska-du-kora"]).complete(after=10)

    counts = deviations(db, version_id=link.version_id)
    assert list(counts) == [*(s.id for s in journey.steps), "hjalp"]
    found = {
        step: {k: v for k, v in c.model_dump().items() if v and k not in ("sessions",)}
        for step, c in counts.items()
        if any(getattr(c, k) for k in ("ad_hoc", "irregular", "failed", "missing"))
    }
    assert found == {
        "ska-du-kora": {"irregular": 1, "missing": 1},
        "korkort": {"missing": 1},
        "gangformaga": {"missing": 1},
        "passagerare": {"failed": 1},
        "varaktighet": {"failed": 1},
        "hjalp": {"ad_hoc": 1},
    }
    assert counts["start"].sessions == 6


def test_deviations_are_suppressed_below_k(db: Database) -> None:
    link = share(db, publish_example(db))
    Tester(db, link).walk(["start", "hjalp"]).abandon()
    counts = deviations(db, version_id=link.version_id)
    assert all(c.suppressed and c.ad_hoc is None for c in counts.values())
    assert counts["hjalp"].sessions is None
