"""Line up figures that count the same thing, and compare their values.

By rule (the link step's fallback, and its hints to the model): figures are blocked by
the class of their unit (a count of people, a duration, a percentage, money in one
currency, from the language data files: a percentage is never compared with money) and grouped when what they count is close by
TF-IDF cosine (:mod:`summarize.link.similarity`) to *every* member of the group.  A group
needs two figures from different articles or sources.

Compared (whoever grouped them, :func:`trend`), as quantities (:mod:`summarize.link.quantity`:
converted within their unit's class, each as precise as its quote states it): the values
**agree** when equal, agree **rounded** when equal within the precision of the less precise
statement ("$9.4bn" and "$9.37bn"), are **compatible** when one number fits every
figure's bound ("more than 1,000" and 1,500; "about" allows 10%); they
**changed** over time when the values of each article date agree among themselves but
move from date to date; else they **conflict**.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from summarize.link import quantity
from summarize.link.corroborate import languages_of
from summarize.link.similarity import Vectors, complete_groups
from summarize.models import ArticleRef, BriefFigure, FigureGroup
from summarize.verify import numbers

SAME_SUBJECT = 0.5


def _quantities(figures: list[BriefFigure]) -> list[quantity.Quantity]:
    return [quantity.of_figure(f) for f in figures]


def consistent(figures: list[BriefFigure]) -> bool:
    """One value fits every figure's statement (its precision, or its bound); figures of
    two kinds (two currencies) never."""
    found = _quantities(figures)
    if not all(quantity.comparable(a, b) for a in found for b in found):
        return False
    spans = [quantity.interval(q) for q in found]
    return max(low for low, _ in spans) <= min(high for _, high in spans)


def figure_groups(figures: list[BriefFigure], articles: list[ArticleRef] | None = None) -> list[list[int]]:
    """Indexes of figures that count the same thing, by rule (singletons included); what
    each counts is read in its article's language (from ``articles``; English without)."""
    kinds = [quantity.unit_class(f.unit)[0] for f in figures]
    vectors = Vectors([f.counts for f in figures], languages_of(figures, articles or []))
    return complete_groups(vectors, SAME_SUBJECT, key=kinds.__getitem__)


def compatible_units(a: BriefFigure, b: BriefFigure) -> bool:
    """A percentage and money, or two currencies, are never one quantity."""
    ka, kb = numbers.unit_kind(a.unit), numbers.unit_kind(b.unit)
    special = {ka, kb} & ({"percent"} | {k for k in (ka, kb) if numbers.is_money(k)})
    return not special or ka == kb


VERDICT_NOTES = {"agree": "agree", "rounded": "agree (rounded)", "compatible": "differ but can all hold", "changed": "changed over time", "conflict": "conflict"}


def trend(figures: list[BriefFigure], date_of: Callable[[str], date | None]) -> str:
    """'agree' (one value), 'rounded' (values equal within the precision of the less precise
    statement: "$9.4bn" and "$9.37bn"), 'compatible' (different values that can all hold:
    "more than 20,000" and "more than 100,000"), 'changed' (dated values that move over
    time, each date's values agreeing among themselves) or 'conflict' (values of one date,
    or undated ones, that cannot all hold; or of two kinds, like two currencies)."""
    if consistent(figures):
        found = _quantities(figures)
        verdicts = {quantity.agreement(a, b) for a in found for b in found}
        return "agree" if verdicts <= {"agree"} else "rounded" if verdicts <= {"agree", "rounded"} else "compatible"
    by_date: dict = defaultdict(list)
    for f in figures:
        by_date[date_of(f.evidence.article_id)].append(f)
    if None in by_date or len(by_date) < 2:
        return "conflict"
    return "changed" if all(consistent(same_day) for same_day in by_date.values()) else "conflict"


def compare(
    figures: list[BriefFigure],
    groups: list[list[int]],
    source_name: Callable[[BriefFigure], str],
    date_of: Callable[[str], date | None],
    made_by: Callable[[str], str],
) -> list[FigureGroup]:
    out: list[FigureGroup] = []
    for members in groups:
        group = [figures[k] for k in members]
        if len(group) < 2 or len({(f.evidence.article_id, source_name(f)) for f in group}) < 2:
            continue
        result = trend(group, date_of)
        listing = "; ".join(f"{f.value:,.0f} ({source_name(f)}, {f.id})" for f in group)
        out.append(
            FigureGroup(
                id=f"G{len(out) + 1}",
                unit=group[0].unit,
                counts=group[0].counts,
                figure_ids=[f.id for f in group],
                conflict=result == "conflict",
                note=f"values {VERDICT_NOTES[result]}: {listing}",
                verdict=result,
                made_by=made_by(group[0].id),
            )
        )
    return out
