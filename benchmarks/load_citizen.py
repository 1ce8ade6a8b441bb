"""Does the citizen side hold when a whole school class scans the QR code? (issue 9)

Starts its own server on a free port of 127.0.0.1 (``benchmarks/_server.py``: ``medskapa
demo`` on a temporary database, a share link, ``medskapa serve``), then measures, in one
run, with open-loop arrivals at a fixed rate (asyncio on uvloop with the small keep-alive
client of ``benchmarks/_http.py``; every loop is bounded in count and in time):

a) new-session burst: N phones open ``/t/<code>`` and post consent;
b) concurrent sessions walking the parkeringstillstånd happy path with think time, a GET
   and a POST per step, a rating on two steps, an "Ändra" round trip on check-your-answers;
c) screen submits as fast as the server takes them, for 10 s at most;
d) a burst of feedback ratings with client UUIDs, 5 % of them sent again on purpose; what
   was stored is counted in the server's sqlite file afterwards;
e) stale answers, checked under load in b and c: every number and text answer given must be
   what check-your-answers (or the field, when changing it) shows next;
f) the server's resident memory (its whole process tree) at the peak of each scenario.

A warm-up round first, then every scenario twice; both runs are reported. Writes
``benchmarks/results/citizen-load.json``. Targets (issue 9) are reported, never asserted.

    .venv/bin/python benchmarks/load_citizen.py            # the full run (a few minutes)
    .venv/bin/python benchmarks/load_citizen.py --quick    # small figures, to try it out
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http
from benchmarks._common import machine_speed, percentiles, write_result
from benchmarks._server import BenchServer, WaitMeter, cpu_pressure_s, run_delays

TASK = "Du kör inte själv men behöver parkera nära entrén. Ansök om parkeringstillstånd."
SUCCESS_STEP = "skickad"
TARGETS = {
    "walk_p95_ms": 150,
    "walk_p99_ms": 500,
    "new_sessions_per_s": 500,
    "new_session_p95_ms": 150,
    "submits_per_s": 1000,
    "feedback_per_s": 1000,
    "rss_mib": 512,
    "stale_answers": 0,
}
REQUEST_TIMEOUT_S = 30.0
MAX_CONNECTIONS = 600

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
SUMMARY_RE = re.compile(
    r'<dd>(.*?)</dd>\s*<dd class="summary__action"><a href="[^"]*\?andra=([\w-]+)', re.S
)
HJALPMEDEL = ["Käpp eller kryckor", "Rollator", "Rullstol", "Elrullstol", "Annat hjälpmedel"]
RATED_STEPS = ("ska-du-kora", "kontaktuppgifter")
FEEDBACK_STEPS = ("start", "ska-du-kora", "korkort", "gangformaga", "kontaktuppgifter", "foto")


def field_value_re(field_id: str) -> re.Pattern[str]:
    return re.compile(rf'id="{re.escape(field_id)}"[^>]*?value="([^"]*)"', re.S)


def same(shown: str, given: str) -> bool:
    """The answer as shown equals the answer given (spaces and HTML escapes aside)."""
    return "".join(html.unescape(shown).split()) == "".join(given.split())


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Stats:
    """Latencies per page, errors by kind, and stale-answer checks of one scenario run."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    stale_checks: int = 0
    stale: int = 0
    stale_examples: list[str] = field(default_factory=list)
    sent: int = 0
    """Requests sent (answered or not): what the generator's CPU time is divided by."""

    def all_ms(self) -> list[float]:
        return [ms for samples in self.latencies.values() for ms in samples]

    def check(self, what: str, shown: str | None, given: str) -> None:
        self.stale_checks += 1
        if shown is None or not same(shown, given):
            self.stale += 1
            if len(self.stale_examples) < 10:
                self.stale_examples.append(f"{what}: gave {given!r}, shown {shown!r}")

    def pages(self) -> dict[str, dict[str, float]]:
        return {
            page: {"requests": len(samples), **percentiles(samples)}
            for page, samples in sorted(self.latencies.items())
        }


def keep_cookies(cookies: dict[str, str], response: _http.Response) -> bool:
    """Apply a response's Set-Cookie headers to a phone's own cookies, as a browser would
    (an empty value or max-age=0 deletes); True when one was set."""
    got = False
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        if "max-age=0" in rest.lower() or not value:
            cookies.pop(name.strip(), None)
        else:
            cookies[name.strip()] = value
            got = True
    return got


class Failed(Exception):
    """This phone's walk cannot go on (the error is already counted)."""


Client = _http.Client


@asynccontextmanager
async def clients(base_url: str, *, connections: int) -> AsyncIterator[Client]:
    """One pool of ``connections`` keep-alive connections shared by all phones
    (``benchmarks/_http.py``: about a tenth of a millisecond of the generator's CPU per
    request where httpx took one to two). It keeps no cookies: each phone keeps its own."""
    async with _http.Client(
        base_url, max_connections=connections, timeout=REQUEST_TIMEOUT_S
    ) as client:
        yield client


