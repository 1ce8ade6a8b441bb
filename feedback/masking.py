"""Masking personal identifiers in free text before it is stored.

Testers are asked not to write personal data, and some will anyway. Before a comment is
stored, personnummer (and samordningsnummer, which look the same), Swedish phone numbers and
e-mail addresses are replaced by ``[personnummer]``, ``[telefonnummer]`` and ``[e-post]``.
The patterns lean towards masking too much: a ten-digit order number is masked as a
personnummer, while ordinary numbers (``2025``, ``bil 3``, ``12 500 kr``) are left alone.
"""

from __future__ import annotations

import re

PERSONNUMMER = "[personnummer]"
PHONE = "[telefonnummer]"
EMAIL = "[e-post]"

_SEP = r"[ \u00a0\-–]"
"""One separator inside a phone number: space, no-break space, hyphen or en dash."""

_PATTERN = re.compile(
    rf"""
    (?P<email>
        [\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+
    )
    | (?P<pnr_sep>                      # 850709-9805, 19850709-9805, 850709+9805, 850709 9805,
        (?<![\d+])(?:\d{{2}})?\d{{6}}     # 850709 - 9805, 850709/9805
        (?:[\u00a0 ]?[\-+–/－][\u00a0 ]?|[\u00a0 ])\d{{4}}(?!\d)
    )
    | (?P<phone>
        (?<![\d+])
        (?:
            (?:\+|00)46{_SEP}?(?:\(0\){_SEP}?)?[1-9](?:{_SEP}?\d){{6,8}}    # +46 70 123 45 67
          | \(0\d{{1,3}}\){_SEP}?\d(?:{_SEP}?\d){{4,7}}                     # (08) 123 456 78
          | 0[1-9](?:{_SEP}?\d){{6,8}}                                      # 070-123 45 67
        )
        (?!\d)
    )
    | (?P<pnr>                          # 8507099805, 198507099805
        (?<![\d+])(?:\d{{2}})?\d{{10}}(?!\d)
    )
    """,
    re.VERBOSE,
)

_LABELS = {"email": EMAIL, "pnr_sep": PERSONNUMMER, "phone": PHONE, "pnr": PERSONNUMMER}


def mask_personal_data(text: str) -> tuple[str, bool]:
    """``text`` with personnummer, phone numbers and e-mail addresses replaced by labels,
    and whether anything was replaced.

    >>> mask_personal_data("Ring 070-123 45 67 eller skriv till anna@example.se")
    ('Ring [telefonnummer] eller skriv till [e-post]', True)
    >>> mask_personal_data("Jag har bil 3 sedan 2025")
    ('Jag har bil 3 sedan 2025', False)
    """
    found = False

    def label(match: re.Match[str]) -> str:
        nonlocal found
        found = True
        return _LABELS[match.lastgroup or "pnr"]

    masked = _PATTERN.sub(label, text)
    return masked, found
