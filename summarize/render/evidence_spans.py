"""Cut an article's text into runs covered by the same evidence spans.

Quotes of different items overlap (a claim and the figure inside it), so one highlight
element per item cannot nest.  Instead the text is split at every span boundary; each run
lists the items whose span covers it, and the items whose span starts there.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    item_id: str
    start: int
    end: int
    style: str
    """How the span is drawn: 'exact', 'fuzzy' or 'unverified'."""


@dataclass
class Run:
    text: str
    items: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    """Items whose span begins at this run (their anchors)."""


def located(start: int | None, end: int | None, text: str) -> bool:
    """Offsets that point at a non-empty stretch of ``text``."""
    return start is not None and end is not None and 0 <= start < end <= len(text)


def runs(text: str, spans: list[Span]) -> list[Run]:
    spans = [s for s in spans if located(s.start, s.end, text)]
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[Run] = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        out.append(
            Run(
                text=text[a:b],
                items=[s.item_id for s in covering],
                styles=sorted({s.style for s in covering}),
                starts=[s.item_id for s in spans if s.start == a],
            )
        )
    return out
