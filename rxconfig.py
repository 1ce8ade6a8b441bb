"""Reflex configuration: the designer and facilitator app lives in toolkit/app.

``medskapa serve`` sets MEDSKAPA_PUBLIC_URL and MEDSKAPA_PORT; only pages from that address
(or this machine's loopback on the same port) may open the app's websocket.
"""

import os
from urllib.parse import urlsplit

import reflex as rx


def _allowed_origins() -> list[str]:
    public = os.environ.get("MEDSKAPA_PUBLIC_URL", "")
    port = os.environ.get("MEDSKAPA_PORT", "3000")
    if not public or os.environ.get("MEDSKAPA_DEV") == "1":
        return ["*"]
    parts = urlsplit(public)
    origins = {f"{parts.scheme}://{parts.netloc}"}
    origins.update({f"http://localhost:{port}", f"http://127.0.0.1:{port}"})
    return sorted(origins)


config = rx.Config(
    app_name="medskapa",
    app_module_import="toolkit.app.app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=_allowed_origins(),
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", radius="medium")
        ),
    ],
)
