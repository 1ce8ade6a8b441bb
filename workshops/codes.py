"""Join codes and participant tokens.

A join code is what the facilitator shows on the projector and the QR code carries: six
symbols such as ``K7MPQ2``, easy to read from across a room and to type on a phone. The
alphabet leaves out every symbol that can be taken for another on a projector or in a phone
font: of 0/O and 1/I/L none is kept; of 5/S, 2/Z, 8/B, 6/G and U/V only the first. 26
symbols remain, and a typed S, Z, B, G or U is read as the symbol it looks like.

How unguessable that is, in numbers: 26⁶ = 308 915 776 codes, about 28.2 bits. A code only
opens a workshop while it is open (a few hours). With 50 workshops open at the same time,
one guess hits any of them with probability 50 / 26⁶ ≈ 1.6 · 10⁻⁷; ten thousand guesses, far
more than the toolkit's limits on failed joins allow in a day, still hit with probability
about 0.16 %. That is enough for what a code gives: a place among the sticky notes, which the
facilitator can hide, never anyone's data. It is not enough without rate limiting, so the
toolkit must limit failed joins per address *and* in total; :class:`JoinError` says which
failures count as guesses.

A participant token is the participant's capability after joining (kept in a cookie): 256
random bits, stored only as its SHA-256, so a copy of the database does not let anyone act
as a participant.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import secrets

JOIN_CODE_ALPHABET = "23456789ACDEFHJKMNPQRTVWXY"
"""26 symbols: the digits 2–9 and the letters without B, G, I, L, O, S, U and Z."""

JOIN_CODE_LENGTH = 6

JOIN_CODE_BITS = JOIN_CODE_LENGTH * math.log2(len(JOIN_CODE_ALPHABET))
"""Entropy of a join code in bits (about 28.2): see the module docstring for what it means."""

LOOK_ALIKES = {"S": "5", "Z": "2", "B": "8", "G": "6", "U": "V"}
"""Letters people type for a symbol that looks like them; read as that symbol."""

TOKEN_BYTES = 32
"""A participant token has 256 random bits."""


def new_join_code(rng: random.Random | None = None) -> str:
    """A fresh join code such as ``K7MPQ2``. Pass a seeded ``random.Random`` in tests."""
    chooser = rng if rng is not None else secrets.SystemRandom()
    return "".join(chooser.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """The code in ``text`` as stored: upper case, without spaces and hyphens.

    Letters that look like a digit of the alphabet (S for 5, Z for 2, B for 8, G for 6, U for
    V) are read as it. Raises ``ValueError`` with a Swedish message for characters that are
    never in a code (0, O, 1, I, L and anything else) or a code of the wrong length. It does
    no database work, so the toolkit can refuse malformed codes before looking anything up.
    """
    code = "".join(ch for ch in text.upper() if not ch.isspace() and ch not in "-–")
    code = "".join(LOOK_ALIKES.get(ch, ch) for ch in code)
    wrong = sorted({ch for ch in code if ch not in JOIN_CODE_ALPHABET})
    if wrong:
        listed = ", ".join(f"'{ch}'" for ch in wrong)
        raise ValueError(
            f"Koden innehåller tecken som aldrig finns i en kod: {listed}. Koden har "
            f"{JOIN_CODE_LENGTH} tecken: siffrorna 2–9 och bokstäver, men aldrig 0, O, 1, I "
            "eller L. Titta på koden på skärmen igen."
        )
    if len(code) != JOIN_CODE_LENGTH:
        raise ValueError(
            f"Koden ska ha {JOIN_CODE_LENGTH} tecken, men du skrev {len(code)}. "
            "Titta på koden på skärmen igen."
        )
    return code


def format_join_code(code: str) -> str:
    """The code in two groups for the projector: ``K7M PQ2``."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def new_token(rng: random.Random | None = None) -> str:
    """A fresh participant token: 256 random bits as 43 URL-safe characters."""
    raw = rng.randbytes(TOKEN_BYTES) if rng is not None else secrets.token_bytes(TOKEN_BYTES)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    """What is stored for a token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
