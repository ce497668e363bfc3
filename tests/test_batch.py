"""The Batch API: submit writes the live path's first requests as JSONL, collect stores the
answers that pass the live checks, and the brief that follows sends only the rest online."""

import json
import re

import batch_api
import pytest
from conftest import SEED_000, SEED_002, SEEDS
from reference_server import ReferenceServer
from synthetic import write_article
from typer.testing import CliRunner

from summarize import pipeline
from summarize.cli import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, app
from summarize.extract import batch, batch_client

MODEL = "reference-annotations"


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def submit(server, folder, cache, *flags):
    result = run("batch", "submit", folder, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", cache, *flags)
    assert result.exit_code == EXIT_OK, result.stderr
    return result.stdout.strip()


def extraction_requests(bodies):
    """Article ids of the extraction requests among chat bodies (not gleaning, links or the summary)."""
    found = []
    for body in bodies:
        prompt = "\n".join(str(m.get("content")) for m in body["messages"] if m["role"] == "user")
        article = re.search(r'<article id="([0-9a-f]+)"', prompt)
        if article and "<numbers>" not in prompt:
            found.append(article.group(1))
    return found


def long_folder(tmp_path, count=3, paragraphs=40):
    folder, annotations = tmp_path / "articles", tmp_path / "annotations"
    ids = [write_article(folder, annotations, f"a{i}.txt", paragraphs=paragraphs + i, first=1000 * i)[1] for i in range(count)]
    return folder, annotations, ids


def test_each_line_is_the_request_the_live_path_sends(tmp_path):
    folder, annotations, ids = long_folder(tmp_path)
    with ReferenceServer(annotations=annotations) as server:
        batch_api.attach(server)
        job_id = submit(server, folder, tmp_path / "cache", "--chunk-chars", 2000, "--mode", "json_schema")
        job = batch.find(tmp_path / "cache", job_id)
        lines = [json.loads(line) for line in (job.folder_path / "input.jsonl").read_text().splitlines()]
        before = len(server.requests)
        pipeline.brief_folder(
            pipeline.Options(folder=folder, model=MODEL, mode="json_schema", base_url=server.base_url, chunk_chars=2000, summary=False, link_model=False),
            env={},
        )
        live = [b for b in server.requests[before:] if extraction_requests([b])]
    assert len(lines) == len(live) > len(ids)  # several parts per article, one line each
    ids_seen = [line["custom_id"] for line in lines]
    assert len(set(ids_seen)) == len(ids_seen)
    for line in lines:
        assert re.fullmatch(r"[0-9a-f]{16}:p\d+:extract-\d+", line["custom_id"]) and len(line["custom_id"]) <= 64
        assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
        assert line["custom_id"].split(":")[0] in ids
    assert sorted(json.dumps(line["body"], sort_keys=True) for line in lines) == sorted(json.dumps(b, sort_keys=True) for b in live)
    assert all(b["response_format"]["type"] == "json_schema" and b["temperature"] == 0 and b["max_tokens"] for b in live)


def comparable(text):
    brief = json.loads(text)
    brief.pop("generated_at")
    brief["producer"].pop("endpoint")
    brief.pop("usage")  # the batch's answers are billed by the batch, not counted by the run
    brief.pop("batch")  # which batch, and what it spent (tests/test_messages.py)
    return brief


@pytest.mark.parametrize("flavour", batch_api.FLAVOURS)
def test_submit_status_collect_brief_is_the_live_brief(tmp_path, flavour):
    with ReferenceServer() as server:
        api = batch_api.attach(server, flavour=flavour, polls=1)
        job_id = submit(server, SEEDS, tmp_path / "cache")
        shown = run("batch", "status", job_id, "--cache-dir", tmp_path / "cache")
        assert shown.exit_code == EXIT_OK
        assert re.search(r"status\s+(in_progress|running)", shown.stdout) and "requests" in shown.stdout
        collected = run("batch", "collect", job_id, "--cache-dir", tmp_path / "cache", "--out", tmp_path / "batch.json", "--no-history")
        assert collected.exit_code == EXIT_OK, collected.stderr
        assert "2 answer(s) stored" in collected.stderr
        assert extraction_requests(batch_api.online(server)) == []  # every first request came from the batch
        assert len(api.bodies) == 2
        live = run("brief", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--no-cache", "--out", tmp_path / "live.json", "--no-history")
        assert live.exit_code == EXIT_OK
    batched, online = (json.loads((tmp_path / name).read_text()) for name in ("batch.json", "live.json"))
    assert batched["usage"]["requests"] == online["usage"]["requests"] - 2  # the two first requests went in the batch
    assert comparable((tmp_path / "batch.json").read_text()) == comparable((tmp_path / "live.json").read_text())


@pytest.mark.parametrize("flavour", batch_api.FLAVOURS)
def test_only_the_failures_go_online(tmp_path, flavour):
    folder, annotations, ids = long_folder(tmp_path, count=4, paragraphs=3)
    faults = {ids[0]: ["bad_quote"], ids[1]: ["500"], ids[2]: ["truncated"]}
    with ReferenceServer(annotations=annotations, faults=faults) as server:
        batch_api.attach(server, flavour=flavour)
        job_id = submit(server, folder, tmp_path / "cache")
        result = run("batch", "collect", job_id, "--cache-dir", tmp_path / "cache", "--no-summary", "--no-history", "--format", "json")
        online = extraction_requests(batch_api.online(server))
    assert result.exit_code == EXIT_OK, result.stderr
    assert sorted(online) == sorted(ids[:3])  # each failed line once, the good one not at all
    assert "1 answer(s) stored" in result.stderr and "3 request(s) left for the online run" in result.stderr
    assert "did not pass the checks" in result.stderr and "HTTP 500" in result.stderr and "cut off" in result.stderr
    assert len(json.loads(result.stdout)["articles"]) == 4


@pytest.mark.parametrize("flavour", batch_api.FLAVOURS)
def test_an_interrupted_collect_resumes_without_downloading_or_asking_twice(tmp_path, monkeypatch, flavour):
    folder, annotations, ids = long_folder(tmp_path, count=3, paragraphs=3)
    cache = tmp_path / "cache"
    with ReferenceServer(annotations=annotations, faults={ids[0]: ["500"]}) as server:
        api = batch_api.attach(server, flavour=flavour)
        job_id = submit(server, folder, cache)
        real_download, real_take = batch_client.BatchEndpoint.download, batch._take
        files = 1 if flavour == "vllm" else 2  # vLLM writes failed lines into the output file

        stopped = []

        def download_then_stop(self, file_id, path):
            if len(api.downloads) == 1 and not stopped:  # once, before the second file
                stopped.append(file_id)
                raise KeyboardInterrupt
            real_download(self, file_id, path)

        taken = []

        def take_then_stop(*args):
            if len(taken) == 1:
                raise KeyboardInterrupt
            taken.append(args[0].custom_id)
            return real_take(*args)

        monkeypatch.setattr(batch_client.BatchEndpoint, "download", download_then_stop)
        if files > 1:
            first = run("batch", "collect", job_id, "--cache-dir", cache, "--no-summary", "--no-history")
            assert first.exit_code == EXIT_INTERRUPTED and "run the same command again" in first.stderr
            assert len(api.downloads) == 1
        monkeypatch.setattr(batch, "_take", take_then_stop)
        second = run("batch", "collect", job_id, "--cache-dir", cache, "--no-summary", "--no-history")
        assert second.exit_code == EXIT_INTERRUPTED
        assert len(api.downloads) == files and len(set(api.downloads)) == files
        assert extraction_requests(batch_api.online(server)) == []
        replayed = []
        monkeypatch.setattr(batch, "_take", lambda *args: replayed.append(args[0].custom_id) or real_take(*args))
        third = run("batch", "collect", job_id, "--cache-dir", cache, "--no-summary", "--no-history")
        online = extraction_requests(batch_api.online(server))
    assert third.exit_code == EXIT_OK, third.stderr
    assert len(api.downloads) == files  # nothing downloaded again
    assert taken[0] not in replayed and len(replayed) == 2  # the stored line is not taken again
    assert online == [ids[0]]  # only the error line's request went online; stored answers did not


def test_collect_before_the_batch_is_done_says_so_and_wait_polls(tmp_path):
    with ReferenceServer() as server:
        batch_api.attach(server, polls=3)
        job_id = submit(server, SEEDS, tmp_path / "cache")
        early = run("batch", "collect", job_id, "--cache-dir", tmp_path / "cache")
        assert early.exit_code == EXIT_PARTIAL and "not finished: in_progress" in early.stderr and "--wait" in early.stderr
        waited = run("batch", "collect", "--cache-dir", tmp_path / "cache", "--wait", "--poll-interval", 0.01, "--no-summary", "--no-history")
        assert waited.exit_code == EXIT_OK, waited.stderr
        assert server.batch.reads[job_id] == 4


@pytest.mark.parametrize("flavour", batch_api.FLAVOURS)
@pytest.mark.parametrize("outcome", ["failed", "expired", "cancelled"])
def test_a_batch_that_did_not_complete_is_said_plainly(tmp_path, flavour, outcome):
    if flavour == "vllm" and outcome == "expired":
        pytest.skip("vLLM's router has no expired status")
    folder, annotations, ids = long_folder(tmp_path, count=4, paragraphs=3)
    with ReferenceServer(annotations=annotations) as server:
        batch_api.attach(server, flavour=flavour, outcome=outcome)
        job_id = submit(server, folder, tmp_path / "cache")
        result = run("batch", "collect", job_id, "--cache-dir", tmp_path / "cache")
        online = batch_api.online(server)
        again = run("batch", "submit", folder, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", tmp_path / "cache")
    assert result.exit_code == EXIT_ERROR and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"batch {job_id}" in errors[0] and outcome in errors[0]
    assert online == []  # nothing sent online without being asked
    if outcome == "failed":
        assert "not parseable" in errors[0] or "no reason" in errors[0]
        assert "4 request(s) for 4 of 4 article(s)" in again.stderr
    else:
        assert "2 answer(s) stored" in result.stderr and "the answers that came back are stored" in errors[0]
        assert "2 request(s) for 2 of 4 article(s)" in again.stderr  # only the requests left unanswered


def test_clear_errors_for_an_unknown_job_and_an_endpoint_without_a_batch_api(tmp_path):
    unknown = run("batch", "status", "batch_nope", "--cache-dir", tmp_path / "cache")
    assert unknown.exit_code == EXIT_ERROR and "no batch job 'batch_nope'" in unknown.stderr
    none = run("batch", "collect", "--cache-dir", tmp_path / "cache")
    assert none.exit_code == EXIT_ERROR and "summarize batch submit" in none.stderr
    with ReferenceServer() as server:  # a chat endpoint only, as Ollama or llama.cpp
        result = run("batch", "submit", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", tmp_path / "cache")
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == EXIT_ERROR and len(errors) == 1
    assert "no Batch API" in errors[0] and "HTTP 404" in errors[0] and "summarize brief" in errors[0]
    owned = run("batch", "collect", "--model", "other", "--cache-dir", tmp_path / "cache")
    assert owned.exit_code == EXIT_ERROR and "--model: fixed by the batch job" in owned.stderr


def test_requests_already_answered_are_not_submitted(tmp_path):
    with ReferenceServer() as server:
        batch_api.attach(server)
        live = run("brief", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", tmp_path / "cache", "--no-history", "--no-summary")
        assert live.exit_code == EXIT_OK
        again = run("batch", "submit", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", tmp_path / "cache")
    assert again.exit_code == EXIT_ERROR and "nothing to submit" in again.stderr


def test_nothing_from_the_endpoint_reaches_the_terminal_unescaped(tmp_path, monkeypatch):
    with ReferenceServer() as server:
        api = batch_api.attach(server)
        job_id = submit(server, SEEDS, tmp_path / "cache")
        api.batches[job_id]["status"] = "\x1b]8;;http://evil.example/\x07in_progress"
        shown = run("batch", "status", job_id, "--cache-dir", tmp_path / "cache")
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert {SEED_000, SEED_002} == {line.article for line in batch.find(tmp_path / "cache", job_id).lines.values()}
