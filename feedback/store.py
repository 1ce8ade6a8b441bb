"""The feedback package's tables, their migrations and the small helpers every module shares.

The caller opens the database (foreign keys on) and applies the journeys and prototypes
migrations first, then :data:`MIGRATIONS`: sessions refer to share links and versions.

Tables::

    test_sessions  id (pk, uuid), share_code (fk share_links), version_id (fk
                   prototype_versions), journey_id, consent_at, age_band, device, started_at,
                   completed_at, outcome (completed|abandoned), task_success (0/1),
                   withdrawal_code (unique), last_seen_at
                   indexes on version_id and share_code; last_seen_at of open sessions
    events         id (pk, client-made uuid), session_id (fk, cascade), version_id,
                   journey_id, share_code (copied from the session), kind, step_id, field_id,
                   detail (JSON), at
                   indexes (version_id, step_id, kind) and (session_id, at)
    ratings        id (pk), session_id (fk, cascade), version_id, step_id, rating (1-5), at
    comments       id (pk), session_id (fk, cascade), version_id, step_id, text (masked),
                   masked (0/1), at
    seq_answers    id (pk), session_id (fk, cascade), version_id, step_id, score (1-7), at
    sus_answers    id (pk), session_id (fk, cascade, unique), version_id, answers (JSON
                   list of 10), score, at

Added for the analysis (m002, see :mod:`feedback.metrics`)::

    comment_moderation  comment_id (pk, fk comments, cascade), hidden (0/1), tag
                        (pain|idea|question|praise), updated_at
    metrics_dirty       session_id (pk): sessions whose events or outcome changed since
                        their metrics rows were computed (kept by triggers)
    metrics_sessions    one row per session: version_id, share_code, age_band, outcome,
                        task_success, has_task, visits, first_at, task_seconds, last_step,
                        path (JSON [[step, left, errors], ...]), durations (JSON seconds)
    metrics_steps       one row per (session, step): views, seconds, went_on, dropped,
                        backs, changes, errors
    metrics_step_totals sums of metrics_steps per (version, share code, age band, step)
    metrics_quantiles   (m003) median and p90 of time on step per (version, share code or '',
                        age band or '', step; '' for time on task), kept until the times
                        they were taken from change
    metrics_session_totals (m003) sessions, completed, abandoned, task_ended,
                        task_succeeded, task_timed per (version, share code, age band)
    metrics_rating_totals (m004) sessions, ratings, total, squares, r1..r5 per (version,
                        share code, age band, step)
    metrics_error_totals  (m004) validation errors per (version, share code, age band, step,
                        field ('' for none), detail)
    metrics_path_totals   (m006) sessions per (version, path, outcome ('' when open), share
                        code, age band): what the funnel and the deviations read
    metrics_path_depths   (m007) per (version, path): how far along the planned path it got
    metrics_path_classes  (m007) per (version, path, outcome): its deviation classes as a
                        JSON list of [step, kind], kept once worked out
    feedback_changes      (m005) version_id, changes: a counter that every change to the
                        version's test data moves (for live pages; see change_count)

The metrics tables are derived from the events and can be rebuilt from them at any time
(:func:`feedback.metrics.rebuild_metrics`); erasing a session erases its rows there too.

Every row a citizen sends carries its own id and is stored with ``INSERT OR IGNORE``, so a
retry stores nothing twice. Times are stored as UTC ISO 8601 text with microseconds, so
text order is time order.

Writes run in ``BEGIN IMMEDIATE`` transactions (see :func:`write`): with one connection
per request on a WAL database, a transaction that reads first and writes later could fail
at once with "database is locked" when another connection wrote in between; taking the
write lock at the start lets the busy timeout do its work instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from journeys.store import write as write  # one write transaction for every package

MIGRATIONS = Migrations("feedback")
"""The feedback package's tables, in order. The toolkit applies them after prototypes'."""

SESSION_TABLES = ("events", "ratings", "comments", "seq_answers", "sus_answers")
"""Tables whose rows belong to one test session (erased with it)."""


class FeedbackError(ValueError):
    """What a citizen sent cannot be stored; the Swedish message says why. Nothing was stored."""


@MIGRATIONS()
def m001_create_sessions_and_feedback(db: Database) -> None:
    """Test sessions and everything a tester sends during one."""
    db.execute(
        """
        create table test_sessions (
            id text primary key,
            share_code text not null references share_links (code),
            version_id text not null references prototype_versions (id),
            journey_id text not null,
            consent_at text not null,
            age_band text not null,
            device text not null,
            started_at text not null,
            completed_at text,
            outcome text,
            task_success integer,
            withdrawal_code text not null unique,
            last_seen_at text not null
        )
        """
    )
    db.execute("create index test_sessions_version_id on test_sessions (version_id)")
    db.execute("create index test_sessions_share_code on test_sessions (share_code)")
    db.execute(
        "create index test_sessions_open_last_seen on test_sessions (last_seen_at) "
        "where outcome is null"
    )
    db.execute(
        """
        create table events (
            id text primary key,
            session_id text not null references test_sessions (id) on delete cascade,
            version_id text not null,
            journey_id text not null,
            share_code text not null,
            kind text not null,
            step_id text,
            field_id text,
            detail text not null default '{}',
            at text not null
        )
        """
    )
    db.execute("create index events_version_step_kind on events (version_id, step_id, kind)")
    db.execute("create index events_session_at on events (session_id, at)")
    db.execute(
        """
        create table ratings (
            id text primary key,
            session_id text not null references test_sessions (id) on delete cascade,
            version_id text not null,
            step_id text not null,
            rating integer not null check (rating between 1 and 5),
            at text not null
        )
        """
    )
    db.execute(
        """
        create table comments (
            id text primary key,
            session_id text not null references test_sessions (id) on delete cascade,
            version_id text not null,
            step_id text,
            text text not null,
            masked integer not null,
            at text not null
        )
        """
    )
    db.execute(
        """
        create table seq_answers (
            id text primary key,
            session_id text not null references test_sessions (id) on delete cascade,
            version_id text not null,
            step_id text,
            score integer not null check (score between 1 and 7),
            at text not null
        )
        """
    )
    db.execute(
        """
        create table sus_answers (
            id text primary key,
            session_id text not null unique
                references test_sessions (id) on delete cascade,
            version_id text not null,
            answers text not null,
            score real not null,
            at text not null
        )
        """
    )
    for table in ("ratings", "comments", "seq_answers"):
        db.execute(f"create index {table}_version_step on {table} (version_id, step_id)")
        db.execute(f"create index {table}_session on {table} (session_id)")
    db.execute("create index sus_answers_version on sus_answers (version_id)")


@MIGRATIONS()
def m002_metrics_and_moderation(db: Database) -> None:
    """Comment moderation, the derived metrics tables and the indexes the analysis reads.

    Step metrics must stay fast on a million events, which SQL over the events alone cannot
    do (time on step needs a window over every view of the version). So each session's
    figures are derived once into ``metrics_sessions`` and ``metrics_steps``, summed per
    step in ``metrics_step_totals``, and derived again only when the session changes:
    triggers put its id in ``metrics_dirty`` (one small insert per event) and
    :func:`feedback.metrics.refresh_metrics` catches up before any figure is read.
    Deleting a session (withdrawal, purge) deletes its derived rows in the same statement.
    """
    db.execute(
        """
        create table comment_moderation (
            comment_id text primary key references comments (id) on delete cascade,
            hidden integer not null default 0 check (hidden in (0, 1)),
            tag text check (tag in ('pain', 'idea', 'question', 'praise')),
            updated_at text not null
        )
        """
    )
    db.execute(
        """
        create trigger comment_moderation_gone after delete on comments
        begin
            delete from comment_moderation where comment_id = old.id;
        end
        """
    )
    db.execute("create table metrics_dirty (session_id text primary key) without rowid")
    db.execute(
        """
        create table metrics_sessions (
            session_id text primary key,
            version_id text not null,
            share_code text not null,
            age_band text not null,
            outcome text,
            task_success integer,
            has_task integer not null,
            visits integer not null,
            first_at text,
            task_seconds real,
            last_step text,
            path text not null,
            durations text not null
        ) without rowid
        """
    )
    db.execute(
        "create index metrics_sessions_version on metrics_sessions "
        "(version_id, share_code, age_band, outcome, task_success, has_task)"
    )
    db.execute(
        "create index metrics_sessions_path on metrics_sessions "
        "(version_id, path, outcome, share_code, age_band)"
    )
    db.execute(
        "create index metrics_sessions_task_time on metrics_sessions "
        "(version_id, task_seconds, share_code, age_band) where task_seconds is not null"
    )
    db.execute(
        """
        create table metrics_steps (
            session_id text not null,
            step_id text not null,
            version_id text not null,
            share_code text not null,
            age_band text not null,
            views integer not null,
            seconds real,
            went_on integer not null,
            dropped integer not null,
            backs integer not null,
            changes integer not null,
            errors integer not null,
            primary key (session_id, step_id)
        ) without rowid
        """
    )
    db.execute(
        "create index metrics_steps_time on metrics_steps "
        "(version_id, step_id, seconds, share_code, age_band) where seconds is not null"
    )
    db.execute(
        """
        create table metrics_step_totals (
            version_id text not null,
            share_code text not null,
            age_band text not null,
            step_id text not null,
            reached integer not null,
            went_on integer not null,
            dropped integer not null,
            backs integer not null,
            changes integer not null,
            errors integer not null,
            error_sessions integer not null,
            timed integer not null,
            primary key (version_id, share_code, age_band, step_id)
        ) without rowid
        """
    )
    db.execute(
        """
        create trigger metrics_event_added after insert on events
        begin
            insert or ignore into metrics_dirty (session_id) values (new.session_id);
        end
        """
    )
    db.execute(
        """
        create trigger metrics_event_removed after delete on events
        when exists (select 1 from test_sessions where id = old.session_id)
        begin
            insert or ignore into metrics_dirty (session_id) values (old.session_id);
        end
        """
    )
    db.execute(
        """
        create trigger metrics_session_added after insert on test_sessions
        begin
            insert or ignore into metrics_dirty (session_id) values (new.id);
        end
        """
    )
    db.execute(
        """
        create trigger metrics_outcome_changed after update of outcome, task_success
        on test_sessions
        when old.outcome is not new.outcome or old.task_success is not new.task_success
        begin
            insert or ignore into metrics_dirty (session_id) values (new.id);
        end
        """
    )
    step_sums = {
        "reached": "s.views > 0",
        "went_on": "s.went_on",
        "dropped": "s.dropped",
        "backs": "s.backs",
        "changes": "s.changes",
        "errors": "s.errors",
        "error_sessions": "s.errors > 0",
        "timed": "s.seconds is not null",
    }
    minus = ",\n".join(
        f"{column} = {column} - (select coalesce(sum({value}), 0) from metrics_steps s "
        "where s.session_id = old.id and s.step_id = metrics_step_totals.step_id)"
        for column, value in step_sums.items()
    )
    db.execute(
        f"""
        create trigger metrics_session_removed after delete on test_sessions
        begin
            update metrics_step_totals set {minus}
            where version_id = old.version_id and share_code = old.share_code
                and age_band = old.age_band
                and step_id in (select step_id from metrics_steps where session_id = old.id);
            delete from metrics_steps where session_id = old.id;
            delete from metrics_sessions where session_id = old.id;
            delete from metrics_dirty where session_id = old.id;
        end
        """
    )
    db.execute("insert or ignore into metrics_dirty (session_id) select id from test_sessions")
    # What the analysis reads straight from the feedback tables, covered by an index.
    db.execute(
        "create index events_validation_errors on events "
        "(version_id, step_id, field_id, detail, share_code, session_id) "
        "where kind = 'validation_error'"
    )
    db.execute(
        "create index ratings_version_step_rating on ratings "
        "(version_id, step_id, rating, session_id)"
    )
    db.execute(
        "create index seq_answers_version_step_score on seq_answers "
        "(version_id, step_id, score, session_id)"
    )
    db.execute("create index sus_answers_version_score on sus_answers (version_id, score)")


@MIGRATIONS()
def m003_metrics_quantiles_and_session_totals(db: Database) -> None:
    """Medians and 90th percentiles of time, kept once taken; session counts, summed.

    Taking a median walks an index over every timed session of a step, and counting the
    sessions of a version walks every session: the two parts of step metrics that grew
    with the data (~30 ms of ~35 on a million events, and the most variable).
    :func:`feedback.metrics.refresh_metrics` deletes the kept quantiles of exactly the steps
    whose times changed, so live testing costs a step or two to take again, and keeps the
    session totals like the step totals.
    """
    db.execute(
        """
        create table metrics_quantiles (
            version_id text not null,
            share_code text not null,
            age_band text not null,
            step_id text not null,
            timed integer not null,
            median real,
            p90 real,
            primary key (version_id, share_code, age_band, step_id)
        ) without rowid
        """
    )
    db.execute(
        """
        create table metrics_session_totals (
            version_id text not null,
            share_code text not null,
            age_band text not null,
            sessions integer not null,
            completed integer not null,
            abandoned integer not null,
            task_ended integer not null,
            task_succeeded integer not null,
            task_timed integer not null,
            primary key (version_id, share_code, age_band)
        ) without rowid
        """
    )
    session_sums = {
        "sessions": "1",
        "completed": "m.outcome = 'completed'",
        "abandoned": "m.outcome = 'abandoned'",
        "task_ended": "m.has_task and m.outcome in ('completed', 'abandoned')",
        "task_succeeded": (
            "m.has_task and m.outcome in ('completed', 'abandoned') and m.task_success = 1"
        ),
        "task_timed": "m.task_seconds is not null",
    }
    minus = ",\n".join(
        f"{column} = {column} - coalesce((select {value} from metrics_sessions m "
        "where m.session_id = old.id), 0)"
        for column, value in session_sums.items()
    )
    db.execute(
        f"""
        create trigger metrics_session_removing before delete on test_sessions
        begin
            delete from metrics_quantiles where version_id = old.version_id;
            update metrics_session_totals set {minus}
            where version_id = old.version_id and share_code = old.share_code
                and age_band = old.age_band;
        end
        """
    )
    sums = ", ".join(f"coalesce(sum({value}), 0)" for value in session_sums.values())
    db.execute(
        f"insert into metrics_session_totals select m.version_id, m.share_code, m.age_band, "
        f"{sums} from metrics_sessions m group by m.version_id, m.share_code, m.age_band"
    )


@MIGRATIONS()
def m004_rating_and_error_totals(db: Database) -> None:
    """Ratings and validation errors summed per step as they are stored.

    With the other figures summed (m002, m003), reading every rating and every validation
    error of a version was what still grew with the data (~60 ms each on ten million
    events). Both are never changed once stored, so triggers add each new row to its sums
    and take a deleted one away. A session deleted with its rows still in place (a cascade,
    or a purge that deletes the session first) has them taken away before it goes.
    """
    db.execute(
        """
        create table metrics_rating_totals (
            version_id text not null,
            share_code text not null,
            age_band text not null,
            step_id text not null,
            sessions integer not null,
            ratings integer not null,
            total integer not null,
            squares integer not null,
            r1 integer not null,
            r2 integer not null,
            r3 integer not null,
            r4 integer not null,
            r5 integer not null,
            primary key (version_id, share_code, age_band, step_id)
        ) without rowid
        """
    )
    db.execute(
        """
        create table metrics_error_totals (
            version_id text not null,
            share_code text not null,
            age_band text not null,
            step_id text not null,
            field_id text not null,
            detail text not null,
            errors integer not null,
            primary key (version_id, share_code, age_band, step_id, field_id, detail)
        ) without rowid
        """
    )
    rating_sums = {
        "ratings": "1",
        "total": "{r}.rating",
        "squares": "{r}.rating * {r}.rating",
        **{f"r{n}": f"{{r}}.rating = {n}" for n in range(1, 6)},
    }
    columns = ", ".join(["sessions", *rating_sums])
    added = ", ".join(value.format(r="new") for value in rating_sums.values())
    updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in ["sessions", *rating_sums])
    db.execute(
        f"""
        create trigger metrics_rating_added after insert on ratings
        begin
            insert into metrics_rating_totals (version_id, share_code, age_band, step_id,
                {columns})
            select new.version_id, ts.share_code, ts.age_band, new.step_id,
                not exists (select 1 from ratings r where r.session_id = new.session_id
                    and r.step_id = new.step_id and r.id <> new.id),
                {added}
            from test_sessions ts where ts.id = new.session_id
            on conflict (version_id, share_code, age_band, step_id) do update set {updates};
        end
        """
    )
    taken = ",\n".join(f"{c} = {c} - ({value.format(r='old')})" for c, value in rating_sums.items())
    db.execute(
        f"""
        create trigger metrics_rating_removed after delete on ratings
        when exists (select 1 from test_sessions where id = old.session_id)
        begin
            update metrics_rating_totals set
                sessions = sessions - not exists (select 1 from ratings r
                    where r.session_id = old.session_id and r.step_id = old.step_id),
                {taken}
            where version_id = old.version_id and step_id = old.step_id
                and (share_code, age_band) = (select share_code, age_band from test_sessions
                    where id = old.session_id);
        end
        """
    )
    db.execute(
        """
        create trigger metrics_error_added after insert on events
        when new.kind = 'validation_error' and new.step_id is not null
        begin
            insert into metrics_error_totals (version_id, share_code, age_band, step_id,
                field_id, detail, errors)
            select new.version_id, ts.share_code, ts.age_band, new.step_id,
                coalesce(new.field_id, ''), new.detail, 1
            from test_sessions ts where ts.id = new.session_id
            on conflict (version_id, share_code, age_band, step_id, field_id, detail)
            do update set errors = errors + 1;
        end
        """
    )
    db.execute(
        """
        create trigger metrics_error_removed after delete on events
        when old.kind = 'validation_error' and old.step_id is not null
            and exists (select 1 from test_sessions where id = old.session_id)
        begin
            update metrics_error_totals set errors = errors - 1
            where version_id = old.version_id and step_id = old.step_id
                and field_id = coalesce(old.field_id, '') and detail = old.detail
                and (share_code, age_band) = (select share_code, age_band from test_sessions
                    where id = old.session_id);
        end
        """
    )
    left_ratings = (
        "from ratings r where r.session_id = old.id and r.step_id = metrics_rating_totals.step_id"
    )
    rating_minus = ",\n".join(
        [f"sessions = sessions - exists (select 1 {left_ratings})"]
        + [
            f"{c} = {c} - (select coalesce(sum({value.format(r='r')}), 0) {left_ratings})"
            for c, value in rating_sums.items()
        ]
    )
    db.execute(
        f"""
        create trigger metrics_answers_of_session_removing before delete on test_sessions
        begin
            update metrics_rating_totals set {rating_minus}
            where version_id = old.version_id and share_code = old.share_code
                and age_band = old.age_band
                and step_id in (select step_id from ratings where session_id = old.id);
            update metrics_error_totals set errors = errors - (
                select count(*) from events e where e.session_id = old.id
                    and e.kind = 'validation_error'
                    and e.step_id = metrics_error_totals.step_id
                    and coalesce(e.field_id, '') = metrics_error_totals.field_id
                    and e.detail = metrics_error_totals.detail)
            where version_id = old.version_id and share_code = old.share_code
                and age_band = old.age_band
                and step_id in (select step_id from events
                    where session_id = old.id and kind = 'validation_error');
        end
        """
    )
    sums = ", ".join(f"sum({value.format(r='r')})" for value in rating_sums.values())
    db.execute(
        f"insert into metrics_rating_totals select r.version_id, ts.share_code, ts.age_band, "
        f"r.step_id, count(distinct r.session_id), {sums} from ratings r "
        "join test_sessions ts on ts.id = r.session_id "
        "group by r.version_id, ts.share_code, ts.age_band, r.step_id"
    )
    db.execute(
        "insert into metrics_error_totals select e.version_id, ts.share_code, ts.age_band, "
        "e.step_id, coalesce(e.field_id, ''), e.detail, count(*) from events e "
        "join test_sessions ts on ts.id = e.session_id "
        "where e.kind = 'validation_error' and e.step_id is not null "
        "group by 1, 2, 3, 4, 5, 6"
    )


CHANGE_SOURCES = (
    ("events", "insert", "new.version_id"),
    ("ratings", "insert", "new.version_id"),
    ("comments", "insert", "new.version_id"),
    ("seq_answers", "insert", "new.version_id"),
    ("sus_answers", "insert", "new.version_id"),
    ("test_sessions", "insert", "new.version_id"),
    ("test_sessions", "delete", "old.version_id"),
    ("test_sessions", "update of outcome, task_success", "new.version_id"),
    (
        "comment_moderation",
        "insert",
        "(select version_id from comments where id = new.comment_id)",
    ),
    (
        "comment_moderation",
        "update",
        "(select version_id from comments where id = new.comment_id)",
    ),
)
"""(table, what happens, the version it concerns): each bumps that version's change count."""


