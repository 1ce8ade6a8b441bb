"""Does a dot vote hold when a whole room votes at once? (issue 9)

Starts its own server on a free port of 127.0.0.1 (``benchmarks/_server.py``), makes a
workshop about the parkeringstillstånd version with one dot vote on the journey's steps
(``votes_per_person`` = N) and opens it at that vote. Then, with asyncio on uvloop and the
small keep-alive client of ``benchmarks/_http.py``, every loop bounded in count and time:

1. **Join.** P participants open ``/w/<code>``, post the join form (nickname, age band,
   consent) at a fixed arrival rate (open loop), and load the vote page.
2. **Vote burst.** Each participant starts at a random moment within one second and taps
   1 to 3 different steps; about a third of the taps are double taps (the same vote id sent
   again before the first answer is back), as ``workshop.js`` posts them (JSON). Whoever
   taps more steps than N must be refused: the limit holds under the burst.
3. **Counted afterwards** in the server's sqlite file: every vote id the server
   acknowledged is stored (lost = 0), none twice (duplicated = 0), nobody has more than N
   votes (``over_limit`` = 0), and what was stored is exactly min(N, steps tapped) each.
4. **Projector delay.** While the burst runs, the facilitator's run page
   (``/workshop/run``, the Reflex page that shows the room's vote count ``#count-votes``;
   the projector is fed by the same live loop) is open in headless Chromium, signed in as
   the facilitator; a MutationObserver records when each count appears. A vote's delay is
   the time from its answer until the page shows a count that includes it. Without a
   browser (``--no-browser``) the same is done by reading the count from the database
   every 50 ms (which measures only commit-to-visible).

A warm-up round (a smaller workshop) first, then the burst twice, each in a fresh workshop;
both runs are reported. Writes ``benchmarks/results/workshop-vote-burst.json``.

    .venv/bin/python benchmarks/load_workshop.py             # 300 participants, twice
    .venv/bin/python benchmarks/load_workshop.py --quick     # 40 participants, to try it
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import workshops
from benchmarks import _http
from benchmarks._common import percentiles, write_result
from benchmarks._server import BenchServer
from benchmarks.load_citizen import (
    Client,
    Failed,
    Sampler,
    clients,
    generator_cpu,
    generator_total,
    open_loop,
)
from toolkit import accounts
from toolkit.db import open_db

JOURNEY = "parkeringstillstand"
FACILITATOR = "ledare@exempel.se"
PASSWORD = "bänkbänk-lösen-9"  # a benchmark-only account in a temporary database
VOTES_PER_PERSON = 2
TAPS = (1, 2, 3)
DOUBLE_TAP_SHARE = 0.3
BURST_SECONDS = 1.0
JOIN_RATE = 100.0
REQUEST_TIMEOUT_S = 30.0
MAX_CONNECTIONS = 600

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
ID_RE = re.compile(r'name="id" value="([^"]+)"')
TARGET_RE = re.compile(r'name="step_id" value="([^"]+)"')
COUNT_RE = re.compile(r"\d+")


@dataclass
class Tally:
    """Latencies and errors of one phase."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    """Requests sent (answered or not): what the generator's CPU time is divided by."""

    def add(self, page: str, ms: float) -> None:
        self.latencies.setdefault(page, []).append(ms)

    def all_ms(self) -> list[float]:
        return [ms for samples in self.latencies.values() for ms in samples]

    def pages(self) -> dict[str, dict[str, float]]:
        return {
            page: {"requests": len(samples), **percentiles(samples)}
            for page, samples in sorted(self.latencies.items())
        }


