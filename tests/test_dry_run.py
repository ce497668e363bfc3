"""--dry-run lists the articles in scope with what each would cost, and calls nothing."""

from conftest import FIXTURES, SEEDS
from reference_server import ReferenceServer
from typer.testing import CliRunner

from summarize.cli import EXIT_OK, app
from summarize.extract import bounds, estimate
from summarize.sources.load import load_article

MODEL = "reference-annotations"


def test_dry_run_lists_the_window_s_articles_with_their_cost_and_sends_nothing(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with ReferenceServer() as server:
        result = CliRunner().invoke(
            app,
            ["brief", str(FIXTURES / "weeks"), "--base-url", server.base_url, "--model", MODEL, "--week", "2024-W44", "--dry-run"],
            catch_exceptions=False,
        )
        assert server.requests == []
    assert result.exit_code == EXIT_OK
    listed = [line for line in result.stdout.splitlines()[1:-1]]
    assert len(listed) == 4 and all(" model " in line for line in listed)  # 3 of the 7 are dated outside W44
    assert "ferry-strike-old.txt" not in result.stdout
    assert "3 article(s) dated outside 2024-W44 are left out" in result.stderr
    assert "Nothing was sent" in result.stdout.splitlines()[-1]


def test_the_estimate_follows_the_parts_and_bounds_a_run_uses(tmp_path):
    from synthetic import write_article

    path, _ = write_article(tmp_path / "in", tmp_path / "ann", "long.txt", paragraphs=300)
    article = load_article(path)
    cost = estimate.article_cost(article, chunk_chars=6_000, max_output_tokens=8_192)
    assert cost.parts >= 7 and cost.requests == cost.parts + 1  # its numbers may need a gleaning request
    assert cost.prompt_tokens > bounds.tokens(len(article.text))  # every part's text, plus instructions and schema
    assert cost.output_tokens <= cost.requests * 8_192
    short = estimate.article_cost(load_article(next(SEEDS.glob("*.txt"))), 24_000, 8_192)
    assert short.parts == 1 and short.prompt_tokens < cost.prompt_tokens


def test_the_dry_run_counts_link_and_summary_requests_as_asked(tmp_path):
    """Stories are decided before any answer, so the dry run counts one link request per
    story of two or more reports, and the summary only when one is asked for."""
    from pathlib import Path

    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    bbc = Path(__file__).resolve().parent.parent / "examples" / "bbc-week"
    asked = CliRunner().invoke(app, ["brief", str(bbc), "-r", "--dry-run"], env=env)
    assert asked.exit_code == EXIT_OK
    assert "3 link request(s), one per story of two or more reports, and one summary request" in asked.stdout
    neither = CliRunner().invoke(app, ["brief", str(bbc), "-r", "--dry-run", "--no-summary", "--no-link-model"], env=env)
    assert "no link request, and no summary request (--no-summary)" in neither.stdout