class Phone:
    """One citizen's phone: its own cookies, a connection pool shared with other phones."""

    def __init__(self, client: Client, code: str, stats: Stats) -> None:
        self.client = client
        self.base = f"/t/{code}"
        self.stats = stats
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    async def request(
        self,
        method: str,
        path: str,
        page: str,
        *,
        data: dict[str, Any] | None = None,
        expect: Iterable[int] = (200,),
        json_answer: bool = False,
    ) -> _http.Response:
        headers = {"Accept": "application/json" if json_answer else "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.stats.sent += 1
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, self.base + path, data=data, headers=headers
            )
        except _http.HTTPError as exc:
            self.stats.errors[f"{page}: {type(exc).__name__}"] += 1
            raise Failed from exc
        self.stats.latencies[page].append((time.perf_counter() - started) * 1000)
        keep_cookies(self.cookies, response)
        if response.status_code not in expect:
            self.stats.errors[f"{page}: HTTP {response.status_code}"] += 1
            raise Failed
        found = CSRF_RE.search(response.text) if response.status_code == 200 else None
        if found:
            self.csrf = found.group(1)
        return response

    async def get(self, path: str, page: str) -> _http.Response:
        return await self.request("GET", path, page)

    async def post(self, path: str, page: str, data: dict[str, Any], *, to: str) -> str:
        """POST a form that must answer 303 to ``to`` (a path under /t/<code>)."""
        response = await self.request(
            "POST", path, page, data={"csrf": self.csrf, **data}, expect=(303,)
        )
        location = response.headers.get("location", "")
        if not location.split("#")[0].endswith(self.base + to):
            self.stats.errors[f"{page}: went to {location} not {to}"] += 1
            raise Failed
        return location

    async def consent(self, age: str = "13-15") -> None:
        await self.get("", "GET welcome")
        await self.post("/start", "POST start", {"age": age, "consent": "ja"}, to="/s/start")

    async def rate(self, step: str, rating: int, answer_id: str | None = None) -> bool:
        """A rating as outbox.js sends it (JSON answer); True when the server has it."""
        response = await self.request(
            "POST",
            "/feedback",
            "POST feedback",
            data={
                "csrf": self.csrf,
                "id": answer_id or str(uuid.uuid4()),
                "step_id": step,
                "rating": str(rating),
            },
            json_answer=True,
        )
        return bool(response.json().get("ok"))


def happy_path(rng: random.Random, n: int) -> list[tuple[str, dict[str, Any], str]]:
    """(step, answers, next step) along the parkeringstillstånd happy path, with this
    phone's own number and text answers."""
    aids = rng.sample(HJALPMEDEL[:2], k=rng.randint(1, 2))
    return [
        ("start", {}, "ska-du-kora"),
        ("ska-du-kora", {"forare": "Ja"}, "korkort"),
        ("korkort", {"har-korkort": "Ja"}, "gangformaga"),
        (
            "gangformaga",
            {"gangstracka": str(rng.randint(0, 5000)), "hjalpmedel": aids},
            "varaktighet",
        ),
        ("varaktighet", {"varaktighet": "6 månader eller längre"}, "logga-in"),
        ("logga-in", {}, "kontaktuppgifter"),
        (
            "kontaktuppgifter",
            {
                "telefon": f"07{rng.randint(0, 9)}-{rng.randint(100, 999)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                "epost": f"elev{n}.{rng.randint(0, 99999)}@exempel.se",
            },
            "lakarintyg",
        ),
        ("lakarintyg", {"intyg": "Läkaren skickar"}, "foto"),
        ("foto", {"fotosatt": "Besök"}, "kontrollera-svar"),
        ("kontrollera-svar", {}, "skickad"),
        ("skickad", {}, "besok-kontaktcenter"),
        ("besok-kontaktcenter", {}, "utredning"),
        ("utredning", {}, "beslut"),
        ("beslut", {}, "beviljat"),
        ("beviljat", {}, "kortet"),
        ("kortet", {}, "fornya"),
    ]


TYPED = ("gangstracka", "telefon", "epost")
"""The number and text answers whose display is checked."""


def check_summary(stats: Stats, page: str, given: dict[str, str]) -> None:
    shown = {f: v for v, f in SUMMARY_RE.findall(page)}
    for field_id in TYPED:
        if field_id in given:
            stats.check(f"check-answers {field_id}", shown.get(field_id), given[field_id])