@MIGRATIONS()
def m005_change_counts(db: Database) -> None:
    """A counter per version that moves whenever its test data changes.

    A page that shows the figures live (the heat view) asks every few seconds whether
    anything changed. Counting a version's events to find out walks an index over all of
    them (a million rows for a busy version); reading one row of ``feedback_changes`` does
    not. Triggers add one to the version's counter for every event, answer, comment,
    moderation, new session, outcome and deleted session (withdrawal, purge, reset), in the
    transaction that made the change.
    """
    db.execute(
        """
        create table feedback_changes (
            version_id text primary key,
            changes integer not null
        ) without rowid
        """
    )
    for n, (table, when, version) in enumerate(CHANGE_SOURCES):
        db.execute(
            f"""
            create trigger feedback_change_{n}_{table} after {when} on {table}
            begin
                insert into feedback_changes (version_id, changes)
                select {version}, 1 where {version} is not null
                on conflict (version_id) do update set changes = changes + 1;
            end
            """
        )


@MIGRATIONS()
def m006_path_totals(db: Database) -> None:
    """Sessions counted per distinct path and outcome, kept as sessions are derived.

    The funnel and the deviation classes read every distinct path of a selection with how
    many sessions took it. Grouping ``metrics_sessions`` for that walks one index entry per
    session (445 757 of them at ten million events: most of the 1.8 s the funnel took).
    :func:`feedback.metrics.refresh_metrics` adds and takes away each derived session here
    like in the step sums, and a deleted session is taken away before it goes, so reading
    is one row per distinct (path, outcome, share code, age band). ``outcome`` is '' for a
    session still open.
    """
    db.execute(
        """
        create table metrics_path_totals (
            version_id text not null,
            path text not null,
            outcome text not null,
            share_code text not null,
            age_band text not null,
            sessions integer not null,
            primary key (version_id, path, outcome, share_code, age_band)
        ) without rowid
        """
    )
    key = (
        "(version_id, path, outcome, share_code, age_band) = (select version_id, path, "
        "coalesce(outcome, ''), share_code, age_band from metrics_sessions "
        "where session_id = old.id)"
    )
    db.execute(
        f"""
        create trigger metrics_path_session_removing before delete on test_sessions
        begin
            update metrics_path_totals set sessions = sessions - 1 where {key};
            delete from metrics_path_totals where sessions <= 0 and {key};
        end
        """
    )
    db.execute(
        "insert into metrics_path_totals select version_id, path, coalesce(outcome, ''), "
        "share_code, age_band, count(*) from metrics_sessions group by 1, 2, 3, 4, 5"
    )


