"""Cross-article links: which grounded items of a story are one entity, one claim, one
quantity or one issue, and which claims contradict.

:func:`link_group` is the entry point, a pure function over one story's grounded items
(or the whole folder's, until stories exist): with a model client it sends one structured
request (split by articles when large) under :class:`~summarize.models.LinkDraft`, whose
answer is validated like an extraction — every id exists and has the right kind, no group
joins items the rules mark incompatible (two people with different full names, a
percentage and money) — and reasked naming the ids.  Without a client, or when the
request fails, the deterministic rules decide (:mod:`summarize.link.corroborate`,
:mod:`summarize.link.reconcile`, :func:`rule_issues`), and the result says why.  The same
rules' candidates go to the model as hints.

:func:`apply_links` writes a result into a brief, each link marked with who made it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from pydantic import BaseModel, Field

from summarize.extract.llm import ModelClient, ModelError
from summarize.extract.prompting import link_prompt, template_version
from summarize.link import corroborate, reconcile
from summarize.link.tables import stance_matrix, story_links
from summarize.text.names import incompatible
from summarize.link.similarity import Vectors, complete_groups, content_words
from summarize.models import (
    ArticleRef,
    Brief,
    BriefActor,
    BriefClaim,
    BriefFigure,
    BriefStance,
    Contest,
    IssueGroup,
    LinkDraft,
    LinkInfo,
    LinkMaker,
    SurfaceForm,
    Usage,
)
from summarize.verify import checks

MAX_ITEMS = 400
"""Most items in one link request; a larger story is split by articles."""
SAME_ISSUE = 0.6
"""Short phrases share few words: an issue by rule needs most of them in common."""
BY_RULE = "rules only (no link request was made)"
ONE_ARTICLE = "a story of one article has no links across articles to ask for"
_PREFIX = {"A": "actor", "C": "claim", "F": "figure", "S": "stance"}


class StoryItems(BaseModel):
    """The grounded items of one story, with the ids the brief gives them."""

    articles: list[ArticleRef]
    actors: list[BriefActor]
    claims: list[BriefClaim]
    figures: list[BriefFigure]
    stances: list[BriefStance]

    def ids(self) -> dict[str, str]:
        return {i.id: _PREFIX[i.id[0]] for group in (self.actors, self.claims, self.figures, self.stances) for i in group}


class LinkResult(BaseModel):
    """Links between a story's items, and who made them."""

    actor_groups: list[list[str]] = Field(default_factory=list)
    claim_groups: list[list[str]] = Field(default_factory=list)
    contradictions: list[tuple[str, str, str]] = Field(default_factory=list, description="(claim id, claim id, reason)")
    figure_groups: list[list[str]] = Field(default_factory=list)
    issues: list[tuple[str, list[str]]] = Field(default_factory=list, description="(canonical issue, stance ids)")
    info: LinkInfo


def items_of(brief: Brief, article_ids: set[str] | None = None) -> StoryItems:
    """The brief's items, or those of these articles."""
    every = StoryItems(articles=brief.articles, actors=brief.actors, claims=brief.claims, figures=brief.figures, stances=brief.stances)
    return every if article_ids is None else _subset(every, article_ids)


def _subset(items: StoryItems, keep: set[str]) -> StoryItems:
    """The items of the articles in ``keep`` (an actor when any of them names it)."""
    return StoryItems(
        articles=[a for a in items.articles if a.id in keep],
        actors=[a for a in items.actors if keep & {i for f in a.forms for i in f.article_ids}],
        claims=[c for c in items.claims if c.evidence.article_id in keep],
        figures=[f for f in items.figures if f.evidence.article_id in keep],
        stances=[s for s in items.stances if s.evidence.article_id in keep],
    )


