"""Server-rendered pages and HTTP routes that live beside the Reflex app.

Citizen pages (``/t/<code>``), participant pages (``/w/<code>``), the health check,
sign-in endpoints for the designer app and the designer's downloads (QR codes, printable QR
card sheets, journey exports, step previews). :func:`create_api` builds the Starlette app
that the Reflex app mounts in front of itself with ``rx.App(api_transformer=...)``.
"""

from toolkit.web.app import PagesFirst, create_api, set_session_cookie

__all__ = ["PagesFirst", "create_api", "set_session_cookie"]
