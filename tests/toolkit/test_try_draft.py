"""'Prova utkastet' at HTTP level: a signed-in designer walks the latest saved revision as a
citizen would, nothing is published and nothing is stored (ADR 0010)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlite_utils import Database

import prototypes
from journeys import read_file, read_text, rename_step
from journeys import store as journey_store
from toolkit import accounts, routes
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.web import create_api
from toolkit.web import testcookie as tc

NOW = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "journeys" / "examples" / "parkeringstillstand.yaml"
PASSWORD = "ett långt lösenord för test"
JOURNEY = "parkeringstillstand"
STORED_TABLES = (
    "test_sessions",
    "events",
    "ratings",
    "comments",
    "seq_answers",
    "prototype_versions",
    "metrics_dirty",
)


class Client:
    """httpx over ASGI, used synchronously; keeps cookies like a browser."""

    def __init__(self, app: Any) -> None:
        self.runner = asyncio.Runner()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(self.client.request("GET", url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.runner.run(self.client.request("POST", url, **kwargs))

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.close()


class World:
    """The parkering example saved (never published), a designer and a facilitator."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db = self.db()
        journey = read_file(EXAMPLE).journey
        assert journey is not None
        self.journey = journey
        journey_store.save_journey(db, journey, author="t", now=NOW)
        designer = accounts.add_user(db, "anna@kommun.se", PASSWORD, role="designer", now=NOW)
        self.token = accounts.start_session(db, designer, now=NOW, hours=12)
        facilitator = accounts.add_user(db, "bo@kommun.se", PASSWORD, role="facilitator", now=NOW)
        self.facilitator = accounts.start_session(db, facilitator, now=NOW, hours=12)

    def db(self) -> Database:
        return open_db(self.path)

    def counts(self) -> dict[str, int]:
        db = self.db()
        return {
            t: int(db.execute(f"select count(*) from {t}").fetchone()[0]) for t in STORED_TABLES
        }


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "try.db")


@pytest.fixture
def client(world: World) -> Iterator[Client]:
    c = Client(create_api(Settings(db_path=world.path), clock=lambda: NOW))
    yield c
    c.close()


@pytest.fixture
def designer(world: World, client: Client) -> Client:
    client.client.cookies.set(routes.SESSION_COOKIE, world.token)
    return client


