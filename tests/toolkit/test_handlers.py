"""How citizen and participant handlers run (ADR 0012): in the event loop by default, in
the thread pool with ``MEDSKAPA_PAGE_THREADS=1``; a Stop answers, a bad body is refused."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from toolkit.settings import Settings, SettingsError
from toolkit.web import handlers
from toolkit.web.forms import MAX_BODY_BYTES, Stop, TooLarge


@dataclass
class _Site:
    settings: Settings


@dataclass
class _Pages:
    site: _Site
    threads: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @contextlib.contextmanager
    def db(self) -> Iterator[Any]:
        yield "db"

    def body_problem(self, request: Request, problem: Exception) -> Response:
        self.problems.append(type(problem).__name__)
        return PlainTextResponse("för stort" if isinstance(problem, TooLarge) else "fel", 413)

    @handlers.page(lambda pages: pages.db())
    def show(self, request: Request, db: Any) -> Response:
        self.threads.append(threading.current_thread().name)
        if request.query_params.get("stop"):
            raise Stop(PlainTextResponse("stoppad", 409))
        return PlainTextResponse(f"sida med {db}")

    @handlers.form(lambda pages: pages.db())
    def post(self, request: Request, db: Any, form: dict[str, list[str]]) -> Response:
        self.threads.append(threading.current_thread().name)
        return PlainTextResponse(",".join(form.get("svar", [])))


def _call(pages: _Pages, method: str, path: str, **kwargs: Any) -> httpx.Response:
    app = Starlette(
        routes=[Route("/p", pages.show, methods=["GET"]), Route("/p", pages.post, methods=["POST"])]
    )

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            loop_thread = threading.current_thread().name
            response = await client.request(method, path, **kwargs)
            response.extensions["loop_thread"] = loop_thread
            return response

    return asyncio.run(go())


def test_handlers_run_in_the_event_loop_by_default() -> None:
    pages = _Pages(_Site(Settings()))
    shown = _call(pages, "GET", "/p")
    posted = _call(pages, "POST", "/p", data={"svar": ["a", "b"]})
    assert (shown.status_code, shown.text) == (200, "sida med db")
    assert (posted.status_code, posted.text) == (200, "a,b")
    assert pages.threads == [shown.extensions["loop_thread"], posted.extensions["loop_thread"]]


def test_page_threads_puts_handlers_in_the_thread_pool() -> None:
    pages = _Pages(_Site(Settings(page_threads=True)))
    shown = _call(pages, "GET", "/p")
    posted = _call(pages, "POST", "/p", data={"svar": "c"})
    assert (shown.text, posted.text) == ("sida med db", "c")
    assert shown.extensions["loop_thread"] not in pages.threads


@pytest.mark.parametrize("threads", [False, True])
def test_stop_answers_with_its_response_and_bad_bodies_go_to_body_problem(threads: bool) -> None:
    pages = _Pages(_Site(Settings(page_threads=threads)))
    stopped = _call(pages, "GET", "/p?stop=1")
    assert (stopped.status_code, stopped.text) == (409, "stoppad")
    huge = _call(pages, "POST", "/p", data={"svar": "x" * (MAX_BODY_BYTES + 10)})
    not_a_form = _call(pages, "POST", "/p", json={"svar": "x"})
    assert (huge.status_code, huge.text) == (413, "för stort")
    assert not_a_form.text == "fel"
    assert pages.problems == ["TooLarge", "Unreadable"]


def test_the_setting_is_read_from_the_environment_and_bad_values_say_how_to_fix() -> None:
    assert Settings.from_env({"MEDSKAPA_PAGE_THREADS": "1"}).page_threads is True
    assert Settings.from_env({"MEDSKAPA_PAGE_THREADS": "nej"}).page_threads is False
    assert Settings.from_env({}).page_threads is False
    with pytest.raises(SettingsError, match="MEDSKAPA_PAGE_THREADS ska vara 1"):
        Settings.from_env({"MEDSKAPA_PAGE_THREADS": "kanske"})