async def walk(
    phone: Phone, rng: random.Random, n: int, think: tuple[float, float], *, finish: bool = True
) -> None:
    """One citizen through the happy path: consent, every step (GET, think, POST), a rating
    on two steps, check-your-answers and one changed answer, the end, SEQ and the last page."""

    async def pause() -> None:
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))

    await phone.consent(age=rng.choice(["13-15", "16-17"]))
    await phone.get("/s/start", "GET s/start")
    given: dict[str, str] = {}
    for step, answers, target in happy_path(rng, n):
        if step in RATED_STEPS:
            await pause()
            await phone.rate(step, rng.randint(1, 5))
        await pause()
        await phone.post(f"/s/{step}", f"POST s/{step}", answers, to=f"/s/{target}")
        given.update({k: v for k, v in answers.items() if k in TYPED})
        shown = await phone.get(f"/s/{target}", f"GET s/{target}")
        if target == "kontrollera-svar":
            check_summary(phone.stats, shown.text, given)
            # change the number: the field shows the old answer, check-answers the new one
            await pause()
            change = await phone.get("/s/gangformaga?andra=gangstracka", "GET s/gangformaga ändra")
            value = field_value_re("gangstracka").search(change.text)
            phone.stats.check("ändra gangstracka", value and value.group(1), given["gangstracka"])
            given["gangstracka"] = str(rng.randint(0, 5000))
            await pause()
            await phone.post(
                "/s/gangformaga",
                "POST s/gangformaga ändra",
                {"gangstracka": given["gangstracka"], "hjalpmedel": ["Rollator"]},
                to="/s/kontrollera-svar",
            )
            again = await phone.get("/s/kontrollera-svar", "GET s/kontrollera-svar")
            check_summary(phone.stats, again.text, given)
        if not finish and target == "kontrollera-svar":
            return
    await pause()
    await phone.post("/s/fornya", "POST s/fornya", {}, to="/seq?after=end")
    await phone.get("/seq?after=end", "GET seq")
    await pause()
    await phone.post(
        "/seq",
        "POST seq",
        {"id": str(uuid.uuid4()), "score": str(rng.randint(1, 7)), "after": "end"},
        to="/sus",
    )
    await phone.get("/klart", "GET klart")


# --- running scenarios --------------------------------------------------------------------


class Sampler:
    """The server's memory and CPU, sampled every 0.25 s while a scenario runs."""

    def __init__(self, server: BenchServer) -> None:
        self.server = server
        self.peak_rss = 0.0
        self.task: asyncio.Task[None] | None = None
        self.sampling_cpu_s = 0.0
        """CPU this sampler spent reading /proc: part of the generator's, not the load's."""

    def _sample(self) -> dict[str, Any]:
        started = time.thread_time()
        usage = self.server.usage()
        self.peak_rss = max(self.peak_rss, usage["rss_mib"])
        self.server_wait.update(usage["run_delays"])
        self.client_wait.update(run_delays([os.getpid()]))
        self.sampling_cpu_s += time.thread_time() - started
        return usage

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(0.25)

    async def __aenter__(self) -> Sampler:
        first = self.server.usage()
        self.cpu0 = first["cpu_s"]
        self.server_wait = WaitMeter(first["run_delays"])
        self.client_wait = WaitMeter(run_delays([os.getpid()]))
        self.pressure0 = cpu_pressure_s()
        self.own0 = _own_cpu()
        self.generator0 = time.process_time()
        self.generator_cpu_s = self.generator_sampling_cpu_s = 0.0
        self.wall0 = time.monotonic()
        self.load0 = os.getloadavg()[0]
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        self.generator_cpu_s = time.process_time() - self.generator0
        self.generator_sampling_cpu_s = self.sampling_cpu_s
        last = self._sample()
        wall = max(time.monotonic() - self.wall0, 1e-9)
        self.server_cpu_pct = round((last["cpu_s"] - self.cpu0) / wall * 100, 1)
        self.server_wait_pct = round(self.server_wait.seconds / wall * 100, 1)
        self.client_wait_pct = round(self.client_wait.seconds / wall * 100, 1)
        pressure = cpu_pressure_s()
        self.pressure_pct = (
            round((pressure - self.pressure0) / wall * 100, 1)
            if pressure is not None and self.pressure0 is not None
            else None
        )
        self.client_cpu_pct = round((_own_cpu() - self.own0) / wall * 100, 1)
        self.load1 = os.getloadavg()[0]

    def figures(self) -> dict[str, float]:
        return {
            "rss_mib": round(self.peak_rss, 1),
            "server_cpu_pct": self.server_cpu_pct,
            "client_cpu_pct": self.client_cpu_pct,
            # time the threads were ready to run but waited for a CPU (summed over threads,
            # % of the wall time): the machine was busy with something else
            "server_cpu_wait_pct": self.server_wait_pct,
            "client_cpu_wait_pct": self.client_wait_pct,
            # share of the time some task on the machine waited for a CPU (Linux PSI)
            "machine_cpu_pressure_pct": self.pressure_pct,
            # the machine's 1-minute load average before and after: other work on it shows
            "load_before": round(self.load0, 2),
            "load_after": round(self.load1, 2),
        }


