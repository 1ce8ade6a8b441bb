"""Open the Medskapa database and bring every package's tables up to date.

Each domain package owns its tables and its ordered migrations; this module applies them
all, bottom layer first (journeys, prototypes, feedback, workshops, then the toolkit's
own), every time the database is opened. Opening is cheap when nothing is pending.

The toolkit's own tables::

    app_settings  key (pk), value, updated_at      the server secret, organisation name, colour
    users         id (pk), email (unique, lower case), role (designer|facilitator),
                  password_hash (argon2), created_at, failed_attempts, locked_until
    sessions      token_hash (pk, sha256 of the cookie value), user_id (fk), created_at,
                  expires_at, ended_at
    api_tokens    id (pk), name, token_hash (unique, sha256), created_at, created_by,
                  revoked_at                       (m002, see :mod:`toolkit.api_tokens`)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from journeys import store as journey_store
from toolkit.settings import (
    DEFAULT_COLOUR,
    Organisation,
    SettingsError,
    check_colour,
    check_org_name,
)

BUSY_TIMEOUT_MS = 5000

TOOLKIT_MIGRATIONS = Migrations("toolkit")
"""The toolkit's own tables (settings, accounts, sessions), applied after the domain's."""


T = TypeVar("T")


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says why and what to do."""


@TOOLKIT_MIGRATIONS()
def m001_app_settings_users_sessions(db: Database) -> None:
    """Key-value settings, designer and facilitator accounts, and their sign-in sessions."""
    db.table("app_settings").create(
        {"key": str, "value": str, "updated_at": str}, pk="key", not_null={"value"}
    )
    db.table("users").create(
        {
            "id": int,
            "email": str,
            "role": str,
            "password_hash": str,
            "created_at": str,
            "failed_attempts": int,
            "locked_until": str,
        },
        pk="id",
        not_null={"email", "role", "password_hash", "created_at", "failed_attempts"},
        defaults={"failed_attempts": 0},
    )
    db.execute("create unique index users_email on users (email collate nocase)")
    db.table("sessions").create(
        {
            "token_hash": str,
            "user_id": int,
            "created_at": str,
            "expires_at": str,
            "ended_at": str,
        },
        pk="token_hash",
        not_null={"user_id", "created_at", "expires_at"},
        foreign_keys=[("user_id", "users", "id")],
    )
    db.table("sessions").create_index(["user_id"])


@TOOLKIT_MIGRATIONS()
def m002_api_tokens(db: Database) -> None:
    """Tokens for the read-only open-data API; only each token's SHA-256 is stored."""
    db.table("api_tokens").create(
        {
            "id": int,
            "name": str,
            "token_hash": str,
            "created_at": str,
            "created_by": str,
            "revoked_at": str,
        },
        pk="id",
        not_null={"name", "token_hash", "created_at", "created_by"},
    )
    db.execute("create unique index api_tokens_hash on api_tokens (token_hash)")


@TOOLKIT_MIGRATIONS()
def m003_api_token_last_used(db: Database) -> None:
    """When each API token last opened /api/v1 (kept to the minute; empty until first use)."""
    db.execute("alter table api_tokens add column last_used_at text")


REMEMBERED_TABLES = ("app_settings", "share_links", "prototype_versions")
"""The tables what :func:`remembered` keeps is read from: a change to any of them, by any
connection or process, moves ``remembered_epoch``."""


@TOOLKIT_MIGRATIONS()
def m004_remembered_epoch(db: Database) -> None:
    """One number that moves whenever a table the hot pages keep values from changes
    (:data:`REMEMBERED_TABLES`, :func:`remembered`, ADR 0015)."""
    db.execute(
        "create table remembered_epoch (id integer primary key check (id = 1), n integer not null)"
    )
    db.execute("insert into remembered_epoch (id, n) values (1, 0)")
    for table in REMEMBERED_TABLES:
        for change in ("insert", "update", "delete"):
            db.execute(
                f"create trigger remembered_{table}_{change} after {change} on {table} "
                "begin update remembered_epoch set n = n + 1 where id = 1; end"
            )


