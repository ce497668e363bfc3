"""A bug in a stage after extraction costs that stage only: the brief is still written,
says what is missing and why, and the model's answers are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from summarize import synthesize
from summarize.cli import EXIT_OK, EXIT_PARTIAL, app
from summarize.link import links
from summarize.week import stories

BBC = ROOT / "examples" / "bbc-week"
ENV = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
runner = CliRunner()


def _brief(tmp_path: Path) -> tuple[str, dict]:
    """The brief as Markdown and JSON; a stage that failed makes the exit code 1 (written, incomplete)."""
    out = tmp_path / "brief.json"
    result = runner.invoke(app, ["brief", str(BBC), "-r", "-q", "--replay", "--out", str(out)], env=ENV)
    assert result.exit_code == EXIT_PARTIAL, result.output
    md = runner.invoke(app, ["brief", str(BBC), "-r", "-q", "--replay"], env=ENV)
    assert md.exit_code == EXIT_PARTIAL, md.output
    return md.stdout, json.loads(out.read_text(encoding="utf-8"))


def _boom(*args, **kwargs):
    raise ValueError("Linkage 'Z' contains negative distances")


def test_stories_failing_leaves_every_article_its_own_story(tmp_path, monkeypatch):
    monkeypatch.setattr(stories, "group", _boom)
    md, data = _brief(tmp_path)
    assert [p["stage"] for p in data["missing"]] == ["stories"]
    assert "negative distances" in data["missing"][0]["reason"]
    assert len(data["stories"]) == len(data["articles"]) == 11
    assert data["claims"]
    assert "**Missing: stories" in md


def test_the_model_links_failing_keeps_the_links_by_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(links, "link_group", _boom)
    md, data = _brief(tmp_path)
    assert {p["stage"] for p in data["missing"]} == {"links"}
    assert len(data["missing"]) == 3  # one per story of several articles
    assert len(data["stories"]) == 3 and data["claim_clusters"]  # the rules' links are there
    assert all(c["made_by"] == "rule" for c in data["claim_clusters"])
    assert "**Missing: the model's links" in md


def test_the_summary_failing_costs_the_summary_only(tmp_path, monkeypatch):
    monkeypatch.setattr(synthesize, "summarize_brief", _boom)
    md, data = _brief(tmp_path)
    assert [p["stage"] for p in data["missing"]] == ["summary"]
    assert data["summary"] is None and len(data["stories"]) == 3 and data["claims"]


def test_the_merge_failing_keeps_every_answer_in_a_file(tmp_path, monkeypatch):
    from summarize import merge

    monkeypatch.setattr(merge, "brief_actors", _boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    md, data = _brief(tmp_path)
    # Each story's own merge (for its link request) failed too: the model's links of those
    # stories are missing, and then the week's merge.
    assert [p["stage"] for p in data["missing"]] == ["links", "links", "links", "merge"]
    kept = [p for p in tmp_path.glob("summarize-extractions-*.json") if p.name in data["missing"][-1]["missing"]]
    assert len(kept) == 1
    extractions = json.loads(kept[0].read_text(encoding="utf-8"))
    assert len(extractions) == 11 and sum(len(e["claims"]) for e in extractions) > 20
    assert len(data["articles"]) == 11 and data["claims"] == []


@pytest.mark.parametrize("stage", ["links", "summary"])
def test_an_interrupt_is_never_swallowed(tmp_path, monkeypatch, stage):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(links if stage == "links" else synthesize, "link_group" if stage == "links" else "summarize_brief", interrupt)
    result = runner.invoke(app, ["brief", str(BBC), "-r", "-q", "--replay"], env=ENV)
    assert result.exit_code not in (EXIT_OK, EXIT_PARTIAL)
