"""Readability of Swedish text: LIX (läsbarhetsindex), per screen.

LIX = words per sentence + percentage of long words (more than six letters).
Rough bands used in Swedish plain-language work: below 30 very easy (children's books),
30–40 easy (fiction, popular news), 40–50 average (newspapers), 50–60 hard (official
texts), above 60 very hard. Public e-services for everyone should aim at 40 or below.

Markdown is reduced to text first; each heading, list item and paragraph ends a sentence,
as do ``.``, ``!``, ``?`` and ``:`` — but not the dot of a common abbreviation such as
``t.ex.`` or ``bl.a.``. A long word has more than six letters; hyphens do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:t\.ex|bl\.a|m\.m|s\.k|o\.s\.v|osv|dvs|d\.v\.s|m\.fl|ca|jfr|resp|"
    r"kl|nr|tel|fr\.o\.m|t\.o\.m|p\.g\.a|pga|e\.g|i\.e|etc)\.$",
    re.IGNORECASE,
)
_md = MarkdownIt("commonmark")

MIN_WORDS = 10
"""Below this many words LIX says little; :func:`lix` still computes it."""


@dataclass(frozen=True)
class Readability:
    """LIX of a text and its sentences, longest first."""

    lix: float
    words: int
    sentences: int
    long_words: int
    longest: tuple[str, ...]


def markdown_to_sentences(markdown: str) -> list[str]:
    """Plain-text sentences of a Markdown text; block ends are sentence ends."""
    blocks: list[str] = []
    for token in _md.parse(markdown or ""):
        if token.type == "inline":
            text = (
                "".join(
                    child.content if child.type in ("text", "code_inline") else " "
                    for child in token.children or []
                    if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                )
                or token.content
            )
            blocks.append(text)
        elif token.type in ("fence", "code_block"):
            continue
    sentences: list[str] = []
    for block in blocks:
        pending = ""
        for part in _SENTENCE_END.split(block):
            part = f"{pending} {part}".strip() if pending else part.strip()
            pending = ""
            if _ABBREVIATION.search(part):
                pending = part  # "t.ex." does not end the sentence
                continue
            if _WORD.search(part):
                sentences.append(part)
        if pending and _WORD.search(pending):
            sentences.append(pending)
    return sentences


def _letters(word: str) -> int:
    return sum(1 for c in word if c.isalpha())


def lix(texts: list[str]) -> Readability:
    """LIX of several pieces of Markdown (title, body, labels …) read as one text."""
    sentences: list[str] = []
    for text in texts:
        sentences.extend(markdown_to_sentences(text))
    words = [w for s in sentences for w in _WORD.findall(s) if not w[0].isdigit()]
    if not words or not sentences:
        return Readability(0.0, 0, len(sentences), 0, ())
    long_words = sum(1 for w in words if _letters(w) > 6)
    value = len(words) / len(sentences) + 100 * long_words / len(words)
    ranked = sorted(sentences, key=lambda s: len(_WORD.findall(s)), reverse=True)
    return Readability(round(value, 1), len(words), len(sentences), long_words, tuple(ranked))