def story_items(brief: Brief) -> list[StoryItems]:
    """One set of items per story (the whole brief when it has no stories)."""
    if not brief.stories:
        return [items_of(brief)]
    story_of = {a: n for n, story in enumerate(brief.stories) for a in story.article_ids}
    parts: list[dict[str, list]] = [defaultdict(list) for _ in brief.stories]

    def put(field: str, item, article_ids) -> None:
        for n in dict.fromkeys(story_of[a] for a in article_ids if a in story_of):
            parts[n][field].append(item)

    for a in brief.articles:
        put("articles", a, [a.id])
    for actor in brief.actors:
        put("actors", actor, [i for f in actor.forms for i in f.article_ids])
    for field in ("claims", "figures", "stances"):
        for item in getattr(brief, field):
            put(field, item, [item.evidence.article_id])
    return [StoryItems(**{f: part[f] for f in ("articles", "actors", "claims", "figures", "stances")}) for part in parts]


# --------------------------------------------------------------------------- by rule


def rule_issues(stances: list[BriefStance], articles: list[ArticleRef] | None = None) -> list[tuple[str, list[str]]]:
    """Stance targets on one issue, by rule: the same actor, or issue phrases close by
    TF-IDF to every other phrase of the group (each read in its article's language, from
    ``articles``).  Only groups of two or more stances."""
    by_actor: dict[str, list[str]] = defaultdict(list)
    phrases = [s for s in stances if not s.target_id]
    for s in stances:
        if s.target_id:
            by_actor[s.target_id].append(s.id)
    out = [(next(s.target for s in stances if s.id == ids[0]), ids) for ids in by_actor.values() if len(ids) > 1]
    vectors = Vectors([s.target for s in phrases], corroborate.languages_of(phrases, articles or []))
    for group in complete_groups(vectors, SAME_ISSUE):
        if len(group) > 1:
            out.append((phrases[group[0]].target, [phrases[k].id for k in group]))
    return out


def rule_links(items: StoryItems, reason: str) -> LinkResult:
    """The links the rules find among one story's items, each item read in its article's
    language."""
    claims, figures = items.claims, items.figures
    languages = corroborate.languages_of(claims, items.articles)
    vectors = Vectors([c.text for c in claims], languages)
    return LinkResult(
        claim_groups=[[claims[i].id for i in g] for g in corroborate.claim_groups(claims, vectors, languages) if len(g) > 1],
        contradictions=[
            (claims[r].id, claims[d].id, f"{claims[d].id} denies what {claims[r].id} reports")
            for r, d, _ in corroborate.contested_pairs(claims, vectors, languages)
        ],
        figure_groups=[[figures[i].id for i in g] for g in reconcile.figure_groups(figures, items.articles) if len(g) > 1],
        issues=rule_issues(items.stances, items.articles),
        info=LinkInfo(made_by="rule", reason=reason),
    )


def hints(result: LinkResult, present: set[str]) -> list[str]:
    """The rules' candidates among the ``present`` ids, as id-only lines for the link prompt."""
    candidates = (
        [("same claim", g) for g in result.claim_groups]
        + [("contradiction", [a, b]) for a, b, _ in result.contradictions]
        + [("same quantity", g) for g in result.figure_groups]
        + [("one issue", ids) for _, ids in result.issues]
    )
    return [f"{what}: {', '.join(ids)}" for what, ids in candidates if set(ids) <= present]


def links_in(brief: Brief, items: StoryItems | None = None) -> LinkResult:
    """The links a brief already holds (those :func:`apply_links` wrote, e.g. the rules'
    that :func:`summarize.merge.merge` applied), or those among one story's ``items``, so
    they need not be found again."""
    present = set(items.ids()) if items is not None else None
    inside = lambda ids: present is None or set(ids) <= present  # noqa: E731
    return LinkResult(
        claim_groups=[k.claim_ids for k in brief.claim_clusters if len(k.claim_ids) > 1 and inside(k.claim_ids)],
        contradictions=[(*x.claim_ids, x.reason) for x in brief.contested if inside(x.claim_ids)],
        figure_groups=[g.figure_ids for g in brief.figure_groups if inside(g.figure_ids)],
        issues=[(i.issue, i.stance_ids) for i in brief.issues if inside(i.stance_ids)],
        info=brief.linking or LinkInfo(made_by="rule", reason=BY_RULE),
    )


