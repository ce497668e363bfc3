"""Line up figures that count the same thing, and flag values that cannot all be right.

Figures are blocked by unit (with a few synonyms: soldiers and fighters are troops) and
grouped when what they count shares at least half its concepts; a group needs two
figures from different articles or sources.  Values conflict when no single number fits
every figure's bound: "more than 1,000" and 1,500 agree; 8,000 and 11,000 do not;
"about" allows 10%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from .corroborate import concepts, greedy_groups
from .models import BriefFigure, FigureGroup
from .names import words

SAME_SUBJECT = 0.5
_UNIT_SYNONYMS = {"soldier": "troops", "troop": "troops", "fighter": "troops", "servicemen": "troops", "kilometer": "km", "kilometre": "km"}


def unit_key(unit: str) -> str:
    """A unit in one canonical form, for comparing figures."""
    word = " ".join(words(unit))
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return _UNIT_SYNONYMS.get(singular, _UNIT_SYNONYMS.get(word, singular))


def _interval(f: BriefFigure) -> tuple[float, float]:
    v = f.value
    return {
        "exact": (v * 0.995, v * 1.005),
        "approximate": (v * 0.9, v * 1.1),
        "more_than": (v, float("inf")),
        "at_least": (v, float("inf")),
        "less_than": (float("-inf"), v),
        "at_most": (float("-inf"), v),
    }[f.bound]


def consistent(figures: list[BriefFigure]) -> bool:
    low = max(_interval(f)[0] for f in figures)
    high = min(_interval(f)[1] for f in figures)
    return low <= high


def reconcile(figures: list[BriefFigure], source_name: Callable[[BriefFigure], str]) -> list[FigureGroup]:
    by_unit: dict[str, list[BriefFigure]] = defaultdict(list)
    for f in figures:
        by_unit[unit_key(f.unit)].append(f)
    groups: list[FigureGroup] = []
    for unit, block in by_unit.items():
        subjects = [concepts(f.counts) for f in block]
        for members in greedy_groups(subjects, lambda i, j: _similarity(subjects[i], subjects[j])):
            group = [block[k] for k in members]
            if len(group) < 2 or len({(f.evidence.article_id, source_name(f)) for f in group}) < 2:
                continue
            agree = consistent(group)
            listing = "; ".join(f"{f.value:,.0f} ({source_name(f)}, {f.id})" for f in group)
            groups.append(
                FigureGroup(
                    id=f"G{len(groups) + 1}",
                    unit=unit,
                    counts=group[0].counts,
                    figure_ids=[f.id for f in group],
                    conflict=not agree,
                    note=("values agree: " if agree else "values conflict: ") + listing,
                )
            )
    return groups


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    score = len(a & b) / len(a | b) if a and b else 0.0
    return score if score >= SAME_SUBJECT else 0.0


def trend(figures: list[BriefFigure], date_of: Callable[[str], date | None]) -> str:
    """'agree', 'changed' (dated values that move over time, each date's values agreeing
    among themselves) or 'conflict' (values of one date, or undated ones, that cannot all hold)."""
    if consistent(figures):
        return "agree"
    by_date: dict = defaultdict(list)
    for f in figures:
        by_date[date_of(f.evidence.article_id)].append(f)
    if None in by_date or len(by_date) < 2:
        return "conflict"
    return "changed" if all(consistent(same_day) for same_day in by_date.values()) else "conflict"