def generator_cpu(sampler: Sampler, requests: int) -> dict[str, Any]:
    """The load generator's own CPU time (this process, every thread) while ``sampler``
    ran, and per request sent: what simulating the phones cost, apart from the server.
    The sampler's own reading of /proc (a few ms, four times a second, whatever the load)
    is in it, and also given apart: at small loads it is most of the figure."""
    cpu, sampling = sampler.generator_cpu_s, sampler.generator_sampling_cpu_s
    return {
        "generator_requests": requests,
        "generator_cpu_s": round(cpu, 3),
        "generator_cpu_ms_per_request": round(cpu * 1000 / max(1, requests), 3),
        "generator_sampling_cpu_s": round(sampling, 3),
        "generator_cpu_ms_per_request_less_sampling": round(
            (cpu - sampling) * 1000 / max(1, requests), 3
        ),
    }


def generator_total(rows: Iterable[dict[str, Any]]) -> float | None:
    """CPU ms per request of the load generator over several scenario runs."""
    cpu = requests = 0.0
    for row in rows:
        if "generator_cpu_s" in row:
            cpu += row["generator_cpu_s"]
            requests += row["generator_requests"]
    return round(cpu * 1000 / requests, 3) if requests else None


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def open_loop(
    count: int, rate: float, start: Callable[[int], Awaitable[Any]], *, limit_s: float
) -> tuple[int, int, float]:
    """Start ``start(i)`` for i < count at ``rate`` per second whatever the answers take
    (open loop), then wait for all of them, ``limit_s`` seconds at most in total.

    Returns (finished, unfinished, seconds from the first arrival to the last finish)."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + limit_s
    tasks: list[asyncio.Task[Any]] = []
    ends: list[float] = []

    async def run(i: int) -> None:
        try:
            await start(i)
        except Failed:
            pass
        finally:
            ends.append(loop.time())

    for i in range(count):
        delay = began + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if loop.time() >= deadline:
            break
        tasks.append(asyncio.create_task(run(i)))
    unfinished = 0
    if tasks:
        _done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - loop.time()))
        for task in pending:
            task.cancel()
        unfinished = len(pending) + (count - len(tasks))
    return len(ends), unfinished, (max(ends) - began) if ends else 0.0


async def new_sessions(
    client: Client, server: BenchServer, *, phones: int, rate: float
) -> dict[str, Any]:
    """a) ``phones`` phones arrive at ``rate`` per second: welcome page, then consent."""
    stats = Stats()
    per_session: list[float] = []
    ok = 0

    async def arrive(i: int) -> None:
        nonlocal ok
        phone = Phone(client, server.code, stats)
        started = time.perf_counter()
        await phone.consent(age="13-15" if i % 2 else "16-17")
        per_session.append((time.perf_counter() - started) * 1000)
        ok += 1

    async with Sampler(server) as sampler:
        _finished, unfinished, seconds = await open_loop(
            phones, rate, arrive, limit_s=60 + phones / rate
        )
    return {
        "phones": phones,
        "arrival_rate_per_s": rate,
        "sessions": ok,
        "sessions_per_s": round(ok / seconds, 1) if seconds else 0.0,
        "seconds": round(seconds, 2),
        **percentiles(stats.all_ms()),
        "per_session": percentiles(per_session),
        "pages": stats.pages(),
        "errors": sum(stats.errors.values()) + unfinished,
        "error_kinds": dict(stats.errors.most_common(10)),
        **sampler.figures(),
        **generator_cpu(sampler, stats.sent),
    }


async def concurrent_walks(
    client: Client,
    server: BenchServer,
    *,
    sessions: int,
    rate: float,
    think: tuple[float, float],
    seed: int,
    limit_s: float,
) -> dict[str, Any]:
    """b) ``sessions`` citizens arrive at ``rate`` per second and walk the happy path."""
    stats = Stats()
    done = 0

    async def citizen(i: int) -> None:
        nonlocal done
        await walk(Phone(client, server.code, stats), random.Random(seed * 100_003 + i), i, think)
        done += 1

    async with Sampler(server) as sampler:
        _finished, unfinished, seconds = await open_loop(sessions, rate, citizen, limit_s=limit_s)
    samples = stats.all_ms()
    return {
        "sessions": sessions,
        "arrival_rate_per_s": rate,
        "think_s": list(think),
        "completed": done,
        "seconds": round(seconds, 2),
        "requests": len(samples),
        "requests_per_s": round(len(samples) / seconds, 1) if seconds else 0.0,
        **percentiles(samples),
        "pages": stats.pages(),
        "errors": sum(stats.errors.values()) + unfinished,
        "error_kinds": dict(stats.errors.most_common(10)),
        "stale_checks": stats.stale_checks,
        "stale_answers": stats.stale,
        "stale_examples": stats.stale_examples,
        **sampler.figures(),
        **generator_cpu(sampler, stats.sent),
    }


async def ready_phones(
    client: Client, server: BenchServer, count: int, *, to_summary: bool, seed: int
) -> list[Phone]:
    """``count`` phones with consent given (and, with ``to_summary``, every answer up to
    check-your-answers), made 20 at a time before a scenario starts."""
    phones: list[Phone] = []
    gate = asyncio.Semaphore(20)

    async def make(i: int) -> None:
        phone = Phone(client, server.code, Stats())
        async with gate:
            if to_summary:
                await walk(phone, random.Random(seed + i), i, (0.0, 0.0), finish=False)
            else:
                await phone.consent()
                await phone.get("/s/start", "GET s/start")
        phones.append(phone)

    results = await asyncio.wait_for(
        asyncio.gather(*(make(i) for i in range(count)), return_exceptions=True), timeout=300
    )
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise RuntimeError(f"{len(failed)} phones could not get ready: {failed[0]!r}")
    return phones


async def submits(
    client: Client,
    server: BenchServer,
    *,
    workers: int,
    seconds: float,
    check_every: int,
    seed: int,
) -> dict[str, Any]:
    """c) ``workers`` phones each submit the walking-distance screen again and again, each
    post with the cookie of the answer before, for ``seconds`` at most; every
    ``check_every``-th submit the phone opens check-your-answers, which must show it."""
    phones = await ready_phones(client, server, workers, to_summary=True, seed=seed)
    stats = Stats()
    count = 0
    loop = asyncio.get_running_loop()

    async def hammer(phone: Phone, rng: random.Random) -> None:
        nonlocal count
        phone.stats = stats
        end = loop.time() + seconds
        n = 0
        while loop.time() < end and n < 1_000_000:
            n += 1
            value = str(rng.randint(0, 5000))
            try:
                await phone.request(
                    "POST",
                    "/s/gangformaga",
                    "POST s/gangformaga",
                    data={"csrf": phone.csrf, "gangstracka": value, "hjalpmedel": ["Rollator"]},
                    expect=(303,),
                )
                count += 1
                if n % check_every == 0:
                    shown = await phone.get("/s/kontrollera-svar", "GET s/kontrollera-svar")
                    check_summary(stats, shown.text, {"gangstracka": value})
            except Failed:
                await asyncio.sleep(0.05)

    async with Sampler(server) as sampler:
        started = loop.time()
        await asyncio.wait_for(
            asyncio.gather(*(hammer(p, random.Random(seed + i)) for i, p in enumerate(phones))),
            timeout=seconds + 60,
        )
        took = loop.time() - started
    posts = stats.latencies["POST s/gangformaga"]
    return {
        "workers": workers,
        "seconds": round(took, 2),
        "submits": count,
        "submits_per_s": round(count / took, 1),
        **percentiles(posts),
        "pages": stats.pages(),
        "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors.most_common(10)),
        "stale_checks": stats.stale_checks,
        "stale_answers": stats.stale,
        "stale_examples": stats.stale_examples,
        **sampler.figures(),
        **generator_cpu(sampler, stats.sent),
    }


async def deliver(
    phone: Phone, step: str, rating: int, answer_id: str, *, attempts: int, patience_s: float
) -> tuple[bool, bool | None, int]:
    """Send one rating until the server has it: retries with growing pauses on connection
    errors, timeouts, 5xx and 429, like outbox.js. Returns (acknowledged, the server's
    ``stored`` flag, attempts used)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience_s
    pause = 0.1
    for attempt in range(1, attempts + 1):
        try:
            response = await phone.request(
                "POST",
                "/feedback",
                "POST feedback",
                data={"csrf": phone.csrf, "id": answer_id, "step_id": step, "rating": str(rating)},
                expect=(200,),
                json_answer=True,
            )
            body = response.json()
            return bool(body.get("ok")), body.get("stored"), attempt
        except Failed:
            pass
        if loop.time() + pause > give_up:
            break
        await asyncio.sleep(pause)
        pause = min(pause * 2, 2.0)
    return False, None, attempts


