"""Rendering the server-side pages: one Jinja2 environment (autoescape on), the helpers the
templates use, and Markdown without raw HTML.

Templates take plain data (the organisation, a step, a list of cards), never a request or
a database, so they can be rendered and checked on their own.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from journeys import FormField
from prototypes import format_date_sv
from toolkit import routes
from toolkit.settings import DEFAULT_COLOUR, Organisation


def new_ids(count: int) -> list[str]:
    """``count`` fresh UUIDs (version 7, RFC 9562) as text, made in one go: a vote page has
    a form, with its own id, for every note or step; every page a tester opens stores an
    event.

    Version 7 starts with the time in milliseconds, then 74 random bits: as unguessable as
    a form's id needs, and ids made close in time sort close together, so storing them
    adds to the end of the id index instead of to a random page of it. A submit writes
    two pages fewer to the log and spends ~14 % less time storing its events
    (``benchmarks/RESULTS.md``). The time in an id says no more than the row's own time,
    and the exports and the open-data API carry no event, rating or note ids."""
    moment = time.time_ns() // 1_000_000
    raw = bytearray(secrets.token_bytes(16 * count))
    stamp = moment.to_bytes(6, "big")
    made = []
    for at in range(0, 16 * count, 16):
        raw[at : at + 6] = stamp
        raw[at + 6] = (raw[at + 6] & 0x0F) | 0x70  # version 7
        raw[at + 8] = (raw[at + 8] & 0x3F) | 0x80  # the RFC 9562 variant
        h = raw[at : at + 16].hex()
        made.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return made


def new_id() -> str:
    """A fresh UUID (version 7) as text (:func:`new_ids`)."""
    return new_ids(1)[0]


HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def swedish_date(value: Any) -> str:
    """``2025-12-01`` as ``1 december 2025`` (a date or a datetime)."""
    return format_date_sv(value)


@cache
def static_version(name: str) -> str:
    """A short hash of a static file's content, so its URL changes when it does."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The cache-forever URL of a static file (its content hash in the query)."""
    return routes.static_path(name, static_version(name))


_markdown = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})


def markdown(text: str | None) -> Markup:
    """Markdown as HTML. Raw HTML in the text is shown as text, never run; links with
    ``javascript:`` and similar schemes are not made into links. The same text (a step's
    body, shown to every tester) is turned into HTML once."""
    if not text:
        return Markup("")
    return _markdown_html(text)


@lru_cache(maxsize=2048)
def _markdown_html(text: str) -> Markup:
    return Markup(_markdown.render(text))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str | None = None


def field_options(field: FormField) -> list[Choice]:
    """The answers a radios/checkboxes/select/yes-no field offers, as value, label, hint."""
    if str(field.type) == "yesno":
        return [Choice("Ja", "Ja"), Choice("Nej", "Nej")]
    found: list[Choice] = []
    for option in field.options or []:
        if isinstance(option, str):
            found.append(Choice(option, option))
        else:
            found.append(Choice(option.value, option.label or option.value, option.hint))
    return found


@dataclass(frozen=True)
class InputSpec:
    type: str = "text"
    inputmode: str | None = None
    autocomplete: str | None = None
    spellcheck: str | None = None
    width: str | None = None


_INPUTS: dict[str, InputSpec] = {
    "text": InputSpec(),
    "number": InputSpec(inputmode="numeric", width="short", spellcheck="false"),
    "date": InputSpec(type="date", width="medium"),
    "personnummer": InputSpec(
        inputmode="numeric", autocomplete="off", spellcheck="false", width="medium"
    ),
    "email": InputSpec(type="email", autocomplete="email", spellcheck="false"),
    "phone": InputSpec(type="tel", autocomplete="tel", spellcheck="false", width="medium"),
}


def input_spec(field: FormField) -> InputSpec:
    """How a one-line field is rendered: type, input mode, autocomplete, width."""
    base = _INPUTS.get(str(field.type), InputSpec())
    return InputSpec(
        type=base.type,
        inputmode=base.inputmode,
        autocomplete=field.autocomplete or base.autocomplete,
        spellcheck=base.spellcheck,
        width=field.width if field.width in ("short", "medium") else base.width,
    )


_SVG_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def inline_svg(svg: str, ident: str) -> Markup:
    """A standalone SVG document made fit to sit inside HTML: no XML prolog, and ids made
    unique with ``ident`` so several codes on one page keep their own titles."""
    body = _SVG_PROLOG.sub("", svg)
    body = body.replace('id="qr-title"', f'id="qr-title-{ident}"').replace(
        'aria-labelledby="qr-title"', f'aria-labelledby="qr-title-{ident}"'
    )
    return Markup(body)


@cache
def environment() -> Environment:
    """The Jinja2 environment: autoescape on, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        # templates are part of the installed package: no stat() of each file per page,
        # except in development (``medskapa serve --dev``), where edits show at once
        auto_reload=bool(os.environ.get("MEDSKAPA_DEV")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(static=static_url, field_options=field_options, input_spec=input_spec)
    return env


def render(name: str, *, org: Organisation, nonce: str, **context: Any) -> str:
    """Render a page template with the organisation's name and colour in the layout."""
    organisation = context.pop("org_name", None) or org.name or "Medskapa"
    return (
        environment()
        .get_template(name)
        .render(
            org_name=organisation,
            colour=org.colour or DEFAULT_COLOUR,
            nonce=nonce,
            title=context.pop("title", organisation),
            **context,
        )
    )


# --- pages drawn once and filled in per request (ADR 0014) ---------------------------------

MARK = "ms" + secrets.token_hex(10)
"""Stands in a kept page for what each request fills in (:func:`stencil`, :func:`fill`):
random per process, so no text a page shows can contain it by chance or on purpose."""

_MARKED = re.compile(f"{MARK}(nonce|csrf|nick|id[0-9]+)")


def stencil(html: str) -> list[str]:
    """A page drawn with ``MARK + name`` stand-ins (``nonce``, ``csrf``, ``nick``, ``id0``,
    ``id1`` …), split so that every odd item is the name of one."""
    return _MARKED.split(html)


def fill(parts: list[str], values: Mapping[str, str]) -> str:
    """The page of :func:`stencil` with each stand-in replaced by its value, escaped as the
    template would have escaped it."""
    out = parts[:]
    for at in range(1, len(out), 2):
        out[at] = escape(values[out[at]])
    return "".join(out)
