"""Settings: the organisation's name and colour, used to theme the citizen pages."""

from __future__ import annotations

import reflex as rx

from toolkit.app import data
from toolkit.app.components.layout import notice, page
from toolkit.app.state import SessionState, tr
from toolkit.db import get_organisation, set_organisation
from toolkit.i18n import t
from toolkit.settings import SettingsError


class SettingsState(SessionState):
    """Organisation name and colour."""

    org_name: str = ""
    org_colour: str = "#1d3a5f"
    message: str = ""
    message_ok: bool = True

    @rx.event
    def load(self):
        """Refuse anonymous visitors; otherwise show the stored values."""
        if not self.authorised():
            return self.login_redirect()
        org = get_organisation(data.database())
        self.org_name, self.org_colour, self.message = org.name, org.colour, ""
        return None

    @rx.event
    def save(self, form: dict):
        """Check and store; a refused value keeps what was stored."""
        if not self.authorised("designer"):
            return self.login_redirect()
        lang = "en" if self.lang == "en" else "sv"
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
        self.message, self.message_ok = t("settings.saved", lang), True
        return None


def settings_page() -> rx.Component:
    """The settings page."""
    return page(
        tr("settings.title"),
        rx.card(
            rx.form(
                rx.vstack(
                    rx.el.label(
                        tr("settings.org"), html_for="org_name", style={"fontWeight": "bold"}
                    ),
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
        ),
        rx.cond(
            SettingsState.message != "",
            notice(SettingsState.message, ok=SettingsState.message_ok),
        ),
    )
