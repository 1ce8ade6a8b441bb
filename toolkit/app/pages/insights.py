"""Journey heat view (#6): the map coloured by a measure, each step's figures, comments and
workshop notes, the funnel, a per-step table and two versions side by side. Live: while a
test runs, a background loop asks the database every few seconds for a cheap change marker
and rebuilds only when it moved.

``/journey/insights?id=<journey>&version=<version>&share=<code>&age=<band>``.
"""

from __future__ import annotations

import asyncio

import reflex as rx
from sqlite_utils import Database

import feedback
import prototypes
import workshops
from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.insights import (
    compare_table,
    funnel,
    heat_map,
    labelled_select,
    legend,
    step_panel,
    steps_table,
    summary_bar,
)
from toolkit.app.components.journey_nav import journey_links, journey_nav
from toolkit.app.components.layout import notice, page
from toolkit.app.insightsdata import (
    MEASURES,
    Choice,
    CompareRow,
    Figure,
    FunnelBar,
    HeatLane,
    LegendEntry,
    StepInsights,
    StepRow,
    build_heat_map,
    compare_rows,
    download_links,
    funnel_bars,
    measure_choices,
    notes_per_step,
    reset_done_text,
    step_insights_detail,
    step_rows,
    summary_figures,
    verdict_counts,
)
from toolkit.app.insightsdata import legend as legend_entries
from toolkit.app.mapdata import Column
from toolkit.app.state import SessionState, tr
from toolkit.results import refresh_abandoned
from toolkit.settings import local_time

POLL_SECONDS = 3
MAX_POLLS = 2400
"""About two hours of live refresh per page load; a reload starts it again."""

RESET_WORD = "radera"
"""What a designer types to confirm a reset (in either language: it is the same word)."""

AGE_LABELS = {"under-13": "under 13", "80+": "80+"}


def change_marker(db: Database, version_id: str) -> str:
    """A cheap marker of a version's test data: one row of ``feedback_changes`` (m005).

    Triggers move it whenever a tester does or says something, a comment is moderated or
    sessions are deleted (withdrawal, purge, reset), so the page rebuilds only then.
    """
    return str(feedback.change_count(db, version_id))


