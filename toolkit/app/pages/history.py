"""Revisions: every saved state of a journey, two compared, one restored as a new revision."""

from __future__ import annotations

import reflex as rx

from journeys import RevisionConflict
from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.journey_nav import journey_links, journey_nav
from toolkit.app.components.layout import notice, page
from toolkit.app.historydata import (
    DiffLine,
    DiffView,
    RevisionRow,
    StepChange,
    compare,
    history,
    parse_number,
)
from toolkit.app.state import SessionState, tr
from toolkit.i18n import t

LIST_STYLE = {"paddingLeft": "1.5em", "listStyleType": "disc", "margin": "0.25em 0"}
LINE_STYLES = {
    "add": {"background": "#dff3e4", "color": "#0b3d1a"},
    "remove": {"background": "#fbe3e4", "color": "#6b0d12"},
    "hunk": {"background": "#e8eef7", "color": "#1d3a5f"},
    "file": {"color": "#333"},
    "same": {"color": "#222"},
}


class HistoryState(SessionState):
    """The revisions of one journey, the comparison and the restore confirmation."""

    journey_id: str = ""
    title: str = ""
    found: bool = True
    rows: list[RevisionRow] = []
    links: list[list[str]] = []
    current: int = 0
    compare_a: str = ""
    compare_b: str = ""
    view: DiffView = DiffView()
    compared: bool = False
    message: str = ""
    message_ok: bool = True
    confirm_number: int = 0
    confirm_open: bool = False

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise list the revisions of ?id=… and compare the
        two newest (or ``&a=``/``&b=`` from the address)."""
        if not self.authorised():
            return self.login_redirect()
        query = self.router.url.query_parameters
        self.journey_id = query.get("id", "")
        self.message, self.confirm_open = "", False
        self._refresh()
        if not self.found:
            return None
        a, b = parse_number(query.get("a")), parse_number(query.get("b"))
        if a is None or b is None:
            b = self.current
            a = max(1, b - 1)
        self.compare_a, self.compare_b = str(a), str(b)
        if a == b == self.current:  # only one revision: nothing to compare yet
            self.compared, self.view = False, DiffView()
            return None
        self._compare(a, b)
        return None

    def _refresh(self) -> None:
        db = data.database()
        journey = journey_store.get_journey(db, self.journey_id)
        self.found = journey is not None
        if journey is None:
            self.rows, self.links, self.title, self.current = [], [], "", 0
            self.compared = False
            return
        self.title = journey.title
        self.links = journey_links(journey.id)
        self.rows = history(db, journey.id)
        self.current = next((r.number for r in self.rows if r.current), 0)

    def _compare(self, a: int, b: int) -> None:
        view = compare(data.database(), self.journey_id, a, b)
        self.compared = view is not None
        self.view = view if view is not None else DiffView()

    @rx.var
    def map_href(self) -> str:
        """The journey map of this journey."""
        return routes.journey_page(self.journey_id) if self.journey_id else "/"

    @rx.event
    def set_compare_a(self, value: str) -> None:
        """Choose the older side of the comparison."""
        self.compare_a = value

    @rx.event
    def set_compare_b(self, value: str) -> None:
        """Choose the newer side of the comparison."""
        self.compare_b = value

    @rx.event
    def run_compare(self):
        """Compare the two chosen revisions."""
        if not self.authorised():
            return self.login_redirect()
        a, b = parse_number(self.compare_a), parse_number(self.compare_b)
        lang = "en" if self.lang == "en" else "sv"
        if a is None or b is None:
            self.message, self.message_ok = t("history.choose_two", lang), False
            return None
        self.message = ""
        self._compare(a, b)
        if not self.compared:
            self.message, self.message_ok = t("history.choose_two", lang), False
        return None

    @rx.event
    def compare_with_previous(self, number: int):
        """Compare a revision with the one before it."""
        if not self.authorised():
            return self.login_redirect()
        self.compare_a, self.compare_b = str(max(1, number - 1)), str(number)
        self.message = ""
        self._compare(max(1, number - 1), number)
        return None

    @rx.event
    def ask_restore(self, number: int):
        """Open the confirmation for bringing back revision ``number``."""
        if not self.authorised("designer"):
            return self.login_redirect()
        self.confirm_number = number
        self.confirm_open = True
        return None

    @rx.event
    def set_confirm_open(self, value: bool) -> None:
        """Close (or reopen) the confirmation."""
        self.confirm_open = value

    @rx.event
    def restore(self):
        """Bring back the confirmed revision as a new revision (history stays as it was)."""
        if not self.authorised("designer"):
            return self.login_redirect()
        lang = "en" if self.lang == "en" else "sv"
        number = self.confirm_number
        self.confirm_open = False
        try:
            revision = journey_store.restore_revision(
                data.database(),
                self.journey_id,
                number,
                author=self.user_email,
                now=data.now(),
                expected_revision=self.current,
            )
        except RevisionConflict as exc:
            self.message, self.message_ok = exc.message(lang), False
            self._refresh()
            return None
        if revision is None:
            self.message, self.message_ok = t("history.no_revision", lang, number=number), False
        elif revision.number == self.current:
            self.message = t("history.already", lang, number=number)
            self.message_ok = True
        else:
            self.message = t("history.restored", lang, number=number, new=revision.number)
            self.message_ok = True
        self._refresh()
        self.compare_a, self.compare_b = str(number), str(self.current)
        self._compare(number, self.current)
        return None


def revisions_table(rows: rx.Var[list[RevisionRow]]) -> rx.Component:
    """Revisions newest first, with compare and restore buttons."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("history.revision")),
                rx.table.column_header_cell(tr("history.when")),
                rx.table.column_header_cell(tr("history.who")),
                rx.table.column_header_cell(tr("history.change")),
                rx.table.column_header_cell(tr("history.actions")),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(
                        rx.hstack(
                            rx.text("#", r.number),
                            rx.cond(
                                r.current,
                                ui.badge(tr("history.current"), color_scheme="green"),
                            ),
                            spacing="2",
                            align="center",
                        )
                    ),
                    rx.table.cell(r.created),
                    rx.table.cell(r.author),
                    rx.table.cell(
                        rx.vstack(
                            rx.text(rx.cond(SessionState.is_en, r.summary_en, r.summary)),
                            rx.cond(r.note != "", rx.text(r.note, size="1", color_scheme="gray")),
                            spacing="1",
                        )
                    ),
                    rx.table.cell(
                        rx.hstack(
                            rx.cond(
                                r.number > 1,
                                rx.button(
                                    tr("history.compare_previous"),
                                    rx.el.span(
                                        " ",
                                        tr("history.revision"),
                                        " ",
                                        r.number,
                                        class_name="visually-hidden",
                                        style={"position": "absolute", "left": "-9999px"},
                                    ),
                                    size="1",
                                    variant="outline",
                                    high_contrast=True,
                                    on_click=HistoryState.compare_with_previous(r.number),
                                ),
                            ),
                            rx.cond(
                                ~r.current,
                                rx.button(
                                    tr("history.restore"),
                                    rx.el.span(
                                        " ",
                                        tr("history.revision"),
                                        " ",
                                        r.number,
                                        style={"position": "absolute", "left": "-9999px"},
                                    ),
                                    size="1",
                                    color_scheme="red",
                                    variant="outline",
                                    high_contrast=True,
                                    on_click=HistoryState.ask_restore(r.number),
                                    id="restore-" + r.number.to_string(),
                                ),
                            ),
                            spacing="2",
                            wrap="wrap",
                        )
                    ),
                ),
            )
        ),
        width="100%",
        variant="surface",
        id="revisions-table",
    )