def links_by_story(brief: Brief, stories: list[StoryItems]) -> list[LinkResult]:
    """:func:`links_in` for each of ``stories`` at once: one pass over the brief's links, each
    given to the story that holds all its items (none when its items span stories)."""
    home: dict[str, set[int]] = defaultdict(set)
    for n, items in enumerate(stories):
        for item_id in items.ids():
            home[item_id].add(n)
    parts: list[dict[str, list]] = [defaultdict(list) for _ in stories]

    def put(field: str, value, ids) -> None:
        shared = set.intersection(*(home.get(i, set()) for i in ids)) if ids else set()
        for n in shared:
            parts[n][field].append(value)

    for k in brief.claim_clusters:
        if len(k.claim_ids) > 1:
            put("claim_groups", k.claim_ids, k.claim_ids)
    for x in brief.contested:
        put("contradictions", (*x.claim_ids, x.reason), x.claim_ids)
    for g in brief.figure_groups:
        put("figure_groups", g.figure_ids, g.figure_ids)
    for i in brief.issues:
        put("issues", (i.issue, i.stance_ids), i.stance_ids)
    info = brief.linking or LinkInfo(made_by="rule", reason=BY_RULE)
    return [LinkResult(**part, info=info) for part in parts]


# --------------------------------------------------------------------------- by model


def _item_json(items: StoryItems) -> list[dict]:
    dates = {a.id: str(a.date) if a.date else None for a in items.articles}
    names = {a.id: a.name for a in items.actors}

    def where(ev) -> dict:
        return {"article": ev.article_id, "date": dates.get(ev.article_id), "quote": ev.quote}

    out: list[dict] = []
    for a in items.actors:
        forms = [f.form for f in a.forms]
        out.append({"id": a.id, "kind": f"actor ({a.kind})", "name": a.name, "forms": forms, "articles": sorted({i for f in a.forms for i in f.article_ids})})
    for c in items.claims:
        out.append({"id": c.id, "kind": f"claim ({c.kind})", "text": c.text, "speaker": names.get(c.speaker_id or "", c.speaker), **where(c.evidence)})
    for f in items.figures:
        text = f"{f.value:g} {f.unit}: {f.counts}" + (f" ({f.applies_to})" if f.applies_to else "")
        out.append({"id": f.id, "kind": f"figure ({f.bound})", "text": text, "source": names.get(f.source_id or "", f.source), **where(f.evidence)})
    for s in items.stances:
        holder = names.get(s.holder_id or "", s.holder)
        out.append({"id": s.id, "kind": "stance", "text": f"{holder} {s.polarity} {s.target}", "target": s.target, **where(s.evidence)})
    return out


def problems(draft: LinkDraft, items: StoryItems) -> list[str]:
    """What is wrong with a link answer, one line per group, naming the ids."""
    kinds = items.ids()
    actor = {a.id: a for a in items.actors}
    figure = {f.id: f for f in items.figures}
    found: list[str] = []

    def check(field: str, index: int, ids: list[str], kind: str, least: int = 2) -> bool:
        unknown = [i for i in ids if i not in kinds]
        wrong = [i for i in ids if i in kinds and kinds[i] != kind]
        lines = []
        if unknown:
            lines.append(f"{', '.join(unknown)} not in the story")
        if wrong:
            lines.append(f"{', '.join(wrong)} not a {kind}")
        if len(set(ids)) < least:
            lines.append(f"needs {least} different {kind} ids")
        if lines:
            found.append(f"{field}[{index}] ({', '.join(ids)}): {'; '.join(lines)}")
        return not lines

    for n, g in enumerate(draft.actor_groups):
        if check("actor_groups", n, g.ids, "actor"):
            clash = _incompatible_actors([actor[i] for i in g.ids])
            if clash:
                found.append(f"actor_groups[{n}]: {clash[0]} and {clash[1]} are different entities by rule (different kinds or full names)")
    for n, g in enumerate(draft.claim_groups):
        check("claim_groups", n, g.ids, "claim")
    for n, x in enumerate(draft.contradictions):
        if check("contradictions", n, x.ids, "claim") and len(x.ids) != 2:
            found.append(f"contradictions[{n}] ({', '.join(x.ids)}): a contradiction is exactly two claim ids")
    for n, g in enumerate(draft.figure_groups):
        if check("figure_groups", n, g.ids, "figure"):
            members = [figure[i] for i in g.ids]
            if any(not reconcile.compatible_units(a, b) for a in members for b in members):
                found.append(f"figure_groups[{n}] ({', '.join(g.ids)}): a percentage, or money in one currency, is not the same quantity as the others")
    seen: dict[str, int] = {}
    for n, issue in enumerate(draft.issues):
        if check("issues", n, issue.stance_ids, "stance", least=1):
            twice = [i for i in issue.stance_ids if seen.setdefault(i, n) != n]
            if twice:
                found.append(f"issues[{n}]: {', '.join(twice)} already in issues[{seen[twice[0]]}]; one issue per stance")
    return found


