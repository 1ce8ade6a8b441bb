"""Every URL Medskapa hands out, built in one place.

QR codes, printed cards, the command line, the designer app and the server's own routes all
use these functions, so an address printed on paper and the route that answers it cannot
drift apart. ``*_path`` gives the path on this server; ``*_url`` the full address phones use
(``public_url`` from :class:`toolkit.settings.Settings`). Route patterns for Starlette are
the upper-case constants.

Codes and ids are percent-encoded when put into a path, so a hostile value can never change
which route answers.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote, urlencode

SESSION_COOKIE = "medskapa_session"
"""The cookie that carries a designer's or facilitator's session token."""

ExportFormat = Literal["yaml", "json", "mermaid", "cjml"]
EXPORT_FORMATS: tuple[str, ...] = ("yaml", "json", "mermaid", "cjml")

# --- patterns (Starlette) -------------------------------------------------------------------
CITIZEN = "/t/{code}"
CITIZEN_START = "/t/{code}/start"
CITIZEN_STEP = "/t/{code}/s/{step_id}"
CITIZEN_TASK = "/t/{code}/task"
CITIZEN_FEEDBACK = "/t/{code}/feedback"
CITIZEN_SEQ = "/t/{code}/seq"
CITIZEN_SUS = "/t/{code}/sus"
CITIZEN_DONE = "/t/{code}/klart"
CITIZEN_WITHDRAW = "/t/{code}/withdraw"
WITHDRAW = "/t/withdraw"
WORKSHOP = "/w/{code}"
WORKSHOP_ENTRY = "/w"
WORKSHOP_JOIN = "/w/{code}/join"
WORKSHOP_NOTE = "/w/{code}/note"
WORKSHOP_VOTE = "/w/{code}/vote"
WORKSHOP_UNVOTE = "/w/{code}/unvote"
WORKSHOP_STATE = "/w/{code}/state"
HEALTH = "/api/health"
LOGIN = "/login"
SESSION_API = "/api/session"
SESSION_END_API = "/api/session/end"
STATIC = "/static"
FAVICON = "/favicon.ico"
DESIGNER = "/designer"
DESIGNER_API = "/designer/api"
QR_PNG = "/designer/qr/{code}.png"
QR_SVG = "/designer/qr/{code}.svg"
QR_SHEET = "/designer/qr-sheet/{version_id}"
EXPORT = "/designer/export/{journey_id}.{fmt}"
FLOW_SVG = "/designer/flow/{journey_id}.svg"
PREVIEW = "/designer/preview/{journey_id}/{step_id}"
WORKSHOP_QR_SVG = "/designer/workshop-qr/{code}.svg"
WORKSHOP_REPORT = "/designer/workshop-report/{code}.html"
TRY_ROOT = "/designer/try"
TRY = "/designer/try/{journey_id}"
TRY_STEP = "/designer/try/{journey_id}/s/{step_id}"
TRY_DONE = "/designer/try/{journey_id}/klart"
RESULTS = "/designer/results/{version_id}/{name}"
RESULT_FILES = {
    "steg.csv": "csv",
    "kommentarer.csv": "comments",
    "resultat.json": "json",
    "resor.xml": "cjml",
}
"""The files of a version's results (:func:`results_path`), by name: what each one is."""
WHOAMI = "/designer/api/me"
OPEN_API_JOURNEYS = "/api/v1/journeys"
OPEN_API_JOURNEY_VERSIONS = "/api/v1/journeys/{journey_id}/versions"
OPEN_API_VERSION_METRICS = "/api/v1/versions/{version_id}/metrics"
OPEN_API_VERSION_COMMENTS = "/api/v1/versions/{version_id}/comments"
OPEN_API_DOCUMENT = "/api/v1/openapi.json"
LOGOUT = "/logout"

