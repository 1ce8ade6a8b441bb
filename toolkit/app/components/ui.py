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