@MIGRATIONS()
def m007_path_facts(db: Database) -> None:
    """What each distinct path means, worked out once and kept.

    With the sessions summed per path (m006), the funnel and the deviations still parsed
    every distinct path and walked it in Python on every call. A version never changes, so
    a path's depth along the planned path and its deviation classes never do either: they
    are worked out the first time a path is read and kept here, and the figures become a
    ``GROUP BY`` over the path sums joined with these rows.
    """
    db.execute(
        """
        create table metrics_path_depths (
            version_id text not null,
            path text not null,
            depth integer not null,
            primary key (version_id, path)
        ) without rowid
        """
    )
    db.execute(
        """
        create table metrics_path_classes (
            version_id text not null,
            path text not null,
            outcome text not null,
            kinds text not null,
            primary key (version_id, path, outcome)
        ) without rowid
        """
    )


def change_count(db: Database, version_id: str) -> int:
    """How many times the version's test data changed (0 before the first tester came).

    Only ever grows, so a reader that kept the last value knows whether to read again.
    """
    row = db.execute(
        "select changes from feedback_changes where version_id = ?", [version_id]
    ).fetchone()
    return 0 if row is None else int(row[0])


def apply_migrations(db: Database) -> None:
    """Create or update the feedback tables (after journeys' and prototypes'). Safe to rerun."""
    MIGRATIONS.apply(db)


