"""The batch job's files are read into models with bounds: a bad ``job.json`` is one clear
error naming the file and the field, a bad line of the batch's answers fails its request only
(named by its custom_id, sent online), and lines of custom_ids the job did not submit, or
answered twice, are counted and said."""

import json
import os
import subprocess
import sys

import batch_api
import pytest
from reference_server import ReferenceServer
from test_batch import MODEL, extraction_requests, long_folder, run, submit

from summarize.cli import EXIT_ERROR, EXIT_OK
from summarize.extract import batch

COLLECT = ("--no-summary", "--no-history", "--format", "json")


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def finished(server, folder, cache):
    """A submitted job whose batch has finished (the test server finishes it at the first read)."""
    job_id = submit(server, folder, cache)
    assert run("batch", "status", job_id, "--cache-dir", cache).exit_code == EXIT_OK
    return job_id


def rewrite_output(api, job_id, change):
    """The batch's output file as ``change`` makes it from its lines."""
    file_id = api.batches[job_id]["output_file_id"]
    lines = [json.loads(line) for line in api.contents[file_id].decode("utf-8").splitlines()]
    api.contents[file_id] = "".join(json.dumps(line) + "\n" for line in change(lines)).encode("utf-8")


def collected_after(tmp_path, change):
    """Collect of three articles' batch after ``change(lines, article ids)`` rewrote its output
    file: (the collect's result, the article ids whose extraction went online)."""
    folder, annotations, ids = long_folder(tmp_path, count=3, paragraphs=3)
    with ReferenceServer(annotations=annotations) as server:
        api = batch_api.attach(server)
        job_id = finished(server, folder, tmp_path / "cache")
        rewrite_output(api, job_id, lambda lines: change(lines, ids))
        result = run("batch", "collect", job_id, "--cache-dir", tmp_path / "cache", *COLLECT)
        online = extraction_requests(batch_api.online(server))
    assert result.exit_code == EXIT_OK, result.stderr
    return result, online, ids, job_id


def line_of(lines, article_id):
    return next(line for line in lines if line["custom_id"].startswith(article_id + ":"))


def string_body(line):
    line["response"]["body"] = "an answer, as a string"


def words_for_usage(line):
    line["response"]["body"]["usage"]["prompt_tokens"] = "lots"


def status_as_text(line):
    line["response"]["status_code"] = "200"


@pytest.mark.parametrize(
    "spoil, field",
    [(string_body, "response.body"), (words_for_usage, "response.body.usage.prompt_tokens"), (status_as_text, "response.status_code")],
)
def test_a_bad_line_fails_its_request_only_named_by_its_custom_id(tmp_path, spoil, field):
    spoilt = []

    def change(lines, ids):
        line = line_of(lines, ids[0])
        spoil(line)
        spoilt.append(line["custom_id"])
        return lines

    result, online, ids, _ = collected_after(tmp_path, change)
    assert online == [ids[0]]  # the bad line's request went online; the others came from the batch
    assert "2 answer(s) stored" in result.stderr and "1 request(s) left for the online run" in result.stderr
    said = [line for line in result.stderr.splitlines() if "online:" in line]
    assert len(said) == 1 and spoilt[0] in said[0] and field in said[0] and "malformed" in said[0]
    assert len(json.loads(result.stdout)["articles"]) == 3


def collect_in_a_process(cache, *args):
    """``summarize batch collect`` in its own process, stopped after a minute: a hang fails."""
    command = [sys.executable, "-c", "import sys; from summarize.cli import main; sys.argv[0] = 'summarize'; main()"]
    return subprocess.run([*command, "batch", "collect", *args, "--cache-dir", str(cache), *COLLECT], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("key, value", [("mode", "telepathy"), ("chunk_chars", 0), ("chunk_chars", -5), ("max_retries", "many")])
def test_a_bad_job_file_is_a_clear_error_naming_the_file_and_the_field(tmp_path, key, value):
    folder, annotations, _ = long_folder(tmp_path, count=2, paragraphs=3)
    cache = tmp_path / "cache"
    with ReferenceServer(annotations=annotations) as server:
        api = batch_api.attach(server)
        job_id = finished(server, folder, cache)
        reads = api.reads[job_id]
        path = batch.find(cache, job_id).folder_path / "job.json"
        job = json.loads(path.read_text())
        job[key] = value
        path.write_text(json.dumps(job))
        named = collect_in_a_process(cache, job_id)
        latest = collect_in_a_process(cache)  # no id: the latest job, which is this one
        read_again = api.reads[job_id] - reads
    for result in (named, latest):
        assert result.returncode == EXIT_ERROR, result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
        [error] = [line for line in result.stderr.splitlines() if line.strip()]
        assert error.startswith("error: ") and str(path) in error and f"{key}:" in error and json.dumps(value) in error
    assert read_again == 0  # nothing asked of the endpoint, not even the batch's status


def test_custom_ids_the_job_did_not_submit_are_counted_and_said(tmp_path):
    strangers = ["0123456789abcdef:p0:extract-9", "fedcba9876543210:p2:extract-9"]
    result, online, _, job_id = collected_after(tmp_path, lambda lines, ids: lines + [{**lines[0], "custom_id": s} for s in strangers])
    assert online == [] and "3 answer(s) stored" in result.stderr
    assert "(the batch's files held 2 unknown custom_id(s))" in result.stderr
    [said] = [line for line in result.stderr.splitlines() if "did not submit" in line]
    assert all(stranger in said for stranger in strangers) and said.startswith(f"batch {job_id}: 2 line(s)")


@pytest.mark.parametrize("same", [True, False])
def test_a_custom_id_answered_twice_is_counted_and_used_only_when_both_agree(tmp_path, same):
    twice = []

    def repeat(lines, ids):
        again = json.loads(json.dumps(line_of(lines, ids[1])))
        if not same:
            again["response"]["body"]["usage"]["completion_tokens"] += 1
        twice.append(again["custom_id"])
        return lines + [again]

    result, online, ids, _ = collected_after(tmp_path, repeat)
    assert "(the batch's files held 1 duplicated custom_id(s))" in result.stderr
    assert f"answered by more than one line: {twice[0]} ×2" in result.stderr
    if same:
        assert online == [] and "3 answer(s) stored" in result.stderr
    else:  # which of the two is the answer? Neither is trusted: the request goes online
        assert online == [ids[1]] and "2 answer(s) stored" in result.stderr
        assert f"{twice[0]}: the batch answered it 2 times, differently" in result.stderr


def test_temporary_files_an_interrupted_download_left_are_removed_by_the_next_collect(tmp_path):
    ended = subprocess.Popen(["true"])
    ended.wait()
    orphan, ours = f".output.jsonl.{ended.pid}.k3j4h5g6.tmp", f".output.jsonl.{os.getpid()}.a1s2d3f4.tmp"
    folder, annotations, _ = long_folder(tmp_path, count=2, paragraphs=3)
    with ReferenceServer(annotations=annotations) as server:
        batch_api.attach(server)
        job_id = finished(server, folder, tmp_path / "cache")
        job_folder = batch.find(tmp_path / "cache", job_id).folder_path
        for name in (orphan, ours):
            (job_folder / name).write_text('{"custom_id": "half a li')
        result = run("batch", "collect", job_id, "--cache-dir", tmp_path / "cache", *COLLECT)
    assert result.exit_code == EXIT_OK, result.stderr
    assert not (job_folder / orphan).exists() and (job_folder / ours).exists()  # this process is still running
    assert f"removed 1 temporary file(s) that an interrupted run left in {job_folder}" in result.stderr
