"""A small asyncio HTTP/1.1 client for the load generators, to 127.0.0.1 only.

The server and the load generator share the machine's two cores; with httpx the generator
spent about as much CPU on a request as the server spent answering it, so it capped what
the benchmarks could measure. This client does only what the benchmarks need, the subset
of httpx's API they call: ``request(method, url, data=..., headers=...)``, ``get``,
``post``; a response's ``status_code``, ``headers`` (case-insensitive ``get`` and
``get_list``), ``content``, ``text`` and ``json()``.

- One :class:`Client` talks to one host, ``127.0.0.1`` (any other host is refused), over a
  pool of keep-alive connections: ``max_connections`` at most, a request waits for a free
  one (no pool timeout: a cancelled wait leaves nothing taken), idle ones are dropped after
  ``keepalive_expiry`` seconds or as soon as the server closes them.
- Each connection is an :class:`asyncio.Protocol` with its own parser (Content-Length and
  chunked bodies, bodies that end when the server closes, 1xx answers skipped, gzip and
  deflate decoded when read, ``Connection: close`` in either direction honoured).
- No cookie jar: every simulated phone keeps its own cookies and sends them as a header.
- Form data is encoded as httpx does it (a list value becomes the same key repeated).
- A server that closes (or resets) a reused keep-alive connection before answering (its
  idle timeout crossing our request) gets the request again on a new connection, but only
  when the method is idempotent (GET, HEAD, ...). A POST is never sent twice by this
  client: it fails with :class:`RemoteProtocolError` (:class:`ReadError` on a reset) and
  the benchmark counts an error.
- ``timeout`` bounds connecting, and separately the whole answer; on a timeout the
  connection is closed (its answer may still come) and :class:`ConnectTimeout` or
  :class:`ReadTimeout` is raised. Every error is an :class:`HTTPError`.

:func:`run` runs a coroutine on uvloop's event loop (a dependency) as the benchmarks do.

Why hand-written (``benchmarks/bench_http_client.py``, ms of the generator's CPU per
request against a fixed-answer server, November 2026): this Protocol 0.03-0.04 on uvloop
(0.03-0.06 on plain asyncio); the same client over asyncio streams 0.04-0.055; aiohttp 3.14
0.12-0.17 (and a dependency); httpx 1.3-1.7. Against ``medskapa serve``
(``cpu_per_request.py``, CSRF and cookie handling included) 0.04-0.17 ms per request where
httpx took 0.8-2.2.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import zlib
from collections.abc import Coroutine, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote_plus, urlsplit

T = TypeVar("T")

ALLOWED_HOSTS = frozenset({"127.0.0.1"})
"""The benchmarks load only their own server on this machine."""
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
"""Methods sent again on a new connection when a reused one was closed before any answer."""
MAX_HEAD_BYTES = 64 * 1024
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_KEEPALIVE_S = 5.0
"""httpx's default keep-alive expiry."""
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
"""What ``quote_plus`` leaves as it is."""


class HTTPError(Exception):
    """Any failure to get an answer (httpx: ``httpx.HTTPError``)."""


class TransportError(HTTPError):
    """The connection failed."""


class ConnectError(TransportError):
    """No connection could be made (refused, unreachable)."""


class TimeoutException(TransportError):
    """A time limit ran out."""


class ConnectTimeout(TimeoutException):
    """Connecting took longer than the timeout."""


class ReadTimeout(TimeoutException):
    """The whole answer did not arrive within the timeout."""


class RemoteProtocolError(TransportError):
    """The server closed the connection early or sent something that is not HTTP/1.1."""


class ReadError(TransportError):
    """The connection broke (reset) while the answer was awaited."""


class RefusedHost(ValueError):
    """A URL names another host than 127.0.0.1 (or another port than the client's)."""


# --- responses --------------------------------------------------------------------------