# --- values ---------------------------------------------------------------------------------


def stamp(moment: dt.datetime) -> str:
    """A time as stored: UTC, ISO 8601 with microseconds (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def to_row(model: BaseModel) -> dict[str, Any]:
    """A model as a row: times as :func:`stamp` text, booleans as 0/1, the rest as is."""
    row: dict[str, Any] = {}
    for key, value in model.model_dump().items():
        if isinstance(value, dt.datetime):
            value = stamp(value)
        elif isinstance(value, bool):
            value = int(value)
        row[key] = value
    return row


def canonical_uuid(
    text: object, *, what: str = "Id:t", error: type[ValueError] = FeedbackError
) -> str:
    """``text`` as a lower-case UUID with hyphens; ``error`` (:class:`FeedbackError`) when it
    is not one."""
    if isinstance(text, uuid.UUID):
        return str(text)
    if not isinstance(text, str) or len(text) > 64:
        raise error(f"{what} ska vara ett UUID, till exempel {uuid.UUID(int=0)}.")
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise error(
            f"{what} '{text}' är inte ett UUID. Skapa ett nytt med crypto.randomUUID()."
        ) from None


def rows(db: Database, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every row of a query, as mappings from column name to value."""
    cursor = db.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def session_row(db: Database, session_id: str) -> dict[str, Any] | None:
    """The stored row of a test session, or None."""
    found = rows(db, "select * from test_sessions where id = ?", [session_id])
    return found[0] if found else None


