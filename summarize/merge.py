"""Merge per-article extractions into one brief.  Deterministic: no model calls.

Only verified items (quote aligned, every check passed) are merged; the rest go to
``unverified`` with their problems.  Then, across articles:

* actors are resolved (:mod:`summarize.resolve`), each with the rules that joined it;
* claims, figures and stances get ids and resolved actor ids;
* claims are grouped and contradictions flagged (:mod:`summarize.corroborate`);
* figures counting the same thing are lined up (:mod:`summarize.reconcile`);
* stances form a holder x target matrix;
* dated passages form a timeline.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from .corroborate import cluster_claims, contests
from .models import (
    ArticleExtraction,
    Brief,
    BriefClaim,
    BriefFigure,
    BriefStance,
    ExtractionFailure,
    Producer,
    StanceCell,
    UnverifiedItem,
    Usage,
)
from .names import name_key, tokens
from .reconcile import reconcile
from .resolve import Mention, Resolver, brief_actors, resolve


def merge(
    extractions: list[ArticleExtraction],
    failures: list[ExtractionFailure],
    producer: Producer,
    usage: Usage,
    now: datetime | None = None,
) -> Brief:
    unverified: list[UnverifiedItem] = []

    def keep(kind: str, item, summary: str, attempts: int) -> bool:
        if item.verified:
            return True
        problems = list(item.problems) or ["quote not found in the article"]
        reason = f"{'; '.join(problems)} (after {attempts} answer(s))"
        unverified.append(UnverifiedItem(item=kind, summary=summary, reason=reason, evidence=item.evidence))
        return False

    mentions = [
        Mention(ex.article.id, a.name, list(a.aliases), a.kind, a.role, [a.evidence], a.mentions)
        for ex in extractions
        for a in ex.actors
        if keep("actor", a, a.name, ex.attempts)
    ]
    actors, weights = brief_actors(resolve(mentions))
    resolver = Resolver(actors, weights)
    names = {a.id: a.name for a in actors}

    claims: list[BriefClaim] = []
    figures: list[BriefFigure] = []
    stances: list[BriefStance] = []
    for ex in extractions:
        aid = ex.article.id
        for c in ex.claims:
            if keep("claim", c, f"{c.speaker}: {c.text}", ex.attempts):
                claims.append(
                    BriefClaim(**c.model_dump(exclude={"problems"}), id=f"C{len(claims) + 1}", speaker_id=resolver(c.speaker, aid))
                )
        for f in ex.figures:
            if keep("figure", f, f"{f.value:g} {f.unit} ({f.counts})", ex.attempts):
                figures.append(
                    BriefFigure(**f.model_dump(exclude={"problems"}), id=f"F{len(figures) + 1}", source_id=resolver(f.source, aid))
                )
        for s in ex.stances:
            if keep("stance", s, f"{s.holder} {s.polarity} {s.target}", ex.attempts):
                target_id = resolver(s.target, aid) if s.target_kind == "actor" else None
                stances.append(
                    BriefStance(
                        **s.model_dump(exclude={"problems"}),
                        id=f"S{len(stances) + 1}",
                        holder_id=resolver(s.holder, aid),
                        target_id=target_id,
                    )
                )

    name_words = {w for a in actors for f in a.forms for w in tokens(f.form, a.kind == "person")}
    return Brief(
        generated_at=(now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        articles=[ex.article for ex in extractions],
        producer=producer,
        actors=actors,
        claims=claims,
        figures=figures,
        stances=stances,
        claim_clusters=cluster_claims(claims, lambda c: names.get(c.speaker_id or "", c.speaker)),
        contested=contests(claims, name_words),
        figure_groups=reconcile(figures, lambda f: names.get(f.source_id or "", f.source)),
        stance_matrix=stance_matrix(stances, names),
        timeline=sorted(
            (e for ex in extractions for e in ex.events), key=lambda e: (e.date, e.evidence.article_id, e.evidence.start or 0)
        ),
        unverified=unverified,
        coverage=[ex.coverage for ex in extractions],
        failed=failures,
        usage=usage,
    )


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
