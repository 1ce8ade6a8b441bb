"""Commands for workshops: create one with a ready agenda, open and close it, write the report.

``toolkit/cli.py`` adds them to the ``medskapa`` app with :func:`register`::

    medskapa workshop create JOURNEY_ID --title TEXT [--date YYYY-MM-DD] [--version VERSION_ID]
                             [--votes N] [--share CODE] [--facilitator EMAIL] [--allow-under-13]
    medskapa workshop open CODE
    medskapa workshop close CODE
    medskapa workshop list
    medskapa workshop report CODE [-o FILE.html|FILE.md]

``create`` plans the usual agenda (walk the journey, notes on steps, a dot vote on the
notes, an open question; with ``--share`` testing the prototype together after the notes)
and prints the join code, the address and a QR code for the terminal. Like the rest of the
command line these parse, call :mod:`workshops` and print. A refused action is one Swedish
line on stderr and exit code 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlite_utils import Database

import prototypes
import workshops
from toolkit import accounts, routes
from toolkit.db import open_db
from toolkit.settings import Settings, local_zone
from toolkit.web import pages
from toolkit.web.workshop_report import report_html, report_markdown

SettingsSource = Callable[[], Settings]

DEFAULT_AGENDA: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "walk",
        {
            "prompt": "Vi går igenom tjänsten steg för steg. Skriv en lapp när något är "
            "krångligt, bra eller oklart."
        },
    ),
    (
        "notes",
        {
            "prompt": "Var blir det krångligt? Vad är bra? Skriv en lapp för varje sak, på "
            "steget den gäller."
        },
    ),
    ("vote", {"prompt": "Rösta på de lappar som är viktigast att göra något åt."}),
    ("question", {"question": "Vad är det viktigaste att ändra i tjänsten?"}),
)
"""The agenda ``workshop create`` plans: (kind, options) in order."""


def _cli_settings() -> Settings:
    """The settings the ``medskapa`` app parsed, read when a command runs (no import cycle)."""
    from toolkit import cli

    return cli._state.settings


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _facilitator(db: Database, given: str | None) -> str:
    if given:
        return given
    users = accounts.list_users(db)
    chosen = [u for u in users if u.role == "facilitator"] or users
    if not chosen:
        _fail(
            "Ange vem som leder workshoppen med --facilitator E-POST, eller skapa ett konto "
            "först: medskapa user add E-POST --role facilitator"
        )
    return chosen[0].email


def _day(text: str | None, now: dt.datetime) -> dt.date:
    if text is None:
        return now.astimezone(local_zone()).date()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        _fail(f"Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-12, inte '{text}'.")


def _find(db: Database, code: str) -> workshops.Workshop:
    found = workshops.find_workshop(db, code)
    if found is None:
        _fail(f"Det finns ingen workshop med koden '{code}'. Se alla med: medskapa workshop list")
    return found


def _state_text(workshop: workshops.Workshop) -> str:
    return {"draft": "inte öppnad", "open": "öppen", "closed": "stängd"}[workshop.state]


def register(
    app: typer.Typer,
    *,
    settings: SettingsSource | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> None:
    """Add ``medskapa workshop ...`` to ``app``. ``settings`` and ``clock`` are for tests; by
    default the settings are the ones ``toolkit.cli`` parsed and the clock is now in UTC."""
    current = settings or _cli_settings
    now = clock or _now

    def database() -> Database:
        return open_db(current().db_path)

    workshop_app = typer.Typer(
        help="Workshoppar: skapa, öppna, stäng och skriv rapporten.", no_args_is_help=True
    )
    app.add_typer(workshop_app, name="workshop")

    @workshop_app.command("create")
    def create(
        journey_id: Annotated[str, typer.Argument(metavar="RESA", help="Resans id.")],
        title: Annotated[str, typer.Option(help="Rubriken, t.ex. 'Workshop med elevrådet'.")],
        date: Annotated[
            str | None, typer.Option(metavar="ÅÅÅÅ-MM-DD", help="Dagen (standard: i dag).")
        ] = None,
        version: Annotated[
            str | None,
            typer.Option(metavar="VERSION", help="En publicerad version (standard: utkastet)."),
        ] = None,
        votes: Annotated[
            int,
            typer.Option(
                min=1,
                max=workshops.MAX_VOTES_PER_PERSON,
                help="Röster per deltagare i prickröstningen.",
            ),
        ] = workshops.DEFAULT_VOTES_PER_PERSON,
        share: Annotated[
            str | None,
            typer.Option(metavar="KOD", help="Testa prototypen tillsammans via den här länken."),
        ] = None,
        facilitator: Annotated[
            str | None,
            typer.Option(metavar="E-POST", help="Vem som leder (standard: första kontot)."),
        ] = None,
        allow_under_13: Annotated[
            bool,
            typer.Option(
                "--allow-under-13",
                help="Vårdnadshavares samtycke är intygat: deltagare under 13 får vara med.",
            ),
        ] = False,
    ) -> None:
        """Skapa en workshop om en resa med en färdig agenda. Skriver koden, adressen och en
        QR-kod."""
        db = database()
        moment = now()
        try:
            made = workshops.create_workshop(
                db,
                journey_id,
                title=title,
                date=_day(date, moment),
                facilitator=_facilitator(db, facilitator),
                version_id=version,
                allow_under_13=allow_under_13,
                now=moment,
            )
            try:
                for kind, options in DEFAULT_AGENDA:
                    extra: dict[str, object] = {"votes_per_person": votes} if kind == "vote" else {}
                    workshops.add_activity(db, made.id, kind, now=moment, **options, **extra)
                    if kind == "notes" and share is not None:
                        workshops.add_activity(db, made.id, "test", share_code=share, now=moment)
            except workshops.WorkshopError:
                workshops.delete_workshop(db, made.id)  # no half-planned workshop is left
                raise
        except workshops.WorkshopError as exc:
            _fail(str(exc))
        url = routes.workshop_url(current().public_url, made.join_code)
        typer.echo(
            f"Skapade ”{made.title}” ({pages.swedish_date(made.date)}) om resan {journey_id}."
        )
        for n, activity in enumerate(workshops.agenda(db, made.id), start=1):
            typer.echo(f"  {n}. {activity.title}")
        typer.echo(f"Kod: {workshops.format_join_code(made.join_code)}")
        typer.echo(url)
        typer.echo(prototypes.qr_text(url))
        typer.echo(f"Öppna den när ni börjar: medskapa workshop open {made.join_code}")

    @workshop_app.command("open")
    def open_(
        code: Annotated[str, typer.Argument(metavar="KOD", help="Workshoppens kod.")],
    ) -> None:
        """Öppna workshoppen: deltagarna kan gå med och första aktiviteten börjar."""
        db = database()
        workshop = workshops.open_workshop(db, _find(db, code).id, now=now())
        activity = workshops.current_activity(db, workshop.id)
        url = routes.workshop_url(current().public_url, workshop.join_code)
        typer.echo(f"”{workshop.title}” är öppen. Deltagarna går med på {url}")
        if activity is not None:
            typer.echo(f"Nu: {activity.title}")

    @workshop_app.command("close")
    def close(
        code: Annotated[str, typer.Argument(metavar="KOD", help="Workshoppens kod.")],
    ) -> None:
        """Stäng workshoppen: ingen kan gå med, skriva lappar eller rösta längre."""
        db = database()
        workshop = workshops.close_workshop(db, _find(db, code).id, now=now())
        figures = workshops.participation(db, workshop.id)
        notes = "1 lapp" if figures.notes == 1 else f"{figures.notes} lappar"
        votes = "1 röst" if figures.votes == 1 else f"{figures.votes} röster"
        typer.echo(
            f"”{workshop.title}” är stängd: {figures.joined} deltagare, {notes}, "
            f"{votes}. Skriv rapporten med: medskapa workshop report "
            f"{workshop.join_code} -o rapport.html"
        )

    @workshop_app.command("list")
    def list_() -> None:
        """Lista workshoppar, senaste först."""
        found = workshops.list_workshops(database())
        if not found:
            typer.echo("Inga workshoppar ännu. Skapa en med: medskapa workshop create RESA --title")
            return
        for w in found:
            typer.echo(
                f"{w.join_code}\t{w.date.isoformat()}\t{_state_text(w)}\t{w.journey_id}\t{w.title}"
            )

    @workshop_app.command("report")
    def report(
        code: Annotated[str, typer.Argument(metavar="KOD", help="Workshoppens kod.")],
        output: Annotated[
            Path | None,
            typer.Option(
                "--output", "-o", help="FIL.html eller FIL.md (standard: Markdown i terminalen)."
            ),
        ] = None,
    ) -> None:
        """Rapporten: lapparna per steg i resans ordning, röstningen och svaren."""
        db = database()
        try:
            data = workshops.workshop_report(db, _find(db, code).id)
        except workshops.WorkshopError as exc:
            _fail(str(exc))
        created = now()
        if output is None:
            typer.echo(report_markdown(data, created=created), nl=False)
            return
        suffix = output.suffix.lower()
        if suffix in (".html", ".htm"):
            text = report_html(data, created=created)
        elif suffix in (".md", ".markdown"):
            text = report_markdown(data, created=created)
        else:
            _fail(f"Ange en fil som slutar på .html eller .md, inte '{output.name}'.")
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"Kunde inte skriva {output}: {exc.strerror or exc}.")
        figures = data.participation
        notes = "1 lapp" if figures.notes == 1 else f"{figures.notes} lappar"
        votes = "1 röst" if figures.votes == 1 else f"{figures.votes} röster"
        typer.echo(f"Skrev {output} ({notes}, {votes}).", err=True)


__all__ = ["DEFAULT_AGENDA", "register"]