class InsightsState(SessionState):
    """One journey's heat view for a version, share link and age band."""

    journey_id: str = ""
    title: str = ""
    found: bool = True
    links: list[list[str]] = []
    versions: list[Choice] = []
    version_id: str = ""
    shares: list[Choice] = []
    share: str = ""
    ages: list[Choice] = []
    age: str = ""
    measures: list[Choice] = []
    measure: str = "drop_off"
    columns: list[Column] = []
    lanes: list[HeatLane] = []
    legend: list[LegendEntry] = []
    summary: list[Figure] = []
    bars: list[FunnelBar] = []
    rows: list[StepRow] = []
    compare_choices: list[Choice] = []
    compare_with: str = ""
    compared: list[CompareRow] = []
    better: int = 0
    worse: int = 0
    same: int = 0
    error: str = ""
    updated: str = ""
    selected: StepInsights = StepInsights()
    detail_open: bool = False
    downloads: list[Choice] = []
    reset_open: bool = False
    reset_text: str = ""
    reset_possible: bool = False
    reset_word: str = ""
    done: str = ""
    _marker: str = ""
    _shown_lang: str = ""
    _loop: int = 0

    # --- loading ------------------------------------------------------------------------------

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise build the view of ?id=…&version=…"""
        if not self.authorised():
            return self.login_redirect()
        params = self.router.url.query_parameters
        self.journey_id = params.get("id", "")
        self.detail_open = False
        self.reset_open, self.done = False, ""
        db = data.database()
        journey = journey_store.get_journey(db, self.journey_id)
        self.found = journey is not None
        if journey is None:
            self.title, self.links, self.versions = "", [], []
            return None
        lang = self._lang()
        self.title = journey.title
        self.links = journey_links(journey.id)
        listed = prototypes.list_versions(db, journey.id)
        self.versions = [Choice(value=v.id, label=f"v{v.number} – {v.title}") for v in listed]
        ids = [v.id for v in listed]
        wanted = params.get("version", "")
        self.version_id = wanted if wanted in ids else (ids[0] if ids else "")
        links = prototypes.list_share_links(db, version_id=self.version_id) if ids else []
        everyone = Choice(value="", label="Alla" if lang == "sv" else "All")
        self.shares = [everyone] + [
            Choice(value=s.code, label=f"{s.code}{' – ' + s.label if s.label else ''}")
            for s in links
        ]
        share = params.get("share", "")
        self.share = share if share in {s.code for s in links} else ""
        self.ages = [everyone] + [
            Choice(value=band, label=AGE_LABELS.get(band, band.replace("-", "–")))
            for band in feedback.AGE_BANDS
        ]
        age = params.get("age", "")
        self.age = age if age in feedback.AGE_BANDS else ""
        self.measures = measure_choices(lang)
        older = [c for c in self.versions if c.value != self.version_id]
        self.compare_choices = older
        position = ids.index(self.version_id) if self.version_id in ids else -1
        self.compare_with = ids[position + 1] if 0 <= position < len(ids) - 1 else ""
        if not self.compare_with and older:
            self.compare_with = older[0].value
        self._rebuild()
        self._loop += 1
        return InsightsState.live if self.version_id else None

    def _lang(self) -> str:
        return "en" if self.lang == "en" else "sv"

    def _rebuild(self) -> None:
        """Read the metrics again and rebuild every view (map, funnel, table, comparison)."""
        self.error = ""
        if not self.version_id:
            self.columns, self.lanes, self.summary, self.bars, self.rows = [], [], [], [], []
            self.compared = []
            return
        db = data.database()
        lang = self._lang()
        self._shown_lang = lang
        version = prototypes.get_version(db, self.version_id)
        if version is None:
            return
        journey = version.journey()
        self._marker = change_marker(db, self.version_id)
        scope = {
            "version_id": self.version_id,
            "share_code": self.share or None,
            "age_band": self.age or None,
        }
        refresh_abandoned(db, now=data.now())
        try:
            metrics = feedback.step_metrics(db, **scope)
            summary = feedback.version_summary(db, **scope)
            steps = feedback.funnel(db, **scope)
        except feedback.MetricsError as problem:
            self.error = str(problem)
            metrics, summary, steps = [], None, []
        notes = notes_per_step(workshops.step_insights(db, journey.id))
        measure = self.measure if self.measure in MEASURES else "drop_off"
        self.columns, self.lanes = build_heat_map(
            journey, metrics, measure=measure, notes=notes, lang=lang
        )
        self.legend = legend_entries(measure, lang)
        self.downloads = download_links(
            self.version_id, share=self.share or None, age=self.age or None, lang=lang
        )
        chosen = [
            link
            for link in prototypes.list_share_links(db, version_id=self.version_id)
            if link.task and (not self.share or link.code == self.share)
        ]
        missing = bool(chosen) and not any(link.success_step for link in chosen)
        self.summary = (
            summary_figures(summary, lang, success_step_missing=missing)
            if summary is not None
            else []
        )
        self.bars = funnel_bars(steps, lang)
        self.rows = step_rows(journey, metrics, notes, lang)
        self._compare()
        self.updated = local_time(data.now(), "%H:%M:%S")
        if self.detail_open and self.selected.id:
            self._select(self.selected.id)

    def _compare(self) -> None:
        self.compared, self.better, self.worse, self.same = [], 0, 0, 0
        if not self.compare_with or not self.version_id:
            return
        db = data.database()
        old = prototypes.get_version(db, self.compare_with)
        new = prototypes.get_version(db, self.version_id)
        if old is None or new is None:
            return
        # the older of the two is 'before'
        older, newer = (old, new) if old.number < new.number else (new, old)
        try:
            found = feedback.compare_versions(
                db,
                journey_id=self.journey_id,
                old_version_id=older.id,
                new_version_id=newer.id,
                age_band=self.age or None,
            )
        except feedback.MetricsError as problem:
            self.error = str(problem)
            return
        self.compared = compare_rows(found, self._lang())
        counts = verdict_counts(self.compared)
        self.better, self.worse, self.same = counts["better"], counts["worse"], counts["same"]

    def _select(self, step_id: str) -> bool:
        db = data.database()
        version = prototypes.get_version(db, self.version_id)
        if version is None:
            return False
        journey = version.journey()
        step = journey.step(step_id)
        if step is None:
            return False
        try:
            metrics = feedback.step_metrics(
                db,
                version_id=self.version_id,
                share_code=self.share or None,
                age_band=self.age or None,
            )
        except feedback.MetricsError:
            metrics = []
        m = next((x for x in metrics if x.step_id == step_id), None)
        comments = feedback.step_comments(
            db, version_id=self.version_id, step_id=step_id, include_hidden=True
        )
        notes = workshops.step_insights(db, journey.id, step_id=step_id)
        self.selected = step_insights_detail(step_id, step.title, m, comments, notes, self._lang())
        return True

    # --- what the designer does -------------------------------------------------------------

    def _go(self, **changes: str):
        wanted = {"version": self.version_id, "share": self.share, "age": self.age, **changes}
        return rx.redirect(
            routes.journey_insights_page(
                self.journey_id,
                version=wanted["version"] or None,
                share=wanted["share"] or None,
                age=wanted["age"] or None,
            )
        )

    @rx.event
    def choose_version(self, value: str):
        """Show another version (a new address, so it can be shared and reloaded)."""
        if not self.authorised():
            return self.login_redirect()
        return self._go(version=value, share="")

    @rx.event
    def choose_share(self, value: str):
        """Only the sessions of one share link ('' for all)."""
        if not self.authorised():
            return self.login_redirect()
        return self._go(share=value)

    @rx.event
    def choose_age(self, value: str):
        """Only one age band ('' for all)."""
        if not self.authorised():
            return self.login_redirect()
        return self._go(age=value)

    @rx.event
    def choose_measure(self, value: str):
        """Colour the map by another measure."""
        if not self.authorised():
            return self.login_redirect()
        if value in MEASURES:
            self.measure = value
            self._rebuild()
        return None

    @rx.event
    def choose_compare(self, value: str):
        """Compare with another version."""
        if not self.authorised():
            return self.login_redirect()
        if value in {c.value for c in self.compare_choices}:
            self.compare_with = value
            self._compare()
        return None

    @rx.event
    def select(self, step_id: str):
        """Open everything mapped onto a step."""
        if not self.authorised():
            return self.login_redirect()
        if self._select(step_id):
            self.detail_open = True
        return None

    @rx.event
    def set_detail_open(self, value: bool):
        """Close (or reopen) the step dialog."""
        if not self.authorised():
            return self.login_redirect()
        self.detail_open = value
        return None

    @rx.event
    def hide(self, comment_id: str, hidden: bool):
        """Hide a comment (or show it again); counts and exports follow."""
        if not self.authorised():
            return self.login_redirect()
        if feedback.hide_comment(data.database(), comment_id, hidden=hidden, now=data.now()):
            self._rebuild()
        return None

    @rx.event
    def tag(self, comment_id: str, tag: str):
        """Tag a comment as pain, idea, question or praise ('' removes the tag)."""
        if not self.authorised():
            return self.login_redirect()
        value = tag if tag in feedback.COMMENT_TAGS else None
        if feedback.tag_comment(data.database(), comment_id, value, now=data.now()):
            self._select(self.selected.id)
        return None

    # --- reset participant data -------------------------------------------------------------

    def _reset_selection(self) -> feedback.ResetSelection | None:
        """The share link chosen in the filter, or else the whole version."""
        if not self.version_id:
            return None
        try:
            return feedback.reset_selection(
                data.database(),
                share_code=self.share or None,
                version_id=None if self.share else self.version_id,
            )
        except feedback.FeedbackError as problem:
            self.error = str(problem)
            return None

    @rx.event
    def open_reset(self):
        """Say exactly what a reset would delete, and ask (designers only)."""
        if not self.authorised("designer"):
            return self.login_redirect()
        selection = self._reset_selection()
        if selection is None:
            return None
        counts = feedback.participant_data(data.database(), selection)
        lang = self._lang()
        if counts.empty:
            self.reset_text = (
                f"There are no test sessions from {selection.label} to delete."
                if lang == "en"
                else f"Det finns inga testsessioner från {selection.label} att radera."
            )
        else:
            self.reset_text = feedback.reset_message(selection, counts, lang=lang)
        self.reset_possible = not counts.empty
        self.reset_word, self.done, self.reset_open = "", "", True
        return None

    @rx.event
    def set_reset_open(self, value: bool):
        """Close (or reopen) the reset dialog."""
        if not self.authorised():
            return self.login_redirect()
        self.reset_open = value
        if not value:
            self.reset_word = ""
        return None

    @rx.event
    def set_reset_word(self, value: str):
        """What the designer typed to confirm."""
        self.reset_word = value[:40]

    @rx.var
    def reset_confirmed(self) -> bool:
        """True once the confirmation word is typed."""
        return self.reset_word.strip().lower() == RESET_WORD

    @rx.var
    def can_reset(self) -> bool:
        """Only designers may reset participant data."""
        return self.user_role == "designer"

    @rx.event
    def reset_data(self):
        """Delete the selection's test sessions for good, then show the figures left."""
        if not self.authorised("designer"):
            return self.login_redirect()
        if not self.reset_confirmed:
            return None
        selection = self._reset_selection()
        if selection is None:
            return None
        counts = feedback.reset_participant_data(data.database(), selection)
        self.done = reset_done_text(
            counts, selection.label, version=selection.share_code is None, lang=self._lang()
        )
        self.reset_open, self.reset_word = False, ""
        self._rebuild()
        return None

    @rx.event(background=True)
    async def live(self):
        """Refresh the figures while a test is running, without reloading the page."""
        async with self:
            if not self.authorised():
                return self.login_redirect()
            mine = self._loop
        for _ in range(MAX_POLLS):
            await asyncio.sleep(POLL_SECONDS)
            # look without the state lock; take it only when the data moved
            if not self.version_id or self._loop != mine:
                return None
            marker = change_marker(data.database(), self.version_id)
            relabel = self._lang() != self._shown_lang  # the language toggle: labels follow
            if marker == self._marker and not relabel:
                continue
            async with self:
                if self._loop != mine:
                    return None
                if not self.authorised():
                    return self.login_redirect()
                self._rebuild()
        return None

    @rx.var
    def has_versions(self) -> bool:
        """True when the journey has a published version to show."""
        return self.version_id != ""


