"""The cited executive summary: one model call over the merged brief.

Every sentence must cite ids of items in the brief, and its numbers and names must be
stated by the items it cites (:mod:`summarize.verify.support`).  Citations to ids that do
not exist, and numbers or names no cited item states, are sent back to the model (a reask
naming them); what still fails after the reasks is dropped, never shown.
"""

from __future__ import annotations

from summarize.extract.llm import ModelClient
from summarize.extract.prompting import summary_prompt
from summarize.models import Brief, Summary, SummaryDraft, SummarySentence
from summarize.verify import checks, support


def citable_ids(brief: Brief) -> set[str]:
    groups = (
        brief.actors,
        brief.claims,
        brief.figures,
        brief.stances,
        brief.claim_clusters,
        brief.contested,
        brief.figure_groups,
        brief.issues,
    )
    return {item.id for group in groups for item in group}


def story_items(brief: Brief) -> dict[str, set[str]]:
    """The citable ids of each story: the items of its articles and its links."""
    from summarize.link.links import story_items as items_by_story

    found: dict[str, set[str]] = {}
    for story, items in zip(brief.stories, items_by_story(brief)):
        ids = set(items.ids()) | set(story.cluster_ids) | set(story.contest_ids) | set(story.figure_group_ids)
        ids |= {i.id for i in brief.issues if set(i.stance_ids) & ids}
        found[story.id] = ids
    return found


def item_texts(brief: Brief) -> dict[str, list[str]]:
    """Each citable id's texts and numbers (what a sentence citing it may repeat), with
    those of the items and articles it names by id, two steps deep (a claim group's claims,
    their speakers with all their name forms, the date of the article a quote is from)."""
    groups = (brief.articles, brief.actors, brief.claims, brief.figures, brief.stances, brief.claim_clusters, brief.contested, brief.figure_groups, brief.issues)
    own = {item.id: list(support.texts_of(item.model_dump(mode="json"))) for group in groups for item in group}

    def reach(start: str) -> list[str]:
        seen, frontier = {start}, [start]
        for _ in range(2):
            frontier = [t for i in frontier for t in own[i] if t in own and t not in seen]
            seen.update(frontier)
        return [t for i in seen for t in own[i]]

    return {i: reach(i) for i in citable_ids(brief)}


def citation_problems(
    draft: SummaryDraft,
    known: set[str] | dict[str, list[str]],
    stories: set[str] | None = None,
    items: dict[str, set[str]] | None = None,
) -> list[str]:
    """One line per sentence or headline citing nothing, or an id the brief does not have,
    or stating a number or name none of its cited items states (when ``known`` maps ids to
    their texts); and per headline for a story the brief does not have, a story headlined
    twice, or (given each story's ``items``) an id that is not one of its story's."""
    problems = []
    cited = [(f"sentences[{i}]", s.text, s.cites) for i, s in enumerate(draft.sentences)]
    cited += [(f"headlines[{i}]", h.headline, h.cites) for i, h in enumerate(draft.headlines)]
    for where, text, cites in cited:
        unknown = [c for c in cites if c not in known]
        if unknown:
            problems.append(f"{where}: {', '.join(unknown)} not in the brief")
        elif not cites:
            problems.append(f"{where}: cites nothing")
        elif isinstance(known, dict) and (extra := support.unsupported(text, [t for c in cites for t in known[c]])):
            problems.append(f"{where}: no cited item states {', '.join(repr(w) for w in extra)}")
    if stories is not None:
        seen: set[str] = set()
        for i, h in enumerate(draft.headlines):
            if h.story_id not in stories:
                problems.append(f"headlines[{i}]: story {h.story_id} is not in the brief")
            elif h.story_id in seen:
                problems.append(f"headlines[{i}]: story {h.story_id} has a headline already")
            elif items is not None and (outside := [c for c in h.cites if c in known and c not in items.get(h.story_id, set())]):
                problems.append(f"headlines[{i}]: {', '.join(outside)} not in story {h.story_id}")
            seen.add(h.story_id)
    return problems


def _validator(known: dict[str, list[str]], stories: set[str], items: dict[str, set[str]]):
    return checks.raising(
        lambda draft: citation_problems(draft, known, stories, items),
        "citation_check",
        "sentence(s) or headline(s) cite ids or stories that are not in the brief, or say what their cited items do not. "
        "Cite only listed ids, and state only numbers and names the cited items state",
    )


def with_headlines(brief: Brief) -> Brief:
    """The brief with each story headlined by the summary's cited headline, where it has one."""
    if brief.summary is None or not brief.summary.headlines:
        return brief
    written = {h.story_id: h for h in brief.summary.headlines}
    stories = [
        s.model_copy(update={"headline": written[s.id].headline, "headline_by": "model", "headline_cites": written[s.id].cites})
        if s.id in written
        else s
        for s in brief.stories
    ]
    return brief.model_copy(update={"stories": stories})


def summarize_brief(brief: Brief, client: ModelClient, max_retries: int = 2) -> Summary:
    """Raises :class:`summarize.extract.llm.ModelError` when no usable answer came back."""
    prompt = summary_prompt(brief)
    known = item_texts(brief)
    stories = {s.id for s in brief.stories}
    items = story_items(brief)


    def supported(text: str, cites: list[str]) -> bool:
        return bool(cites) and all(c in known for c in cites) and not support.unsupported(text, [t for c in cites for t in known[c]])

    answer = client.structured(
        prompt.messages,
        SummaryDraft,
        context={"check": _validator(known, stories, items)},
        max_retries=max_retries,
        what="the summary request",
    )
    kept = [
        SummarySentence(text=s.text, cites=list(dict.fromkeys(s.cites)))
        for s in answer.value.sentences
        if supported(s.text, s.cites)
    ]
    headlines, seen = [], set()
    for h in answer.value.headlines:
        if h.story_id in stories and h.story_id not in seen and set(h.cites) <= items[h.story_id] and supported(h.headline, h.cites):
            seen.add(h.story_id)
            headlines.append(h.model_copy(update={"cites": list(dict.fromkeys(h.cites))}))
    return Summary(
        sentences=kept,
        headlines=headlines,
        dropped=len(answer.value.sentences) - len(kept) + len(answer.value.headlines) - len(headlines),
        prompt_version=prompt.version,
        usage=answer.usage,
    )
