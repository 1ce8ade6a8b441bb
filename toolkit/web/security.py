"""Security headers for our own responses, and nothing else.

Reflex is mounted underneath our Starlette app (``rx.App(api_transformer=...)``), so a plain
middleware would also put our strict Content-Security-Policy on Reflex's pages, whose
bundle needs inline scripts. :class:`SecurityHeaders` therefore decorates a response only
when one of *our* routes answered it (or no route did), judged by the ``endpoint`` Starlette
records in the scope while routing.

Each request gets a fresh CSP nonce (``request.state.csp_nonce``) for the one inline
``<style>`` that carries the organisation's colour. No inline script is ever allowed.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_KEY = "csp_nonce"


def new_nonce() -> str:
    """A fresh CSP nonce."""
    return secrets.token_urlsafe(16)


def security_headers(nonce: str, *, https: bool = False) -> dict[str, str]:
    """The headers every page of ours carries."""
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "SAMEORIGIN",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Robots-Tag": "noindex, nofollow",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


_NONCE_MARK = "\x00nonce\x00"


@functools.cache
def _raw_headers(https: bool) -> tuple[tuple[bytes, bytes, bool], ...]:
    """:func:`security_headers` as ASGI header pairs, made once: (name, value, whether the
    value carries the nonce mark)."""
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1"), _NONCE_MARK in value)
        for name, value in security_headers(_NONCE_MARK, https=https).items()
    )


def add_security_headers(message: Message, nonce: str, *, https: bool = False) -> None:
    """Add :func:`security_headers` to a ``http.response.start`` message, except those the
    response set itself."""
    headers = list(message.get("headers") or [])
    present = {name.lower() for name, _ in headers}
    mark = _NONCE_MARK.encode("latin-1")
    for name, value, has_nonce in _raw_headers(https):
        if name not in present:
            headers.append(
                (name, value.replace(mark, nonce.encode("latin-1")) if has_nonce else value)
            )
    message["headers"] = headers


def nonce_of(scope: Scope) -> str:
    """The request's nonce (made here when the middleware did not run, as in 500 pages)."""
    state = scope.setdefault("state", {})
    if NONCE_KEY not in state:
        state[NONCE_KEY] = new_nonce()
    return str(state[NONCE_KEY])


class SecurityHeaders:
    """ASGI middleware: our security headers on responses from our own endpoints."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        own_endpoints: Callable[[], Collection[object]],
        https: bool = False,
    ) -> None:
        self.app = app
        self.own_endpoints = own_endpoints
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = nonce_of(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                endpoint = scope.get("endpoint")
                if endpoint is None or endpoint in self.own_endpoints():
                    add_security_headers(message, nonce, https=self.https)
            await send(message)

        await self.app(scope, receive, send_with_headers)
