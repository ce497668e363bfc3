"""Plain messages: a route the server lacks is said as such, the brief's header says when the
summary or the model's links are missing and why, and a brief made from a batch says its
answers came from the Batch API, with the batch's tokens in its usage line."""

from __future__ import annotations

import json
import re

import batch_api
import lxml.html
import pytest
from conftest import SEEDS
from reference_server import ReferenceServer
from synthetic import write_article
from typer.testing import CliRunner

from summarize.cli import EXIT_ERROR, EXIT_OK, app

MODEL = "reference-annotations"
NO_ROUTE = "no route for the {} request (HTTP 404), although it answered the article requests with the same --model and --base-url"
SUMMARY, LINKS = NO_ROUTE.format("summary"), NO_ROUTE.format("link")


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def unsummarised(tmp_path, monkeypatch):
    """Three articles of one story the reference server can extract, but has neither a
    summary nor links for: it answers those requests HTTP 404."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    for k in range(3):
        write_article(folder, annotations, f"a{k}.txt", paragraphs=3, first=100 * k)
    with ReferenceServer(annotations=annotations) as server:
        yield folder, server


def test_a_route_the_server_lacks_is_said_as_such_and_the_header_says_what_is_missing(unsummarised, tmp_path):
    folder, server = unsummarised
    result = run("brief", folder, "--base-url", server.base_url, "--model", MODEL, "--no-history", "--out", tmp_path / "b.md")
    assert result.exit_code == EXIT_OK, result.stderr
    said = " ".join(result.stderr.split())
    assert f"no summary: the endpoint has {SUMMARY}" in said and "check --model" not in said
    header = (tmp_path / "b.md").read_text(encoding="utf-8").split("## ")[0]
    header = " ".join(header.split())
    assert f"**Missing: the summary** (the endpoint has {SUMMARY}" in header
    assert f"**Missing: the model's links across articles (links by rule are shown)** (the link request failed: the endpoint has {LINKS}" in header


def test_the_json_and_the_page_say_so_too(unsummarised, tmp_path):
    folder, server = unsummarised
    args = ["brief", folder, "--base-url", server.base_url, "--model", MODEL, "--no-history"]
    data = json.loads(run(*args, "-f", "json").stdout)
    assert data["summary"] is None and data["missing"] == []
    assert [p["stage"] for p in data["unanswered"]] == ["links", "summary"]
    assert LINKS in data["unanswered"][0]["reason"] and SUMMARY in data["unanswered"][1]["reason"]
    run(*args, "--out", tmp_path / "b.html")
    top = lxml.html.parse(str(tmp_path / "b.html")).getroot().find_class("top")[0].text_content()
    top = " ".join(top.split())
    assert f"Missing: the summary (the endpoint has {SUMMARY}" in top and "Links across articles: by rule, because" in top


def test_a_404_before_any_answer_still_points_at_the_model_and_the_url(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (tmp_path / "none").mkdir()
    with ReferenceServer(annotations=tmp_path / "none") as server:  # answers every chat request HTTP 404
        result = run("brief", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--no-history")
    said = " ".join(result.stderr.split())
    assert result.exit_code == EXIT_ERROR
    assert "HTTP 404 (check --model and --base-url)" in said and "no route" not in said


def test_an_article_s_404_after_another_answered_still_points_at_the_model_and_the_url(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(next(SEEDS.glob("000_*")).read_bytes())
    (folder / "unannotated.txt").write_text("Officials said 12 bridges were closed.", encoding="utf-8")
    with ReferenceServer() as server:
        result = run("brief", folder, "--base-url", server.base_url, "--model", MODEL, "--no-history", "--concurrency", 1)
    said = " ".join(result.stderr.split())
    assert "unannotated.txt: failed: the endpoint answered HTTP 404 (check --model and --base-url)" in said


def test_the_summary_asked_for_but_not_recorded_is_missing_in_the_header(no_model_env, tmp_path):
    # a replay with no recorded summary: the brief says why it has none
    cassettes = tmp_path / "cassettes"
    (cassettes / "seeds").mkdir(parents=True)
    for path in (SEEDS.parent / "cassettes" / "seeds").iterdir():
        if not path.name.startswith("summary-"):
            (cassettes / "seeds" / path.name).write_bytes(path.read_bytes())
    result = run("brief", SEEDS, "--cassettes", cassettes, "--no-history")
    assert result.exit_code == EXIT_OK
    assert "**Missing: the summary** (no recorded summary for these articles (replay))" in result.stdout
    assert "Missing: the summary" not in run("brief", SEEDS, "--replay", "--no-history", "--no-summary").stdout


def test_a_brief_from_a_batch_says_so_with_the_batch_s_tokens(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    cache = tmp_path / "cache"
    with ReferenceServer() as server:
        batch_api.attach(server, polls=0)
        job_id = run("batch", "submit", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", cache).stdout.strip()
        md = run("batch", "collect", job_id, "--cache-dir", cache, "--no-history", "--out", tmp_path / "b.md")
        data = json.loads(run("batch", "collect", job_id, "--cache-dir", cache, "--no-history", "-f", "json").stdout)
        page = run("batch", "collect", job_id, "--cache-dir", cache, "--no-history", "--out", tmp_path / "b.html")
    assert md.exit_code == EXIT_OK and page.exit_code == EXIT_OK, md.stderr
    spent = re.search(r"used ([\d,]+) prompt and ([\d,]+) completion tokens", md.stderr)
    prompt, completion = (int(n.replace(",", "")) for n in spent.groups())
    assert data["batch"] == {"batch_id": job_id, "requests": 2, "prompt_tokens": prompt, "completion_tokens": completion}
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "Live answers from" not in text
    escaped = job_id.replace("_", "\\_")  # as Markdown escapes it
    assert f"Answers from the Batch API (batch {escaped} at 127.0.0.1" in text
    usage = text[text.index("### Usage") :]
    total = prompt + completion
    assert f"The Batch API (batch {escaped}): 2 request(s), {prompt:,} prompt + {completion:,} completion = {total:,} tokens" in usage
    shown = " ".join(lxml.html.parse(str(tmp_path / "b.html")).getroot().text_content().split())
    assert f"Answers from the Batch API (batch {job_id}" in shown and f"The Batch API (batch {job_id}): 2 request(s)" in shown
