"""Throughput benchmark: a live run at --concurrency 1 and at 8 against a slow endpoint.

    python bench/throughput.py [--articles 24] [--latency 0.3] [--concurrency 1 8]

Starts the reference server (tests/reference_server.py) answering every request after
``--latency`` seconds, writes generated distinct articles with their annotations
(tests/synthetic.py), briefs them live (no cache, no summary, no link request) at each
concurrency, and prints each wall time, the requests per article, and the ratio of the
first wall time to the last, measured in this run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from reference_server import ReferenceServer  # noqa: E402
from synthetic import write_article  # noqa: E402

from summarize import pipeline  # noqa: E402


def run(folder: Path, annotations: Path, latency: float, concurrency: int) -> tuple[float, int, int]:
    """Wall seconds, requests and articles briefed."""
    with ReferenceServer(annotations=annotations, latency=latency) as server:
        began = time.perf_counter()
        result = pipeline.brief_folder(
            pipeline.Options(
                folder=folder,
                model="reference-annotations",
                base_url=server.base_url,
                concurrency=concurrency,
                summary=False,
                link_model=False,
            ),
            env={},
        )
        wall = time.perf_counter() - began
    brief = result.brief
    if brief.failed:
        raise SystemExit(f"{len(brief.failed)} article(s) failed: {brief.failed[0].reason}")
    return wall, brief.usage.requests, len(brief.articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, annotations = Path(tmp) / "articles", Path(tmp) / "annotations"
        for i in range(args.articles):
            write_article(folder, annotations, f"a{i:03d}.txt", paragraphs=3 + i % 5)
        walls = []
        for n in args.concurrency:
            wall, requests, briefed = run(folder, annotations, args.latency, n)
            walls.append(wall)
            print(
                f"--concurrency {n:>2}: {wall:6.2f} s for {briefed} articles, {requests} requests "
                f"({requests / briefed:.2f} per article, latency {args.latency:g} s)"
            )
    if len(walls) > 1:
        print(f"ratio --concurrency {args.concurrency[0]} / {args.concurrency[-1]}: {walls[0] / walls[-1]:.1f}x")


if __name__ == "__main__":
    main()
