"""Side by side with the GOV.UK Prototype Kit: the same form, the same load (issue 9).

``make bench-peer`` installs the kit (npm package ``govuk-prototype-kit``, newest 13.20.x)
the way its docs say, ``npx govuk-prototype-kit create``, into a temporary folder (npm's
cache and HOME inside it too), copies in ``benchmarks/peer/kit/app`` (the kit's usual
``routes.js`` and ``views/``: a start page, one radios question, check your answers and
two outcomes), and starts it as ``npm start`` would in production: ``govuk-prototype-kit
start`` with ``NODE_ENV=production``, a ``PASSWORD`` and ``USE_HTTPS=false`` (plain HTTP
on 127.0.0.1; ``benchmarks/peer/kit/listen-local.js`` binds it there, the kit has no host
setting). Medskapa gets the same journey (``benchmarks/peer/medskapa.yaml``: imported,
published, shared) and runs as ``medskapa serve`` (``benchmarks/_server.py``).

Both servers run at once; the load goes to one at a time, the same load to each:

a) new-session burst: a class scanning the QR code. Phones with no session load the link's
   first page (Medskapa: the welcome page; the kit: its start page, the phone already
   holding the kit's password cookie) and must get a session cookie. Open loop at rising
   rates; a step ends the ramp when its p95 passes 3 s or 5 % of its phones fail.
b) submits with a session: phones at the question post a radios answer and follow the
   redirect to check your answers, again and again, for a few seconds.
c) page bytes: the first page and the question page, each loaded by Chromium (390 px) with
   an empty cache; every response, gzipped at level 6.
d) server RSS (the whole process tree): after start, and the peak in each scenario.
e) stale answers with many phones at once: each phone arrives, reaches the question, and
   answers it several times with think time; after each answer the page it is sent to
   must show exactly that answer. (b counts them too.)

A warm-up, then two runs (sides in turn, the other order in run 2). The kit keeps its
sessions as files, and every session it saves reads all of them; its session folder is
emptied before each scenario, its best case (Medskapa's database is kept). Bounded in
count and time (``--minutes``: no run starts that would end later); 127.0.0.1 only.
Writes ``benchmarks/results/peer-comparison.json``.

    .venv/bin/python benchmarks/bench_peer.py            # the full run (about 10 minutes)
    .venv/bin/python benchmarks/bench_peer.py --quick    # small figures, to try it out
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gzip
import hashlib
import html
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http
from benchmarks._common import COMMON_KEYS, machine, percentiles, write_result
from benchmarks._server import ROOT, BenchServer, free_port, tree_usage
from benchmarks.load_citizen import CSRF_RE, Failed, Sampler, Stats, keep_cookies, open_loop

PEER = Path(__file__).resolve().parent / "peer"
KIT_APP = PEER / "kit" / "app"
KIT_SHIM = PEER / "kit" / "listen-local.js"
JOURNEY_FILE = PEER / "medskapa.yaml"
JOURNEY_ID = "peer-kora"
KIT_SPEC = "~13.20.0"
KIT_PASSWORD = "medskapa-bench"
HOST = "127.0.0.1"
ANSWERS = ("Ja", "Nej")
QUESTION = "Ska du själv köra bilen?"
REQUEST_TIMEOUT_S = 30.0
STEP_SECONDS = 2.0
RAMP_STOP_P95_MS = 3000.0
RAMP_STOP_ERROR_SHARE = 0.05
TARGET_P95_MS = 150.0
GZIP_LEVEL = 6
INSTALL_TIMEOUT_S = 600
KIT_START_TIMEOUT_S = 180

MEDSKAPA_ROW_RE = re.compile(
    r"<dd>(.*?)</dd>\s*<dd class=\"summary__action\"><a href=\"[^\"]*\?andra=forare", re.S
)
KIT_ROW_RE = re.compile(r'<dd class="govuk-summary-list__value">(.*?)</dd>', re.S)


def shown_text(raw: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())


# --- a phone -------------------------------------------------------------------------------


class Phone:
    """One phone: its own cookies (names are enough: both sites set path-scoped cookies
    only under the paths a phone uses), the CSRF token of the last page, a pooled client."""

    def __init__(self, client: _http.Client, stats: Stats, cookies: dict[str, str]) -> None:
        self.client = client
        self.stats = stats
        self.cookies = dict(cookies)
        self.csrf = ""
        self.got_cookie = False

    async def request(
        self,
        method: str,
        path: str,
        page: str,
        *,
        data: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> _http.Response:
        headers = {"Accept": "text/html", "Accept-Encoding": "gzip"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, data=data, headers=headers)
        except _http.HTTPError as exc:
            self.stats.errors[f"{page}: {type(exc).__name__}"] += 1
            raise Failed from exc
        self.stats.latencies[page].append((time.perf_counter() - started) * 1000)
        if keep_cookies(self.cookies, response):
            self.got_cookie = True
        if response.status_code not in expect:
            self.stats.errors[f"{page}: HTTP {response.status_code}"] += 1
            raise Failed
        if response.status_code == 200:
            found = CSRF_RE.search(response.text)
            if found:
                self.csrf = found.group(1)
        return response


@asynccontextmanager
async def clients(base_url: str, *, connections: int = 400) -> AsyncIterator[Any]:
    """One keep-alive pool (``benchmarks/_http.py``) that keeps no cookies (each phone keeps
    its own); yields a function that hands it out. Idle connections are dropped after 2 s,
    before either server's keep-alive ends (node: 5 s)."""
    async with _http.Client(
        base_url, max_connections=connections, timeout=REQUEST_TIMEOUT_S, keepalive_expiry=2.0
    ) as client:
        yield lambda: client