def require_session(db: Database, session_id: object) -> dict[str, Any]:
    """The session's row; :class:`FeedbackError` when there is none (never started, erased)."""
    row = session_row(db, session_id) if isinstance(session_id, str) else None
    if row is None:
        raise FeedbackError(
            "Testet finns inte längre: det har avslutats och tagits bort, eller aldrig startats. "
            "Öppna länken eller skanna QR-koden igen för att börja ett nytt test."
        )
    return row


SEEN_PRECISION = dt.timedelta(minutes=1)
"""How exactly a session's ``last_seen_at`` is kept: an event or answer less than a minute
after it leaves the row alone, so most requests write the events and not the session as
well (its row and the index of open sessions). :func:`feedback.mark_abandoned` reads the
exact time of the last event from the events."""


def touch_session(db: Database, session: dict[str, Any], moment: dt.datetime) -> None:
    """Move the session's ``last_seen_at`` (``session`` is its row, which is updated too)
    forward to ``moment``, never back, unless ``moment`` is less than
    :data:`SEEN_PRECISION` after it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment - dt.datetime.fromisoformat(session["last_seen_at"]) < SEEN_PRECISION:
        return
    text = stamp(moment)
    db.execute(
        "update test_sessions set last_seen_at = max(last_seen_at, ?) where id = ?",
        [text, session["id"]],
    )
    session["last_seen_at"] = max(session["last_seen_at"], text)