# Reflex pages of the designer app (query parameters, since Reflex renders dynamic routes in
# the browser): pass these to ``app.add_page(..., route=...)``.
HOME_PAGE = "/"
JOURNEY_PAGE = "/journey"
JOURNEY_VERSIONS_PAGE = "/journey/versions"
JOURNEY_SHARE_PAGE = "/journey/share"
JOURNEY_INSIGHTS_PAGE = "/journey/insights"
JOURNEY_HISTORY_PAGE = "/journey/history"
JOURNEY_COPY_STEP_PAGE = "/journey/copy-step"
JOURNEY_EDIT_PAGE = "/journey/edit"
SETTINGS_PAGE = "/settings"
WORKSHOPS_PAGE = "/workshops"
WORKSHOP_RUN_PAGE = "/workshop/run"
WORKSHOP_PROJECTOR_PAGE = "/workshop/projector"


def _seg(value: str) -> str:
    return quote(value, safe="")


def _join(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + path


# --- citizens and participants --------------------------------------------------------------


def citizen_path(code: str) -> str:
    """Where a citizen starts a test: ``/t/<code>``."""
    return f"/t/{_seg(code)}"


def citizen_url(public_url: str, code: str) -> str:
    """The full address printed under a QR code."""
    return _join(public_url, citizen_path(code))


def citizen_start_path(code: str) -> str:
    """Where the consent form posts: ``/t/<code>/start``."""
    return f"{citizen_path(code)}/start"


def citizen_step_path(code: str, step_id: str, **query: str) -> str:
    """One step of the prototype: ``/t/<code>/s/<step_id>``, with ``back=1``, ``andra=<field>``
    or ``tack=1`` in the query when given."""
    path = f"{citizen_path(code)}/s/{_seg(step_id)}"
    return f"{path}?{urlencode(query)}" if query else path


def citizen_task_path(code: str) -> str:
    """The tester's task, reachable from every page of the test."""
    return f"{citizen_path(code)}/task"


def citizen_feedback_path(code: str) -> str:
    """Where the 'Tyck till' form posts a rating or comment on a step."""
    return f"{citizen_path(code)}/feedback"


def citizen_seq_path(code: str, *, after: str | None = None) -> str:
    """The single ease question after the task (``after``: ``step`` or ``end``)."""
    path = f"{citizen_path(code)}/seq"
    return f"{path}?{urlencode({'after': after})}" if after else path


def citizen_sus_path(code: str) -> str:
    """The optional SUS questionnaire at the end."""
    return f"{citizen_path(code)}/sus"


def citizen_done_path(code: str) -> str:
    """The last page: thanks and the withdrawal code."""
    return f"{citizen_path(code)}/klart"


def citizen_withdraw_path(code: str) -> str:
    """Where the 'delete my answers' button on the last page posts."""
    return f"{citizen_path(code)}/withdraw"


def withdraw_path() -> str:
    """The page where a tester enters a withdrawal code later: ``/t/withdraw``."""
    return WITHDRAW


def withdraw_url(public_url: str) -> str:
    """The full address of :func:`withdraw_path`, shown with the withdrawal code."""
    return _join(public_url, WITHDRAW)


def workshop_path(code: str) -> str:
    """Where a workshop participant joins: ``/w/<code>``."""
    return f"/w/{_seg(code)}"


def workshop_url(public_url: str, code: str) -> str:
    """The full join address for a workshop."""
    return _join(public_url, workshop_path(code))


def workshop_entry_path() -> str:
    """Where a participant types the code from the screen: ``/w``."""
    return WORKSHOP_ENTRY


def workshop_entry_url(public_url: str) -> str:
    """The full address of :func:`workshop_entry_path`, shown with the code."""
    return _join(public_url, WORKSHOP_ENTRY)


def workshop_join_path(code: str) -> str:
    """Where the join form (nickname, age band, consent) posts."""
    return f"{workshop_path(code)}/join"


def workshop_note_path(code: str) -> str:
    """Where a participant's note on a step posts."""
    return f"{workshop_path(code)}/note"


def workshop_vote_path(code: str) -> str:
    """Where a dot vote posts."""
    return f"{workshop_path(code)}/vote"


def workshop_unvote_path(code: str) -> str:
    """Where taking a dot vote back posts."""
    return f"{workshop_path(code)}/unvote"


def workshop_state_path(code: str) -> str:
    """The participant page's live state as JSON (polled by ``workshop.js``)."""
    return f"{workshop_path(code)}/state"


# --- server ---------------------------------------------------------------------------------


def health_path() -> str:
    """The health check: ``/api/health``."""
    return HEALTH


def login_path(next_path: str | None = None) -> str:
    """The sign-in page, optionally coming back to ``next_path`` afterwards."""
    if next_path and is_local_path(next_path):
        return f"{LOGIN}?{urlencode({'next': next_path})}"
    return LOGIN


def is_local_path(target: str) -> bool:
    """True for a path on this server (``/designer/...``); False for anything that could
    send the browser elsewhere (``//evil.example``, ``https://...``, ``/\\evil``)."""
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 32 for c in target)
    )


