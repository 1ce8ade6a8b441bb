"""Our own HTTP routes, at HTTP level (no browser): citizen pages, errors, sign-in, designer
downloads and the headers every response of ours carries."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlite_utils import Database
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import prototypes
from journeys import read_file, read_text
from journeys import store as journey_store
from toolkit import accounts, routes
from toolkit.db import open_db, set_organisation
from toolkit.settings import Settings
from toolkit.web import create_api

NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
PUBLIC = "http://192.168.1.20:3000"
PASSWORD = "rätt häst batteri"

EXAMPLES = Path(__file__).resolve().parents[2] / "journeys" / "examples"
JOURNEY = """\
id: liten-resa
title: Ansök om en liten sak
organisation: Exempelkommun
description: En kort resa för test.
steps:
  - id: start
    kind: screen
    title: Ansök om en liten sak
    body: |
      Här ansöker du om **en liten sak**.

      <script>alert('body')</script>

      [Läs mer](javascript:alert(1))
    button: Starta ansökan
    next: fordon
  - id: fordon
    kind: screen
    title: Ska du själv köra bilen?
    fields:
      - id: forare
        type: radios
        label: Ska du själv köra bilen?
        hint: Välj ett alternativ
        options:
          - value: Ja
            hint: Du söker som förare.
          - Nej
        required: Välj om du själv ska köra bilen
      - id: regnr
        type: text
        label: Registreringsnummer
      - id: personnummer
        type: personnummer
        label: Personnummer
        hint: ÅÅÅÅMMDD-XXXX
        required: Ange ditt personnummer
    next: klart
  - id: klart
    kind: screen
    title: Klart
"""


class Client:
    """httpx over ASGI, used synchronously; keeps cookies like a browser."""

    def __init__(self, app: Any, *, raise_app_exceptions: bool = True) -> None:
        self.runner = asyncio.Runner()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions),
            base_url="http://testserver",
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()


class World:
    """A database with a published journey, links in every state, and a designer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.now = NOW
        db = self.db()
        journey = read_text(JOURNEY).journey
        assert journey is not None
        journey_store.save_journey(db, journey, source=JOURNEY, author="test", now=NOW)
        self.version = prototypes.publish_version(db, journey.id, note="v1", author="test", now=NOW)
        self.ok = self.link(task="Du har fått ett brev. Ansök om en liten sak.")
        self.revoked = self.link()
        prototypes.revoke_share_link(db, self.revoked, now=NOW)
        self.expired = self.link(expires_at=NOW - dt.timedelta(days=1))
        self.user = accounts.add_user(db, "anna@kommun.se", PASSWORD, role="designer", now=NOW)
        self.token = accounts.start_session(db, self.user, now=NOW, hours=12)

    def db(self) -> Database:
        return open_db(self.path)

    def link(self, **kwargs: Any) -> str:
        options = {"created_by": "test", "now": NOW - dt.timedelta(days=2), **kwargs}
        return prototypes.create_share_link(self.db(), self.version.id, **options).code

    def settings(self) -> Settings:
        return Settings(db_path=self.path, public_url=PUBLIC)

    def api(self) -> Starlette:
        return create_api(self.settings(), clock=lambda: self.now)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "web.db")


@pytest.fixture
def client(world: World) -> Iterator[Client]:
    c = Client(world.api())
    yield c
    c.close()


@pytest.fixture
def designer(world: World, client: Client) -> Client:
    client.client.cookies.set(routes.SESSION_COOKIE, world.token)
    return client


