"""Dated passages of an article, resolved to calendar dates where the text allows.

Recognised, in the article's text:

* full dates: "October 9, 2024", "9 October 2024";
* dates without a year: "Thursday, October 31", "November 1".  The year is the article's
  (the latest such date not after it); with no article date, a weekday fixes it: the
  earliest year, not before the latest year the text mentions, in which that day falls
  on that weekday ("this Friday, November 1" next to "since September 2023" -> 2024);
* months: "September 2023" (month precision), and "in September", "at the end of June"
  with an article date (the latest such month not after it);
* relative days with an article date: "yesterday", "today", "last week", "last month".

Each event carries the sentence it belongs to as evidence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from summarize import lang
from summarize.models import Article, Evidence, TimelineEvent

_MONTHS = list(lang.load().months)
_WEEKDAYS = list(lang.load().weekdays)
_M = "|".join(_MONTHS)
_W = "|".join(_WEEKDAYS)

_PATTERNS = [
    ("mdy", re.compile(rf"\b(?:(?P<wd>{_W}),?\s+)?(?P<month>{_M})\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})\b", re.I)),
    ("dmy", re.compile(rf"\b(?:(?P<wd>{_W}),?\s+)?(?P<day>\d{{1,2}})\s+(?P<month>{_M}),?\s+(?P<year>\d{{4}})\b", re.I)),
    ("md", re.compile(rf"\b(?:(?:this|last|next)\s+)?(?:(?P<wd>{_W}),?\s+)?(?P<month>{_M})\s+(?P<day>\d{{1,2}})\b(?!,?\s*\d{{4}})", re.I)),
    ("my", re.compile(rf"\b(?P<month>{_M})\s+(?P<year>\d{{4}})\b", re.I)),
    ("m", re.compile(rf"\b(?:in|at the (?:end|beginning|start) of|early|late|since)\s+(?P<month>{_M})\b(?!\s+\d)", re.I)),
    ("rel", re.compile(r"\b(?P<rel>yesterday|today|last week|last month)\b", re.I)),
]
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_LEADS = {
    "mdy": {*_WEEKDAYS, *_MONTHS},
    "dmy": set(_WEEKDAYS),  # or the day's digits
    "md": {"this", "last", "next", *_WEEKDAYS, *_MONTHS},
    "my": set(_MONTHS),
    "m": {"in", "at", "early", "late", "since"},
    "rel": {"yesterday", "today", "last"},
}
"""The words (case-folded) each pattern's match begins with: a whole word, as each pattern's
first word is followed by a space, a comma or a word boundary."""


@dataclass(frozen=True)
class _Calendar:
    """How one language writes dates: its month and weekday names, the patterns, the words
    each pattern begins with, and the words that put a sentence in the future."""

    months: list[str]
    weekdays: list[str]
    patterns: list[tuple[str, re.Pattern[str]]]
    leads: dict[str, set[str]]
    future: re.Pattern[str] | None


@lru_cache(maxsize=None)
def _calendar(code: str) -> _Calendar:
    """English as above; another language's full dates ("30 octobre 2024", "30. Oktober 2024",
    "30 de octubre de 2024") and months ("octubre de 2024") from its data file.  The words of
    English's partial and relative dates ("in", "last week") have no counterpart in the data
    files yet: other languages' dates without a year are not resolved."""
    language = lang.load(code)
    future = lang.word_pattern(language.future_markers) if language.future_markers else None
    if code == "en":
        return _Calendar(_MONTHS, _WEEKDAYS, _PATTERNS, _LEADS, future)
    months, weekdays = list(language.months), list(language.weekdays)
    m, w = lang.alternation(months), lang.alternation(weekdays)
    joiner = rf"(?:\s+(?:{lang.alternation(language.date_joiners)}))?" if language.date_joiners else ""
    patterns = [
        ("dmy", re.compile(rf"\b(?:(?P<wd>{w}),?\s+)?(?P<day>\d{{1,2}})(?:\.|er|º|°)?{joiner}\s+(?P<month>{m}){joiner},?\s+(?P<year>\d{{4}})\b", re.I)),
        ("my", re.compile(rf"\b(?P<month>{m}){joiner}\s+(?P<year>\d{{4}})\b", re.I)),
    ]
    return _Calendar(months, weekdays, patterns, {"dmy": set(weekdays), "my": set(months)}, future)
_WORD = re.compile(r"\w+")


def _matches(kind: str, pattern: re.Pattern[str], words: list[tuple[int, str]], text: str, leads_of: dict[str, set[str]] = _LEADS) -> list[re.Match[str]]:
    """``pattern.finditer(text)``, tried only at the words its matches begin with (every
    match begins a word: the patterns start at a word boundary with a word): trying the
    patterns at every word was most of this module's time."""
    leads, digits = leads_of[kind], kind == "dmy"
    found: list[re.Match[str]] = []
    end = 0
    for start, word in words:
        if start >= end and (word in leads or (digits and word[0].isdigit())):
            m = pattern.match(text, start)
            if m:
                found.append(m)
                end = m.end()
    return found


_BOUNDARY = re.compile(r"[.?!] |\n")
_SENTENCE_END = re.compile(r"[.!?](?:[”\"’])?(?=\s|$)|\n")


