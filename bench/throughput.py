"""Throughput benchmark: a week of articles at --concurrency 8 against a slow endpoint, then
the CPU and memory the pipeline itself costs per article.

    python bench/throughput.py [--articles 48] [--latency 0.5] [--concurrency 8] [--cpu-articles 480]

1. Starts the reference server (tests/reference_server.py) answering every request after
   ``--latency`` seconds, writes ``--articles`` generated distinct articles of 3-6k
   characters with their annotations (tests/synthetic.py: no two share a paragraph), briefs
   them live (no cache, no summary, no link request) at ``--concurrency``, and prints the
   wall time, the requests per article, the bound ceil(articles / concurrency) x latency x
   requests per article, and the ratio of the wall time to that bound (goal: at most 1.2).
2. Briefs ``--cpu-articles`` such articles against the server answering at once and prints
   the CPU seconds per article (this process: the client, the checks, grounding, the merge;
   the server's threads run in it too) and the peak memory (the process's peak resident set).
"""

from __future__ import annotations

import argparse
import math
import resource
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


def write_week(folder: Path, annotations: Path, count: int) -> None:
    for i in range(count):
        write_article(folder, annotations, f"a{i:03d}.txt", paragraphs=18 + i % 17, first=40 * i)


def run(folder: Path, annotations: Path, latency: float, concurrency: int) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, requests and articles briefed."""
    with ReferenceServer(annotations=annotations, latency=latency) as server:
        wall, cpu = time.perf_counter(), time.process_time()
        result = pipeline.brief_folder(
            pipeline.Options(
                folder=folder,
                model="reference-annotations",
                base_url=server.base_url,
                concurrency=concurrency,
                summary=False,
                link_model=False,
                history=None,
            ),
            env={},
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    brief = result.brief
    if brief.failed:
        raise SystemExit(f"{len(brief.failed)} article(s) failed: {brief.failed[0].reason}")
    return wall, cpu, brief.usage.requests, len(brief.articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cpu-articles", type=int, default=480)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, annotations = Path(tmp) / "week", Path(tmp) / "annotations"
        write_week(folder, annotations, args.articles)
        sizes = [len(p.read_text(encoding="utf-8")) for p in folder.iterdir()]
        wall, _, requests, briefed = run(folder, annotations, args.latency, args.concurrency)
        per_article = requests / briefed
        bound = math.ceil(briefed / args.concurrency) * args.latency * per_article
        print(
            f"{briefed} articles ({min(sizes):,}-{max(sizes):,} characters) at --concurrency {args.concurrency}, "
            f"latency {args.latency:g} s: {wall:.2f} s wall, {per_article:.2f} requests per article"
        )
        print(f"bound ceil({briefed}/{args.concurrency}) x {args.latency:g} s x {per_article:.2f} = {bound:.2f} s")
        print(f"ratio wall / bound: {wall / bound:.2f} (goal <= 1.2)")

        many, many_annotations = Path(tmp) / "many", Path(tmp) / "many-annotations"
        write_week(many, many_annotations, args.cpu_articles)
        wall, cpu, requests, briefed = run(many, many_annotations, 0.0, args.concurrency)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
        print(
            f"{briefed} articles at zero latency: {wall:.1f} s wall, {cpu / briefed * 1000:.1f} ms CPU per article, "
            f"peak memory {peak / 2**20:.0f} MiB (the process's peak resident set)"
        )


if __name__ == "__main__":
    main()