def _text(response: httpx.Response) -> str:
    """The page's visible words, roughly: tags removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


# --- health ---------------------------------------------------------------------------------


def test_health_says_ok_with_the_version_and_a_working_database(client: Client) -> None:
    response = client.get(routes.health_path())
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]
    assert response.headers["cache-control"] == "no-store"


def test_the_favicon_is_served_and_the_sign_in_page_links_it(client: Client) -> None:
    icon = client.get(routes.FAVICON)
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
    page = client.get(routes.LOGIN)
    assert f'<link rel="icon" href="{routes.FAVICON}"' in page.text


# --- citizen pages --------------------------------------------------------------------------


def test_an_active_link_shows_the_start_of_the_test(world: World, client: Client) -> None:
    response = client.get(routes.citizen_path(world.ok))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    text = _text(response)
    assert '<html lang="sv">' in response.text
    assert "Ansök om en liten sak" in text
    assert "Exempelkommun" in text
    assert "Version 1" in text
    assert "Din uppgift" in text
    assert "Du har fått ett brev. Ansök om en liten sak." in text
    assert "anonymt test av en prototyp" in text
    assert "Skriv inga riktiga personuppgifter" in text


def test_the_code_may_be_typed_with_capitals_and_a_hyphen(world: World, client: Client) -> None:
    typed = prototypes.format_code(world.ok).upper()
    response = client.get(routes.citizen_path(typed))
    assert response.status_code == 303  # to the code as stored: the test's cookie lives there
    assert response.headers["location"] == routes.citizen_path(world.ok)
    assert client.get(response.headers["location"]).status_code == 200


def test_an_unknown_code_is_a_friendly_404(client: Client) -> None:
    response = client.get(routes.citizen_path("abcdefghjk"))
    assert response.status_code == 404
    text = _text(response)
    assert "Länken fungerar inte" in text
    assert "Be den som gav dig länken om en ny." in text


def test_a_revoked_link_is_gone_410_and_says_what_to_do(world: World, client: Client) -> None:
    response = client.get(routes.citizen_path(world.revoked))
    assert response.status_code == 410
    text = _text(response)
    assert "Testet är avslutat" in text
    assert "Be den som gav dig länken om en ny." in text


def test_an_expired_link_is_gone_410_and_says_when_it_closed(world: World, client: Client) -> None:
    response = client.get(routes.citizen_path(world.expired))
    assert response.status_code == 410
    text = _text(response)
    assert "Länken har gått ut" in text
    assert "till och med den 2 november 2025" in text  # closed 2 November, 10:00
    assert "Be den som gav dig länken om en ny." in text


def test_a_link_expires_at_its_time_not_before(world: World, client: Client) -> None:
    code = world.link(expires_at=NOW + dt.timedelta(hours=1))
    assert client.get(routes.citizen_path(code)).status_code == 200
    world.now = NOW + dt.timedelta(hours=1)
    assert client.get(routes.citizen_path(code)).status_code == 410


HOSTILE = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "<script>alert(1)</script>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\"'><img src=x onerror=alert(1)>",
    "' OR 1=1 --",
    "%00",
    "a" * 10_240,
    "ä" * 3000,
    "abcde-fghjk/extra",
]


@pytest.mark.parametrize("code", HOSTILE, ids=lambda c: c[:20])
@pytest.mark.parametrize("prefix", ["/t/", "/w/"])
def test_hostile_codes_get_a_404_page_with_nothing_unescaped(
    client: Client, code: str, prefix: str
) -> None:
    response = client.get(prefix + code)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    body = response.text
    assert "<script" not in body.lower()
    assert "<img" not in body.lower()
    if "<" in code:
        assert "&lt;" in body  # shown, escaped
    assert "Traceback" not in body
    assert len(body) < 10_000  # a 10 KB code is not echoed back in full
    assert "content-security-policy" in response.headers


def test_the_workshop_placeholder_names_the_code(client: Client) -> None:
    response = client.get(routes.workshop_path("ABC123"))
    assert response.status_code == 404
    assert "Det finns ingen workshop med koden ABC123" in _text(response)


def test_an_unknown_page_is_a_friendly_404(client: Client) -> None:
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan finns inte" in _text(response)


def test_a_wrong_method_is_a_friendly_405(world: World, client: Client) -> None:
    response = client.post(routes.citizen_path(world.ok))
    assert response.status_code == 405
    assert "Det går inte att göra så här" in _text(response)


def test_a_server_error_is_a_calm_page_and_the_traceback_goes_to_the_log(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    c = Client(world.api(), raise_app_exceptions=False)
    world.db().execute("drop table share_links")
    with caplog.at_level(logging.ERROR, logger="medskapa.web"):
        response = c.get(routes.citizen_path(world.ok))
    c.close()
    assert response.status_code == 500
    text = _text(response)
    assert "Något gick fel hos oss" in text
    assert "Traceback" not in response.text
    assert "share_links" not in response.text
    assert "content-security-policy" in response.headers
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "share_links" in logged


def test_the_organisation_name_and_colour_theme_the_page(world: World, client: Client) -> None:
    set_organisation(world.db(), name="Medskapa kommun", colour="#0b5cab")
    response = client.get(routes.citizen_path(world.ok))
    assert "Medskapa kommun" in response.text
    nonce = re.search(r'<style nonce="([^"]+)">([^<]*)</style>', response.text)
    assert nonce is not None
    assert "--brand: #0b5cab" in nonce.group(2)
    assert f"'nonce-{nonce.group(1)}'" in response.headers["content-security-policy"]


# --- security headers -----------------------------------------------------------------------

PUBLIC_PATHS = [
    "/api/health",
    "/t/abcdefghjk",
    "/w/abc",
    "/finns-inte",
    "/login",
    "/designer/qr/abcdefghjk.png",
    "/designer/api/me",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_response_of_ours_carries_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_static_files_are_cached_for_a_year_and_the_url_changes_with_the_content(
    world: World, client: Client
) -> None:
    page = client.get(routes.citizen_path(world.ok)).text
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert href is not None
    assert re.fullmatch(r"/static/medskapa\.css\?v=[0-9a-f]{12}", href.group(1))
    css = client.get(href.group(1))
    assert css.status_code == 200
    assert "max-age=31536000" in css.headers["cache-control"]
    assert css.headers["x-content-type-options"] == "nosniff"


def test_reflex_mounted_underneath_does_not_get_our_strict_policy(world: World) -> None:
    """Reflex mounts itself under our app (rx.App(api_transformer=...)); its bundle needs
    inline scripts, so our CSP must stay on our own routes."""
    api = world.api()
    reflex_like = Starlette(routes=[Route("/", lambda request: PlainTextResponse("reflex"))])
    api.mount("", reflex_like)
    c = Client(api)
    try:
        theirs = c.get("/")
        ours = c.get(routes.citizen_path(world.ok))
    finally:
        c.close()
    assert theirs.text == "reflex"
    assert "content-security-policy" not in theirs.headers
    assert "content-security-policy" in ours.headers


# --- sign-in --------------------------------------------------------------------------------


def test_the_sign_in_page_is_a_plain_form(client: Client) -> None:
    response = client.get(routes.login_path("/designer/qr-sheet/x"))
    assert response.status_code == 200
    assert 'method="post"' in response.text
    assert 'name="next" value="/designer/qr-sheet/x"' in response.text
    assert 'autocomplete="current-password"' in response.text


def test_signing_in_sets_an_httponly_cookie_and_returns_to_the_page(
    world: World, client: Client
) -> None:
    wanted = routes.qr_sheet_path(world.version.id)
    response = client.post(
        routes.LOGIN, data={"email": "Anna@kommun.se", "password": PASSWORD, "next": wanted}
    )
    assert response.status_code == 303
    assert response.headers["location"] == wanted
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{routes.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert client.get(wanted).status_code == 200


@pytest.mark.parametrize(
    ("email", "password"), [("anna@kommun.se", "fel lösenord!"), ("ingen@kommun.se", PASSWORD)]
)
def test_a_failed_sign_in_shows_one_message_for_both_mistakes(
    client: Client, email: str, password: str
) -> None:
    response = client.post(routes.LOGIN, data={"email": email, "password": password})
    assert response.status_code == 401
    text = _text(response)
    assert "E-postadressen eller lösenordet stämmer inte. Kontrollera dem och försök igen." in text
    assert "Det finns ett problem" in text
    assert 'href="#email"' in response.text
    assert 'aria-describedby="email-error"' in response.text
    assert 'aria-describedby="password-error"' in response.text
    assert "set-cookie" not in response.headers
    assert f'value="{email}"' in response.text


def test_empty_fields_are_named_in_an_error_summary(client: Client) -> None:
    response = client.post(routes.LOGIN, data={"email": "", "password": ""})
    assert response.status_code == 400
    text = _text(response)
    assert "Det finns ett problem" in text
    assert "Ange din e-postadress" in text
    assert "Ange ditt lösenord" in text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil"])
def test_sign_in_never_redirects_to_another_site(client: Client, target: str) -> None:
    response = client.post(
        routes.LOGIN, data={"email": "anna@kommun.se", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_sign_in_posted_from_another_site_is_refused(client: Client) -> None:
    response = client.post(
        routes.LOGIN,
        data={"email": "anna@kommun.se", "password": PASSWORD},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_json_sign_in_and_sign_out_for_the_designer_app(client: Client) -> None:
    refused = client.post(
        routes.SESSION_API, json={"email": "anna@kommun.se", "password": "fel lösenord!"}
    )
    assert refused.status_code == 401
    assert refused.json() == {"error": accounts.WRONG_CREDENTIALS, "locked": False}
    signed_in = client.post(
        routes.SESSION_API, json={"email": "anna@kommun.se", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    assert signed_in.json() == {"email": "anna@kommun.se", "role": "designer"}
    assert client.get(routes.whoami_path()).json()["email"] == "anna@kommun.se"
    out = client.post(routes.LOGOUT)
    assert out.status_code == 303
    assert out.headers["location"] == routes.LOGIN
    assert client.get(routes.whoami_path()).status_code == 401


# --- designer routes: signed in only --------------------------------------------------------


def _designer_routes(world: World) -> list[tuple[str, str]]:
    return [
        (routes.qr_png_path(world.ok), "page"),
        (routes.qr_svg_path(world.ok), "page"),
        (routes.qr_sheet_path(world.version.id), "page"),
        (routes.qr_sheet_path(world.version.id, code=world.ok), "page"),
        *[(routes.export_path("liten-resa", fmt), "page") for fmt in routes.EXPORT_FORMATS],
        (routes.preview_path("liten-resa", "fordon"), "page"),
        (routes.flow_svg_path("liten-resa"), "page"),
        (routes.whoami_path(), "api"),
    ]


DESIGNER_ROUTE_COUNT = 11


@pytest.mark.parametrize("index", range(DESIGNER_ROUTE_COUNT))
@pytest.mark.parametrize("session", ["none", "unknown", "expired", "ended"])
def test_every_designer_route_refuses_anyone_not_signed_in(
    world: World, client: Client, index: int, session: str
) -> None:
    paths = _designer_routes(world)
    assert len(paths) == DESIGNER_ROUTE_COUNT
    path, kind = paths[index]
    if session == "unknown":
        client.client.cookies.set(routes.SESSION_COOKIE, "not-a-session")
    elif session in ("expired", "ended"):
        client.client.cookies.set(routes.SESSION_COOKIE, world.token)
        if session == "expired":
            world.now = NOW + dt.timedelta(hours=12)
        else:
            accounts.end_session(world.db(), world.token, now=NOW)
    response = client.get(path)
    if kind == "api":
        assert response.status_code == 401
        assert response.json()["error"] == "Logga in för att fortsätta."
    else:
        assert response.status_code == 303
        assert response.headers["location"] == routes.login_path(path)
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("index", range(DESIGNER_ROUTE_COUNT))
def test_every_designer_route_answers_a_signed_in_designer(
    world: World, designer: Client, index: int
) -> None:
    path, _ = _designer_routes(world)[index]
    response = designer.get(path)
    assert response.status_code == 200
    assert "private" in response.headers["cache-control"]


def test_the_png_qr_code_decodes_to_the_citizen_url(world: World, designer: Client) -> None:
    response = designer.get(routes.qr_png_path(world.ok))
    assert response.headers["content-type"] == "image/png"
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="qr-liten-resa-v1-{world.ok}.png"'
    decoded = decode(Image.open(io.BytesIO(response.content)))
    assert [d.data.decode() for d in decoded] == [routes.citizen_url(PUBLIC, world.ok)]


def test_the_svg_qr_code_is_an_attachment_with_a_good_name(world: World, designer: Client) -> None:
    response = designer.get(routes.qr_svg_path(world.ok))
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert f'filename="qr-liten-resa-v1-{world.ok}.svg"' in response.headers["content-disposition"]
    assert "<svg" in response.text
    assert routes.citizen_url(PUBLIC, world.ok) in response.text


@pytest.mark.parametrize("which", ["revoked", "expired"])
def test_no_qr_code_for_a_link_that_no_longer_works(
    world: World, designer: Client, which: str
) -> None:
    response = designer.get(routes.qr_png_path(getattr(world, which)))
    assert response.status_code == 410
    assert "Länken går inte att använda" in _text(response)


def test_the_qr_sheet_has_one_card_per_active_link_and_print_styles(
    world: World, designer: Client
) -> None:
    second = world.link(task="Ansök som passagerare.", label="Klass 9B")
    response = designer.get(routes.qr_sheet_path(world.version.id))
    assert response.status_code == 200
    page = response.text
    assert page.count('class="card"') == 2  # the revoked and expired links are left out
    assert page.count("Testet är anonymt. Skriv inga personuppgifter.") == 2
    assert page.count("<svg") == 2
    for code in (world.ok, second):
        assert prototypes.format_code(code) in page
        assert routes.citizen_path(code) in page
    assert "Ansök som passagerare." in page
    assert "Klass 9B" in page
    ids = re.findall(r'<title id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 2
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert href is not None
    css = designer.get(href.group(1)).text
    assert "@page" in css and "size: A4" in css
    assert "@media print" in css
    assert "break-inside: avoid" in css
    assert re.search(r"@media print\s*{[^@]*\.header[^{]*{\s*display: none", css, re.S)


def test_the_qr_sheet_can_repeat_one_link(world: World, designer: Client) -> None:
    page = designer.get(routes.qr_sheet_path(world.version.id, code=world.ok)).text
    assert page.count('class="card"') == 6
    page = designer.get(routes.qr_sheet_path(world.version.id, code=world.ok) + "&count=2").text
    assert page.count('class="card"') == 2


def test_the_qr_sheet_refuses_a_link_of_another_version_or_an_inactive_one(
    world: World, designer: Client
) -> None:
    assert designer.get(routes.qr_sheet_path("liten-resa-v9")).status_code == 404
    revoked = routes.qr_sheet_path(world.version.id, code=world.revoked)
    assert designer.get(revoked).status_code == 410
    assert designer.get(routes.qr_sheet_path(world.version.id, code="x" * 500)).status_code == 404


@pytest.mark.parametrize(
    ("fmt", "media", "filename", "needle"),
    [
        ("yaml", "application/yaml", "liten-resa.yaml", "id: liten-resa"),
        ("json", "application/json", "liten-resa.json", '"id": "liten-resa"'),
        ("mermaid", "text/plain", "liten-resa.mmd", "flowchart TD"),
        ("cjml", "application/xml", "liten-resa.cjml.xml", "<CJML"),
    ],
)
def test_exports_download_in_every_format(
    designer: Client, fmt: str, media: str, filename: str, needle: str
) -> None:
    response = designer.get(routes.export_path("liten-resa", fmt))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert needle in response.text


def test_an_unknown_journey_or_format_is_a_404_page(designer: Client) -> None:
    assert designer.get(routes.export_path("finns-inte", "yaml")).status_code == 404
    assert designer.get("/designer/export/liten-resa.docx").status_code == 404


def test_the_preview_shows_a_screen_as_a_citizen_would_see_it(designer: Client) -> None:
    response = designer.get(routes.preview_path("liten-resa", "fordon"))
    assert response.status_code == 200
    page = response.text
    assert '<legend class="fieldset__legend">Ska du själv köra bilen?</legend>' in page
    assert "Välj ett alternativ" in page
    assert 'type="radio" value="Ja"' in page
    assert "Du söker som förare." in page
    assert '<label class="label" for="regnr">Registreringsnummer (frivillig)</label>' in page
    assert 'inputmode="numeric"' in page
    assert 'aria-describedby="personnummer-hint"' in page
    assert ">Fortsätt</button>" in page
    assert "/static/medskapa.css" in page
    assert "Förhandsvisning" in page


def test_markdown_in_a_preview_never_runs_html_or_javascript_links(designer: Client) -> None:
    page = designer.get(routes.preview_path("liten-resa", "start")).text
    assert "<strong>en liten sak</strong>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert ">Starta ansökan</button>" in page


def test_a_preview_of_an_unknown_step_is_a_404_page(designer: Client) -> None:
    response = designer.get(routes.preview_path("liten-resa", "finns-inte"))
    assert response.status_code == 404
    assert "Det finns inget steg finns-inte" in _text(response)


def test_a_preview_can_show_a_published_version(world: World, designer: Client) -> None:
    path = routes.preview_path("liten-resa", "fordon") + f"?version={world.version.id}"
    response = designer.get(path)
    assert response.status_code == 200
    assert "version 1" in _text(response)


def test_anyone_not_signed_in_gets_no_flow_diagram(client: Client) -> None:
    path = routes.flow_svg_path("liten-resa")
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == routes.login_path(path)
    assert "<svg" not in response.text


def test_the_flow_diagram_is_an_svg_image_of_the_journey(designer: Client) -> None:
    response = designer.get(routes.flow_svg_path("liten-resa"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["content-disposition"] == 'inline; filename="liten-resa-flode.svg"'
    assert "private" in response.headers["cache-control"]
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    root = ET.fromstring(response.text)
    assert root.get("role") == "img"
    steps = [g.get("data-step") for g in root.iter("{http://www.w3.org/2000/svg}g")]
    assert [s for s in steps if s] == ["start", "fordon", "klart"]


def test_the_flow_diagram_can_mark_a_step_and_speak_english(designer: Client) -> None:
    path = routes.flow_svg_path("liten-resa", step="fordon")
    assert path == "/designer/flow/liten-resa.svg?step=fordon"
    assert 'class="step step-screen step-highlight" data-step="fordon"' in designer.get(path).text
    english = designer.get(routes.flow_svg_path("liten-resa") + "?lang=en").text
    assert 'lang="en"' in english and "The flow of Ansök om en liten sak" in english


def test_the_flow_diagram_can_draw_a_published_version(world: World, designer: Client) -> None:
    db = world.db()
    source = JOURNEY.replace("title: Klart", "title: Nu är det klart")
    changed = read_text(source).journey
    assert changed is not None
    journey_store.save_journey(db, changed, source=source, author="test", now=NOW)
    draft = designer.get(routes.flow_svg_path("liten-resa")).text
    published = designer.get(routes.flow_svg_path("liten-resa", version_id=world.version.id))
    assert published.status_code == 200
    assert "Nu är det klart" in draft
    assert "Nu är det klart" not in published.text and ">Klart<" in published.text


@pytest.mark.parametrize(
    "path",
    [
        routes.flow_svg_path("finns-inte"),
        routes.flow_svg_path("x" * 500),
        routes.flow_svg_path("liten-resa", version_id="liten-resa-v9"),
        routes.flow_svg_path("finns-inte", version_id="liten-resa-v1"),
        "/designer/flow/liten-resa.png",
    ],
)
def test_an_unknown_journey_or_version_has_no_flow_diagram(designer: Client, path: str) -> None:
    response = designer.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte" in _text(response)


def test_the_preview_banner_follows_the_designers_language(designer: Client) -> None:
    swedish = designer.get(routes.preview_path("liten-resa", "fordon")).text
    english = designer.get(routes.preview_path("liten-resa", "fordon") + "?lang=en").text
    assert "Förhandsvisning" in swedish and "steg 2 av" in swedish
    assert "Preview" in english and "step 2 of" in english and "latest saved draft" in english
    assert "Förhandsvisning" not in english
    # the citizen's content stays in the journey's own language, and links keep the language
    assert "Ska du själv köra bilen?" in english
    assert "?lang=en" in english


def test_a_one_question_screen_titled_as_its_question_has_it_once_as_the_heading(
    world: World, designer: Client
) -> None:
    parking = read_file(EXAMPLES / "parkeringstillstand.yaml").journey
    assert parking is not None
    journey_store.save_journey(world.db(), parking, author="test", now=NOW)
    page = designer.get(routes.preview_path(parking.id, "ska-du-kora")).text
    assert page.count("Ska du själv köra bilen?") == 1 + page.count("<title>Ska du själv")
    assert page.count("<h1") == 1


def test_new_ids_are_distinct_version_7_uuids_in_time_order() -> None:
    import time
    import uuid

    from toolkit.web.pages import new_id, new_ids

    before = time.time_ns() // 1_000_000
    made = [*new_ids(500), new_id()]
    after = time.time_ns() // 1_000_000
    assert len(set(made)) == len(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 7, uuid.RFC_4122)
        assert before <= parsed.int >> 80 <= after  # the time in milliseconds comes first
    time.sleep(0.002)
    assert new_id() > max(made)  # a later id sorts after: stored at the end of the index
