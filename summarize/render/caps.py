"""How much of one article the Markdown and HTML briefs show.

An article of numbers (a table of statistics, a results page) can carry thousands of figures
and tens of thousands of numbers without one: shown whole, one 4.9 MB article made a 19 MB
brief.  Those two briefs show at most :data:`PER_ARTICLE` figures of an article (besides the
figures a comparison across sources shows) and as many of its numbers without a figure, and
say how many more there are; the JSON brief keeps every one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from summarize.models import Brief, BriefFigure

PER_ARTICLE = 200
T = TypeVar("T")


@dataclass
class ShownFigures:
    figures: list[BriefFigure]
    """The figures shown, in the brief's order."""
    left_out: dict[str, int]
    """Article id → how many of its figures are not shown."""


def shown_figures(brief: Brief, most: int = PER_ARTICLE) -> ShownFigures:
    """Of each article, its first ``most`` figures in the brief's order, and every figure
    of a comparison across sources (counted towards ``most``)."""
    compared = {i for g in brief.figure_groups for i in g.figure_ids}
    taken: Counter[str] = Counter(f.evidence.article_id for f in brief.figures if f.id in compared)
    left_out: Counter[str] = Counter()
    shown = []
    for f in brief.figures:
        article = f.evidence.article_id
        if f.id in compared:
            shown.append(f)
        elif taken[article] < most:
            taken[article] += 1
            shown.append(f)
        else:
            left_out[article] += 1
    return ShownFigures(shown, dict(left_out))


def first(items: Sequence[T], most: int = PER_ARTICLE) -> tuple[list[T], int]:
    """The first ``most`` of ``items``, and how many are left out."""
    return list(items[:most]), max(0, len(items) - most)


def more_figures(count: int, label: str) -> str:
    return f"and {count:,} more figure(s) of article {label} (in the JSON brief)"


def more_numbers(count: int) -> str:
    return f"and {count:,} more (in the JSON brief)"
