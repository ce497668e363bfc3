"""The top of the Markdown brief fits on a screen whatever the week: at most --top story
sections, "This week" within about 25 lines, every other story one line under *More
stories*, and a story of one report never at the top of a big week."""

from __future__ import annotations

import re

from big_brief import big_brief

from summarize.render import markdown
from summarize.render.base import DEFAULT_TOP, leading


def _sections(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("## ") and re.search(r" · ST\d+", line)]


def test_a_big_week_shows_its_leading_stories_and_indexes_the_rest():
    brief, _ = big_brief(2000, 600)
    md = markdown.to_markdown(brief)
    this_week = md[md.index("## This week") :].split("\n## ")[0].splitlines()
    assert len(this_week) <= 25
    assert len(_sections(md)) == DEFAULT_TOP
    lead, rest = leading(brief)
    assert all(len(s.article_ids) > 1 for s in lead)
    assert [s.id for s in brief.stories if len(s.article_ids) > 1][:DEFAULT_TOP] == [s.id for s in lead]
    more = md[md.index("## More stories") : md.index("## Appendix")].splitlines()
    assert sum(1 for line in more if line.startswith("- ")) == len(rest) == len(brief.stories) - DEFAULT_TOP
    assert f"{len(brief.stories)} stories ({DEFAULT_TOP} in full: --top)" in md.splitlines()[2]
    assert f"- {len(rest)} more stories, one line each under *More stories*" in md


def test_top_sets_how_many_stories_get_a_section_and_a_small_week_shows_them_all():
    brief, _ = big_brief(300, 100)
    assert len(_sections(markdown.to_markdown(brief, top=3))) == 3
    small, _ = big_brief(12, 4)
    md = markdown.to_markdown(small)
    assert len(_sections(md)) == len(small.stories) and "## More stories" not in md and "--top" not in md


def test_a_story_of_one_report_never_takes_a_place_at_the_top_of_a_big_week():
    brief, _ = big_brief(300, 100)
    singles = [s for s in brief.stories if len(s.article_ids) == 1]
    assert singles
    # Ranked first (say, by outlets): still not a section of its own.
    reordered = brief.model_copy(update={"stories": singles + [s for s in brief.stories if s not in singles]})
    md = markdown.to_markdown(reordered)
    headlines = {line for line in _sections(md)}
    assert not any(re.search(rf"· {s.id}\b", line) for s in singles for line in headlines)
    assert len(headlines) == DEFAULT_TOP
