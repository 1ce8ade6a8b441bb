"""Run a workshop: join code and QR, open/close, the agenda, lock, results, timer, and the
notes arriving live on the journey's steps, with moderation.

Notes and votes are written by the participant pages (our own routes, in the same
process). Each open tab has a background task (started from ``on_load``, so Reflex cancels
it when the tab closes) that the writing route wakes through
:mod:`toolkit.web.workshop_live`: the page reloads within a fraction of a second (ADR 0011).
A slow poll of a cheap marker (:func:`toolkit.app.workshopdata.change_marker`) every two
seconds still catches writes from elsewhere, such as the CLI.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import reflex as rx

import prototypes
import workshops
from toolkit import routes
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.layout import notice, page
from toolkit.app.components.workshop import (
    join_panel,
    labelled,
    moderation_list,
    results_list,
    select,
    sr_only,
    state_badge,
    vote_settings,
)
from toolkit.app.state import SessionState, tr
from toolkit.app.workshopdata import (
    ACTIVITY_LABELS,
    NOTE_KIND_LABELS,
    STATE_LABELS,
    TIMER_CHOICES,
    AgendaItem,
    Choice,
    DraftError,
    LiveView,
    NoteCard,
    ResultRow,
    StepBoard,
    activity_prompt,
    change_marker,
    countdown,
    draft_activity,
    live_view,
    merge_choices,
    note_card,
    result_rows,
    step_boards,
    step_choices,
)
from toolkit.i18n import t
from toolkit.web import workshop_live

ROLES = ("designer", "facilitator")
TICK_SECONDS = 1.0
"""How often the countdown on the page is brought up to date."""
POLL_SECONDS = 2.0
"""How often the database is asked whether something changed that woke nobody (the CLI)."""
MIN_RELOAD_SECONDS = 0.25
"""At most four reloads a second however fast notes and votes arrive."""
AUTH_SECONDS = 60.0
"""How often an idle page checks that its session is still valid."""
MAX_SECONDS = 16 * 3600
"""A page left open stops watching after 16 hours (a reload starts it again)."""


def share_labels(journey_id: str) -> dict[str, str]:
    """What each share link of a journey is called on the agenda."""
    return {
        link.code: link.label or link.code
        for link in prototypes.list_share_links(data.database(), journey_id=journey_id)
    }


async def keep_live(state):  # type: ignore[no-untyped-def]
    """The body of a live page's background event: reload the moment the workshop changes,
    tick the countdown every second, and look at the database every two seconds for
    writes made elsewhere (the CLI, another process).

    ``state`` is the page's State (inside its background event) with ``workshop_id``,
    ``found``, ``_generation``, ``_marker``, ``_shown_lang``, ``_refresh()`` and ``_tick()``.
    The task waits on :mod:`toolkit.web.workshop_live`, which the participant routes and
    the facilitator's buttons wake after each write (ADR 0011); a burst of writes (300 votes
    in a second) is folded into at most one reload per :data:`MIN_RELOAD_SECONDS`. Started
    from ``on_load``, the loop ends when Reflex cancels it (the tab closed or went
    elsewhere), when the page was loaded again (a newer task watches), when the session
    ends (the browser is sent to the sign-in page) or after :data:`MAX_SECONDS`. A
    language toggle reloads the labels at the next tick.
    """
    if not state.found or not state.workshop_id:
        return None
    loop = asyncio.get_running_loop()
    started = last_poll = last_auth = last_reload = loop.time()
    watched, generation = state.workshop_id, state._generation
    with workshop_live.watching(watched) as woken:
        while loop.time() - started < MAX_SECONDS:
            pushed = await workshop_live.wait(woken, TICK_SECONDS)
            if pushed:
                pause = MIN_RELOAD_SECONDS - (loop.time() - last_reload)
                if pause > 0:  # fold a burst of writes into one reload
                    await asyncio.sleep(pause)
                    woken.clear()
            if not state.found or (state.workshop_id, state._generation) != (watched, generation):
                return None  # loaded again (another workshop, a reconnect): a newer task watches
            now = loop.time()
            # Look without the state lock (a possibly older copy is fine for deciding); take
            # the lock only when there is something to change.
            polling = now - last_poll >= POLL_SECONDS
            if polling:
                last_poll = now
            changed = pushed or (
                polling and change_marker(data.database(), state.workshop_id) != state._marker
            )
            check_session = changed or now - last_auth >= AUTH_SECONDS
            relabel = state.lang != state._shown_lang  # the language toggle: labels follow
            ticking = countdown(state._timer_ends_at, data.now())[1] != state.timer_text
            if not (check_session or relabel or ticking):
                continue
            async with state:
                if (state.workshop_id, state._generation) != (watched, generation):
                    return None
                if check_session:
                    last_auth = now
                    if not state.authorised(*ROLES):
                        return state.login_redirect()
                if changed or relabel:
                    last_reload = loop.time()
                    state._refresh()
                else:
                    state._tick()
    return None


class WorkshopRunState(SessionState):
    """One workshop being run by its facilitator."""

    workshop_id: str = ""
    found: bool = True
    title: str = ""
    journey_title: str = ""
    date: str = ""
    state: str = "draft"
    state_label: str = ""
    join_code: str = ""
    join_url: str = ""
    qr_src: str = ""
    projector_href: str = ""
    report_href: str = ""
    agenda: list[AgendaItem] = []
    current_index: int = -1
    current_title: str = ""
    current_kind: str = ""
    current_prompt: str = ""
    input_locked: bool = False
    results_revealed: bool = False
    timer_text: str = ""
    timer_left: int = -1
    steps: list[StepBoard] = []
    kinds: list[Choice] = []
    joined: int = 0
    active: int = 0
    note_total: int = 0
    vote_total: int = 0
    results: list[ResultRow] = []
    results_title: str = ""
    answers: list[NoteCard] = []
    message: str = ""
    message_ok: bool = True
    agenda_message: str = ""
    agenda_ok: bool = True
    editing_id: str = ""
    add_kind: str = "walk"
    activity_kinds: list[Choice] = []
    share_links: list[Choice] = []
    merge_notes: list[Choice] = []
    merge_steps: list[Choice] = []
    merge_message: str = ""
    merge_ok: bool = True
    _marker: str = ""
    _generation: int = 0
    """Which load of the page the running watcher belongs to (one watcher per tab)."""
    _shown_lang: str = ""
    _timer_ends_at: dt.datetime | None = None

    @rx.var
    def has_previous(self) -> bool:
        """True when there is an activity before the current one."""
        return self.current_index > 0

    @rx.var
    def has_next(self) -> bool:
        """True when there is an activity after the current one (or none has started)."""
        return self.current_index < len(self.agenda) - 1

    @rx.var
    def is_open(self) -> bool:
        """True while participants can join."""
        return self.state == "open"

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise show ?id=… and start watching it."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        self.workshop_id = self.router.url.query_parameters.get("id", "")
        self.message = ""
        self._refresh()
        self._generation += 1  # a reconnect loads again: the older watcher stops
        return WorkshopRunState.watch if self.found else None

    def _lang(self) -> str:
        return "en" if self.lang == "en" else "sv"

    def _refresh(self) -> None:
        db = data.database()
        view: LiveView | None = None
        if self.workshop_id:
            found = workshops.get_workshop(db, self.workshop_id)
            if found is not None:
                view = live_view(
                    db,
                    found.id,
                    audience="facilitator",
                    share_labels=share_labels(found.journey_id),
                    lang=self._lang(),
                )
        self.found = view is not None
        if view is None:
            self.title = ""
            self.agenda, self.steps, self.results, self.answers = [], [], [], []
            return
        lang = self._lang()
        w = view.workshop
        self._marker = change_marker(db, w.id)
        self._shown_lang = self.lang
        self.title = w.title
        self.journey_title = view.journey_title
        self.date = w.date.isoformat()
        self.state = w.state
        self.state_label = STATE_LABELS[lang][w.state]
        self.join_code = workshops.format_join_code(w.join_code)
        self.join_url = routes.workshop_url(data.settings().public_url, w.join_code)
        self.qr_src = routes.workshop_qr_svg_path(w.join_code)
        self.projector_href = routes.workshop_projector_page(w.id)
        self.report_href = routes.workshop_report_path(w.join_code)
        self.agenda = view.agenda
        self.current_index = view.current_index
        self.current_title = view.current.title if view.current else ""
        self.current_kind = view.current.kind if view.current else ""
        self.current_prompt = activity_prompt(view.current)
        self.input_locked = w.input_locked
        self.results_revealed = w.results_revealed
        self._timer_ends_at = w.timer_ends_at
        self._tick()
        self.steps = step_boards(view.steps, lang=lang, moderation=True, only_with_notes=True)
        self.kinds = [Choice(k, label) for k, label in NOTE_KIND_LABELS[lang].items()]
        self.joined, self.active = view.joined, view.active
        self.note_total, self.vote_total = view.notes, view.votes
        self.results = result_rows(view.results, lang=lang) if view.results else []
        self.results_title = view.results.title if view.results else ""
        self.answers = [note_card(n, lang=lang) for n in view.answers]
        self.activity_kinds = [Choice(k, label) for k, label in ACTIVITY_LABELS[lang].items()]
        labels = share_labels(w.journey_id)
        self.share_links = [Choice(code, label) for code, label in labels.items()]
        self.merge_notes = merge_choices(view.steps)
        self.merge_steps = step_choices(view.steps, lang=lang)

    def _tick(self) -> None:
        """Bring the countdown up to date (only what changed is sent to the browser)."""
        left, text = countdown(self._timer_ends_at, data.now())
        if left != self.timer_left:
            self.timer_left = left
        if text != self.timer_text:
            self.timer_text = text

    @rx.event(background=True)
    async def watch(self):
        """Keep the page live: the countdown every second, the database every two."""
        return await keep_live(self)

    def _act(self, action, *, done: str | None = None, where: str = "top"):  # type: ignore[no-untyped-def]
        """:meth:`_do` for a signed-in facilitator; anyone else goes to sign-in."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        self._do(action, done=done, where=where)
        return None

    def _say(self, where: str, text: str, ok: bool) -> None:
        """Show a message next to what was done: at the top, the agenda or the merge."""
        self.message = self.agenda_message = self.merge_message = ""
        if where == "agenda":
            self.agenda_message, self.agenda_ok = text, ok
        elif where == "merge":
            self.merge_message, self.merge_ok = text, ok
        else:
            self.message, self.message_ok = text, ok

    def _do(self, action, *, done: str | None = None, where: str = "top") -> bool:  # type: ignore[no-untyped-def]
        """Run a change on the workshop; a refusal is shown, then the page is reloaded.
        True when it was done."""
        try:
            action(data.database())
        except workshops.WorkshopError as exc:
            self._say(where, str(exc), False)
            ok = False
        else:
            self._say(where, done or "", True)
            ok = True
            workshop_live.changed(self.workshop_id)  # the projector follows at once
        self._refresh()
        return ok

    @rx.event
    def open_workshop(self):
        """Let participants join (the first activity starts when none has)."""
        return self._act(lambda db: workshops.open_workshop(db, self.workshop_id, now=data.now()))

    @rx.event
    def close_workshop(self):
        """End the workshop for everyone."""
        return self._act(lambda db: workshops.close_workshop(db, self.workshop_id, now=data.now()))

    def _go(self, index: int):  # type: ignore[no-untyped-def]
        return self._act(lambda db: workshops.set_current_activity(db, self.workshop_id, index))

    @rx.event
    def jump(self, index: int):
        """Go to the activity at ``index`` of the agenda."""
        return self._go(int(index))

    @rx.event
    def previous_activity(self):
        """Go back one activity."""
        return self._go(max(0, self.current_index - 1))

    @rx.event
    def next_activity(self):
        """Go on to the next activity."""
        return self._go(self.current_index + 1)

    @rx.event
    def lock(self):
        """Stop participants from adding notes and votes for now."""
        return self._act(lambda db: workshops.lock_input(db, self.workshop_id))

    @rx.event
    def unlock(self):
        """Let participants add notes and votes again."""
        return self._act(lambda db: workshops.unlock_input(db, self.workshop_id))

    @rx.event
    def reveal(self):
        """Show the votes to participants and on the projector."""
        return self._act(lambda db: workshops.reveal_results(db, self.workshop_id))

    @rx.event
    def conceal(self):
        """Hide the votes from participants and the projector again."""
        return self._act(lambda db: workshops.hide_results(db, self.workshop_id))

    @rx.event
    def start_timer(self, minutes: int):
        """Start (or restart) the countdown."""
        return self._act(
            lambda db: workshops.start_timer(db, self.workshop_id, int(minutes) * 60, data.now())
        )

    @rx.event
    def stop_timer(self):
        """Remove the countdown."""
        return self._act(lambda db: workshops.stop_timer(db, self.workshop_id))

    @rx.event
    def hide_note(self, note_id: str):
        """Hide a note from participants, the projector, the report and the journey."""
        return self._act(
            lambda db: workshops.hide_note(db, self.workshop_id, note_id, now=data.now())
        )

    @rx.event
    def unhide_note(self, note_id: str):
        """Show a hidden note again."""
        return self._act(
            lambda db: workshops.unhide_note(db, self.workshop_id, note_id, now=data.now())
        )

    @rx.event
    def set_kind(self, note_id: str, kind: str):
        """Change what kind of note it is."""
        return self._act(
            lambda db: workshops.set_note_kind(db, self.workshop_id, note_id, kind, now=data.now())
        )

    @rx.event
    def merge(self, form: dict):
        """Merge a note into another one on the same step (its votes follow)."""
        note_id, into = str(form.get("note", "")), str(form.get("into", ""))
        return self._act(
            lambda db: workshops.merge_notes(db, self.workshop_id, note_id, into, now=data.now()),
            done=t("run.merged", self._lang()),
        )

    # --- the agenda, while it runs -----------------------------------------------------------

    @rx.event
    def move(self, activity_id: str, offset: int):
        """Move an activity up (-1) or down (1) the agenda."""
        return self._act(
            lambda db: workshops.move_activity(db, self.workshop_id, activity_id, int(offset)),
            where="agenda",
        )

    @rx.event
    def edit(self, activity_id: str):
        """Open the form that changes one activity."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        self.editing_id = activity_id
        self.agenda_message = ""
        return None

    @rx.event
    def cancel_edit(self):
        """Close the form without changing anything."""
        self.editing_id = ""
        return None

    @rx.event
    def save_activity(self, form: dict):
        """Save the changed title, instruction, votes per person or question."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        lang = self._lang()
        activity_id = str(form.get("activity", ""))
        changes: dict[str, object] = {
            "title": str(form.get("title", "")),
            "prompt": str(form.get("prompt", "")),
        }
        if "votes" in form:
            try:
                changes["votes_per_person"] = int(str(form.get("votes", "")).strip())
            except ValueError:
                self._say("agenda", t("run.votes_number", lang), False)
                return None
        if "question" in form:
            changes["question"] = str(form.get("question", ""))
        if self._do(
            lambda db: workshops.update_activity(db, self.workshop_id, activity_id, **changes),
            done=t("run.saved", lang),
            where="agenda",
        ):
            self.editing_id = ""
        return None

    @rx.event
    def remove_activity(self, activity_id: str):
        """Take an activity without notes or votes off the agenda."""
        return self._act(
            lambda db: workshops.remove_activity(db, self.workshop_id, activity_id),
            done=t("run.removed", self._lang()),
            where="agenda",
        )

    @rx.event
    def choose_add_kind(self, kind: str):
        """Show the settings of the kind of activity about to be added."""
        self.add_kind = kind
        return None

    @rx.event
    def add_activity(self, form: dict):
        """Add an activity at the end of the agenda."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        lang = self._lang()
        labels = {c.value: c.label for c in self.share_links}
        try:
            planned = draft_activity(
                {**form, "kind": self.add_kind}, share_labels=labels, lang=lang
            )
        except DraftError as exc:
            self._say("agenda", str(exc), False)
            return None
        self._do(
            lambda db: workshops.add_activity(
                db, self.workshop_id, planned.kind, now=data.now(), **planned.arguments()
            ),
            done=t("run.added", lang),
            where="agenda",
        )
        return None

    # --- merging across steps -----------------------------------------------------------------

    @rx.event
    def merge_across(self, form: dict):
        """Merge the ticked notes into the chosen one, on the chosen step."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        picked = [
            key.removeprefix("pick-")
            for key, value in form.items()
            if key.startswith("pick-") and value not in (None, "", False)
        ]
        into = str(form.get("into", ""))
        step = str(form.get("step", "")) or None
        self._do(
            lambda db: workshops.merge_notes_to_step(
                db, self.workshop_id, picked, into_id=into, step_id=step, now=data.now()
            ),
            done=t("run.merged", self._lang()),
            where="merge",
        )
        return None

    @rx.event
    def send_to_journey(self):
        """Put the workshop's visible notes on the journey's steps, next to the test data."""
        if not self.authorised(*ROLES):
            return self.login_redirect()
        try:
            sent = workshops.send_notes_to_journey(data.database(), self.workshop_id, data.now())
        except workshops.WorkshopError as exc:
            self.message, self.message_ok = str(exc), False
        else:
            self.message = t("run.sent_one" if sent == 1 else "run.sent", self._lang(), count=sent)
            self.message_ok = True
        self._refresh()
        return None


