"""Language resources: one data file per language (``<code>.json`` beside this module).

A file holds only what a language needs to read news text in general: stopwords and
negation words, honorifics and titles, number words and scales, month and weekday names, the words
for "percent" and for currencies, how a plural word is written in the singular ("decades"
→ "decade": suffix rules, irregular and unchanged words), words that mark the future tense, whether the language writes a decimal comma (and which
signs group thousands), the keys of an article's header lines ("Titre:", "Datum:") and the
words that open a byline ("By", "Par", "Von", "Por").  No
topic vocabulary: the code must hold on any story.  Words are always matched on word
boundaries (:func:`word_pattern`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT = "en"
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Language:
    code: str
    decimal_comma: bool
    stopwords: frozenset[str]
    negations: frozenset[str]
    leading_articles: frozenset[str]
    titles: frozenset[str]
    outlet_names: frozenset[str]
    numbers: dict
    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    currency_symbols: dict[str, str]
    currency_codes: frozenset[str]
    currency_words: dict[str, str]
    future_markers: frozenset[str]
    """Words that put a sentence in the future ("will", "next"): a month named without a
    year in it is the next such month after the article date, not the last one before."""
    header_keys: dict[str, str]
    """A header line's key (folded, e.g. "titre") → the metadata field it fills ("title")."""
    bylines: tuple[str, ...]
    """Words that open a byline line ("by", "par"): what follows is the author."""
    date_joiners: tuple[str, ...]
    """Words between day, month and year in a written date ("30 de octubre de 2024")."""
    thousands: tuple[str, ...]
    """Signs that group the thousands of a number ("18 000", "18.000")."""
    unit_classes: dict[str, dict[str, float]]
    """What a figure's unit word counts (a class: "people", "duration", "calendar", "length",
    "mass") → the word's size in the class's base unit ("weeks" → 604800 seconds).  Words of
    one class are one kind of quantity; only exact conversions are listed (a month is no
    whole number of days, so months and years are a class of their own)."""
    plurals: dict
    """How a plural word is written in the singular: ``irregular`` (plural → singular),
    ``unchanged`` words, ``suffixes`` ([plural ending, singular ending], first match wins)
    and ``keep_endings`` (words ending so are singular already)."""


@lru_cache(maxsize=None)
def load(code: str = DEFAULT) -> Language:
    """The resources of one language; raises ``FileNotFoundError`` for a language with no file."""
    data = json.loads((_HERE / f"{code}.json").read_text(encoding="utf-8"))
    currency = data["currency"]
    return Language(
        code=data["code"],
        decimal_comma=bool(data["decimal_comma"]),
        stopwords=frozenset(data["stopwords"]),
        negations=frozenset(data["negations"]),
        leading_articles=frozenset(data["leading_articles"]),
        titles=frozenset(data["titles"]),
        outlet_names=frozenset(data["outlet_names"]),
        numbers=data["numbers"],
        months=tuple(data["months"]),
        weekdays=tuple(data["weekdays"]),
        currency_symbols=dict(currency["symbols"]),
        currency_codes=frozenset(currency["codes"]),
        currency_words=dict(currency["words"]),
        future_markers=frozenset(data.get("future_markers", [])),
        header_keys={fold(key): name for name, keys in data.get("header_keys", {}).items() for key in keys},
        bylines=tuple(data.get("bylines", [])),
        date_joiners=tuple(data.get("date_joiners", [])),
        thousands=tuple(data.get("thousands", [".", " "] if data["decimal_comma"] else [","])),
        unit_classes={name: {fold(w): float(size) for w, size in words.items()} for name, words in data.get("unit_classes", {}).items()},
        plurals=data.get("plurals", {}),
    )


def available() -> tuple[str, ...]:
    """The codes of every language with a data file, the default first."""
    codes = sorted(p.stem for p in _HERE.glob("*.json"))
    return (DEFAULT, *(c for c in codes if c != DEFAULT))


@lru_cache(maxsize=None)
def header_keys() -> dict[str, str]:
    """Every language's header keys (folded) → metadata field: a header names its fields in
    the article's language, which is not known before the header is read."""
    found: dict[str, str] = {}
    for code in available():
        for key, name in load(code).header_keys.items():
            found.setdefault(key, name)
    return found


@lru_cache(maxsize=None)
def bylines() -> tuple[str, ...]:
    """Every language's byline words, longest first."""
    return tuple(sorted({w for code in available() for w in load(code).bylines}, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def every(attribute: str) -> frozenset[str]:
    """One word set (``stopwords``, ``negations``) of every language together: rules that
    compare articles hold whatever language each is in."""
    return frozenset().union(*(getattr(load(code), attribute) for code in available()))


@lru_cache(maxsize=None)
def unit_words() -> dict[str, tuple[str, float]]:
    """Every language's unit words (folded) → (class, size in the class's base unit): a
    figure's unit is written in its article's language."""
    found: dict[str, tuple[str, float]] = {}
    for code in available():
        for name, words in load(code).unit_classes.items():
            for word, size in words.items():
                found.setdefault(word, (name, size))
    return found


_DOTTED_I = str.maketrans({"\u0130": "i", "\u0131": "i"})


def fold(text: str) -> str:
    """``text`` case-folded the way a case-insensitive pattern compares letters: to Python's
    ``re.I``, the dotless "ı" and the dotted "İ" are "i" too (and "ſ" is "s", as casefold has it),
    so a word a pattern matched is found under its folded form in the language's data."""
    if text.isascii():
        return text.lower()
    return text.translate(_DOTTED_I).casefold()


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so "per cent" wins over "per")."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def word_pattern(words: Iterable[str], flags: int = re.I) -> re.Pattern[str]:
    """Matches any of ``words`` as a whole word: never inside a longer word."""
    return re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)", flags)