class Participant:
    """One phone in the room: its own cookies, a connection pool shared with others."""

    def __init__(self, pool: Client, code: str, n: int) -> None:
        self.client = pool
        self.base = f"/w/{code}"
        self.n = n
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.targets: list[str] = []

    async def request(
        self,
        tally: Tally,
        method: str,
        path: str,
        page: str,
        *,
        data: dict[str, str] | None = None,
        json_answer: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> _http.Response:
        headers = {"Accept": "application/json" if json_answer else "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        tally.sent += 1
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, self.base + path, data=data, headers=headers
            )
        except _http.HTTPError as exc:
            tally.errors[f"{page}: {type(exc).__name__}"] += 1
            raise Failed from exc
        tally.add(page, (time.perf_counter() - started) * 1000)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in rest.lower() or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        if response.status_code not in expect:
            tally.errors[f"{page}: HTTP {response.status_code}"] += 1
            raise Failed
        return response

    async def join(self, tally: Tally) -> None:
        """The join page, the join form, then the vote page (its CSRF token and targets)."""
        page = await self.request(tally, "GET", "", "GET join page")
        csrf, form_id = CSRF_RE.search(page.text), ID_RE.search(page.text)
        if csrf is None or form_id is None:
            tally.errors["join page without a form"] += 1
            raise Failed
        form = {
            "csrf": csrf.group(1),
            "id": form_id.group(1),
            "nickname": f"Deltagare {self.n}",
            "age": ("13-15", "16-17", "65-79", "80+")[self.n % 4],
            "consent": "ja",
        }
        await self.request(tally, "POST", "/join", "POST join", data=form, expect=(303,))
        if "ms_p" not in self.cookies:
            tally.errors["joined without a participant cookie"] += 1
            raise Failed
        page = await self.request(tally, "GET", "", "GET vote page")
        found = CSRF_RE.search(page.text)
        self.targets = TARGET_RE.findall(page.text)
        if found is None or not self.targets:
            tally.errors["vote page without vote buttons"] += 1
            raise Failed
        self.csrf = found.group(1)


@dataclass
class Tap:
    """One vote id sent (once, or twice for a double tap) and what came back."""

    participant: int
    target: str
    vote_id: str
    double: bool
    sent_at: float = 0.0
    """Wall-clock time of the first tap."""
    answers: list[tuple[int, bool | None, float]] = field(default_factory=list)
    """(HTTP status, the server's ``stored`` flag, wall-clock time of the answer)."""


async def vote_burst(
    room: list[Participant], rng: random.Random, *, seconds: float, limit_s: float
) -> tuple[list[Tap], Tally, float]:
    """Every participant taps within ``seconds``; returns the taps, the tally and the wall
    seconds from the first tap to the last answer."""
    tally = Tally()
    taps: list[Tap] = []
    loop = asyncio.get_running_loop()
    began = loop.time()

    async def send(p: Participant, tap: Tap) -> None:
        data = {"csrf": p.csrf, "id": tap.vote_id, "step_id": tap.target}
        tap.sent_at = tap.sent_at or time.time()
        try:
            response = await p.request(
                tally, "POST", "/vote", "POST vote", data=data, json_answer=True,
                expect=(200, 409),
            )  # fmt: skip
        except Failed:
            return
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {}
        )
        tap.answers.append((response.status_code, body.get("stored"), time.time()))

    async def phone(p: Participant) -> None:
        await asyncio.sleep(rng.uniform(0, seconds))
        count = rng.choice(TAPS)
        for target in rng.sample(p.targets, k=min(count, len(p.targets))):
            tap = Tap(p.n, target, str(uuid.uuid4()), rng.random() < DOUBLE_TAP_SHARE)
            taps.append(tap)
            if tap.double:  # the second tap goes before the first answer is back
                second = asyncio.create_task(_later(rng.uniform(0.0, 0.08), send(p, tap)))
                await send(p, tap)
                await second
            else:
                await send(p, tap)
            await asyncio.sleep(rng.uniform(0.05, 0.3))  # the thumb moves to the next step

    tasks = [asyncio.create_task(phone(p)) for p in room]
    _done, pending = await asyncio.wait(tasks, timeout=limit_s)
    for task in pending:
        task.cancel()
    tally.errors["participants unfinished"] += len(pending)
    if not pending:
        del tally.errors["participants unfinished"]
    return taps, tally, loop.time() - began