# --- the page ---------------------------------------------------------------------------------


def filters() -> rx.Component:
    s = InsightsState
    return rx.flex(
        labelled_select("insights.version", "version", s.versions, s.version_id, s.choose_version),
        labelled_select("insights.share", "share", s.shares, s.share, s.choose_share),
        labelled_select("insights.age", "age", s.ages, s.age, s.choose_age),
        labelled_select("insights.measure", "measure", s.measures, s.measure, s.choose_measure),
        gap="1.2em",
        wrap="wrap",
        align="end",
        width="100%",  # a definite width, so each select's max-width keeps it on a phone
    )


def detail_dialog() -> rx.Component:
    s = InsightsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title(s.selected.title, margin="0", custom_attrs={"as": "h2"}),
                rx.spacer(),
                rx.dialog.close(
                    rx.button(
                        tr("step.close"), variant="outline", high_contrast=True, id="close-detail"
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.dialog.description(s.selected.id, size="1"),
            step_panel(s.selected, s.is_en, s.hide, s.tag),
            max_width="min(900px, 95vw)",
        ),
        open=s.detail_open,
        on_open_change=s.set_detail_open,
    )


def comparison() -> rx.Component:
    s = InsightsState
    return rx.cond(
        s.compare_choices.length() > 0,
        rx.vstack(
            labelled_select(
                "insights.compare_with",
                "compare",
                s.compare_choices,
                s.compare_with,
                s.choose_compare,
            ),
            rx.hstack(
                ui_count(s.better, "insights.better", "green"),
                ui_count(s.worse, "insights.worse", "red"),
                ui_count(s.same, "insights.same", "gray"),
                spacing="3",
                wrap="wrap",
                id="compare-counts",
            ),
            compare_table(s.compared),
            width="100%",
        ),
        rx.text(tr("insights.compare_needs_two")),
    )


