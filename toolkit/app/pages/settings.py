"""Settings: the organisation's name and colour (the citizen pages' theme), and the API tokens
of the open-data API (``/api/v1``): create one with a label (shown once, to copy), see which
exist, revoke one. Only designers may change anything here; tokens are shown to designers
only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import reflex as rx

from toolkit import api_tokens
from toolkit.app import data
from toolkit.app.components import ui
from toolkit.app.components.layout import notice, page
from toolkit.app.state import SessionState, tr
from toolkit.db import get_organisation, set_organisation
from toolkit.i18n import t
from toolkit.settings import SettingsError, local_time


@dataclass
class TokenRow:
    """One API token as the table shows it (never the token, nor its hash)."""

    id: str = ""
    name: str = ""
    created: str = ""
    created_by: str = ""
    revoked: str = ""
    last_used: str = ""
    active: bool = True


def _day(moment: dt.datetime) -> str:
    return local_time(moment)


def token_rows(tokens: list[api_tokens.ApiToken]) -> list[TokenRow]:
    """Active tokens first (newest first), then revoked ones, with local times (when made,
    revoked and last used; the last use is kept to the minute)."""
    ordered = sorted(tokens, key=lambda k: (not k.active, -k.id))
    return [
        TokenRow(
            id=str(k.id),
            name=k.name,
            created=_day(k.created_at),
            created_by=k.created_by,
            revoked=_day(k.revoked_at) if k.revoked_at else "",
            last_used=_day(k.last_used_at) if k.last_used_at else "",
            active=k.active,
        )
        for k in ordered
    ]


class SettingsState(SessionState):
    """Organisation name and colour; API tokens."""

    org_name: str = ""
    org_colour: str = "#1d3a5f"
    message: str = ""
    message_ok: bool = True
    tokens: list[TokenRow] = []
    new_token: str = ""
    new_token_name: str = ""
    token_message: str = ""
    token_message_ok: bool = True

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise show the stored values."""
        if not self.authorised():
            return self.login_redirect()
        org = get_organisation(data.database())
        self.org_name, self.org_colour, self.message = org.name, org.colour, ""
        self.new_token, self.new_token_name, self.token_message = "", "", ""
        self._list_tokens()
        return None

    def _lang(self) -> str:
        return "en" if self.lang == "en" else "sv"

    def _list_tokens(self) -> None:
        is_designer = self.user_role == "designer"
        self.tokens = token_rows(api_tokens.list_tokens(data.database())) if is_designer else []

    @rx.var
    def is_designer(self) -> bool:
        """Only designers see and manage API tokens."""
        return self.user_role == "designer"

    @rx.event
    def save(self, form: dict):
        """Check and store; a refused value keeps what was stored."""
        if not self.authorised("designer"):
            return self.login_redirect()
        try:
            org = set_organisation(
                data.database(),
                name=str(form.get("org_name", "")),
                colour=str(form.get("org_colour", "")),
                now=data.now(),
            )
        except SettingsError as exc:
            self.message, self.message_ok = str(exc), False
            return None
        self.org_name, self.org_colour = org.name, org.colour
        self.message, self.message_ok = t("settings.saved", self._lang()), True
        return None

    @rx.event
    def create_token(self, form: dict):
        """Make a token with the label given and show it once."""
        if not self.authorised("designer"):
            return self.login_redirect()
        try:
            token, secret = api_tokens.create_token(
                data.database(),
                str(form.get("token_name", "")),
                created_by=self.user_email,
                now=data.now(),
            )
        except api_tokens.TokenError as exc:
            self.new_token, self.token_message, self.token_message_ok = "", str(exc), False
            return None
        self.new_token, self.new_token_name = secret, token.name
        self.token_message, self.token_message_ok = "", True
        self._list_tokens()
        return None

    @rx.event
    def forget_token(self):
        """Hide the token shown once (it cannot be shown again)."""
        self.new_token, self.new_token_name = "", ""

    @rx.event
    def copy_token(self):
        """Put the new token on the clipboard. Browsers allow that only on https or
        localhost, so no message claims it worked: the token stays on screen to select."""
        return rx.set_clipboard(self.new_token) if self.new_token else None

    @rx.event
    def revoke_token(self, token_id: str):
        """Revoke a token for good: scripts using it are refused from now on."""
        if not self.authorised("designer"):
            return self.login_redirect()
        try:
            revoked = api_tokens.revoke_token(data.database(), int(token_id), now=data.now())
        except (ValueError, api_tokens.TokenError) as exc:
            self.token_message, self.token_message_ok = str(exc), False
            return None
        lang = self._lang()
        self.token_message = (
            f"The token {revoked.name} is revoked."
            if lang == "en"
            else f"Nyckeln {revoked.name} är återkallad."
        )
        self.token_message_ok = True
        self._list_tokens()
        return None