async def _later(delay: float, work: Any) -> None:
    await asyncio.sleep(delay)
    await work


# --- the facilitator's view -----------------------------------------------------------------


class Facilitator:
    """The run page in headless Chromium, recording each vote count it shows."""

    OBSERVE = """() => {
        window.__counts = [];
        const node = document.querySelector('#count-votes');
        const note = () => window.__counts.push([Date.now(), node.innerText]);
        note();
        new MutationObserver(note).observe(node, {subtree: true, childList: true,
                                                 characterData: true});
    }"""

    def __init__(self, server: BenchServer) -> None:
        self.server = server
        self.pw: Any = None
        self.browser: Any = None
        self.page: Any = None

    async def start(self, workshop_id: str) -> None:
        from playwright.async_api import async_playwright

        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        self.pw = await async_playwright().start()
        self.browser = await self.pw.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = await self.browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = await context.new_page()
        self.page.set_default_timeout(120_000)
        await self.page.goto(self.server.url + "/login")
        await self.page.get_by_label("E-postadress").fill(FACILITATOR)
        await self.page.get_by_label("Lösenord").fill(PASSWORD)
        await self.page.get_by_role("button", name="Logga in").click()
        await self.page.wait_for_url(self.server.url + "/**")
        await self.watch(workshop_id)

    async def watch(self, workshop_id: str) -> None:
        await self.page.goto(self.server.url + f"/workshop/run?id={workshop_id}")
        await self.page.locator("#count-votes").wait_for()
        await self.page.wait_for_timeout(2000)  # the live loop is running
        await self.page.evaluate(self.OBSERVE)

    async def counts(self) -> list[tuple[float, int]]:
        raw = await self.page.evaluate("() => window.__counts")
        found = []
        for at_ms, text in raw:
            number = COUNT_RE.search(str(text))
            if number:
                found.append((at_ms / 1000, int(number.group(0))))
        return found

    async def close(self) -> None:
        if self.browser is not None:
            await self.browser.close()
        if self.pw is not None:
            await self.pw.stop()


