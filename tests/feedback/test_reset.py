"""Reset participant data: only the chosen share link's (or version's) testers go, with every
row they left; the figures afterwards are those of the testers left, as if re-derived."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

import feedback
from feedback import (
    FeedbackError,
    hide_comment,
    participant_data,
    rebuild_metrics,
    reset_participant_data,
    reset_selection,
    step_metrics,
    version_summary,
)
from prototypes import ShareLink, Version
from tests.feedback.metrics_data import (
    DRIVER,
    EXAMPLE,
    PASSENGER,
    T0,
    Tester,
    publish_example,
    share,
)

SESSION_ROWS = ("events", "ratings", "comments", "seq_answers", "sus_answers")
DERIVED = ("metrics_sessions", "metrics_steps")
SUMS = (
    "metrics_step_totals",
    "metrics_session_totals",
    "metrics_rating_totals",
    "metrics_error_totals",
)


def make_testers(db: Database, link: ShareLink, n: int, *, path: list[str]) -> list[Tester]:
    """``n`` testers who walk part of ``path``, fail once, rate, comment and answer."""
    made = []
    for i in range(n):
        tester = Tester(db, link, age_band="16-17" if i % 2 else "30-49")
        tester.walk(path[:3]).error("korkort", "Välj om du har körkort").walk(path[3:5])
        tester.rate("start", 1 + i % 5).seq(4 + i % 3).sus([3, 2] * 5)
        hide_comment(db, tester.comment("start", f"Kommentar {i}"), now=T0)
        if i % 3:
            tester.complete(task_success=True)
        else:
            tester.abandon()
        made.append(tester)
    return made


def figures(db: Database, version_id: str, share_code: str | None = None) -> list[dict]:
    """Every step's figures (min_sessions=1 so small test data shows)."""
    return [
        m.model_dump()
        for m in step_metrics(db, version_id=version_id, share_code=share_code, min_sessions=1)
    ]


def summary(db: Database, version_id: str, share_code: str | None = None) -> dict:
    found = version_summary(db, version_id=version_id, share_code=share_code, min_sessions=1)
    return found.model_dump()


def rows_of(db: Database, table: str, sessions: list[Tester]) -> int:
    ids = [t.id for t in sessions]
    marks = ", ".join("?" for _ in ids)
    return db.execute(
        f"select count(*) from {table} where session_id in ({marks})", ids
    ).fetchone()[0]


@pytest.fixture
def version(db: Database) -> Version:
    return publish_example(db)


@pytest.fixture
def klass(db: Database, version: Version) -> ShareLink:
    from prototypes import create_share_link

    return create_share_link(db, version.id, label="Klass 9B", created_by="anna", now=T0)


def test_resetting_a_link_deletes_its_testers_with_every_row_and_nothing_else(
    db: Database, version: Version, klass: ShareLink
) -> None:
    other = share(db, version, seed=2)
    gone = make_testers(db, klass, 4, path=DRIVER)
    kept = make_testers(db, other, 6, path=PASSENGER)
    step_metrics(db, version_id=version.id)  # the derived rows exist before the reset
    kept_rows = {table: rows_of(db, table, kept) for table in SESSION_ROWS + DERIVED}
    kept_figures = figures(db, version.id, other.code)
    kept_summary = summary(db, version.id, other.code)
    events = rows_of(db, "events", gone)

    selection = reset_selection(db, share_code=klass.code.upper())
    assert selection.label == "Klass 9B"
    preview = participant_data(db, selection)
    counts = reset_participant_data(db, selection)

    assert counts == preview
    assert (counts.sessions, counts.events, counts.comments) == (4, events, 4)
    assert (counts.ratings, counts.seq_answers, counts.sus_answers) == (4, 4, 4)
    assert counts.answers == 12
    for table in (*SESSION_ROWS, *DERIVED):
        assert rows_of(db, table, gone) == 0, table
        assert rows_of(db, table, kept) == kept_rows[table], table
    assert db.execute("select count(*) from comment_moderation").fetchone()[0] == 6
    for table in SUMS:
        left = db.execute(
            f"select count(*) from {table} where share_code = ?", [klass.code]
        ).fetchone()[0]
        assert left == 0, table
    # the link and the version are still there: printed QR codes keep working
    assert feedback.participant_data(db, selection).empty
    assert db.execute("select count(*) from share_links").fetchone()[0] == 2
    # the version's figures are now those of the other link alone, as it had before
    assert figures(db, version.id) == kept_figures
    assert summary(db, version.id) == kept_summary
    assert figures(db, version.id, other.code) == kept_figures