# --- the two sites -------------------------------------------------------------------------


class Site:
    """What a phone does on one side; subclasses know the URLs and the pages."""

    name = ""
    landing = "/"

    def __init__(self) -> None:
        self.url = ""

    def cookies(self) -> dict[str, str]:
        """The cookies a phone has before it scans the code."""
        return {}

    async def first_page(self, phone: Phone) -> None:
        """a) The link's first page, which must hand out a session cookie."""
        await phone.request("GET", self.landing, "GET first page")
        if not phone.got_cookie:
            phone.stats.errors["first page: no session cookie"] += 1
            raise Failed

    async def to_question(self, phone: Phone) -> None:
        raise NotImplementedError

    async def answer(self, phone: Phone, value: str) -> str | None:
        """POST the radios answer, follow the redirect; the answer the next page shows."""
        raise NotImplementedError

    def usage(self) -> dict[str, Any]:
        raise NotImplementedError

    def sessions_stored(self) -> int:
        raise NotImplementedError

    def fresh_start(self) -> None:
        """Before each scenario: nothing to do, unless the site slows down with sessions."""

    def session_id(self, phone: Phone) -> str | None:
        """The phone's server-side session id, where the site keeps one."""
        return None


class MedskapaSite(Site):
    name = "medskapa"

    def __init__(self, server: BenchServer, code: str) -> None:
        super().__init__()
        self.server = server
        self.url = server.url
        self.code = code
        self.landing = f"/t/{code}"

    async def to_question(self, phone: Phone) -> None:
        base = self.landing
        await phone.request("GET", base, "GET first page")
        data = {"csrf": phone.csrf, "age": "16-17", "consent": "ja"}
        await phone.request("POST", f"{base}/start", "POST consent", data=data, expect=(303,))
        await phone.request("GET", f"{base}/s/start", "GET start")
        data = {"csrf": phone.csrf}
        await phone.request("POST", f"{base}/s/start", "POST start", data=data, expect=(303,))
        await phone.request("GET", f"{base}/s/ska-du-kora", "GET question")

    async def answer(self, phone: Phone, value: str) -> str | None:
        base = self.landing
        posted = await phone.request(
            "POST",
            f"{base}/s/ska-du-kora",
            "POST answer",
            data={"csrf": phone.csrf, "forare": value},
            expect=(303,),
        )
        where = posted.headers.get("location", "")
        page = await phone.request("GET", where, "GET after answer")
        found = MEDSKAPA_ROW_RE.search(page.text)
        return shown_text(found.group(1)) if found else None

    def usage(self) -> dict[str, Any]:
        return self.server.usage()

    def sessions_stored(self) -> int:
        return int(self.server.query("select count(*) from test_sessions")[0][0])


class KitSite(Site):
    name = "govuk-prototype-kit"

    def __init__(self, kit: KitServer) -> None:
        super().__init__()
        self.kit = kit
        self.url = kit.url

    def cookies(self) -> dict[str, str]:
        # the cookie the kit's password page sets (sha256 of the password): the phone has
        # typed the prototype's password once, as every tester of a hosted kit must
        return {"authentication": hashlib.sha256(KIT_PASSWORD.encode()).hexdigest()}

    async def to_question(self, phone: Phone) -> None:
        await phone.request("GET", "/", "GET first page")
        await phone.request("GET", "/ska-du-kora", "GET question")

    async def answer(self, phone: Phone, value: str) -> str | None:
        posted = await phone.request(
            "POST", "/kontrollera-svar", "POST answer", data={"forare": value}, expect=(302,)
        )
        where = posted.headers.get("location", "")
        page = await phone.request("GET", where, "GET after answer")
        found = KIT_ROW_RE.search(page.text)
        return shown_text(found.group(1)) if found else None

    def usage(self) -> dict[str, Any]:
        return self.kit.usage()

    def sessions_stored(self) -> int:
        return self.kit.sessions_stored()

    def fresh_start(self) -> None:
        # every session the kit saves reads every stored session file: start each scenario
        # from an empty folder, the kit's best case (Medskapa keeps its whole database)
        self.kit.forget_sessions()

    def session_id(self, phone: Phone) -> str | None:
        return next(
            (v for k, v in phone.cookies.items() if k.startswith("govuk-prototype-kit-")), None
        )


