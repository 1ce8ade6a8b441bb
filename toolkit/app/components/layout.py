"""The page shell shared by every designer page: skip link, header, main landmark."""

from __future__ import annotations

import reflex as rx

from toolkit.app.state import SessionState, tr

NAVY = "#1d3a5f"

# Reflex handles <form> submits itself, so sign-out posts with fetch and then leaves the app.
SIGN_OUT_SCRIPT = (
    "fetch('/logout', {method: 'POST', credentials: 'same-origin', "
    "headers: {'Accept': 'application/json'}})"
    ".finally(() => window.location.replace('/login'))"
)


def header() -> rx.Component:
    """Brand, navigation, who is signed in, language toggle and sign-out."""
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.hstack(rx.icon("users-round", size=22), rx.text("Medskapa", weight="bold")),
                href="/",
                color="white",
                underline="none",
                aria_label=tr("nav.home_label"),
            ),
            rx.el.nav(
                rx.hstack(
                    rx.link(tr("nav.journeys"), href="/", color="white"),
                    rx.link(tr("nav.workshops"), href="/workshops", color="white"),
                    rx.link(tr("nav.settings"), href="/settings", color="white"),
                    spacing="4",
                ),
                aria_label=tr("nav.main_label"),
            ),
            rx.spacer(),
            rx.text(SessionState.user_email, size="2", color="white"),
            rx.button(
                tr("lang.toggle"),
                on_click=SessionState.toggle_lang,
                variant="outline",
                size="1",
                style={"color": "white", "boxShadow": "inset 0 0 0 1px white"},
                id="lang-toggle",
                lang=rx.cond(SessionState.is_en, "sv", "en"),
            ),
            rx.button(
                tr("nav.signout"),
                type="button",
                size="1",
                id="sign-out",
                on_click=rx.call_script(SIGN_OUT_SCRIPT),
                style={"background": "white", "color": NAVY, "fontWeight": "bold"},
            ),
            align="center",
            spacing="5",
            wrap="wrap",
            padding_x="1.5em",
            padding_y="0.75em",
        ),
        background=NAVY,
    )


def page(title: rx.Var | str, *children: rx.Component, wide: bool = False) -> rx.Component:
    """A designer page: header, then a main landmark with the page heading first.

    The content shows only once the session is known to be signed in, so nothing flashes
    for anonymous visitors (they are sent to /login).
    """
    return rx.box(
        rx.el.a(
            tr("nav.skip"),
            href="#main",
            class_name="skip-link",
            style={
                "position": "absolute",
                "left": "-9999px",
                "&:focus": {"left": "1em", "top": "1em", "background": "white", "padding": "0.5em"},
            },
        ),
        header(),
        rx.el.main(
            rx.cond(
                SessionState.user_email != "",
                rx.vstack(
                    rx.heading(title, size="7", as_="h1"),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                rx.text(tr("common.loading"), aria_live="polite"),
            ),
            id="main",
            tab_index=-1,
            padding="1.5em",
            max_width="none" if wide else "72em",
            margin_x="auto",
        ),
        lang=rx.cond(SessionState.is_en, "en", "sv"),
    )


def notice(text: rx.Var | str, *, ok: rx.Var | bool = True) -> rx.Component:
    """A status message read out by screen readers (green when ok, red otherwise)."""
    return rx.cond(
        ok,
        rx.callout(
            text,
            icon="circle-check",
            color_scheme="green",
            role="status",
            width="100%",
            high_contrast=True,
        ),
        rx.callout(
            text,
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
            high_contrast=True,
        ),
    )
