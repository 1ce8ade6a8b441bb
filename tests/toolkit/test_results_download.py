"""The heat view's downloads at HTTP level: ``/designer/results/<version>/<file>`` answers the
same bytes as ``medskapa export`` for a signed-in designer, narrowed by the page's filters,
and nothing (a sign-in redirect, or a calm 404) otherwise."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

import feedback
from prototypes import ShareLink
from tests.feedback.metrics_data import DRIVER, T0, Tester, publish_example, share
from tests.toolkit.test_web import PASSWORD, Client
from toolkit import accounts, routes
from toolkit.db import open_db
from toolkit.settings import Settings
from toolkit.web import create_api


class Results:
    """Six testers on one link (five walked on, one gave up) and two on another."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db = open_db(path)
        version = publish_example(db)
        self.version_id = version.id
        self.link: ShareLink = share(db, version)
        self.other: ShareLink = share(db, version, seed=2)
        for rating in (2, 3, 4, 5, 5):
            tester = Tester(db, self.link).walk(DRIVER[:4], every=10)
            tester.error("gangformaga", "Välj hur långt du kan gå", after=3)
            tester.complete(task_success=True, after=5).rate("start", rating)
        Tester(db, self.link).view("start").comment("start", "=Krångligt; för många frågor")
        for _ in range(2):
            Tester(db, self.other).walk(DRIVER[:2])
        user = accounts.add_user(db, "anna@kommun.se", PASSWORD, role="designer", now=T0)
        self.token = accounts.start_session(db, user, now=T0, hours=12)
        db.conn.close()

    def client(self, *, signed_in: bool = True) -> Client:
        api = create_api(Settings(db_path=self.path), clock=lambda: T0)
        client = Client(api)
        if signed_in:
            client.client.cookies.set(routes.SESSION_COOKIE, self.token)
        return client


@pytest.fixture
def results(tmp_path: Path) -> Results:
    return Results(tmp_path / "results.db")


@pytest.fixture
def designer(results: Results) -> Iterator[Client]:
    client = results.client()
    yield client
    client.close()


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Swedish Excel needs for å, ä and ö
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_step_csv_is_the_export_for_swedish_excel_as_an_attachment(
    results: Results, designer: Client
) -> None:
    response = designer.get(routes.results_path(results.version_id, "csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{results.version_id}-steg.csv"'
    )
    assert "no-store" in response.headers["cache-control"]
    db = open_db(results.path)
    assert response.content == feedback.metrics_csv(db, version_id=results.version_id)
    start = next(r for r in rows(response.content) if r["Steg-id"] == "start")
    assert start["Nådde steget"] == "8"
    assert start["Betyg medel"] == "3,80"


def test_the_filters_narrow_the_figures_like_on_the_page(
    results: Results, designer: Client
) -> None:
    path = routes.results_path(results.version_id, "csv", share=results.link.code, age="16-17")
    response = designer.get(path)
    assert response.status_code == 200
    assert results.link.code in response.headers["content-disposition"]
    start = next(r for r in rows(response.content) if r["Steg-id"] == "start")
    assert start["Nådde steget"] == "6"


def test_comments_json_and_cjml_parse_back(results: Results, designer: Client) -> None:
    comments = designer.get(routes.results_path(results.version_id, "comments"))
    assert comments.status_code == 200
    [comment] = rows(comments.content)
    assert comment["Kommentar"] == "'=Krångligt; för många frågor"  # no formula in Excel
    data = designer.get(routes.results_path(results.version_id, "json")).json()
    assert data["version"]["id"] == results.version_id
    assert data["summary"]["sessions"] == 8
    cjml = designer.get(routes.results_path(results.version_id, "cjml"))
    assert cjml.headers["content-type"].startswith("application/xml")
    assert ET.fromstring(cjml.content) is not None


def test_anonymous_visitors_are_sent_to_sign_in(results: Results) -> None:
    client = results.client(signed_in=False)
    try:
        response = client.get(routes.results_path(results.version_id, "csv"))
        assert response.status_code == 303
        assert response.headers["location"].startswith(routes.LOGIN)
    finally:
        client.close()


@pytest.mark.parametrize(
    "path",
    [
        "/designer/results/okand-v1/steg.csv",
        "/designer/results/parkeringstillstand-v1/annat.csv",
        "/designer/results/parkeringstillstand-v1/steg.csv?share=zzzzzzzzzz",
        "/designer/results/parkeringstillstand-v1/steg.csv?age=200",
        "/designer/results/parkeringstillstand-v1/steg.csv?share=%22%3B",
        "/designer/results/" + "x" * 300 + "/steg.csv",
    ],
)
def test_a_bad_choice_is_a_calm_404(results: Results, designer: Client, path: str) -> None:
    response = designer.get(path)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


def test_the_paths_and_file_names() -> None:
    assert routes.results_path("resa-v2", "csv") == "/designer/results/resa-v2/steg.csv"
    assert (
        routes.results_path("resa-v2", "json", share="abc", age="80+")
        == "/designer/results/resa-v2/resultat.json?share=abc&age=80%2B"
    )
    assert routes.results_path("resa-v2", "comments", share="abc") == (
        "/designer/results/resa-v2/kommentarer.csv"
    )
    assert routes.result_file_name("resa-v2", "cjml", share='a"b') == "resa-v2-a_b-resor.xml"
    with pytest.raises(ValueError, match="unknown results file"):
        routes.results_path("resa-v2", "pdf")
    assert set(routes.RESULT_FILES.values()) == {"csv", "comments", "json", "cjml"}
