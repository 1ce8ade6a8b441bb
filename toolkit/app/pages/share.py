"""Share links and QR codes: create for a version (label, task, success step, expiry), revoke,
download the QR as PNG or SVG, print an A4 sheet of cards."""

from __future__ import annotations

import datetime as dt
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
from toolkit.settings import local_date, local_zone

NO_STEP = "-"


@dataclass
class LinkRow:
    """One share link with everything the designer hands out."""

    code: str = ""
    version: str = ""
    label: str = ""
    task: str = ""
    status: str = "ok"
    url: str = ""
    qr_svg: str = ""
    qr_png: str = ""
    sheet: str = ""
    expires: str = ""
    success: str = ""


@dataclass
class Choice:
    """An option of a select."""

    value: str = ""
    label: str = ""


class ShareState(SessionState):
    """The share links of one journey and the form to create one."""

    journey_id: str = ""
    title: str = ""
    found: bool = True
    links: list[list[str]] = []
    versions: list[Choice] = []
    steps: list[Choice] = []
    rows: list[LinkRow] = []
    version_id: str = ""
    message: str = ""
    message_ok: bool = True

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise list the links of ?id=… (&version=…)."""
        if not self.authorised():
            return self.login_redirect()
        params = self.router.url.query_parameters
        self.journey_id = params.get("id", "")
        self.version_id = params.get("version", "")
        self.message = ""
        self._refresh()
        return None

    def _refresh(self) -> None:
        db = data.database()
        journey = journey_store.get_journey(db, self.journey_id)
        self.found = journey is not None
        if journey is None:
            self.rows, self.links, self.versions, self.steps = [], [], [], []
            return
        self.title = journey.title
        self.links = journey_links(journey.id)
        versions = prototypes.list_versions(db, journey.id)
        self.versions = [
            Choice(v.id, f"v{v.number} – {v.note}" if v.note else f"v{v.number}") for v in versions
        ]
        if versions and self.version_id not in {v.id for v in versions}:
            self.version_id = versions[0].id
        chosen = next((v for v in versions if v.id == self.version_id), None)
        self.steps = [Choice(NO_STEP, "–")] + (
            [Choice(s.id, s.title) for s in chosen.journey().steps] if chosen else []
        )
        public = data.settings().public_url
        now = data.now()
        rows = []
        numbers = {v.id: f"v{v.number}" for v in versions}
        step_titles = {v.id: {st.id: st.title for st in v.journey().steps} for v in versions}
        for link in prototypes.list_share_links(db, journey_id=journey.id):
            status = prototypes.resolve_share_link(db, link.code, now=now).status
            rows.append(
                LinkRow(
                    code=link.code,
                    version=numbers.get(link.version_id, link.version_id),
                    label=link.label or "",
                    task=link.task or "",
                    success=(
                        step_titles.get(link.version_id, {}).get(
                            link.success_step, link.success_step
                        )
                        if link.success_step
                        else ""
                    ),
                    status=status,
                    url=routes.citizen_url(public, link.code),
                    qr_svg=routes.qr_svg_path(link.code),
                    qr_png=routes.qr_png_path(link.code),
                    sheet=routes.qr_sheet_path(link.version_id, code=link.code),
                    expires=(
                        local_date(link.expires_at - dt.timedelta(microseconds=1)).isoformat()
                        if link.expires_at
                        else ""
                    ),
                )
            )
        self.rows = rows

    @rx.event
    def choose_version(self, version_id: str):
        """Pick the version the new link opens (and its steps for the success step)."""
        if not self.authorised():
            return self.login_redirect()
        self.version_id = version_id
        self._refresh()
        return None

    @rx.event
    def create(self, form: dict):
        """Create a share link for the chosen version."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        lang = "en" if self.lang == "en" else "sv"
        expires_at = None
        expires = str(form.get("expires", "")).strip()
        if expires:
            try:
                day = dt.date.fromisoformat(expires)
            except ValueError:
                self.message = (
                    "Enter the last day as YYYY-MM-DD"
                    if lang == "en"
                    else "Ange sista dag som ÅÅÅÅ-MM-DD"
                )
                self.message_ok = False
                return None
            # Valid through the whole Swedish day, as `medskapa share` does
            expires_at = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time(), tzinfo=local_zone()
            )
        step = str(form.get("success_step", NO_STEP))
        try:
            prototypes.create_share_link(
                data.database(),
                self.version_id,
                label=str(form.get("label", "")).strip() or None,
                task=str(form.get("task", "")).strip() or None,
                success_step=None if step in ("", NO_STEP) else step,
                expires_at=expires_at,
                allow_under_13=bool(form.get("under13")),
                created_by=self.user_email,
                now=data.now(),
            )
        except prototypes.ShareLinkError as exc:
            self.message, self.message_ok = str(exc), False
        else:
            self.message, self.message_ok = t("share.created", lang), True
        self._refresh()
        return None

    @rx.event
    def revoke(self, code: str):
        """Close a link: it answers 410 from now on."""
        if not self.authorised("designer", "facilitator"):
            return self.login_redirect()
        try:
            prototypes.revoke_share_link(data.database(), code, now=data.now())
        except prototypes.ShareLinkError as exc:
            self.message, self.message_ok = str(exc), False
        self._refresh()
        return None


