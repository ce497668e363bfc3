"""One article of numbers does not swamp the brief: the Markdown brief and the HTML page show
at most caps.PER_ARTICLE of its figures and of its numbers without a figure, and say how
many more the JSON brief holds; the JSON brief keeps them all."""

import json
import random
import re

from reference_server import ReferenceServer
from rule_answers import RULE_MODEL
from typer.testing import CliRunner

from summarize.cli import EXIT_OK, app
from summarize.models import Brief
from summarize.render import caps
from summarize.render.html_appendix import Lines, parts

LINES = 1000
MARKDOWN_BOUND = 100_000
"""Bytes, whatever the article's length: about 46 KB here with the cap, 325 KB without it
(and 1.4 MB for 4,000 such lines)."""


def numbers_article(folder, lines=LINES):
    rng = random.Random(5)
    rows = [f"Depot {rng.randint(2, 99)} shipped {rng.randint(1000, 99999):,} crates and {rng.randint(10, 999)} pallets on berth {rng.randint(2, 40)}." for _ in range(lines)]
    folder.mkdir()
    (folder / "port.txt").write_text("Title: Port statistics\nOutlet: The Ledger\nDate: 2024-11-05\n\n" + "\n".join(rows) + "\n", encoding="utf-8")


def test_an_article_of_numbers_is_capped_in_markdown_and_html_and_whole_in_json(tmp_path):
    numbers_article(tmp_path / "articles")
    common = ["--model", RULE_MODEL, "--chunk-chars", "2000", "--cache-dir", str(tmp_path / "cache"), "--no-history", "--no-summary", "--no-link-model"]
    with ReferenceServer(by_rule=True) as server:
        for name in ("brief.md", "brief.json"):
            args = ["brief", str(tmp_path / "articles"), "--base-url", server.base_url, *common, "--out", str(tmp_path / name)]
            result = CliRunner().invoke(app, args, catch_exceptions=False)
            assert result.exit_code == EXIT_OK, result.stderr
    brief = Brief.model_validate_json((tmp_path / "brief.json").read_text(encoding="utf-8"))
    markdown = (tmp_path / "brief.md").read_text(encoding="utf-8")
    [coverage] = brief.coverage
    figures, missing = len(brief.figures), len(coverage.missing)
    assert figures > caps.PER_ARTICLE + 100 and missing > caps.PER_ARTICLE + 100  # the JSON keeps them all

    assert len(markdown.encode("utf-8")) < MARKDOWN_BOUND
    table = markdown[markdown.index("### Figures") : markdown.index("### Figure coverage")]
    assert len(re.findall(r"^\| .* \| F\d+ \|$", table, re.M)) == caps.PER_ARTICLE
    assert f"- And {figures - caps.PER_ARTICLE:,} more figure(s) of article #1 (in the JSON brief)." in table
    assert f"; and {missing - caps.PER_ARTICLE:,} more (in the JSON brief) |" in markdown

    page = {p.id: p for p in parts(Lines(brief, {brief.articles[0].id: 0}), [])}
    assert page["figures"].count == caps.PER_ARTICLE
    assert json.dumps(page["figures"].entries[-1]["l"]).count(f"and {figures - caps.PER_ARTICLE:,} more figure(s)") == 1
    assert f"and {missing - caps.PER_ARTICLE:,} more (in the JSON brief)" in json.dumps(page["coverage"].entries[0]["l"])


def test_figures_compared_across_sources_are_shown_whatever_the_cap(tmp_path):
    from big_brief import big_brief

    brief, _ = big_brief(articles=40, stories=10)
    compared = {i for g in brief.figure_groups for i in g.figure_ids}
    assert compared
    shown = caps.shown_figures(brief, most=0)
    assert {f.id for f in shown.figures} == compared
    per_article = {}
    for f in brief.figures:
        if f.id not in compared:
            per_article[f.evidence.article_id] = per_article.get(f.evidence.article_id, 0) + 1
    assert shown.left_out == per_article