def migration_sets() -> tuple[Migrations, ...]:
    """Every migration set, in dependency order: journeys, prototypes, feedback, workshops,
    toolkit."""
    try:
        import prototypes
    except ImportError as exc:  # pragma: no cover - an incomplete installation
        raise DatabaseError(
            f"Paketet prototypes går inte att läsa in ({exc}). Installationen är ofullständig: "
            "kör make setup."
        ) from exc
    prototype_migrations = getattr(prototypes, "MIGRATIONS", None)
    if not isinstance(prototype_migrations, Migrations):
        raise DatabaseError(
            "Paketet prototypes saknar MIGRATIONS, så dess tabeller kan inte skapas. "
            "Installationen är ofullständig: hämta den senaste koden och kör make setup."
        )
    import feedback  # imports prototypes: after the clear error above
    import workshops

    return (
        journey_store.MIGRATIONS,
        prototype_migrations,
        feedback.MIGRATIONS,
        workshops.MIGRATIONS,
        TOOLKIT_MIGRATIONS,
    )


def open_db(path: str | Path, *, migrate: bool = True, queued_writes: bool = False) -> Database:
    """Open (creating if needed) the database with WAL, foreign keys and a busy timeout.

    With ``queued_writes`` the connection's write transactions (``BEGIN`` ... ``COMMIT``)
    wait in this process's queue for the file (see :class:`QueuedWriter`)."""
    target = Path(path)
    if str(path) != ":memory:":
        if target.is_dir():
            raise DatabaseError(
                f"{target} är en mapp, inte en databasfil. "
                f"Ange en fil, t.ex. {target / 'medskapa.db'}."
            )
        if not target.parent.exists():
            raise DatabaseError(
                f"Mappen {target.parent} finns inte. "
                "Skapa den eller ange en annan sökväg med MEDSKAPA_DB."
            )
    sets = migration_sets() if migrate else ()
    try:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            factory=QueuedWriter if queued_writes else sqlite3.Connection,
        )
        if isinstance(conn, QueuedWriter) and str(path) != ":memory:":
            conn.write_lock = _write_lock_for(target)
        db = Database(conn)
        if str(path) != ":memory:":
            db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if sets:
            _migrate(db, target, sets)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(
            f"Databasen {target} går inte att öppna: {exc}. Är det en Medskapa-databas?"
        ) from exc
    return db