def downloads() -> rx.Component:
    """The figures on the page as files: full page loads, so the browser saves them."""
    return rx.hstack(
        rx.text(tr("insights.download"), ":", weight="bold", size="2"),
        rx.foreach(
            InsightsState.downloads,
            lambda d: ui.file_link(d.label, href=d.value, download=""),
        ),
        spacing="4",
        wrap="wrap",
        align="center",
        id="insights-downloads",
    )


def reset_section() -> rx.Component:
    """'Återställ deltagardata' for designers: the share link in the filter, or the version."""
    s = InsightsState
    return rx.cond(
        s.can_reset,
        rx.card(
            rx.vstack(
                rx.heading(tr("insights.reset"), size="3", as_="h2"),
                rx.text(
                    rx.cond(s.share != "", tr("insights.reset_link"), tr("insights.reset_all")),
                    size="2",
                ),
                rx.button(
                    tr("insights.reset"),
                    "…",
                    color_scheme="red",
                    variant="outline",
                    high_contrast=True,
                    on_click=s.open_reset,
                    id="open-reset",
                ),
                spacing="2",
            ),
            width="100%",
        ),
    )


def reset_dialog() -> rx.Component:
    """Say what goes, and ask for the word before anything is deleted."""
    s = InsightsState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(tr("insights.reset_title")),
            rx.alert_dialog.description(s.reset_text, id="reset-text"),
            rx.cond(
                s.reset_possible,
                rx.vstack(
                    rx.el.label(
                        tr("insights.reset_type"),
                        html_for="reset-word",
                        style={"fontWeight": "bold"},
                    ),
                    rx.input(
                        id="reset-word",
                        value=s.reset_word,
                        on_change=s.set_reset_word,
                        auto_complete="off",
                        width="12em",
                    ),
                    spacing="1",
                    margin_top="1em",
                ),
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        tr("insights.reset_cancel"),
                        variant="outline",
                        high_contrast=True,
                        id="cancel-reset",
                    )
                ),
                rx.cond(
                    s.reset_possible,
                    rx.button(
                        tr("insights.reset_confirm"),
                        color_scheme="red",
                        high_contrast=True,
                        disabled=~s.reset_confirmed,
                        on_click=s.reset_data,
                        id="confirm-reset",
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=s.reset_open,
        on_open_change=s.set_reset_open,
    )


def ui_count(n: rx.Var[int], key: str, colour: str) -> rx.Component:
    """A count of figures with a verdict, as a badge."""
    return ui.badge(n, " ", tr(key), color_scheme=colour, size="2")


def insights_page() -> rx.Component:
    """The heat view page."""
    s = InsightsState
    return page(
        rx.cond(s.found, s.title, tr("common.not_found")),
        rx.cond(
            s.found,
            rx.vstack(
                journey_nav(s.links, "insights"),
                rx.cond(
                    s.has_versions,
                    rx.vstack(
                        filters(),
                        rx.cond(s.error != "", notice(s.error, ok=False)),
                        rx.cond(s.done != "", notice(s.done)),
                        summary_bar(s.summary),
                        rx.text(
                            tr("insights.live"),
                            " ",
                            tr("insights.updated"),
                            " ",
                            s.updated,
                            ".",
                            size="1",
                            id="insights-updated",
                        ),
                        downloads(),
                        rx.tabs.root(
                            rx.tabs.list(
                                rx.tabs.trigger(tr("insights.heat"), value="heat"),
                                rx.tabs.trigger(tr("insights.funnel"), value="funnel"),
                                rx.tabs.trigger(tr("insights.table"), value="table"),
                                rx.tabs.trigger(tr("insights.compare"), value="compare"),
                            ),
                            rx.tabs.content(
                                rx.vstack(
                                    rx.heading(tr("insights.heat"), size="4", as_="h2"),
                                    rx.text(tr("insights.click_hint"), size="2"),
                                    legend(s.legend),
                                    heat_map(s.columns, s.lanes, s.select),
                                    padding_top="1em",
                                ),
                                value="heat",
                            ),
                            rx.tabs.content(
                                rx.vstack(
                                    rx.heading(tr("insights.funnel"), size="4", as_="h2"),
                                    funnel(s.bars),
                                    padding_top="1em",
                                ),
                                value="funnel",
                            ),
                            rx.tabs.content(
                                rx.vstack(
                                    rx.heading(tr("insights.table"), size="4", as_="h2"),
                                    steps_table(s.rows, s.select),
                                    padding_top="1em",
                                ),
                                value="table",
                            ),
                            rx.tabs.content(
                                rx.vstack(
                                    rx.heading(tr("insights.compare"), size="4", as_="h2"),
                                    comparison(),
                                    padding_top="1em",
                                ),
                                value="compare",
                            ),
                            default_value="heat",
                            width="100%",
                        ),
                        detail_dialog(),
                        reset_section(),
                        reset_dialog(),
                        width="100%",
                        spacing="3",
                    ),
                    rx.text(tr("insights.no_versions")),
                ),
                width="100%",
                spacing="3",
            ),
            rx.link(tr("common.back"), href="/"),
        ),
        wide=True,
    )
