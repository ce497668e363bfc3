"""Progress: the pipeline reports the run's cost after each request; on a terminal the CLI
shows it in a bar, elsewhere as plain lines; --quiet keeps only the warnings."""

import io

from conftest import SEEDS
from rich.console import Console
from typer.testing import CliRunner

from summarize import live_progress, pipeline
from summarize.cli import app

MODEL = "reference-annotations"


def test_the_cost_so_far_is_reported_after_each_request_and_adds_up_to_the_brief(reference_server):
    reported = []
    result = pipeline.brief_folder(
        pipeline.Options(folder=SEEDS, model=MODEL, base_url=reference_server.base_url),
        env={},
        progress=pipeline.Progress(spent=reported.append),
    )
    usage = result.brief.usage
    assert [u.requests for u in reported] == list(range(1, usage.requests + 1))
    assert reported[-1].total_tokens == usage.total_tokens > 0


def test_a_terminal_gets_a_bar_with_articles_requests_tokens_and_times(reference_server):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, highlight=False, markup=False)
    lines = []
    plain = pipeline.Progress(started=lambda i, n, a: lines.append(f"[{i}/{n}]"), notice=lines.append)
    with live_progress.bar(console, plain) as shown:
        result = pipeline.brief_folder(
            pipeline.Options(folder=SEEDS, model=MODEL, base_url=reference_server.base_url), env={}, progress=shown
        )
    shown_text = screen.getvalue()
    usage = result.brief.usage
    assert "2/2" in shown_text
    assert f"{usage.requests:,} requests" in shown_text and f"{usage.total_tokens:,} tokens" in shown_text
    assert "elapsed" in shown_text and "left" in shown_text
    assert sorted(lines[:2]) == ["[1/2]", "[2/2]"]  # the per-article lines still come through (in the order the workers start)


def test_plain_lines_when_stderr_is_not_a_terminal_and_quiet_keeps_only_warnings(reference_server, monkeypatch, tmp_path):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (tmp_path / "articles").mkdir()
    for seed in SEEDS.glob("*.txt"):
        (tmp_path / "articles" / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "articles" / "broken.txt").write_bytes(b"\xff\xfe\x00bad")
    args = ["brief", str(tmp_path / "articles"), "--base-url", reference_server.base_url, "--model", MODEL, "--no-summary"]
    loud = CliRunner().invoke(app, args, catch_exceptions=False)
    assert "[1/2]" in loud.stderr and "requests ·" not in loud.stderr
    quiet = CliRunner().invoke(app, [*args, "--quiet"], catch_exceptions=False)
    assert "[1/2]" not in quiet.stderr and "broken.txt" in quiet.stderr
