"""The read-only open-data API (/api/v1): bearer tokens, small numbers, moderated comments."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from feedback import hide_comment
from prototypes import ShareLink
from tests.feedback.metrics_data import DRIVER, T0, Tester, publish_example, share
from toolkit import api_tokens
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.web import create_api
from toolkit.web.open_api import openapi_document

with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NOW = T0 + dt.timedelta(days=1)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "open.db"


@pytest.fixture
def link(db_path: Path) -> ShareLink:
    db = open_db(db_path)
    found = share(db, publish_example(db))
    db.conn.close()
    return found


def add_testers(db_path: Path, link: ShareLink, n: int) -> list[Tester]:
    db = open_db(db_path)
    return [
        Tester(db, link).walk(DRIVER[:3], every=10).complete(task_success=True, after=5)
        for _ in range(n)
    ]


@pytest.fixture
def client(db_path: Path, link: ShareLink) -> Iterator[TestClient]:
    api = create_api(Settings(db_path=db_path), clock=lambda: NOW)
    with TestClient(api) as c:
        yield c


@pytest.fixture
def token(db_path: Path) -> str:
    _, secret = api_tokens.create_token(open_db(db_path), "Uppföljning", created_by="t", now=T0)
    return secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


PATHS = [
    "/api/v1/journeys",
    "/api/v1/journeys/parkeringstillstand/versions",
    "/api/v1/versions/parkeringstillstand-v1/metrics",
    "/api/v1/versions/parkeringstillstand-v1/comments",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_route_needs_a_token(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "error" in response.json()
    assert client.get(path, headers=bearer("msk_gissad")).status_code == 401
    assert client.get(path, headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_revoked_token_is_refused(client: TestClient, db_path: Path, token: str) -> None:
    assert client.get("/api/v1/journeys", headers=bearer(token)).status_code == 200
    db = open_db(db_path)
    found = api_tokens.check_token(db, token)
    assert found is not None
    api_tokens.revoke_token(db, found.id, now=NOW)
    assert client.get("/api/v1/journeys", headers=bearer(token)).status_code == 401


def test_journeys_and_versions(client: TestClient, token: str) -> None:
    journeys = client.get("/api/v1/journeys", headers=bearer(token)).json()["journeys"]
    assert [j["id"] for j in journeys] == ["parkeringstillstand"]
    versions = client.get(
        "/api/v1/journeys/parkeringstillstand/versions", headers=bearer(token)
    ).json()
    assert [v["id"] for v in versions["versions"]] == ["parkeringstillstand-v1"]
    missing = client.get("/api/v1/journeys/finns-inte/versions", headers=bearer(token))
    assert missing.status_code == 404 and "error" in missing.json()
    gone = client.get("/api/v1/versions/finns-inte-v1/metrics", headers=bearer(token))
    assert gone.status_code == 404


def test_metrics_are_suppressed_below_five_sessions(
    client: TestClient, db_path: Path, link: ShareLink, token: str
) -> None:
    add_testers(db_path, link, 4)
    path = "/api/v1/versions/parkeringstillstand-v1/metrics"
    data = client.get(path, headers=bearer(token)).json()
    assert data["summary"]["suppressed"] is True
    assert data["summary"]["sessions"] is None
    assert all(s["reached"] is None or s["suppressed"] for s in data["steps"])
    lowered = client.get(path + "?min_sessions=1", headers=bearer(token)).json()
    assert lowered["selection"]["min_sessions"] == 5 and lowered["summary"]["suppressed"]
    add_testers(db_path, link, 1)
    data = client.get(path, headers=bearer(token)).json()
    assert data["summary"]["suppressed"] is False and data["summary"]["sessions"] == 5
    start = next(s for s in data["steps"] if s["step_id"] == "start")
    assert start["reached"] == 5


def test_comments_are_masked_and_hidden_ones_left_out(
    client: TestClient, db_path: Path, link: ShareLink, token: str
) -> None:
    group = add_testers(db_path, link, 4)
    group[0].comment("start", "Ring mig på 070-123 45 67, knappen syns inte")
    hidden = group[1].comment("start", "Olämpligt innehåll")
    hide_comment(open_db(db_path), hidden, now=NOW)
    path = "/api/v1/versions/parkeringstillstand-v1/comments"
    few = client.get(path, headers=bearer(token)).json()
    assert few["suppressed"] is True and few["comments"] == []
    add_testers(db_path, link, 1)
    data = client.get(path, headers=bearer(token)).json()
    texts = [c["text"] for c in data["comments"]]
    assert len(texts) == 1
    assert "knappen syns inte" in texts[0] and "070-123 45 67" not in texts[0]
    assert data["comments"][0]["masked"] is True
    assert "Olämpligt" not in json.dumps(data)


def test_openapi_lists_every_path_without_a_token(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.text)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/journeys",
        "/api/v1/journeys/{journey_id}/versions",
        "/api/v1/versions/{version_id}/metrics",
        "/api/v1/versions/{version_id}/comments",
        "/api/v1/openapi.json",
    }
    for item in document["paths"].values():
        ok = item["get"]["responses"]["200"]
        if "content" in ok:
            assert "example" in ok["content"]["application/json"]
    assert document == openapi_document()


def test_a_tokens_last_use_is_stored_at_most_once_a_minute(
    db_path: Path, link: ShareLink, token: str
) -> None:
    moments = [NOW]
    api = create_api(Settings(db_path=db_path), clock=lambda: moments[0])
    watcher = open_db(db_path)

    def last_used() -> dt.datetime | None:
        return api_tokens.list_tokens(watcher)[0].last_used_at

    def data_version() -> int:
        return watcher.execute("pragma data_version").fetchone()[0]

    assert last_used() is None
    with TestClient(api) as c:
        assert c.get("/api/v1/journeys", headers=bearer(token)).status_code == 200
        assert last_used() == NOW
        before = data_version()
        for seconds in (1, 30, 59):  # a script polling: reads only, nothing is written
            moments[0] = NOW + dt.timedelta(seconds=seconds)
            assert c.get("/api/v1/journeys", headers=bearer(token)).status_code == 200
        assert data_version() == before
        assert last_used() == NOW
        moments[0] = NOW + dt.timedelta(seconds=61)
        assert c.get("/api/v1/journeys", headers=bearer(token)).status_code == 200
        assert last_used() == NOW + dt.timedelta(seconds=61)
        assert c.get("/api/v1/journeys", headers=bearer("msk_gissad")).status_code == 401
    assert last_used() == NOW + dt.timedelta(seconds=61)


def test_checking_a_token_without_a_time_records_nothing(db_path: Path, token: str) -> None:
    db = open_db(db_path)
    assert api_tokens.check_token(db, token) is not None
    assert api_tokens.list_tokens(db)[0].last_used_at is None