def count_ratings(server: BenchServer, sessions: set[str]) -> tuple[list[str], int]:
    """(ids of the ratings stored for these sessions, rows) read from the sqlite file."""
    rows: list[str] = []
    ordered = sorted(sessions)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows += [
            str(r[0])
            for r in server.query(f"select id from ratings where session_id in ({marks})", chunk)
        ]
    return rows, len(rows)


@dataclass
class Sent:
    """What a set of outboxes sent: acknowledged ids, attempts, times."""

    stats: Stats = field(default_factory=Stats)
    acked: set[str] = field(default_factory=set)
    attempts: int = 0
    retried: int = 0
    retried_but_already_stored: int = 0
    """Retries the server answered with ``stored: false``: an earlier attempt was
    committed but its answer never arrived (a crash between commit and answer)."""
    resent_stored_again: int = 0
    delivery_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    last_ack_s: float = 0.0
    unfinished: int = 0


async def outboxes(
    phones: list[Phone],
    plan: list[tuple[int, str, int, str]],
    *,
    rate: float,
    resend: set[int],
    attempts: int,
    patience_s: float,
    limit_s: float,
) -> Sent:
    """Ratings given at ``rate`` per second (open loop), each (phone, step, rating, id) of
    ``plan`` into its phone's outbox; every phone sends like outbox.js: one at a time, in
    order, again after a pause until the server answers. Ratings in ``resend`` are sent once
    more after their answer, on purpose. Waits ``limit_s`` at most after the last is given."""
    sent = Sent()
    loop = asyncio.get_running_loop()
    began = loop.time()
    given: dict[int, float] = {}
    boxes: list[asyncio.Queue[int | None]] = [asyncio.Queue() for _ in phones]

    async def outbox(n: int) -> None:
        phone = phones[n]
        phone.stats = sent.stats
        while (i := await boxes[n].get()) is not None:
            _n, step, rating, answer_id = plan[i]
            ok, stored, used = await deliver(
                phone, step, rating, answer_id, attempts=attempts, patience_s=patience_s
            )
            sent.attempts += used
            if used > 1:
                sent.retried += 1
                if ok and stored is False:
                    sent.retried_but_already_stored += 1
            if ok:
                sent.acked.add(answer_id)
                sent.delivery_ms.append((loop.time() - given[i]) * 1000)
                sent.last_ack_s = loop.time() - began
            if i in resend:
                again, stored_again, used = await deliver(
                    phone, step, rating, answer_id, attempts=attempts, patience_s=patience_s
                )
                sent.attempts += used
                if again and stored_again:
                    sent.resent_stored_again += 1
                if again:
                    sent.acked.add(answer_id)

    tasks = [asyncio.create_task(outbox(n)) for n in range(len(phones))]
    for i, item in enumerate(plan):
        delay = began + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        given[i] = loop.time()
        boxes[item[0]].put_nowait(i)
    for box in boxes:
        box.put_nowait(None)
    _done, pending = await asyncio.wait(tasks, timeout=limit_s)
    for task in pending:
        task.cancel()
    sent.unfinished = len(pending)
    sent.seconds = loop.time() - began
    return sent


