"""How heavy is what a phone downloads? Every citizen page and its assets, gzipped, and the
designer app's first load (the Reflex HTML and the JS and CSS it references).

Starts its own server on 127.0.0.1 (``benchmarks/_server.py``), shares each example journey,
opens every step of every journey as a consenting tester, plus the welcome, task, SEQ, SUS,
last, withdrawal and error pages. For each page: the HTML as sent, the bytes on the wire
(does the server compress?), and gzip level 6 of it (what a compressing proxy would send);
then each asset the page references (scripts, styles, icons, and what the CSS pulls in),
fetched once. "First load" is a page plus all its assets on an empty cache.

Writes ``benchmarks/results/page-weight.json`` and prints a short table.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import write_result
from benchmarks._server import ROOT, BenchServer
from benchmarks.load_citizen import CSRF_RE, SUCCESS_STEP, TASK
from journeys import read_file

EXAMPLES = ROOT / "journeys" / "examples"
GZIP_LEVEL = 6
CITIZEN_BUDGET = 20 * 1024
"""tests/toolkit/test_citizen_pages.py keeps a citizen page under 20 KB (gzipped HTML)."""

TAG_RE = re.compile(r"<(script|link|img)\b([^>]*)>", re.I)
ATTR_RE = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT_RE = re.compile(r"""@import\s+['"]([^'"]+)['"]""")
JS_STATIC_IMPORT_RE = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,$]+from\s*)?|\bexport\s*[\w*{}\s,$]*from\s*)["']([^"']+\.m?js)["']"""
)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, GZIP_LEVEL, mtime=0))


def references(page_url: str, text: str) -> list[tuple[str, str]]:
    """(kind, absolute URL) of what an HTML page loads right away."""
    found: list[tuple[str, str]] = []
    for tag, raw in TAG_RE.findall(text):
        attrs = {k.lower(): v for k, v in ATTR_RE.findall(raw)}
        tag = tag.lower()
        if tag == "script" and attrs.get("src"):
            found.append(("js", urljoin(page_url, attrs["src"])))
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            found.append(("image", urljoin(page_url, attrs["src"])))
        elif tag == "link" and attrs.get("href"):
            rel = attrs.get("rel", "").lower()
            kind = None
            if "stylesheet" in rel:
                kind = "css"
            elif "modulepreload" in rel or (rel == "preload" and attrs.get("as") == "script"):
                kind = "js"
            elif "icon" in rel:
                kind = "icon"
            elif rel == "preload" and attrs.get("as") in ("style", "font"):
                kind = "css" if attrs["as"] == "style" else "font"
            elif "manifest" in rel:
                kind = "manifest"
            if kind:
                found.append((kind, urljoin(page_url, attrs["href"])))
    return found


class Fetcher:
    """Fetches each asset once (a phone's cache) and follows CSS and static JS imports."""

    def __init__(self, client: httpx.Client, origin: str) -> None:
        self.client = client
        self.origin = origin
        self.assets: dict[str, dict[str, Any]] = {}

    def asset(self, kind: str, url: str) -> list[str]:
        """Fetch ``url`` (and what it imports) once; returns every URL it pulled in."""
        if urlsplit(url).netloc != urlsplit(self.origin).netloc:
            return []  # never anything but our own server
        if url in self.assets:
            return [url, *self.assets[url]["pulls"]]
        response = self.client.get(url, headers={"Accept-Encoding": "gzip"})
        body = response.content
        entry = {
            "kind": kind,
            "url": url.replace(self.origin, ""),
            "status": response.status_code,
            "bytes": len(body),
            "wire_bytes": response.num_bytes_downloaded,
            "gzip_bytes": gz(body),
            "content_encoding": response.headers.get("content-encoding", ""),
            "cache_control": response.headers.get("cache-control", ""),
            "pulls": [],
        }
        self.assets[url] = entry
        pulled: list[str] = []
        if kind == "css":
            text = body.decode("utf-8", "replace")
            for ref in CSS_IMPORT_RE.findall(text):
                pulled += self.asset("css", urljoin(url, ref))
            for ref in CSS_URL_RE.findall(text):
                if not ref.startswith("data:"):
                    pulled += self.asset(
                        "font" if "font" in ref or ref.endswith(("woff2", "woff")) else "image",
                        urljoin(url, ref),
                    )
        elif kind == "js":
            text = body.decode("utf-8", "replace")
            for ref in JS_STATIC_IMPORT_RE.findall(text):
                if ref.startswith((".", "/")):
                    pulled += self.asset("js", urljoin(url, ref))
        entry["pulls"] = sorted(set(pulled) - {url})
        return [url, *entry["pulls"]]


