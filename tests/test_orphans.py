"""Temporary files a killed run left behind (written beside the answer cache's files, a
recording's cassettes, a batch job's downloads, before their rename into place) are removed
by the next run that uses the folder, once no running process can still be writing them."""

import os
import subprocess
import time

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from summarize import files
from summarize.cli import EXIT_OK, app

MODEL = "reference-annotations"
HOURS_AGO = 2 * 3600


@pytest.fixture
def pids():
    """(a pid no process has any more, the pid of a process that runs through the test)."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    running = subprocess.Popen(["sleep", "300"])
    yield ended.pid, running.pid
    running.kill()
    running.wait()


def plant(folder, pids, target):
    """Temporary files of ``target``'s name in ``folder``: {name: whether it must be removed}."""
    dead, alive = pids
    names = {
        f".{target}.{dead}.k3j4h5g6.tmp": True,  # its process is gone
        f".{target}.{dead}.tmp": True,  # the same, named as a recording names it
        f".{target}.{alive}.a1s2d3f4.tmp": False,  # its process may still be writing it
        f".{target}.{alive}.tmp": False,
        f".{target}.q1w2e3r4.tmp": False,  # no pid (an older version's name) and fresh
    }
    old = {
        f".{target}.{alive}.z9x8c7v6.tmp": True,  # older than an hour: an orphan whatever its pid
        f".{target}.m5n6b7v8.tmp": True,
        "notes.tmp": False,  # not a name of ours, however old
        f".{target}.tmp": False,
        f"{target}.{dead}.tmp": False,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name in [*names, *old]:
        (folder / name).write_text("half a file")
    for name in old:
        stamp = time.time() - HOURS_AGO
        os.utime(folder / name, (stamp, stamp))
    return {**names, **old}


def left(folder, planted):
    return {name for name in planted if (folder / name).exists()}


def kept(planted):
    return {name for name, goes in planted.items() if not goes}


def brief(server, *flags):
    args = ["brief", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--no-history", "--no-summary", *flags]
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_the_answer_cache_folder_is_cleaned_by_the_next_run(tmp_path, reference_server, pids, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    cache = tmp_path / "cache"
    planted = plant(cache, pids, "37c9123741aeb2db-0123456789abcdef.json")
    below = plant(cache / "batches" / "batch_1", pids, "job.json")  # not a folder the brief writes
    result = brief(reference_server, "--cache-dir", cache)
    assert result.exit_code == EXIT_OK, result.stderr
    assert left(cache, planted) == kept(planted)
    assert left(cache / "batches" / "batch_1", below) == set(below)
    removed = sum(planted.values())
    assert f"removed {removed} temporary file(s) that an interrupted run left in {cache}" in result.stderr
    again = brief(reference_server, "--cache-dir", cache)
    assert "temporary file" not in again.stderr  # nothing more to say


def test_a_recording_folder_is_cleaned_by_the_next_recording(tmp_path, reference_server, pids, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    folder = tmp_path / "cassettes" / SEEDS.name
    planted = plant(folder, pids, "d65e5dc1fb20acba.yaml")
    result = brief(reference_server, "--record", "--cassettes", tmp_path / "cassettes")
    assert result.exit_code == EXIT_OK, result.stderr
    assert left(folder, planted) == kept(planted)
    assert f"removed {sum(planted.values())} temporary file(s)" in result.stderr


@pytest.mark.parametrize("writer", ["write_atomically", "temporary_path"])
def test_the_names_our_writers_leave_are_the_names_cleaned(tmp_path, monkeypatch, writer):
    """A write killed before its rename (here: the rename left out) leaves a file that is this
    process's, so kept while it runs, and an orphan once an hour old."""
    target = tmp_path / "answers.json"
    if writer == "write_atomically":
        monkeypatch.setattr(files.os, "replace", lambda src, dst: None)
        files.write_atomically(target, "{}")
    else:
        files.temporary_path(target).write_text("{}")
    [leftover] = list(tmp_path.iterdir())
    assert str(os.getpid()) in leftover.name and leftover.name.endswith(".tmp")
    assert files.clean_orphans(tmp_path) == 0 and leftover.exists()
    assert files.clean_orphans(tmp_path, now=time.time() + HOURS_AGO) == 1 and not leftover.exists()