def _incompatible_actors(group: list[BriefActor]) -> tuple[str, str] | None:
    for x, a in enumerate(group):
        for b in group[x + 1 :]:
            people = {a.kind, b.kind} == {"person"}
            if "person" in {a.kind, b.kind} and not people:
                return a.id, b.id
            if people and any(incompatible(f.form, g.form) for f in a.forms for g in b.forms):
                return a.id, b.id
    return None


def _validator(items: StoryItems) -> Callable[[LinkDraft], None]:
    return checks.raising(
        lambda draft: problems(draft, items),
        "link_check",
        "link(s) are invalid. Use only ids listed in the story, of the right kind, and fix or drop these",
    )


def _valid_only(draft: LinkDraft, items: StoryItems) -> LinkDraft:
    """What is left of an answer the reasks did not fix: each invalid link dropped."""

    def ok(field: str, entry) -> bool:
        probe = LinkDraft(**{field: [entry]})
        return not problems(probe, items)

    return LinkDraft(
        **{field: [e for e in getattr(draft, field) if ok(field, e)] for field in LinkDraft.model_fields}
    )


def _parts(items: StoryItems, limit: int) -> list[StoryItems]:
    """The story split by articles so that no part holds more than ``limit`` items
    (an article larger than that is a part of its own)."""
    per_article: dict[str, int] = defaultdict(int)
    for group in (items.claims, items.figures, items.stances):
        for item in group:
            per_article[item.evidence.article_id] += 1
    batches: list[list[str]] = [[]]
    size = 0
    for ref in items.articles:
        n = per_article[ref.id]
        if batches[-1] and size + n > limit:
            batches.append([])
            size = 0
        batches[-1].append(ref.id)
        size += n
    if len(batches) == 1:
        return [items]
    return [_subset(items, set(batch)) for batch in batches]


def _ask(items: StoryItems, client: ModelClient, hint_lines: list[str], max_retries: int):
    """The model's answer with every invalid link dropped, how many links it proposed, and the usage."""
    prompt = link_prompt([a.id for a in items.articles], _item_json(items), hint_lines)
    answer = client.structured(
        prompt.messages, LinkDraft, context={"check": _validator(items)}, max_retries=max_retries, what="the link request"
    )
    return _valid_only(answer.value, items), _count(answer.value), answer.usage


def _count(draft: LinkDraft) -> int:
    return sum(len(getattr(draft, field)) for field in LinkDraft.model_fields)