def test_figures_after_a_reset_equal_those_derived_again_from_the_events(
    db: Database, version: Version, klass: ShareLink
) -> None:
    other = share(db, version, seed=2)
    make_testers(db, klass, 5, path=DRIVER)
    make_testers(db, other, 7, path=PASSENGER)
    figures(db, version.id)
    reset_participant_data(db, reset_selection(db, share_code=klass.code))
    after = (figures(db, version.id), summary(db, version.id), figures(db, version.id, other.code))
    rebuild_metrics(db)
    again = (figures(db, version.id), summary(db, version.id), figures(db, version.id, other.code))
    assert after == again
    start = next(m for m in step_metrics(db, version_id=version.id) if m.step_id == "start")
    assert start.reached == 7 and start.ratings.sessions == 7


def test_resetting_a_version_leaves_other_versions_alone(
    db: Database, version: Version, klass: ShareLink
) -> None:
    other_link = share(db, version, seed=2)
    make_testers(db, klass, 3, path=DRIVER)
    make_testers(db, other_link, 2, path=DRIVER)
    text = EXAMPLE.read_text(encoding="utf-8").replace("utan-korkort", "inget-korkort")
    newer = publish_example(db, text=text)
    newer_link = share(db, newer, seed=3)
    kept = make_testers(db, newer_link, 5, path=PASSENGER)
    figures(db, version.id)
    before = figures(db, newer.id), summary(db, newer.id)

    selection = reset_selection(db, version_id=version.id)
    assert selection.share_code is None and selection.label.startswith("v1")
    counts = reset_participant_data(db, selection)

    assert counts.sessions == 5 and counts.comments == 5
    assert (
        db.execute(
            "select count(*) from test_sessions where version_id = ?", [version.id]
        ).fetchone()[0]
        == 0
    )
    for table in SUMS:
        left = db.execute(
            f"select count(*) from {table} where version_id = ?", [version.id]
        ).fetchone()[0]
        assert left == 0, table
    assert rows_of(db, "events", kept) > 0
    assert (figures(db, newer.id), summary(db, newer.id)) == before
    gone = summary(db, version.id)
    assert gone["sessions"] is None and gone["suppressed"]  # nobody left: no figures at all


def test_a_reset_of_an_untested_link_deletes_nothing(
    db: Database, version: Version, klass: ShareLink
) -> None:
    make_testers(db, share(db, version, seed=2), 2, path=DRIVER)
    counts = reset_participant_data(db, reset_selection(db, share_code=klass.code))
    assert counts.empty and counts.events == 0
    assert db.execute("select count(*) from test_sessions").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "Ange antingen en delningslänk"),
        ({"share_code": "abc", "version_id": "x"}, "inte båda"),
        ({"share_code": "zzzzzzzzzz"}, "Det finns ingen delningslänk med koden 'zzzzzzzzzz'"),
        ({"share_code": "l0l0"}, "går inte att använda"),
        ({"version_id": "finns-inte-v9"}, "Det finns ingen version 'finns-inte-v9'"),
    ],
)
def test_a_reset_without_a_clear_selection_is_refused_with_what_to_give(
    db: Database, version: Version, given: dict, message: str
) -> None:
    with pytest.raises(FeedbackError, match=message):
        reset_selection(db, **given)


def test_the_confirmation_says_what_goes_from_where_and_that_it_is_final(
    db: Database, version: Version, klass: ShareLink
) -> None:
    selection = reset_selection(db, share_code=klass.code)
    counts = feedback.ResetCounts(sessions=12, events=340)
    assert feedback.reset_message(selection, counts) == (
        "12 testsessioner och 340 händelser från länken Klass 9B raderas. Det går inte att ångra."
    )
    one = feedback.ResetCounts(sessions=1, events=1, ratings=2, comments=1)
    everything = reset_selection(db, version_id=version.id)
    assert feedback.reset_message(everything, one) == (
        "1 testsession och 1 händelse (med 2 svar och 1 kommentar) från alla länkar till "
        f"version {everything.label} raderas. Det går inte att ångra."
    )
    assert feedback.reset_message(selection, counts, lang="en") == (
        "12 test sessions and 340 events from the link Klass 9B will be deleted. "
        "This cannot be undone."
    )
