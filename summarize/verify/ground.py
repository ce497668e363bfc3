"""Locate evidence quotes in the article text.

Three outcomes, tried in order:

* **exact** — the quote occurs verbatim;
* **fuzzy** — it occurs once differences a model introduces without changing the words are
  folded (runs of white space, typographic versus straight quotes and apostrophes, dash
  variants, the ellipsis character, quotation marks around the whole quote, composed versus
  decomposed accents (NFC/NFD), zero-width characters and soft hyphens): score 100;
  or, for quotes of at least ``FUZZY_MIN_CHARS`` characters, rapidfuzz's best partial
  alignment scores at least ``FUZZY_THRESHOLD`` (0-100, an edit-distance similarity),
  which tolerates a typo fixed or a word changed but not a paraphrase, and never a
  changed number: the digits of quote and match must be the same.  Quotes longer than
  ``MAX_FUZZY_CHARS`` are only matched exactly or folded.  Either way, a fuzzy match must
  carry the same meaning words as its span (:mod:`summarize.verify.meaning`: no negation,
  number, name or content word changed, added or dropped), else it is refused and
  :func:`refusal` says why;
* **unaligned** — neither.

Offsets always point into the original text as Python string indices, so they count
characters (code points), not bytes: correct for accents, typographic quotes and CJK.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from summarize.models import Alignment, Evidence
from summarize.verify import meaning

FUZZY_THRESHOLD = 90.0
FUZZY_MIN_CHARS = 20
MAX_FUZZY_CHARS = 5000
"""No evidence quote is this long; a longer one is located exactly or not at all."""
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_DIGITS = re.compile(r"\d+")
_MAX_EDGE_PAIRS = 400
"""Above this many candidate (start, end) pairs, :func:`_refine` picks each edge on its own."""
_EDGE_CHARS = 48

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
    score: float


def _fold(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each of its characters, the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        parts = unicodedata.normalize("NFD", ch) if ch > "\x7f" else ch
        if len(parts) > 1:  # a composed accent folds to its base letter and combining mark
            out.extend(parts)
            origin.extend([i] * len(parts))
            previous_space = False
            continue
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


@lru_cache(maxsize=4096)
def locate(quote: str, text: str) -> Span | None:
    """Where ``quote`` sits in ``text`` (memoised: the checks and the grounding both ask);
    a fuzzy match that changes a meaning word is refused."""
    span = _candidate(quote, text)
    if span is None or span.alignment == "exact" or meaning.difference(quote, text[span.start : span.end]) is None:
        return span
    return None


def refusal(quote: str, text: str) -> str | None:
    """Why a quote that aligns fuzzily was refused (the meaning word that differs), or None."""
    span = _candidate(quote, text)
    if span is None or span.alignment == "exact":
        return None
    return meaning.difference(quote, text[span.start : span.end])


@lru_cache(maxsize=4096)
def _candidate(quote: str, text: str) -> Span | None:
    """Where ``quote`` sits in ``text`` by its characters alone."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return Span(at, at + len(quote), "exact", 100.0)
    folded_text, origin = _fold(text)
    folded_quote = _fold(quote)[0].strip(_WRAPPERS)
    if len(folded_quote) < 3:
        return None
    at = folded_text.find(folded_quote)
    if at >= 0:
        return Span(origin[at], origin[at + len(folded_quote) - 1] + 1, "fuzzy", 100.0)
    if not FUZZY_MIN_CHARS <= len(folded_quote) <= MAX_FUZZY_CHARS:
        return None
    best = fuzz.partial_ratio_alignment(folded_quote, folded_text, score_cutoff=FUZZY_THRESHOLD)
    if best is None:
        return None
    start, end, score = _refine(folded_quote, folded_text, best.dest_start, best.dest_end)
    if score < FUZZY_THRESHOLD or _DIGITS.findall(folded_quote) != _DIGITS.findall(folded_text[start:end]):
        return None  # too loose once the span is set, or it changes a number: another statement
    return Span(origin[start], origin[end - 1] + 1, "fuzzy", round(score, 1))


def _refine(quote: str, text: str, start: int, end: int) -> tuple[int, int, float]:
    """The word-bounded span near ``text[start:end]`` most similar to the whole quote.

    A partial alignment is as long as the quote, so a word added or dropped in the text
    shifts it; trying the word boundaries around its edges recovers the real span.  When
    there are few candidate edges every pair is scored; otherwise each edge is chosen on its
    own, by how well the quote's first and last words match there, so the work grows with
    the quote's length rather than with its square."""
    margin = max(8, len(quote) // 8)
    lo, hi = max(0, start - margin), min(len(text), end + margin)
    starts = [i for i in range(lo, min(start + margin, hi)) if not text[i].isspace() and (i == 0 or text[i - 1].isspace())]
    ends = [i for i in range(max(end - margin, lo + 1), hi + 1) if not text[i - 1].isspace() and (i == len(text) or text[i].isspace())]
    # The alignment's own edges only when no word edge is near: the span is shown as the quote.
    best = (start, end, fuzz.ratio(quote, text[start:end]) if not (starts and ends) else -1.0)
    if len(starts) * len(ends) > _MAX_EDGE_PAIRS:
        head, tail = quote[:_EDGE_CHARS], quote[-_EDGE_CHARS:]
        s = max(starts, key=lambda i: fuzz.ratio(head, text[i : i + len(head)]))
        e = max(ends, key=lambda i: fuzz.ratio(tail, text[max(0, i - len(tail)) : i]))
        starts, ends = [s], [e]
    for s in starts or [start]:
        for e in ends or [end]:
            if e > s:
                score = fuzz.ratio(quote, text[s:e])
                if score > best[2]:
                    best = (s, e, score)
    return best


def evidence(quote: str, text: str, article_id: str, offset: int = 0) -> Evidence:
    """Evidence for ``quote`` in ``text``; ``offset`` is where ``text`` starts in the whole article."""
    span = locate(quote, text)
    if span is None:
        return Evidence(article_id=article_id, quote=quote)
    return Evidence(
        article_id=article_id,
        quote=text[span.start : span.end],  # the article's own words, whatever the model's spelling
        start=span.start + offset,
        end=span.end + offset,
        alignment=span.alignment,
        score=span.score,
    )
