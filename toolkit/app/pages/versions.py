"""Versions: publish the current draft as version N with a note; list with what changed."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

import prototypes
from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.journey_nav import journey_links, journey_nav
from toolkit.app.components.layout import notice, page
from toolkit.app.state import SessionState, tr
from toolkit.i18n import t
from toolkit.settings import local_time


@dataclass
class VersionRow:
    """One published version."""

    id: str = ""
    number: int = 0
    note: str = ""
    created: str = ""
    author: str = ""
    changes: str = ""
    share_href: str = ""


class VersionsState(SessionState):
    """The versions of one journey and the publish form."""

    journey_id: str = ""
    title: str = ""
    found: bool = True
    rows: list[VersionRow] = []
    links: list[list[str]] = []
    message: str = ""
    message_ok: bool = True
    problems: list[str] = []

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise list the versions of ?id=…"""
        if not self.authorised():
            return self.login_redirect()
        self.journey_id = self.router.url.query_parameters.get("id", "")
        self.message, self.problems = "", []
        self._refresh()
        return None

    def _refresh(self) -> None:
        db = data.database()
        journey = journey_store.get_journey(db, self.journey_id)
        self.found = journey is not None
        if journey is None:
            self.rows, self.links, self.title = [], [], ""
            return
        lang = "en" if self.lang == "en" else "sv"
        self.title = journey.title
        self.links = journey_links(journey.id)
        rows = []
        for v in prototypes.list_versions(db, journey.id):
            diff = prototypes.version_diff(db, v.id)
            rows.append(
                VersionRow(
                    id=v.id,
                    number=v.number,
                    note=v.note or "",
                    created=local_time(v.created_at),
                    author=v.author or "",
                    changes=diff.summary(lang) if diff is not None else "",
                    share_href=routes.journey_share_page(journey.id) + f"&version={v.id}",
                )
            )
        self.rows = rows

    @rx.event
    def publish(self, form: dict):
        """Publish the current draft as the next version."""
        if not self.authorised("designer"):
            return self.login_redirect()
        lang = "en" if self.lang == "en" else "sv"
        note = str(form.get("note", "")).strip()
        self.problems = []
        try:
            version = prototypes.publish_version(
                data.database(),
                self.journey_id,
                note=note,
                author=self.user_email,
                now=data.now(),
            )
        except prototypes.NothingToPublish as exc:
            self.message, self.message_ok = str(exc), False
        except prototypes.PublishError as exc:
            self.message, self.message_ok = str(exc), False
            self.problems = [f.format(lang) for f in getattr(exc, "findings", [])][:20]
        else:
            self.message = t("versions.published", lang, number=version.number)
            self.message_ok = True
        self._refresh()
        return None


def publish_form() -> rx.Component:
    """A note and a button."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.el.label(tr("versions.note"), html_for="note", style={"fontWeight": "bold"}),
                rx.text(tr("versions.note_hint"), size="2", id="note-hint", color_scheme="gray"),
                rx.input(
                    id="note",
                    name="note",
                    width="100%",
                    max_length=300,
                    aria_describedby="note-hint",
                ),
                rx.button(tr("versions.publish"), type="submit", id="publish-button"),
                spacing="2",
                width="100%",
            ),
            on_submit=VersionsState.publish,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
    )


def versions_table(rows: rx.Var[list[VersionRow]]) -> rx.Component:
    """Published versions, newest first."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("versions.number")),
                rx.table.column_header_cell(tr("versions.note")),
                rx.table.column_header_cell(tr("versions.changes")),
                rx.table.column_header_cell(tr("versions.date")),
                rx.table.column_header_cell(tr("versions.author")),
                rx.table.column_header_cell(tr("versions.share")),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda r: rx.table.row(
                    rx.table.row_header_cell("v", r.number),
                    rx.table.cell(r.note),
                    rx.table.cell(r.changes),
                    rx.table.cell(r.created),
                    rx.table.cell(r.author),
                    rx.table.cell(rx.link(tr("versions.share"), href=r.share_href)),
                ),
            )
        ),
        width="100%",
        variant="surface",
        id="versions-table",
    )


def versions_page() -> rx.Component:
    """The versions page of a journey."""
    return page(
        rx.cond(VersionsState.found, VersionsState.title, tr("common.not_found")),
        rx.cond(
            VersionsState.found,
            rx.vstack(
                journey_nav(VersionsState.links, "versions"),
                rx.text(tr("versions.lead")),
                publish_form(),
                rx.cond(
                    VersionsState.message != "",
                    notice(VersionsState.message, ok=VersionsState.message_ok),
                ),
                rx.cond(
                    VersionsState.problems.length() > 0,
                    rx.el.ul(rx.foreach(VersionsState.problems, lambda p: rx.el.li(ui.code(p)))),
                ),
                rx.cond(
                    VersionsState.rows.length() > 0,
                    versions_table(VersionsState.rows),
                    rx.text(tr("versions.none")),
                ),
                spacing="4",
                width="100%",
            ),
            rx.link(tr("common.back"), href="/"),
        ),
    )
