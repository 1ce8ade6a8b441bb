"""The projector view of a workshop: large type, high contrast, no menus.

What the room sees: the current activity and what to do, the join code and QR code, the
countdown, and the journey's phases as columns with the notes appearing on their steps.
Hidden notes never show; votes show once the facilitator reveals them. Live like the run
page (see :mod:`toolkit.app.pages.workshop_run`): woken by the route that wrote a note or a
vote, so the wall follows the room within a second (ADR 0011).
"""

from __future__ import annotations

import datetime as dt

import reflex as rx

import prototypes
import workshops
from toolkit import routes
from toolkit.app import data
from toolkit.app.components.workshop import join_panel, projector_board, results_list
from toolkit.app.pages.workshop_run import ROLES, keep_live, share_labels
from toolkit.app.state import SessionState, tr
from toolkit.app.workshopdata import (
    NoteCard,
    PhaseBoard,
    ResultRow,
    activity_prompt,
    change_marker,
    countdown,
    live_view,
    note_card,
    phase_boards,
    result_rows,
)

BACKGROUND = "#0b1f3a"
ACCENT = "#ffe08a"


class ProjectorState(SessionState):
    """What the projector shows of one workshop."""

    workshop_id: str = ""
    found: bool = True
    title: str = ""
    journey_title: str = ""
    state: str = "draft"
    join_code: str = ""
    join_url: str = ""
    qr_src: str = ""
    current_title: str = ""
    current_kind: str = ""
    current_prompt: str = ""
    input_locked: bool = False
    results_revealed: bool = False
    timer_text: str = ""
    timer_left: int = -1
    phases: list[PhaseBoard] = []
    results: list[ResultRow] = []
    results_title: str = ""
    answers: list[NoteCard] = []
    test_qr: str = ""
    test_url: str = ""
    joined: int = 0
    note_total: int = 0
    _marker: str = ""
    _generation: int = 0
    """Which load of the page the running watcher belongs to (one watcher per tab)."""
    _shown_lang: str = ""
    _timer_ends_at: dt.datetime | None = None

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise show ?id=… and start watching it."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        self.workshop_id = self.router.url.query_parameters.get("id", "")
        self._refresh()
        self._generation += 1  # a reconnect loads again: the older watcher stops
        return ProjectorState.watch if self.found else None

    def _refresh(self) -> None:
        db = data.database()
        lang = "en" if self.lang == "en" else "sv"
        found = workshops.get_workshop(db, self.workshop_id) if self.workshop_id else None
        view = (
            live_view(
                db,
                found.id,
                audience="participant",
                share_labels=share_labels(found.journey_id),
                lang=lang,
            )
            if found is not None
            else None
        )
        self.found = view is not None
        if view is None:
            self.phases, self.results, self.answers = [], [], []
            return
        w = view.workshop
        self._marker = change_marker(db, w.id)
        self._shown_lang = self.lang
        self.title = w.title
        self.journey_title = view.journey_title
        self.state = w.state
        self.join_code = workshops.format_join_code(w.join_code)
        self.join_url = routes.workshop_url(data.settings().public_url, w.join_code)
        self.qr_src = routes.workshop_qr_svg_path(w.join_code)
        current = view.current
        self.current_title = current.title if current else ""
        self.current_kind = current.kind if current else ""
        self.current_prompt = activity_prompt(current)
        self.input_locked = w.input_locked
        self.results_revealed = w.results_revealed
        self._timer_ends_at = w.timer_ends_at
        self._tick()
        self.phases = phase_boards(view.steps, lang=lang)
        showing_votes = w.results_revealed and view.results is not None
        self.results = result_rows(view.results, lang=lang) if showing_votes else []
        self.results_title = view.results.title if showing_votes and view.results else ""
        self.answers = [note_card(n, lang=lang) for n in view.answers]
        code = current.share_code if current is not None and current.kind == "test" else None
        link = prototypes.get_share_link(db, code) if code else None
        self.test_qr = routes.qr_svg_path(link.code) if link else ""
        self.test_url = routes.citizen_url(data.settings().public_url, link.code) if link else ""
        self.joined = view.joined
        self.note_total = sum(len(step.notes) for step in view.steps) + len(view.answers)

    def _tick(self) -> None:
        left, text = countdown(self._timer_ends_at, data.now())
        if left != self.timer_left:
            self.timer_left = left
        if text != self.timer_text:
            self.timer_text = text

    @rx.event(background=True)
    async def watch(self):
        """Keep the wall live: reload when woken, the countdown every second."""
        return await keep_live(self)


def big_text(*children, **props) -> rx.Component:  # type: ignore[no-untyped-def]
    """Text for the back of the room."""
    style = {"color": "#fff", "fontSize": "1.6rem", "lineHeight": "1.3"}
    style.update(props.pop("style", {}))
    return rx.text(*children, style=style, **props)