class Headers:
    """A response's headers: names case-insensitive, in the order received."""

    __slots__ = ("_map", "raw")

    def __init__(self, raw: list[tuple[str, str]]) -> None:
        self.raw = raw
        """(lower-case name, value) pairs."""
        self._map: dict[str, str] | None = None

    def _joined(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, value in self.raw:
            found[name] = f"{found[name]}, {value}" if name in found else value
        self._map = found
        return found

    def get(self, name: str, default: Any = None) -> Any:
        """The value, several values joined with ", " (as httpx does), or ``default``."""
        return (self._map or self._joined()).get(name.lower(), default)

    def get_list(self, name: str) -> list[str]:
        """Every value of a header, each on its own (Set-Cookie)."""
        name = name.lower()
        return [value for key, value in self.raw if key == name]

    def __getitem__(self, name: str) -> str:
        return (self._map or self._joined())[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in (self._map or self._joined())

    def __iter__(self) -> Iterator[str]:
        return iter(self._map or self._joined())

    def __len__(self) -> int:
        return len(self._map or self._joined())

    def items(self) -> list[tuple[str, str]]:
        return list((self._map or self._joined()).items())

    def __repr__(self) -> str:
        return f"Headers({self.raw!r})"


class Response:
    """Status, headers and body of one answer; the body is decoded when first read."""

    __slots__ = ("_content", "_raw", "_text", "headers", "reason_phrase", "status_code")

    def __init__(self, status_code: int, reason: str, headers: Headers, body: bytes) -> None:
        self.status_code = status_code
        self.reason_phrase = reason
        self.headers = headers
        self._raw = body
        self._content: bytes | None = None
        self._text: str | None = None

    @property
    def content(self) -> bytes:
        """The body, gzip or deflate undone."""
        if self._content is None:
            body = self._raw
            coding = self.headers.get("content-encoding")
            if coding and body:
                coding = coding.strip().lower()
                if coding == "gzip":
                    body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
                elif coding == "deflate":
                    try:
                        body = zlib.decompress(body)
                    except zlib.error:
                        body = zlib.decompress(body, -zlib.MAX_WBITS)
            self._content = body
        return self._content

    @property
    def text(self) -> str:
        """The body as text, in the charset the Content-Type names, else UTF-8."""
        if self._text is not None:
            return self._text
        charset = "utf-8"
        kind = self.headers.get("content-type")
        if kind and "charset=" in kind:
            charset = kind.split("charset=", 1)[1].split(";", 1)[0].strip().strip('"') or charset
        try:
            self._text = self.content.decode(charset, errors="replace")
        except LookupError:
            self._text = self.content.decode("utf-8", errors="replace")
        return self._text

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>"


# --- one connection ---------------------------------------------------------------------

_IDLE, _HEAD, _LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _TRAILERS, _UNTIL_CLOSE = range(7)

Answer = tuple[int, str, list[tuple[str, str]], bytes, bool]
"""(status, reason, headers, body, the connection may be used again)."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection: sends a request, parses its answer as bytes arrive."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        """The server closed it (or we did): never used again."""
        self.idle_since = 0.0
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Answer] | None = None
        self.received = False
        """Some byte of the current answer has arrived."""
        self.method = "GET"
        self.state = _IDLE
        self.status = 0
        self.reason = ""
        self.headers: list[tuple[str, str]] = []
        self.keep = True
        self.length = 0
        self.parts: list[bytes] = []

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():  # bytes nobody asked for: not to be trusted
            self.close()
            return
        self.received = True
        self.buffer += data
        try:
            self._parse()
        except (ValueError, IndexError) as exc:
            self._fail(RemoteProtocolError(f"not an HTTP/1.1 answer: {exc}"))
            self.close()

    def eof_received(self) -> bool:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            if self.state == _UNTIL_CLOSE:
                self._finish(bytes(self.buffer), keep=False)
            elif self.received:
                self._fail(RemoteProtocolError("the server closed the connection mid-answer"))
            else:
                self._fail(RemoteProtocolError("the server closed the connection unanswered"))
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            if self.state == _UNTIL_CLOSE and exc is None:
                self._finish(bytes(self.buffer), keep=False)
            elif exc is None:
                self._fail(RemoteProtocolError("the connection closed before the answer"))
            else:
                self._fail(ReadError(f"the connection broke: {exc!r}"))

    # sending

    async def roundtrip(self, method: str, payload: bytes, timeout: float) -> Answer:
        """Send one request and wait for its whole answer."""
        assert self.transport is not None
        if self.closed:
            raise RemoteProtocolError("the connection was already closed")
        self.method = method
        self.state = _HEAD
        self.received = False
        self.buffer.clear()
        waiter = self.waiter = self.loop.create_future()
        self.transport.write(payload)
        timer = self.loop.call_later(timeout, self._time_out, waiter, timeout)
        try:
            return await waiter
        finally:
            timer.cancel()
            self.waiter = None

    def _time_out(self, waiter: asyncio.Future[Answer], timeout: float) -> None:
        if not waiter.done():
            waiter.set_exception(ReadTimeout(f"no whole answer within {timeout:g} s"))
            self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # parsing

    def _fail(self, exc: HTTPError) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        self.state = _IDLE

    def _finish(self, body: bytes, *, keep: bool) -> None:
        self.state = _IDLE
        if self.buffer:  # bytes after the answer: the stream is out of step
            keep = False
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.status, self.reason, self.headers, body, keep))

    def _parse(self) -> None:
        buffer = self.buffer
        while True:
            state = self.state
            if state == _HEAD:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD_BYTES:
                        raise ValueError("header longer than 64 KiB")
                    return
                head = buffer[:end].decode("latin-1")
                del buffer[: end + 4]
                if self._head(head):
                    continue  # a 1xx answer: the real one follows
                return self._body_after_head()
            if state == _LENGTH:
                if len(buffer) < self.length:
                    return
                body = bytes(buffer[: self.length])
                del buffer[: self.length]
                return self._finish(body, keep=self.keep)
            if state == _CHUNK_SIZE:
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > 1024:
                        raise ValueError("chunk size line too long")
                    return
                size = int(bytes(buffer[:end]).split(b";", 1)[0].strip(), 16)
                del buffer[: end + 2]
                if size < 0:
                    raise ValueError("negative chunk size")
                self.length = size
                self.state = _CHUNK_DATA if size else _TRAILERS
                continue
            if state == _CHUNK_DATA:
                if len(buffer) < self.length + 2:
                    return
                if buffer[self.length : self.length + 2] != b"\r\n":
                    raise ValueError("chunk without CRLF after it")
                self.parts.append(bytes(buffer[: self.length]))
                del buffer[: self.length + 2]
                self.state = _CHUNK_SIZE
                continue
            if state == _TRAILERS:
                if buffer[:2] == b"\r\n":
                    del buffer[:2]
                else:
                    end = buffer.find(b"\r\n\r\n")
                    if end < 0:
                        if len(buffer) > MAX_HEAD_BYTES:
                            raise ValueError("trailers longer than 64 KiB")
                        return
                    del buffer[: end + 4]
                body = b"".join(self.parts)
                self.parts = []
                return self._finish(body, keep=self.keep)
            return  # _UNTIL_CLOSE (the body ends with the connection) or _IDLE

    def _head(self, head: str) -> bool:
        """Read a status line and headers; True for an informational (1xx) answer."""
        lines = head.split("\r\n")
        version, _, rest = lines[0].partition(" ")
        if not version.startswith("HTTP/1."):
            raise ValueError(f"status line {lines[0][:80]!r}")
        code, _, reason = rest.partition(" ")
        status = int(code)
        headers = []
        keep = version != "HTTP/1.0"
        chunked = False
        length: int | None = None
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"header line {line[:80]!r}")
            name = name.strip().lower()
            value = value.strip()
            headers.append((name, value))
            if name == "content-length":
                length = int(value)
                if length < 0:
                    raise ValueError("negative Content-Length")
            elif name == "transfer-encoding":
                chunked = value.lower().endswith("chunked")
            elif name == "connection":
                tokens = value.lower()
                if "close" in tokens:
                    keep = False
                elif "keep-alive" in tokens:
                    keep = True
        if 100 <= status < 200 and status != 101:
            return True
        self.status, self.reason, self.headers, self.keep = status, reason, headers, keep
        if self.method == "HEAD" or status in (204, 304) or status == 101:
            self.state = _IDLE
            self.length = -1
        elif chunked:
            self.state = _CHUNK_SIZE
            self.parts = []
        elif length is not None:
            self.state = _LENGTH
            self.length = length
        else:
            self.state = _UNTIL_CLOSE
            self.keep = False
        return False

    def _body_after_head(self) -> None:
        if self.state == _IDLE:
            return self._finish(b"", keep=self.keep)
        return self._parse()


# --- the client -------------------------------------------------------------------------


def encode_form(data: Mapping[str, Any]) -> bytes:
    """``application/x-www-form-urlencoded`` as httpx encodes it: a list or tuple value
    gives the key once per item; True/False/None are "true"/"false"/""."""
    pairs: list[str] = []
    for key, value in data.items():
        name = _quote(str(key))
        if isinstance(value, list | tuple):
            pairs.extend(f"{name}={_quote(_primitive(item))}" for item in value)
        else:
            pairs.append(f"{name}={_quote(_primitive(value))}")
    return "&".join(pairs).encode("ascii")


def _quote(text: str) -> str:
    """``urllib.parse.quote_plus`` (what ``urlencode`` uses), skipped when nothing in
    ``text`` needs quoting: most form values are tokens, numbers and UUIDs."""
    return text if _PLAIN(text) else quote_plus(text)


def _primitive(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def _checked(text: str) -> str:
    if "\r" in text or "\n" in text:
        raise ValueError(f"a header may not hold a line break: {text[:80]!r}")
    return text


class Client:
    """Keep-alive connections to one ``http://127.0.0.1:PORT``; see the module's text.

    Counters for tests and reports: ``requests`` sent, ``connections`` opened, ``reused``
    (requests on a kept connection), ``resent`` (idempotent requests sent again)."""

    def __init__(
        self,
        base_url: str,
        *,
        max_connections: int = 100,
        timeout: float = DEFAULT_TIMEOUT_S,
        keepalive_expiry: float | None = DEFAULT_KEEPALIVE_S,
        user_agent: str = "medskapa-bench",
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http":
            raise RefusedHost(f"only http://127.0.0.1 is allowed, not {base_url!r}")
        if parts.hostname not in ALLOWED_HOSTS:
            raise RefusedHost(f"the benchmarks load 127.0.0.1 only, not {parts.hostname!r}")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.keepalive_expiry = keepalive_expiry
        host = self.host if self.port == 80 else f"{self.host}:{self.port}"
        self._fixed = f" HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {_checked(user_agent)}\r\n"
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: list[_Connection] = []
        self._closed = False
        self.requests = 0
        self.connections = 0
        self.reused = 0
        self.resent = 0

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the idle connections; the ones in use close when their answer is in."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()

    async def get(
        self, url: str, *, headers: Mapping[str, str] | None = None, timeout: float | None = None
    ) -> Response:
        return await self.request("GET", url, headers=headers, timeout=timeout)

    async def post(
        self,
        url: str,
        *,
        data: Mapping[str, Any] | None = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        return await self.request(
            "POST", url, data=data, content=content, headers=headers, timeout=timeout
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, Any] | None = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        """Send one request and read its whole answer (see the module's text for retries)."""
        if self._closed:
            raise RuntimeError("the client is closed")
        method = method.upper()
        payload, close_after = self._encode(method, self._target(url), data, content, headers)
        limit = self.timeout if timeout is None else timeout
        await self._slots.acquire()
        try:
            for attempt in (1, 2):
                conn = self._take_idle()
                reused = conn is not None
                if conn is None:
                    conn = await self._connect(limit)
                self.requests += 1
                self.reused += reused
                try:
                    status, reason, raw, body, keep = await conn.roundtrip(method, payload, limit)
                except (RemoteProtocolError, ReadError):
                    conn.close()
                    if reused and not conn.received and attempt == 1 and method in IDEMPOTENT:
                        self.resent += 1  # the server had closed (or reset) it: send again
                        continue
                    raise
                except BaseException:
                    conn.close()  # timed out, cancelled, broken: its answer may still come
                    raise
                if keep and not close_after and not conn.closed and not self._closed:
                    conn.idle_since = conn.loop.time()
                    self._idle.append(conn)
                else:
                    conn.close()
                return Response(status, reason, Headers(raw), body)
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            self._slots.release()

    def _target(self, url: str) -> str:
        if url[:1] == "/":
            path = url
        elif url.startswith(("http://", "https://")):
            parts = urlsplit(url)
            if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
                raise RefusedHost(f"the benchmarks load 127.0.0.1 only, not {url!r}")
            if (parts.port or 80) != self.port:
                raise RefusedHost(f"this client talks to port {self.port}, not {url!r}")
            return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        else:
            path = "/" + url if url else ""
        path = self.prefix + path.split("#", 1)[0]
        return path or "/"

    def _encode(
        self,
        method: str,
        target: str,
        data: Mapping[str, Any] | None,
        content: bytes | str | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[bytes, bool]:
        if " " in target or "\r" in target or "\n" in target:
            raise ValueError(f"a request target may not hold spaces or line breaks: {target!r}")
        head = [method, " ", target, self._fixed]
        given: set[str] = set()
        close_after = False
        if headers:
            for name, value in headers.items():
                lower = name.lower()
                given.add(lower)
                if lower == "connection" and "close" in value.lower():
                    close_after = True
                head += (_checked(name), ": ", _checked(value), "\r\n")
        if "accept" not in given:
            head.append("Accept: */*\r\n")
        if "accept-encoding" not in given:
            head.append("Accept-Encoding: gzip, deflate\r\n")
        body = b""
        if data is not None:
            body = encode_form(data)
            if "content-type" not in given:
                head.append("Content-Type: application/x-www-form-urlencoded\r\n")
        elif content is not None:
            body = content.encode("utf-8") if isinstance(content, str) else content
        if body or method in ("POST", "PUT", "PATCH"):
            head.append(f"Content-Length: {len(body)}\r\n")
        head.append("\r\n")
        return "".join(head).encode("latin-1") + body, close_after

    def _take_idle(self) -> _Connection | None:
        idle = self._idle
        while idle:
            conn = idle.pop()  # the most recently used: the least likely to have expired
            if conn.closed:
                continue
            expiry = self.keepalive_expiry
            if expiry is not None and conn.loop.time() - conn.idle_since > expiry:
                conn.close()
                continue
            return conn
        return None

    async def _connect(self, timeout: float) -> _Connection:
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            async with asyncio.timeout(timeout):
                await loop.sock_connect(sock, (self.host, self.port))
            _transport, conn = await loop.create_connection(lambda: _Connection(loop), sock=sock)
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeout(
                f"no connection to {self.host}:{self.port} within {timeout:g} s"
            ) from exc
        except OSError as exc:
            sock.close()
            raise ConnectError(f"{self.host}:{self.port}: {exc}") from exc
        except BaseException:
            sock.close()
            raise
        self.connections += 1
        return conn


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on uvloop's event loop (plain asyncio where uvloop is missing)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