def organisation_card() -> rx.Component:
    """Name and colour of the organisation."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(tr("settings.org_title"), size="4", as_="h2"),
                rx.el.label(tr("settings.org"), html_for="org_name", style={"fontWeight": "bold"}),
                rx.input(
                    id="org_name",
                    name="org_name",
                    default_value=SettingsState.org_name,
                    key=SettingsState.org_name,
                    max_length=120,
                    width="100%",
                ),
                rx.el.label(
                    tr("settings.colour"), html_for="org_colour", style={"fontWeight": "bold"}
                ),
                rx.hstack(
                    rx.el.input(
                        type="color",
                        id="org_colour",
                        name="org_colour",
                        default_value=SettingsState.org_colour,
                        key=SettingsState.org_colour,
                        style={"width": "4em", "height": "2.5em"},
                    ),
                    rx.code(SettingsState.org_colour),
                    align="center",
                ),
                rx.button(tr("settings.save"), type="submit", id="save-settings"),
                spacing="2",
                width="100%",
            ),
            on_submit=SettingsState.save,
        ),
        width="100%",
    )


def token_list() -> rx.Component:
    """Every token: label, when and by whom it was made, whether it still works (a list, not
    a table, so it fits a phone without scrolling sideways)."""
    s = SettingsState
    return rx.cond(
        s.tokens.length() > 0,
        rx.el.ul(
            rx.foreach(
                s.tokens,
                lambda k: rx.el.li(
                    rx.hstack(
                        rx.vstack(
                            rx.text(k.name, weight="bold"),
                            rx.text(
                                tr("settings.token_col_created"),
                                " ",
                                k.created,
                                " · ",
                                k.created_by,
                                size="2",
                            ),
                            rx.text(
                                rx.cond(
                                    k.last_used != "",
                                    rx.fragment(tr("settings.token_last_used"), " ", k.last_used),
                                    tr("settings.token_never_used"),
                                ),
                                size="2",
                                class_name="token-last-used",
                            ),
                            spacing="1",
                        ),
                        rx.spacer(),
                        rx.cond(
                            k.active,
                            ui.badge(tr("settings.token_active"), color_scheme="green"),
                            ui.badge(
                                tr("settings.token_revoked"), " ", k.revoked, color_scheme="gray"
                            ),
                        ),
                        rx.cond(
                            k.active,
                            rx.button(
                                tr("settings.token_revoke"),
                                aria_label=rx.cond(
                                    SessionState.lang == "en",
                                    "Revoke " + k.name,
                                    "Återkalla " + k.name,
                                ),
                                color_scheme="red",
                                variant="outline",
                                high_contrast=True,
                                size="1",
                                on_click=s.revoke_token(k.id),
                            ),
                        ),
                        align="center",
                        wrap="wrap",
                        spacing="3",
                        width="100%",
                    ),
                    id="token-" + k.id,
                    style={
                        "listStyle": "none",
                        "padding": "0.6em 0",
                        "borderTop": "1px solid var(--gray-6)",
                    },
                ),
            ),
            style={"margin": "0", "padding": "0", "width": "100%"},
            id="token-list",
        ),
        rx.text(tr("settings.token_none"), size="2"),
    )


def tokens_card() -> rx.Component:
    """API tokens: make one (shown once, with a copy button), list, revoke."""
    s = SettingsState
    return rx.card(
        rx.vstack(
            rx.heading(tr("settings.tokens"), size="4", as_="h2"),
            rx.text(tr("settings.tokens_hint"), size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        tr("settings.token_name"),
                        html_for="token_name",
                        style={"fontWeight": "bold"},
                    ),
                    rx.hstack(
                        rx.input(
                            id="token_name",
                            name="token_name",
                            max_length=api_tokens.MAX_NAME_LENGTH,
                            placeholder=tr("settings.token_placeholder"),
                            width="min(24em, 100%)",
                        ),
                        rx.button(tr("settings.token_create"), type="submit", id="create-token"),
                        wrap="wrap",
                        spacing="2",
                    ),
                    spacing="1",
                    width="100%",
                ),
                on_submit=s.create_token,
                reset_on_submit=True,
                width="100%",
            ),
            rx.cond(
                s.new_token != "",
                rx.callout.root(
                    rx.callout.text(
                        rx.text(
                            s.new_token_name, ": ", tr("settings.token_created"), weight="bold"
                        ),
                        rx.hstack(
                            ui.code(s.new_token, id="new-token", style={"wordBreak": "break-all"}),
                            rx.button(
                                tr("settings.token_copy"),
                                size="1",
                                on_click=s.copy_token,
                                id="copy-token",
                            ),
                            rx.button(
                                tr("settings.token_done"),
                                size="1",
                                variant="outline",
                                high_contrast=True,
                                on_click=s.forget_token,
                            ),
                            align="center",
                            wrap="wrap",
                            margin_top="0.5em",
                        ),
                    ),
                    color_scheme="amber",
                    high_contrast=True,
                    role="status",
                    width="100%",
                ),
            ),
            rx.cond(s.token_message != "", notice(s.token_message, ok=s.token_message_ok)),
            token_list(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="api-tokens",
    )


def settings_page() -> rx.Component:
    """The settings page."""
    s = SettingsState
    return page(
        tr("settings.title"),
        organisation_card(),
        rx.cond(s.message != "", notice(s.message, ok=s.message_ok)),
        rx.cond(
            s.is_designer,
            tokens_card(),
            rx.text(tr("settings.tokens_designers"), size="2"),
        ),
    )
