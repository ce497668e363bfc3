"""How long each command takes, whole process, as a user runs it: `summarize --help`,
`--version`, `history`, `brief seeds/ --dry-run` and the seeds' replay.

Each command runs --runs times in a process of its own (after one untimed run that fills
the cache folder, as a user's second run finds it); the best and the median wall time are
printed, then the imports that cost the most in one run under ``python -X importtime``
(cumulative microseconds of each top-level import).

    python bench/startup.py [--runs 5] [--top 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"--help": 1.0, "--version": 1.0, "history": 1.0, "brief seeds/ --dry-run": 1.0, "brief seeds/ --replay": 2.5}
_IMPORT = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def commands(out: Path) -> dict[str, list[str]]:
    return {
        "--help": ["--help"],
        "--version": ["--version"],
        "history": ["history"],
        "brief seeds/ --dry-run": ["brief", "seeds/", "--dry-run"],
        "brief seeds/ --replay": ["brief", "seeds/", "--replay", "--no-history", "--quiet", "--out", str(out)],
    }


def run(args: list[str], env: dict[str, str], importtime: bool = False) -> tuple[float, str]:
    flags = ["-X", "importtime"] if importtime else []
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *flags, "-m", "summarize.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"summarize {' '.join(args)} exited {done.returncode}: {done.stderr[-500:]}")
    return wall, done.stderr


def top_imports(stderr: str, count: int) -> list[tuple[int, str]]:
    """The top-level imports (those nothing else imported) that took longest, cumulative."""
    found = []
    for line in stderr.splitlines():
        m = _IMPORT.match(line)
        if m and len(m.group(3)) == 1:
            found.append((int(m.group(2)), m.group(4)))
    return sorted(found, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=5, help="imports shown per command")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZE_MODEL")}
        env.update(
            SUMMARIZE_CACHE_DIR=str(Path(tmp) / "cache"),
            SUMMARIZE_HISTORY=str(Path(tmp) / "history.sqlite"),
            SUMMARIZE_CONFIG=str(Path(tmp) / "config.toml"),
        )
        print(f"{'command':<26} {'best':>6} {'median':>7} {'goal':>5}  (wall seconds, {options.runs} runs, whole process)")
        for name, args in commands(Path(tmp) / "brief.md").items():
            run(args, env)  # untimed: fills the cache folder (the language model) as a first run does
            times = [run(args, env)[0] for _ in range(options.runs)]
            goal = GOALS[name]
            mark = "ok" if min(times) <= goal else "SLOW"
            print(f"{name:<26} {min(times):>6.2f} {statistics.median(times):>7.2f} {goal:>5.1f}  {mark}")
            _, stderr = run(args, env, importtime=True)
            for micros, module in top_imports(stderr, options.top):
                print(f"{'':<8}{micros / 1e6:>7.3f} s  import {module}")


if __name__ == "__main__":
    main()
