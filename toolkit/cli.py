"""The ``medskapa`` command line: parses, calls the domain packages, prints. No logic of its own.

Errors are one clear line on stderr and a non-zero exit code; ``--verbose`` adds the
traceback. Swedish by default, English with ``--lang en`` or ``MEDSKAPA_LANG=en``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import sys
import traceback
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from journeys import (
    DecisionStep,
    Journey,
    OfflineStep,
    Report,
    ScreenStep,
    to_json,
    to_yaml,
    validate_file,
)
from journeys import export as journey_export
from journeys import schema as journey_schema
from journeys import store as journey_store
from journeys.validate import step_readability
from toolkit import backup_commands, commands, report_commands, serve, workshop_commands
from toolkit.db import DatabaseError, open_db
from toolkit.i18n import t
from toolkit.settings import Lang, Settings, SettingsError

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "journeys" / "examples"

app = typer.Typer(
    name="medskapa",
    help="Medskapa: utforma offentliga e-tjänster tillsammans med invånarna.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
journey_app = typer.Typer(
    help="Resor: validera, importera, lista och exportera.", no_args_is_help=True
)
app.add_typer(journey_app, name="journey")

# Wide enough for the tables when piped or captured (CI logs, make demo | less).
_WIDTH = None if sys.stdout.isatty() else 160
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class _State:
    settings: Settings
    verbose: bool = False


_state = _State(Settings.from_env())


class LangOption(StrEnum):
    sv = "sv"
    en = "en"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    yaml = "yaml"
    json = "json"
    mermaid = "mermaid"
    cjml = "cjml"


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(help="Databasfil (standard: MEDSKAPA_DB eller ./medskapa.db).", envvar=None),
    ] = None,
    lang: Annotated[
        LangOption | None, typer.Option(help="Språk för meddelanden: sv eller en.")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Visa detaljer vid fel.")
    ] = False,
) -> None:
    """Medskapa: utforma offentliga e-tjänster tillsammans med invånarna."""
    settings = Settings.from_env()
    if db is not None:
        settings = replace(settings, db_path=db)
    if lang is not None:
        settings = replace(settings, lang=lang.value)
    _state.settings = settings
    _state.verbose = verbose


def _lang() -> Lang:
    return _state.settings.lang


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code)


def _print_report(report: Report, lang: Lang) -> None:
    for finding in report.findings:
        style = "red" if finding.severity == "error" else "yellow"
        out.print(finding.format(lang), style=style, markup=False)
    name = report.file or "-"
    if report.findings:
        line = t(
            "validate.summary",
            lang,
            file=name,
            errors=len(report.errors),
            warnings=len(report.warnings),
        )
    else:
        line = t("validate.ok", lang, file=name)
    out.print(line, style="bold" if report.ok else "bold red", markup=False)


@journey_app.command("validate")
def journey_validate(
    files: Annotated[list[Path], typer.Argument(help="Resefiler (YAML eller JSON).")],
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text för människor, json för verktyg.")
    ] = OutputFormat.text,
    strict: Annotated[bool, typer.Option(help="Räkna varningar som fel.")] = False,
) -> None:
    """Validera resefiler. Avslutar med kod 1 om någon fil har fel."""
    lang = _lang()
    reports = [validate_file(path) for path in files]
    failed = [r for r in reports if not r.ok or (strict and r.warnings)]
    if output == OutputFormat.json:
        payload = [
            {
                "file": r.file,
                "ok": r.ok,
                "errors": len(r.errors),
                "warnings": len(r.warnings),
                "findings": [f.as_dict(lang) for f in r.findings],
            }
            for r in reports
        ]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for report in reports:
            _print_report(report, lang)
        if failed and len(reports) > 1:
            out.print(t("validate.total_fail", lang, failed=len(failed), total=len(reports)))
    if failed:
        raise typer.Exit(1)


@journey_app.command("import")
def journey_import(
    files: Annotated[list[Path], typer.Argument(help="Resefiler att spara i databasen.")],
    author: Annotated[str, typer.Option(help="Vem som sparar (visas i historiken).")] = "cli",
    note: Annotated[str | None, typer.Option(help="En kort anteckning till revisionen.")] = None,
) -> None:
    """Validera och spara resor. En fil med fel sparas inte."""
    lang = _lang()
    db = open_db(_state.settings.db_path)
    refused = 0
    for path in files:
        report = validate_file(path)
        if not report.ok or report.journey is None:
            _print_report(report, lang)
            err.print(t("import.refused", lang, file=str(path)), markup=False)
            refused += 1
            continue
        for finding in report.warnings:
            out.print(finding.format(lang), style="yellow", markup=False)
        source = Path(path).read_text(encoding="utf-8-sig")
        _store(db, report.journey, source=source, author=author, note=note, lang=lang)
    if refused:
        raise typer.Exit(1)


def _store(db, journey: Journey, *, source: str, author: str, note: str | None, lang: Lang) -> None:
    before = journey_store.list_revisions(db, journey.id)
    revision = journey_store.save_journey(
        db, journey, source=source, author=author, note=note, now=dt.datetime.now(dt.UTC)
    )
    if before and before[-1].number == revision.number:
        out.print(t("import.unchanged", lang, id=journey.id, revision=revision.number))
    else:
        out.print(
            t("import.done", lang, id=journey.id, title=journey.title, revision=revision.number)
        )


@journey_app.command("list")
def journey_list() -> None:
    """Lista resorna i databasen."""
    lang = _lang()
    db = open_db(_state.settings.db_path)
    summaries = journey_store.list_journeys(db)
    if not summaries:
        out.print(t("list.empty", lang))
        return
    table = Table(title=t("list.title", lang, db=str(_state.settings.db_path)))
    for key in (
        "col.id",
        "col.title",
        "col.organisation",
        "col.steps",
        "col.revisions",
        "col.updated",
    ):
        table.add_column(t(key, lang), overflow="fold")
    for s in summaries:
        table.add_row(
            s.id,
            s.title,
            s.organisation,
            str(s.step_count),
            str(s.revision_count),
            _short_time(s.updated_at),
        )
    out.print(table)


def _short_time(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")


@journey_app.command("export")
def journey_export_cmd(
    journey_id: Annotated[str, typer.Argument(metavar="ID", help="Resans id.")],
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="yaml, json, mermaid eller cjml.")
    ] = ExportFormat.yaml,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fil att skriva (standard: skärmen).")
    ] = None,
) -> None:
    """Exportera en sparad resa som YAML, JSON, Mermaid-flödesschema eller CJML (XML)."""
    lang = _lang()
    db = open_db(_state.settings.db_path)
    journey = journey_store.get_journey(db, journey_id)
    if journey is None:
        known = [s.id for s in journey_store.list_journeys(db)]
        close = difflib.get_close_matches(journey_id, known, n=1, cutoff=0.5)
        hint = t("hint.did_you_mean", lang, name=close[0]) if close else ""
        raise _fail(
            t("export.unknown", lang, id=journey_id, db=str(_state.settings.db_path), hint=hint)
        )
    if output_format == ExportFormat.yaml:
        text = journey_store.get_source(db, journey_id)
        if text is None or text.lstrip().startswith("{"):
            text = to_yaml(journey)
    elif output_format == ExportFormat.json:
        text = to_json(journey)
    elif output_format == ExportFormat.mermaid:
        text = journey_export.to_mermaid(journey)
    else:
        text = journey_export.to_cjml(journey)
    _emit(text, output, lang)


def _emit(text: str, output: Path | None, lang: Lang) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    err.print(t("export.written", lang, path=str(output)), markup=False)


@journey_app.command("schema")
def journey_schema_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Fil att skriva (standard: skärmen).")
    ] = None,
) -> None:
    """Skriv JSON Schema för resefiler (för autokomplettering i editorn)."""
    text = journey_schema.schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(t("schema.written", _lang(), path=str(output)), markup=False)


def journey_figures(journey: Journey) -> dict[str, int]:
    """Counts shown in the demo table."""
    screens = [s for s in journey.steps if isinstance(s, ScreenStep)]
    branches = sum(
        1
        for s in journey.steps
        if (
            isinstance(s, ScreenStep | OfflineStep) and isinstance(s.next, list) and len(s.next) > 1
        )
        or (isinstance(s, DecisionStep) and len(s.rules) > 1)
    )
    readable = [
        step_readability(s) for s in journey.steps if isinstance(s, ScreenStep | OfflineStep)
    ]
    highest = max((r.lix for r in readable if r is not None), default=0)
    return {
        "steps": len(journey.steps),
        "screens": len(screens),
        "decisions": sum(isinstance(s, DecisionStep) for s in journey.steps),
        "offline": sum(isinstance(s, OfflineStep) for s in journey.steps),
        "branches": branches,
        "lix": round(highest),
    }


DEMO_EMAIL = "demo@exempelkommun.se"


def _demo_login(db_path: Path) -> tuple[str, str | None]:
    """The demo designer's e-mail and password; the password is made once and kept in a file
    beside the database (git-ignored), so every ``make demo`` can print it."""
    import secrets

    from toolkit import accounts

    secret_file = db_path.resolve().with_name(db_path.name + ".demo-login")
    db = open_db(db_path)
    if accounts.get_user(db, DEMO_EMAIL) is None:
        password = "demo-" + secrets.token_urlsafe(9)
        accounts.add_user(db, DEMO_EMAIL, password, role="designer", now=dt.datetime.now(dt.UTC))
        secret_file.write_text(password + "\n", encoding="utf-8")
        secret_file.chmod(0o600)
    if secret_file.exists():
        return DEMO_EMAIL, secret_file.read_text(encoding="utf-8").strip()
    return DEMO_EMAIL, None


def _demo_share(db_path: Path, journey_id: str, public_url: str) -> tuple[str, str]:
    """Publish the journey once and hand out one share link; returns (version id, URL)."""
    import prototypes
    from toolkit import routes

    db = open_db(db_path)
    now = dt.datetime.now(dt.UTC)
    version = prototypes.latest_version(db, journey_id)
    if version is None:
        version = prototypes.publish_version(
            db, journey_id, note="Första testversionen", author="demo", now=now
        )
    links = [
        link
        for link in prototypes.list_share_links(db, version_id=version.id)
        if link.status(now) == "ok"
    ]
    # Task success needs a success step: the journey's confirmation step ("Ansökan skickad")
    confirmation = next(
        (s.id for s in version.journey().steps if getattr(s, "pattern", "") == "confirmation"),
        None,
    )
    link = (
        links[0]
        if links
        else prototypes.create_share_link(
            db,
            version.id,
            label="Demo",
            task="Du kör inte själv men behöver parkera nära entrén. Ansök om parkeringstillstånd.",
            success_step=confirmation,
            created_by="demo",
            now=now,
        )
    )
    return version.id, routes.citizen_url(public_url, link.code)


@app.command()
def demo(
    examples: Annotated[Path, typer.Option(help="Mapp med resefiler att läsa in.")] = EXAMPLES_DIR,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Starta appen efteråt.")
    ] = False,
) -> None:
    """Läs in exempelresorna, skapa ett demokonto och en delningslänk, och visa allt."""
    lang = _lang()
    settings = _state.settings
    out.print(t("demo.loading", lang, db=str(settings.db_path)), style="bold")
    files = sorted([*examples.glob("*.yaml"), *examples.glob("*.json")])
    if not files:
        raise _fail(t("error.no_files", lang))
    db = open_db(settings.db_path)
    reports = [validate_file(path) for path in files]
    table = Table(title=t("demo.title", lang))
    for key in (
        "col.id",
        "col.title",
        "col.organisation",
        "col.steps",
        "col.screens",
        "col.decisions",
        "col.offline",
        "col.branches",
        "col.lix",
        "col.errors",
        "col.warnings",
    ):
        table.add_column(t(key, lang), overflow="fold")
    for report in reports:
        _print_report(report, lang)
        if report.journey is None:
            continue
        j = report.journey
        if report.ok:
            source = Path(report.file or "").read_text(encoding="utf-8-sig")
            journey_store.save_journey(
                db, j, source=source, author="demo", note=None, now=dt.datetime.now(dt.UTC)
            )
        figures = journey_figures(j)
        table.add_row(
            j.id,
            j.title,
            j.organisation,
            str(figures["steps"]),
            str(figures["screens"]),
            str(figures["decisions"]),
            str(figures["offline"]),
            str(figures["branches"]),
            str(figures["lix"]),
            str(len(report.errors)),
            str(len(report.warnings)),
        )
    out.print(table)
    if any(not r.ok for r in reports):
        raise _fail(t("demo.failed", lang))
    ids = [r.journey.id for r in reports if r.journey is not None]
    first = "parkeringstillstand" if "parkeringstillstand" in ids else ids[0]
    email, password = _demo_login(settings.db_path)
    version_id, url = _demo_share(settings.db_path, first, settings.public_url)
    from prototypes import qr_text

    out.print()
    out.print(t("demo.designer", lang, url=settings.public_url.rstrip("/") + "/"), style="bold")
    out.print(t("demo.login", lang, email=email, password=password or "?"))
    out.print(t("demo.citizen", lang, version=version_id, url=url), style="bold")
    out.print(qr_text(url), style="black on white", markup=False, soft_wrap=False)
    out.print(t("demo.next", lang, id=first))
    if serve_after:
        _serve(settings.host, settings.port, dev=False)


def _serve(host: str, port: int, *, dev: bool) -> None:
    settings = _state.settings
    open_db(settings.db_path)  # migrations and a clear error before the build starts
    command = serve.reflex_command(host=host, port=port, dev=dev)
    public = settings.public_url
    env = serve.reflex_env(
        dict(os.environ), db_path=settings.db_path, public_url=public, port=port, dev=dev
    )
    out.print(t("serve.starting", _lang(), url=public.rstrip("/") + "/"), style="bold")
    serve.exec_reflex(command, env)


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str | None, typer.Option(help="Adress att lyssna på (standard 0.0.0.0).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (standard MEDSKAPA_PORT eller 3000).")
    ] = None,
    dev: Annotated[bool, typer.Option("--dev", help="Utvecklingsläge med omladdning.")] = False,
) -> None:
    """Starta appen: designerappen på /, invånarsidor på /t/<kod>, allt på en port."""
    settings = _state.settings
    _serve(host or settings.host, port or settings.port, dev=dev)


commands.register(app)
workshop_commands.register(app)
report_commands.register(app)
backup_commands.register(app)


def main() -> None:
    """Console entry point: one clear line on stderr for any failure, never a traceback
    unless ``--verbose``."""
    verbose = "--verbose" in sys.argv or "-v" in sys.argv
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        raise SystemExit(130) from None
    except (KeyboardInterrupt, EOFError):
        raise SystemExit(130) from None
    except (DatabaseError, SettingsError, serve.ServeError) as exc:
        err.print(str(exc), markup=False)
        raise SystemExit(2) from None
    except Exception as exc:  # the last line of defence: people, not tracebacks
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        if verbose:
            traceback.print_exc()
        err.print(t("error.unexpected", Settings.from_env().lang, error=exc), markup=False)
        raise SystemExit(2) from None
    raise SystemExit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
