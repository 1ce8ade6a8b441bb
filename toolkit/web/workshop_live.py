"""Wake the facilitator's live pages the moment a workshop changes (ADR 0011).

The run page and the projector keep a Reflex background task per open tab (see
:func:`toolkit.app.pages.workshop_run.keep_live`). Each task waits here for its workshop:
:func:`watching` gives it an :class:`asyncio.Event`, and every place that writes to a
workshop in this process (the participant routes in :mod:`toolkit.web.participant`, the
facilitator's own buttons) calls :func:`changed` after its commit. The task wakes at once,
reloads what its tab shows and sends it over the tab's websocket.

Plain Python and asyncio, no Reflex: the routes run in the server's event loop (ADR 0012)
or, with ``MEDSKAPA_PAGE_THREADS=1``, in Starlette's thread pool, so a wake-up is handed to
each waiter's event loop with ``call_soon_threadsafe``, which is right from either.
Everything here is per process; ``medskapa serve`` runs one backend process (Reflex starts
more only with Redis), and writes from another process (the CLI) are still seen by the
pages' slow poll.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


class LiveBoard:
    """Who is waiting for which workshop, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    @contextmanager
    def watching(self, workshop_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever ``workshop_id`` changes, while the ``with`` block lasts.

        Must be entered inside a running event loop (a Reflex background task)."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.setdefault(workshop_id, set()).add(waiter)
        try:
            yield waiter[1]
        finally:
            with self._lock:
                waiting = self._waiters.get(workshop_id)
                if waiting is not None:
                    waiting.discard(waiter)
                    if not waiting:
                        del self._waiters[workshop_id]

    def changed(self, workshop_id: str) -> int:
        """Wake every page watching ``workshop_id``; returns how many were woken.

        Safe from any thread and cheap (a dictionary lookup): call it after each write."""
        with self._lock:
            waiting = list(self._waiters.get(workshop_id, ()))
        woken = 0
        for loop, event in waiting:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that loop has closed: the process is shutting down
                continue
            woken += 1
        return woken

    def watchers(self, workshop_id: str) -> int:
        """How many pages are watching ``workshop_id`` now."""
        with self._lock:
            return len(self._waiters.get(workshop_id, ()))


BOARD = LiveBoard()
"""The board of this process."""


def changed(workshop_id: str) -> int:
    """Wake the live pages of ``workshop_id`` (see :meth:`LiveBoard.changed`)."""
    return BOARD.changed(workshop_id)


def watching(workshop_id: str) -> AbstractContextManager[asyncio.Event]:
    """Wait for changes of ``workshop_id`` (see :meth:`LiveBoard.watching`)."""
    return BOARD.watching(workshop_id)


async def wait(event: asyncio.Event, timeout: float) -> bool:
    """Wait for ``event`` at most ``timeout`` seconds; True (and cleared) when it was set."""
    if not event.is_set():
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
    event.clear()
    return True
