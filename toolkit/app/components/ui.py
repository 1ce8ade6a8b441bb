"""Small building blocks with accessible defaults (WCAG AA contrast)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def badge(*children: Any, **props: Any) -> rx.Component:
    """A badge with AA contrast: Radix's soft colours are too pale on grey cards."""
    props.setdefault("high_contrast", True)
    return rx.badge(*children, **props)


def code(*children: Any, **props: Any) -> rx.Component:
    """Inline code with AA contrast."""
    props.setdefault("high_contrast", True)
    return rx.code(*children, **props)


LINK_STYLE = {"color": "var(--accent-11)", "textDecoration": "underline"}


def file_link(*children: Any, **props: Any) -> rx.Component:
    """A plain document link (downloads, print sheets) that looks like a link: link colour and
    underlined. ``rx.el.a`` is unstyled by Radix and would read as black text."""
    props.setdefault("reload_document", True)
    props["style"] = {**LINK_STYLE, **props.get("style", {})}
    return rx.el.a(*children, **props)
