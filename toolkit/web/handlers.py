"""How the citizen and participant routes run their handlers (ADR 0012).

A handler is plain synchronous code: ``fn(self, request, db)`` for a page,
``fn(self, request, db, form)`` for a posted form, with the thread's pooled connection.
By default it runs right in the server's event loop. Each one takes about a millisecond
(SQLite is in-process, the pages are small), and handing it to a worker thread cost more
than the work: the hop, and threads taking the GIL from one another under load (measured
in ADR 0012). ``MEDSKAPA_PAGE_THREADS=1`` (:attr:`Settings.page_threads`) puts them back in
Starlette's thread pool, for a deployment whose disk makes a commit slow.

:class:`Stop` raised by a handler answers with its response. A handler's last write may be
left for the database's writer thread (:func:`later`, ADR 0015): the answer is sent once
it is stored and on disk.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from journeys import store as journey_store
from toolkit.db import ConnectionPool, Many, take_pending, wait_durable
from toolkit.web.forms import Stop, TooLarge, Unreadable, read_body_form

T = TypeVar("T")

Handler = Callable[..., Response]
DbOf = Callable[[Any], AbstractContextManager[Database]]


Instead = Callable[[Exception], Response | None]
"""The answer to give when a write left for later (:func:`later`) raised, or None to let
the error through (the app's 503 page)."""

_LEFT = threading.local()
"""Writes the running handler left for its pool's writer (only inside :func:`run`)."""


def later(pool: ConnectionPool, many: Many, payload: Any, instead: Instead) -> None:
    """Store ``payload`` with ``many`` (see :class:`toolkit.db.Writer`), the handler's last
    write, before the answer goes out.

    In the event loop it is left for the pool's writer thread (ADR 0015): the handler goes
    on and returns its answer, which is sent once the write is on disk, or replaced by
    ``instead(error)`` when the write failed. Anywhere else it is done now, and
    ``instead(error)`` is raised as :class:`Stop`. Nothing the handler does after this
    call may write, or depend on the write being stored."""
    left: list[tuple[ConnectionPool, Many, Any, Instead]] | None = getattr(_LEFT, "items", None)
    if left is not None:
        left.append((pool, many, payload, instead))
        return
    try:
        with pool.connection() as db:
            [(ok, value)] = journey_store.write(db, lambda: many(db, [payload]))
        if not ok:
            raise value
    except Exception as exc:
        answer = instead(exc)
        if answer is None:
            raise
        raise Stop(answer) from None


async def run(pages: Any, work: Callable[..., T], *args: Any) -> T:
    """``work(*args)`` in the event loop, or in the thread pool when ``pages`` (a page class
    with a ``site``) is so configured; the answer waits until what ``work`` committed, and
    what it left for the writer thread (:func:`later`), is on disk
    (:class:`toolkit.db.GroupSync`, ADR 0013)."""
    if pages.site.settings.page_threads:
        return await run_in_threadpool(work, *args)  # the worker thread waited for the disk
    left: list[tuple[ConnectionPool, Many, Any, Instead]] = []
    _LEFT.items = left
    try:
        answer = work(*args)
    finally:
        _LEFT.items = None
        pending = take_pending()
    await wait_durable(pending)
    for pool, many, payload, instead in left:
        try:
            await pool.writer.write(many, payload)
        except Exception as exc:
            replaced = instead(exc)
            if replaced is None:
                raise
            return replaced  # type: ignore[return-value]
    return answer


def _with_db(db_of: DbOf, fn: Handler, pages: Any, request: Request, *rest: Any) -> Response:
    """``fn(pages, request, db, *rest)`` with the connection ``db_of(pages)`` gives;
    :class:`Stop` answers with its response."""
    try:
        with db_of(pages) as db:
            return fn(pages, request, db, *rest)
    except Stop as stop:
        return stop.response


def page(db_of: DbOf) -> Callable[[Handler], Callable[[Any, Request], Awaitable[Response]]]:
    """A GET endpoint: ``fn(self, request, db)`` with the connection ``db_of(self)`` gives."""

    def decorate(fn: Handler) -> Callable[[Any, Request], Awaitable[Response]]:
        @functools.wraps(fn)
        async def endpoint(self: Any, request: Request) -> Response:
            return await run(self, _with_db, db_of, fn, self, request)

        return endpoint

    return decorate


def form(db_of: DbOf) -> Callable[[Handler], Callable[[Any, Request], Awaitable[Response]]]:
    """A POST endpoint: read the form (64 KB at most), then ``fn(self, request, db, form)``;
    a body that is too large or not a form goes to ``self.body_problem(request, problem)``."""

    def decorate(fn: Handler) -> Callable[[Any, Request], Awaitable[Response]]:
        @functools.wraps(fn)
        async def endpoint(self: Any, request: Request) -> Response:
            try:
                posted = await read_body_form(request)
            except (TooLarge, Unreadable) as problem:
                return await run(self, self.body_problem, request, problem)
            return await run(self, _with_db, db_of, fn, self, request, posted)

        return endpoint

    return decorate