_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock_for(target: Path) -> threading.Lock:
    """This process's queue for write transactions on one database file."""
    key = str(target.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


class QueuedWriter(sqlite3.Connection):
    """A connection whose write transactions queue behind those of the other queued
    connections to the same file in this process.

    SQLite lets one connection write at a time; the others wait in its busy handler, which
    sleeps 1, 2, 5 … up to 100 ms between tries and is not first come, first served. With
    many server threads writing at once that gives waits of a second and more to a few
    unlucky requests while the file is free most of the time. Here ``BEGIN`` first takes a
    per-file lock of this process (no longer than the busy timeout; then it goes on
    unqueued, as before) and the lock is let go as soon as no transaction is open: after
    ``COMMIT`` or ``ROLLBACK``, after a failed ``BEGIN``, after an error that ended the
    transaction, and at the latest when the pool takes the connection back."""

    write_lock: threading.Lock | None = None
    holding: bool = False
    checked: bool = False
    """``data_version`` was compared during this use of the connection (one request)."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        if self.write_lock is not None and not self.holding and _begins(sql):
            self.holding = self.write_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return super().execute(sql, parameters)
        finally:
            if self.holding and not self.in_transaction:
                self.let_go()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if self.holding and not self.in_transaction:
                self.let_go()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if self.holding and not self.in_transaction:
                self.let_go()

    def let_go(self) -> None:
        """Leave the queue (the transaction is over, or the connection is given back)."""
        if self.holding and self.write_lock is not None:
            self.holding = False
            self.write_lock.release()


def remembered(db: Database, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, kept on this connection until a table it comes from changes.

    For what the hot pages read on every request (the organisation, a share link and its
    version): triggers move one number (``remembered_epoch``, toolkit m004) whenever
    :data:`REMEMBERED_TABLES` change, through any connection of any process, and then
    everything kept is forgotten. The number is looked at once per use of a pooled
    connection (one request), so a change shows from the next request on; the pages'
    events, stored all the time by the writer thread (ADR 0015), do not move it. A value
    must come from those tables only (add a table there, in a new migration, before keeping
    what is read from it). The values live in the connection's slot of
    :func:`journeys.store.kept` (at most ``KEPT_MAX`` of them); a connection that is not a
    pooled :class:`QueuedWriter` keeps nothing. Values are shared: treat them as read-only.
    """
    conn = db.conn
    if not isinstance(conn, QueuedWriter):
        return make()
    slot = _remembered(db)
    if slot[0] is None or not conn.checked:  # once per request (use of a pooled connection)
        try:
            version = sqlite3.Connection.execute(conn, _EPOCH).fetchone()[0]
        except sqlite3.OperationalError:  # a database from before m004: keep nothing
            return make()
        conn.checked = True
        if slot[0] != version:
            slot[:] = [version, {}]
    values: dict[Hashable, Any] = slot[1]
    if key in values:
        return values[key]  # type: ignore[no-any-return]
    if len(values) >= journey_store.KEPT_MAX:
        values.clear()
    value = values[key] = make()
    return value


_EPOCH = "select n from remembered_epoch where id = 1"


def forget(db: Database) -> None:
    """Drop what :func:`remembered` keeps on this connection (after it wrote such data)."""
    if isinstance(db.conn, QueuedWriter):
        _remembered(db)[:] = [None, {}]


def _remembered(db: Database) -> list[Any]:
    """The connection's slot of :func:`remembered`: ``[data_version, {key: value}]``."""
    return journey_store.kept(db, ("remembered",), lambda: [None, {}])


def _begins(sql: str) -> bool:
    return sql.lstrip()[:5].upper() == "BEGIN"


class SyncFailed(sqlite3.OperationalError):
    """The write-ahead log could not be written to disk ("disk I/O error"): what was just
    committed is not known to be safe, so it is not acknowledged (the caller answers 503
    and the phone's outbox sends it again)."""


class GroupSync:
    """Makes committed transactions durable in groups: one ``fsync`` of the write-ahead log
    for every commit that happened before it started (ADR 0013).

    Pooled connections run with ``synchronous=NORMAL``: a commit writes its pages to the
    log without waiting for the disk. Before a request that wrote is answered, it takes a
    ticket here (:meth:`ask`, after its commit) and waits until an ``fsync`` that began after
    the ticket was handed out has finished: what was acknowledged is on disk, exactly as with
    ``synchronous=FULL``. In the event loop (:meth:`wait`) one ``fsync`` runs in the file's
    sync thread for every ticket handed out so far, so a burst of requests shares one and
    the loop goes on meanwhile; a worker thread (:meth:`wait_blocking`) syncs for itself.
    """

    FAILURES_KEPT = 32
    GATHER_S = 0.002
    """While busy, the next ``fsync`` waits this long for more commits to join it: at a
    thousand commits a second an ``fsync`` right after the last one would serve one or two
    (each costs ~0.1 ms of CPU); an answer waits at most this much longer."""
    WAIT_LIMIT_S = 10.0
    """A waiter that is not settled by then gets :class:`SyncFailed` (503, sent again)."""
    CHECKPOINT_EVERY_S = 1.0

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._asked = 0
        self._done = 0
        self._failed: list[tuple[int, int, str]] = []  # (first ticket, last ticket, error)
        self._fresh_state()
        self._checkpointed = 0.0
        self.syncs = 0
        """How many times the log was synced (for tests and benchmarks)."""

    def _fresh_state(self) -> None:
        """What belongs to one process and its event loops (also after a fork)."""
        self._waiters: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._scheduled_on: asyncio.AbstractEventLoop | None = None
        self._in_flight = False
        self._pool: ThreadPoolExecutor | None = None
        self._checkpointer: sqlite3.Connection | None = None
        self._pid = os.getpid()

    def _own_process(self) -> None:
        if self._pid != os.getpid():  # a forked child: nothing of the parent's is ours
            self._lock = threading.Lock()
            self._fresh_state()

    def ask(self) -> int:
        """A ticket for everything this process committed to the file until now."""
        self._own_process()
        with self._lock:
            self._asked += 1
            return self._asked

    def wait_blocking(self, ticket: int) -> None:
        """Make ``ticket`` durable from a worker thread; :class:`SyncFailed` if it is not."""
        with self._lock:
            done = self._done >= ticket
        if not done:
            self._sync()
        self._raise_if_failed(ticket)

    async def wait(self, ticket: int) -> None:
        """Wait in the event loop until ``ticket`` is on disk; :class:`SyncFailed` if not."""
        loop = asyncio.get_running_loop()
        with self._lock:
            done = self._done >= ticket
            if not done:
                future: asyncio.Future[None] = loop.create_future()
                self._waiters.append((ticket, loop, future))
                scheduled = self._scheduled_on
                if scheduled is None or scheduled.is_closed() or scheduled is not loop:
                    self._scheduled_on = loop
                    loop.call_soon(self._flush)
        if done:
            self._raise_if_failed(ticket)
            return
        try:
            await asyncio.wait_for(future, self.WAIT_LIMIT_S)
        except TimeoutError:
            raise SyncFailed("disk I/O error: the disk did not answer in time") from None

    def _flush(self) -> None:
        """In the event loop, after the handlers that were ready: start one ``fsync`` for
        every ticket handed out so far, in the sync thread; the loop goes on serving other
        requests meanwhile (their commits wait for the next ``fsync``)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._scheduled_on = None
            if self._in_flight:  # the running one reschedules when it ends
                return
            first, target = self._done + 1, self._asked
            if target < first:  # already synced (a worker thread did it): settle only
                self._settle_ready(loop)
                return
            self._in_flight = True
        try:
            running = loop.run_in_executor(self._executor(), self._fsync_error)
        except RuntimeError as exc:  # the executor is shut down (the process is ending)
            failed: asyncio.Future[str | None] = loop.create_future()
            failed.set_result(str(exc))
            self._synced(first, target, failed)
            return
        running.add_done_callback(functools.partial(self._synced, first, target))

    def _fsync_error(self) -> str | None:
        try:
            self._fsync()
        except OSError as exc:
            return exc.strerror or str(exc)
        self._checkpoint_now_and_then()
        return None

    def _checkpoint_now_and_then(self) -> None:
        """After an ``fsync``, at most once a second: copy the log into the database file
        (a passive checkpoint: it waits for no one). The pooled connections do not do this
        themselves (``wal_autocheckpoint=0``), so copying pages never holds up the event
        loop; other connections keep SQLite's automatic checkpoints."""
        now = time.monotonic()
        if now - self._checkpointed < self.CHECKPOINT_EVERY_S:
            return
        self._checkpointed = now
        try:
            if self._checkpointer is None:
                self._checkpointer = sqlite3.connect(
                    str(self.path), timeout=0, check_same_thread=False
                )
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:  # busy or gone: the next one, or another connection, does it
            with suppress(sqlite3.Error):
                if self._checkpointer is not None:
                    self._checkpointer.close()
            self._checkpointer = None

    def _synced(self, first: int, target: int, running: asyncio.Future[str | None]) -> None:
        """In the event loop: the ``fsync`` for tickets ``first``..``target`` ended."""
        if running.cancelled():
            error: str | None = "cancelled"
        elif running.exception() is not None:
            error = str(running.exception())
        else:
            error = running.result()
        loop = asyncio.get_running_loop()
        with self._lock:
            self._in_flight = False
            self._record(first, target, error)
            self._settle_ready(loop)
            if self._waiters and self._scheduled_on is None:  # asked while syncing
                self._scheduled_on = loop
                loop.call_later(self.GATHER_S, self._flush)

    def _settle_ready(self, loop: asyncio.AbstractEventLoop) -> None:
        """Settle every waiter whose ticket is done (called holding the lock)."""
        ready = [w for w in self._waiters if w[0] <= self._done]
        if not ready:
            return
        self._waiters = [w for w in self._waiters if w[0] > self._done]
        for ticket, waiter_loop, future in ready:
            error = self._error_of(ticket)
            if waiter_loop is loop:
                _settle(future, error)
            else:
                with suppress(RuntimeError):  # that loop has closed
                    waiter_loop.call_soon_threadsafe(_settle, future, error)

    def _executor(self) -> ThreadPoolExecutor:
        """The one thread that syncs this file (made again in a forked child)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="medskapa-sync")
        return self._pool

    def _sync(self) -> None:
        """Sync now, in the calling (worker) thread, for every ticket handed out so far."""
        with self._lock:
            first, target = self._done + 1, self._asked
        if target < first:
            return
        error = self._fsync_error()
        with self._lock:
            self._record(first, target, error)

    def _record(self, first: int, target: int, error: str | None) -> None:
        """Tickets ``first``..``target`` are synced, or failed with ``error`` (lock held)."""
        self.syncs += 1
        self._done = max(self._done, target)
        if error is not None:
            kept = self._failed[-self.FAILURES_KEPT + 1 :]
            self._failed = [*kept, (first, target, error)]

    def _raise_if_failed(self, ticket: int) -> None:
        with self._lock:
            error = self._error_of(ticket)
        if error is not None:
            raise SyncFailed(f"disk I/O error: {error}")

    def _error_of(self, ticket: int) -> str | None:
        for first, last, error in self._failed:
            if first <= ticket <= last:
                return error
        return None

    def _fsync(self) -> None:
        """``fsync`` the log as it is now (opened afresh: a checkpoint may have replaced it),
        or the database file when there is no log."""
        wal = f"{self.path}-wal"
        try:
            fd = os.open(wal, os.O_RDONLY)
        except FileNotFoundError:
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _settle(future: asyncio.Future[None], error: str | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(SyncFailed(f"disk I/O error: {error}"))


_PENDING = threading.local()
"""Tickets of writes made in this thread's event loop that are not yet acknowledged."""


def take_pending() -> list[tuple[GroupSync, int]]:
    """The tickets the event loop's handler must wait for (and forget them here)."""
    items: list[tuple[GroupSync, int]] = getattr(_PENDING, "items", None) or []
    _PENDING.items = []
    return items


async def wait_durable(pending: list[tuple[GroupSync, int]]) -> None:
    """Wait until the writes behind ``pending`` (from :func:`take_pending`) are on disk."""
    for sync, ticket in pending:
        await sync.wait(ticket)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


Many = Callable[[Database, list[Any]], list[tuple[bool, Any]]]
"""Stores several payloads in the caller's transaction: (True, result) or (False, error)
for each, in order; a payload that fails must leave nothing behind (a savepoint of its
own), the others go on. An exception it raises fails the whole batch."""

_Item = tuple[Many, Any, asyncio.AbstractEventLoop, "asyncio.Future[tuple[Any, int | None]]"]


class Writer:
    """One thread per :class:`ConnectionPool` that stores, in one transaction, the writes
    the event loop's handlers left for it meanwhile (ADR 0015).

    A handler's last write (a page's events) need not run in the event loop: the loop
    hands it over (:meth:`write`), serves other requests, and answers once the write is
    stored and on disk. The thread takes every write waiting at that moment, gives each
    :data:`Many` function its payloads at once (a page's events become one ``INSERT`` for
    the whole batch) inside one ``BEGIN IMMEDIATE`` ... ``COMMIT`` on its own connection,
    and hands the results back; the answers then wait for one ``fsync`` in the event loop
    (:class:`GroupSync`), while the thread goes on with the next batch. SQLite's work runs
    without the GIL beside the loop, with few statements per batch, so the two threads seldom
    wait for the GIL; a transaction's fixed costs are paid once per batch. A failed
    ``COMMIT`` or ``fsync`` fails the batch (503: the phone sends it again). The thread
    ends after :attr:`IDLE_S` without work and starts again on the next (also in a forked
    child)."""

    IDLE_S = 2.0
    GATHER_S = 0.002
    """How long the thread waits, once woken, for more writes to join the batch: each
    batch costs the event loop a few hand-overs of the GIL, whatever its size (measured:
    submits/s 1 290 in the loop, 1 500 with 1 ms here, 1 600 with 2 or 4 ms)."""
    MAX_BATCH = 256
    WAIT_LIMIT_S = 30.0
    """A write still waiting for its batch by then is dropped and answers 503 (nothing of
    it is stored); one whose batch has begun waits for the batch to end."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._fresh()
        self.batches = 0
        """How many transactions the thread committed (for tests and benchmarks)."""

    def _fresh(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._items: list[_Item] = []
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._pid = os.getpid()

    async def write(self, many: Many, payload: Any) -> Any:
        """``payload`` stored by ``many`` in the writer's next transaction; the result once
        that is on disk. What ``many`` gave as the payload's error is raised here."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[Any, int | None]] = loop.create_future()
        if self._pid != os.getpid():  # a forked child: the parent's thread is not here
            self._fresh()
        item: _Item = (many, payload, loop, future)
        with self._cond:
            self._items.append(item)
            if self._thread is None:
                thread = threading.Thread(target=self._serve, name="medskapa-writer", daemon=True)
                try:
                    thread.start()
                except RuntimeError:  # no thread can be started (the process is ending)
                    self._items.remove(item)
                    raise
                self._thread = thread
            else:
                self._cond.notify()
        done, _ = await asyncio.wait({future}, timeout=self.WAIT_LIMIT_S)
        if not done:
            with self._cond:
                waiting = any(queued is item for queued in self._items)
                if waiting:  # not taken yet: it never will be, and nothing of it is stored
                    self._items = [queued for queued in self._items if queued is not item]
            if waiting:
                raise sqlite3.OperationalError(
                    "database is locked: the write did not get its turn in time"
                )
            # its batch is running: that ends (each try is bounded by the busy timeout)
        value, ticket = await future
        if ticket is not None and self._pool.sync is not None:
            await self._pool.sync.wait(ticket)
        return value

    def _serve(self) -> None:
        while True:
            with self._cond:
                if not self._items and not self._cond.wait(self.IDLE_S) and not self._items:
                    self._thread = None
                    return
            time.sleep(self.GATHER_S)  # let the loop's next handlers join this batch
            with self._cond:
                items = self._items[: self.MAX_BATCH]
                del self._items[: self.MAX_BATCH]
            if items:
                try:
                    outcomes, ticket = self._write(items)
                except Exception as exc:  # the file could not be opened: no one waits on
                    outcomes, ticket = [(False, exc)] * len(items), None
                _settle_all(items, outcomes, ticket)

    def _write(self, items: list[_Item]) -> tuple[list[tuple[bool, Any]], int | None]:
        """Store ``items`` in one transaction: each one's (ok, result or error), and the
        ticket of the commit (None when nothing was written)."""
        groups: dict[Many, list[int]] = {}
        for n, (many, _, _, _) in enumerate(items):
            groups.setdefault(many, []).append(n)
        outcomes: list[tuple[bool, Any]] = [(False, None)] * len(items)
        db = self._db = self._db or self._pool.open()

        def batch() -> None:
            for many, places in groups.items():
                done = many(db, [items[n][1] for n in places])
                for n, outcome in zip(places, done, strict=True):
                    outcomes[n] = outcome

        before = db.conn.total_changes
        try:
            journey_store.write(db, batch)
        except Exception as exc:  # BEGIN, a batch or COMMIT failed: nothing of it is stored
            self._db = None  # write() rolled back; forget() leaves the queue and closes
            self._pool.forget(db.conn)
            return [(False, exc)] * len(items), None
        self.batches += 1
        wrote = db.conn.total_changes != before
        ticket = self._pool.sync.ask() if wrote and self._pool.sync is not None else None
        return outcomes, ticket


def _settle_all(items: list[_Item], outcomes: list[tuple[bool, Any]], ticket: int | None) -> None:
    """From the writer thread: hand each write's outcome to the loop that waits for it."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]] = {}
    for (_, _, loop, future), (ok, value) in zip(items, outcomes, strict=True):
        by_loop.setdefault(loop, []).append((future, ok, (value, ticket) if ok else value))
    for loop, done in by_loop.items():
        with suppress(RuntimeError):  # that loop has closed
            loop.call_soon_threadsafe(_settle_writes, done)


def _settle_writes(done: list[tuple[asyncio.Future[Any], bool, Any]]) -> None:
    for future, ok, value in done:
        if future.done():
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


class ConnectionPool:
    """One open connection per thread to one database file, reused from request to request.

    Opening a connection costs about a millisecond of CPU: SQLite reads and parses the whole
    schema (over a hundred tables, indexes and triggers) before the first statement, and
    closing the last connection checkpoints the write-ahead log. A web request that opens
    and closes its own connection pays both every time; a thread that keeps its connection
    pays them once. Nothing is shared between threads: each thread of the server's pool gets
    its own connection, and a forked child opens new ones.

    :meth:`connection` hands out the calling thread's connection. When the outermost use
    ends, a transaction left open is rolled back, and a connection that failed with an
    SQLite error is closed, so the next request starts clean. The pool's connections are
    :class:`QueuedWriter` connections: their writes queue in this process instead of polling.

    Commits are made durable in groups (:class:`GroupSync`, ADR 0013): when the outermost
    use that wrote ends in a worker thread, it waits there until its commit is on disk; in
    the event loop it leaves a ticket that the request's handler awaits before answering
    (:func:`take_pending`, :func:`wait_durable`, as :mod:`toolkit.web.handlers` does).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[sqlite3.Connection] = []
        self.sync = GroupSync(path) if str(path) != ":memory:" else None
        self.writer = Writer(self)

    @contextmanager
    def connection(self) -> Iterator[Database]:
        """The calling thread's connection (opened the first time, without migrations)."""
        local = self._local
        db: Database | None = getattr(local, "db", None)
        if db is None or getattr(local, "pid", None) != os.getpid():
            db = self.open()
            local.db, local.pid, local.depth = db, os.getpid(), 0
        if local.depth == 0:
            local.changes = db.conn.total_changes
            if isinstance(db.conn, QueuedWriter):
                db.conn.checked = False  # a new request: look for others' commits again
        local.depth += 1
        failed = False
        try:
            yield db
        except sqlite3.Error:
            failed = True
            raise
        finally:
            local.depth -= 1
            if local.depth == 0:
                wrote = db.conn.total_changes != local.changes
                self._release(db, failed=failed)
                if wrote and self.sync is not None:
                    self._durable(self.sync.ask())

    def open(self) -> Database:
        """A new connection of this pool (:meth:`close` closes it too)."""
        db = open_db(self.path, migrate=False, queued_writes=True)
        if self.sync is not None:
            db.execute("PRAGMA synchronous = NORMAL")  # made durable by GroupSync
            db.execute("PRAGMA wal_autocheckpoint = 0")  # GroupSync's thread does it
        with self._lock:
            self._open.append(db.conn)
        return db

    def _durable(self, ticket: int) -> None:
        assert self.sync is not None
        if _in_event_loop():  # the handler awaits it before answering
            if getattr(_PENDING, "items", None) is None:
                _PENDING.items = []
            _PENDING.items.append((self.sync, ticket))
        else:
            self.sync.wait_blocking(ticket)

    def _release(self, db: Database, *, failed: bool) -> None:
        try:
            if db.conn.in_transaction:
                db.conn.rollback()
        except sqlite3.Error:
            failed = True
        if isinstance(db.conn, QueuedWriter):
            db.conn.let_go()
        if failed:
            self._local.db = None
            self.forget(db.conn)

    def forget(self, conn: sqlite3.Connection) -> None:
        if isinstance(conn, QueuedWriter):
            conn.let_go()
        with self._lock:
            if conn in self._open:
                self._open.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    def close(self) -> None:
        """Close every connection the pool opened (for tests and a clean shutdown)."""
        with self._lock:
            conns, self._open = self._open, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()


_MIGRATED: dict[tuple[str, int], int] = {}
"""(database file, migrations known) -> the schema version right after this process
applied them all to that file."""
_MIGRATED_LOCK = threading.Lock()


def _migrate(db: Database, target: Path, sets: tuple[Migrations, ...]) -> None:
    """Apply every pending migration, unless this process already did so for this file and
    its schema has not changed since (``PRAGMA schema_version`` moves with every change).

    Checking each set costs ~1.5 ms of CPU, and the designer app opens the database with
    migrations for every event; a file replaced by an older copy, or created anew, has
    another schema version and is migrated again."""
    known = sum(len(m._migrations) for m in sets)
    key = (str(target.resolve()) if str(target) != ":memory:" else "", known)
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    if key[0] and _MIGRATED.get(key) == version:
        return
    for migrations in sets:
        migrations.apply(db)
    if key[0]:
        with _MIGRATED_LOCK:
            _MIGRATED[key] = db.execute("PRAGMA schema_version").fetchone()[0]


# --- app_settings ---------------------------------------------------------------------------

SECRET_KEY = "secret"
ORG_NAME_KEY = "organisation.name"
ORG_COLOUR_KEY = "organisation.colour"


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def get_setting(db: Database, key: str) -> str | None:
    """A stored setting, or None."""
    row = db.execute("select value from app_settings where key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def set_setting(db: Database, key: str, value: str, *, now: dt.datetime | None = None) -> None:
    """Store (or replace) a setting."""
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat()
    with db.atomic():
        db.execute(
            "insert into app_settings (key, value, updated_at) values (?, ?, ?) "
            "on conflict (key) do update set value = excluded.value, "
            "updated_at = excluded.updated_at",
            [key, value, stamp],
        )
    forget(db)


def ensure_secret(db: Database, *, configured: str | None = None) -> str:
    """The server secret: ``configured`` (``MEDSKAPA_SECRET``) when given, else the one in
    the database, generated with :mod:`secrets` the first time and the same ever after.

    Two processes starting together agree: the first insert wins and both read it back.
    """
    if configured:
        return configured
    with db.atomic():
        db.execute(
            "insert or ignore into app_settings (key, value, updated_at) values (?, ?, ?)",
            [SECRET_KEY, secrets.token_urlsafe(48), _utc_now()],
        )
    stored = get_setting(db, SECRET_KEY)
    assert stored is not None
    return stored


def get_organisation(db: Database) -> Organisation:
    """The organisation's name and colour ("" and the default colour until set); kept on a
    pooled connection until the settings change (:func:`remembered`)."""
    return remembered(db, "organisation", lambda: _read_organisation(db))


def _read_organisation(db: Database) -> Organisation:
    name = get_setting(db, ORG_NAME_KEY) or ""
    colour = get_setting(db, ORG_COLOUR_KEY) or DEFAULT_COLOUR
    try:  # stored values were checked; a hand-edited database must not break the pages
        colour = check_colour(colour)
    except SettingsError:
        colour = DEFAULT_COLOUR
    return Organisation(name=name, colour=colour)


def set_organisation(
    db: Database,
    *,
    name: str | None = None,
    colour: str | None = None,
    now: dt.datetime | None = None,
) -> Organisation:
    """Change the organisation's name and/or colour after checking them.

    Raises :class:`toolkit.settings.SettingsError` (Swedish) for an empty name or a colour
    that is not ``#rrggbb`` or too light for white text (WCAG AA, 4.5:1). Nothing is stored
    when either value is refused.
    """
    checked_name = check_org_name(name) if name is not None else None
    checked_colour = check_colour(colour) if colour is not None else None
    if checked_name is not None:
        set_setting(db, ORG_NAME_KEY, checked_name, now=now)
    if checked_colour is not None:
        set_setting(db, ORG_COLOUR_KEY, checked_colour, now=now)
    return get_organisation(db)


# --- retention ------------------------------------------------------------------------------

RETENTION_KEY = "retention.days"
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 3650


def get_retention_days(db: Database) -> int:
    """How many days raw test sessions are kept (:data:`DEFAULT_RETENTION_DAYS` until set)."""
    stored = get_setting(db, RETENTION_KEY)
    try:
        days = int(stored) if stored is not None else DEFAULT_RETENTION_DAYS
    except ValueError:  # a hand-edited database: keep data rather than purge it early
        return DEFAULT_RETENTION_DAYS
    return days if 1 <= days <= MAX_RETENTION_DAYS else DEFAULT_RETENTION_DAYS


def set_retention_days(db: Database, days: int, *, now: dt.datetime | None = None) -> int:
    """Store the retention period; :class:`SettingsError` outside 1 to 3650 days."""
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise SettingsError(
            f"Ange hur många dagar testdata sparas: mellan 1 och {MAX_RETENTION_DAYS}, inte {days}."
        )
    set_setting(db, RETENTION_KEY, str(days), now=now)
    return days