def link_group(
    items: StoryItems,
    client: ModelClient | None,
    max_retries: int = 2,
    fallback_reason: str = "--no-link-model",
    hints_from: LinkResult | None = None,
    limit: int = MAX_ITEMS,
) -> LinkResult:
    """Links between one story's items: the model's validated answer when ``client`` is
    given and answers, else the rules' (the result's ``info`` says which and why)."""
    by_rule = hints_from or rule_links(items, fallback_reason)
    if client is None:
        return by_rule.model_copy(update={"info": LinkInfo(made_by="rule", reason=fallback_reason)})
    parts = _parts(items, limit)
    usage = Usage()
    drafts = []
    proposed = 0
    for part in parts:
        try:
            draft, asked, spent = _ask(part, client, hints(by_rule, set(part.ids())), max_retries)
        except ModelError as err:
            usage = usage.add(err.usage)
            info = LinkInfo(made_by="rule", reason=f"the link request failed: {err}", requests=usage.requests, usage=usage)
            return by_rule.model_copy(update={"info": info})
        usage = usage.add(spent)
        drafts.append(draft)
        proposed += asked
    version = template_version("link.j2")
    split = f", split into {len(parts)} requests by articles (no links across parts)" if len(parts) > 1 else ""
    kept = sum(_count(d) for d in drafts)
    if proposed and not kept:
        # Every link the model proposed failed the checks even after the reasks: the rules decide.
        reason = f"every link the model proposed ({proposed}) failed the checks after {max_retries} reask(s)"
        return by_rule.model_copy(update={"info": LinkInfo(made_by="rule", reason=reason, requests=usage.requests, usage=usage)})
    if kept < proposed:
        split += f"; {proposed - kept} of its {proposed} links failed the checks after the reasks and were dropped"
    result = LinkResult(
        actor_groups=[g.ids for d in drafts for g in d.actor_groups],
        claim_groups=[g.ids for d in drafts for g in d.claim_groups],
        contradictions=[(x.ids[0], x.ids[1], x.reason) for d in drafts for x in d.contradictions],
        figure_groups=[g.ids for d in drafts for g in d.figure_groups],
        issues=[(i.issue, i.stance_ids) for d in drafts for i in d.issues],
        info=LinkInfo(
            made_by="model", reason=f"the model's validated link answer{split}", requests=usage.requests, prompt_version=version, usage=usage
        ),
    )
    return result


# --------------------------------------------------------------------------- into the brief


def combined(results: list[LinkResult]) -> LinkResult:
    """The links of several stories as one result; made by the model when any story's were."""
    if len(results) == 1:
        return results[0]
    infos = [r.info for r in results]
    usage = Usage()
    for info in infos:
        usage = usage.add(info.usage)
    model = [i for i in infos if i.made_by == "model"]
    reasons = list(dict.fromkeys(i.reason for i in infos))
    return LinkResult(
        actor_groups=[g for r in results for g in r.actor_groups],
        claim_groups=[g for r in results for g in r.claim_groups],
        contradictions=[x for r in results for x in r.contradictions],
        figure_groups=[g for r in results for g in r.figure_groups],
        issues=[i for r in results for i in r.issues],
        info=LinkInfo(
            made_by="model" if model else "rule",
            reason=f"{len(results)} stories: " + "; ".join(reasons) if len(reasons) > 1 else reasons[0],
            requests=sum(i.requests for i in infos),
            prompt_version=model[0].prompt_version if model else None,
            usage=usage,
        ),
    )


def _words_of(claims: list[BriefClaim], languages: list[str], n: int) -> tuple[str, ...]:
    return content_words(claims[n].text, languages[n])


