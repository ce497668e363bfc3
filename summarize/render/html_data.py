"""What the HTML page carries as data for its script: the articles, their texts and every
grounded item's evidence.  The script draws an article, its quotes marked, when the reader
asks for it (``templates/brief.js``), so a week of thousands of articles is not thousands of
pre-drawn texts.

Offsets are given in UTF-16 code units, as JavaScript counts: a character outside the Basic
Multilingual Plane (an emoji) is one character in Python and two in a browser.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from summarize.models import Brief, Evidence

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def located(start: int | None, end: int | None, text: str) -> bool:
    """Offsets that point at a non-empty stretch of ``text``."""
    return start is not None and end is not None and 0 <= start < end <= len(text)


@dataclass(frozen=True)
class Item:
    """One grounded item the page can point at in its article."""

    id: str
    evidence: Evidence
    verified: bool
    located: bool

    @property
    def style(self) -> str:
        return self.evidence.alignment if self.verified else "unverified"


def items(brief: Brief, texts: Mapping[str, str]) -> list[Item]:
    """Every item that carries evidence, brief items first, then the unverified ones
    (numbered U1, U2...).  ``texts``: the texts of the brief's articles only."""

    def item(item_id: str, ev: Evidence, verified: bool) -> Item:
        text = texts.get(ev.article_id)
        return Item(item_id, ev, verified, ev.aligned and text is not None and located(ev.start, ev.end, text))

    out = [item(x.id, x.evidence, True) for x in [*brief.claims, *brief.figures, *brief.stances]]
    out += [item(f"U{i}", u.evidence, False) for i, u in enumerate(brief.unverified, 1)]
    return out


def utf16(text: str) -> Callable[[int], int]:
    """Maps a Python offset into ``text`` to the offset a browser counts."""
    astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
    if not astral:
        return lambda i: i
    return lambda i: i + bisect_left(astral, i)


def evidence_data(brief: Brief, texts: Mapping[str, str], grounded: list[Item], article_index: Mapping[str, int]) -> dict:
    """``articles``: ``[id, label, title, outlet, date, path]`` each; ``texts``: each article's
    text or null; ``items``: ``[article, start, end, alignment, verified, score, quote]`` by id.

    ``article`` is the article's index, or its id when the brief does not list it; start and
    end are null when the quote is not located; the quote is null when it is exactly the
    text between them (the script slices it): most quotes are, so the page carries each
    once, in its article's text."""
    articles = [
        [r.id, f"#{i}", r.title, r.outlet, str(r.date) if r.date else None, r.path] for i, r in enumerate(brief.articles, 1)
    ]
    offsets: dict[str, Callable[[int], int]] = {}
    out: dict[str, list] = {}
    for i in grounded:
        ev = i.evidence
        start = end = None
        quote: str | None = ev.quote
        if i.located:
            text = texts[ev.article_id]
            js = offsets.get(ev.article_id) or offsets.setdefault(ev.article_id, utf16(text))
            start, end = js(ev.start), js(ev.end)
            if text[ev.start : ev.end] == ev.quote:
                quote = None
        score = f"{ev.score:.0f}" if ev.score is not None else None
        out[i.id] = [article_index.get(ev.article_id, ev.article_id), start, end, ev.alignment, i.verified, score, quote]
    return {"articles": articles, "texts": [texts.get(r.id) for r in brief.articles], "items": out}