class CountPoller:
    """The room's vote count read from the database every 50 ms (no browser)."""

    def __init__(self, db_path: Path, workshop_id: str) -> None:
        self.db_path, self.workshop_id = db_path, workshop_id
        self.seen: list[tuple[float, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        try:
            while not self.stop.is_set():
                count = conn.execute(
                    "select count(*) from workshop_votes where workshop_id = ?",
                    [self.workshop_id],
                ).fetchone()[0]
                if not self.seen or self.seen[-1][1] != count:
                    self.seen.append((time.time(), int(count)))
                self.stop.wait(0.05)
        finally:
            conn.close()

    def __enter__(self) -> CountPoller:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)
        self.stop.set()
        self.thread.join(timeout=5)


def visible_delays(
    answered: list[tuple[float, float]], counts: list[tuple[float, int]]
) -> tuple[list[float], list[float]]:
    """For the i-th stored vote by answer time: ms from its answer, and from its tap, until
    a count of at least i + 1 was shown (never negative: a count can run ahead of the
    answers). ``answered`` holds (answer time, tap time) pairs."""
    from_answer, from_tap = [], []
    for rank, (at, tapped) in enumerate(sorted(answered), start=1):
        shown = next((t for t, c in counts if c >= rank), None)
        if shown is not None:
            from_answer.append(max(0.0, (shown - at) * 1000))
            from_tap.append(max(0.0, (shown - tapped) * 1000))
    return from_answer, from_tap


# --- one run --------------------------------------------------------------------------------


def make_workshop(server: BenchServer, version: str, label: str) -> tuple[str, str, int]:
    """A workshop open at a dot vote on the journey's steps; (id, join code, steps)."""
    db = open_db(server.db, migrate=False)
    try:
        now = dt.datetime.now(dt.UTC)
        w = workshops.create_workshop(
            db, JOURNEY, title=f"Belastningsprov {label}", date=now.date(),
            facilitator=FACILITATOR, version_id=version, now=now,
        )  # fmt: skip
        workshops.add_activity(
            db, w.id, "vote", votes_per_person=VOTES_PER_PERSON, vote_on="steps", now=now
        )
        workshops.open_workshop(db, w.id, now=now)
        workshops.set_current_activity(db, w.id, 0)
        steps = len(workshops.workshop_journey(db, w).steps)
        return w.id, w.join_code, steps
    finally:
        db.conn.close()


def add_facilitator(server: BenchServer) -> None:
    db = open_db(server.db, migrate=False)
    try:
        accounts.add_user(
            db, FACILITATOR, PASSWORD, role="facilitator", now=dt.datetime.now(dt.UTC)
        )
    finally:
        db.conn.close()


def stored_votes(server: BenchServer, workshop_id: str) -> list[tuple[str, str, str]]:
    """(vote id, participant id, step id) of every vote of the workshop."""
    return [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in server.query(
            "select id, participant_id, step_id from workshop_votes where workshop_id = ?",
            [workshop_id],
        )
    ]


def participant_ids(server: BenchServer, workshop_id: str) -> dict[str, str]:
    """Participant id by nickname."""
    return {
        str(r[1]): str(r[0])
        for r in server.query(
            "select id, nickname from workshop_participants where workshop_id = ?",
            [workshop_id],
        )
    }


async def one_run(
    server: BenchServer,
    pool: Client,
    version: str,
    *,
    label: str,
    participants: int,
    seed: int,
    facilitator: Facilitator | None,
) -> dict[str, Any]:
    rng = random.Random(seed)
    workshop_id, code, _steps = make_workshop(server, version, label)
    if facilitator is not None:
        await facilitator.watch(workshop_id)

    # 1. join, open loop
    joining = Tally()
    room: list[Participant] = []

    async def arrive(i: int) -> None:
        p = Participant(pool, code, i)
        await p.join(joining)
        room.append(p)

    async with Sampler(server) as join_sampler:
        _finished, unfinished, join_s = await open_loop(
            participants, JOIN_RATE, arrive, limit_s=60 + participants / JOIN_RATE
        )
    join_errors = sum(joining.errors.values()) + unfinished

    # 2. the burst, with the facilitator's page (or the database) watching the count
    poller = CountPoller(server.db, workshop_id) if facilitator is None else None
    if poller is not None:
        poller.__enter__()
    try:
        async with Sampler(server) as sampler:
            taps, tally, burst_s = await vote_burst(room, rng, seconds=BURST_SECONDS, limit_s=120)
        settle_until = time.time() + 10.0
        counts: list[tuple[float, int]] = []
        while time.time() < settle_until:  # wait until the view shows every stored vote
            await asyncio.sleep(0.5)
            counts = await facilitator.counts() if facilitator else list(poller.seen)  # type: ignore[union-attr]
            stored_now = len(stored_votes(server, workshop_id))
            if counts and counts[-1][1] >= stored_now:
                break
    finally:
        if poller is not None:
            poller.__exit__()
            counts = list(poller.seen)

    # 3. what the database holds
    rows = stored_votes(server, workshop_id)
    by_nick = participant_ids(server, workshop_id)
    pid_of = {p.n: by_nick.get(f"Deltagare {p.n}", "") for p in room}
    db_ids = Counter(r[0] for r in rows)
    per_person = Counter(r[1] for r in rows)
    pairs = Counter((r[1], r[2]) for r in rows)
    acked = {t.vote_id for t in taps if any(s == 200 for s, _st, _at in t.answers)}
    stored_flags = [st for t in taps for s, st, _at in t.answers if s == 200]
    refused = sum(1 for t in taps for s, _st, _at in t.answers if s == 409)
    wanted: dict[int, set[str]] = {}
    for t in taps:
        wanted.setdefault(t.participant, set()).add(t.target)
    expected = sum(min(VOTES_PER_PERSON, len(v)) for v in wanted.values())
    mine = {t.vote_id for t in taps}
    answered_at = [
        (min(at for s, st, at in t.answers if s == 200), t.sent_at)
        for t in taps
        if t.vote_id in db_ids and any(s == 200 for s, _st, _at in t.answers)
    ]
    delays, tap_delays = visible_delays(answered_at, counts)
    votes_ms = tally.latencies.get("POST vote", [])
    errors = sum(tally.errors.values())
    return {
        "participants": participants,
        "joined": len(room),
        "votes_per_person": VOTES_PER_PERSON,
        "burst_seconds": BURST_SECONDS,
        "join": {
            "arrival_rate_per_s": JOIN_RATE,
            "seconds": round(join_s, 2),
            **percentiles(joining.all_ms()),
            "pages": joining.pages(),
            "errors": join_errors,
            "error_kinds": dict(joining.errors.most_common(10)),
            **join_sampler.figures(),
            **generator_cpu(join_sampler, joining.sent),
        },
        "taps": len(taps),
        "requests": len(votes_ms),
        "double_taps": sum(1 for t in taps if t.double),
        "seconds": round(burst_s, 2),
        "votes_per_s": round(len(votes_ms) / burst_s, 1) if burst_s else 0.0,
        **percentiles(votes_ms),
        "errors": errors + join_errors,
        "error_kinds": dict(tally.errors.most_common(10)),
        "sent": len(mine),
        "acknowledged": len(acked),
        "expected_stored": expected,
        "stored": len(set(db_ids) & mine),
        "lost": len(acked - set(db_ids)),
        "duplicated": sum(n - 1 for n in db_ids.values() if n > 1)
        + sum(n - 1 for n in pairs.values() if n > 1),
        "stored_twice_reported": sum(
            1 for t in taps if sum(1 for s, st, _at in t.answers if s == 200 and st) > 1
        ),
        "refused_at_limit": refused,
        "over_limit": sum(max(0, n - VOTES_PER_PERSON) for n in per_person.values()),
        "stored_not_as_expected": sum(
            1
            for p in room
            if per_person.get(pid_of[p.n], 0) != min(VOTES_PER_PERSON, len(wanted.get(p.n, ())))
        ),
        "answers_stored_true": sum(1 for s in stored_flags if s),
        "projector": {
            "how": "facilitator run page in Chromium (#count-votes)"
            if facilitator
            else "database polled every 50 ms",
            "delay": percentiles(delays),
            "max_ms": round(max(delays), 1) if delays else None,
            "from_tap": percentiles(tap_delays),
            "from_tap_max_ms": round(max(tap_delays), 1) if tap_delays else None,
            "votes_seen": len(delays),
            "counts_shown": len(counts),
            "last_count_shown": counts[-1][1] if counts else None,
        },
        "projector_delay_p50_ms": percentiles(delays)["p50_ms"],
        "projector_delay_p95_ms": percentiles(delays)["p95_ms"],
        "projector_delay_max_ms": round(max(delays), 1) if delays else None,
        **sampler.figures(),
        **generator_cpu(sampler, tally.sent),
    }


async def scenarios(
    server: BenchServer, version: str, *, participants: int, runs: int, browser: bool
) -> dict[str, Any]:
    facilitator: Facilitator | None = None
    async with clients(server.url, connections=MAX_CONNECTIONS) as pool:
        if browser:
            facilitator = Facilitator(server)
            warm_id, _code, _ = make_workshop(server, version, "start")
            await facilitator.start(warm_id)
        try:
            print("warm-up: 30 participants …", flush=True)
            warm = await one_run(
                server, pool, version, label="uppvärmning", participants=30, seed=1,
                facilitator=facilitator,
            )  # fmt: skip
            out = []
            for run in range(1, runs + 1):
                print(f"run {run}: {participants} participants join, then vote", flush=True)
                out.append(
                    await one_run(
                        server,
                        pool,
                        version,
                        label=f"körning {run}",
                        participants=participants,
                        seed=9000 + run,
                        facilitator=facilitator,
                    )
                )
        finally:
            if facilitator is not None:
                await facilitator.close()
    return {"warm_up": warm, "runs": out}


def summary(run: dict[str, Any], n: int) -> str:
    j, pr = run["join"], run["projector"]
    return (
        f"run {n}: {run['joined']}/{run['participants']} joined in {j['seconds']} s "
        f"(p95 {j['p95_ms']:.0f} ms); burst {run['requests']} vote posts in {run['seconds']} s "
        f"({run['votes_per_s']:.0f}/s), p50 {run['p50_ms']:.0f} p95 {run['p95_ms']:.0f} "
        f"p99 {run['p99_ms']:.0f} ms, errors {run['errors']}; stored {run['stored']} of "
        f"{run['expected_stored']} expected, lost {run['lost']}, duplicated "
        f"{run['duplicated']}, over the limit {run['over_limit']}, refused at the limit "
        f"{run['refused_at_limit']}; projector delay p50 {pr['delay']['p50_ms']:.0f} p95 "
        f"{pr['delay']['p95_ms']:.0f} max {pr['max_ms']} ms, from the tap p50 "
        f"{pr['from_tap']['p50_ms']:.0f} p95 {pr['from_tap']['p95_ms']:.0f} ms ({pr['how']}); RSS "
        f"{run['rss_mib']:.0f} MiB; load generator {run['generator_cpu_ms_per_request']} "
        f"(burst), {j['generator_cpu_ms_per_request']} (join) ms CPU per request"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 participants, to try it out")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--no-browser", action="store_true", help="poll the database instead")
    args = parser.parse_args()
    participants = 40 if args.quick else max(2, min(args.participants, 2000))
    runs = max(1, min(args.runs, 5))
    load0 = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="medskapa-workshop-") as tmp,
        BenchServer(Path(tmp), name="workshop") as server,
    ):
        server.prepare(task="Rösta på det steg som behöver ändras mest.", success_step="skickad")
        add_facilitator(server)
        started = server.start()
        print(f"server up on {server.url} in {started:.1f} s")
        result = _http.run(
            scenarios(
                server,
                server.version,
                participants=participants,
                runs=runs,
                browser=not args.no_browser,
            )
        )
        log_tail = server.log.read_text(errors="replace")[-2000:]
    out = result["runs"]
    last = out[-1]
    payload: dict[str, Any] = {
        "quick": args.quick,
        "participants": participants,
        "votes_per_person": VOTES_PER_PERSON,
        # headline: the last run; errors, lost, duplicated and over_limit summed over runs
        "p50_ms": last["p50_ms"],
        "p95_ms": last["p95_ms"],
        "p99_ms": last["p99_ms"],
        "errors": sum(r["errors"] for r in out),
        "sent": last["sent"],
        "stored": last["stored"],
        "expected_stored": last["expected_stored"],
        "lost": sum(r["lost"] for r in out),
        "duplicated": sum(r["duplicated"] for r in out),
        "over_limit": sum(r["over_limit"] for r in out),
        "rss_mib": max(r["rss_mib"] for r in (*out, result["warm_up"])),
        "projector_delay_p50_ms": last["projector_delay_p50_ms"],
        "projector_delay_p95_ms": last["projector_delay_p95_ms"],
        "projector_from_tap_p95_ms": last["projector"]["from_tap"]["p95_ms"],
        "projector_delay_max_ms": max(
            (r["projector_delay_max_ms"] or 0.0 for r in out), default=None
        ),
        # the load generator's CPU per request over the runs' joins and vote bursts
        "generator_cpu_ms_per_request": generator_total([*out, *(r["join"] for r in out)]),
        "load_average_before": [round(x, 2) for x in load0],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": out,
        "warm_up": result["warm_up"],
    }
    if payload["errors"]:
        payload["server_log_tail"] = log_tail
    name = "workshop-vote-burst-quick" if args.quick else "workshop-vote-burst"
    path = write_result(name, payload)
    for n, run in enumerate(out, 1):
        print(summary(run, n))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