def apply_links(brief: Brief, results: LinkResult | list[LinkResult]) -> Brief:
    """The brief with these links (one result, or one per story): actors joined (every
    reference to them moved), claim clusters, contested pairs, figure comparisons, issues,
    the stance matrix and each story's links rebuilt."""

    results = results if isinstance(results, list) else [results]
    result = combined(results)
    makers: dict[str, LinkMaker] = {}
    for r in results:
        for ids in (*r.actor_groups, *r.claim_groups, *r.figure_groups, *(x[:2] for x in r.contradictions), *(i[1] for i in r.issues)):
            for i in ids:
                makers.setdefault(i, r.info.made_by)
    made_by = lambda i: makers.get(i, "rule")  # noqa: E731
    actors, moved = _join_actors(brief.actors, result.actor_groups, made_by)
    move = lambda i: moved.get(i, i) if i else i  # noqa: E731
    claims = [c.model_copy(update={"speaker_id": move(c.speaker_id)}) if c.speaker_id in moved else c for c in brief.claims]
    figures = [f.model_copy(update={"source_id": move(f.source_id)}) if f.source_id in moved else f for f in brief.figures]
    stances = [
        s.model_copy(update={"holder_id": move(s.holder_id), "target_id": move(s.target_id)}) if {s.holder_id, s.target_id} & moved.keys() else s
        for s in brief.stances
    ]
    names = {a.id: a.name for a in actors}
    dates = {a.id: a.date for a in brief.articles}
    languages = corroborate.languages_of(claims, brief.articles)
    claim_index = {c.id: n for n, c in enumerate(claims)}
    figure_index = {f.id: n for n, f in enumerate(figures)}
    contradictions = [(a, b, why) for a, b, why in result.contradictions if a in claim_index and b in claim_index]
    issues, issue_of = _issues(stances, result.issues, names, made_by)
    stories = [
        st.model_copy(update={"key_actor_ids": list(dict.fromkeys(move(i) for i in st.key_actor_ids))}) for st in brief.stories
    ]
    linked = brief.model_copy(
        update={
            "stories": stories,
            "actors": actors,
            "claims": claims,
            "figures": figures,
            "stances": stances,
            "claim_clusters": corroborate.clusters_of(
                claims, _partition(result.claim_groups, claim_index), lambda c: names.get(c.speaker_id or "", c.speaker), made_by
            ),
            "contested": [
                Contest(
                    id=f"X{n}",
                    claim_ids=tuple(sorted((a, b), key=lambda i: int(i[1:]))),
                    topic=sorted(set(_words_of(claims, languages, claim_index[a])) & set(_words_of(claims, languages, claim_index[b]))),
                    reason=why,
                    made_by=made_by(a),
                )
                for n, (a, b, why) in enumerate(contradictions, 1)
            ],
            "figure_groups": reconcile.compare(
                figures,
                [g for g in _partition(result.figure_groups, figure_index) if len(g) > 1],
                lambda f: names.get(f.source_id or "", f.source),
                dates.get,
                made_by,
            ),
            "issues": issues,
            "stance_matrix": stance_matrix(
                [s.model_copy(update={"target": issue_of[s.id], "target_id": None}) if s.id in issue_of else s for s in stances],
                names,
            ),
            "linking": result.info,
            "usage": brief.usage.add(result.info.usage),
        }
    )
    return linked.model_copy(update={"stories": story_links(linked)})


def _partition(groups: list[list[str]], index: dict[str, int]) -> list[list[int]]:
    """Every item in exactly one group, in the items' order: each listed group (an item
    already placed stays where it was first placed), then the rest one by one."""
    placed: dict[int, int] = {}
    out: list[list[int]] = []
    for group in groups:
        members = [index[i] for i in dict.fromkeys(group) if i in index and index[i] not in placed]
        if len(members) > 1:
            for m in members:
                placed[m] = len(out)
            out.append(sorted(members))
    out += [[i] for i in range(len(index)) if i not in placed]
    return sorted(out, key=lambda g: g[0])


def _join_actors(
    actors: list[BriefActor], groups: list[list[str]], made_by: Callable[[str], LinkMaker]
) -> tuple[list[BriefActor], dict[str, str]]:
    """Actors joined into the first (lowest) id of each group; the map of moved ids."""
    by_id = {a.id: a for a in actors}
    moved: dict[str, str] = {}
    for group in groups:
        ids = sorted({moved.get(i, i) for i in group if i in by_id or i in moved}, key=lambda i: int(i[1:]))
        if len(ids) < 2:
            continue
        head = by_id[ids[0]]
        forms = {f.form: list(f.article_ids) for f in head.forms}
        rules = list(head.merged_by)
        evidence = list(head.evidence)
        roles = set(head.roles)
        for other_id in ids[1:]:
            other = by_id.pop(other_id)
            for f in other.forms:
                forms[f.form] = list(dict.fromkeys([*forms.get(f.form, []), *f.article_ids]))
            rules += other.merged_by + [f"{made_by(group[0])}: {other.name} = {head.name}"]
            evidence += other.evidence
            roles |= set(other.roles)
            moved.update({k: head.id for k, v in moved.items() if v == other_id})
            moved[other_id] = head.id
        by_id[head.id] = head.model_copy(
            update={
                "forms": [SurfaceForm(form=f, article_ids=ids_) for f, ids_ in forms.items()],
                "merged_by": list(dict.fromkeys(rules)),
                "evidence": evidence,
                "roles": sorted(roles),
            }
        )
    return [by_id[a.id] for a in actors if a.id in by_id], moved