def status_line() -> rx.Component:
    """Not started, paused or ended, when it is."""
    s = ProjectorState
    return rx.cond(
        s.state == "draft",
        big_text(tr("projector.not_started"), style={"color": ACCENT}),
        rx.cond(
            s.state == "closed",
            big_text(tr("projector.closed"), style={"color": ACCENT}),
            rx.cond(
                s.input_locked,
                big_text(tr("projector.paused"), style={"color": ACCENT}),
            ),
        ),
    )


def top() -> rx.Component:
    """The activity and what to do, the countdown, and how to join."""
    s = ProjectorState
    return rx.flex(
        rx.vstack(
            rx.text(
                s.title, " · ", s.journey_title, style={"color": "#dbe6f5", "fontSize": "1.2rem"}
            ),
            rx.heading(
                rx.cond(s.current_title != "", s.current_title, s.title),
                as_="h1",
                style={"color": "#fff", "fontSize": "3rem", "lineHeight": "1.1"},
                id="projector-activity",
            ),
            rx.cond(s.current_prompt != "", big_text(s.current_prompt, id="projector-prompt")),
            status_line(),
            rx.cond(
                s.timer_text != "",
                rx.text(
                    s.timer_text,
                    role="timer",
                    id="projector-timer",
                    style={
                        "color": rx.cond(s.timer_left == 0, ACCENT, "#fff"),
                        "fontSize": "5rem",
                        "fontWeight": "800",
                        "fontVariantNumeric": "tabular-nums",
                        "lineHeight": "1",
                    },
                ),
            ),
            rx.text(
                s.joined,
                " ",
                tr("projector.joined"),
                " · ",
                s.note_total,
                " ",
                rx.cond(s.note_total == 1, tr("run.note"), tr("projector.notes")),
                style={"color": "#dbe6f5", "fontSize": "1.2rem"},
                id="projector-counts",
            ),
            spacing="3",
            flex="1 1 30rem",
        ),
        rx.box(
            rx.cond(
                s.test_qr != "",
                rx.vstack(
                    big_text(tr("projector.test_with")),
                    rx.image(
                        src=s.test_qr,
                        alt=tr("projector.test_qr_alt"),
                        width="220px",
                        height="220px",
                        style={"background": "white", "padding": "8px"},
                    ),
                    rx.text(s.test_url, style={"color": "#fff", "wordBreak": "break-all"}),
                ),
                rx.box(
                    join_panel(
                        s.join_code,
                        s.join_url,
                        s.qr_src,
                        size="240px",
                        code_size="4.5rem",
                        text_size="1.3rem",
                    ),
                    style={"color": "#fff"},
                ),
            ),
            flex="0 1 auto",
        ),
        gap="2em",
        wrap="wrap",
        width="100%",
        align="start",
    )


def projector_page() -> rx.Component:
    """The projector view (no header, no menus)."""
    s = ProjectorState
    return rx.box(
        rx.el.main(
            rx.cond(
                SessionState.user_email != "",
                rx.cond(
                    s.found,
                    rx.vstack(
                        top(),
                        rx.cond(
                            s.results.length() > 0,
                            rx.box(
                                rx.heading(
                                    tr("run.results"),
                                    ": ",
                                    s.results_title,
                                    as_="h2",
                                    style={
                                        "color": "#fff",
                                        "fontSize": "2rem",
                                        "marginBottom": "0.6em",
                                    },
                                ),
                                rx.box(
                                    results_list(s.results, large=True),
                                    background="#fff",
                                    color="#000",
                                    padding="1em",
                                    border_radius="6px",
                                ),
                                width="100%",
                                id="projector-results",
                            ),
                        ),
                        rx.cond(
                            s.answers.length() > 0,
                            rx.box(
                                rx.heading(
                                    tr("run.answers"),
                                    as_="h2",
                                    style={
                                        "color": "#fff",
                                        "fontSize": "2rem",
                                        "marginBottom": "0.6em",
                                    },
                                ),
                                rx.flex(
                                    rx.foreach(
                                        s.answers,
                                        lambda a: big_text(
                                            a.text,
                                            style={
                                                "background": "#fff",
                                                "color": "#000",
                                                "padding": "0.4em 0.7em",
                                                "borderRadius": "4px",
                                            },
                                        ),
                                    ),
                                    gap="0.7em",
                                    wrap="wrap",
                                ),
                                width="100%",
                            ),
                        ),
                        projector_board(s.phases),
                        spacing="5",
                        width="100%",
                    ),
                    rx.heading(
                        tr("run.not_found"), as_="h1", style={"color": "#fff", "fontSize": "2rem"}
                    ),
                ),
                rx.text(tr("common.loading"), aria_live="polite", style={"color": "#fff"}),
            ),
            id="main",
            padding="1.5em 2em",
        ),
        lang=rx.cond(SessionState.is_en, "en", "sv"),
        style={"background": BACKGROUND, "minHeight": "100vh", "color": "#fff"},
        class_name="projector",
    )
