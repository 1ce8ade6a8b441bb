"""Reading a posted form safely, and stopping a handler with an answer.

Shared by the citizen pages (:mod:`toolkit.web.citizen`), the participant pages
(:mod:`toolkit.web.participant`) and the way both run their handlers
(:mod:`toolkit.web.handlers`).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

MAX_BODY_BYTES = 64 * 1024
MAX_FORM_FIELDS = 200


class Stop(Exception):
    """Stop handling a request and answer with ``response`` (an error page, a redirect)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class TooLarge(Exception):
    """The posted body is larger than :data:`MAX_BODY_BYTES`."""


class Unreadable(Exception):
    """The posted body is not a readable ``application/x-www-form-urlencoded`` form."""


async def read_body_form(request: Request) -> dict[str, list[str]]:
    """The posted form (``application/x-www-form-urlencoded``), at most 64 KB.

    Raises :class:`TooLarge` or :class:`Unreadable` for anything else.
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Unreadable
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise TooLarge
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise TooLarge
    except ClientDisconnect as exc:
        raise Unreadable from exc
    try:
        text = bytes(body).decode("utf-8", errors="replace")
        return parse_qs(
            text,
            keep_blank_values=True,
            max_num_fields=MAX_FORM_FIELDS,
            encoding="utf-8",
            errors="replace",
        )
    except ValueError as exc:
        raise Unreadable from exc
