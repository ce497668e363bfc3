"""A story's headline may cite only that story's items: a headline resting on another
story's items is sent back, then dropped (the hand-written summary once headlined the
first-ranked story with the second story's words once the ranking changed)."""

from __future__ import annotations

import json

from conftest import ROOT
from typer.testing import CliRunner

from summarize.cli import EXIT_OK, app
from summarize.models import Brief, SummaryDraft
from summarize.synthesize import citation_problems, citable_ids, story_items

runner = CliRunner()


def _brief(tmp_path) -> Brief:
    out = tmp_path / "brief.json"
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    result = runner.invoke(app, ["brief", str(ROOT / "examples" / "bbc-week"), "-r", "-q", "--replay", "-o", str(out)], env=env)
    assert result.exit_code == EXIT_OK, result.output
    return Brief.model_validate(json.loads(out.read_text(encoding="utf-8")))


def test_a_headline_citing_another_storys_items_is_a_problem(tmp_path):
    brief = _brief(tmp_path)
    items = story_items(brief)
    first, second = brief.stories[0], brief.stories[1]
    own = sorted(items[first.id] & set(first.cluster_ids))[:2]
    other = sorted(items[second.id] & set(second.cluster_ids))[:1]
    assert own and other and not (set(other) & items[first.id])
    known, ids = citable_ids(brief), {s.id for s in brief.stories}

    def draft(cites):
        return SummaryDraft.model_validate(
            {"sentences": [], "headlines": [{"story_id": first.id, "headline": "A headline", "cites": cites}]}
        )

    assert citation_problems(draft(own), known, ids, items) == []
    problems = citation_problems(draft(own + other), known, ids, items)
    assert problems == [f"headlines[0]: {other[0]} not in story {first.id}"]
