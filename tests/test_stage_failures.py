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


def test_a_week_of_a_thousand_near_identical_articles_under_a_memory_cap(tmp_path):
    """1,000 short template reports (one sentence shape, other firms, prices and towns: 97
    stories of near-identical reports) briefed end to end against the test server's rules
    in a process whose address space is capped: every stage runs (nothing missing, nothing
    failed) and every file is a report or a copy.  The stages' own scaling is tested with
    more articles where it is cheap: tests/test_copies.py (5,000) and tests/test_stories.py
    (3,000), each under a cap a dense n x n matrix would not fit."""
    import subprocess
    import sys

    script = f"""
import resource, sys
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / "tests")!r})
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
from reference_server import RULE_MODEL, ReferenceServer
from summarize import pipeline
folder = Path({str(tmp_path / "week")!r})
folder.mkdir()
for i in range(1000):
    text = (f"Firm{{i % 97}} shares close at {{i}}p\\n\\nShares in Firm{{i % 97}} closed at {{i}} pence in Town{{i % 89}} "
            f"on Monday after heavy trading, dealers said. Volume reached {{1000 + i * 7}} lots, the exchange said.\\n")
    (folder / f"a{{i:04d}}.txt").write_text(text, encoding="utf-8")
with ReferenceServer(by_rule=True) as server:
    options = pipeline.Options(folder=folder, model=RULE_MODEL, base_url=server.base_url, summary=False, concurrency=4)
    brief = pipeline.brief_folder(options, env={{}}).brief
print(len(brief.articles), sum(len(a.copies) for a in brief.articles), len(brief.stories), len(brief.missing), len(brief.failed))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    reports, copied, stories, missing, failed = map(int, run.stdout.split()[-5:])
    assert reports + copied == 1000 and reports > 1 and stories >= 1
    assert missing == 0 and failed == 0


def test_a_week_whose_every_article_failed_is_merged_without_a_problem(tmp_path):
    """Nothing extracted: the brief lists the failures, and no stage is reported missing."""
    from reference_server import ReferenceServer

    from summarize import pipeline

    folder = tmp_path / "week"
    folder.mkdir()
    for path in (BBC / "id-cards-bill").glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    with ReferenceServer(annotations=tmp_path / "none") as server:  # no annotation: every request 404
        brief = pipeline.brief_folder(
            pipeline.Options(folder=folder, model="reference-annotations", base_url=server.base_url), env={}
        ).brief
    assert len(brief.failed) == 4 and brief.missing == []
