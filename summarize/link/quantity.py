"""A figure as a quantity: what kind of thing it measures, its value in that kind's base
unit, and how precisely its quote states it.

The kind (the unit's *class*) comes from the language data files: a percentage, money in
one currency, or a class of unit words (``unit_classes``: people, a duration, months and
years, a length, a mass); a unit in no class is a count of that unit alone.  Values of one
class are converted exactly before they are compared ("two weeks" is 14 days; "1.4
million" is 1,400,000); money in two currencies is never one quantity.

Precision is read from how the quote writes the number: "$9.4bn" is stated to the nearest
0.1bn (±0.05bn), "9.37bn" to the nearest 0.01bn, "27bn" to the nearest billion; a round
number said to be approximate ("about 3,000") to its last non-zero digit, and at least
±10%.  Two values **agree** when they are equal, and agree **rounded** when they differ by
no more than the precision of the less precise statement.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from summarize import lang
from summarize.verify import numbers

APPROXIMATE = 0.1
"""An approximate value ("about", "some") allows at least this share either way."""
UNSTATED = 0.005
"""The precision assumed when the quote's number cannot be read (as before: half a percent)."""

_DIGITS = re.compile(r"\d(?:[\d.,\s\u00a0\u202f]*\d)?")


@dataclass(frozen=True)
class Quantity:
    kind: str
    """'percent', 'money GBP', a unit class ('people', 'duration'…), or 'count <unit>'."""
    value: float
    """In the class's base unit."""
    half_step: float
    """Half the last stated digit's place (at least ±10% when approximate), in the base unit."""
    bound: str


@lru_cache(maxsize=4096)
def unit_class(unit: str) -> tuple[str, float]:
    """The class of ``unit`` and the size of one ``unit`` in the class's base unit (scale
    words in the unit, "million people", multiply it)."""
    kind = numbers.unit_kind(unit)
    if kind == "percent":
        return "percent", 1.0
    if numbers.is_money(kind) or any(kind in lang.load(code).currency_codes for code in lang.available()):
        return f"money {kind}", 1.0
    table = lang.unit_words()
    scales = {lang.fold(w): float(v) for code in lang.available() for w, v in lang.load(code).numbers["scales"].items()}
    size = 1.0
    words = re.findall(r"\w+", lang.fold(unit))
    for word in words:
        size *= scales.get(word, 1.0)
    for word in reversed(words):
        if word in table:
            name, each = table[word]
            return name, size * each
    stem = [w for w in words if w not in scales]
    key = " ".join(w[:-1] if w.endswith("s") and not w.endswith("ss") else w for w in stem)
    return f"count {key}", size


def _number(text: str, decimal_comma: bool) -> tuple[float, int] | None:
    """The digits of a mention as a number, and how many decimals they state."""
    found = _DIGITS.search(text)
    if not found:
        return None
    raw = re.sub(r"[\s\u00a0\u202f]", "", found.group(0))
    point, group = (",", ".") if decimal_comma else (".", ",")
    raw = raw.replace(group, "")
    decimals = len(raw) - raw.index(point) - 1 if point in raw else 0
    try:
        return float(raw.replace(point, ".")), decimals
    except ValueError:
        return None


def _round_place(value: float) -> float:
    """The place of the last non-zero digit of a whole number (3,000 → 1,000; 3,100 → 100)."""
    n = abs(int(round(value)))
    if n == 0 or n != abs(value):
        return 1.0
    place = 1
    while n % 10 == 0:
        n //= 10
        place *= 10
    return float(place)


@lru_cache(maxsize=8192)
def _step(value: float, quote: str, approximate: bool) -> float | None:
    """The place of the last digit with which ``quote`` states ``value``; None when no
    number in it is ``value``."""
    for code in lang.available():
        comma = lang.load(code).decimal_comma
        for mention in numbers.scan(quote, code):
            for stated in (mention.value, mention.value * 100):
                if not math.isclose(stated, value, rel_tol=1e-6, abs_tol=1e-9):
                    continue
                parsed = _number(mention.text, comma)
                if parsed is None or parsed[0] == 0:  # spelled out: "five thousand", "two"
                    return _round_place(stated) if stated >= 1000 or approximate else 1.0
                number, decimals = parsed
                scale = stated / number
                if decimals:
                    return scale * 10.0**-decimals
                if scale != 1:
                    return scale  # "27bn": to the nearest billion
                return _round_place(number) if approximate else 1.0
    return None


def of(value: float, unit: str, bound: str, quote: str) -> Quantity:
    kind, size = unit_class(unit)
    approximate = bound == "approximate"
    step = _step(value, quote, approximate)
    half = step / 2 if step is not None else abs(value) * UNSTATED
    if approximate:
        half = max(half, abs(value) * APPROXIMATE)
    return Quantity(kind, value * size, half * size, bound)


def of_figure(figure) -> Quantity:
    """A :class:`~summarize.models.BriefFigure` or a :class:`~summarize.models.FigureSnapshot`."""
    quote = figure.quote if hasattr(figure, "quote") else figure.evidence.quote
    return of(figure.value, figure.unit, figure.bound, quote)


_FIXED = ("percent", "money ")


def comparable(a: Quantity, b: Quantity) -> bool:
    """Whether the values of two figures someone has judged to be one quantity can be
    compared: the same class, or a count of a unit in no class beside a count (what was
    grouped decides); never a percentage or money beside anything else, nor two classes."""
    if a.kind == b.kind:
        return True
    if any(k.startswith(_FIXED) for k in (a.kind, b.kind)):
        return False
    return a.kind.startswith("count ") or b.kind.startswith("count ")


def agreement(a: Quantity, b: Quantity) -> str:
    """'agree' (equal), 'rounded' (equal within the less precise statement's precision),
    'differ', or 'incomparable' (two kinds: a percentage and money, two currencies)."""
    if not comparable(a, b):
        return "incomparable"
    if math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-12):
        return "agree"
    return "rounded" if abs(a.value - b.value) <= max(a.half_step, b.half_step) * (1 + 1e-9) else "differ"


def interval(q: Quantity) -> tuple[float, float]:
    """The values a statement allows: its value within its precision, or beyond a bound."""
    v, h = q.value, q.half_step
    return {
        "exact": (v - h, v + h),
        "approximate": (v - h, v + h),
        "more_than": (v, math.inf),
        "at_least": (v, math.inf),
        "less_than": (-math.inf, v),
        "at_most": (-math.inf, v),
    }[q.bound]
