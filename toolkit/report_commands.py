"""Commands for exports, the version report, retention and open-data API tokens (issue 6).

``toolkit/cli.py`` adds them to the ``medskapa`` app with :func:`register`::

    medskapa export VERSION_ID --format csv|json|cjml [-o FILE] [--share CODE]
                               [--min-sessions N] [--comments]
    medskapa report VERSION_ID -o FILE.html|FILE.md [--share CODE] [--min-sessions N]
    medskapa purge [--older-than DAYS]
    medskapa retention show
    medskapa retention set DAYS
    medskapa token create NAME [--by NAME]
    medskapa token list
    medskapa token revoke ID
    medskapa feedback reset --share CODE | --version ID [--yes]

``export --format csv`` writes the per-step metrics for Swedish Excel (UTF-8 with BOM,
``;``, decimal comma); with ``--comments`` the comments instead (masked, hidden ones left
out). ``purge`` deletes raw test sessions older than the organisation's retention period
(``retention.days``, default 365) and is safe to run daily. ``token create`` prints the
token once; only its hash is kept. Like the rest of the command line these parse, call the
domain and print. A refused action is one Swedish line on stderr and exit code 1.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlite_utils import Database

import feedback
import prototypes
from toolkit import api_tokens
from toolkit.db import get_retention_days, open_db, set_retention_days
from toolkit.results import refresh_abandoned
from toolkit.settings import Settings, SettingsError
from toolkit.version_report import build_report, report_html, report_markdown

SettingsSource = Callable[[], Settings]


class DataFormat(StrEnum):
    csv = "csv"
    json = "json"
    cjml = "cjml"


SHARE_OPTION = typer.Option("--share", metavar="KOD", help="Bara sessionerna från en delningslänk.")
MIN_OPTION = typer.Option(
    "--min-sessions",
    min=1,
    help="Visa inga siffror från färre sessioner än så här (skydd för små tal).",
)


def _cli_settings() -> Settings:
    """The settings the ``medskapa`` app parsed, read when a command runs (no import cycle)."""
    from toolkit import cli

    return cli._state.settings


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        _fail(f"Kunde inte skriva {output}: {exc.strerror or exc}.")
    typer.echo(f"Skrev {output}.", err=True)


def register(
    app: typer.Typer,
    *,
    settings: SettingsSource | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> None:
    """Add the commands to ``app``. ``settings`` and ``clock`` are for tests."""
    current = settings or _cli_settings
    now = clock or _now

    def database() -> Database:
        return open_db(current().db_path)

    # --- export and report --------------------------------------------------------------

    @app.command("export")
    def export(
        version_id: Annotated[str, typer.Argument(metavar="VERSION", help="Versionens id.")],
        data_format: Annotated[
            DataFormat, typer.Option("--format", "-f", help="csv, json eller cjml.")
        ] = DataFormat.csv,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Fil att skriva (standard: skärmen).")
        ] = None,
        share: Annotated[str | None, SHARE_OPTION] = None,
        min_sessions: Annotated[int, MIN_OPTION] = feedback.DEFAULT_MIN_SESSIONS,
        comments: Annotated[
            bool, typer.Option("--comments", help="Kommentarerna i stället (bara csv).")
        ] = False,
    ) -> None:
        """Exportera en versions resultat: csv för Excel, json eller faktiska resor som CJML."""
        db = database()
        choice = {"version_id": version_id, "share_code": share, "min_sessions": min_sessions}
        refresh_abandoned(db, now=now())
        try:
            if comments:
                if data_format != DataFormat.csv:
                    _fail("--comments finns bara som csv: medskapa export VERSION --comments")
                if share is not None:
                    _fail("--comments gäller hela versionen; ta bort --share.")
                if prototypes.get_version(db, version_id) is None:
                    raise prototypes.VersionNotFound(version_id)
                data = feedback.comments_csv(db, version_id=version_id)
            elif data_format == DataFormat.csv:
                data = feedback.metrics_csv(db, **choice)
            elif data_format == DataFormat.json:
                text = json.dumps(feedback.metrics_json(db, **choice), ensure_ascii=False, indent=2)
                data = (text + "\n").encode("utf-8")
            else:
                data = feedback.actual_journeys_cjml(db, **choice).encode("utf-8")
        except (prototypes.VersionNotFound, feedback.MetricsError) as exc:
            _fail(_version_hint(db, exc))
        _write(data, output)

    @app.command("report")
    def report(
        version_id: Annotated[str, typer.Argument(metavar="VERSION", help="Versionens id.")],
        output: Annotated[
            Path, typer.Option("--output", "-o", help="FIL.html eller FIL.md att skriva.")
        ],
        share: Annotated[str | None, SHARE_OPTION] = None,
        min_sessions: Annotated[int, MIN_OPTION] = feedback.DEFAULT_MIN_SESSIONS,
    ) -> None:
        """Skriv en testrapport för en version (HTML att skriva ut, eller Markdown)."""
        suffix = output.suffix.lower()
        if suffix not in (".html", ".htm", ".md"):
            _fail(f"Ange en fil som slutar på .html eller .md, inte '{output.name}'.")
        db = database()
        try:
            built = build_report(db, version_id, share_code=share, min_sessions=min_sessions)
        except (prototypes.VersionNotFound, feedback.MetricsError) as exc:
            _fail(_version_hint(db, exc))
        render = report_markdown if suffix == ".md" else report_html
        _write(render(built, created=now()).encode("utf-8"), output)

    # --- retention ----------------------------------------------------------------------

    @app.command("purge")
    def purge(
        older_than: Annotated[
            int | None,
            typer.Option(
                "--older-than",
                metavar="DAGAR",
                min=1,
                help="Ta bort test äldre än så här (standard: organisationens lagringstid).",
            ),
        ] = None,
    ) -> None:
        """Ta bort testsessioner äldre än lagringstiden, med allt de skickat. Kan köras dagligen."""
        db = database()
        days = older_than if older_than is not None else get_retention_days(db)
        moment = now()
        before = moment - dt.timedelta(days=days)
        try:
            deleted = feedback.purge_sessions(db, before=before, now=moment)
        except feedback.FeedbackError as exc:
            _fail(str(exc))
        typer.echo(
            f"Tog bort {deleted} testsession{'er' if deleted != 1 else ''} "
            f"som startade före {before.date().isoformat()} (äldre än {days} dagar)."
        )

    retention_app = typer.Typer(help="Hur länge testdata sparas.", no_args_is_help=True)
    app.add_typer(retention_app, name="retention")

    @retention_app.command("show")
    def retention_show() -> None:
        """Visa lagringstiden för testdata."""
        typer.echo(f"Testdata sparas i {get_retention_days(database())} dagar.")

    @retention_app.command("set")
    def retention_set(
        days: Annotated[int, typer.Argument(metavar="DAGAR", help="Antal dagar, 1–3650.")],
    ) -> None:
        """Ändra hur många dagar testdata sparas (medskapa purge tar bort äldre)."""
        try:
            set_retention_days(database(), days, now=now())
        except SettingsError as exc:
            _fail(str(exc))
        typer.echo(f"Testdata sparas nu i {days} dagar. Kör medskapa purge dagligen.")

    # --- reset participant data ---------------------------------------------------------

    feedback_app = typer.Typer(help="Testdata från invånarnas test.", no_args_is_help=True)
    app.add_typer(feedback_app, name="feedback")

    @feedback_app.command("reset")
    def feedback_reset(
        share: Annotated[
            str | None, typer.Option("--share", metavar="KOD", help="En delningslänks testdata.")
        ] = None,
        version: Annotated[
            str | None,
            typer.Option("--version", metavar="ID", help="En versions testdata, alla länkar."),
        ] = None,
        yes: Annotated[
            bool, typer.Option("--yes", "-y", help="Fråga inte först (för skript).")
        ] = False,
    ) -> None:
        """Radera alla testsessioner från en delningslänk eller en version. Går inte att ångra."""
        db = database()
        try:
            selection = feedback.reset_selection(db, share_code=share, version_id=version)
        except feedback.FeedbackError as exc:
            _fail(str(exc))
        counts = feedback.participant_data(db, selection)
        if counts.empty:
            typer.echo(f"Det finns inga testsessioner att radera från {selection.label}.")
            return
        typer.echo(feedback.reset_message(selection, counts), err=True)
        if not yes and not typer.confirm("Radera?", default=False, err=True):
            _fail("Inget raderades.")
        done = feedback.reset_participant_data(db, selection)
        typer.echo(
            f"Raderade {done.sessions} testsession{'er' if done.sessions != 1 else ''}, "
            f"{done.events} händelser, {done.answers} svar och {done.comments} kommentarer "
            f"från {selection.label}."
        )

    # --- API tokens ---------------------------------------------------------------------

    token_app = typer.Typer(help="Nycklar till det öppna API:t (/api/v1).", no_args_is_help=True)
    app.add_typer(token_app, name="token")

    @token_app.command("create")
    def token_create(
        name: Annotated[str, typer.Argument(help="Vad nyckeln används till.")],
        by: Annotated[str, typer.Option("--by", help="Vem som skapar nyckeln.")] = "cli",
    ) -> None:
        """Skapa en nyckel. Den visas bara nu: spara den på ett säkert ställe."""
        try:
            token, secret = api_tokens.create_token(database(), name, created_by=by, now=now())
        except api_tokens.TokenError as exc:
            _fail(str(exc))
        typer.echo(secret)
        typer.echo(
            f"Nyckel {token.id} ({token.name}) skapad. Den visas inte igen. "
            "Använd den som: Authorization: Bearer NYCKEL",
            err=True,
        )

    @token_app.command("list")
    def token_list() -> None:
        """Lista nycklarna (aldrig själva nyckeln)."""
        tokens = api_tokens.list_tokens(database())
        if not tokens:
            typer.echo("Inga nycklar ännu. Skapa en med: medskapa token create NAMN")
            return
        for t in tokens:
            state = f"återkallad {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "aktiv"
            typer.echo(f"{t.id}\t{t.name}\t{t.created_by}\t{t.created_at:%Y-%m-%d}\t{state}")

    @token_app.command("revoke")
    def token_revoke(
        token_id: Annotated[int, typer.Argument(metavar="ID", help="Nyckelns id (token list).")],
    ) -> None:
        """Återkalla en nyckel för gott."""
        try:
            token = api_tokens.revoke_token(database(), token_id, now=now())
        except api_tokens.TokenError as exc:
            _fail(str(exc))
        typer.echo(f"Nyckel {token.id} ({token.name}) är återkallad.")


def _version_hint(db: Database, exc: Exception) -> str:
    if isinstance(exc, prototypes.VersionNotFound):
        known = [v.id for v in prototypes.list_versions(db)]
        hint = f" Versioner: {', '.join(known[:5])}." if known else " Publicera en först."
        return f"Det finns ingen version '{exc.version_id}'.{hint}"
    return str(exc)
