"""Resolve actors across and within articles, recording the rule behind every join.

Strong rules join clusters wherever they produce the same key (union-find over a key
index, so the cost grows with the number of names, never with pairs of them):

* **alias** — forms the model gave for one actor inside one article;
* **spelling** — equal once case, diacritics, hyphens, spacing and titles are folded
  ("Kim Yonghyun" ~ "Kim Yong-hyun", "President Lee" ~ "Lee",
  "US Secretary of State Antony Blinken" ~ "Antony Blinken");
* **similar spelling** — people (full names) or organisations and groups whose names
  have as many words, all equal but one and that one close by rapidfuzz
  (:func:`summarize.text.names.similar_names`: "Andriy Sybiga" ~ "Andrii Sybiha", "Rosneft
  Trading" ~ "Rosnieft Trading"), compared only within a block of names of one kind with
  the same initials, and joined only when no two full names of the two clusters are
  incompatible.

One-word aliases of people never produce a key: "Kim" would join Kim Jong Un to
Kim Yong-hyun.  Which organisation or capital stands for which country is left to the
model's link answer (:mod:`summarize.link.links`): the package holds no gazetteer.

Weak rules then attach a cluster to exactly one target, chosen among the clusters the
strong rules formed, and never make it a target in turn, so no chain of weak matches
joins A to C through B:

* **bare name in article** — a one-word person name inside its own article goes to the
  full name it is part of; with several, to the one the article mentions most, if one
  leads ("Kim" -> Kim Jong Un where the article is about him);
* **short name** — a one-word person name across articles goes to the one multi-word
  person whose first or last word it is (or is spelled like); with two candidates it
  stays apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from summarize.text.names import (
    incompatible,
    name_key,
    similar_names,
    similar_word,
    tokens,
)
from summarize.models import OUTLET, BriefActor, Evidence, SurfaceForm


@dataclass
class Mention:
    article_id: str
    name: str
    aliases: list[str]
    kind: str
    role: str | None
    evidence: list[Evidence]
    mentions: int = 1
    rules: list[str] = field(default_factory=list)

    @property
    def person(self) -> bool:
        return self.kind == "person"


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    def kind(self) -> str:
        return Counter(m.kind for m in self.mentions).most_common(1)[0][0]

    def canonical(self) -> str:
        counts = Counter(m.name for m in self.mentions)
        return max(counts, key=lambda n: (len(tokens(n, True)), counts[n], -len(n), n))

    def article_ids(self) -> set[str]:
        return {m.article_id for m in self.mentions}


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


def _strong_keys(m: Mention) -> list[tuple[str, str, str]]:
    """(rule, key, form) for every key a mention can be joined on."""
    keys = []
    for form in (m.name, *m.aliases):
        multi = len(tokens(form, m.person)) > 1
        if form is m.name or multi or not m.person:
            keys.append(("spelling", "n:" + name_key(form, m.person), form))
    return [k for k in keys if k[1] != "n:"]


def _bare(m: Mention) -> str | None:
    """The one folded word of a one-word person name, else None."""
    words = tokens(m.name, True)
    return words[0] if m.person and len(words) == 1 else None


def resolve(mentions: list[Mention]) -> list[Cluster]:
    """Clusters of mentions, each naming the rules that joined it."""
    mentions = _attach_bare_names_in_article(mentions)
    uf = _UnionFind(len(mentions))
    why: dict[int, list[str]] = defaultdict(list)
    first: dict[str, tuple[int, str]] = {}
    for i, m in enumerate(mentions):
        why[i].extend(m.rules)
        if m.aliases:
            why[i].append(f"alias in article {m.article_id}: {m.name} = {', '.join(m.aliases)}")
        for rule, key, form in _strong_keys(m):
            j, other = first.setdefault(key, (i, form))
            if j != i and uf.union(i, j) and other != form:
                why[i].append(f"{rule}: {form} ~ {other}")
    _join_similar_spellings(mentions, uf, why)
    groups: dict[int, Cluster] = {}
    for i, m in enumerate(mentions):
        cluster = groups.setdefault(uf.find(i), Cluster())
        cluster.mentions.append(m)
        cluster.rules.extend(why[i])
    return _attach_short_names(list(groups.values()))


def _full_names(m: Mention) -> list[str]:
    return [f for f in (m.name, *m.aliases) if m.person and len(tokens(f, True)) > 1]


def _spellings(m: Mention) -> list[str]:
    """The forms compared by spelling: a person's full names, every name of an
    organisation or group (a country's name is left to the model)."""
    if m.person:
        return _full_names(m)
    return [f for f in (m.name, *m.aliases) if m.kind in ("organisation", "group") and tokens(f)]


def _join_similar_spellings(mentions: list[Mention], uf: _UnionFind, why: dict[int, list[str]]) -> None:
    """Union names spelled alike, blocked by kind and initials; never when any two full
    names of the two clusters are incompatible."""
    blocks: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for i, m in enumerate(mentions):
        for form in _spellings(m):
            blocks[(m.person, *(w[0] for w in tokens(form, m.person)))].append((i, form))
    members: dict[int, list[str]] = defaultdict(list)
    for i, m in enumerate(mentions):
        members[uf.find(i)].extend(_full_names(m))
    for block in blocks.values():
        for x, (i, form) in enumerate(block):
            for j, other in block[:x]:
                ri, rj = uf.find(i), uf.find(j)
                if ri == rj or not similar_names(form, other, mentions[i].person):
                    continue
                if any(incompatible(a, b) for a in members[ri] for b in members[rj]):
                    continue
                uf.union(ri, rj)
                members[uf.find(ri)] = members.pop(ri) + members.pop(rj)
                why[i].append(f"similar spelling: {form} ~ {other}")


def _attach_bare_names_in_article(mentions: list[Mention]) -> list[Mention]:
    """Fold one-word person actors into the full-name actor they stand for in their article."""
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_article[m.article_id].append(m)
    attached: set[int] = set()
    for article_id, group in by_article.items():
        full = [m for m in group if m.person and len(tokens(m.name, True)) > 1]
        for m in group:
            word = _bare(m)
            picked = _pick_in_article(word, full) if word else None
            if picked is None:
                continue
            target, how = picked
            target.aliases = list(dict.fromkeys([*target.aliases, m.name, *m.aliases]))
            target.evidence.extend(m.evidence)
            target.rules.append(f"bare name in article {article_id}: {m.name} -> {target.name}{how}")
            attached.add(id(m))
    return [m for m in mentions if id(m) not in attached]


def _pick_in_article(word: str, full: list[Mention]) -> tuple[Mention, str] | None:
    candidates = [m for m in full if word in (tokens(m.name, True)[0], tokens(m.name, True)[-1])]
    if len(candidates) == 1:
        return candidates[0], ""
    ranked = sorted(candidates, key=lambda m: -m.mentions)
    if len(ranked) > 1 and ranked[0].mentions > ranked[1].mentions:
        others = ", ".join(f"{m.name} {m.mentions}" for m in ranked[1:])
        return ranked[0], f" (mentioned {ranked[0].mentions} times; {others})"
    return None


def _attach_short_names(clusters: list[Cluster]) -> list[Cluster]:
    targets = [c for c in clusters if any(len(tokens(m.name, m.person)) > 1 for m in c.mentions)]
    target_ids = {id(c) for c in targets}
    by_initial: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for index, cluster in enumerate(targets):
        if cluster.kind() != "person":
            continue
        for m in cluster.mentions:
            words = tokens(m.name, True)
            if len(words) > 1:
                for word in (words[0], words[-1]):
                    by_initial[word[0]][word].add(index)
    result = list(targets)
    for cluster in clusters:
        if id(cluster) in target_ids:
            continue
        word = _bare(cluster.mentions[0])
        candidates = _short_name_targets(word, by_initial) if word else set()
        if len(candidates) != 1:
            result.append(cluster)
            continue
        target = targets[next(iter(candidates))]
        target.mentions.extend(cluster.mentions)
        target.rules.extend(cluster.rules)
        target.rules.append(f"short name: {cluster.mentions[0].name} ~ {target.canonical()}")
    return result


def _short_name_targets(word: str, by_initial: dict[str, dict[str, set[int]]]) -> set[int]:
    """Targets with a first or last word equal to ``word``, else spelled like it."""
    words = by_initial.get(word[0], {})
    if word in words:
        return words[word]
    return {i for other, ids in words.items() if similar_word(word, other) for i in ids}


def brief_actors(clusters: list[Cluster]) -> tuple[list[BriefActor], dict[tuple[str, str], int]]:
    """Numbered actors, most widely reported first, and how often each article names each."""
    clusters = sorted(
        clusters, key=lambda c: (-len(c.article_ids()), -len(c.mentions), c.canonical().casefold(), c.canonical())
    )
    actors = []
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for index, cluster in enumerate(clusters, 1):
        for m in cluster.mentions:
            weights[(m.article_id, f"A{index}")] += m.mentions
        by_form: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets
        for m in cluster.mentions:
            for form in (m.name, *m.aliases):
                by_form[form][m.article_id] = None
        actors.append(
            BriefActor(
                id=f"A{index}",
                name=cluster.canonical(),
                kind=cluster.kind(),  # type: ignore[arg-type]
                roles=sorted({m.role for m in cluster.mentions if m.role}),
                forms=[SurfaceForm(form=f, article_ids=list(ids)) for f, ids in by_form.items()],
                merged_by=list(dict.fromkeys(cluster.rules)),
                evidence=[ev for m in cluster.mentions for ev in m.evidence],
            )
        )
    return actors, dict(weights)


class Resolver:
    """Maps a name used in one article (a speaker, holder, source or target) to an actor id."""

    def __init__(self, actors: list[BriefActor], weights: dict[tuple[str, str], int] | None = None):
        self.weights = weights or {}
        self.local: dict[tuple[str, str], str] = {}
        self.words: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.everywhere: dict[str, set[str]] = defaultdict(set)
        for actor in actors:
            person = actor.kind == "person"
            for form in actor.forms:
                key = name_key(form.form, person)
                for article_id in form.article_ids:
                    self.local[(article_id, key)] = actor.id
                    for word in tokens(form.form, person):
                        self.words[(article_id, word)].add(actor.id)
                if len(tokens(form.form, person)) > 1 or form.form == actor.name:
                    self.everywhere[key].add(actor.id)

    def __call__(self, name: str, article_id: str) -> str | None:
        if not name or name.strip().casefold() == OUTLET:
            return None
        for person in (False, True):
            key = name_key(name, person)
            if (article_id, key) in self.local:
                return self.local[(article_id, key)]
        words = tokens(name, True)
        if len(words) == 1 and self.words.get((article_id, words[0])):
            ranked = sorted(self.words[(article_id, words[0])], key=lambda i: (-self.weights.get((article_id, i), 0), i))
            top = [self.weights.get((article_id, i), 0) for i in ranked[:2]]
            if len(ranked) == 1 or top[0] > top[1]:
                return ranked[0]  # a bare name: the one actor, or the one the article names most
        ids = self.everywhere.get(name_key(name, True), set())
        return next(iter(ids)) if len(ids) == 1 else None