async def feedback_burst(
    client: Client,
    server: BenchServer,
    *,
    sessions: int,
    rate: float,
    events: int,
    resend_share: float,
    seed: int,
) -> dict[str, Any]:
    """d) ``events`` ratings given at ``rate`` per second over ``sessions`` phones, each
    with its own UUID, sent through the phones' outboxes; ``resend_share`` of them sent
    once more after their answer (a phone that did not hear back). Then counts rows in the
    server's sqlite file."""
    before = {str(r[0]) for r in server.query("select id from test_sessions")}
    phones = await ready_phones(client, server, sessions, to_summary=False, seed=seed)
    mine = {str(r[0]) for r in server.query("select id from test_sessions")} - before
    rows_before = count_ratings(server, mine)[1]
    rng = random.Random(seed)
    plan = [
        (i % sessions, rng.choice(FEEDBACK_STEPS), rng.randint(1, 5), str(uuid.uuid4()))
        for i in range(events)
    ]
    resend = set(rng.sample(range(events), k=round(events * resend_share)))
    async with Sampler(server) as sampler:
        sent = await outboxes(
            phones, plan, rate=rate, resend=resend, attempts=6, patience_s=30, limit_s=120
        )
    stored_ids, rows = count_ratings(server, mine)
    rows -= rows_before
    sent_ids = {p[3] for p in plan}
    stored = len(sent_ids & set(stored_ids))
    seconds = sent.last_ack_s or sent.seconds
    return {
        "sessions": sessions,
        "offered_rate_per_s": rate,
        "sent": events,
        "resent": len(resend),
        "attempts": sent.attempts,
        "acknowledged": len(sent.acked),
        "stored": stored,
        "lost": len(sent.acked - set(stored_ids)),
        "never_acknowledged": len(sent_ids - sent.acked),
        "duplicated": rows - stored,
        "resent_reported_stored_again": sent.resent_stored_again,
        "seconds": round(seconds, 2),
        "stored_per_s": round(stored / seconds, 1) if seconds else 0.0,
        "offered_seconds": round(events / rate, 2),
        **percentiles(sent.stats.latencies["POST feedback"]),
        "given_to_stored": percentiles(sent.delivery_ms),
        "errors": sum(sent.stats.errors.values()) + sent.unfinished,
        "error_kinds": dict(sent.stats.errors.most_common(10)),
        **sampler.figures(),
        **generator_cpu(sampler, sent.stats.sent),
    }


# --- the whole run ------------------------------------------------------------------------


