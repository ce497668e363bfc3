"""Whether a sentence written over brief items says only what those items say.

A summary or headline sentence cites the ids of the items it rests on; its numbers and
names must be stated by those items (their texts, quotes, names and values).  A name is a
word written with a capital anywhere but at the start of a sentence, whatever the
language; a number is whatever :func:`summarize.verify.numbers.scan` reads.  The check
cannot tell a paraphrase from a new claim; it catches the sentence that brings a figure,
a person, a place or a day the cited items never mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from summarize import lang
from summarize.verify import numbers

_WORD = re.compile(r"\w+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“'‘(]\s*)$")


def texts_of(value: object) -> Iterable[str]:
    """Every text and number inside an item's dump, numbers written out."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        yield str(int(value)) if float(value).is_integer() else str(value)
    elif isinstance(value, dict):
        for inner in value.values():
            yield from texts_of(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from texts_of(inner)


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _days_named(pool: str, language: lang.Language) -> str:
    """The month and weekday names of the ISO dates in ``pool`` (an item dated 2024-10-29
    supports "October" and "Tuesday"), in the language's words."""
    from datetime import date

    named = []
    for y, m, d in _ISO_DAY.findall(pool):
        try:
            day = date(int(y), int(m), int(d))
        except ValueError:
            continue
        named += [language.months[day.month - 1], language.weekdays[day.weekday()]]
    return " ".join(named)


def unsupported(sentence: str, sources: Iterable[str]) -> list[str]:
    """The numbers and names in ``sentence`` that none of ``sources`` states, in order."""
    pool = "\n".join(sources)
    pool += "\n" + _days_named(pool, lang.load())
    stated = {round(m.value, 6) for m in numbers.scan(pool)}
    missing = [m.text for m in numbers.scan(sentence) if round(m.value, 6) not in stated]
    known = {lang.fold(w) for w in _WORD.findall(pool)}
    stop = lang.load().stopwords
    for match in _WORD.finditer(sentence):
        word = match.group(0)
        if not word[0].isupper() or word.isdigit() or _SENTENCE_START.search(sentence[: match.start()]):
            continue
        if lang.fold(word) not in known and lang.fold(word) not in stop and word not in missing:
            missing.append(word)
    return missing