def _issues(
    stances: list[BriefStance], issues: list[tuple[str, list[str]]], names: dict[str, str], made_by: Callable[[str], LinkMaker]
) -> tuple[list[IssueGroup], dict[str, str]]:
    stance = {s.id: s for s in stances}
    out: list[IssueGroup] = []
    issue_of: dict[str, str] = {}
    for issue, ids in issues:
        members = [stance[i] for i in dict.fromkeys(ids) if i in stance and i not in issue_of]
        if not members:
            continue
        issue_of.update({s.id: issue for s in members})
        side = lambda polarity: list(dict.fromkeys(names.get(s.holder_id or "", s.holder) for s in members if s.polarity == polarity))  # noqa: E731
        support, oppose = side("support"), side("oppose")
        out.append(
            IssueGroup(
                id=f"I{len(out) + 1}",
                issue=issue,
                targets=list(dict.fromkeys(s.target for s in members)),
                stance_ids=[s.id for s in members],
                support=support,
                oppose=oppose,
                contested=bool(support and oppose),
                made_by=made_by(members[0].id),
            )
        )
    return out, issue_of


# --------------------------------------------------------------------------- from a story's own ids


_RESOLVED = {"id", "speaker_id", "source_id", "holder_id", "target_id"}
"""Fields a merge sets from the week's resolution: not part of what an item says."""


def _item_key(item) -> str:
    """What identifies a claim, figure or stance in any brief that holds it: what it says and
    where its quote stands (several items may share one quote: "A, B and C oppose it" is
    three stances)."""
    return item.id[0] + item.model_dump_json(exclude=_RESOLVED)


class WeekIds:
    """Where each claim, figure, stance and actor name of a week's brief stands, by what it
    says (built once; :func:`translated` looks every story's items up in it)."""

    def __init__(self, merged: Brief):
        self.items = {_item_key(i): i.id for group in (merged.claims, merged.figures, merged.stances) for i in group}
        self.named = {(f.form, a): actor.id for actor in merged.actors for f in actor.forms for a in f.article_ids}


def translated(result: LinkResult, local: Brief, merged: Brief | WeekIds) -> LinkResult:
    """``result``, whose ids are those of ``local`` (one story's articles merged alone, as its
    link request was built), in the ids of ``merged`` (the whole week).  Claims, figures and
    stances are matched by their article and quote; an actor by the forms it was named by in
    each article (an actor the week's resolution split maps to each part).  Links to items
    the week does not hold are dropped."""
    week = merged if isinstance(merged, WeekIds) else WeekIds(merged)
    item = {i.id: week.items.get(_item_key(i)) for group in (local.claims, local.figures, local.stances) for i in group}
    named = week.named
    actor = {
        actor.id: list(dict.fromkeys(named[(f.form, a)] for f in actor.forms for a in f.article_ids if (f.form, a) in named))
        for actor in local.actors
    }

    def ids(group: list[str]) -> list[str]:
        return list(dict.fromkeys(i for i in (item.get(x) for x in group) if i))

    actor_groups = [list(dict.fromkeys(g for x in group for g in actor.get(x, []))) for group in result.actor_groups]
    def reworded(why: str) -> str:  # a reason may name the claims by their ids
        return re.sub(r"\b[CFS]\d+\b", lambda m: item.get(m.group(0)) or m.group(0), why)

    contradictions = [(item.get(a), item.get(b), reworded(why)) for a, b, why in result.contradictions]
    return LinkResult(
        actor_groups=[g for g in actor_groups if len(g) > 1],
        claim_groups=[g for g in map(ids, result.claim_groups) if len(g) > 1],
        contradictions=[(a, b, why) for a, b, why in contradictions if a and b and a != b],
        figure_groups=[g for g in map(ids, result.figure_groups) if len(g) > 1],
        issues=[(issue, found) for issue, found in ((i, ids(s)) for i, s in result.issues) if found],
        info=result.info,
    )