class _Sentences:
    """Sentence bounds around any span, in time linear in the text overall: where
    sentences may begin is found once, then looked up by bisection."""

    def __init__(self, text: str):
        self.text = text
        found = [(m.start(), m.end()) for m in _BOUNDARY.finditer(text)]
        self._starts = [s for s, _ in found]
        self._ends = [e for _, e in found]

    def around(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        i = bisect.bisect_right(self._ends, start) - 1
        s = self._starts[i] + 1 if i >= 0 else 0
        while s < len(text) and text[s] in " \n":
            s += 1
        m = _SENTENCE_END.search(text, end)
        e = m.end() if m else len(text)
        return s, e


_FUTURE = lang.word_pattern(lang.load().future_markers) if lang.load().future_markers else None


def _future(sentence: str, calendar: _Calendar | None = None) -> bool:
    """Whether a sentence speaks of what is to come ("a vote will be held in January")."""
    marker = calendar.future if calendar else _FUTURE
    return bool(marker and marker.search(sentence))


def _year_for(
    month: int, day: int, weekday: int | None, article_date: date | None, floor: int | None, future: bool = False
) -> tuple[int, str] | None:
    if article_date:
        if future:
            year = article_date.year if (month, day) >= (article_date.month, article_date.day) else article_date.year + 1
            return year, "next such day after the article date (the sentence speaks of the future)"
        year = article_date.year if (month, day) <= (article_date.month, article_date.day) else article_date.year - 1
        return year, "year of the article date"
    if weekday is not None and floor:
        for year in range(floor, floor + 12):
            try:
                if date(year, month, day).weekday() == weekday:
                    return year, f"the first year from {floor} (latest year the text mentions) where it is a {_WEEKDAYS[weekday].title()}"
            except ValueError:
                return None
    return None


def events(article: Article) -> list[TimelineEvent]:
    text = article.text
    years = [int(y) for y in _YEAR.findall(text)]
    floor = max(years) if years else None
    taken = _Spans()
    sentences = _Sentences(text)
    found: list[TimelineEvent] = []
    words = [(w.start(), lang.fold(w.group(0))) for w in _WORD.finditer(text)]
    calendar = _calendar(article.language if article.language in lang.available() else lang.DEFAULT)
    for kind, pattern in calendar.patterns:
        for m in _matches(kind, pattern, words, text, calendar.leads):
            if taken.overlaps(m.start(), m.end()):
                continue
            s, e = sentences.around(m.start(), m.end())
            resolved = _resolve(kind, m, article.date, floor, _future(text[s:e], calendar), calendar)
            if resolved is None:
                continue
            when, precision, how = resolved
            taken.add(m.start(), m.end())
            quote = text[s:e].strip()
            found.append(
                TimelineEvent(
                    date=when,
                    precision=precision,
                    expression=m.group(0),
                    resolved_by=how,
                    text=quote if len(quote) <= 240 else quote[:237] + "…",
                    evidence=Evidence(article_id=article.id, quote=quote, start=s, end=s + len(quote), alignment="exact", score=100.0),
                )
            )
    if article.date:
        s, e = sentences.around(0, 1)
        quote = text[s:e].strip()
        found.append(
            TimelineEvent(
                date=article.date,
                precision="day",
                expression="article date",
                resolved_by="the article's dateline or metadata",
                text=f"Article published: {article.title}",
                evidence=Evidence(article_id=article.id, quote=quote, start=s, end=s + len(quote), alignment="exact", score=100.0),
            )
        )
    return sorted(found, key=lambda ev: (ev.date, ev.evidence.start))


class _Spans:
    """Disjoint spans of the text, kept sorted: an overlap test looks at two neighbours."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, start)
        before = i > 0 and self._ends[i - 1] > start
        after = i < len(self._starts) and self._starts[i] < end
        return before or after

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def _resolve(kind: str, m: re.Match, article_date: date | None, floor: int | None, future: bool = False, calendar: _Calendar | None = None):
    g = m.groupdict()
    months = calendar.months if calendar else _MONTHS
    month = months.index(lang.fold(g["month"])) + 1 if g.get("month") else None
    try:
        if kind in ("mdy", "dmy"):
            return date(int(g["year"]), month, int(g["day"])), "day", "stated in full"
        if kind == "md":
            weekday = _WEEKDAYS.index(lang.fold(g["wd"])) if g.get("wd") else None
            found = _year_for(month, int(g["day"]), weekday, article_date, floor, future)
            if found is None:
                return None
            return date(found[0], month, int(g["day"])), "day", found[1]
        if kind == "my":
            return date(int(g["year"]), month, 1), "month", "month and year stated"
        if kind == "m" and article_date:
            if future:
                year = article_date.year if month >= article_date.month else article_date.year + 1
                return date(year, month, 1), "month", "next such month from the article date (the sentence speaks of the future)"
            year = article_date.year if month <= article_date.month else article_date.year - 1
            return date(year, month, 1), "month", "latest such month up to the article date"
        if kind == "rel" and article_date:
            rel = lang.fold(g["rel"])
            delta = {"yesterday": 1, "today": 0, "last week": 7, "last month": 30}[rel]
            precision = "day" if rel in ("yesterday", "today") else "month" if rel == "last month" else "day"
            when = article_date - timedelta(days=delta)
            if rel == "last month":
                when = when.replace(day=1)
            return when, precision, f"'{rel}' counted back from the article date {article_date}"
    except ValueError:
        return None
    return None
