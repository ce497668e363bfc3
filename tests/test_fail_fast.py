"""An endpoint that cannot be reached stops the run: at once when nothing ever answered
there, after UNREACHABLE_AFTER articles in a row when it goes away mid-run."""

import socket
import time

from conftest import SEEDS
from reference_server import ReferenceServer
from synthetic import write_article
from typer.testing import CliRunner

from summarize import pipeline
from summarize.cli import EXIT_ERROR, app

MODEL = "reference-annotations"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_listening_stops_at_once_with_one_message_and_no_brief(monkeypatch, tmp_path):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    url = f"http://127.0.0.1:{closed_port()}/v1"
    began = time.monotonic()
    result = CliRunner().invoke(
        app, ["brief", str(SEEDS), "--base-url", url, "--model", MODEL, "--no-cache", "--no-history"], catch_exceptions=False
    )
    assert time.monotonic() - began < 5  # no transport retries against a port nobody listens on
    assert result.exit_code == EXIT_ERROR
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and "cannot reach the endpoint" in errors[0] and "--base-url" in errors[0]
    assert not any("[2/" in line for line in lines)  # the second article was never started


def test_an_unknown_host_is_reported_the_same_way():
    try:
        pipeline.brief_folder(
            pipeline.Options(folder=SEEDS, model=MODEL, base_url="http://no-such-host.invalid/v1", summary=False, link_model=False),
            env={},
        )
    except pipeline.EndpointUnreachable as err:
        assert "cannot reach the endpoint" in str(err)
    else:
        raise AssertionError("an unknown host must stop the run")


def test_a_server_that_goes_away_mid_run_stops_scheduling_after_three_articles(tmp_path):
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    ids = [write_article(folder, annotations, f"a{i}.txt", paragraphs=2, first=1000 * i)[1] for i in range(7)]
    waits: list[float] = []
    server = ReferenceServer(annotations=annotations).__enter__()

    def finished(i, n, article, extraction, problem):
        if i == 2:  # two articles briefed, then the server goes away
            server.__exit__(None, None, None)

    result = pipeline.brief_folder(
        pipeline.Options(
            folder=folder, model=MODEL, base_url=server.base_url, sleep=waits.append, transport_retries=2, concurrency=1
        ),  # one at a time: the server goes away after exactly two articles
        env={},
        progress=pipeline.Progress(finished=finished),
    )
    brief = result.brief
    assert len(brief.articles) == 2
    failed = {f.article_id: f for f in brief.failed}
    assert len(failed) == 5
    tried = [f for f in brief.failed if not f.reason.startswith("not processed")]
    skipped = [f for f in brief.failed if f.reason.startswith("not processed: endpoint unreachable")]
    assert len(tried) == pipeline.UNREACHABLE_AFTER and all("cannot reach the endpoint" in f.reason for f in tried)
    assert len(skipped) == 2 and all(f.attempts == 0 for f in skipped)
    assert len(waits) == 2 * pipeline.UNREACHABLE_AFTER  # each tried article used its transport retries, no more
    assert "no summary: the endpoint is unreachable" in result.notices
    assert {a.id for a in brief.articles} | set(failed) == set(ids)


def test_the_progress_lines_name_each_article_not_processed(monkeypatch):
    from conftest import SEED_000

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with ReferenceServer(faults={SEED_000: ["auth_always"]}) as server:
        result = CliRunner().invoke(
            app, ["brief", str(SEEDS), "--base-url", server.base_url, "--model", MODEL, "--no-cache", "--no-history"], catch_exceptions=False
        )
    lines = result.stderr.splitlines()
    second = next(i for i, line in enumerate(lines) if line.startswith("[2/2] "))
    assert "002_667753ba445d650f.txt: not processed: the run stopped after" in lines[second]  # one line per article
