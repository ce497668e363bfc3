"""A full or read-only disk costs the write that failed, said once, never the finished run.

Each run happens in a process of its own on a real small tmpfs (mounted in a private mount
namespace with ``unshare -rm``, so no root is needed where user namespaces are allowed),
filled up or made read-only before the command starts."""

import errno
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from reference_server import ReferenceServer

from summarize.cli import EXIT_NOT_WRITTEN, EXIT_OK
from summarize.extract import cache
from summarize.optional_writes import OptionalWrites


def _can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_tmpfs = pytest.mark.skipif(not _can_mount(), reason="no private mount namespace here (unshare -rm) for a small tmpfs")


def on_small_disk(disk: Path, args: list[str], tmp_path: Path, state: str) -> subprocess.CompletedProcess:
    """``summarize ARGS`` with a 256 KiB tmpfs at ``disk``: ``full`` (filled before the run) or ``ro``."""
    disk.mkdir(exist_ok=True)
    prepare = f"mount -t tmpfs -o size=256k tmpfs {shlex.quote(str(disk))}"
    if state == "full":
        prepare += f" && (dd if=/dev/zero of={shlex.quote(str(disk / 'filler'))} bs=4k 2>/dev/null; true)"
    else:
        prepare += f" && mount -o remount,ro {shlex.quote(str(disk))}"
    command = shlex.join([sys.executable, "-c", "from summarize.cli import main; main()", *args])
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    env.update(TMPDIR=str(tmp_path / "tmp"), PYTHONPATH=str(ROOT), SUMMARIZE_HISTORY=str(tmp_path / "h.sqlite"))
    return subprocess.run(["unshare", "-rm", "sh", "-c", f"{prepare} && exec {command}"], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def server():
    with ReferenceServer() as running:
        yield running


def live(server, *more: str) -> list[str]:
    return ["brief", str(SEEDS), "--model", "reference-annotations", "--base-url", server.base_url, "--no-summary", *more]


WRITES = {
    "cache": (["--cache-dir", "{disk}/cache"], "answer cache", "without caching"),
    "recording": (["--record", "--cassettes", "{disk}/cassettes"], "recording in", "without recording"),
}


@needs_tmpfs
@pytest.mark.parametrize("state", ["full", "ro"])
@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_cache_or_recording_that_cannot_be_written_is_said_once_and_the_brief_is_written(tmp_path, server, state, kind):
    disk = tmp_path / "disk"
    flags, what, consequence = WRITES[kind]
    done = on_small_disk(disk, live(server, *(f.format(disk=disk) for f in flags)), tmp_path, state)
    assert done.returncode == EXIT_OK, done.stderr[-3000:]
    assert done.stdout.startswith("# Brief") and "Traceback" not in done.stderr
    assert done.stderr.count(what) == 1 and consequence in done.stderr


@needs_tmpfs
def test_out_on_a_full_disk_goes_to_a_named_fallback_with_its_own_exit_code(tmp_path, server):
    disk = tmp_path / "disk"
    done = on_small_disk(disk, live(server, "--no-cache", "--out", str(disk / "week.md")), tmp_path, "full")
    assert done.returncode == EXIT_NOT_WRITTEN, done.stderr[-3000:]
    [fallback] = list((tmp_path / "tmp").glob("summarize-week-*.md"))
    assert str(fallback) in done.stderr and "No space left on device" in done.stderr
    assert fallback.read_text(encoding="utf-8").startswith("# Brief")
    assert "Traceback" not in done.stderr


@needs_tmpfs
def test_a_history_on_a_full_disk_costs_only_the_saving(tmp_path, server):
    disk = tmp_path / "disk"
    args = live(server, "--no-cache", "--since", "1990-01-01", "--until", "2099-12-31", "--history", str(disk / "h.sqlite"))
    done = on_small_disk(disk, args, tmp_path, "full")
    assert done.returncode == EXIT_OK, done.stderr[-3000:]
    assert done.stdout.startswith("# Brief") and "Traceback" not in done.stderr
    assert "not saved in the history" in done.stderr and "cannot be written: database or disk is full" in done.stderr


def test_the_cache_gives_up_after_one_failed_write_and_says_so_once(tmp_path, monkeypatch):
    said, tries = [], []

    def full(path, text, shared=False):
        tries.append(path)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cache, "write_atomically", full)
    store = cache.AnswerCache(tmp_path / "c", OptionalWrites(said.append), model="m")

    class Inner:
        def structured(self, messages, response_model, context, max_retries, **kwargs):
            from summarize.extract.llm import Answer
            from summarize.models import Usage

            return Answer(response_model(), 1, Usage())

    from pydantic import BaseModel

    class Empty(BaseModel):
        pass

    for n in range(3):
        store.client(f"a{n}", Inner()).structured([{"role": "user", "content": str(n)}], Empty, None, 0)
    assert len(tries) == 1 and len(said) == 1 and "No space left on device" in said[0]