# --- the kit: install and run --------------------------------------------------------------


class KitError(RuntimeError):
    """The kit could not be installed or started; the message says where it failed."""


class KitServer:
    """The GOV.UK Prototype Kit, made with its own ``create`` command in ``home``."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.project = home / "prototype"
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = home / "kit.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.versions: dict[str, str] = {}
        (home / "home").mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "HOME": str(home / "home"),  # npm and node write nothing to the real ~
            "npm_config_cache": str(home / "npm-cache"),
            "npm_config_update_notifier": "false",
            "npm_config_fund": "false",
            "npm_config_audit": "false",
            "npm_config_loglevel": "error",
        }

    def _run(self, args: list[str], *, cwd: Path, what: str) -> str:
        try:
            done = subprocess.run(
                args,
                cwd=cwd,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT_S,
                check=False,
            )
        except FileNotFoundError as exc:
            raise KitError(f"{what}: {args[0]} is not installed ({exc})") from exc
        except subprocess.TimeoutExpired as exc:
            raise KitError(f"{what}: no answer within {INSTALL_TIMEOUT_S} s") from exc
        if done.returncode != 0:
            raise KitError(
                f"{what} failed (exit {done.returncode}): {(done.stdout + done.stderr)[-3000:]}"
            )
        return done.stdout

    def install(self) -> float:
        """``npx govuk-prototype-kit@<13.20.x> create``, then our app folder over the
        starter's; returns the seconds it took."""
        started = time.monotonic()
        shown = self._run(
            ["npm", "view", f"govuk-prototype-kit@{KIT_SPEC}", "version", "--json"],
            cwd=self.home,
            what="npm view govuk-prototype-kit",
        )
        found = json.loads(shown)
        versions = found if isinstance(found, list) else [found]
        if not versions:
            raise KitError(f"npm knows no govuk-prototype-kit {KIT_SPEC}")
        version = max(versions, key=lambda v: tuple(int(p) for p in v.split(".")))
        self._run(
            [
                "npx",
                "--yes",
                f"govuk-prototype-kit@{version}",
                "create",
                f"--version={version}",
                "--no-version-control",
                str(self.project),
            ],
            cwd=self.home,
            what=f"npx govuk-prototype-kit@{version} create",
        )
        if not (self.project / "node_modules" / "govuk-prototype-kit").is_dir():
            raise KitError(f"govuk-prototype-kit create made no prototype in {self.project}")
        shutil.copytree(KIT_APP, self.project / "app", dirs_exist_ok=True)
        for package in ("govuk-prototype-kit", "govuk-frontend"):
            meta = self.project / "node_modules" / package / "package.json"
            self.versions[package] = json.loads(meta.read_text())["version"]
        self.versions["node"] = self._run(["node", "--version"], cwd=self.home, what="node")
        self.versions["node"] = self.versions["node"].strip()
        return time.monotonic() - started

    def start(self) -> float:
        """Start the kit in production mode; returns the seconds until it answered."""
        started = time.monotonic()
        env = {
            **self.env,
            "NODE_ENV": "production",
            "PASSWORD": KIT_PASSWORD,
            "USE_HTTPS": "false",
            "PORT": str(self.port),
        }
        cli = self.project / "node_modules" / "govuk-prototype-kit" / "bin" / "cli"
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                ["node", "--require", str(KIT_SHIM), str(cli), "start"],
                cwd=self.project,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + KIT_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KitError(
                    f"the kit stopped (exit {self.process.returncode}):\n"
                    f"{self.log.read_text(errors='replace')[-3000:]}"
                )
            try:
                with urllib.request.urlopen(self.url + "/manage-prototype/password", timeout=2):
                    return time.monotonic() - started  # urlopen raises on anything but 2xx
            except OSError:
                pass
            time.sleep(0.2)
        raise KitError(f"the kit did not answer within {KIT_START_TIMEOUT_S} s")

    def listens_only_locally(self) -> bool:
        """True when every socket the kit listens on is bound to 127.0.0.1."""
        addresses = []
        for proc in self.processes():
            with contextlib.suppress(psutil.Error):
                addresses += [
                    c.laddr.ip for c in proc.net_connections(kind="inet") if c.status == "LISTEN"
                ]
        return bool(addresses) and all(ip == HOST for ip in addresses)

    def sessions_dir(self) -> Path:
        return self.project / ".tmp" / "sessions"

    def sessions_stored(self) -> int:
        folder = self.sessions_dir()
        return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0

    def forget_sessions(self) -> None:
        """Empty the kit's session folder (its only state: the files are read every time)."""
        folder = self.sessions_dir()
        if folder.is_dir():
            for path in folder.iterdir():
                path.unlink(missing_ok=True)

    def processes(self) -> list[psutil.Process]:
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            top = psutil.Process(self.process.pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def usage(self) -> dict[str, Any]:
        """The same figures as ``BenchServer.usage``: RSS MiB, CPU seconds, run-queue waits."""
        return tree_usage(self.processes())

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


# --- the scenarios -------------------------------------------------------------------------


@dataclass
class Plan:
    rates: tuple[float, ...] = (25, 50, 100, 200, 400, 800)
    step_seconds: float = STEP_SECONDS
    step_cap: int = 1200
    submit_workers: int = 32
    submit_seconds: float = 10.0
    phones: int = 300
    phone_rate: float = 50.0
    answers_each: int = 5
    think: tuple[float, float] = (0.3, 1.0)
    runs: int = 2
    seed: int = 9


def quick_plan(runs: int) -> Plan:
    return Plan(
        rates=(10, 40),
        step_seconds=1.0,
        submit_workers=4,
        submit_seconds=2.0,
        phones=20,
        phone_rate=20,
        answers_each=2,
        think=(0.05, 0.2),
        runs=runs,
    )


def warm_up_plan() -> Plan:
    return Plan(
        rates=(20, 50),
        step_seconds=1.0,
        submit_workers=4,
        submit_seconds=2.0,
        phones=30,
        phone_rate=30,
        answers_each=2,
        think=(0.05, 0.2),
        runs=1,
    )


def sampler_for(site: Site) -> Sampler:
    # Sampler reads ``usage()`` only; either site has the BenchServer's shape
    return Sampler(site)  # type: ignore[arg-type]


async def burst_step(pick: Any, site: Site, *, rate: float, phones: int) -> dict[str, Any]:
    """``phones`` new phones arrive at ``rate`` per second, each loading the first page."""
    stats = Stats()
    ok = 0

    async def arrive(_i: int) -> None:
        nonlocal ok
        await site.first_page(Phone(pick(), stats, site.cookies()))
        ok += 1

    stored_before = site.sessions_stored()
    async with sampler_for(site) as sampler:
        _finished, unfinished, seconds = await open_loop(
            phones, rate, arrive, limit_s=30 + phones / rate
        )
    samples = stats.all_ms()
    return {
        "offered_per_s": rate,
        "phones": phones,
        "sessions": ok,
        "sessions_per_s": round(ok / seconds, 1) if seconds else 0.0,
        "seconds": round(seconds, 2),
        **percentiles(samples),
        "errors": sum(stats.errors.values()) + unfinished,
        "error_kinds": dict(stats.errors.most_common(5)),
        "sessions_stored_before": stored_before,
        **sampler.figures(),
    }


async def burst(pick: Any, site: Site, plan: Plan) -> dict[str, Any]:
    """a) The ramp: each rate in turn until a step's p95 passes 3 s or 5 % fail."""
    steps = []
    for rate in plan.rates:
        phones = min(plan.step_cap, max(10, round(rate * plan.step_seconds)))
        step = await burst_step(pick, site, rate=rate, phones=phones)
        steps.append(step)
        print(
            f"    a) {site.name}: {rate:.0f}/s offered -> {step['sessions_per_s']:.0f}/s, "
            f"p95 {step['p95_ms']:.0f} ms, errors {step['errors']}",
            flush=True,
        )
        if step["p95_ms"] > RAMP_STOP_P95_MS or step["errors"] > RAMP_STOP_ERROR_SHARE * phones:
            break
        await asyncio.sleep(0.5)
    within = [s for s in steps if s["p95_ms"] <= TARGET_P95_MS and not s["errors"]]
    best_within = max(within, key=lambda s: s["sessions_per_s"], default=None)
    peak = max(steps, key=lambda s: s["sessions_per_s"])
    return {
        "sessions_per_s_at_p95_150": best_within["sessions_per_s"] if best_within else 0.0,
        "p95_ms_at_that_rate": best_within["p95_ms"] if best_within else None,
        "peak_sessions_per_s": peak["sessions_per_s"],
        "p95_ms_at_peak": peak["p95_ms"],
        "phones": sum(s["phones"] for s in steps),
        "errors": sum(s["errors"] for s in steps),
        "rss_mib": max(s["rss_mib"] for s in steps),
        "steps": steps,
    }


async def ready(pick: Any, site: Site, count: int) -> list[Phone]:
    """``count`` phones at the question, made 10 at a time before a scenario starts."""
    gate = asyncio.Semaphore(10)
    stats = Stats()
    phones: list[Phone] = []

    async def make() -> None:
        phone = Phone(pick(), stats, site.cookies())
        async with gate:
            await site.to_question(phone)
        phones.append(phone)

    results = await asyncio.wait_for(
        asyncio.gather(*(make() for _ in range(count)), return_exceptions=True), timeout=120
    )
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        raise RuntimeError(
            f"{site.name}: {len(failed)} phones did not reach the question: "
            f"{dict(stats.errors.most_common(5)) or failed[0]!r}"
        )
    return phones


@dataclass
class Answers:
    """Answers given and what the page after each showed."""

    given: int = 0
    shown_right: int = 0
    wrong: int = 0
    missing: int = 0
    sessions_replaced: int = 0
    """Answers during which the server gave the phone a new session (the old one was gone)."""
    examples: list[str] = field(default_factory=list)
    pairs_ms: list[float] = field(default_factory=list)

    async def give(self, site: Site, phone: Phone, value: str) -> None:
        started = time.perf_counter()
        before = site.session_id(phone)
        shown = await site.answer(phone, value)
        self.pairs_ms.append((time.perf_counter() - started) * 1000)
        if before != site.session_id(phone):
            self.sessions_replaced += 1
        self.given += 1
        if shown == value:
            self.shown_right += 1
            return
        if shown:
            self.wrong += 1
        else:
            self.missing += 1
        if len(self.examples) < 5:
            self.examples.append(f"gave {value!r}, shown {shown!r}")

    @property
    def stale(self) -> int:
        return self.wrong + self.missing

    def figures(self) -> dict[str, Any]:
        return {
            "sent": self.given,
            "stored": self.shown_right,
            "lost": self.stale,
            "duplicated": None,
            "stale_answers": self.stale,
            "stale_other_answer": self.wrong,
            "stale_no_answer": self.missing,
            "sessions_replaced": self.sessions_replaced,
            "stale_examples": self.examples,
        }


async def submits(pick: Any, site: Site, plan: Plan, seed: int) -> dict[str, Any]:
    """b) Phones at the question answer it again and again for ``submit_seconds``."""
    phones = await ready(pick, site, plan.submit_workers)
    stats = Stats()
    answers = Answers()
    loop = asyncio.get_running_loop()

    async def hammer(phone: Phone, rng: random.Random) -> None:
        phone.stats = stats
        end = loop.time() + plan.submit_seconds
        n = 0
        while loop.time() < end and n < 100_000:
            n += 1
            try:
                await answers.give(site, phone, rng.choice(ANSWERS))
            except Failed:
                await asyncio.sleep(0.05)

    stored_before = site.sessions_stored()
    async with sampler_for(site) as sampler:
        started = loop.time()
        await asyncio.wait_for(
            asyncio.gather(*(hammer(p, random.Random(seed + i)) for i, p in enumerate(phones))),
            timeout=plan.submit_seconds + 60,
        )
        took = loop.time() - started
    return {
        "workers": plan.submit_workers,
        "seconds": round(took, 2),
        "submits": answers.given,
        "submits_per_s": round(answers.given / took, 1) if took else 0.0,
        **percentiles(stats.latencies["POST answer"]),
        "answer_and_next_page": percentiles(answers.pairs_ms),
        "pages": stats.pages(),
        "errors": sum(stats.errors.values()),
        "error_kinds": dict(stats.errors.most_common(5)),
        **answers.figures(),
        "sessions_stored_before": stored_before,
        **sampler.figures(),
    }


async def many_phones(pick: Any, site: Site, plan: Plan, seed: int) -> dict[str, Any]:
    """e) ``phones`` phones arrive at ``phone_rate`` per second; each reaches the question
    and answers it ``answers_each`` times with think time; every answer is checked."""
    stats = Stats()
    answers = Answers()
    arrivals: list[float] = []
    completed = 0

    async def phone_walk(i: int) -> None:
        nonlocal completed
        rng = random.Random(seed * 100_003 + i)
        phone = Phone(pick(), stats, site.cookies())
        started = time.perf_counter()
        await site.to_question(phone)
        arrivals.append((time.perf_counter() - started) * 1000)
        for _ in range(plan.answers_each):
            await asyncio.sleep(rng.uniform(*plan.think))
            await answers.give(site, phone, rng.choice(ANSWERS))
        completed += 1

    stored_before = site.sessions_stored()
    async with sampler_for(site) as sampler:
        _finished, unfinished, seconds = await open_loop(
            plan.phones, plan.phone_rate, phone_walk, limit_s=90 + plan.phones / plan.phone_rate
        )
    samples = stats.all_ms()
    return {
        "sessions": plan.phones,
        "arrival_rate_per_s": plan.phone_rate,
        "answers_each": plan.answers_each,
        "think_s": list(plan.think),
        "completed": completed,
        "seconds": round(seconds, 2),
        "requests": len(samples),
        "requests_per_s": round(len(samples) / seconds, 1) if seconds else 0.0,
        **percentiles(samples),
        "arrival_to_question": percentiles(arrivals),
        "pages": stats.pages(),
        "errors": sum(stats.errors.values()) + unfinished,
        "error_kinds": dict(stats.errors.most_common(5)),
        **answers.figures(),
        "sessions_stored_before": stored_before,
        **sampler.figures(),
    }


# --- page bytes ----------------------------------------------------------------------------


async def first_load(browser: Any, site: Site, path: str, cookies: dict[str, str]) -> dict:
    """Chromium (390 px, empty cache) loads ``path``: every response, raw and gzipped."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    if cookies:
        await context.add_cookies(
            [{"name": k, "value": v, "url": site.url + path} for k, v in cookies.items()]
        )
    page = await context.new_page()
    seen: list[Any] = []
    page.on("response", lambda response: seen.append(response))
    try:
        await page.goto(site.url + path, wait_until="networkidle", timeout=60_000)
        files = []
        for response in seen:
            if not response.url.startswith(site.url):
                continue
            try:
                body = await response.body()
            except Exception:  # a redirect has no body
                body = b""
            files.append(
                {
                    "url": response.url.removeprefix(site.url),
                    "status": response.status,
                    "type": response.request.resource_type,
                    "bytes": len(body),
                    "gzip_bytes": len(gzip.compress(body, GZIP_LEVEL, mtime=0)) if body else 0,
                    "content_encoding": (await response.all_headers()).get("content-encoding", ""),
                }
            )
    finally:
        await context.close()
    document = [f for f in files if f["type"] == "document"]
    return {
        "path": path.replace(getattr(site, "code", "\0"), "<code>"),
        "requests": len(files),
        "html_gzip_bytes": sum(f["gzip_bytes"] for f in document),
        "gzip_bytes": sum(f["gzip_bytes"] for f in files),
        "bytes": sum(f["bytes"] for f in files),
        "served_compressed": sorted({f["content_encoding"] for f in files} - {""}),
        "files": files,
    }


def chromium() -> str:
    """Debian's chromium (``make browser`` installs it); Playwright never downloads one here."""
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("chromium saknas: kör make browser (apt-get install chromium)")
    return found


async def page_bytes(pick: Any, site: Site) -> dict[str, Any]:
    """c) The first page (a new phone) and the question page (with a session)."""
    from playwright.async_api import async_playwright

    phone = Phone(pick(), Stats(), site.cookies())
    await site.to_question(phone)
    question = f"{site.landing}/s/ska-du-kora" if isinstance(site, MedskapaSite) else "/ska-du-kora"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=chromium(),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"],
        )
        try:
            found = {
                "first_page": await first_load(browser, site, site.landing, site.cookies()),
                "question_page": await first_load(browser, site, question, phone.cookies),
            }
            if isinstance(site, KitSite):  # what a hosted kit shows a phone first of all
                found["password_page"] = await first_load(
                    browser, site, "/manage-prototype/password", {}
                )
        finally:
            await browser.close()
    return found


