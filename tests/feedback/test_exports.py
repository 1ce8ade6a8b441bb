"""Exports, read back the way their users read them: csv with ';', json, xml.etree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
from sqlite_utils import Database

from feedback import (
    actual_journeys_cjml,
    comments_csv,
    hide_comment,
    metrics_csv,
    metrics_json,
    tag_comment,
)
from feedback.exports import COMMENT_HEADERS, METRICS_HEADERS
from prototypes import ShareLink
from tests.feedback.metrics_data import DRIVER, T0, Tester, publish_example, share


@pytest.fixture
def link(db: Database) -> ShareLink:
    return share(db, publish_example(db))


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_metrics_csv_opens_in_swedish_excel(db: Database, link: ShareLink) -> None:
    for seconds in (8, 10, 12, 14, 16):
        Tester(db, link).view("start").abandon(after=seconds)
    data = metrics_csv(db, version_id=link.version_id)
    rows = read_csv(data)
    assert list(rows[0]) == list(METRICS_HEADERS)
    start = rows[0]
    assert start["Steg-id"] == "start"
    assert start["Steg"] == "Ansök om parkeringstillstånd för rörelsehindrade"
    assert (start["Typ"], start["Nådde steget"], start["Avhopp"]) == ("Skärm", "5", "5")
    assert (start["Avhopp (%)"], start["Tid median (s)"], start["Tid p90 (s)"]) == (
        "100,0",
        "12,0",
        "15,2",
    )
    assert start["Undertryckt"] == "nej"
    never = next(r for r in rows if r["Steg-id"] == "passagerare")
    assert (never["Nådde steget"], never["Avhopp"], never["Undertryckt"]) == ("0", "", "ja")
    assert b"\r\n" in data and data.count(b";") > 0


def test_metrics_csv_with_ratings(db: Database, link: ShareLink) -> None:
    for rating in (1, 2, 4, 5, 5):
        Tester(db, link).walk(DRIVER).complete(task_success=True).rate("start", rating)
    start = read_csv(metrics_csv(db, version_id=link.version_id))[0]
    assert (start["Betyg medel"], start["Antal betyg"]) == ("3,40", "5")
    assert [start[f"Betyg {n}"] for n in range(1, 6)] == ["1", "1", "0", "1", "2"]


def test_comments_csv_is_safe_from_formulas_and_leaves_hidden_ones_out(
    db: Database, link: ShareLink
) -> None:
    tester = Tester(db, link).view("start")
    formula = tester.comment("start", '=HYPERLINK("http://x";"klicka")')
    tag_comment(db, formula, "question", now=T0)
    tester.comment("ska-du-kora", 'Frågan är "otydlig"; jag förstod inte')
    hidden = tester.comment(None, "Ring mig")
    hide_comment(db, hidden, now=T0)

    rows = read_csv(comments_csv(db, version_id=link.version_id))
    assert list(rows[0]) == list(COMMENT_HEADERS)
    assert [r["Kommentar"] for r in rows] == [
        '\'=HYPERLINK("http://x";"klicka")',
        'Frågan är "otydlig"; jag förstod inte',
    ]
    assert (rows[0]["Tagg"], rows[0]["Steg"], rows[0]["Datum"]) == (
        "Fråga",
        "Ansök om parkeringstillstånd för rörelsehindrade",
        "2026-03-02",
    )
    everything = read_csv(comments_csv(db, version_id=link.version_id, include_hidden=True))
    assert [r["Dold"] for r in everything] == ["nej", "nej", "ja"]
    assert everything[2]["Steg-id"] == ""


def test_metrics_json_round_trips(db: Database, link: ShareLink) -> None:
    for _ in range(5):
        Tester(db, link).walk(DRIVER, every=10).complete(task_success=True, after=5)
    data = json.loads(json.dumps(metrics_json(db, version_id=link.version_id)))
    assert data["format"] == "medskapa-metrics"
    assert data["version"]["id"] == link.version_id
    assert data["selection"] == {"share_code": None, "age_band": None, "min_sessions": 5}
    assert data["summary"]["completed"] == 5
    steps = {s["step_id"]: s for s in data["steps"]}
    assert steps["korkort"]["reached"] == 5 and steps["passagerare"]["suppressed"]
    assert [f["sessions"] for f in data["funnel"][:3]] == [5, 5, 0]
    assert data["deviations"]["start"]["sessions"] == 5


def test_metrics_json_for_one_link_names_it_as_stored(db: Database, link: ShareLink) -> None:
    data = metrics_json(db, version_id=link.version_id, share_code=link.code.upper())
    assert data["selection"]["share_code"] == link.code
    assert data["summary"]["suppressed"]


def test_actual_journeys_as_cjml(db: Database, link: ShareLink) -> None:
    testers = [Tester(db, link).walk(DRIVER[:3], every=10).abandon(after=10) for _ in range(4)]
    odd = Tester(db, link, at=T0 + dt.timedelta(hours=1)).view("start").view("korkort", after=10)
    odd.error("har-korkort", "Välj om du har ett körkort som gäller", after=5)
    odd.back("start", after=5)

    text = actual_journeys_cjml(db, version_id=link.version_id)
    root = ET.fromstring(text)
    assert root.tag == "CJML"
    assert root.find("plannedJourney/journeyID").text == "parkeringstillstand"
    actual = root.find("actualJourneys")
    assert actual.get("versionID") == link.version_id and actual.get("sessions") == "5"
    journeys = actual.findall("actualJourney")
    assert [j.get("journeyID") for j in journeys] == [f"resa-{n}" for n in range(1, 6)]
    for tester in [*testers, odd]:
        assert tester.id not in text and tester.session.withdrawal_code not in text

    first = journeys[0]
    assert first.get("outcome") == "abandoned"
    points = first.findall("actualCommunicationPoint")
    assert [p.get("touchpointIDref") for p in points] == DRIVER[:3]
    assert [p.get("elapsedSeconds") for p in points] == ["0", "10", "20"]
    assert [p.get("durationSeconds") for p in points] == ["10", "10", "10"]
    assert points[2].get("left") == "abandoned" and points[2].get("deviation") == "failed"
    assert points[0].find("touchpointLabel").text.startswith("Ansök")

    last = journeys[4]  # started last
    assert last.get("outcome") == "open"
    [missing] = last.findall("missingCommunicationPoint")
    assert (missing.get("touchpointIDref"), missing.get("beforeOrder")) == ("ska-du-kora", "2")
    points = last.findall("actualCommunicationPoint")
    assert (points[1].get("validationErrors"), points[1].get("deviation")) == ("1", "failed")
    assert (points[2].get("left"), points[2].get("deviation")) == ("open", "irregular")
    assert points[2].get("durationSeconds") is None


def test_actual_journeys_are_left_out_below_k(db: Database, link: ShareLink) -> None:
    Tester(db, link).view("start")
    actual = ET.fromstring(actual_journeys_cjml(db, version_id=link.version_id)).find(
        "actualJourneys"
    )
    assert actual.get("suppressed") == "true" and actual.findall("actualJourney") == []