def static_path(name: str, version: str | None = None) -> str:
    """A file under ``/static/``; ``version`` (a content hash) makes it cacheable forever."""
    path = f"{STATIC}/{quote(name)}"
    return f"{path}?v={version}" if version else path


# --- designer downloads (signed in) ---------------------------------------------------------


def qr_png_path(code: str) -> str:
    """The QR code of a share link as PNG."""
    return f"/designer/qr/{_seg(code)}.png"


def qr_svg_path(code: str) -> str:
    """The QR code of a share link as SVG."""
    return f"/designer/qr/{_seg(code)}.svg"


def qr_sheet_path(version_id: str, code: str | None = None) -> str:
    """A printable A4 sheet of QR cards for a version (or one link repeated)."""
    path = f"/designer/qr-sheet/{_seg(version_id)}"
    return f"{path}?{urlencode({'code': code})}" if code else path


def export_path(journey_id: str, fmt: str) -> str:
    """A journey exported as ``yaml``, ``json``, ``mermaid`` or ``cjml``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {EXPORT_FORMATS}")
    return f"/designer/export/{_seg(journey_id)}.{fmt}"


def flow_svg_path(
    journey_id: str, *, version_id: str | None = None, step: str | None = None
) -> str:
    """The branch diagram of a journey as SVG: the latest draft, or a published version;
    ``step`` marks one step and the branches in and out of it."""
    query = {k: v for k, v in (("version", version_id), ("step", step)) if v}
    path = f"/designer/flow/{_seg(journey_id)}.svg"
    return f"{path}?{urlencode(query)}" if query else path


def preview_path(journey_id: str, step_id: str) -> str:
    """One step rendered as a citizen would see it."""
    return f"/designer/preview/{_seg(journey_id)}/{_seg(step_id)}"


def workshop_qr_svg_path(code: str) -> str:
    """The QR code of a workshop's join address (:func:`workshop_url`) as SVG."""
    return f"/designer/workshop-qr/{_seg(code)}.svg"


def workshop_report_path(code: str) -> str:
    """A workshop's report as one HTML page (the same as ``medskapa workshop report``)."""
    return f"/designer/workshop-report/{_seg(code)}.html"


def results_path(
    version_id: str, kind: str, *, share: str | None = None, age: str | None = None
) -> str:
    """A version's results as a file: ``csv`` (per-step metrics), ``comments`` (CSV),
    ``json`` or ``cjml``; ``share`` and ``age`` narrow the figures as on the heat view."""
    names = {kind_: name for name, kind_ in RESULT_FILES.items()}
    if kind not in names:
        raise ValueError(f"unknown results file {kind!r}; use one of {tuple(names)}")
    path = f"/designer/results/{_seg(version_id)}/{names[kind]}"
    query = {k: v for k, v in (("share", share), ("age", age)) if v and kind != "comments"}
    return f"{path}?{urlencode(query)}" if query else path


def result_file_name(version_id: str, kind: str, *, share: str | None = None) -> str:
    """The name a downloaded results file is saved as, e.g. ``parkering-v2-abc123-steg.csv``."""
    names = {kind_: name for name, kind_ in RESULT_FILES.items()}
    parts = [version_id] + ([share] if share and kind != "comments" else []) + [names[kind]]
    return "".join(
        c if c.isascii() and (c.isalnum() or c in "-.") else "_" for c in "-".join(parts)
    )


