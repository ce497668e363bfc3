"""Re-record ``cassettes/seeds/`` by running the real pipeline against the reference server.

    python tests/record_seeds.py [--mode tools|json_schema|md_json]

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

from summarize import pipeline  # noqa: E402

MODEL = "reference-annotations"
SOURCE = (
    "hand annotations of the seed articles (tests/annotations/), served by the reference "
    "server in tests/reference_server.py — not a model's output"
)


def record(folder: Path, cassettes: Path, mode: str = "tools") -> pipeline.RunResult:
    with ReferenceServer() as server:
        options = pipeline.Options(
            folder=folder,
            model=MODEL,
            mode=mode,
            base_url=server.base_url,
            record=True,
            cassettes=cassettes,
            recording_source=SOURCE,
        )
        return pipeline.brief_folder(options, env={})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="tools", choices=["tools", "json_schema", "md_json"])
    args = parser.parse_args()
    result = record(ROOT / "seeds", ROOT / "cassettes", args.mode)
    brief = result.brief
    print(f"recorded {len(brief.articles)} articles, {brief.usage.requests} requests; failed: {len(brief.failed)}")
    sys.exit(1 if brief.failed else 0)
