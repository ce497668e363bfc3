"""Find the numbers a text states, deterministically.

Recognised: digits with thousands separators and decimals ("8,000", "1.2"), a scale word
after them ("1.2 million", "30 bn"), spelled-out numbers ("twenty-four", "zero", "a
million"), fractions of a scale ("a third of a million"), a scale and a fraction ("a
million and a half"), and "half".

Not counted as figures: calendar years (a bare 1800-2100), decades ("1950s"), the day of a
date ("October 31", "9 October"), clock times ("4:50"), digits inside a name ("G7"),
ordinals, and the word "one", which is far more often a pronoun or article than a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_ONES = {"one": 1, **{k: v for k, v in _UNITS.items() if 2 <= v <= 9}}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}
_FRACTIONS = {"half": 1 / 2, "third": 1 / 3, "quarter": 1 / 4, "fifth": 1 / 5, "tenth": 1 / 10}
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, **_UNITS}
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"

_word = lambda words: "|".join(sorted(words, key=len, reverse=True))  # noqa: E731
_SPELLED = rf"(?:(?:{_word(_TENS)})(?:[- ](?:{_word(_ONES)}))?|{_word(_UNITS)})"
_COUNT = rf"(?:{_word(_COUNT_WORDS)}|{_SPELLED})"
_SCALE = rf"(?:{_word(_SCALES)})"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

_PATTERN = re.compile(
    rf"""(?<![\w.,])(?:
        (?P<fcount>{_COUNT})\s+(?P<frac>{_word(_FRACTIONS)})s?\s+of\s+an?\s+(?P<fscale>{_SCALE})
      | (?P<acount>{_COUNT}|{_DIGITS})\s+(?P<ascale>{_SCALE})\s+and\s+an?\s+(?P<afrac>{_word(_FRACTIONS)})
      | (?P<digits>{_DIGITS})(?:\s*(?P<dscale>{_SCALE})\b)?
      | (?P<spelled>{_SPELLED})(?:\s+(?P<sscale>{_SCALE}))?
      | (?P<ascaled>an?)\s+(?P<ascale2>{_SCALE})
      | (?P<half>half)
    )(?![\w])""",
    re.I | re.X,
)
_DATE_BEFORE = re.compile(rf"(?:{_MONTHS})\s*$", re.I)
_DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.I)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    value: float


def _count(word: str) -> float:
    word = word.lower().replace(",", "")
    if word in _COUNT_WORDS:
        return float(_COUNT_WORDS[word])
    parts = re.split(r"[- ]", word)
    if parts[0] in _TENS:
        return float(_TENS[parts[0]] + (_ONES[parts[1]] if len(parts) > 1 else 0))
    return float(word)


def _value(m: re.Match) -> float:
    g = {k: (v.lower() if v else v) for k, v in m.groupdict().items()}
    if g["fcount"]:
        return _count(g["fcount"]) * _FRACTIONS[g["frac"]] * _SCALES[g["fscale"]]
    if g["acount"]:
        return (_count(g["acount"]) + _FRACTIONS[g["afrac"]]) * _SCALES[g["ascale"]]
    if g["digits"]:
        return _count(g["digits"]) * (_SCALES[g["dscale"]] if g["dscale"] else 1)
    if g["spelled"]:
        return _count(g["spelled"]) * (_SCALES[g["sscale"]] if g["sscale"] else 1)
    if g["ascaled"]:
        return _SCALES[g["ascale2"]]
    return 0.5


def _is_date_or_time(text: str, m: re.Match) -> bool:
    if not m.group("digits") or m.group("dscale"):
        return False
    raw = m.group("digits")
    after = text[m.end() : m.end() + 12]
    if after.startswith(("s", ":")) or text[max(0, m.start() - 1) : m.start()] == ":":
        return True  # 1950s, 4:50
    if re.fullmatch(r"\d{4}", raw) and 1800 <= int(raw) <= 2100:
        return True  # a year
    return bool(_DATE_BEFORE.search(text[max(0, m.start() - 12) : m.start()]) or _DATE_AFTER.match(after))


def scan(text: str) -> list[Mention]:
    found = []
    for m in _PATTERN.finditer(text):
        if _is_date_or_time(text, m):
            continue
        found.append(Mention(m.start(), m.end(), m.group(0), _value(m)))
    return found


def supports(value: float, unit: str, quote: str) -> bool:
    """Whether ``quote`` states ``value`` (1% tolerance; a fraction may be given as a percent)."""
    for mention in scan(quote):
        for candidate in (mention.value, mention.value * 100 if "percent" in unit.lower() or unit == "%" else None):
            if candidate is not None and abs(candidate - value) <= max(abs(value) * 0.01, 1e-9):
                return True
    return False
