"""What one request costs the load generator, by HTTP client (issue 9): prints only.

A fixed-answer server (a ~4 KB page with a Set-Cookie, in a process of its own on a free
port of 127.0.0.1) answers GETs and form POSTs, 8 at a time; each client sends the same
requests and reads the answer the way ``Phone.request`` does (Set-Cookie list, text). The
figure is ``time.process_time()`` of this process per request, after a warm-up round,
on plain asyncio and on uvloop:

- ``protocol``: ``benchmarks/_http.py`` (an ``asyncio.Protocol`` with its own parser);
- ``streams``: the same requests over ``asyncio.open_connection`` (``readuntil`` and
  ``readexactly``), with the same timeout per answer;
- ``httpx``: ``httpx.AsyncClient``, as the load generators used before;
- ``aiohttp``: only when it is importable (it is not a dependency).

    .venv/bin/python benchmarks/bench_http_client.py --requests 20000
    .venv/bin/python benchmarks/bench_http_client.py --only protocol --only streams
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http
from benchmarks._server import free_port

CONCURRENCY = 8
FORM = {"csrf": "abc123", "gangstracka": "1234", "hjalpmedel": ["Rollator", "Rullstol"]}
HEADERS = {"Accept": "text/html", "Cookie": "ms_s=abcdef0123456789; ms_c=xyz"}

SERVER = r"""
import asyncio, sys, uvloop
BODY = b"<!doctype html><html><body>" + b"<p>Lorem ipsum dolor sit amet</p>" * 120 + (
    b'<input type="hidden" name="csrf" value="abc123"></body></html>')
ANSWER = (b"HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n"
    b"set-cookie: ms_s=abcdef0123456789; Path=/t/; HttpOnly; SameSite=Lax\r\n"
    b"cache-control: no-store\r\nx-frame-options: DENY\r\n"
    b"content-length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
class Answer(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""
    def data_received(self, data):
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, length = self.buffer[:end].lower(), 0
            if (at := head.find(b"content-length:")) >= 0:
                length = int(head[at + 15:].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            self.transport.write(ANSWER)
async def main(port):
    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", port)
    print("up", flush=True)
    await server.serve_forever()
uvloop.run(main(int(sys.argv[1])))
"""


async def drive(count: int, one: Callable[[int], Awaitable[None]]) -> float:
    """CPU ms of this process per request, ``count`` requests, CONCURRENCY at a time."""
    todo = list(range(count))

    async def worker() -> None:
        while todo:
            await one(todo.pop())

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return (time.process_time() - started) * 1000 / count


async def with_protocol(url: str, count: int) -> float:
    async with _http.Client(url, max_connections=CONCURRENCY) as client:

        async def one(i: int) -> None:
            if i % 2:
                answer = await client.post("/p", data=FORM, headers=HEADERS)
            else:
                answer = await client.get("/g", headers=HEADERS)
            answer.headers.get_list("set-cookie")
            assert answer.status_code == 200 and answer.text

        await drive(count, one)
        return await drive(count, one)


class StreamsClient:
    """The same requests over asyncio streams, for comparison only."""

    def __init__(self, url: str) -> None:
        self.encoder = _http.Client(url, max_connections=CONCURRENCY)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(CONCURRENCY)

    async def request(self, method: str, path: str, **kw: Any) -> _http.Response:
        payload, _close = self.encoder._encode(method, path, kw.get("data"), None, HEADERS)
        async with self.slots:
            if self.idle:
                reader, writer = self.idle.pop()
            else:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.encoder.port)
            writer.write(payload)
            async with asyncio.timeout(30):
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                lines = head[:-4].split("\r\n")
                headers = []
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers.append((name.strip().lower(), value.strip()))
                    if headers[-1][0] == "content-length":
                        length = int(value)
                body = await reader.readexactly(length)
            self.idle.append((reader, writer))
            status = int(lines[0].split(" ", 2)[1])
            return _http.Response(status, "", _http.Headers(headers), body)


async def with_streams(url: str, count: int) -> float:
    client = StreamsClient(url)

    async def one(i: int) -> None:
        answer = await client.request(
            "POST" if i % 2 else "GET", "/p", data=FORM if i % 2 else None
        )
        answer.headers.get_list("set-cookie")
        assert answer.status_code == 200 and answer.text

    await drive(count, one)
    return await drive(count, one)


async def with_httpx(url: str, count: int) -> float:
    import httpx

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits) as client:

        async def one(i: int) -> None:
            if i % 2:
                answer = await client.post("/p", data=FORM, headers=HEADERS)
            else:
                answer = await client.get("/g", headers=HEADERS)
            answer.headers.get_list("set-cookie")
            assert answer.status_code == 200 and answer.text

        await drive(count, one)
        return await drive(count, one)


async def with_aiohttp(url: str, count: int) -> float:
    import aiohttp  # type: ignore[import-not-found]

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    jar = aiohttp.DummyCookieJar()
    async with aiohttp.ClientSession(url, connector=connector, cookie_jar=jar) as session:

        async def one(i: int) -> None:
            sending = (
                session.post("/p", data=FORM, headers=HEADERS)
                if i % 2
                else session.get("/g", headers=HEADERS)
            )
            async with sending as answer:
                answer.headers.getall("set-cookie", [])
                assert answer.status == 200 and await answer.text()

        await drive(count, one)
        return await drive(count, one)


CLIENTS = {
    "protocol": with_protocol,
    "streams": with_streams,
    "httpx": with_httpx,
    "aiohttp": with_aiohttp,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="per client and loop")
    parser.add_argument("--only", action="append", choices=list(CLIENTS), help="this client")
    args = parser.parse_args()
    count = max(100, min(args.requests, 200_000))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "up"
        url = f"http://127.0.0.1:{port}"
        for name in args.only or list(CLIENTS):
            if name == "aiohttp":
                try:
                    import aiohttp  # type: ignore[import-not-found]  # noqa: F401
                except ImportError:
                    print("aiohttp  not installed: left out")
                    continue
            for loop_name, run in (("asyncio", asyncio.run), ("uvloop", uvloop.run)):
                ms = run(CLIENTS[name](url, count))
                print(f"{name:8} {loop_name:7} {ms:.3f} ms CPU per request", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
