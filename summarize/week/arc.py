"""A story's arc: one story over the saved briefs of its folder or desk.

Which story of one week continues which story of the week before is decided by
:func:`summarize.week.changes.continuations`, the rule "Since the last brief" uses; its
figures are followed from week to week by :func:`summarize.week.changes.paired_figures`
(one unit class, close labels, each figure once).  An arc is read over a chain of briefs
of one desk, oldest window first; a week in which the story has no continuation ends it.
A story is named by its history key, ``WINDOW/STORY`` (``2024-W45/ST1``).
"""

from __future__ import annotations

from pathlib import Path

from summarize.models import ArcPoint, ArcFigure, ArcWeek, Brief, BriefFigure, StoryArc
from summarize.week import changes, history


class ArcError(ValueError):
    """A story key that names no saved story (the message says what is saved)."""


def key_of(label: str, story_id: str) -> str:
    return f"{label}/{story_id}"


def split_key(key: str) -> tuple[str, str]:
    """'2024-W45/ST1' → ('2024-W45', 'ST1'); a window label may itself hold '/'."""
    label, sep, story = key.rpartition("/")
    if not sep or not label or not story:
        raise ArcError(f"{key!r} is not a story key: give WINDOW/STORY (such as 2024-W45/ST1), or --window WINDOW STORY")
    return label, story


def _label(brief: Brief) -> str:
    return brief.window.label if brief.window else ""


def _week(brief: Brief, story_id: str, matched_by: str | None) -> ArcWeek:
    story = next(s for s in brief.stories if s.id == story_id)
    return ArcWeek(
        label=_label(brief), key=key_of(_label(brief), story.id), story_id=story.id, headline=story.headline,
        articles=len(story.article_ids), outlets=list(story.outlets), matched_by=matched_by,
    )


def _point(brief: Brief, figure: BriefFigure) -> ArcPoint:
    return ArcPoint(label=_label(brief), value=figure.value, bound=figure.bound, unit=figure.unit, quote=figure.evidence.quote)


class _Links:
    """Continuations between consecutive briefs, each pair worked out once."""

    def __init__(self, briefs: list[Brief]):
        self.briefs = briefs
        self._found: dict[int, list] = {}

    def between(self, i: int) -> list:
        """continuations(briefs[i], briefs[i + 1])."""
        if i not in self._found:
            self._found[i] = changes.continuations(self.briefs[i], self.briefs[i + 1])
        return self._found[i]


def story_arc(briefs: list[Brief], at: int, story_id: str, links: _Links | None = None) -> StoryArc:
    """The story ``story_id`` of ``briefs[at]`` from the first week it appears in to the
    last one it continues into; ``briefs`` are one desk's, oldest window first."""
    links = links or _Links(briefs)
    if not any(s.id == story_id for s in briefs[at].stories):
        shown = ", ".join(s.id for s in briefs[at].stories) or "none"
        raise ArcError(f"the brief of {_label(briefs[at])} has no story {story_id} (its stories: {shown})")
    # (brief index, story id, why it continues the week before)
    steps = [(at, story_id, None)]
    while steps[0][0] > 0:
        i, sid, _ = steps[0]
        back = {now.id: (before.id, why) for now, before, why in links.between(i - 1)}
        if sid not in back:
            break
        steps[0] = (i, sid, back[sid][1])
        steps.insert(0, (i - 1, back[sid][0], None))
    while steps[-1][0] < len(briefs) - 1:
        i, sid, _ = steps[-1]
        ahead = {before.id: (now.id, why) for now, before, why in links.between(i)}
        if sid not in ahead:
            break
        steps.append((i + 1, *ahead[sid]))
    weeks = [_week(briefs[i], sid, why) for i, sid, why in steps]
    return StoryArc(story_id=steps[-1][1], weeks=weeks, figures=_figures(briefs, steps))


def arcs_of(briefs: list[Brief]) -> list[StoryArc]:
    """The arc of each story of the newest brief that continues a story of the one before."""
    if len(briefs) < 2:
        return []
    links = _Links(briefs)
    last = len(briefs) - 1
    ids = sorted((now.id for now, _, _ in links.between(last - 1)), key=lambda i: [s.id for s in briefs[-1].stories].index(i))
    return [story_arc(briefs, last, i, links) for i in ids]


def _figures(briefs: list[Brief], steps: list[tuple[int, str, str | None]]) -> list[ArcFigure]:
    """Quantities followed from week to week: a chain of paired figures, kept when it spans
    two weeks or more; the ones that moved first, then the longest."""
    chains: list[list[ArcPoint]] = []
    labels: list[str] = []
    moved: set[int] = set()
    open_chain: dict[str, int] = {}  # the chain each figure of the latest week ends, by figure id
    for (i, before_id, _), (j, now_id, _) in zip(steps, steps[1:]):
        previous, current = briefs[i], briefs[j]
        before = next(s for s in previous.stories if s.id == before_id)
        now = next(s for s in current.stories if s.id == now_id)
        pairs, _ = changes.paired_figures(previous, before, current, now)
        ends: dict[str, int] = {}
        for g, f, differ in pairs:
            n = open_chain.get(g.id)
            if n is None:
                n = len(chains)
                chains.append([_point(previous, g)])
                labels.append(g.counts)
            chains[n].append(_point(current, f))
            labels[n] = f.counts
            ends[f.id] = n
            if differ:
                moved.add(n)
        open_chain = ends
    order = sorted(range(len(chains)), key=lambda n: (n not in moved, -len(chains[n]), n))
    return [ArcFigure(counts=labels[n], points=chains[n]) for n in order]


def desk_of_window(saved: list[history.Saved], label: str, desk: str | None) -> str:
    """The desk whose saved brief of window ``label`` is meant: ``desk`` when given, else the
    only desk with a brief of that window (:class:`ArcError` when none or several)."""
    desks = list(dict.fromkeys(s.desk for s in saved if s.label == label and (desk is None or s.desk == desk)))
    if not desks:
        windows = ", ".join(dict.fromkeys(s.label for s in saved if desk is None or s.desk == desk)) or "none"
        where = f" of {desk}" if desk is not None else ""
        raise ArcError(f"no brief{where} over the window {label!r} is saved (saved windows: {windows})")
    if len(desks) > 1:
        raise ArcError(f"briefs of {len(desks)} folders or desks cover {label!r} ({'; '.join(desks)}): name one with --desk or --folder")
    return desks[0]


def arc_in_history(path: Path, label: str, story_id: str, desk: str | None = None) -> tuple[str, StoryArc]:
    """(the desk, the arc of story ``story_id`` of that desk's brief over window ``label``)."""
    chosen = desk_of_window(history.list_briefs(path), label, desk)
    chain = history.desk_chain(path, chosen)
    at = max(i for i, b in enumerate(chain) if _label(b) == label)
    return chosen, story_arc(chain, at, story_id)


def window_stories(path: Path, label: str, desk: str | None = None) -> tuple[str, list[ArcWeek]]:
    """(the desk, each story of its brief over window ``label``, with its history key)."""
    chosen = desk_of_window(history.list_briefs(path), label, desk)
    brief = [b for b in history.desk_chain(path, chosen) if _label(b) == label][-1]
    return chosen, [_week(brief, s.id, None) for s in brief.stories]