def revision_select(
    ident: str, label: rx.Var, value: rx.Var, on_change: rx.EventHandler
) -> rx.Component:
    """A native select of revision numbers with a visible label."""
    return rx.vstack(
        rx.el.label(label, html_for=ident, style={"fontWeight": "bold"}),
        rx.el.select(
            rx.foreach(
                HistoryState.rows,
                lambda r: rx.el.option("#", r.number, " ", r.created, value=r.number.to_string()),
            ),
            id=ident,
            value=value,
            on_change=on_change,
            style={"padding": "0.3em", "minWidth": "14em", "fontSize": "1rem"},
        ),
        spacing="1",
    )


def compare_form() -> rx.Component:
    """Choose two revisions to compare."""
    return rx.hstack(
        revision_select(
            "compare-a", tr("history.from"), HistoryState.compare_a, HistoryState.set_compare_a
        ),
        revision_select(
            "compare-b", tr("history.to"), HistoryState.compare_b, HistoryState.set_compare_b
        ),
        rx.button(tr("history.compare"), on_click=HistoryState.run_compare, id="compare-button"),
        align="end",
        spacing="4",
        wrap="wrap",
    )


def step_list(heading: rx.Var, steps: rx.Var[list[StepChange]], ident: str) -> rx.Component:
    """Steps added, removed or changed, with what changed inside each."""
    return rx.cond(
        steps.length() > 0,
        rx.box(
            rx.heading(heading, size="3", as_="h3"),
            rx.el.ul(
                rx.foreach(
                    steps,
                    lambda s: rx.el.li(
                        rx.text(rx.text(s.title, weight="bold", as_="span"), " ", ui.code(s.id)),
                        rx.cond(
                            s.details.length() > 0,
                            rx.el.ul(
                                rx.foreach(
                                    rx.cond(SessionState.is_en, s.details_en, s.details),
                                    lambda d: rx.el.li(d),
                                ),
                                style={**LIST_STYLE, "listStyleType": "circle"},
                            ),
                        ),
                        margin_bottom="0.4em",
                    ),
                ),
                style=LIST_STYLE,
            ),
            id=ident,
        ),
    )