def page_entry(
    fetcher: Fetcher, name: str, response: httpx.Response, origin: str
) -> dict[str, Any]:
    body = response.content
    page_url = str(response.url)
    loaded: list[str] = []
    for kind, url in references(page_url, response.text):
        loaded += fetcher.asset(kind, url)
    unique = sorted(set(loaded))
    assets_gz = sum(fetcher.assets[u]["gzip_bytes"] for u in unique)
    assets_raw = sum(fetcher.assets[u]["bytes"] for u in unique)
    html_gz = gz(body)
    return {
        "page": name,
        "path": page_url.replace(origin, ""),
        "status": response.status_code,
        "html_bytes": len(body),
        "html_wire_bytes": response.num_bytes_downloaded,
        "html_gzip_bytes": html_gz,
        "content_encoding": response.headers.get("content-encoding", ""),
        "assets": [fetcher.assets[u]["url"] for u in unique],
        "assets_bytes": assets_raw,
        "assets_gzip_bytes": assets_gz,
        "first_load_bytes": len(body) + assets_raw,
        "first_load_gzip_bytes": html_gz + assets_gz,
    }


def citizen_pages(
    server: BenchServer, codes: dict[str, str]
) -> tuple[list[dict[str, Any]], Fetcher]:
    pages: list[dict[str, Any]] = []
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as client:
        fetcher = Fetcher(client, server.url)
        for journey_id, code in codes.items():
            journey = read_file(EXAMPLES / f"{journey_id}.yaml").journey
            assert journey is not None
            base = f"/t/{code}"
            client.cookies.clear()
            welcome = client.get(base, headers={"Accept-Encoding": "gzip"})
            pages.append(page_entry(fetcher, f"{journey_id}: welcome", welcome, server.url))
            csrf = CSRF_RE.search(welcome.text)
            assert csrf, "no CSRF field on the welcome page"
            started = client.post(
                base + "/start", data={"csrf": csrf.group(1), "age": "16-17", "consent": "ja"}
            )
            assert started.status_code == 303, started.status_code
            for step in journey.steps:
                shown = client.get(f"{base}/s/{step.id}", headers={"Accept-Encoding": "gzip"})
                pages.append(page_entry(fetcher, f"{journey_id}: s/{step.id}", shown, server.url))
            if journey_id != "parkeringstillstand":
                continue
            # the error page of a question left unanswered, and the pages around the test
            first = client.get(f"{base}/s/ska-du-kora")
            csrf = CSRF_RE.search(first.text)
            assert csrf
            errors = client.post(f"{base}/s/ska-du-kora", data={"csrf": csrf.group(1)})
            pages.append(
                page_entry(fetcher, f"{journey_id}: s/ska-du-kora (error)", errors, server.url)
            )
            for name, path in (
                ("task", "/task"),
                ("seq", "/seq?after=end"),
                ("sus", "/sus"),
                ("klart", "/klart"),
            ):
                shown = client.get(base + path, headers={"Accept-Encoding": "gzip"})
                pages.append(page_entry(fetcher, f"{journey_id}: {name}", shown, server.url))
        for name, path in (("withdraw", "/t/withdraw"), ("unknown link (404)", "/t/inget-sadant")):
            shown = client.get(path, headers={"Accept-Encoding": "gzip"})
            pages.append(page_entry(fetcher, name, shown, server.url))
    return pages, fetcher


