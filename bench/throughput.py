"""Throughput benchmark: a week of articles at --concurrency 8 against a slow endpoint, then
the CPU and memory the pipeline itself costs per article.

    python bench/throughput.py [--articles 48] [--latency 0.5] [--concurrency 8] [--cpu-articles 480]

1. Starts the reference server (tests/reference_server.py, in a process of its own) answering every request after
   ``--latency`` seconds, writes ``--articles`` generated distinct articles of 3-6k
   characters with their annotations (tests/synthetic.py: no two share a paragraph), briefs
   them live (no cache, no summary, no link request) at ``--concurrency``, and prints the
   requests per article, the bound ceil(articles / concurrency) x latency x requests per
   article, and the ratio to that bound (goal: at most 1.2) of the time until the last
   article's answer was in, and of the whole run (which adds the merge, the stories and
   the links by rule).  One article is briefed first, untimed: imports and first-use set-up
   are paid once per process, not per week; then what is alive is left out of garbage
   collection, as the summarize command does once its modules are imported.
2. Briefs ``--cpu-articles`` such articles against the server answering at once and prints
   the CPU seconds per article (this process: the client, the checks, grounding, the merge)
   and the peak memory (this process's peak resident set).
"""

from __future__ import annotations

import argparse
import gc
import math
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from served import served  # noqa: E402
from synthetic import write_article  # noqa: E402

from summarize import pipeline  # noqa: E402


def write_week(folder: Path, annotations: Path, count: int) -> None:
    for i in range(count):
        write_article(folder, annotations, f"a{i:03d}.txt", paragraphs=18 + i % 17, first=40 * i)


@dataclass
class Measured:
    wall: float
    """The whole brief_folder call: loading, extraction, merge, stories, rendering data."""
    extraction: float
    """Until the last article's extraction was in (the part the model's latency bounds)."""
    cpu: float
    """CPU seconds of this process (the server runs in its own)."""
    requests: int
    articles: int


def run(folder: Path, annotations: Path, latency: float, concurrency: int) -> Measured:
    with served(latency, "--annotations", str(annotations)) as base_url:
        finished: list[float] = []
        progress = pipeline.Progress(finished=lambda *_: finished.append(time.perf_counter()))
        wall, cpu = time.perf_counter(), time.process_time()
        result = pipeline.brief_folder(
            pipeline.Options(
                folder=folder,
                model="reference-annotations",
                base_url=base_url,
                concurrency=concurrency,
                summary=False,
                link_model=False,
                history=None,
            ),
            env={},
            progress=progress,
        )
        began, wall, cpu = wall, time.perf_counter() - wall, time.process_time() - cpu
    brief = result.brief
    if brief.failed:
        raise SystemExit(f"{len(brief.failed)} article(s) failed: {brief.failed[0].reason}")
    return Measured(wall, max(finished) - began, cpu, brief.usage.requests, len(brief.articles))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cpu-articles", type=int, default=480)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warm, warm_annotations = Path(tmp) / "warm", Path(tmp) / "warm-annotations"
        write_week(warm, warm_annotations, 1)
        run(warm, warm_annotations, 0.0, 1)  # imports and first-use set-up, not timed below
        gc.freeze()  # as the summarize command does once its modules are imported (summarize.cli.main)

        folder, annotations = Path(tmp) / "week", Path(tmp) / "annotations"
        write_week(folder, annotations, args.articles)
        sizes = [len(p.read_text(encoding="utf-8")) for p in folder.iterdir()]
        m = run(folder, annotations, args.latency, args.concurrency)
        per_article = m.requests / m.articles
        bound = math.ceil(m.articles / args.concurrency) * args.latency * per_article
        print(
            f"{m.articles} articles ({min(sizes):,}-{max(sizes):,} characters) at --concurrency {args.concurrency}, "
            f"latency {args.latency:g} s: {per_article:.2f} requests per article"
        )
        print(f"bound ceil({m.articles}/{args.concurrency}) x {args.latency:g} s x {per_article:.2f} = {bound:.2f} s")
        print(f"extraction (until the last article's answer): {m.extraction:.2f} s, ratio to the bound {m.extraction / bound:.2f} (goal <= 1.2)")
        print(f"whole run (with merge, stories, links by rule): {m.wall:.2f} s, ratio to the bound {m.wall / bound:.2f}")

        if args.cpu_articles <= 0:
            return
        many, many_annotations = Path(tmp) / "many", Path(tmp) / "many-annotations"
        write_week(many, many_annotations, args.cpu_articles)
        m = run(many, many_annotations, 0.0, args.concurrency)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
        print(
            f"{m.articles} articles at zero latency: {m.wall:.1f} s wall, {m.cpu / m.articles * 1000:.1f} ms CPU per article, "
            f"peak memory {peak / 2**20:.0f} MiB (this process's peak resident set)"
        )


if __name__ == "__main__":
    main()