def csrf_of(response: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', response.text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text_of(response: httpx.Response) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def start(client: Client) -> httpx.Response:
    """Open 'Prova utkastet' and follow the redirect to the first step."""
    opened = client.get(routes.try_path(JOURNEY))
    assert opened.status_code == 303
    assert opened.headers["location"] == routes.try_step_path(JOURNEY, "start")
    return client.get(opened.headers["location"])


def submit(client: Client, page: httpx.Response, step: str, **answers: str) -> httpx.Response:
    return client.post(routes.try_step_path(JOURNEY, step), data={"csrf": csrf_of(page), **answers})


def test_anyone_not_signed_in_is_sent_to_sign_in(client: Client) -> None:
    for path in (
        routes.try_path(JOURNEY),
        routes.try_step_path(JOURNEY, "start"),
        routes.try_done_path(JOURNEY),
    ):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == routes.login_path(path)
        assert "set-cookie" not in response.headers


def test_a_facilitator_is_told_drafts_are_for_designers(world: World, client: Client) -> None:
    client.client.cookies.set(routes.SESSION_COOKIE, world.facilitator)
    response = client.get(routes.try_path(JOURNEY))
    assert response.status_code == 403
    assert "Bara designer kan prova utkast" in text_of(response)


def test_an_unknown_journey_is_a_calm_404(designer: Client) -> None:
    response = designer.get(routes.try_path("finns-inte"))
    assert response.status_code == 404
    assert "Det finns ingen sparad resa med id finns-inte" in text_of(response)
    assert designer.get(routes.try_path("x" * 500)).status_code == 404


def test_the_draft_walks_both_branches_and_stores_nothing(world: World, designer: Client) -> None:
    before = world.counts()
    page = start(designer)
    assert page.status_code == 200
    words = text_of(page)
    assert "Utkast – inget sparas" in words
    assert "revision 1" in words
    assert "Tyck till" not in words  # no feedback box, no consent
    assert 'id="ms-feedback"' not in page.text
    going = submit(designer, page, "start")
    assert going.headers["location"] == routes.try_step_path(JOURNEY, "ska-du-kora")
    question = designer.get(going.headers["location"])
    assert "Ska du själv köra bilen?" in text_of(question)
    # the driver's branch
    driver = submit(designer, question, "ska-du-kora", forare="ja")
    assert driver.headers["location"] == routes.try_step_path(JOURNEY, "korkort")
    # back, then the passenger's branch
    back = designer.get(routes.try_step_path(JOURNEY, "ska-du-kora", back="1"))
    assert back.status_code == 200
    passenger = submit(designer, back, "ska-du-kora", forare="nej")
    assert passenger.headers["location"] == routes.try_step_path(JOURNEY, "passagerare")
    assert world.counts() == before
    assert prototypes.list_versions(world.db(), JOURNEY) == []


def test_a_missing_answer_shows_the_journeys_own_error(designer: Client) -> None:
    page = start(designer)
    question = designer.get(submit(designer, page, "start").headers["location"])
    refused = submit(designer, question, "ska-du-kora")
    assert refused.status_code == 422
    assert "Välj om du själv ska köra bilen" in text_of(refused)
    assert 'class="error-summary"' in refused.text


def test_the_answers_travel_in_a_signed_cookie_on_the_drafts_own_path(
    designer: Client,
) -> None:
    page = start(designer)
    going = submit(designer, page, "start")
    cookie = going.headers["set-cookie"]
    assert cookie.startswith(f"{tc.COOKIE}=")
    assert f"Path={routes.try_path(JOURNEY)}" in cookie
    assert "HttpOnly" in cookie


def test_a_form_without_the_token_is_refused(designer: Client) -> None:
    start(designer)
    response = designer.post(routes.try_step_path(JOURNEY, "start"), data={"csrf": "fel"})
    assert response.status_code == 400


def test_the_draft_is_the_latest_saved_revision(world: World, designer: Client) -> None:
    changed = rename_step(world.journey, "ska-du-kora", "Kör du bilen själv?")
    journey_store.save_journey(world.db(), changed, author="t", now=NOW)
    page = start(designer)
    question = designer.get(submit(designer, page, "start").headers["location"])
    words = text_of(question)
    assert "Kör du bilen själv?" in words
    assert "revision 2" in words


def test_the_end_of_the_draft_says_nothing_was_stored(designer: Client) -> None:
    start(designer)
    response = designer.get(routes.try_done_path(JOURNEY))
    assert response.status_code == 200
    words = text_of(response)
    assert "Du har gått igenom utkastet" in words
    assert "Inget av det du svarade sparades" in words
    assert routes.try_path(JOURNEY) in response.text


SHORT = """\
id: kort-resa
title: En kort resa
organisation: Exempelkommun
steps:
  - id: namn
    kind: screen
    title: Vad heter ditt husdjur?
    fields:
      - id: djur
        type: text
        label: Husdjurets namn
        required: Ange husdjurets namn
    next: kontroll
  - id: kontroll
    kind: screen
    pattern: check-answers
    title: Kontrollera dina svar
    next: klart
  - id: klart
    kind: screen
    pattern: confirmation
    title: Tack
"""


def test_check_your_answers_changes_an_answer_and_comes_back(
    world: World, designer: Client
) -> None:
    journey = read_text(SHORT).journey
    assert journey is not None
    journey_store.save_journey(world.db(), journey, source=SHORT, author="t", now=NOW)
    first = designer.get(designer.get(routes.try_path("kort-resa")).headers["location"])
    sent = designer.post(
        routes.try_step_path("kort-resa", "namn"), data={"csrf": csrf_of(first), "djur": "Sixten"}
    )
    summary = designer.get(sent.headers["location"])
    assert "Sixten" in text_of(summary)
    change = routes.try_step_path("kort-resa", "namn", andra="djur")
    assert f'href="{change.replace("&", "&amp;")}#djur"' in summary.text
    page = designer.get(change)
    assert 'value="Sixten"' in page.text
    again = designer.post(
        routes.try_step_path("kort-resa", "namn"), data={"csrf": csrf_of(page), "djur": "Majken"}
    )
    assert again.headers["location"] == routes.try_step_path("kort-resa", "kontroll")
    summary = designer.get(again.headers["location"])
    assert "Majken" in text_of(summary)
    end = designer.post(
        routes.try_step_path("kort-resa", "kontroll"), data={"csrf": csrf_of(summary)}
    )
    confirmation = designer.get(end.headers["location"])
    assert "TEST-" in confirmation.text  # a made-up case number, as for citizens
    done = designer.post(
        routes.try_step_path("kort-resa", "klart"), data={"csrf": csrf_of(confirmation)}
    )
    assert done.headers["location"] == routes.try_done_path("kort-resa")
    assert world.counts() == dict.fromkeys(STORED_TABLES, 0)


def test_the_draft_speaks_english_when_asked(designer: Client) -> None:
    start(designer)
    page = designer.get(routes.try_step_path(JOURNEY, "start") + "?lang=en")
    assert "Draft – nothing is stored" in text_of(page)
    assert "Path=/designer/try" in page.headers["set-cookie"]
    again = designer.get(routes.try_step_path(JOURNEY, "start"))
    assert "Draft – nothing is stored" in text_of(again)