# --- the whole run -------------------------------------------------------------------------


async def one_side(pick: Any, site: Site, plan: Plan, seed: int) -> dict[str, Any]:
    print(f"  {site.name}", flush=True)
    site.fresh_start()
    a = await burst(pick, site, plan)
    site.fresh_start()
    b = await submits(pick, site, plan, seed)
    print(
        f"    b) {site.name}: {b['submits_per_s']:.0f} submits/s, p95 {b['p95_ms']:.0f} ms, "
        f"stale {b['stale_answers']}/{b['sent']}, errors {b['errors']}",
        flush=True,
    )
    site.fresh_start()
    e = await many_phones(pick, site, plan, seed)
    print(
        f"    e) {site.name}: {e['sessions']} phones, p95 {e['p95_ms']:.0f} ms, "
        f"stale {e['stale_answers']}/{e['sent']}, errors {e['errors']}",
        flush=True,
    )
    return {"new_sessions": a, "submits": b, "many_phones": e}


async def run_all(sites: list[Site], plan: Plan, *, deadline: float) -> dict[str, Any]:
    """Warm-up, the runs (while the time left is enough for one more), page bytes.
    ``deadline`` is a ``time.monotonic()`` value."""
    out: dict[str, Any] = {"runs": [], "runs_left_out_for_time": 0}
    async with AsyncExitStack() as stack:
        picks = {site.name: await stack.enter_async_context(clients(site.url)) for site in sites}
        print("warm-up …", flush=True)
        for site in sites:
            await one_side(picks[site.name], site, warm_up_plan(), seed=1)
        out["rss_after_warm_up_mib"] = {s.name: round(s.usage()["rss_mib"], 1) for s in sites}
        took = 0.0
        for run in range(1, plan.runs + 1):
            if time.monotonic() + 1.2 * took + 30 > deadline:
                out["runs_left_out_for_time"] = plan.runs - run + 1
                print(f"no time left for run {run}: stopping here", flush=True)
                break
            started = time.monotonic()
            order = sites if run % 2 else list(reversed(sites))
            print(f"run {run} ({', '.join(s.name for s in order)})", flush=True)
            figures = {}
            for site in order:
                figures[site.name] = await one_side(
                    picks[site.name], site, plan, seed=plan.seed * 1000 + run
                )
            out["runs"].append(figures)
            took = time.monotonic() - started
        print("c) page bytes …", flush=True)
        out["page_bytes"] = {s.name: await page_bytes(picks[s.name], s) for s in sites}
    return out