def try_path(journey_id: str) -> str:
    """'Prova utkastet': start walking the journey's latest saved revision as a citizen,
    without publishing and without storing anything (designers only)."""
    return f"{TRY_ROOT}/{_seg(journey_id)}"


def try_step_path(journey_id: str, step_id: str, **query: str) -> str:
    """One step of a draft being tried (``back=1``, ``andra=<field>`` as for citizens)."""
    path = f"{try_path(journey_id)}/s/{_seg(step_id)}"
    return f"{path}?{urlencode(query)}" if query else path


def try_done_path(journey_id: str) -> str:
    """The end of a draft being tried."""
    return f"{try_path(journey_id)}/klart"


def designer_export(journey_id: str, fmt: str) -> str:
    """Same as :func:`export_path` (the name the designer app uses)."""
    return export_path(journey_id, fmt)


def logout_path() -> str:
    """Where the sign-out form posts."""
    return LOGOUT


# --- designer app pages (Reflex) ------------------------------------------------------------


def _page(path: str, journey_id: str) -> str:
    return f"{path}?{urlencode({'id': journey_id})}"


def home_page() -> str:
    """The journey list."""
    return HOME_PAGE


def journey_page(journey_id: str) -> str:
    """A journey's map: ``/journey?id=<id>``."""
    return _page(JOURNEY_PAGE, journey_id)


def journey_versions_page(journey_id: str) -> str:
    """A journey's published versions: ``/journey/versions?id=<id>``."""
    return _page(JOURNEY_VERSIONS_PAGE, journey_id)


def journey_share_page(journey_id: str) -> str:
    """A journey's share links: ``/journey/share?id=<id>`` (append ``&version=...``)."""
    return _page(JOURNEY_SHARE_PAGE, journey_id)


def journey_insights_page(
    journey_id: str,
    *,
    version: str | None = None,
    share: str | None = None,
    age: str | None = None,
) -> str:
    """A journey's heat view: ``/journey/insights?id=<id>`` (``&version=``, ``&share=``,
    ``&age=`` narrow it to one version, share link and age band)."""
    query = {"id": journey_id, "version": version, "share": share, "age": age}
    return f"{JOURNEY_INSIGHTS_PAGE}?{urlencode({k: v for k, v in query.items() if v})}"


def journey_edit_page(journey_id: str, *, step: str | None = None) -> str:
    """The journey editor: ``/journey/edit?id=<id>`` (``&step=`` selects a step)."""
    query = {"id": journey_id, **({"step": step} if step else {})}
    return f"{JOURNEY_EDIT_PAGE}?{urlencode(query)}"


def preview_draft_path(journey_id: str, step_id: str, draft: str) -> str:
    """A step of the journey editor's unsaved draft, as a citizen would see it."""
    return f"{preview_path(journey_id, step_id)}?{urlencode({'draft': draft})}"


def journey_history_page(journey_id: str, *, a: int | None = None, b: int | None = None) -> str:
    """A journey's revisions: ``/journey/history?id=<id>`` (``&a=``/``&b=`` compare two)."""
    query = {"id": journey_id, "a": a, "b": b}
    return f"{JOURNEY_HISTORY_PAGE}?{urlencode({k: v for k, v in query.items() if v})}"


def journey_copy_step_page(journey_id: str) -> str:
    """Copy a step from another journey into this one: ``/journey/copy-step?id=<id>``."""
    return _page(JOURNEY_COPY_STEP_PAGE, journey_id)


def settings_page() -> str:
    """Organisation name and colour, accounts."""
    return SETTINGS_PAGE


def workshops_page() -> str:
    """The facilitator's workshops: the list and the form to plan a new one."""
    return WORKSHOPS_PAGE


def workshop_run_page(workshop_id: str) -> str:
    """Where the facilitator runs a workshop: ``/workshop/run?id=<id>``."""
    return _page(WORKSHOP_RUN_PAGE, workshop_id)


def workshop_projector_page(workshop_id: str) -> str:
    """The projector view of a workshop: ``/workshop/projector?id=<id>``."""
    return _page(WORKSHOP_PROJECTOR_PAGE, workshop_id)


def whoami_path() -> str:
    """JSON about the signed-in user (401 when not signed in)."""
    return WHOAMI