def designer_first_load(server: BenchServer) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=30) as client:
        fetcher = Fetcher(client, server.url)
        entries = {}
        for name, path in (("designer app /", "/"), ("sign-in page /login", "/login")):
            response = client.get(path, headers={"Accept-Encoding": "gzip"})
            entries[name] = page_entry(fetcher, name, response, server.url)
        by_kind: dict[str, dict[str, int]] = {}
        for url in entries["designer app /"]["assets"]:
            entry = fetcher.assets[server.url + url]
            figures = by_kind.setdefault(entry["kind"], {"files": 0, "bytes": 0, "gzip_bytes": 0})
            figures["files"] += 1
            figures["bytes"] += entry["bytes"]
            figures["gzip_bytes"] += entry["gzip_bytes"]
        return {
            "pages": list(entries.values()),
            "by_kind": by_kind,
            "assets": [
                {k: v for k, v in a.items() if k != "pulls"} for a in fetcher.assets.values()
            ],
        }


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="medskapa-weight-") as tmp,
        BenchServer(Path(tmp), name="weight") as server,
    ):
        codes = {"parkeringstillstand": server.prepare(task=TASK, success_step=SUCCESS_STEP)}
        for journey_id in ("ekonomiskt-bistand", "trygghetslarm"):
            version = server.cli("publish", journey_id).strip().splitlines()[-1].strip()
            codes[journey_id] = server.share(version)
        server.start()
        pages, fetcher = citizen_pages(server, codes)
        designer = designer_first_load(server)
        rss_mib = round(server.usage()["rss_mib"], 1)
    html_gz = [p["html_gzip_bytes"] for p in pages]
    first = [p["first_load_gzip_bytes"] for p in pages]
    heaviest = max(pages, key=lambda p: p["html_gzip_bytes"])
    app = designer["pages"][0]
    result = {
        "gzip_level": GZIP_LEVEL,
        "server_compresses": any(p["content_encoding"] for p in pages),
        "citizen_pages": len(pages),
        "citizen_html_gzip_max_bytes": max(html_gz),
        "citizen_html_gzip_max_page": heaviest["page"],
        "citizen_html_gzip_median_bytes": sorted(html_gz)[len(html_gz) // 2],
        "citizen_first_load_gzip_max_bytes": max(first),
        "citizen_budget_bytes": CITIZEN_BUDGET,
        "citizen_over_budget": [p["page"] for p in pages if p["html_gzip_bytes"] > CITIZEN_BUDGET],
        "citizen_assets": [
            {k: v for k, v in a.items() if k != "pulls"} for a in fetcher.assets.values()
        ],
        "designer_first_load_gzip_bytes": app["first_load_gzip_bytes"],
        "designer_first_load_bytes": app["first_load_bytes"],
        "designer_files": len(app["assets"]) + 1,
        "designer": designer,
        "pages": pages,
        "errors": sum(1 for p in pages if p["status"] >= 500),
        "rss_mib": rss_mib,
    }
    path = write_result("page-weight", result)
    print(f"{len(pages)} citizen pages; the server compresses: {result['server_compresses']}")
    print(f"{'page':48} {'html':>8} {'html gz':>8} {'1st load gz':>12}")
    for p in pages:
        print(
            f"{p['page'][:48]:48} {p['html_bytes']:8} {p['html_gzip_bytes']:8} "
            f"{p['first_load_gzip_bytes']:12}"
        )
    for a in result["citizen_assets"]:
        print(f"  asset {a['url']}: {a['bytes']} B, {a['gzip_bytes']} B gzipped")
    print(
        f"designer app first load: {app['first_load_gzip_bytes'] / 1024:.0f} KB gzipped "
        f"({app['first_load_bytes'] / 1024:.0f} KB raw) in {result['designer_files']} files: "
        + ", ".join(
            f"{k} {v['files']} files {v['gzip_bytes'] / 1024:.0f} KB gz"
            for k, v in designer["by_kind"].items()
        )
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