def yaml_diff(lines: rx.Var[list[DiffLine]]) -> rx.Component:
    """The YAML line diff, added lines green and removed lines red (AA contrast)."""
    return rx.el.details(
        rx.el.summary(tr("history.yaml"), style={"cursor": "pointer", "fontWeight": "bold"}),
        rx.el.pre(
            rx.foreach(
                lines,
                lambda line: rx.el.div(
                    line.text,
                    style=rx.match(
                        line.kind,
                        ("add", LINE_STYLES["add"]),
                        ("remove", LINE_STYLES["remove"]),
                        ("hunk", LINE_STYLES["hunk"]),
                        ("file", LINE_STYLES["file"]),
                        LINE_STYLES["same"],
                    ),
                ),
            ),
            style={
                "fontSize": "0.85rem",
                "overflowX": "auto",
                "border": "1px solid var(--gray-7)",
                "padding": "0.5em",
                "background": "white",
                "whiteSpace": "pre",
                "width": "100%",
                "boxSizing": "border-box",
            },
            tab_index=0,
            aria_label="YAML",
        ),
        id="yaml-diff",
    )


def comparison() -> rx.Component:
    """What changed from revision a to revision b."""
    view = HistoryState.view
    return rx.card(
        rx.vstack(
            rx.heading(tr("history.compared"), " #", view.a, " → #", view.b, size="4", as_="h2"),
            rx.cond(
                view.same,
                rx.text(tr("history.same"), id="diff-same"),
                rx.vstack(
                    step_list(tr("history.added"), view.added, "diff-added"),
                    step_list(tr("history.removed"), view.removed, "diff-removed"),
                    step_list(tr("history.changed"), view.changed, "diff-changed"),
                    rx.cond(view.reordered, rx.text(tr("history.reordered"))),
                    rx.cond(
                        view.other.length() > 0,
                        rx.box(
                            rx.heading(tr("history.other"), size="3", as_="h3"),
                            rx.el.ul(
                                rx.foreach(
                                    rx.cond(SessionState.is_en, view.other_en, view.other),
                                    lambda o: rx.el.li(o),
                                ),
                                style=LIST_STYLE,
                            ),
                            id="diff-other",
                        ),
                    ),
                    yaml_diff(view.lines),
                    spacing="3",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="comparison",
    )


def restore_dialog() -> rx.Component:
    """Ask before a restore: it makes a new revision, nothing is lost."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(tr("history.confirm_title"), " #", HistoryState.confirm_number),
            rx.alert_dialog.description(tr("history.confirm_body")),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(tr("history.cancel"), variant="outline", high_contrast=True)
                ),
                rx.alert_dialog.action(
                    rx.button(
                        tr("history.confirm"),
                        color_scheme="red",
                        high_contrast=True,
                        on_click=HistoryState.restore,
                        id="confirm-restore",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=HistoryState.confirm_open,
        on_open_change=HistoryState.set_confirm_open,
    )


def history_page() -> rx.Component:
    """The revisions page of a journey."""
    return page(
        rx.cond(HistoryState.found, HistoryState.title, tr("common.not_found")),
        rx.cond(
            HistoryState.found,
            rx.vstack(
                journey_nav(HistoryState.links, "history"),
                rx.heading(tr("history.title"), size="5", as_="h2"),
                rx.text(tr("history.lead")),
                rx.cond(
                    HistoryState.message != "",
                    notice(HistoryState.message, ok=HistoryState.message_ok),
                ),
                revisions_table(HistoryState.rows),
                rx.heading(tr("history.compare_heading"), size="4", as_="h2"),
                compare_form(),
                rx.cond(HistoryState.compared, comparison()),
                rx.link(tr("history.back_to_map"), href=HistoryState.map_href),
                restore_dialog(),
                spacing="4",
                width="100%",
            ),
            rx.link(tr("common.back"), href="/"),
        ),
    )
