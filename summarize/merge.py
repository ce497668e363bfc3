"""Merge per-article extractions into one brief.  Deterministic: no model calls.

Actor resolution, in order:

1. **alias** — forms the model listed as the same actor inside one article stay together.
2. **spelling** — across articles, names that are equal once case, diacritics, hyphens,
   spacing and leading titles are folded ("Kim Yong-hyun" ~ "Kim Yonghyun",
   "Kim Jong-un" ~ "Kim Jong Un").  One-word aliases never link articles: "Kim" alone
   would join Kim Jong Un to Kim Yong-hyun.
3. **short name** — a one-word name ("Zelensky") joins the one multi-word actor of the
   same kind whose first or last word it is ("Volodymyr Zelensky"); with two candidates it
   stays apart.  Candidates are the clusters formed by rules 1-2, so a short name never
   bridges two of them.

Only verified items (quote aligned, every check passed) are merged; the rest go to
``unverified`` with their problems.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .names import name_key, tokens
from .models import (
    OUTLET,
    ArticleExtraction,
    Brief,
    BriefActor,
    BriefClaim,
    BriefFigure,
    BriefStance,
    Evidence,
    ExtractionFailure,
    Producer,
    SurfaceForm,
    UnverifiedItem,
    Usage,
)

@dataclass
class _Mention:
    article_id: str
    name: str
    aliases: list[str]
    kind: str
    role: str | None
    evidence: Evidence


@dataclass
class _Cluster:
    mentions: list[_Mention] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    def forms(self) -> list[tuple[str, str]]:
        return [(m.article_id, form) for m in self.mentions for form in [m.name, *m.aliases]]

    def strong_keys(self) -> set[str]:
        keys = {name_key(m.name) for m in self.mentions}
        keys |= {name_key(a) for m in self.mentions for a in m.aliases if len(tokens(a)) > 1}
        return {k for k in keys if k}

    def kind(self) -> str:
        return Counter(m.kind for m in self.mentions).most_common(1)[0][0]

    def canonical(self) -> str:
        counts = Counter(m.name for m in self.mentions)
        return max(counts, key=lambda n: (len(tokens(n)), counts[n], len(n), n))


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def _resolve_actors(mentions: list[_Mention]) -> list[_Cluster]:
    # Rules 1-2: one cluster per mention, joined wherever strong keys coincide.
    seeds = [_Cluster([m]) for m in mentions]
    uf = _UnionFind(len(seeds))
    first_with_key: dict[str, int] = {}
    why: dict[int, list[str]] = defaultdict(list)
    for i, cluster in enumerate(seeds):
        m = cluster.mentions[0]
        if m.aliases:
            why[i].append(f"aliases in article {m.article_id}: {m.name} = {', '.join(m.aliases)}")
        for key in sorted(cluster.strong_keys()):
            j = first_with_key.setdefault(key, i)
            if j != i and uf.union(i, j):
                other = seeds[j].mentions[0].name
                if other != m.name:
                    why[i].append(f"spelling: {m.name} ~ {other}")
    clusters = _collect(seeds, uf, why)

    # Rule 3: one-word person names join a unique multi-word cluster of the same kind.
    multi = [c for c in clusters if any(len(tokens(m.name)) > 1 for m in c.mentions)]
    by_word: dict[tuple[str, str], set[int]] = defaultdict(set)
    for index, cluster in enumerate(multi):
        for m in cluster.mentions:
            words = tokens(m.name)
            if len(words) > 1:
                by_word[(cluster.kind(), words[0])].add(index)
                by_word[(cluster.kind(), words[-1])].add(index)
    result: list[_Cluster] = list(multi)
    multi_ids = {id(c) for c in multi}
    for cluster in clusters:
        if id(cluster) in multi_ids:
            continue
        word = name_key(cluster.mentions[0].name)
        candidates = by_word.get((cluster.kind(), word), set())
        if cluster.kind() == "person" and len(candidates) == 1:
            target = multi[next(iter(candidates))]
            target.mentions.extend(cluster.mentions)
            target.rules.extend(cluster.rules)
            target.rules.append(f"short name: {cluster.mentions[0].name} ~ {target.canonical()}")
        else:
            result.append(cluster)
    return result


def _collect(seeds: list[_Cluster], uf: _UnionFind, why: dict[int, list[str]]) -> list[_Cluster]:
    groups: dict[int, _Cluster] = {}
    for i, seed in enumerate(seeds):
        group = groups.setdefault(uf.find(i), _Cluster())
        group.mentions.extend(seed.mentions)
        group.rules.extend(why[i])
    return list(groups.values())


def _brief_actor(actor_id: str, cluster: _Cluster) -> BriefActor:
    by_form: dict[str, list[str]] = defaultdict(list)
    for article_id, form in cluster.forms():
        if article_id not in by_form[form]:
            by_form[form].append(article_id)
    roles = sorted({m.role for m in cluster.mentions if m.role})
    return BriefActor(
        id=actor_id,
        name=cluster.canonical(),
        kind=cluster.kind(),  # type: ignore[arg-type]
        roles=roles,
        forms=[SurfaceForm(form=f, article_ids=ids) for f, ids in by_form.items()],
        merged_by=list(dict.fromkeys(cluster.rules)),
        evidence=[m.evidence for m in cluster.mentions],
    )


class _Resolver:
    """Maps a name used in one article to an actor id."""

    def __init__(self, actors: list[BriefActor]):
        self.local: dict[tuple[str, str], str] = {}
        self.global_: dict[str, set[str]] = defaultdict(set)
        for actor in actors:
            for form in actor.forms:
                key = name_key(form.form)
                for article_id in form.article_ids:
                    self.local[(article_id, key)] = actor.id
                if len(tokens(form.form)) > 1 or form.form == actor.name:
                    self.global_[key].add(actor.id)

    def __call__(self, name: str, article_id: str) -> str | None:
        if not name or name.strip().casefold() == OUTLET:
            return None
        key = name_key(name)
        if (article_id, key) in self.local:
            return self.local[(article_id, key)]
        ids = self.global_.get(key, set())
        return next(iter(ids)) if len(ids) == 1 else None


def merge(
    extractions: list[ArticleExtraction],
    failures: list[ExtractionFailure],
    producer: Producer,
    usage: Usage,
    now: datetime | None = None,
) -> Brief:
    mentions: list[_Mention] = []
    unverified: list[UnverifiedItem] = []

    def keep(kind: str, item, summary: str, attempts: int) -> bool:
        if item.verified:
            return True
        problems = list(item.problems) or ["quote not found in the article"]
        reason = f"{'; '.join(problems)} (after {attempts} answer(s))"
        unverified.append(UnverifiedItem(item=kind, summary=summary, reason=reason, evidence=item.evidence))
        return False

    for ex in extractions:
        for a in ex.actors:
            if keep("actor", a, a.name, ex.attempts):
                mentions.append(_Mention(ex.article.id, a.name, a.aliases, a.kind, a.role, a.evidence))

    clusters = _resolve_actors(mentions)
    clusters.sort(
        key=lambda c: (-len({m.article_id for m in c.mentions}), -len(c.mentions), c.canonical().casefold())
    )
    actors = [_brief_actor(f"A{i}", c) for i, c in enumerate(clusters, 1)]
    resolve = _Resolver(actors)

    claims: list[BriefClaim] = []
    figures: list[BriefFigure] = []
    stances: list[BriefStance] = []
    for ex in extractions:
        aid = ex.article.id
        for c in ex.claims:
            if keep("claim", c, f"{c.speaker}: {c.text}", ex.attempts):
                claims.append(
                    BriefClaim(**c.model_dump(exclude={"problems"}), id=f"C{len(claims) + 1}", speaker_id=resolve(c.speaker, aid))
                )
        for f in ex.figures:
            if keep("figure", f, f"{f.value:g} {f.unit} ({f.counts})", ex.attempts):
                figures.append(
                    BriefFigure(**f.model_dump(exclude={"problems"}), id=f"F{len(figures) + 1}", source_id=resolve(f.source, aid))
                )
        for s in ex.stances:
            if keep("stance", s, f"{s.holder} {s.polarity} {s.target}", ex.attempts):
                target_id = resolve(s.target, aid) if s.target_kind == "actor" else None
                stances.append(
                    BriefStance(
                        **s.model_dump(exclude={"problems"}), id=f"S{len(stances) + 1}", holder_id=resolve(s.holder, aid), target_id=target_id
                    )
                )

    return Brief(
        generated_at=(now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        articles=[ex.article for ex in extractions],
        producer=producer,
        actors=actors,
        claims=claims,
        figures=figures,
        stances=stances,
        unverified=unverified,
        coverage=[ex.coverage for ex in extractions],
        failed=failures,
        usage=usage,
    )
