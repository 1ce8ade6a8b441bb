"""The small shared state: who is signed in and which language the interface speaks.

Sign-in itself is a plain server-rendered form (``/login``) that sets an HttpOnly session
cookie; the Reflex app only reads that cookie from the websocket handshake and asks
:mod:`toolkit.accounts` who it belongs to. Every page state subclasses :class:`SessionState`
and calls :meth:`SessionState.authorised` before it loads or changes anything.
"""

from __future__ import annotations

import json

import reflex as rx

from toolkit import accounts
from toolkit.app import data
from toolkit.i18n import STRINGS
from toolkit.routes import SESSION_COOKIE, login_path


class SessionState(rx.State):
    """The signed-in designer or facilitator, and the interface language."""

    user_email: str = ""
    user_role: str = ""
    lang: str = rx.Cookie("sv", name="medskapa_lang", max_age=365 * 24 * 3600)

    def authorised(self, *roles: str) -> bool:
        """True when the request carries a live session (of one of ``roles``, if given)."""
        token = data.cookie_value(self.router.headers.cookie, SESSION_COOKIE)
        user = accounts.user_for_session(data.database(), token, now=data.now()) if token else None
        if user is None or (roles and user.role not in roles):
            self.user_email = ""
            self.user_role = ""
            return False
        self.user_email = user.email
        self.user_role = user.role
        return True

    def login_redirect(self) -> rx.event.EventSpec:
        """Send the browser (a full page load, not the client router: the sign-in page is
        server-rendered) to the sign-in page, coming back here afterwards."""
        here = self.router.url.path or "/"
        query = self.router.url.query
        target = login_path(here + (f"?{query}" if query else ""))
        return rx.call_script(f"window.location.replace({json.dumps(target)})")

    @rx.event
    def toggle_lang(self) -> None:
        """Switch between Swedish and English."""
        self.lang = "en" if self.lang == "sv" else "sv"

    @rx.var
    def is_en(self) -> bool:
        """True when the interface speaks English."""
        return self.lang == "en"


def tr(key: str) -> rx.Var:
    """An interface string that follows the language toggle."""
    sv, en = STRINGS[key]
    return rx.cond(SessionState.lang == "en", en, sv)
