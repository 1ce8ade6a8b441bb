"""Workshops: the list of workshops, and planning a new one from a journey with its agenda."""

from __future__ import annotations

import datetime as dt

import reflex as rx

import prototypes
import workshops
from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components.layout import notice, page
from toolkit.app.components.workshop import (
    draft_agenda,
    labelled,
    select,
    vote_settings,
    workshop_table,
)
from toolkit.app.state import SessionState, tr
from toolkit.app.workshopdata import (
    ACTIVITY_LABELS,
    Choice,
    DraftActivity,
    DraftError,
    WorkshopRow,
    draft_activity,
    moved,
    without,
    workshop_row,
)
from toolkit.i18n import t
from toolkit.settings import local_zone

DRAFT = "-"
"""The version choice meaning the journey's current draft."""
CREATE_FORM = "create-workshop"


class WorkshopsState(SessionState):
    """The workshop list and the form that plans a new workshop."""

    rows: list[WorkshopRow] = []
    journeys: list[Choice] = []
    versions: list[Choice] = []
    share_links: list[Choice] = []
    journey_id: str = ""
    version_id: str = ""
    kind: str = "walk"
    kinds: list[Choice] = []
    agenda: list[DraftActivity] = []
    today: str = ""
    message: str = ""
    message_ok: bool = True
    agenda_message: str = ""

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise list the workshops and the journeys."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.message, self.agenda_message = "", ""
        self.today = dt.datetime.now(local_zone()).date().isoformat()
        lang = self._lang()
        self.kinds = [Choice(kind, label) for kind, label in ACTIVITY_LABELS[lang].items()]
        db = data.database()
        self.journeys = [Choice(j.id, j.title) for j in journey_store.list_journeys(db)]
        wanted = self.router.url.query_parameters.get("journey", "")
        known = {c.value for c in self.journeys}
        if wanted in known:
            self.journey_id = wanted
        elif self.journey_id not in known:
            self.journey_id = self.journeys[0].value if self.journeys else ""
        self._choices()
        self._refresh()
        return None

    def _lang(self) -> str:
        return "en" if self.lang == "en" else "sv"

    def _refresh(self) -> None:
        db = data.database()
        titles = {j.id: j.title for j in journey_store.list_journeys(db)}
        rows = []
        for w in workshops.list_workshops(db):
            rows.append(
                workshop_row(
                    w,
                    journey_title=titles.get(w.journey_id, w.journey_id),
                    participants=workshops.participation(db, w.id).joined,
                    run_href=routes.workshop_run_page(w.id),
                    projector_href=routes.workshop_projector_page(w.id),
                    lang=self._lang(),
                )
            )
        self.rows = rows

    def _choices(self) -> None:
        """The versions and share links of the chosen journey (and version)."""
        db = data.database()
        lang = self._lang()
        versions = prototypes.list_versions(db, self.journey_id) if self.journey_id else []
        self.versions = [
            Choice(DRAFT, "Senaste utkastet" if lang == "sv" else "The latest draft"),
            *(
                Choice(v.id, f"v{v.number} – {v.note}" if v.note else f"v{v.number}")
                for v in versions
            ),
        ]
        if self.version_id not in {c.value for c in self.versions}:
            self.version_id = versions[0].id if versions else DRAFT
        numbers = {v.id: v.number for v in versions}
        now = data.now()
        links = (
            prototypes.list_share_links(db, journey_id=self.journey_id) if self.journey_id else []
        )
        self.share_links = [
            Choice(link.code, f"{link.label or link.code} (v{numbers.get(link.version_id, '?')})")
            for link in links
            if link.status(now) == "ok"
            and (self.version_id == DRAFT or link.version_id == self.version_id)
        ]
        # a planned test of a link that no longer fits the choice goes
        codes = {c.value for c in self.share_links}
        self.agenda = [a for a in self.agenda if a.kind != "test" or a.share_code in codes]

    @rx.event
    def choose_journey(self, journey_id: str):
        """Pick the journey the workshop is about."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.journey_id = journey_id
        self.version_id = ""  # the latest published version, else the draft
        self._choices()
        return None

    @rx.event
    def choose_version(self, version_id: str):
        """Pick the published version (or the draft) participants work on."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.version_id = version_id
        self._choices()
        return None

    @rx.event
    def choose_kind(self, kind: str):
        """Show the settings of the kind of activity about to be added."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.kind = kind
        return None

    @rx.event
    def add_activity(self, form: dict):
        """Put an activity at the end of the planned agenda."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        labels = {c.value: c.label for c in self.share_links}
        try:
            planned = draft_activity(
                {**form, "kind": self.kind}, share_labels=labels, lang=self._lang()
            )
        except DraftError as exc:
            self.agenda_message = str(exc)
            return None
        self.agenda = [*self.agenda, planned]
        self.agenda_message = ""
        return None

    @rx.event
    def move_up(self, index: int):
        """Move a planned activity one place earlier."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.agenda = moved(self.agenda, index, -1)
        return None

    @rx.event
    def move_down(self, index: int):
        """Move a planned activity one place later."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.agenda = moved(self.agenda, index, 1)
        return None

    @rx.event
    def remove(self, index: int):
        """Take a planned activity off the agenda."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        self.agenda = without(self.agenda, index)
        return None

    @rx.event
    def create(self, form: dict):
        """Create the workshop with its agenda, all or nothing, and open its run page."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        lang = self._lang()
        try:
            day = dt.date.fromisoformat(str(form.get("date", "")).strip())
        except ValueError:
            self.message, self.message_ok = t("workshops.bad_date", lang), False
            return None
        if not self.agenda:
            self.message, self.message_ok = t("workshops.empty_agenda", lang), False
            return None
        db = data.database()
        now = data.now()
        try:
            made = workshops.create_workshop(
                db,
                self.journey_id,
                title=str(form.get("title", "")),
                date=day,
                facilitator=self.user_email,
                version_id=None if self.version_id == DRAFT else self.version_id,
                allow_under_13=bool(form.get("under13")),
                now=now,
            )
        except workshops.WorkshopError as exc:
            self.message, self.message_ok = str(exc), False
            return None
        try:
            for planned in self.agenda:
                workshops.add_activity(db, made.id, planned.kind, now=now, **planned.arguments())
        except workshops.WorkshopError as exc:
            workshops.delete_workshop(db, made.id)
            self.message, self.message_ok = str(exc), False
            return None
        self.agenda = []
        self.message, self.message_ok = t("workshops.created", lang, title=made.title), True
        self._refresh()
        return rx.redirect(routes.workshop_run_page(made.id))