@dataclass
class Plan:
    """The full run. The open-loop scenarios offer 20 % more than their target (600 new
    sessions a second, 1 200 ratings a second), so a target that holds shows as a figure
    above it, not as the offered rate itself."""

    phones: int = 600
    phone_rate: float = 600.0
    sessions: int = 300
    session_rate: float = 60.0
    think: tuple[float, float] = (0.5, 2.0)
    walk_limit_s: float = 300.0
    submit_workers: int = 32
    submit_seconds: float = 10.0
    check_every: int = 10
    feedback_sessions: int = 100
    feedback_rate: float = 1200.0
    feedback_events: int = 6000
    resend_share: float = 0.05
    runs: int = 2
    seed: int = 9
    sweep: tuple[int, ...] = (50, 100, 150, 200)
    """Smaller classes walked once each after the runs: where the latency targets still hold."""


def quick(plan: Plan) -> Plan:
    return Plan(
        phones=60,
        phone_rate=100,
        sessions=30,
        session_rate=30,
        think=(0.1, 0.3),
        walk_limit_s=120,
        submit_workers=8,
        submit_seconds=3,
        check_every=5,
        feedback_sessions=10,
        feedback_rate=200,
        feedback_events=400,
        runs=plan.runs,
        seed=plan.seed,
        sweep=(10, 20),
    )


async def scenarios(server: BenchServer, plan: Plan) -> dict[str, Any]:
    async with clients(server.url, connections=MAX_CONNECTIONS) as client:
        print("warm-up …", flush=True)
        await new_sessions(client, server, phones=50, rate=100)
        await concurrent_walks(
            client, server, sessions=20, rate=20, think=(0.0, 0.05), seed=0, limit_s=60
        )
        await submits(client, server, workers=4, seconds=2, check_every=2, seed=1)
        await feedback_burst(
            client, server, sessions=5, rate=200, events=200, resend_share=0.05, seed=2
        )
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for run in range(1, plan.runs + 1):
            seed = plan.seed * 1000 + run
            print(
                f"run {run}: a) {plan.phones} new sessions at {plan.phone_rate:.0f}/s", flush=True
            )
            out["new_sessions"].append(
                await new_sessions(client, server, phones=plan.phones, rate=plan.phone_rate)
            )
            print(f"run {run}: b) {plan.sessions} walking sessions", flush=True)
            out["walks"].append(
                await concurrent_walks(
                    client,
                    server,
                    sessions=plan.sessions,
                    rate=plan.session_rate,
                    think=plan.think,
                    seed=seed,
                    limit_s=plan.walk_limit_s,
                )
            )
            print(f"run {run}: c) submits for {plan.submit_seconds:.0f} s", flush=True)
            out["submits"].append(
                await submits(
                    client,
                    server,
                    workers=plan.submit_workers,
                    seconds=plan.submit_seconds,
                    check_every=plan.check_every,
                    seed=seed,
                )
            )
            print(
                f"run {run}: d) {plan.feedback_events} ratings at {plan.feedback_rate:.0f}/s",
                flush=True,
            )
            out["feedback"].append(
                await feedback_burst(
                    client,
                    server,
                    sessions=plan.feedback_sessions,
                    rate=plan.feedback_rate,
                    events=plan.feedback_events,
                    resend_share=plan.resend_share,
                    seed=seed,
                )
            )
        for sessions in plan.sweep:
            print(f"sweep: b) {sessions} walking sessions", flush=True)
            out["walk_sweep"].append(
                await concurrent_walks(
                    client,
                    server,
                    sessions=sessions,
                    rate=max(1.0, sessions / 5),
                    think=plan.think,
                    seed=plan.seed * 1000 + 100 + sessions,
                    limit_s=plan.walk_limit_s,
                )
            )
        return dict(out)