def control_button(label_key: str, handler, **props) -> rx.Component:  # type: ignore[no-untyped-def]
    """A button of the control panel."""
    props.setdefault("variant", "outline")
    props.setdefault("high_contrast", True)
    return rx.button(tr(label_key), on_click=handler, **props)


def controls() -> rx.Component:
    """Open/close, previous/next, lock, results and the timer."""
    s = WorkshopRunState
    return rx.card(
        rx.vstack(
            rx.heading(tr("run.controls"), size="4", as_="h2"),
            rx.hstack(
                control_button(
                    "run.open",
                    s.open_workshop,
                    disabled=s.is_open,
                    variant="solid",
                    id="open-workshop",
                ),
                control_button(
                    "run.close",
                    s.close_workshop,
                    disabled=~s.is_open,
                    color_scheme="red",
                    id="close-workshop",
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.box(
                rx.text(tr("run.current"), size="2", color_scheme="gray"),
                rx.text(
                    rx.cond(s.current_title != "", s.current_title, tr("run.no_activity")),
                    size="5",
                    weight="bold",
                    id="current-activity",
                ),
                rx.cond(s.current_prompt != "", rx.text(s.current_prompt, size="3")),
            ),
            rx.hstack(
                control_button(
                    "run.previous",
                    s.previous_activity,
                    disabled=~s.has_previous,
                    id="previous-activity",
                ),
                control_button(
                    "run.next",
                    s.next_activity,
                    disabled=~s.has_next,
                    variant="solid",
                    id="next-activity",
                ),
                spacing="2",
            ),
            rx.hstack(
                rx.cond(
                    s.input_locked,
                    control_button("run.unlock", s.unlock, id="unlock-input"),
                    control_button("run.lock", s.lock, id="lock-input"),
                ),
                rx.cond(
                    s.results_revealed,
                    control_button("run.conceal", s.conceal, id="hide-results"),
                    control_button("run.reveal", s.reveal, id="reveal-results"),
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.hstack(
                rx.cond(s.input_locked, ui.badge(tr("run.locked"), color_scheme="amber")),
                rx.cond(s.results_revealed, ui.badge(tr("run.revealed"), color_scheme="blue")),
                spacing="2",
            ),
            rx.el.fieldset(
                rx.el.legend(tr("run.timer"), style={"fontWeight": "bold"}),
                rx.hstack(
                    *[
                        rx.button(
                            f"{minutes} min",
                            on_click=s.start_timer(minutes),
                            variant="outline",
                            high_contrast=True,
                            id=f"timer-{minutes}",
                        )
                        for minutes in TIMER_CHOICES
                    ],
                    control_button(
                        "run.stop_timer", s.stop_timer, disabled=s.timer_left < 0, id="stop-timer"
                    ),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                rx.cond(
                    s.timer_text != "",
                    rx.text(
                        s.timer_text,
                        role="timer",
                        id="timer",
                        size="7",
                        weight="bold",
                        style={"fontVariantNumeric": "tabular-nums"},
                    ),
                ),
                style={"border": "none", "padding": 0, "margin": 0},
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def stat(value: rx.Var[int], label_key: str, ident: str) -> rx.Component:
    """A figure with its label."""
    return rx.vstack(
        rx.text(value, size="7", weight="bold", id=ident),
        rx.text(tr(label_key), size="2"),
        spacing="0",
        align="center",
        min_width="6em",
    )


def participation() -> rx.Component:
    """Joined, active, notes, votes."""
    s = WorkshopRunState
    return rx.hstack(
        stat(s.joined, "run.joined", "count-joined"),
        stat(s.active, "run.active", "count-active"),
        stat(s.note_total, "run.notes", "count-notes"),
        stat(s.vote_total, "run.votes", "count-votes"),
        spacing="5",
        wrap="wrap",
        aria_label=tr("run.participation"),
        role="group",
    )


FIELD_STYLE = {
    "padding": "0.4em",
    "border": "1px solid var(--gray-9)",
    "borderRadius": "var(--radius-2)",
    "background": "var(--color-panel-solid)",
}
"""Plain inputs get a visible edge (Radix resets it)."""


def small_button(label_key: str, handler, **props) -> rx.Component:  # type: ignore[no-untyped-def]
    """A small outlined button."""
    props.setdefault("variant", "outline")
    props.setdefault("high_contrast", True)
    return rx.button(tr(label_key), on_click=handler, size="1", **props)


def edit_form(item: rx.Var[AgendaItem]) -> rx.Component:
    """Change one activity: title, instruction, votes per person or the question."""
    s = WorkshopRunState
    return rx.form(
        rx.vstack(
            rx.el.input(type="hidden", name="activity", value=item.id),
            labelled(
                "workshops.activity_title",
                "edit-title",
                rx.el.input(
                    id="edit-title",
                    name="title",
                    default_value=item.title,
                    max_length=200,
                    style={**FIELD_STYLE, "width": "100%"},
                ),
            ),
            labelled(
                "workshops.prompt",
                "edit-prompt",
                rx.el.input(
                    id="edit-prompt",
                    name="prompt",
                    default_value=item.prompt,
                    max_length=1000,
                    style={**FIELD_STYLE, "width": "100%"},
                ),
            ),
            rx.cond(
                item.kind == "vote",
                labelled(
                    "workshops.votes",
                    "edit-votes",
                    rx.el.input(
                        id="edit-votes",
                        name="votes",
                        type="number",
                        min=1,
                        max=workshops.MAX_VOTES_PER_PERSON,
                        default_value=item.votes_per_person,
                        style={**FIELD_STYLE, "width": "6em"},
                    ),
                    hint_key="run.votes_hint",
                ),
            ),
            rx.cond(
                item.kind == "question",
                labelled(
                    "workshops.question",
                    "edit-question",
                    rx.el.input(
                        id="edit-question",
                        name="question",
                        default_value=item.question,
                        max_length=300,
                        style={**FIELD_STYLE, "width": "100%"},
                    ),
                ),
            ),
            rx.hstack(
                rx.button(tr("run.save"), type="submit", size="2", id="save-activity"),
                rx.button(
                    tr("run.cancel"),
                    type="button",
                    on_click=s.cancel_edit,
                    size="2",
                    variant="outline",
                    high_contrast=True,
                ),
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=s.save_activity,
        key=item.id,
        width="100%",
        padding_top="0.5em",
    )


def agenda_item(item: rx.Var[AgendaItem]) -> rx.Component:
    """One activity: go to it, move it, change it, remove it."""
    s = WorkshopRunState
    return rx.el.li(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(item.title, weight="bold"),
                    rx.cond(
                        item.current,
                        ui.badge(tr("run.now"), color_scheme="green", variant="solid"),
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.text(item.detail, size="2"),
                spacing="0",
            ),
            rx.spacer(),
            rx.hstack(
                rx.cond(
                    item.current,
                    rx.fragment(),
                    rx.button(
                        tr("run.go_to"),
                        sr_only(": ", item.title),
                        on_click=s.jump(item.index),
                        variant="outline",
                        size="1",
                        high_contrast=True,
                    ),
                ),
                rx.button(
                    rx.icon("arrow-up", aria_hidden="true", size=14),
                    sr_only(tr("run.up"), ": ", item.title),
                    on_click=s.move(item.id, -1),
                    disabled=item.first,
                    title=tr("run.up"),
                    variant="outline",
                    size="1",
                    high_contrast=True,
                    class_name="move-up",
                ),
                rx.button(
                    rx.icon("arrow-down", aria_hidden="true", size=14),
                    sr_only(tr("run.down"), ": ", item.title),
                    on_click=s.move(item.id, 1),
                    disabled=item.last,
                    title=tr("run.down"),
                    variant="outline",
                    size="1",
                    high_contrast=True,
                    class_name="move-down",
                ),
                rx.button(
                    tr("run.edit"),
                    sr_only(": ", item.title),
                    on_click=s.edit(item.id),
                    variant="outline",
                    size="1",
                    high_contrast=True,
                    class_name="edit-activity",
                ),
                rx.button(
                    tr("run.remove"),
                    sr_only(": ", item.title),
                    on_click=s.remove_activity(item.id),
                    color_scheme="red",
                    variant="soft",
                    size="1",
                    high_contrast=True,
                    class_name="remove-activity",
                ),
                spacing="1",
                wrap="wrap",
                align="center",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(item.id == s.editing_id, edit_form(item)),
        aria_current=rx.cond(item.current, "step", "false"),
        padding="0.5em",
        border_left=rx.cond(item.current, "5px solid var(--green-9)", "5px solid transparent"),
        background=rx.cond(item.current, "var(--green-2)", "transparent"),
        class_name="agenda-item",
        key=item.id,
    )


def add_activity_form() -> rx.Component:
    """Add an activity at the end of the agenda, also while the workshop runs."""
    s = WorkshopRunState
    return rx.form(
        rx.vstack(
            rx.heading(tr("workshops.add_activity"), size="3", as_="h3"),
            rx.hstack(
                labelled(
                    "workshops.kind",
                    "add-kind",
                    rx.el.select(
                        rx.foreach(
                            s.activity_kinds, lambda c: rx.el.option(c.label, value=c.value)
                        ),
                        id="add-kind",
                        name="kind",
                        value=s.add_kind,
                        on_change=s.choose_add_kind,
                        style={"padding": "0.4em"},
                    ),
                ),
                labelled(
                    "workshops.activity_title",
                    "add-title",
                    rx.el.input(
                        id="add-title",
                        name="title",
                        max_length=200,
                        style={**FIELD_STYLE, "width": "100%"},
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            rx.match(
                s.add_kind,
                (
                    "vote",
                    vote_settings("add-votes", "add-vote-on", input_style=FIELD_STYLE, spacing="3"),
                ),
                (
                    "test",
                    labelled(
                        "workshops.share_link",
                        "add-share",
                        select(s.share_links, id="add-share", name="share_code"),
                    ),
                ),
                (
                    "question",
                    labelled(
                        "workshops.question",
                        "add-question",
                        rx.el.input(
                            id="add-question",
                            name="question",
                            max_length=300,
                            style={**FIELD_STYLE, "width": "100%"},
                        ),
                    ),
                ),
                rx.fragment(),
            ),
            rx.button(
                tr("workshops.add"),
                type="submit",
                id="add-activity",
                variant="outline",
                high_contrast=True,
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=s.add_activity,
        reset_on_submit=True,
        width="100%",
        border_top="1px solid var(--gray-6)",
        padding_top="0.75em",
    )


def agenda_card() -> rx.Component:
    """The agenda: where the room is, and changing it while it runs."""
    s = WorkshopRunState
    return rx.card(
        rx.vstack(
            rx.heading(tr("run.agenda"), size="4", as_="h2"),
            rx.cond(s.agenda_message != "", notice(s.agenda_message, ok=s.agenda_ok)),
            rx.el.ol(
                rx.foreach(s.agenda, agenda_item),
                id="agenda",
                style={"paddingLeft": "1.5em", "width": "100%", "margin": 0},
            ),
            add_activity_form(),
            width="100%",
        ),
        width="100%",
    )


def keyed_select(choices: rx.Var[list[Choice]], **props) -> rx.Component:  # type: ignore[no-untyped-def]
    """A native select whose options keep their identity when the list changes live (the
    choice stays on the same note when a new one arrives above it)."""
    return rx.el.select(
        rx.foreach(choices, lambda c: rx.el.option(c.label, value=c.value, key=c.value)),
        style={"padding": "0.4em", "minWidth": "16em", "maxWidth": "100%"},
        **props,
    )


def merge_card() -> rx.Component:
    """Merge notes from different steps into one, on the chosen step."""
    s = WorkshopRunState
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(tr("run.merge_many"), size="4", as_="h2"),
                rx.text(tr("run.merge_many_hint"), size="2"),
                rx.cond(s.merge_message != "", notice(s.merge_message, ok=s.merge_ok)),
                rx.el.fieldset(
                    rx.el.legend(tr("run.merge_pick"), style={"fontWeight": "bold"}),
                    rx.foreach(
                        s.merge_notes,
                        lambda c: rx.el.label(
                            rx.el.input(
                                type="checkbox",
                                name="pick-" + c.value,
                                value="1",
                                style={"width": "1.2em", "height": "1.2em"},
                            ),
                            rx.text(c.label, as_="span"),
                            style={"display": "flex", "gap": "0.5em", "alignItems": "center"},
                            class_name="merge-pick",
                            key=c.value,  # a tick stays on its note when new notes arrive
                        ),
                    ),
                    style={"border": "none", "padding": 0, "margin": 0},
                ),
                rx.hstack(
                    labelled(
                        "run.merge_keep",
                        "merge-into",
                        keyed_select(s.merge_notes, id="merge-into", name="into"),
                    ),
                    labelled(
                        "run.merge_step",
                        "merge-step",
                        keyed_select(s.merge_steps, id="merge-step", name="step"),
                    ),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                rx.button(tr("run.merge"), type="submit", id="merge-across"),
                spacing="3",
                width="100%",
            ),
            on_submit=s.merge_across,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
        id="merge-card",
    )


def workshop_run_page() -> rx.Component:
    """The facilitator's control room."""
    s = WorkshopRunState
    return page(
        rx.cond(s.found, s.title, tr("run.not_found")),
        rx.cond(
            s.found,
            rx.vstack(
                rx.hstack(
                    rx.text(s.journey_title, " · ", s.date),
                    state_badge(s.state, s.state_label),
                    rx.spacer(),
                    rx.link(
                        tr("run.projector"),
                        href=s.projector_href,
                        is_external=True,
                        id="projector-link",
                    ),
                    rx.link(tr("run.all"), href=routes.workshops_page()),
                    align="center",
                    width="100%",
                    wrap="wrap",
                    spacing="4",
                ),
                rx.cond(s.message != "", notice(s.message, ok=s.message_ok)),
                rx.grid(
                    rx.vstack(
                        rx.card(join_panel(s.join_code, s.join_url, s.qr_src), width="100%"),
                        controls(),
                        rx.card(participation(), width="100%"),
                        spacing="4",
                        width="100%",
                    ),
                    agenda_card(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    s.results_title != "",
                    rx.card(
                        rx.vstack(
                            rx.heading(
                                tr("run.results"), ": ", s.results_title, size="4", as_="h2"
                            ),
                            rx.cond(
                                s.results.length() > 0,
                                results_list(s.results),
                                rx.text(tr("run.no_votes")),
                            ),
                            width="100%",
                        ),
                        width="100%",
                        id="results",
                    ),
                ),
                rx.cond(
                    s.current_kind == "question",
                    rx.card(
                        rx.vstack(
                            rx.heading(tr("run.answers"), size="4", as_="h2"),
                            rx.cond(
                                s.answers.length() > 0,
                                rx.el.ul(
                                    rx.foreach(
                                        s.answers,
                                        lambda a: rx.el.li(
                                            rx.text(a.text), rx.text(a.nickname, size="1")
                                        ),
                                    )
                                ),
                                rx.text(tr("run.no_answers")),
                            ),
                            width="100%",
                        ),
                        width="100%",
                    ),
                ),
                rx.card(
                    rx.vstack(
                        rx.hstack(
                            rx.heading(tr("run.live_notes"), size="4", as_="h2"),
                            rx.spacer(),
                            rx.button(
                                tr("run.send"),
                                on_click=s.send_to_journey,
                                id="send-to-journey",
                            ),
                            rx.el.a(
                                tr("run.report"),
                                href=s.report_href,
                                target="_blank",
                                rel="noopener",
                                reload_document=True,
                                id="report-link",
                                style={
                                    "color": "var(--gray-12)",
                                    "border": "1px solid var(--gray-11)",
                                    "borderRadius": "var(--radius-2)",
                                    "padding": "0.35em 0.9em",
                                    "fontSize": "var(--font-size-2)",
                                    "fontWeight": "500",
                                    "textDecoration": "none",
                                },
                            ),
                            width="100%",
                            align="center",
                            wrap="wrap",
                        ),
                        rx.text(tr("run.live_hint"), size="2"),
                        rx.cond(
                            s.steps.length() > 0,
                            moderation_list(
                                s.steps,
                                kinds=s.kinds,
                                on_hide=s.hide_note,
                                on_unhide=s.unhide_note,
                                on_kind=s.set_kind,
                                on_merge=s.merge,
                            ),
                            rx.text(tr("run.no_notes"), id="no-notes"),
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.cond(s.merge_notes.length() > 1, merge_card()),
                spacing="4",
                width="100%",
            ),
            rx.link(tr("run.all"), href=routes.workshops_page()),
        ),
        wide=True,
    )
