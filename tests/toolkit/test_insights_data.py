"""The data behind the heat view: colours that stay readable, small numbers never shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from feedback import (
    FieldErrors,
    FunnelStep,
    MetricComparison,
    RatingFigures,
    SeqFigures,
    StepComment,
    StepComparison,
    StepMetrics,
    TimeFigures,
)
from journeys import read_file
from toolkit.app.insightsdata import (
    MEASURES,
    SCALE,
    build_heat_map,
    compare_rows,
    contrast_ratio,
    funnel_bars,
    legend,
    notes_per_step,
    readable_text,
    step_insights_detail,
    step_rows,
    summary_figures,
    suppressed_text,
    verdict_counts,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "journeys" / "examples"


@pytest.fixture(scope="module")
def parkering():
    journey = read_file(EXAMPLES / "parkeringstillstand.yaml").journey
    assert journey is not None
    return journey


def metrics(
    step_id: str,
    *,
    reached: int = 10,
    drop: float = 10.0,
    errors: float = 0.0,
    rating: float | None = 4.0,
    seconds: float | None = 20.0,
    comments: int = 0,
    suppressed: bool = False,
    fields: list[FieldErrors] | None = None,
) -> StepMetrics:
    hide = suppressed
    return StepMetrics(
        step_id=step_id,
        title=step_id,
        kind="screen",
        in_journey=True,
        reached=None if hide else reached,
        completed=None if hide else reached - 1,
        drop_off=None if hide else 1,
        drop_off_rate=None if hide else drop,
        back_navigations=None if hide else 0,
        changes_from_summary=None if hide else 0,
        validation_errors=None if hide else 3,
        sessions_with_errors=None if hide else 2,
        error_rate=None if hide else errors,
        errors_by_field=[] if hide else (fields or []),
        time=TimeFigures(
            sessions=None if hide else reached,
            median_seconds=None if hide else seconds,
            p90_seconds=None if hide else seconds,
            suppressed=hide,
        ),
        ratings=RatingFigures(
            sessions=None if hide else 6,
            count=None if hide else 6,
            mean=None if hide else rating,
            distribution=None,
            suppressed=hide,
        ),
        seq=SeqFigures(sessions=None, count=None, mean=None, suppressed=True),
        comments=None if hide else comments,
        usability_score=None if hide else 80.0,
        suppressed=hide,
    )


def cards(lanes):
    return {c.id: c for lane in lanes for cell in lane.cells for c in cell.cards}


def test_every_scale_colour_and_no_data_grey_has_aa_readable_text() -> None:
    for colour in (*SCALE, "#e8e8e8"):
        assert contrast_ratio(colour, readable_text(colour)) >= 4.5, colour
    for entry in legend("drop_off"):
        assert contrast_ratio(entry.background, entry.foreground) >= 4.5


def test_the_worst_step_is_darkest_and_the_best_palest(parkering) -> None:
    first, second = parkering.steps[0].id, parkering.steps[1].id
    _, lanes = build_heat_map(
        parkering,
        [metrics(first, drop=40.0), metrics(second, drop=0.0)],
        measure="drop_off",
    )
    found = cards(lanes)
    assert found[first].background == SCALE[-1]
    assert found[second].background == SCALE[0]
    assert found[first].value_text == "40 %"
    assert found[first].foreground == "#ffffff"


def test_rating_colours_low_ratings_as_bad(parkering) -> None:
    first, second = parkering.steps[0].id, parkering.steps[1].id
    _, lanes = build_heat_map(
        parkering, [metrics(first, rating=1.5), metrics(second, rating=5.0)], measure="rating"
    )
    found = cards(lanes)
    assert SCALE.index(found[first].background) > SCALE.index(found[second].background)
    assert found[first].value_text == "1,5 / 5"


def test_a_step_with_too_few_sessions_shows_no_figure_only_the_reason(parkering) -> None:
    first = parkering.steps[0].id
    for measure in ("drop_off", "errors", "rating", "time"):
        _, lanes = build_heat_map(parkering, [metrics(first, suppressed=True)], measure=measure)
        card = cards(lanes)[first]
        assert card.suppressed
        assert card.value_text == "för få svar (< 5)"
        assert card.reached_text == card.drop_off_text == "för få svar (< 5)"
        assert card.background == "#e8e8e8"


def test_notes_colour_by_workshop_notes_even_without_test_sessions(parkering) -> None:
    first = parkering.steps[0].id
    _, lanes = build_heat_map(parkering, [], measure="notes", notes={first: 3})
    card = cards(lanes)[first]
    assert card.value_text == "3"
    assert card.background == SCALE[-1]


def test_an_unknown_measure_names_the_ones_there_are(parkering) -> None:
    with pytest.raises(ValueError, match="drop_off, errors, rating, time, notes"):
        build_heat_map(parkering, [], measure="mood")
    assert MEASURES == ("drop_off", "errors", "rating", "time", "notes")


def test_step_detail_lists_failing_fields_worst_first_comments_and_notes() -> None:
    m = metrics(
        "forare",
        fields=[
            FieldErrors(field_id="a", message="Ange a", count=1),
            FieldErrors(field_id="forare", message="Välj om du själv ska köra bilen", count=4),
        ],
    )
    comment = StepComment(
        id="c1",
        step_id="forare",
        text="Otydligt",
        masked=False,
        at=dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC),
        tag="pain",
    )
    note = SimpleNamespace(step_id="forare", kind="idea", text="Förklara mer", votes=2)
    detail = step_insights_detail("forare", "Förare", m, [comment], [note])
    assert [f.field for f in detail.fields] == ["forare", "a"]
    assert detail.fields[0].count == 4
    assert detail.comments[0].tag_label == "Problem"
    assert detail.notes[0].kind_label == "Idé" and detail.notes[0].votes == 2
    assert any(f.label == "Avhopp" and f.value == "1 (10 %)" for f in detail.figures)


def test_a_suppressed_step_detail_hides_its_fields_but_keeps_comments_and_notes() -> None:
    comment = StepComment(
        id="c1", step_id="s", text="Hej", masked=False, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    detail = step_insights_detail("s", "S", metrics("s", suppressed=True), [comment], [])
    assert detail.suppressed and detail.fields == []
    assert detail.figures[0].value == suppressed_text()
    assert len(detail.comments) == 1


def test_funnel_bars_are_as_wide_as_the_share_of_starters() -> None:
    steps = [
        FunnelStep(
            position=1,
            step_id="a",
            title="A",
            sessions=10,
            percent_of_start=100.0,
            percent_of_previous=100.0,
            dropped=0,
            suppressed=False,
        ),
        FunnelStep(
            position=2,
            step_id="b",
            title="B",
            sessions=6,
            percent_of_start=60.0,
            percent_of_previous=60.0,
            dropped=4,
            suppressed=False,
        ),
    ]
    bars = funnel_bars(steps)
    assert [b.width for b in bars] == ["100.0%", "60.0%"]
    assert bars[1].dropped_text == "−4" and bars[1].percent_text == "60 %"
    assert bars[1].text == "6 sessioner · 60 % · 4 färre"
    hidden = funnel_bars([steps[0].model_copy(update={"sessions": None, "suppressed": True})])
    assert hidden[0].width == "0%" and hidden[0].text == "för få svar (< 5)"


def test_the_table_has_one_row_per_step_in_journey_order(parkering) -> None:
    first = parkering.steps[0].id
    rows = step_rows(parkering, [metrics(first, seconds=75.0)], notes={first: 2})
    assert [r.id for r in rows] == [s.id for s in parkering.steps]
    assert rows[0].time == "1 min 15 s" and rows[0].notes == 2
    assert rows[1].reached == "för få svar (< 5)"


def test_comparison_shows_old_new_change_bases_and_verdict() -> None:
    comparisons = [
        StepComparison(
            step_id="forare",
            title="Förare",
            status="both",
            metrics=[
                MetricComparison(
                    metric="error_rate",
                    old=40.0,
                    new=10.0,
                    delta=-30.0,
                    old_n=20,
                    new_n=25,
                    verdict="better",
                ),
                MetricComparison(
                    metric="median_seconds",
                    old=None,
                    new=12.0,
                    delta=None,
                    old_n=None,
                    new_n=25,
                    verdict=None,
                ),
            ],
        )
    ]
    rows = compare_rows(comparisons)
    assert (rows[0].old, rows[0].new, rows[0].delta) == ("40 %", "10 %", "−30 procentenheter")
    assert (rows[0].old_n, rows[0].new_n, rows[0].verdict_label) == ("20", "25", "bättre")
    assert rows[1].old == "för få svar (< 5)" and rows[1].verdict_label == "–"
    assert verdict_counts(rows) == {"better": 1, "worse": 0, "same": 0}


def test_notes_are_counted_per_step() -> None:
    notes = [
        SimpleNamespace(step_id="a"),
        SimpleNamespace(step_id="a"),
        SimpleNamespace(step_id="b"),
    ]
    assert notes_per_step(notes) == {"a": 2, "b": 1}


def test_the_downloads_follow_the_page_filters_except_the_comments() -> None:
    from toolkit.app.insightsdata import download_links

    links = download_links("resa-v2", share="abc234", age="80+")
    assert [c.label for c in links] == [
        "Steg (CSV för Excel)",
        "Kommentarer (CSV)",
        "Allt som JSON",
        "Faktiska resor (CJML)",
    ]
    assert [c.value for c in links] == [
        "/designer/results/resa-v2/steg.csv?share=abc234&age=80%2B",
        "/designer/results/resa-v2/kommentarer.csv",
        "/designer/results/resa-v2/resultat.json?share=abc234&age=80%2B",
        "/designer/results/resa-v2/resor.xml?share=abc234&age=80%2B",
    ]
    english = download_links("resa-v2", lang="en")
    assert english[0].label == "Steps (CSV for Excel)"
    assert english[0].value == "/designer/results/resa-v2/steg.csv"


def test_the_notice_after_a_reset_says_what_went_from_where() -> None:
    from feedback import ResetCounts
    from toolkit.app.insightsdata import reset_done_text

    counts = ResetCounts(sessions=3, events=15, ratings=2, seq_answers=1, comments=1)
    assert reset_done_text(counts, "Klass 9B", version=False) == (
        "Raderade 3 testsessioner, 15 händelser, 3 svar och 1 kommentar från länken Klass 9B."
    )
    assert reset_done_text(counts, "v1 – Test", version=True, lang="en") == (
        "Deleted 3 test sessions, 15 events, 3 answers and 1 comment from every link of "
        "version v1 – Test."
    )


def _summary(*, in_progress: int, task_rate: float | None) -> SimpleNamespace:
    return SimpleNamespace(
        suppressed=False,
        sessions=9,
        completed=6,
        abandoned=0,
        in_progress=in_progress,
        completion_rate=100.0,
        task=SimpleNamespace(suppressed=False, success_rate=task_rate),
        sus=SimpleNamespace(suppressed=True, mean=None),
    )


def test_the_completion_rate_says_how_many_sessions_are_still_in_progress() -> None:
    figures = {f.label: f for f in summary_figures(_summary(in_progress=3, task_rate=0.0))}
    assert figures["Pågår"].value == "3"
    assert figures["Slutförandegrad"].value == "100 % (3 pågår)"
    assert figures["Slutförandegrad"].hint == "Av avslutade sessioner; 3 pågår och räknas inte"
    english = {f.label: f for f in summary_figures(_summary(in_progress=3, task_rate=0.0), "en")}
    assert english["Completion rate"].value == "100 % (3 in progress)"
    done = {f.label: f for f in summary_figures(_summary(in_progress=0, task_rate=50.0))}
    assert done["Slutförandegrad"].value == "100 %"
    assert done["Slutförandegrad"].hint == "Av avslutade sessioner (slutförda + avbrutna)"


def test_task_success_without_a_success_step_is_a_dash_with_the_reason_not_zero() -> None:
    summary = _summary(in_progress=0, task_rate=0.0)
    missing = {f.label: f for f in summary_figures(summary, success_step_missing=True)}
    assert missing["Klarade uppgiften"].value == "–"
    assert missing["Klarade uppgiften"].hint == "Ingen slutpunkt vald för länken"
    measured = {f.label: f for f in summary_figures(summary)}
    assert measured["Klarade uppgiften"].value == "0 %"
