"""Journeys: the list of journeys, import by upload (findings inline), export links."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

import reflex as rx
from sqlite_utils import Database

import prototypes
from journeys import Journey, validate_text
from journeys import store as journey_store
from toolkit import routes
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.layout import notice, page
from toolkit.app.pages.editor import new_journey_card
from toolkit.app.state import SessionState, tr
from toolkit.db import get_organisation
from toolkit.i18n import t
from toolkit.settings import local_time

UPLOAD_ID = "journey-upload"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass
class JourneyRow:
    """One line of the journey list."""

    id: str = ""
    title: str = ""
    organisation: str = ""
    steps: int = 0
    versions: int = 0
    updated: str = ""
    href: str = ""
    exports: list[list[str]] = field(default_factory=list)


@dataclass
class FindingRow:
    """A validation finding of an uploaded file."""

    severity: str = ""
    location: str = ""
    message: str = ""


def save_import(
    db: Database, journey: Journey, text: str, *, author: str, now: dt.datetime, lang: str = "sv"
) -> str:
    """Save an uploaded journey; one from another organisation becomes ours and keeps its
    licence and origin (:func:`journeys.store.import_journey`). Returns what was imported,
    in words, for the message."""
    ours = get_organisation(db).name or None
    reused = bool(ours and journey.organisation != ours)
    journey_store.import_journey(
        db,
        journey,
        organisation=ours,
        source=text,
        author=author,
        note=f"Importerad från {journey.organisation} (licens {journey.licence})"
        if reused
        else None,
        now=now,
    )
    if not reused:
        return journey.title
    return t(
        "journeys.imported_from",
        "en" if lang == "en" else "sv",
        title=journey.title,
        organisation=journey.organisation,
        licence=journey.licence,
    )


class JourneysState(SessionState):
    """The journey list and the import form."""

    rows: list[JourneyRow] = []
    findings: list[FindingRow] = []
    message: str = ""
    message_ok: bool = True

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise list the journeys."""
        if not self.authorised():
            return self.login_redirect()
        self._refresh()
        return None

    def _refresh(self) -> None:
        db = data.database()
        rows = []
        for s in journey_store.list_journeys(db):
            versions = prototypes.list_versions(db, s.id)
            rows.append(
                JourneyRow(
                    id=s.id,
                    title=s.title,
                    organisation=s.organisation,
                    steps=s.step_count,
                    versions=len(versions),
                    updated=local_time(s.updated_at),
                    href=routes.journey_page(s.id),
                    exports=[
                        [fmt.upper(), routes.designer_export(s.id, fmt)]
                        for fmt in ("yaml", "json", "mermaid", "cjml")
                    ],
                )
            )
        self.rows = rows

    @rx.event
    async def import_files(self, files: list[rx.UploadFile]):
        """Validate each uploaded file; save the ones without errors."""
        if not self.authorised():
            return self.login_redirect()
        lang = "en" if self.lang == "en" else "sv"
        self.findings = []
        if not files:
            self.message, self.message_ok = t("journeys.no_file", lang), False
            return None
        saved: list[str] = []
        failed = False
        for upload in files:
            raw = await upload.read()
            name = upload.name or "journey.yaml"
            if len(raw) > MAX_UPLOAD_BYTES:
                failed = True
                self.findings.append(
                    FindingRow(
                        "error",
                        name,
                        "The file is larger than 2 MB; a journey file is much smaller."
                        if lang == "en"
                        else "Filen är större än 2 MB; en resefil är mycket mindre.",
                    )
                )
                continue
            text = raw.decode("utf-8-sig", errors="replace")
            # in a worker thread: a big file takes seconds to check, and the event loop
            # serves every open designer and projector tab meanwhile
            report = await asyncio.to_thread(validate_text, text, file=name)
            self.findings.extend(
                FindingRow(f.severity.value, f.location, f.message(lang)) for f in report.findings
            )
            if not report.ok or report.journey is None:
                failed = True
                continue
            saved.append(
                save_import(
                    data.database(),
                    report.journey,
                    text,
                    author=self.user_email,
                    now=data.now(),
                    lang=lang,
                )
            )
        if failed:
            self.message, self.message_ok = t("journeys.not_imported", lang), False
        else:
            self.message = t("journeys.imported", lang, title=", ".join(saved))
            self.message_ok = True
        self._refresh()
        return rx.clear_selected_files(UPLOAD_ID)


