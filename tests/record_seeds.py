"""Re-record ``cassettes/seeds/`` (and ``cassettes/bbc-week/``) by running the real pipeline
against the reference server.

    python tests/record_seeds.py [--mode tools|json_schema|md_json] [--set seeds|bbc-week|all]

The answers come from the hand annotations in ``tests/annotations/`` (see
``tests/reference_server.py``), and RECORDING.json says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reference_server import ReferenceServer  # noqa: E402

from summarize import pipeline

MODEL = "reference-annotations"
SETS = {"seeds": ROOT / "seeds", "bbc-week": ROOT / "examples" / "bbc-week"}
"""Recording sets: cassettes/<name>/ holds the answers for the articles of that folder."""


ARTICLES = {"seeds": "the seed articles", "bbc-week": "the BBC articles in examples/bbc-week"}


def source(name: str) -> str:
    return (
        f"hand annotations of {ARTICLES[name]} (tests/annotations/), served by the reference "
        "server in tests/reference_server.py — not a model's output"
    )


def record(folder: Path, cassettes: Path, mode: str = "tools", name: str = "seeds") -> pipeline.RunResult:
    with ReferenceServer() as server:
        options = pipeline.Options(
            folder=folder,
            recursive=True,
            model=MODEL,
            mode=mode,
            base_url=server.base_url,
            record=True,
            cassettes=cassettes,
            recording_source=source(name),
        )
        return pipeline.brief_folder(options, env={})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="tools", choices=["tools", "json_schema", "md_json"])
    parser.add_argument("--set", default="all", choices=[*SETS, "all"])
    args = parser.parse_args()
    failed = 0
    for name, folder in SETS.items():
        if args.set not in (name, "all"):
            continue
        brief = record(folder, ROOT / "cassettes", args.mode, name).brief
        failed += len(brief.failed)
        print(f"{name}: recorded {len(brief.articles)} articles, {brief.usage.requests} requests; failed: {len(brief.failed)}")
    sys.exit(1 if failed else 0)
