"""Exports of the analysis: CSV for Swedish Excel, JSON, and actual journeys as CJML XML.

The CSV files open straight in Excel with Swedish settings: UTF-8 with a byte order mark
(so å, ä and ö survive), semicolons between fields and decimal commas, with Swedish
headers. Free text (comments, step titles) that Excel would take for a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe.
Suppressed figures (see :mod:`feedback.metrics`) are empty cells, and the column
``Undertryckt`` says so.

Nothing exported names a session: the actual journeys are numbered ``resa-1``, ``resa-2``
... in the order they started, with times only relative to the session's first view.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from feedback.deviations import PlannedGraph, VisitRow, deviations, find_deviations, visit_row
from feedback.metrics import (
    DEFAULT_MIN_SESSIONS,
    all_step_metrics,
    funnel,
    scope,
    step_metrics,
    version_summary,
)
from feedback.moderation import COMMENT_TAG_LABELS_SV, version_comments
from journeys import Journey, to_cjml

BOM = "\ufeff"
KIND_LABELS_SV = {"screen": "Skärm", "decision": "Beslut", "offline": "Offline"}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

METRICS_HEADERS = (
    "Version",
    "Steg-id",
    "Steg",
    "Typ",
    "Nådde steget",
    "Gick vidare",
    "Avhopp",
    "Avhopp (%)",
    "Tid median (s)",
    "Tid p90 (s)",
    "Sessioner med tid",
    "Tillbaka",
    "Ändrat från sammanfattningen",
    "Valideringsfel",
    "Sessioner med fel",
    "Fel (%)",
    "Betyg medel",
    "Antal betyg",
    "Betyg 1",
    "Betyg 2",
    "Betyg 3",
    "Betyg 4",
    "Betyg 5",
    "SEQ medel",
    "Kommentarer",
    "Användbarhetspoäng",
    "Undertryckt",
)

COMMENT_HEADERS = ("Version", "Steg-id", "Steg", "Kommentar", "Tagg", "Dold", "Maskerad", "Datum")


def _text(value: str | None) -> str:
    """Free text for a cell: never read by Excel as a formula."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _number(value: float | None, decimals: int = 1) -> str:
    """A number as Swedish Excel reads it (decimal comma); empty for None."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return f"{value:.{decimals}f}".replace(".", ",")


def _csv(header: Sequence[str], body: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return (BOM + out.getvalue()).encode("utf-8")


def metrics_csv(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> bytes:
    """One row per step with every figure of :func:`feedback.step_metrics`."""
    steps = step_metrics(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    body = []
    for m in steps:
        distribution = m.ratings.distribution or {}
        body.append(
            [
                version_id,
                _text(m.step_id),
                _text(m.title),
                KIND_LABELS_SV.get(m.kind or "", ""),
                _number(m.reached),
                _number(m.completed),
                _number(m.drop_off),
                _number(m.drop_off_rate),
                _number(m.time.median_seconds),
                _number(m.time.p90_seconds),
                _number(m.time.sessions),
                _number(m.back_navigations),
                _number(m.changes_from_summary),
                _number(m.validation_errors),
                _number(m.sessions_with_errors),
                _number(m.error_rate),
                _number(m.ratings.mean, 2),
                _number(m.ratings.count),
                *(_number(distribution.get(r)) if distribution else "" for r in range(1, 6)),
                _number(m.seq.mean, 2),
                _number(m.comments),
                _number(m.usability_score),
                "ja" if m.suppressed else "nej",
            ]
        )
    return _csv(METRICS_HEADERS, body)


def comments_csv(
    db: Database,
    *,
    version_id: str,
    include_hidden: bool = False,
    zone: dt.tzinfo = dt.UTC,
) -> bytes:
    """Every comment on the version (masked), oldest first, with its step, tag and date
    (in ``zone``). Hidden comments only with ``include_hidden``."""
    sc = scope(db, version_id=version_id)
    journey = sc.version.journey()
    body = []
    for c in version_comments(db, version_id=version_id, include_hidden=include_hidden):
        step = journey.step(c.step_id) if c.step_id else None
        body.append(
            [
                version_id,
                _text(c.step_id),
                _text(step.title if step is not None else None),
                _text(c.text),
                COMMENT_TAG_LABELS_SV.get(c.tag or "", ""),
                "ja" if c.hidden else "nej",
                "ja" if c.masked else "nej",
                c.at.astimezone(zone).date().isoformat(),
            ]
        )
    return _csv(COMMENT_HEADERS, body)


def metrics_json(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> dict[str, Any]:
    """Everything about a version as plain JSON data: the selection, the summary, each
    step's figures, the funnel along the planned path and the deviations per step."""
    sc = scope(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    choice = {"share_code": share_code, "age_band": age_band, "min_sessions": min_sessions}
    version = sc.version
    summary = version_summary(db, version_id=version_id, **choice)
    return {
        "format": "medskapa-metrics",
        "format_version": 1,
        "version": {
            "id": version.id,
            "journey_id": version.journey_id,
            "number": version.number,
            "title": version.title,
            "note": version.note,
            "published_at": version.created_at.isoformat(),
        },
        "selection": {**choice, "share_code": sc.share_code},
        "summary": summary.model_dump(mode="json"),
        "steps": [m.model_dump(mode="json") for m in all_step_metrics(db, sc)],
        "funnel": [f.model_dump(mode="json") for f in funnel(db, version_id=version_id, **choice)],
        "deviations": {
            step_id: counts.model_dump(mode="json")
            for step_id, counts in deviations(db, version_id=version_id, **choice).items()
        },
    }


_CJML_DEVIATIONS = {"ad_hoc": "adHoc", "irregular": "irregular", "failed": "failed"}


def actual_journeys_cjml(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> str:
    """The version's planned journey (as :func:`journeys.to_cjml` writes it) followed by
    every session's actual journey, CJML-style XML::

        <actualJourneys journeyIDref="parkeringstillstand" versionID="..." sessions="12">
          <actualJourney journeyID="resa-1" outcome="completed">
            <actualCommunicationPoint order="1" touchpointIDref="start" elapsedSeconds="0"
                durationSeconds="12.5" left="forward" validationErrors="0"
                deviation="irregular failed">
              <touchpointLabel>...</touchpointLabel>
            </actualCommunicationPoint>
            <missingCommunicationPoint touchpointIDref="korkort" beforeOrder="3"/>

    ``deviation`` lists the classes of :mod:`feedback.deviations` found at the view
    (``adHoc``, ``irregular``, ``failed``); a skipped step is a ``missingCommunicationPoint``
    before the view where the skip was seen. With fewer than ``min_sessions`` sessions in
    the selection, ``actualJourneys`` is empty and says ``suppressed="true"``.
    """
    sc = scope(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    journey = sc.version.journey()
    root = ET.fromstring(to_cjml(journey))
    where, params = sc.derived()
    found = db.execute(
        f"select path, durations, outcome from metrics_sessions where {where} "
        "order by first_at is null, first_at, path",
        params,
    ).fetchall()
    attrs = {"journeyIDref": journey.id, "versionID": sc.version.id}
    if sc.enough(len(found)):
        attrs["sessions"] = str(len(found))
    else:
        attrs["suppressed"] = "true"
    actual = ET.SubElement(root, "actualJourneys", attrs)
    if sc.enough(len(found)):
        graph = PlannedGraph(journey)
        for number, (path_json, durations_json, outcome) in enumerate(found, start=1):
            path = [visit_row(v) for v in json.loads(path_json)]
            durations = json.loads(durations_json)
            _actual_journey(actual, journey, graph, number, path, durations, outcome)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _actual_journey(
    parent: ET.Element,
    journey: Journey,
    graph: PlannedGraph,
    number: int,
    path: list[VisitRow],
    durations: list[float | None],
    outcome: str | None,
) -> None:
    element = ET.SubElement(
        parent,
        "actualJourney",
        {"journeyID": f"resa-{number}", "outcome": outcome or "open"},
    )
    at: dict[int, list[str]] = {}
    missing: dict[int, list[str]] = {}
    for kind, step_id, position, _previous in find_deviations(graph, path, outcome):
        if kind == "missing":
            missing.setdefault(position, []).append(step_id)
        else:
            at.setdefault(position, []).append(_CJML_DEVIATIONS[kind])
    elapsed = 0.0
    for index, (step_id, left, errors) in enumerate(path):
        for skipped in missing.get(index, []):
            ET.SubElement(
                element,
                "missingCommunicationPoint",
                {"touchpointIDref": skipped, "beforeOrder": str(index + 1)},
            )
        duration = durations[index] if index < len(durations) else None
        attrs = {
            "order": str(index + 1),
            "touchpointIDref": step_id,
            "elapsedSeconds": _seconds(elapsed),
        }
        if duration is not None:
            attrs["durationSeconds"] = _seconds(duration)
        attrs["left"] = left or "open"
        attrs["validationErrors"] = str(errors)
        if index in at:
            attrs["deviation"] = " ".join(dict.fromkeys(at[index]))
        point = ET.SubElement(element, "actualCommunicationPoint", attrs)
        step = journey.step(step_id)
        if step is not None:
            ET.SubElement(point, "touchpointLabel").text = step.title
        elapsed += duration or 0.0


def _seconds(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"
