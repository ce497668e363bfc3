"""A story's arc (:mod:`summarize.week.arc`) as plain text for the terminal and as the
geometry of a small line chart for the page.

The text is plain: the caller escapes it for the terminal.  The chart is numbers and
labels only; the page's template writes them into an inline ``<svg>`` (autoescaped, no
``style`` attribute, no outside request).
"""

from __future__ import annotations

from dataclasses import dataclass

from summarize.link.quantity import unit_class
from summarize.models import ArcFigure, ArcWeek, StoryArc
from summarize.lang import units

WIDTH, HEIGHT, PAD = 320, 90, 14
"""The chart's box and inner margin, in SVG user units."""


def _flat(text: str) -> str:
    return " ".join(text.split())


def _value(point) -> str:
    return units.quantity(point.value, _flat(point.unit), point.bound)


def arc_table(arc: StoryArc) -> str:
    """``summarize history story``: each week's headline, articles and outlets, then each
    followed figure's value per week (one line per row)."""
    width = max(len(_flat(w.label)) for w in arc.weeks)
    lines = [
        f"one story over {len(arc.weeks)} week(s), newest {_flat(arc.weeks[-1].key)}",
        "",
        f"{'window':<{width}}  {'story':<6} {'articles':>8}  outlets  /  headline",
    ]
    for w in arc.weeks:
        outlets = ", ".join(_flat(o) for o in w.outlets) or "no outlet named"
        lines.append(f"{_flat(w.label):<{width}}  {w.story_id:<6} {w.articles:>8}  {outlets}  /  {_flat(w.headline)}")
    if not arc.figures:
        return "\n".join(lines + ["", "No figure of it is given in two weeks or more."]) + "\n"
    lines += ["", "Figures over the weeks: " + " | ".join(_flat(w.label) for w in arc.weeks)]
    for fig in arc.figures:
        by_week = {p.label: p for p in fig.points}
        cells = [_value(by_week[w.label]) if w.label in by_week else "-" for w in arc.weeks]
        lines.append(f"{_flat(fig.counts)}: " + " | ".join(cells))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    """'2024-W45: 2.4bn GBP' (the dot's title)."""


@dataclass(frozen=True)
class Chart:
    counts: str
    dots: list[Dot]
    low: str
    high: str

    @property
    def polyline(self) -> str:
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in self.dots)


def chart(arc: StoryArc, figure: ArcFigure) -> Chart:
    """One dot per week the figure is given in, placed on the arc's weeks (x) and between
    its lowest and highest value (y, in the unit class's base unit: weeks and days on one
    scale; a flat line when they are equal)."""
    weeks = [w.label for w in arc.weeks]
    step = (WIDTH - 2 * PAD) / max(len(weeks) - 1, 1)
    base = {id(p): p.value * unit_class(p.unit)[1] for p in figure.points}  # "3 weeks" and "20 days" in days
    low, high = min(base.values()), max(base.values())
    span = high - low
    dots = [
        Dot(
            x=PAD + step * weeks.index(p.label),
            y=HEIGHT / 2 if span == 0 else HEIGHT - PAD - (base[id(p)] - low) / span * (HEIGHT - 2 * PAD),
            label=f"{_flat(p.label)}: {_value(p)}",
        )
        for p in figure.points
        if p.label in weeks
    ]
    lowest = min(figure.points, key=lambda p: base[id(p)])
    highest = max(figure.points, key=lambda p: base[id(p)])
    return Chart(counts=_flat(figure.counts), dots=dots, low=_value(lowest), high=_value(highest))


def stories_table(weeks: list[ArcWeek]) -> str:
    """``summarize history --window W``: each story's history key, articles and headline."""
    width = max([len(_flat(w.key)) for w in weeks] + [3])
    lines = [f"{'key':<{width}} {'articles':>8}  headline"]
    lines += [f"{_flat(w.key):<{width}} {w.articles:>8}  {_flat(w.headline)}" for w in weeks]
    return "\n".join(lines) + "\n"
