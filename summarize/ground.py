"""Locate evidence quotes in the article text.

A quote is *exact* when it occurs verbatim.  Otherwise both sides are compared after
folding the differences a model introduces without changing the words: runs of white
space, typographic versus straight quotes and apostrophes, dash variants, the ellipsis
character, and quotation marks wrapped around the whole quote.  A match found that way is
*fuzzy*; offsets always point into the original text (Python string indices, so they
count characters, not bytes).  Anything else is *unaligned*.
"""

from __future__ import annotations

from typing import NamedTuple

from .models import Alignment, Evidence, ExtractionDraft

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)  # fmt: skip
_WRAPPERS = "\"' "


class Span(NamedTuple):
    start: int
    end: int
    alignment: Alignment


def _fold(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each of its characters, the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch == "\u2026":
            out.extend("...")
            origin.extend((i, i, i))
            previous_space = False
            continue
        ch = ch.translate(_FOLD)
        if ch.isspace():
            if previous_space:
                continue
            ch, previous_space = " ", True
        else:
            previous_space = False
        out.append(ch)
        origin.append(i)
    return "".join(out), origin


def locate(quote: str, text: str) -> Span | None:
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return Span(at, at + len(quote), "exact")
    folded_text, origin = _fold(text)
    folded_quote = _fold(quote)[0].strip(_WRAPPERS)
    if len(folded_quote) < 3:
        return None
    at = folded_text.find(folded_quote)
    if at < 0:
        return None
    return Span(origin[at], origin[at + len(folded_quote) - 1] + 1, "fuzzy")


def evidence(quote: str, text: str, article_id: str) -> Evidence:
    span = locate(quote, text)
    if span is None:
        return Evidence(article_id=article_id, quote=quote)
    return Evidence(article_id=article_id, quote=quote, start=span.start, end=span.end, alignment=span.alignment)


def _label(kind: str, item: object) -> str:
    name = {
        "actors": lambda a: a.name,
        "claims": lambda c: c.text,
        "figures": lambda f: f"{f.value:g} {f.unit}",
        "stances": lambda s: f"{s.holder} -> {s.target}",
    }[kind](item)
    return name if len(name) <= 60 else name[:57] + "..."


def unaligned(draft: ExtractionDraft, text: str) -> list[str]:
    """One short line per item whose quote is not in ``text``, naming the item."""
    problems: list[str] = []
    for kind in ("actors", "claims", "figures", "stances"):
        for index, item in enumerate(getattr(draft, kind)):
            if locate(item.quote, text) is None:
                problems.append(f"{kind}[{index}] ({_label(kind, item)}): quote not found in the article: {item.quote[:80]!r}")
    return problems
