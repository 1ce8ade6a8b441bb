"""Deviations: where a session's actual path departs from the planned journey.

The four classes are those of the Customer Journey Modeling Language (CJML, Halvorsrud et
al., SINTEF), read for a prototype test. The planned journey is the version's journey graph
(every transition and decision rule), and the actual path is the session's views in order
(see :mod:`feedback.metrics`). Views of the same step one after another (a reload) are one
stay. A move from the step ``P`` to the step ``S`` is

- regular when ``S`` is one of ``P``'s next steps;
- **missing** steps when ``S`` lies further down a planned path from ``P``: every step on
  the shortest planned way from ``P`` to ``S`` in between was skipped (the first branch
  wins a tie), also before the first view when the session did not start at the first step;
- **irregular** when ``P`` was left with the back link or 'Ändra' on the check-answers
  page, or when ``S`` is a step that leads to ``P`` (the planned order, reversed): ``S`` is
  counted;
- **ad hoc** otherwise: ``S`` is not in the journey, or no planned path joins the two.
  After a step that is not in the journey, the next move is judged from the last step
  that is (a detour to a help page and back is one ad hoc step).

A stay is a **failed** step when it had validation errors and the session did not go on
from it (it went back, stopped or is still there), or when the session was abandoned there
and the step is not an end of the journey.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlite_utils import Database

from feedback.metrics import DEFAULT_MIN_SESSIONS, Scope, scope, unkept_paths
from feedback.store import write
from journeys import Journey, is_end, successors

DeviationKind = Literal["ad_hoc", "irregular", "failed", "missing"]
DEVIATION_KINDS: tuple[DeviationKind, ...] = ("ad_hoc", "irregular", "failed", "missing")
Left = Literal["forward", "reload", "back", "change", "completed", "abandoned"]

DEVIATION_LABELS_SV = {
    "ad_hoc": "Oplanerat steg",
    "irregular": "Oregelbunden ordning",
    "failed": "Misslyckat steg",
    "missing": "Överhoppat steg",
}


class Visit(BaseModel):
    """One view of a step, how it was left and the validation errors during it."""

    step_id: str
    left: Left | None = Field(default=None, description="None: the session is still there.")
    errors: int = 0


class Deviation(BaseModel):
    """One departure from the planned journey."""

    kind: DeviationKind
    step_id: str = Field(description="The step it concerns (for missing: the skipped one).")
    position: int = Field(description="Index in the path of the visit where it was found.")
    previous: str | None = Field(description="The step viewed before, None at the start.")


class DeviationCounts(BaseModel):
    """Sessions with each kind of deviation on one step."""

    ad_hoc: int | None
    irregular: int | None
    failed: int | None
    missing: int | None
    sessions: int | None = Field(description="Sessions in the selection (the base).")
    suppressed: bool


class PlannedGraph:
    """The planned journey as a graph: next steps, and every step reachable from each."""

    def __init__(self, journey: Journey) -> None:
        self.first = journey.first_step().id
        self.ends = {s.id for s in journey.steps if is_end(s)}
        self.next = {
            s.id: [t for t in successors(s) if journey.step(t) is not None] for s in journey.steps
        }
        self.reach: dict[str, set[str]] = {}
        for step_id in self.next:
            seen: set[str] = set()
            queue = deque(self.next[step_id])
            while queue:
                node = queue.popleft()
                if node not in seen:
                    seen.add(node)
                    queue.extend(self.next[node])
            self.reach[step_id] = seen

    def between(self, start: str, goal: str) -> list[str]:
        """The steps strictly between ``start`` and ``goal`` on the shortest planned way."""
        came_from: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                way = []
                step = came_from[node]
                while step is not None and step != start:
                    way.append(step)
                    step = came_from[step]
                return way[::-1]
            for target in self.next[node]:
                if target not in came_from:
                    came_from[target] = node
                    queue.append(target)
        return []


VisitRow = tuple[str, str | None, int]
"""A visit as plain data: (step id, how it was left, validation errors)."""

Found = tuple[DeviationKind, str, int, str | None]
"""A deviation as plain data: (kind, step id, position, previous step id)."""


def visit_row(item: Visit | str | Sequence[Any]) -> VisitRow:
    """A visit as plain data, from a Visit, a step id or a stored ``[step_id, left, errors]``
    (plain tuples: classifying every path of a large test makes no model per visit)."""
    if isinstance(item, Visit):
        return (item.step_id, item.left, item.errors)
    if isinstance(item, str):
        return (item, None, 0)
    step_id, left, errors = [*item, None, 0][:3]
    return (str(step_id), left, int(errors or 0))


def classify_path(
    journey: Journey,
    path: Sequence[Visit | str | Sequence[Any]],
    *,
    outcome: str | None = None,
) -> list[Deviation]:
    """Every deviation of one session's path from the planned journey, in path order.

    ``path`` holds the session's views in order: :class:`Visit` objects, plain step ids, or
    ``[step_id, left, errors]`` lists as :mod:`feedback.metrics` stores them. ``outcome``
    is the session's (``completed``, ``abandoned`` or None). See the module doc.
    """
    found = find_deviations(PlannedGraph(journey), [visit_row(v) for v in path], outcome)
    return [
        Deviation(kind=kind, step_id=step_id, position=position, previous=previous)
        for kind, step_id, position, previous in found
    ]


def find_deviations(
    graph: PlannedGraph, visits: Sequence[VisitRow], outcome: str | None
) -> list[Found]:
    """:func:`classify_path` on plain data, with the graph made once for many paths."""
    stays: list[tuple[int, VisitRow]] = []  # (index of its first view, the stay)
    for index, visit in enumerate(visits):
        if stays and stays[-1][1][0] == visit[0]:
            first, (step_id, _left, errors) = stays[-1]
            stays[-1] = (first, (step_id, visit[1], errors + visit[2]))
        else:
            stays.append((index, visit))

    found: list[Found] = []
    previous: VisitRow | None = None  # the stay before
    anchor: str | None = None  # the last stay on a step of the journey
    for n, (position, (step, left, errors)) in enumerate(stays):
        before = previous[0] if previous is not None else None
        kinds: list[tuple[DeviationKind, str]] = []
        if step not in graph.next:
            kinds.append(("ad_hoc", step))
        elif previous is not None and previous[1] in ("back", "change"):
            kinds.append(("irregular", step))
        else:
            kinds += _move(graph, anchor, step)
        stuck = bool(errors) and left not in ("forward", "completed")
        stopped = n == len(stays) - 1 and "abandoned" in (outcome, left)
        if stuck or (stopped and step not in graph.ends):
            kinds.append(("failed", step))
        found += [(kind, step_id, position, before) for kind, step_id in kinds]
        previous = (step, left, errors)
        if step in graph.next:
            anchor = step
    return found


def _move(graph: PlannedGraph, start: str | None, step: str) -> list[tuple[DeviationKind, str]]:
    """The deviations of moving from ``start`` (None: the beginning) to a journey step."""
    if start is None:
        if step == graph.first:
            return []
        if step in graph.reach[graph.first]:
            return [("missing", s) for s in [graph.first, *graph.between(graph.first, step)]]
        return [("ad_hoc", step)]
    if step == start or step in graph.next[start]:
        return []
    if step in graph.reach[start]:
        return [("missing", s) for s in graph.between(start, step)]
    if start in graph.reach[step]:
        return [("irregular", step)]
    return [("ad_hoc", step)]


def _keep_classes(db: Database, sc: Scope, graph: PlannedGraph) -> None:
    """Classify the version's paths not classified yet and keep what they had (m007): the
    set of (step, kind), in a canonical order so that equal sets group together."""
    new = unkept_paths(db, sc, "metrics_path_classes", outcome=True)
    if not new:
        return
    rows = []
    for path, outcome in new:
        found = find_deviations(graph, [visit_row(v) for v in json.loads(path)], outcome or None)
        kinds = sorted({(step_id, kind) for kind, step_id, _position, _previous in found})
        rows.append((sc.version_id, path, outcome, json.dumps(kinds, separators=(",", ":"))))

    def keep() -> None:
        db.conn.executemany("insert or ignore into metrics_path_classes values (?, ?, ?, ?)", rows)

    write(db, keep)


def deviations(
    db: Database,
    *,
    version_id: str,
    share_code: str | None = None,
    age_band: str | None = None,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> dict[str, DeviationCounts]:
    """Per step, how many sessions had each kind of deviation there.

    Every step of the journey is in the result (in the journey's order), then steps only
    the sessions' paths name. All counts are None (``suppressed``) when the selection has
    fewer than ``min_sessions`` sessions.
    """
    sc = scope(
        db,
        version_id=version_id,
        share_code=share_code,
        age_band=age_band,
        min_sessions=min_sessions,
    )
    journey = sc.version.journey()
    _keep_classes(db, sc, PlannedGraph(journey))
    counts: dict[str, Counter[str]] = {s.id: Counter() for s in journey.steps}
    sessions = 0
    where, params = sc.derived("p")
    for kinds, n in db.execute(
        "select c.kinds, sum(p.sessions) from metrics_path_totals p join metrics_path_classes c "
        "on c.version_id = p.version_id and c.path = p.path and c.outcome = p.outcome "
        f"where {where} group by c.kinds order by sum(p.sessions) desc, c.kinds",
        params,
    ).fetchall():
        sessions += n
        for step_id, kind in json.loads(kinds):
            counts.setdefault(step_id, Counter())[kind] += n
    ok = sc.enough(sessions)
    return {
        step_id: DeviationCounts(
            **{kind: (found[kind] if ok else None) for kind in DEVIATION_KINDS},
            sessions=sessions if ok else None,
            suppressed=not ok,
        )
        for step_id, found in counts.items()
    }
