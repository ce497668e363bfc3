"""What a brief shows from its links: the stance matrix (one cell per holder and target)
and each story's links (claim groups two or more of its articles carry, contested pairs,
figure comparisons, stance cells).  Rebuilt whenever links are applied
(:func:`summarize.link.links.apply_links`) and first built by the merge."""

from __future__ import annotations

from collections import defaultdict

from summarize.text.names import name_key, tokens
from summarize.models import Brief, BriefStance, StanceCell, Story


def stance_matrix(stances: list[BriefStance], names: dict[str, str]) -> list[StanceCell]:
    """One cell per (holder, target); 'mixed' where the sources disagree."""
    cells: dict[tuple[str, str], list[BriefStance]] = defaultdict(list)
    for s in stances:
        holder = s.holder_id or "?" + name_key(s.holder)
        target = s.target_id or "?" + " ".join(tokens(s.target))
        cells[(holder, target)].append(s)
    matrix = []
    for group in cells.values():
        first = group[0]
        polarities = {s.polarity for s in group}
        matrix.append(
            StanceCell(
                holder_id=first.holder_id,
                holder=names.get(first.holder_id or "", first.holder),
                target_id=first.target_id,
                target=names.get(first.target_id or "", first.target),
                polarity=polarities.pop() if len(polarities) == 1 else "mixed",
                stance_ids=[s.id for s in group],
                article_ids=list(dict.fromkeys(s.evidence.article_id for s in group)),
            )
        )
    return sorted(matrix, key=lambda c: (c.holder.casefold(), c.target.casefold()))


def story_links(brief: Brief) -> list[Story]:
    """Each story with the links drawn from its articles: claim clusters two or more of them
    carry, contested pairs, figure comparisons and stance cells."""
    story_of = {a: n for n, story in enumerate(brief.stories) for a in story.article_ids}
    article_of = {i.id: i.evidence.article_id for group in (brief.claims, brief.figures) for i in group}
    found: list[dict[str, list[str]]] = [defaultdict(list) for _ in brief.stories]

    def put(field: str, value: str, article_ids) -> None:
        for n in dict.fromkeys(story_of[a] for a in article_ids if a in story_of):
            found[n][field].append(value)

    for k in brief.claim_clusters:
        if k.corroboration > 1:
            put("cluster_ids", k.id, k.article_ids)
    for x in brief.contested:
        put("contest_ids", x.id, [article_of[x.claim_ids[0]]])
    for g in brief.figure_groups:
        put("figure_group_ids", g.id, [article_of[g.figure_ids[0]]])
    for c in brief.stance_matrix:
        put("stance_keys", _cell_key(c), c.article_ids)
    fields = ("cluster_ids", "contest_ids", "figure_group_ids", "stance_keys")
    return [story.model_copy(update={f: found[n][f] for f in fields}) for n, story in enumerate(brief.stories)]


def _cell_key(cell: StanceCell) -> str:
    return f"{cell.holder_id or cell.holder} -> {cell.target_id or cell.target}"