def _field(label_key: str, control: rx.Component, hint_key: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=control.id, style={"fontWeight": "bold"}),
        rx.cond(hint_key is not None, rx.text(tr(hint_key), size="2", color_scheme="gray"))
        if hint_key
        else rx.fragment(),
        control,
        spacing="1",
        width="100%",
    )


def create_form() -> rx.Component:
    """Version, label, task, success step, expiry, under-13 switch."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(tr("share.create"), size="4", as_="h2"),
                rx.vstack(
                    rx.el.label(
                        tr("share.version"), html_for="version", style={"fontWeight": "bold"}
                    ),
                    rx.el.select(
                        rx.foreach(
                            ShareState.versions, lambda c: rx.el.option(c.label, value=c.value)
                        ),
                        id="version",
                        name="version",
                        value=ShareState.version_id,
                        on_change=ShareState.choose_version,
                        style={"padding": "0.4em", "minWidth": "16em"},
                    ),
                    spacing="1",
                ),
                _field(
                    "share.label",
                    rx.input(
                        id="label", name="label", max_length=80, width="100%", max_width="30em"
                    ),
                    "share.label_hint",
                ),
                _field(
                    "share.task",
                    rx.text_area(
                        id="task",
                        name="task",
                        max_length=1000,
                        rows="3",
                        width="100%",
                        max_width="40em",
                    ),
                    "share.task_hint",
                ),
                rx.vstack(
                    rx.el.label(
                        tr("share.success"), html_for="success_step", style={"fontWeight": "bold"}
                    ),
                    rx.el.select(
                        rx.foreach(
                            ShareState.steps, lambda c: rx.el.option(c.label, value=c.value)
                        ),
                        id="success_step",
                        name="success_step",
                        style={"padding": "0.4em", "minWidth": "16em"},
                    ),
                    spacing="1",
                ),
                _field("share.expires", rx.input(id="expires", name="expires", type="date")),
                rx.hstack(
                    rx.el.input(type="checkbox", id="under13", name="under13", value="1"),
                    rx.el.label(tr("share.under13"), html_for="under13"),
                    align="center",
                ),
                rx.button(tr("share.create"), type="submit", id="create-link"),
                spacing="3",
                width="100%",
            ),
            on_submit=ShareState.create,
            reset_on_submit=True,
        ),
        width="100%",
    )


def link_card(row: rx.Var[LinkRow]) -> rx.Component:
    """A share link: QR, address, downloads, status, revoke."""
    return rx.card(
        rx.flex(
            rx.image(
                src=row.qr_svg, alt=tr("share.qr_alt") + row.url, width="140px", height="140px"
            ),
            rx.vstack(
                rx.hstack(
                    rx.heading(rx.cond(row.label != "", row.label, row.code), size="4", as_="h3"),
                    ui.badge(row.version),
                    rx.match(
                        row.status,
                        ("ok", ui.badge(tr("share.active"), color_scheme="green")),
                        ("revoked", ui.badge(tr("share.revoked"), color_scheme="red")),
                        ("expired", ui.badge(tr("share.expired"), color_scheme="gray")),
                        ui.badge(row.status),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.el.a(
                    row.url,
                    href=row.url,
                    target="_blank",
                    rel="noopener",
                    class_name="share-url",
                    reload_document=True,
                    style=ui.LINK_STYLE,
                ),
                rx.cond(row.task != "", rx.text(row.task, size="2")),
                rx.cond(
                    row.task != "",
                    rx.text(
                        tr("share.success_short"),
                        ": ",
                        rx.cond(row.success != "", row.success, tr("share.no_success")),
                        size="2",
                        color_scheme="gray",
                        class_name="share-success",
                    ),
                ),
                rx.cond(
                    row.expires != "", rx.text(tr("share.expires"), ": ", row.expires, size="2")
                ),
                rx.hstack(
                    ui.file_link(tr("share.png"), href=row.qr_png, download=""),
                    ui.file_link(tr("share.svg"), href=row.qr_svg, download=""),
                    ui.file_link(
                        tr("share.sheet"), href=row.sheet, target="_blank", rel="noopener"
                    ),
                    rx.cond(
                        row.status == "ok",
                        rx.button(
                            tr("share.revoke"),
                            on_click=ShareState.revoke(row.code),
                            color_scheme="red",
                            variant="soft",
                            size="1",
                        ),
                    ),
                    spacing="4",
                    wrap="wrap",
                    align="center",
                ),
                spacing="2",
            ),
            gap="1em",
            wrap="wrap",
        ),
        width="100%",
        class_name="share-link",
    )


def share_page() -> rx.Component:
    """The share page of a journey."""
    return page(
        rx.cond(ShareState.found, ShareState.title, tr("common.not_found")),
        rx.cond(
            ShareState.found,
            rx.vstack(
                journey_nav(ShareState.links, "share"),
                rx.text(tr("share.lead")),
                rx.cond(
                    ShareState.versions.length() > 0,
                    create_form(),
                    notice(tr("share.no_versions"), ok=False),
                ),
                rx.cond(
                    ShareState.message != "",
                    notice(ShareState.message, ok=ShareState.message_ok),
                ),
                rx.cond(
                    ShareState.rows.length() > 0,
                    rx.vstack(rx.foreach(ShareState.rows, link_card), width="100%", spacing="3"),
                    rx.text(
                        rx.cond(
                            ShareState.versions.length() > 0,
                            tr("share.none_yet"),
                            tr("share.none"),
                        ),
                        id="share-empty",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            rx.link(tr("common.back"), href="/"),
        ),
    )