def kind_settings() -> rx.Component:
    """The inputs the chosen kind of activity needs."""
    return rx.match(
        WorkshopsState.kind,
        (
            "vote",
            vote_settings(
                "votes", "vote_on", input_style={"padding": "0.4em"}, spacing="5", wrap="wrap"
            ),
        ),
        (
            "test",
            rx.cond(
                WorkshopsState.share_links.length() > 0,
                labelled(
                    "workshops.share_link",
                    "share_code",
                    select(WorkshopsState.share_links, id="share_code", name="share_code"),
                ),
                notice(tr("workshops.no_links"), ok=False),
            ),
        ),
        (
            "question",
            labelled(
                "workshops.question",
                "question",
                rx.input(id="question", name="question", max_length=300, width="100%"),
            ),
        ),
        rx.fragment(),
    )


def agenda_card() -> rx.Component:
    """The planned agenda and the form that adds to it."""
    return rx.card(
        rx.vstack(
            rx.heading(tr("workshops.agenda"), size="4", as_="h2"),
            rx.text(tr("workshops.agenda_hint"), size="2"),
            rx.cond(
                WorkshopsState.agenda.length() > 0,
                draft_agenda(
                    WorkshopsState.agenda,
                    on_up=WorkshopsState.move_up,
                    on_down=WorkshopsState.move_down,
                    on_remove=WorkshopsState.remove,
                ),
                rx.text(tr("workshops.agenda_empty"), size="2", color_scheme="gray"),
            ),
            rx.form(
                rx.vstack(
                    rx.heading(tr("workshops.add_activity"), size="3", as_="h3"),
                    labelled(
                        "workshops.kind",
                        "kind",
                        select(
                            WorkshopsState.kinds,
                            id="kind",
                            name="kind",
                            value=WorkshopsState.kind,
                            on_change=WorkshopsState.choose_kind,
                        ),
                    ),
                    labelled(
                        "workshops.activity_title",
                        "activity_title",
                        rx.input(
                            id="activity_title",
                            name="title",
                            max_length=200,
                            width="100%",
                            max_width="30em",
                        ),
                        hint_key="workshops.activity_title_hint",
                    ),
                    labelled(
                        "workshops.prompt",
                        "prompt",
                        rx.input(id="prompt", name="prompt", max_length=1000, width="100%"),
                        hint_key="workshops.prompt_hint",
                    ),
                    kind_settings(),
                    rx.button(
                        tr("workshops.add"),
                        type="submit",
                        id="add-activity",
                        variant="outline",
                        high_contrast=True,
                    ),
                    rx.cond(
                        WorkshopsState.agenda_message != "",
                        notice(WorkshopsState.agenda_message, ok=False),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=WorkshopsState.add_activity,
                reset_on_submit=True,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def create_card() -> rx.Component:
    """Journey, version, title, date; the agenda card sits between this form's fields and
    its submit button (the button names the form with the ``form`` attribute)."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(tr("workshops.new"), size="4", as_="h2"),
                rx.hstack(
                    labelled(
                        "workshops.journey",
                        "journey",
                        select(
                            WorkshopsState.journeys,
                            id="journey",
                            name="journey",
                            value=WorkshopsState.journey_id,
                            on_change=WorkshopsState.choose_journey,
                            style={"padding": "0.4em", "minWidth": "18em"},
                        ),
                    ),
                    labelled(
                        "workshops.version",
                        "version",
                        select(
                            WorkshopsState.versions,
                            id="version",
                            name="version",
                            value=WorkshopsState.version_id,
                            on_change=WorkshopsState.choose_version,
                            style={"padding": "0.4em", "minWidth": "14em"},
                        ),
                    ),
                    spacing="5",
                    wrap="wrap",
                ),
                labelled(
                    "workshops.title_field",
                    "title",
                    rx.input(id="title", name="title", max_length=200, width="100%"),
                    hint_key="workshops.title_hint",
                ),
                labelled(
                    "workshops.date",
                    "date",
                    rx.input(
                        id="date", name="date", type="date", default_value=WorkshopsState.today
                    ),
                ),
                rx.hstack(
                    rx.el.input(type="checkbox", id="under13", name="under13", value="1"),
                    rx.el.label(tr("workshops.under13"), html_for="under13"),
                    align="center",
                ),
                spacing="3",
                width="100%",
            ),
            id=CREATE_FORM,
            on_submit=WorkshopsState.create,
            width="100%",
        ),
        width="100%",
    )


def workshops_page() -> rx.Component:
    """The facilitator's start page."""
    return page(
        tr("workshops.title"),
        rx.text(tr("workshops.lead")),
        rx.cond(
            WorkshopsState.rows.length() > 0,
            workshop_table(WorkshopsState.rows),
            rx.text(tr("workshops.none")),
        ),
        rx.cond(
            WorkshopsState.journeys.length() > 0,
            rx.vstack(
                create_card(),
                agenda_card(),
                rx.button(
                    tr("workshops.create"),
                    type="submit",
                    id="create-button",
                    size="3",
                    custom_attrs={"form": CREATE_FORM},
                ),
                rx.cond(
                    WorkshopsState.message != "",
                    notice(WorkshopsState.message, ok=WorkshopsState.message_ok),
                ),
                spacing="4",
                width="100%",
            ),
            notice(tr("workshops.no_journeys"), ok=False),
        ),
    )
