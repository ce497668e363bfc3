"""Find the numbers a text states, deterministically.

Recognised: digits with thousands separators and decimals ("8,000", "1.2", and "8.000",
"1,5" where the language writes a decimal comma), a scale word after them ("1.2 million",
"30 bn") or a scale suffix on them ("$900m", "5k", "€2bn", "1tn"), spelled-out numbers
("twenty-four", "zero", "a million"), fractions of a scale ("a third of a million"), a
scale and a fraction ("a million and a half"), and "half".  A currency symbol or code
before the number or a currency word or code after it ("$900m", "€30m", "USD 5 million",
"300 roubles") makes it money; "%" or "per cent" makes it a percentage.

Not counted as figures: calendar years (a bare 1800-2100), decades ("1950s"), the day of a
date ("October 31", "9 October"), clock times ("4:50"), digits inside a name ("G7"),
ordinals, and the word "one", which is far more often a pronoun or article than a count.

The words (number words, scales, months, currencies) come from the language's data file
(:mod:`summarize.lang`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from summarize import lang
from summarize.lang import alternation as _word

_FIRST_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    value: float
    currency: str | None = None
    """ISO code when the text states money ("$900m" -> USD)."""
    percent: bool = False


@dataclass(frozen=True)
class _Grammar:
    pattern: re.Pattern[str]
    date_before: re.Pattern[str]
    date_after: re.Pattern[str]
    units: dict[str, float]
    ones: dict[str, float]
    tens: dict[str, float]
    scales: dict[str, float]
    suffixes: dict[str, float]
    fractions: dict[str, float]
    count_words: dict[str, float]
    currency: dict[str, str]
    half: str
    leads: frozenset[str]
    """Words (case-folded) a number can begin with, when they are a whole word."""
    glued: tuple[str, ...]
    """Letters a number can begin with that digits may follow at once (a currency: "R500")."""
    marks: frozenset[str]
    """Signs a number can begin with ("$", "€")."""


@lru_cache(maxsize=None)
def _grammar(code: str, decimal_comma: bool) -> _Grammar:
    language = lang.load(code)
    n = language.numbers
    units = {k: float(v) for k, v in n["units"].items()}
    ones = {n["one"]: 1.0, **{k: v for k, v in units.items() if 2 <= v <= 9}}
    tens = {k: float(v) for k, v in n["tens"].items()}
    scales = {k: float(v) for k, v in n["scales"].items()}
    suffixes = {k: float(v) for k, v in n["suffixes"].items()}
    fractions = {k: float(v) for k, v in n["fractions"].items()}
    count_words = {**{a: 1.0 for a in n["articles"]}, n["one"]: 1.0, **units}
    currency = {**language.currency_symbols, **{c: c for c in language.currency_codes}, **language.currency_words}
    symbols = _word(language.currency_symbols)
    codes = _word(language.currency_codes)
    words_after = _word([*language.currency_codes, *language.currency_words])
    articles, conj, of = _word(n["articles"]), re.escape(n["and"]), re.escape(n["of"])
    spelled = rf"(?:(?:{_word(tens)})(?:[- ](?:{_word(ones)}))?|{_word(units)})"
    count = rf"(?:{_word(count_words)}|{spelled})"
    scale = rf"(?:{_word(scales)})"
    # The language's own thousands signs ("18 000" in French), less the one that is the decimal sign.
    grouping = [s for s in language.thousands if s != ("," if decimal_comma else ".")] or ([".", " "] if decimal_comma else [","])
    thousands, decimal = f"(?:{_word(grouping)})", ("," if decimal_comma else r"\.")
    digits = rf"\d{{1,3}}(?:{thousands}\d{{3}})+(?:{decimal}\d+)?|\d+(?:{decimal}\d+)?"
    months = _word(language.months)
    pattern = re.compile(
        rf"""(?<![\w.,])(?:
            (?P<fcount>{count})\s+(?P<frac>{_word(fractions)})s?\s+{of}\s+(?:{articles})\s+(?P<fscale>{scale})
          | (?P<acount>{count}|{digits})\s+(?P<ascale>{scale})\s+{conj}\s+(?:{articles})\s+(?P<afrac>{_word(fractions)})
          | (?:(?P<cur_before>{symbols})\s?|(?P<code_before>{codes})\s)?
            (?P<digits>{digits})(?:(?P<suffix>{_word(suffixes)})(?!\w)|\s*(?P<dscale>{scale})\b)?
          | (?P<spelled>{spelled})(?:\s+(?P<sscale>{scale}))?
          | (?P<ascaled>{articles})\s+(?P<ascale2>{scale})
          | (?P<half>{re.escape(n["half"])})
        )(?:(?P<pct>\s?%|\s(?:{_word(n["percent"])})(?!\w))|\s(?P<cur_after>{words_after})(?!\w))?(?![\w])""",
        re.I | re.X,
    )
    words = [*count_words, *tens, *units, *n["articles"], n["half"], *language.currency_codes]
    leading = [lang.fold(re.match(r"\w*", w).group(0)) for w in words]  # type: ignore[union-attr]
    signs = [lang.fold(re.match(r"\w*", w).group(0)) or w[0] for w in language.currency_symbols]  # type: ignore[union-attr]
    return _Grammar(
        pattern=pattern,
        date_before=re.compile(rf"(?:{months})\s*$", re.I),
        date_after=re.compile(rf"^(?:st|nd|rd|th)?\s+(?:{of}\s+)?(?:{months})\b", re.I),
        units=units,
        ones=ones,
        tens=tens,
        scales=scales,
        suffixes=suffixes,
        fractions=fractions,
        count_words=count_words,
        currency={lang.fold(k): v for k, v in currency.items()},
        half=n["half"],
        leads=frozenset(w for w in leading if w),
        glued=tuple(sorted({w for w in signs if w[0].isalnum()})),
        marks=frozenset(w for w in signs if not w[0].isalnum()),
    )


_TOKEN = re.compile(r"\w+|[^\w\s]")


def _matches(g: _Grammar, text: str) -> Iterator[re.Match[str]]:
    """The pattern's matches in ``text``, as ``finditer`` finds them, but tried only where
    a number can begin (a digit, a number word, an article, a currency): trying the whole
    pattern at every word was most of the scan's time.  A match never starts inside a
    word (the pattern's look-behind), so every start is the start of a token."""
    end = 0
    for token in _TOKEN.finditer(text):
        start = token.start()
        if start < end:
            continue
        word = token.group(0)
        if not (word[0].isdigit() or word in g.marks):
            folded = lang.fold(word)
            if folded not in g.leads and not folded.startswith(g.glued):
                continue
        found = g.pattern.match(text, start)
        if found:
            end = found.end()
            yield found


def _count(g: _Grammar, word: str, decimal_comma: bool) -> float:
    word = lang.fold(word)
    if word in g.count_words:
        return g.count_words[word]
    parts = re.split(r"[- ]", word)
    if parts[0] in g.tens:
        return g.tens[parts[0]] + (g.ones[parts[1]] if len(parts) > 1 else 0)
    word = re.sub(r"[\s\u00a0\u202f]", "", word)  # "18 000": a space groups thousands in some languages
    if decimal_comma:
        return float(word.replace(".", "").replace(",", "."))
    return float(word.replace(",", ""))


def _value(g: _Grammar, m: re.Match, decimal_comma: bool) -> float:
    d = {k: (lang.fold(v) if v else v) for k, v in m.groupdict().items()}
    count = lambda w: _count(g, w, decimal_comma)  # noqa: E731
    if d["fcount"]:
        return count(d["fcount"]) * g.fractions[d["frac"]] * g.scales[d["fscale"]]
    if d["acount"]:
        return (count(d["acount"]) + g.fractions[d["afrac"]]) * g.scales[d["ascale"]]
    if d["digits"]:
        scale = g.suffixes[d["suffix"]] if d["suffix"] else g.scales[d["dscale"]] if d["dscale"] else 1
        return count(d["digits"]) * scale
    if d["spelled"]:
        return count(d["spelled"]) * (g.scales[d["sscale"]] if d["sscale"] else 1)
    if d["ascaled"]:
        return g.scales[d["ascale2"]]
    return 0.5


def _is_date_or_time(g: _Grammar, text: str, m: re.Match) -> bool:
    if not m.group("digits") or m.group("dscale") or m.group("suffix") or m.group("cur_before") or m.group("code_before"):
        return False
    raw = m.group("digits")
    start = m.start("digits")
    after = text[m.end("digits") : m.end("digits") + 12]
    if after.startswith(("s", ":")) or text[max(0, start - 1) : start] == ":":
        return True  # 1950s, 4:50
    if re.fullmatch(r"\d{4}", raw) and 1800 <= int(raw) <= 2100:
        return True  # a year
    return bool(g.date_before.search(text[max(0, start - 12) : start]) or g.date_after.match(after))


def scan(text: str, language: str = lang.DEFAULT, decimal_comma: bool | None = None) -> list[Mention]:
    """The numbers ``text`` states; ``decimal_comma`` defaults to the language's custom."""
    comma = lang.load(language).decimal_comma if decimal_comma is None else decimal_comma
    g = _grammar(language, comma)
    found = []
    for m in _matches(g, text):
        if _is_date_or_time(g, text, m):
            continue
        cur = m.group("cur_before") or m.group("code_before") or m.group("cur_after")
        found.append(
            Mention(
                m.start(),
                m.end(),
                m.group(0),
                _value(g, m, comma),
                currency=g.currency.get(lang.fold(cur)) if cur else None,
                percent=bool(m.group("pct")),
            )
        )
    return found


def unit_kind(unit: str, language: str = lang.DEFAULT) -> str:
    """'percent', a currency code (money), or the unit itself folded (a count of things)."""
    g = _grammar(language, lang.load(language).decimal_comma)
    folded = " ".join(unit.casefold().split())
    if folded in {"%", "percent", "per cent", "percentage", "percentage points", "pct"}:
        return "percent"
    if folded in g.currency:
        return g.currency[folded]
    last = folded.split(" ")[-1] if folded else folded
    return g.currency.get(last, folded)


def is_money(kind: str, language: str = lang.DEFAULT) -> bool:
    return kind in lang.load(language).currency_codes


@lru_cache(maxsize=4096)
def supports(value: float, unit: str, quote: str, language: str = lang.DEFAULT) -> bool:
    """Whether ``quote`` states ``value`` (memoised: the checks of an answer and its grounding
    both ask; 1% tolerance; a fraction may be given as a percent).  A percentage never
    supports money, nor money a percentage; a quote written with the other decimal
    convention ("8.000" for eight thousand) is read both ways."""
    kind = unit_kind(unit, language)
    percent, money = kind == "percent", is_money(kind, language)
    for comma in dict.fromkeys((lang.load(language).decimal_comma, not lang.load(language).decimal_comma)):
        for mention in scan(quote, language, comma):
            if (percent and mention.currency) or (money and mention.percent):
                continue
            for candidate in (mention.value, mention.value * 100 if percent else None):
                if candidate is not None and abs(candidate - value) <= max(abs(value) * 0.01, 1e-9):
                    return True
    # The scan leaves out "one" (mostly a pronoun) and "a" (an article), but a figure of 1
    # whose own quote says "one" ("a one-year suspension") or "a"/"an" before its unit
    # ("a decade" for 1 decade) is stated by it.
    if value != 1:
        return False
    n = lang.load(language).numbers
    if re.search(rf"(?<!\w){re.escape(n['one'])}(?!\w)", quote, re.I):
        return True
    stem = unit.strip().casefold()
    stem = stem[:-1] if stem.endswith("s") and not stem.endswith("ss") else stem
    return bool(stem) and re.search(rf"(?<!\w)(?:{_word(n['articles'])})\s+{re.escape(stem)}", quote, re.I) is not None
