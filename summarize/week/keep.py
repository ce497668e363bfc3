"""Compare a brief with the last one of its desk and keep it, in one turn on the history.

Reading the earlier brief, comparing and saving are one write transaction
(:func:`summarize.week.history.session`): a second run on the same history waits for
this one, so the later of two windows briefed at once is compared with the earlier one.
Everything a reader could take for "nothing changed" is said instead: the first brief of
a history, of a folder or of a desk; a brief that replaced the one saved for its window;
a later brief saved before this one, which was therefore not compared with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from summarize.models import Brief
from summarize.week import arc, history

ARC_WEEKS = 12
"""How many earlier briefs of a desk a brief's arcs look back over."""

Compare = Callable[[Brief, Brief, str], Brief]
"""(earlier brief, this brief, the earlier one's label) → this brief with ``since_last``."""


def desk_label(desk: str) -> str:
    if desk == history.UNKNOWN_DESK:
        return "(saved before desks were kept)"
    return desk if desk.startswith("desk ") else f"folder {desk}"


def before_run(path: Path) -> tuple[list[history.Saved] | None, str | None]:
    """What the history holds before the run (None: the file does not exist yet) and the
    notice to give about it; raises :class:`history.HistoryError` when it cannot be read."""
    saved = history.check(path)
    if saved is None:
        return None, f"history {path} does not exist yet: it is created, and this brief is the first in it"
    return saved, None


@dataclass
class Kept:
    brief: Brief
    notices: list[str] = field(default_factory=list)


def _nothing_earlier(saved: list[history.Saved], desk: str, created: bool) -> str:
    if created or not saved:
        return "first brief in this history"
    mine = [s for s in saved if s.desk == desk]
    others = len(saved) - len(mine)
    if mine:
        return f"no earlier brief of {desk_label(desk)} in this history (its saved briefs cover later windows)"
    return f"first brief of {desk_label(desk)} in this history ({others} brief(s) of other folders or desks are not compared with it)"


def _with_arcs(turn: history.Session, kept: Kept, desk: str) -> Brief:
    """The brief with its continuing stories' arcs over the desk's earlier briefs; a failure
    costs the arcs only (said in the notices)."""
    brief = kept.brief
    assert brief.window is not None
    try:
        chain = turn.chain_before(brief.window, desk, ARC_WEEKS)
        return brief.model_copy(update={"arcs": arc.arcs_of(chain + [brief])})
    except Exception as err:  # noqa: BLE001 - an enrichment failing costs that enrichment only
        kept.notices.append(f"the stories' arcs over the weeks are not shown: internal error {type(err).__name__}")
        return brief


def compare_and_keep(path: Path, brief: Brief, desk: str, compare: Compare, earlier: tuple[str, Brief] | None = None, created: bool = False) -> Kept:
    """``brief`` compared with ``earlier`` (a --compare-to file), else with the latest earlier
    brief of ``desk`` in the history, then saved there, in one transaction.  A history that
    cannot be written costs the saving only (said in the notices)."""
    assert brief.window is not None
    kept = Kept(brief)
    try:
        with history.session(path) as turn:
            previous = earlier or turn.latest_before(brief.window, desk)
            if previous is None:
                kept.brief = brief.model_copy(update={"nothing_earlier": _nothing_earlier(turn.briefs(), desk, created)})
            else:
                kept.brief = compare(previous[1], brief, previous[0])
                if earlier is None:
                    kept.brief = _with_arcs(turn, kept, desk)
            stored = turn.save(kept.brief, desk)
    except history.HistoryError as err:
        kept.notices.append(f"this brief was not saved in the history: {err}")
        return kept
    if stored.replaced:
        r = stored.replaced
        kept.notices.append(f"this brief replaces the brief of {r.label} saved {r.generated_at} for {desk_label(desk)} in {path}")
    for later in stored.later:
        kept.notices.append(
            f"the brief of {later.label} for {desk_label(desk)} was saved before this one and not compared with it: "
            f"brief {later.label} again to compare it with this one"
        )
    return kept


def history_table(saved: list[history.Saved]) -> str:
    """``summarize history``: each saved brief's folder or desk, window, articles and stories
    (plain text; the caller escapes it for the terminal)."""
    lines = [f"{'window':<24} {'from':<10} {'to':<10} {'articles':>8} {'stories':>7}  {'saved':<25}  folder or desk"]
    def flat(text: str) -> str:
        return " ".join(text.split())  # one row per brief, whatever a name holds

    for s in saved:
        lines.append(f"{flat(s.label):<24} {s.since:<10} {s.until:<10} {s.articles:>8} {s.stories:>7}  {s.generated_at:<25}  {flat(desk_label(s.desk))}")
    return "\n".join(lines) + "\n"