def side_summary(name: str, run: dict[str, Any], pages: dict[str, Any], rss0: float) -> dict:
    """The figures issue 9 asks every result to carry, for one side of one run."""
    a, b, e = run["new_sessions"], run["submits"], run["many_phones"]
    return {
        "name": name,
        "sessions": e["sessions"],
        "p50_ms": e["p50_ms"],
        "p95_ms": e["p95_ms"],
        "p99_ms": e["p99_ms"],
        "errors": a["errors"] + b["errors"] + e["errors"],
        "sent": b["sent"] + e["sent"],
        "stored": b["stored"] + e["stored"],
        "lost": b["lost"] + e["lost"],
        "duplicated": None,
        "rss_mib": max(a["rss_mib"], b["rss_mib"], e["rss_mib"]),
        "rss_idle_mib": rss0,
        "new_sessions_per_s_at_p95_150": a["sessions_per_s_at_p95_150"],
        "new_sessions_peak_per_s": a["peak_sessions_per_s"],
        "new_session_p95_ms_at_peak": a["p95_ms_at_peak"],
        "submits_per_s": b["submits_per_s"],
        "submit_p50_ms": b["answer_and_next_page"]["p50_ms"],
        "submit_p95_ms": b["answer_and_next_page"]["p95_ms"],
        "first_page_gzip_bytes": pages["first_page"]["gzip_bytes"],
        "question_page_gzip_bytes": pages["question_page"]["gzip_bytes"],
        "stale_answers": b["stale_answers"] + e["stale_answers"],
        "stale_checks": b["sent"] + e["sent"],
        "sessions_replaced_while_answering": b["sessions_replaced"] + e["sessions_replaced"],
        "machine": machine(),
    }