def summary(result: dict[str, Any]) -> list[str]:
    lines = []
    for n, (a, b, c, d) in enumerate(
        zip(
            result["new_sessions"],
            result["walks"],
            result["submits"],
            result["feedback"],
            strict=True,
        ),
        1,
    ):
        lines += [
            f"run {n}",
            f"  a) new sessions: {a['sessions_per_s']:.0f}/s ({a['sessions']}/{a['phones']}), "
            f"p50 {a['p50_ms']:.0f} p95 {a['p95_ms']:.0f} p99 {a['p99_ms']:.0f} ms per request, "
            f"errors {a['errors']}",
            f"  b) {b['sessions']} walking: {b['completed']} completed, {b['requests_per_s']:.0f} "
            f"req/s, p50 {b['p50_ms']:.0f} p95 {b['p95_ms']:.0f} p99 {b['p99_ms']:.0f} ms, "
            f"errors {b['errors']}, stale {b['stale_answers']}/{b['stale_checks']}, "
            f"RSS {b['rss_mib']:.0f} MiB",
            f"  c) submits: {c['submits_per_s']:.0f}/s, p50 {c['p50_ms']:.0f} p95 "
            f"{c['p95_ms']:.0f} ms, errors {c['errors']}, stale "
            f"{c['stale_answers']}/{c['stale_checks']}",
            f"  d) feedback: sent {d['sent']} (+{d['resent']} again), stored {d['stored']} "
            f"({d['stored_per_s']:.0f}/s), lost {d['lost']}, duplicated {d['duplicated']}, "
            f"never acknowledged {d['never_acknowledged']}, p95 {d['p95_ms']:.0f} ms",
        ]
    for b in result.get("walk_sweep", []):
        lines.append(
            f"sweep: {b['sessions']} walking: {b['requests_per_s']:.0f} req/s, p50 "
            f"{b['p50_ms']:.0f} p95 {b['p95_ms']:.0f} p99 {b['p99_ms']:.0f} ms, errors "
            f"{b['errors']}, stale {b['stale_answers']}/{b['stale_checks']}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small figures, to try it out")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    plan = Plan(runs=max(1, min(args.runs, 5)), sessions=args.sessions, seed=args.seed)
    if args.quick:
        plan = quick(plan)
    speed_before = machine_speed()
    with (
        tempfile.TemporaryDirectory(prefix="medskapa-load-") as tmp,
        BenchServer(Path(tmp), name="load") as server,
    ):
        server.prepare(task=TASK, success_step=SUCCESS_STEP)
        started_in = server.start()
        print(f"server up on {server.url} in {started_in:.1f} s, link /t/{server.code}")
        result = _http.run(scenarios(server, plan))
        log_tail = server.log.read_text(errors="replace")[-2000:]
    speed = {"before": speed_before, "after": machine_speed()}
    walks, news, subs, fbs = (
        result["walks"],
        result["new_sessions"],
        result["submits"],
        result["feedback"],
    )
    last_walk, last_fb = walks[-1], fbs[-1]
    payload = {
        "quick": args.quick,
        "plan": {k: v for k, v in vars(plan).items()},
        "targets": TARGETS,
        # headline figures: the last run (b for latency, d for feedback), the worst for
        # stale answers and memory
        "sessions": last_walk["sessions"],
        "p50_ms": last_walk["p50_ms"],
        "p95_ms": last_walk["p95_ms"],
        "p99_ms": last_walk["p99_ms"],
        "errors": sum(r["errors"] for rs in result.values() for r in rs),
        "new_sessions_per_s": news[-1]["sessions_per_s"],
        "new_session_p95_ms": news[-1]["p95_ms"],
        "submits_per_s": subs[-1]["submits_per_s"],
        "feedback_stored_per_s": last_fb["stored_per_s"],
        "sent": last_fb["sent"],
        "stored": last_fb["stored"],
        "lost": sum(r["lost"] for r in fbs),
        "duplicated": sum(r["duplicated"] for r in fbs),
        "rss_mib": max(r["rss_mib"] for rs in result.values() for r in rs),
        "stale_answers": sum(
            r["stale_answers"] for r in (*walks, *subs, *result.get("walk_sweep", []))
        ),
        "stale_checks": sum(
            r["stale_checks"] for r in (*walks, *subs, *result.get("walk_sweep", []))
        ),
        "sessions_within_targets": max(
            (
                r["sessions"]
                for r in result.get("walk_sweep", []) + walks
                if r["p95_ms"] <= TARGETS["walk_p95_ms"]
                and r["p99_ms"] <= TARGETS["walk_p99_ms"]
                and not r["errors"]
            ),
            default=0,
        ),
        "generator_cpu_ms_per_request": generator_total(r for rs in result.values() for r in rs),
        "machine_speed_ms": speed,
        "generator_cpu_ms_per_request_by_scenario": {
            scenario: generator_total(rows) for scenario, rows in result.items()
        },
        "scenarios": result,
    }
    if payload["errors"]:
        payload["server_log_tail"] = log_tail
    name = "citizen-load-quick" if args.quick else "citizen-load"
    path = write_result(name, payload)
    print("\n".join(summary(result)))
    print(
        f"headline: {payload['sessions']} sessions p95 {payload['p95_ms']:.0f} ms "
        f"(target ≤ 150), p99 {payload['p99_ms']:.0f} ms (≤ 500); new sessions "
        f"{payload['new_sessions_per_s']:.0f}/s (≥ 500); submits {payload['submits_per_s']:.0f}/s "
        f"(≥ 1000); feedback {payload['feedback_stored_per_s']:.0f}/s (≥ 1000), lost "
        f"{payload['lost']}, duplicated {payload['duplicated']}; RSS {payload['rss_mib']:.0f} MiB "
        f"(≤ 512); stale answers {payload['stale_answers']} of {payload['stale_checks']} checks; "
        f"load generator {payload['generator_cpu_ms_per_request']} ms CPU per request; "
        f"machine speed {speed['before']} ms before, {speed['after']} ms after "
        "(benchmarks._common.machine_speed, lower is faster)"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