def journey_table(rows: rx.Var[list[JourneyRow]]) -> rx.Component:
    """The journeys as a table; the title links to the journey map."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(tr("col.title")),
                rx.table.column_header_cell(tr("col.organisation")),
                rx.table.column_header_cell(tr("col.steps")),
                rx.table.column_header_cell(tr("col.versions")),
                rx.table.column_header_cell(tr("col.updated")),
                rx.table.column_header_cell(tr("journeys.export")),
            )
        ),
        rx.table.body(
            rx.foreach(
                rows,
                lambda row: rx.table.row(
                    rx.table.row_header_cell(rx.link(row.title, href=row.href)),
                    rx.table.cell(row.organisation),
                    rx.table.cell(row.steps),
                    rx.table.cell(row.versions),
                    rx.table.cell(row.updated),
                    rx.table.cell(
                        rx.hstack(
                            rx.foreach(
                                row.exports,
                                lambda pair: rx.el.a(
                                    pair[0], href=pair[1], download="", reload_document=True
                                ),
                            ),
                            spacing="2",
                        )
                    ),
                ),
            )
        ),
        width="100%",
        variant="surface",
    )


def findings_list(findings: rx.Var[list[FindingRow]]) -> rx.Component:
    """Validation findings, errors in red and warnings in amber."""
    return rx.el.ul(
        rx.foreach(
            findings,
            lambda f: rx.el.li(
                ui.badge(
                    f.severity,
                    color_scheme=rx.cond(f.severity == "error", "red", "amber"),
                    margin_right="0.5em",
                ),
                ui.code(f.location),
                rx.text(f.message, as_="span", margin_left="0.5em"),
                margin_bottom="0.4em",
            ),
        ),
        style={"listStyle": "none", "padding": 0},
        id="import-findings",
    )


def import_form() -> rx.Component:
    """Upload a YAML or JSON journey file."""
    return rx.card(
        rx.vstack(
            rx.heading(tr("journeys.import"), size="4", as_="h2"),
            rx.text(tr("journeys.import_hint"), size="2"),
            rx.el.label(
                rx.upload(
                    rx.vstack(
                        rx.text(tr("journeys.choose"), weight="bold", color="var(--accent-11)"),
                        rx.text(rx.selected_files(UPLOAD_ID).join(", "), size="2"),
                    ),
                    id=UPLOAD_ID,
                    accept={
                        "application/x-yaml": [".yaml", ".yml"],
                        "application/json": [".json"],
                    },
                    max_files=5,
                    no_click=True,
                    border="1px dashed var(--gray-8)",
                    padding="1em",
                    cursor="pointer",
                ),
                style={"display": "block", "width": "100%"},
            ),
            rx.button(
                tr("journeys.upload"),
                on_click=JourneysState.import_files(rx.upload_files(upload_id=UPLOAD_ID)),
                id="import-button",
            ),
            rx.cond(
                JourneysState.message != "",
                notice(JourneysState.message, ok=JourneysState.message_ok),
            ),
            findings_list(JourneysState.findings),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def journeys_page() -> rx.Component:
    """The start page for designers."""
    return page(
        tr("journeys.title"),
        rx.text(tr("journeys.lead")),
        rx.cond(
            JourneysState.rows.length() > 0,
            journey_table(JourneysState.rows),
            rx.text(tr("journeys.none")),
        ),
        new_journey_card(),
        import_form(),
    )