COMMON_SIDE_KEYS = ("sessions", *COMMON_KEYS)

RATIO_KEYS = (
    "new_sessions_per_s_at_p95_150",
    "new_sessions_peak_per_s",
    "new_session_p95_ms_at_peak",
    "submits_per_s",
    "submit_p50_ms",
    "submit_p95_ms",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "first_page_gzip_bytes",
    "question_page_gzip_bytes",
    "rss_mib",
    "rss_idle_mib",
    "stale_answers",
)


def ratios(med: dict[str, Any], kit: dict[str, Any]) -> dict[str, float | None]:
    """Medskapa's figure divided by the kit's, for every figure (None when the kit's is 0)."""
    found: dict[str, float | None] = {}
    for key in RATIO_KEYS:
        m, k = med.get(key), kit.get(key)
        found[key] = round(m / k, 3) if m is not None and k else None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small figures, to try it out")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--minutes", type=float, default=14.0, help="no run starts that would end after this"
    )
    args = parser.parse_args()
    runs = max(1, min(args.runs, 3))
    plan = quick_plan(runs) if args.quick else Plan(runs=runs)
    began = dt.datetime.now(dt.UTC)
    started_at = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="medskapa-peer-"))
    name = "peer-comparison-quick" if args.quick else "peer-comparison"
    kit = KitServer(tmp / "kit")
    (tmp / "medskapa").mkdir()
    try:
        with BenchServer(tmp / "medskapa", name="peer") as server:
            print(f"installing the GOV.UK Prototype Kit ({KIT_SPEC}) in {kit.home} …", flush=True)
            try:
                installed_in = kit.install()
                kit_up_in = kit.start()
            except KitError as problem:
                path = write_result(name, {"kit_error": str(problem), "started": str(began)})
                print(f"the kit could not be installed or started: {problem}\nwrote {path}")
                raise SystemExit(1) from problem
            local = kit.listens_only_locally()
            if not local:
                raise SystemExit("the kit listens on more than 127.0.0.1: stopped")
            print(
                f"kit {kit.versions} installed in {installed_in:.0f} s, up in "
                f"{kit_up_in:.1f} s on {kit.url}",
                flush=True,
            )
            server.cli("journey", "import", str(JOURNEY_FILE))
            version = server.cli("publish", JOURNEY_ID).strip().splitlines()[-1]
            code = server.share(version)
            medskapa_up_in = server.start()
            print(f"medskapa up in {medskapa_up_in:.1f} s on {server.url}", flush=True)
            med_site, kit_site = MedskapaSite(server, code), KitSite(kit)
            sites: list[Site] = [med_site, kit_site]
            idle = {s.name: round(s.usage()["rss_mib"], 1) for s in sites}
            deadline = started_at + args.minutes * 60
            result = _http.run(run_all(sites, plan, deadline=deadline))
            kit_log = kit.log.read_text(errors="replace")[-1500:]
    finally:
        kit.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    per_run = []
    for run in result["runs"]:
        m = side_summary("medskapa", run["medskapa"], result["page_bytes"]["medskapa"], 0.0)
        k = side_summary(
            "govuk-prototype-kit",
            run["govuk-prototype-kit"],
            result["page_bytes"]["govuk-prototype-kit"],
            0.0,
        )
        m["rss_idle_mib"], k["rss_idle_mib"] = idle["medskapa"], idle["govuk-prototype-kit"]
        per_run.append({"medskapa": m, "govuk-prototype-kit": k, "ratios": ratios(m, k)})
    last = per_run[-1]
    payload = {
        "quick": args.quick,
        "started": began.isoformat(timespec="seconds"),
        "plan": vars(plan),
        "how": {
            "ratios": "medskapa figure / kit figure (higher is better for /s; lower is better "
            "for ms, bytes, MiB and stale answers)",
            "sessions": "phones at once in e) (arrive, reach the question, answer it "
            f"{plan.answers_each} times with think time); p50/p95/p99 are its requests",
            "sent_stored_lost": "answers posted in b) and e); stored = the page after the "
            "answer showed exactly it; lost = it showed another answer or none",
            "duplicated": "not applicable: an answer replaces the one before",
            "kit_first_page": "the kit's start page with its password cookie already set "
            "(every tester of a hosted kit types the password once)",
            "kit_sessions": "the kit's session folder is emptied before each scenario (its "
            "best case: each session it saves reads every stored one); Medskapa keeps its "
            "database throughout",
            "arrival_to_question": "Medskapa: welcome, consent, start page, start, question "
            "(5 requests); the kit: start page, question (2 requests)",
        },
        # the common keys of every result (benchmarks/_common.py) are Medskapa's; the kit's
        # are under "govuk-prototype-kit", each side's under its own name
        **{key: last["medskapa"][key] for key in COMMON_SIDE_KEYS},
        "versions": {**kit.versions, "medskapa_commit": _git_commit()},
        "kit_listens_only_on_127_0_0_1": local,
        "up_in_s": {
            "medskapa": round(medskapa_up_in, 1),
            "govuk-prototype-kit": round(kit_up_in, 1),
        },
        "rss_idle_mib": idle,
        "runs_left_out_for_time": result["runs_left_out_for_time"],
        "medskapa": last["medskapa"],
        "govuk-prototype-kit": last["govuk-prototype-kit"],
        "ratios": last["ratios"],
        "runs_summary": per_run,
        "scenarios": result,
        "kit_log_tail": kit_log,
    }
    path = write_result(name, payload)
    for n, row in enumerate(per_run, 1):
        print(f"run {n}:")
        for key in ("medskapa", "govuk-prototype-kit"):
            s = row[key]
            print(
                f"  {key:20} new sessions {s['new_sessions_per_s_at_p95_150']:.0f}/s at p95 ≤ "
                f"150 ms (peak {s['new_sessions_peak_per_s']:.0f}/s, p95 "
                f"{s['new_session_p95_ms_at_peak']:.0f} ms); submits {s['submits_per_s']:.0f}/s "
                f"p95 {s['submit_p95_ms']:.0f} ms; {s['sessions']} phones p95 {s['p95_ms']:.0f} "
                f"ms; stale {s['stale_answers']}/{s['stale_checks']}; RSS {s['rss_mib']:.0f} "
                f"MiB; first page {s['first_page_gzip_bytes'] / 1024:.1f} KB gz; errors "
                f"{s['errors']}"
            )
        print(f"  ratios (medskapa / kit): {row['ratios']}")
    print(f"wrote {path}")


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


if __name__ == "__main__":
    main()
