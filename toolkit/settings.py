"""Settings read once from ``MEDSKAPA_*`` environment variables, with sane defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Lang = Literal["sv", "en"]


@dataclass(frozen=True)
class Settings:
    """Everything configurable about a Medskapa installation."""

    db_path: Path = Path("medskapa.db")
    lang: Lang = "sv"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``MEDSKAPA_DB`` and ``MEDSKAPA_LANG`` (sv or en)."""
        env = os.environ if environ is None else environ
        lang = env.get("MEDSKAPA_LANG", "sv").strip().lower()[:2]
        return cls(
            db_path=Path(env.get("MEDSKAPA_DB") or "medskapa.db"),
            lang="en" if lang == "en" else "sv",
        )
