"""PagesFirst (toolkit.web.app): citizen and participant requests go straight to our app,
everything else (the designer app, the lifespan) to Reflex's."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from toolkit.web import PagesFirst


class _Recorder:
    def __init__(self, name: str, calls: list[tuple[str, str]]) -> None:
        self.name, self.calls = name, calls

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls.append((self.name, scope.get("path", scope["type"])))


@pytest.mark.parametrize(
    ("scope", "goes_to"),
    [
        ({"type": "http", "path": "/t/abc123"}, "pages"),
        ({"type": "http", "path": "/t/abc123/s/start"}, "pages"),
        ({"type": "http", "path": "/w"}, "pages"),
        ({"type": "http", "path": "/w/K7Q2/vote"}, "pages"),
        ({"type": "http", "path": "/static/medskapa.css"}, "pages"),
        ({"type": "http", "path": "/"}, "reflex"),
        ({"type": "http", "path": "/login"}, "reflex"),  # our app again, through Reflex's
        ({"type": "http", "path": "/tjanster"}, "reflex"),
        ({"type": "http", "path": "/workshops"}, "reflex"),
        ({"type": "websocket", "path": "/_event"}, "reflex"),
        ({"type": "lifespan"}, "reflex"),
    ],
)
def test_only_page_requests_skip_reflexs_outer_app(scope: dict[str, Any], goes_to: str) -> None:
    calls: list[tuple[str, str]] = []
    front = PagesFirst(_Recorder("pages", calls), _Recorder("reflex", calls))
    asyncio.run(front(scope, None, None))
    assert [name for name, _ in calls] == [goes_to]
