"""Commands for accounts, the organisation's look, publishing, share links and QR codes.

``toolkit/cli.py`` adds them to the ``medskapa`` app with :func:`register`::

    medskapa user add EMAIL --role designer|facilitator [--password-stdin]
    medskapa user list
    medskapa org set [--name TEXT] [--colour #rrggbb]
    medskapa org show
    medskapa publish JOURNEY_ID --note TEXT [--author NAME]
    medskapa share VERSION_ID [--task TEXT] [--success-step STEP] [--label TEXT]
                              [--expires YYYY-MM-DD] [--allow-under-13]
    medskapa share [VERSION_ID] --revoke CODE
    medskapa qr CODE [-o FILE.svg|FILE.png]
    medskapa qr-sheet VERSION_ID -o FILE.html [--code CODE] [--count N]

Like the rest of the command line they parse, call the domain and print. A refused action
is one Swedish line on stderr and exit code 1.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlite_utils import Database

import prototypes
from toolkit import accounts, routes
from toolkit.db import get_organisation, open_db, set_organisation
from toolkit.settings import Settings, SettingsError, local_zone

SettingsSource = Callable[[], Settings]


class Role(StrEnum):
    designer = "designer"
    facilitator = "facilitator"


def _cli_settings() -> Settings:
    """The settings the ``medskapa`` app parsed (global --db, --lang), read when a command
    runs, not at import, so there is no import cycle with toolkit.cli."""
    from toolkit import cli

    return cli._state.settings


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def register(
    app: typer.Typer,
    *,
    settings: SettingsSource | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> None:
    """Add the commands to ``app``. ``settings`` and ``clock`` are for tests; by default the
    settings are the ones ``toolkit.cli`` parsed and the clock is now in UTC."""
    current = settings or _cli_settings
    now = clock or _now

    def database() -> Database:
        return open_db(current().db_path)

    # --- accounts -----------------------------------------------------------------------

    user_app = typer.Typer(help="Konton för designer och workshopledare.", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    def user_add(
        email: Annotated[str, typer.Argument(help="E-postadressen man loggar in med.")],
        role: Annotated[Role, typer.Option(help="designer eller facilitator.")] = Role.designer,
        password_stdin: Annotated[
            bool,
            typer.Option("--password-stdin", help="Läs lösenordet från standard in (för skript)."),
        ] = False,
    ) -> None:
        """Skapa ett konto. Lösenordet frågas två gånger (minst 10 tecken)."""
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt(
                "Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet"
            )
        db = database()
        try:
            user = accounts.add_user(db, email, password, role=role.value, now=now())
        except accounts.AccountError as exc:
            _fail(str(exc))
        typer.echo(f"Skapade kontot {user.email} ({user.role}).")

    @user_app.command("list")
    def user_list() -> None:
        """Lista kontona."""
        users = accounts.list_users(database())
        if not users:
            typer.echo("Inga konton ännu. Skapa ett med: medskapa user add E-POST --role designer")
            return
        for user in users:
            typer.echo(f"{user.email}\t{user.role}\t{user.created_at:%Y-%m-%d}")

    # --- organisation -------------------------------------------------------------------

    org_app = typer.Typer(
        help="Organisationens namn och färg på invånarsidorna.", no_args_is_help=True
    )
    app.add_typer(org_app, name="org")

    @org_app.command("set")
    def org_set(
        name: Annotated[str | None, typer.Option(help="Till exempel Exempelkommun.")] = None,
        colour: Annotated[
            str | None,
            typer.Option(
                "--colour", "--color", help="Hexkod, t.ex. #1f4e79 (minst 4,5:1 mot vitt)."
            ),
        ] = None,
    ) -> None:
        """Ändra namnet och/eller färgen som invånarsidorna visas med."""
        if name is None and colour is None:
            _fail(
                "Ange --name, --colour eller båda, till exempel: medskapa org set --colour #1f4e79"
            )
        try:
            org = set_organisation(database(), name=name, colour=colour, now=now())
        except SettingsError as exc:
            _fail(str(exc))
        typer.echo(f"Organisation: {org.name or '(inget namn)'}, färg {org.colour}")

    @org_app.command("show")
    def org_show() -> None:
        """Visa organisationens namn och färg."""
        org = get_organisation(database())
        typer.echo(f"Organisation: {org.name or '(inget namn)'}, färg {org.colour}")

    # --- publishing and sharing ---------------------------------------------------------

    @app.command("publish")
    def publish(
        journey_id: Annotated[str, typer.Argument(metavar="RESA", help="Resans id.")],
        note: Annotated[str, typer.Option(help="Vad som är nytt, t.ex. 'kortare formulär'.")] = "",
        author: Annotated[str, typer.Option(help="Vem som publicerar.")] = "cli",
    ) -> None:
        """Publicera resans senaste utkast som en ny testversion. Skriver versionens id."""
        try:
            version = prototypes.publish_version(
                database(), journey_id, note=note, author=author, now=now()
            )
        except prototypes.PublishError as exc:
            _fail(exc.message)
        except prototypes.NothingToPublish as exc:
            _fail(
                f"{exc} ({exc.latest.id}), så ingen ny version publicerades. "
                "Ändra resan och importera den igen först."
            )
        typer.echo(version.id)

    @app.command("share")
    def share(
        version_id: Annotated[
            str | None, typer.Argument(metavar="VERSION", help="Versionens id, t.ex. resa-v2.")
        ] = None,
        task: Annotated[str | None, typer.Option(help="Uppgiften testarna får.")] = None,
        success_step: Annotated[
            str | None, typer.Option(help="Steget som räknas som att uppgiften är klar.")
        ] = None,
        label: Annotated[str | None, typer.Option(help="Vem länken är till, t.ex. 9B.")] = None,
        expires: Annotated[
            str | None,
            typer.Option(metavar="ÅÅÅÅ-MM-DD", help="Sista dagen länken fungerar."),
        ] = None,
        allow_under_13: Annotated[
            bool,
            typer.Option(
                "--allow-under-13",
                help="Vårdnadshavares samtycke är intygat: testare under 13 får delta.",
            ),
        ] = False,
        revoke: Annotated[
            str | None, typer.Option(metavar="KOD", help="Stäng en länk i stället.")
        ] = None,
    ) -> None:
        """Skapa en delningslänk till en version (skriver koden och adressen), eller stäng en."""
        settings = current()
        db = database()
        if revoke is not None:
            link = prototypes.get_share_link(db, revoke)
            if link is None:
                _fail(f"Det finns ingen delningslänk med koden '{revoke}'.")
            if version_id is not None and link.version_id != version_id:
                _fail(f"Länken {link.code} hör till {link.version_id}, inte {version_id}.")
            prototypes.revoke_share_link(db, link.code, now=now())
            typer.echo(f"Länken {prototypes.format_code(link.code)} är stängd.")
            return
        if version_id is None:
            _fail("Ange versionen, till exempel: medskapa share parkeringstillstand-v1")
        expires_at = _expiry(expires, now()) if expires else None
        try:
            link = prototypes.create_share_link(
                db,
                version_id,
                label=label,
                task=task,
                success_step=success_step,
                expires_at=expires_at,
                allow_under_13=allow_under_13,
                created_by="cli",
                now=now(),
            )
        except prototypes.ShareLinkError as exc:
            _fail(str(exc))
        typer.echo(f"Kod: {prototypes.format_code(link.code)}")
        typer.echo(routes.citizen_url(settings.public_url, link.code))

    @app.command("qr")
    def qr(
        code: Annotated[str, typer.Argument(metavar="KOD", help="Delningslänkens kod.")],
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="FIL.svg eller FIL.png (standard: terminalen)."),
        ] = None,
    ) -> None:
        """QR-koden till en delningslänk: som SVG eller PNG, eller direkt i terminalen."""
        settings = current()
        resolution = prototypes.resolve_share_link(database(), code, now=now())
        link = resolution.link
        if link is None:
            _fail(f"Det finns ingen delningslänk med koden '{code}'.")
        if resolution.status != "ok":
            why = "stängd" if resolution.status == "revoked" else "har gått ut"
            _fail(
                f"Länken {link.code} är {why}; en QR-kod till den fungerar inte. "
                f"Skapa en ny med: medskapa share {link.version_id}"
            )
        url = routes.citizen_url(settings.public_url, link.code)
        if output is None:
            typer.echo(prototypes.qr_text(url))
            typer.echo(url)
            return
        suffix = output.suffix.lower()
        if suffix not in (".svg", ".png"):
            _fail(f"Ange en fil som slutar på .svg eller .png, inte '{output.name}'.")
        try:
            if suffix == ".svg":
                output.write_text(prototypes.qr_svg(url), encoding="utf-8")
            else:
                output.write_bytes(prototypes.qr_png(url))
        except OSError as exc:
            _fail(f"Kunde inte skriva {output}: {exc.strerror or exc}.")
        typer.echo(f"Skrev {output} ({url})", err=True)

    @app.command("qr-sheet")
    def qr_sheet(
        version_id: Annotated[str, typer.Argument(metavar="VERSION", help="Versionens id.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="FIL.html att skriva.")],
        code: Annotated[
            str | None, typer.Option(metavar="KOD", help="Bara den här länken, upprepad.")
        ] = None,
        count: Annotated[int, typer.Option(min=1, max=60, help="Antal kort med --code.")] = 6,
    ) -> None:
        """Ett A4-ark med QR-kort att skriva ut: ett kort per aktiv länk till versionen."""
        from toolkit.web import sheet

        settings = current()
        db = database()
        try:
            built = sheet.build_sheet(
                db, version_id, public_url=settings.public_url, now=now(), code=code, repeat=count
            )
        except sheet.SheetError as exc:
            _fail(exc.message)
        if not built.cards:
            _fail(
                f"Versionen {built.version_id} har inga aktiva delningslänkar. "
                f"Skapa en med: medskapa share {built.version_id} --task TEXT"
            )
        html = sheet.render_sheet(db, built, nonce="", standalone=True)
        try:
            output.write_text(html, encoding="utf-8")
        except OSError as exc:
            _fail(f"Kunde inte skriva {output}: {exc.strerror or exc}.")
        typer.echo(f"Skrev {output} med {len(built.cards)} kort.", err=True)


def _expiry(text: str, now: dt.datetime) -> dt.datetime:
    """``YYYY-MM-DD`` is the last day the link works: it expires at the next midnight,
    Swedish time."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        _fail(f"Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2025-12-31, inte '{text}'.")
    expires_at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=local_zone())
    if expires_at <= now:
        _fail(f"Datumet {day.isoformat()} har redan varit. Ange en dag från och med i dag.")
    return expires_at.astimezone(dt.UTC)
