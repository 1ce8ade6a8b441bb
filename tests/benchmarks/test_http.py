"""The load generators' HTTP client (``benchmarks/_http.py``) against real servers on
127.0.0.1: a tiny Starlette app under uvicorn, and raw ``asyncio.start_server`` servers
scripted to misbehave the ways a real server can (chunks split anywhere, closing a
connection, never answering)."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
import uvloop
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route

from benchmarks import _http
from benchmarks.load_citizen import Failed, Phone, Stats, keep_cookies


class Seen:
    """What a raw server saw: connections opened and requests (method, target, body)."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[tuple[str, str, bytes]] = []


async def read_request(reader: asyncio.StreamReader, seen: Seen) -> tuple[str, str] | None:
    """One request off the connection (its body by Content-Length); None at its end."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    seen.requests.append((method, target, body))
    return method, target


def answer(body: bytes, *extra: str, status: str = "200 OK") -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


@asynccontextmanager
async def raw_server(
    serve: Callable[[asyncio.StreamReader, asyncio.StreamWriter, Seen, int], Awaitable[None]],
) -> AsyncIterator[tuple[str, Seen]]:
    """``serve(reader, writer, seen, n)`` runs for the n-th connection (from 1)."""
    seen = Seen()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.connections += 1
        try:
            await serve(reader, writer, seen, seen.connections)
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        server.close()


async def keep_answering(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, _n: int
) -> None:
    while await read_request(reader, seen):
        writer.write(answer(b"ok", "Content-Type: text/plain"))
        await writer.drain()


# --- a real server: Starlette under uvicorn -----------------------------------------------


async def form_echo(request: Request) -> JSONResponse:
    form = await request.form()
    return JSONResponse({k: form.getlist(k) for k in form})


async def streamed(_request: Request) -> StreamingResponse:
    async def parts() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"del {i};".encode()
            await asyncio.sleep(0.01)

    return StreamingResponse(parts(), media_type="text/plain; charset=utf-8")


async def cookies(_request: Request) -> PlainTextResponse:
    response = PlainTextResponse("kakor")
    response.set_cookie("ms_s", "sessionen", httponly=True)
    response.set_cookie("ms_c", "samtycke")
    return response


APP = Starlette(
    routes=[
        Route("/form", form_echo, methods=["POST"]),
        Route("/strom", streamed),
        Route("/kakor", cookies),
    ]
)


@asynccontextmanager
async def starlette_server() -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(APP, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def test_a_list_valued_form_reaches_a_real_server_as_repeated_keys_as_httpx_sends_it() -> None:
    data = {"csrf": "a b/ö", "hjalpmedel": ["Käpp eller kryckor", "Rollator"], "tom": ""}

    async def scenario() -> Any:
        async with starlette_server() as url, _http.Client(url) as client:
            response = await client.post("/form", data=data)
            return response.status_code, response.json()

    status, echoed = _http.run(scenario())
    assert status == 200
    assert echoed == {
        "csrf": ["a b/ö"],
        "hjalpmedel": ["Käpp eller kryckor", "Rollator"],
        "tom": [""],
    }
    assert _http.encode_form(data) == httpx.Request("POST", "http://127.0.0.1/", data=data).content


def test_a_real_servers_chunked_answer_and_cookies_are_read_whole() -> None:
    async def scenario() -> tuple[str, list[str], int]:
        async with starlette_server() as url, _http.Client(url) as client:
            streamed = await client.get("/strom")
            kakor = await client.get("/kakor")
            assert streamed.headers.get("Transfer-Encoding") == "chunked"
            return streamed.text, kakor.headers.get_list("set-cookie"), client.connections

    text, set_cookies, connections = _http.run(scenario())
    assert text == "del 0;del 1;del 2;del 3;del 4;"
    assert [c.split(";")[0] for c in set_cookies] == ["ms_s=sessionen", "ms_c=samtycke"]
    assert connections == 1


# --- raw servers ----------------------------------------------------------------------------


def test_keep_alive_connection_is_reused_for_every_following_request() -> None:
    async def scenario() -> tuple[Seen, _http.Client]:
        async with raw_server(keep_answering) as (url, seen), _http.Client(url) as client:
            for i in range(5):
                response = await client.request("GET", f"/sida/{i}")
                assert (response.status_code, response.text) == (200, "ok")
            await client.post("/skicka", data={"a": "1"})
            return seen, client

    seen, client = _http.run(scenario())
    assert seen.connections == 1
    assert [target for _m, target, _b in seen.requests][:2] == ["/sida/0", "/sida/1"]
    assert seen.requests[-1] == ("POST", "/skicka", b"a=1")
    assert (client.connections, client.reused) == (1, 5)


def test_chunked_answer_split_at_every_byte_with_extensions_and_trailers_is_read_whole() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n"
        b"5;namn=varde\r\nhej p\r\n"
        b"9\r\n\xc3\xa5 v\xc3\xa4gen\r\n"
        b"0\r\nX-Efter: 1\r\n\r\n"
    )

    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, _n: int
    ) -> None:
        while await read_request(reader, seen):
            for i in range(len(chunked)):  # one byte per write: every split the parser can see
                writer.write(chunked[i : i + 1])
                await writer.drain()
                await asyncio.sleep(0)

    async def scenario() -> tuple[list[str], int]:
        async with raw_server(serve) as (url, seen), _http.Client(url) as client:
            texts = [(await client.get("/")).text for _ in range(2)]
            return texts, seen.connections

    texts, connections = _http.run(scenario())
    assert texts == ["hej på vägen", "hej på vägen"]
    assert connections == 1  # kept alive after a chunked answer


def test_connection_close_from_the_server_reads_the_answer_then_opens_a_new_connection() -> None:
    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, n: int
    ) -> None:
        if await read_request(reader, seen):
            writer.write(answer(f"svar {n}".encode(), "Connection: close"))
            await writer.drain()

    async def scenario() -> tuple[list[str], int]:
        async with raw_server(serve) as (url, seen), _http.Client(url) as client:
            texts = [(await client.post("/", data={"n": str(i)})).text for i in range(3)]
            return texts, seen.connections

    texts, connections = _http.run(scenario())
    assert texts == ["svar 1", "svar 2", "svar 3"]
    assert connections == 3


def test_an_answer_without_length_ends_when_the_server_closes() -> None:
    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, _n: int
    ) -> None:
        if await read_request(reader, seen):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhela ")
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.write(b"svaret")
            await writer.drain()

    async def scenario() -> str:
        async with raw_server(serve) as (url, _seen), _http.Client(url) as client:
            return (await client.get("/")).text

    assert _http.run(scenario()) == "hela svaret"


async def closes_the_kept_connection_unanswered(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, n: int
) -> None:
    """The first connection answers once, then takes the next request and closes without
    a word (its keep-alive ran out just as the request came); later ones answer."""
    first = True
    while await read_request(reader, seen):
        if n == 1 and not first:
            return
        first = False
        writer.write(answer(b"ok"))
        await writer.drain()


async def resets_the_kept_connection_unanswered(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, n: int
) -> None:
    """As above, but the connection is reset (RST), not closed."""
    first = True
    while await read_request(reader, seen):
        if n == 1 and not first:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return
        first = False
        writer.write(answer(b"ok"))
        await writer.drain()


LOSING_SERVERS = pytest.mark.parametrize(
    "serve",
    [closes_the_kept_connection_unanswered, resets_the_kept_connection_unanswered],
    ids=["closed", "reset"],
)


@LOSING_SERVERS
def test_a_get_on_a_kept_connection_the_server_closed_is_sent_again_on_a_new_one(
    serve: Any,
) -> None:
    async def scenario() -> tuple[str, Seen, int]:
        async with (
            raw_server(serve) as (url, seen),
            _http.Client(url) as client,
        ):
            await client.get("/forsta")
            second = await client.get("/andra")
            return second.text, seen, client.resent

    text, seen, resent = _http.run(scenario())
    assert text == "ok"
    assert [t for _m, t, _b in seen.requests] == ["/forsta", "/andra", "/andra"]
    assert (seen.connections, resent) == (2, 1)


@LOSING_SERVERS
def test_a_post_on_a_kept_connection_the_server_closed_is_never_sent_twice(serve: Any) -> None:
    async def scenario() -> tuple[Seen, _http.Client, str]:
        async with (
            raw_server(serve) as (url, seen),
            _http.Client(url) as client,
        ):
            await client.get("/forsta")
            with pytest.raises((_http.RemoteProtocolError, _http.ReadError)):
                await client.post("/feedback", data={"id": "en-gang"})
            after = await client.get("/sedan")  # the client goes on, on a new connection
            return seen, client, after.text

    seen, client, after = _http.run(scenario())
    posts = [r for r in seen.requests if r[0] == "POST"]
    assert posts == [("POST", "/feedback", b"id=en-gang")]
    assert client.resent == 0
    assert after == "ok"


def test_a_phone_counts_a_post_lost_with_its_connection_as_an_error_of_that_page() -> None:
    async def scenario() -> Stats:
        async with (
            raw_server(closes_the_kept_connection_unanswered) as (url, _seen),
            _http.Client(url) as client,
        ):
            stats = Stats()
            phone = Phone(client, "kod", stats)
            await phone.get("", "GET welcome")
            with pytest.raises(Failed):
                await phone.post("/start", "POST start", {"consent": "ja"}, to="/s/start")
            return stats

    stats = _http.run(scenario())
    assert dict(stats.errors) == {"POST start: RemoteProtocolError": 1}
    assert stats.sent == 2
    assert len(stats.latencies["GET welcome"]) == 1


def test_a_server_that_never_answers_times_out_and_its_connection_is_not_reused() -> None:
    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, n: int
    ) -> None:
        while await read_request(reader, seen):
            if n == 1:
                await asyncio.sleep(5)  # never in time; a late answer must not be read
                writer.write(answer(b"for sent"))
            else:
                writer.write(answer(b"i tid"))
            await writer.drain()

    async def scenario() -> tuple[float, str, int]:
        async with raw_server(serve) as (url, seen), _http.Client(url, timeout=0.3) as client:
            started = time.monotonic()
            with pytest.raises(_http.ReadTimeout):
                await client.get("/")
            took = time.monotonic() - started
            return took, (await client.get("/")).text, seen.connections

    took, text, connections = _http.run(scenario())
    assert 0.25 <= took < 2.0
    assert (text, connections) == ("i tid", 2)


def test_an_answer_that_is_not_http_is_a_protocol_error_and_its_connection_is_dropped() -> None:
    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, n: int
    ) -> None:
        while await read_request(reader, seen):
            if n == 1:
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            else:
                writer.write(answer(b"ok"))
            await writer.drain()

    async def scenario() -> tuple[str, int]:
        async with raw_server(serve) as (url, seen), _http.Client(url) as client:
            with pytest.raises(_http.RemoteProtocolError):
                await client.get("/")
            return (await client.get("/")).text, seen.connections

    assert _http.run(scenario()) == ("ok", 2)


def test_no_server_listening_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: nobody listens

    async def scenario() -> None:
        async with _http.Client(f"http://127.0.0.1:{port}") as client:
            await client.get("/")

    with pytest.raises(_http.ConnectError):
        _http.run(scenario())


@pytest.mark.parametrize(
    "base_url",
    ["http://example.org", "http://localhost:8000", "http://10.0.0.1", "https://127.0.0.1:8443"],
)
def test_hosts_other_than_127_0_0_1_are_refused(base_url: str) -> None:
    with pytest.raises(_http.RefusedHost):
        _http.Client(base_url)


def test_a_redirect_to_another_host_or_port_is_refused_before_anything_is_sent() -> None:
    async def scenario() -> Seen:
        async with raw_server(keep_answering) as (url, seen), _http.Client(url) as client:
            for elsewhere in ("http://example.org/t/x", "http://127.0.0.1:1/t/x"):
                with pytest.raises(_http.RefusedHost):
                    await client.get(elsewhere)
            await client.get(url + "/t/x?y=1#del")  # the same server as a whole URL is fine
            return seen

    seen = _http.run(scenario())
    assert [t for _m, t, _b in seen.requests] == ["/t/x?y=1"]


def test_headers_are_case_insensitive_and_several_set_cookies_stay_apart() -> None:
    body = gzip.compress(json.dumps({"ok": True, "ord": "åäö"}).encode())

    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, _n: int
    ) -> None:
        while await read_request(reader, seen):
            writer.write(
                answer(
                    body,
                    "Content-Type: application/json",
                    "Content-Encoding: gzip",
                    "Set-Cookie: ms_s=abc; Path=/t/; HttpOnly",
                    "set-cookie: ms_gammal=; Max-Age=0",
                    "Location: /t/kod/s/start",
                )
            )
            await writer.drain()

    async def scenario() -> _http.Response:
        async with raw_server(serve) as (url, _seen), _http.Client(url) as client:
            return await client.get("/")

    response = _http.run(scenario())
    assert response.json() == {"ok": True, "ord": "åäö"}
    assert response.headers.get("LOCATION") == "/t/kod/s/start"
    assert response.headers["content-type"] == "application/json"
    assert "Content-Encoding" in response.headers
    assert response.headers.get("x-saknas", "") == ""
    assert len(response.headers.get_list("Set-Cookie")) == 2
    cookies = {"ms_gammal": "x"}
    assert keep_cookies(cookies, response) is True
    assert cookies == {"ms_s": "abc"}


def test_requests_beyond_max_connections_wait_for_a_free_one() -> None:
    open_now = 0
    most = 0

    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, _n: int
    ) -> None:
        nonlocal open_now, most
        open_now += 1
        most = max(most, open_now)
        try:
            while await read_request(reader, seen):
                await asyncio.sleep(0.02)
                writer.write(answer(b"ok"))
                await writer.drain()
        finally:
            open_now -= 1

    async def scenario() -> list[int]:
        async with raw_server(serve) as (url, _seen), _http.Client(url, max_connections=2) as c:
            answers = await asyncio.gather(*(c.get(f"/{i}") for i in range(12)))
            return [a.status_code for a in answers]

    assert _http.run(scenario()) == [200] * 12
    assert most == 2


def test_a_request_cancelled_while_waiting_for_a_connection_leaves_no_slot_taken() -> None:
    async def serve(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seen: Seen, _n: int
    ) -> None:
        while await read_request(reader, seen):
            await asyncio.sleep(0.1)
            writer.write(answer(b"ok"))
            await writer.drain()

    async def scenario() -> str:
        async with raw_server(serve) as (url, _seen), _http.Client(url, max_connections=1) as c:
            busy = asyncio.create_task(c.get("/langsam"))
            await asyncio.sleep(0.01)
            waiting = asyncio.create_task(c.get("/vantar"))
            await asyncio.sleep(0.01)
            waiting.cancel()
            busy_cancelled = asyncio.create_task(c.get("/avbryts-mitt-i"))
            await busy
            await asyncio.sleep(0.01)
            busy_cancelled.cancel()  # cancelled while its answer is awaited: connection dropped
            response = await asyncio.wait_for(c.get("/sedan"), timeout=2)
            return response.text

    assert _http.run(scenario()) == "ok"


def test_run_uses_uvloops_event_loop() -> None:
    async def which() -> type:
        return type(asyncio.get_running_loop())

    assert _http.run(which()) is uvloop.Loop
