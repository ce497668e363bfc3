"""Name folding shared by the checks and the actor resolution."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from summarize import lang
from summarize.text import OUTLET

_LANG = lang.load()
TITLES = _LANG.titles
_LEADING = _LANG.leading_articles | TITLES
_SPLIT = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=1 << 16)
def _words(name: str) -> tuple[str, ...]:
    if name.isascii():
        plain = name.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return tuple(w for w in _SPLIT.split(plain) if w)


def words(name: str) -> list[str]:
    """Folded words: case, diacritics, hyphens and punctuation removed."""
    return list(_words(name))


@lru_cache(maxsize=None)
def vocabulary(code: str, attribute: str) -> frozenset[str]:
    """One word list of a language's data (``stopwords``, ``negations``, ``titles``) folded
    as :func:`words` folds text, so "dément" in the data finds "dément" in a claim; a code
    with no data file reads the default language's.  English words fold to themselves."""
    language = lang.load(code if code in lang.available() else lang.DEFAULT)
    return frozenset(w for entry in getattr(language, attribute) for w in _words(entry))


@lru_cache(maxsize=1 << 17)
def tokens(name: str, person: bool = False) -> tuple[str, ...]:
    """Folded words of a name without its title.

    A leading article ("the") goes from every name.  For a person, titles go too:
    everything up to the last title word ("US Secretary of State Antony Blinken" -> antony
    blinken, "President Lee" -> lee), as long as a name remains.  An organisation keeps
    its words ("State Department")."""
    found = list(_words(name))
    if person:
        last_title = max((i for i, w in enumerate(found[:-1]) if w in TITLES), default=-1)
        found = found[last_title + 1 :]
    leading = _LEADING if person else _LANG.leading_articles
    while len(found) > 1 and found[0] in leading:
        found.pop(0)
    return tuple(found)


def name_key(name: str, person: bool = False) -> str:
    return "".join(tokens(name, person))


SIMILAR_SPELLING = 80
"""Least rapidfuzz ratio (0-100) at which two words of a name are one spelling."""


def similar_word(a: str, b: str) -> bool:
    """Two folded words spelled alike: equal, or (both 6+ letters, same initial) close
    enough by rapidfuzz ("sybiga" ~ "sybiha", "keller" ~ "kellerr").  Any alphabet,
    no rule per language."""
    if a == b:
        return True
    if len(a) < 6 or len(b) < 6 or a[0] != b[0] or a.isdigit() or b.isdigit():
        return False
    return fuzz.ratio(a, b) >= SIMILAR_SPELLING


def similar_names(a: str, b: str, person: bool = True) -> bool:
    """Names of as many words, each pair spelled alike, and at most one word not equal."""
    wa, wb = tokens(a, person), tokens(b, person)
    return (
        len(wa) == len(wb)
        and sum(x != y for x, y in zip(wa, wb)) <= 1
        and all(similar_word(x, y) for x, y in zip(wa, wb))
    )


def incompatible(a: str, b: str) -> bool:
    """Two people's full names that cannot be one person: both of two or more words, and
    neither spelled like the other nor contained in it ("Kim Jong Un" vs "Kim Yong-hyun").
    A group that joins them is wrong whoever proposed it."""
    wa, wb = tokens(a, True), tokens(b, True)
    if len(wa) < 2 or len(wb) < 2:
        return False
    if similar_names(a, b):
        return False
    shorter, longer = sorted((wa, wb), key=len)
    return not all(any(similar_word(w, v) for v in longer) for w in shorter)


def is_outlet(name: str) -> bool:
    folded = name.strip().casefold()
    return folded == OUTLET or folded in _LANG.outlet_names
