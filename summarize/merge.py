"""Merge per-article extractions into one brief.  Deterministic: no model calls.

Only verified items (quote aligned, every check passed) are merged; the rest go to
``unverified`` with their problems.  Then, across articles:

* actors are resolved (:mod:`summarize.link.resolve`), each with the rules that joined it;
* claims, figures and stances get ids and resolved actor ids;
* articles are grouped into stories (:mod:`summarize.week.stories`);
* within each story, claims are grouped, contradictions flagged, figures counting the
  same thing lined up and stance targets put on one issue by rule
  (:func:`summarize.link.links.rule_links`; the pipeline then asks the model,
  :func:`summarize.link.links.link_group`, once per story);
* stances form a holder x target matrix;
* dated passages form a timeline.

A claim or figure the article asserts itself (speaker "the outlet") is attributed to the
article's outlet when its metadata names one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timezone

from summarize.guard import Guard
from summarize.link import links as link
from summarize.link.tables import stance_matrix
from summarize.link.resolve import Mention, Resolver, brief_actors, resolve
from summarize.models import (
    OUTLET,
    ArticleExtraction,
    ArticleRef,
    Brief,
    BriefActor,
    BriefClaim,
    BriefFigure,
    BriefStance,
    ExtractionFailure,
    LinkInfo,
    Producer,
    Story,
    UnverifiedItem,
    Usage,
    Window,
)
from summarize.week import stories as story_grouping
from summarize.week.stories import Group, StoryInput


def merge(
    extractions: list[ArticleExtraction],
    failures: list[ExtractionFailure],
    producer: Producer,
    usage: Usage,
    now: datetime | None = None,
    texts: dict[str, str] | None = None,
    window: Window | None = None,
    grouping: Callable[[list[StoryInput]], list[Group]] | None = None,
    guard: Guard | None = None,
) -> Brief:
    """``texts`` (article id -> text) lets stories compare whole articles, not only titles and
    claims; ``grouping`` decides the stories (:func:`summarize.week.stories.one_story` makes one).

    With a ``guard``, a failure in grouping the stories or in a story's links by rule costs
    that part only (recorded in the guard and in ``Brief.missing``); without one, it raises."""
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

    claims: list[BriefClaim] = []
    figures: list[BriefFigure] = []
    stances: list[BriefStance] = []
    for ex in extractions:
        aid = ex.article.id

        def named(who: str) -> str:
            return ex.article.outlet if who == OUTLET and ex.article.outlet else who

        for c in ex.claims:
            if keep("claim", c, f"{c.speaker}: {c.text}", ex.attempts):
                fields = c.model_dump(exclude={"problems"}) | {"speaker": named(c.speaker)}
                claims.append(BriefClaim(**fields, id=f"C{len(claims) + 1}", speaker_id=resolver(c.speaker, aid)))
        for f in ex.figures:
            if keep("figure", f, f"{f.value:g} {f.unit} ({f.counts})", ex.attempts):
                fields = f.model_dump(exclude={"problems"}) | {"source": named(f.source)}
                figures.append(BriefFigure(**fields, id=f"F{len(figures) + 1}", source_id=resolver(f.source, aid)))
        for s in ex.stances:
            if keep("stance", s, f"{s.holder} {s.polarity} {s.target}", ex.attempts):
                target_id = resolver(s.target, aid) if s.target_kind == "actor" else None
                stances.append(
                    BriefStance(
                        **(s.model_dump(exclude={"problems"}) | {"holder": named(s.holder)}),
                        id=f"S{len(stances) + 1}",
                        holder_id=resolver(s.holder, aid),
                        target_id=target_id,
                    )
                )

    refs = [ex.article for ex in extractions]
    names = {a.id: a.name for a in actors}
    matrix = stance_matrix(stances, names)
    actors_in = _actors_by_article(actors)
    by_id = {a.id: a for a in actors}
    guard = guard or Guard(raising=True)
    groups = guard.run(
        "stories",
        "stories (each article is shown as a story of its own)",
        lambda: _story_groups(refs, claims, texts or {}, grouping or story_grouping.group),
        lambda: [[r] for r in refs],
    )
    stories = [_story(n, members, actors_in, by_id) for n, members in enumerate(_ranked(groups), 1)]
    brief = Brief(
        generated_at=(now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        articles=refs,
        producer=producer,
        window=window,
        stories=stories,
        actors=actors,
        claims=claims,
        figures=figures,
        stances=stances,
        stance_matrix=matrix,
        timeline=sorted(
            (e for ex in extractions for e in ex.events), key=lambda e: (e.date, e.evidence.article_id, e.evidence.start or 0)
        ),
        unverified=unverified,
        coverage=[ex.coverage for ex in extractions],
        failed=failures,
        usage=usage,
    )
    results = [
        guard.run(
            "links by rule",
            f"links by rule across the articles of {items.articles[0].title if items.articles else 'the brief'!r} and its story",
            lambda items=items: link.rule_links(items, link.BY_RULE),
            lambda: link.LinkResult(info=LinkInfo(made_by="rule", reason=link.BY_RULE)),
        )
        for items in link.story_items(brief)
    ]
    linked = guard.run("links by rule", "links across articles", lambda: link.apply_links(brief, results), lambda: brief)
    return linked.model_copy(update={"missing": list(guard.problems)})


# --------------------------------------------------------------------------- stories


def _actors_by_article(actors: list[BriefActor]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for a in actors:
        for form in a.forms:
            for article_id in form.article_ids:
                found[article_id].add(a.id)
    return found


def _story_groups(refs: list[ArticleRef], claims: list[BriefClaim], texts: dict[str, str], grouping) -> list[list[ArticleRef]]:
    """The articles grouped into stories, each group with its most central article first."""
    claim_text: dict[str, list[str]] = defaultdict(list)
    for c in claims:
        claim_text[c.evidence.article_id].append(c.text)
    inputs = [StoryInput(r.id, r.title, texts.get(r.id) or " ".join(claim_text[r.id]), r.date) for r in refs]
    return [[refs[g.central]] + [refs[i] for i in g.members if i != g.central] for g in grouping(inputs)]


def _story(n: int, members: list[ArticleRef], actors_in: dict[str, set[str]], actor: dict[str, BriefActor]) -> Story:
    """A story's articles, outlets, headline and key actors; :func:`summarize.link.tables.story_links` adds its links."""
    central = members[0]
    ordered = sorted(members, key=lambda r: (r.date is None, r.date or date.min, r.path))
    ids = [r.id for r in ordered]
    present: dict[str, int] = defaultdict(int)
    for article_id in ids:
        for actor_id in actors_in.get(article_id, ()):
            present[actor_id] += 1
    key = sorted(present, key=lambda a: (-present[a], -len(actor[a].evidence), actor[a].name.casefold()))
    return Story(
        id=f"ST{n}",
        headline=central.title,
        headline_by="title of its most central article" if len(members) > 1 else "title of its article",
        article_ids=ids,
        outlets=list(dict.fromkeys(r.outlet for r in ordered if r.outlet)),
        key_actor_ids=key[:6],
        cluster_ids=[],
        contest_ids=[],
        figure_group_ids=[],
    )


def ranked(brief: Brief) -> Brief:
    """The brief's stories ranked for the top of the brief, and numbered ST1, ST2... in that
    order: by independent outlets (of the reports; copies do not count), then reports, then
    what is news in them (contested claims, figures that conflict or changed, claims two or
    more reports carry).  A stable sort: ties keep the folder's order."""
    changed = {g.id for g in brief.figure_groups if g.verdict in ("conflict", "changed")}

    def key(story: Story) -> tuple[int, int, int]:
        news = len(story.contest_ids) + sum(1 for g in story.figure_group_ids if g in changed) + len(story.cluster_ids)
        return (-len(story.outlets), -len(story.article_ids), -news)

    order = sorted(brief.stories, key=key)
    return brief.model_copy(update={"stories": [s.model_copy(update={"id": f"ST{n}"}) for n, s in enumerate(order, 1)]})


def _ranked(groups: list[list[ArticleRef]]) -> list[list[ArticleRef]]:
    """By distinct outlets, then articles (a stable sort: ties keep the order of the folder)."""
    return sorted(groups, key=lambda g: (-len({r.outlet for r in g if r.outlet}), -len(g)))
