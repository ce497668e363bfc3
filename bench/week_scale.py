"""A real week at scale: the BBC News dataset briefed whole, as a user runs it.

    python bench/week_scale.py [--sizes 250 500 1000 2225] [--latencies 0 0.5]
                               [--latency-sizes 250 1000] [--concurrency 8]

For each size, the first N articles of ``../shared/corpus/bbc-news`` (by path; every copy
in the dataset's real proportion) are copied byte for byte into a folder and briefed by the
``summarize`` command in a process of its own (start-up included), live, without a cache,
against the test server (``tests/reference_server.py --by-rule``, in its own process),
whose answers are **rules of the test server** (``tests/rule_answers.py``), not a model's:
real articles nobody has annotated, answered in the shape of a good answer.  Link requests
get rule answers too; the summary is asked for.

Prints, for each size and latency: wall time, client CPU per article (the command's
process, not the server's), its peak memory, the requests sent, each stage's time (from
the ``summarize.timing`` log), stories formed (and of several reports), copies found, and
the lines above the appendix and in "This week".  Then the ratios the goals are about:

* t(2N) / t(N) at zero latency (goal <= 2.2: every stage linear in the week);
* at ``--latencies`` > 0, the whole run against ceil(requests / concurrency) x latency
  (goal <= 1.3: link requests and the summary share the slots with the extraction).
"""

from __future__ import annotations

import argparse
import math
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from served import served  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "bbc-news"
RUN = (
    "import logging, sys; "
    "logging.basicConfig(level=logging.WARNING, format='%(message)s'); "
    "logging.getLogger('summarize.timing').setLevel(logging.DEBUG); "
    "from summarize.cli import main; sys.argv[0] = 'summarize'; main()"
)


@dataclass
class Measured:
    articles: int
    wall: float
    cpu: float
    peak_mib: float
    requests: int
    stages: list[tuple[str, float]] = field(default_factory=list)
    stories: int = 0
    several: int = 0
    """Lines above the appendix naming a story of two or more reports."""
    copies: int = 0
    above_appendix: int = 0
    this_week: int = 0
    first_section: int = 0
    """The line the first story section starts on."""


def week(folder: Path, size: int) -> None:
    paths = sorted(CORPUS.glob("*/*.txt"))[:size]
    for path in paths:
        target = folder / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def brief(folder: Path, latency: float, concurrency: int, out: Path) -> Measured:
    with served(latency, "--by-rule") as base_url:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", RUN, "brief", str(folder), "-r", "--no-cache", "--no-history", "--quiet",
             "--base-url", base_url, "--model", "reference-rules", "--concurrency", str(concurrency), "--out", str(out)],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(out.parent), "OPENAI_API_KEY": "", "PYTHONPATH": str(ROOT)},
        )
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode not in (0, 1):
        raise SystemExit(f"summarize brief exited {run.returncode}: {run.stderr[-3000:]}")
    md = out.read_text(encoding="utf-8")
    stages = [(m.group(2), float(m.group(1))) for m in re.finditer(r"^([\d.]+) s (.+)$", run.stderr, re.M)]
    usage = re.search(r"### Usage\n\n([\d,]+) request\(s\)", md)
    header = md.split("\n\n")[1]
    copies = re.search(r"([\d,]+) cop(?:y|ies) of them", header)
    stories = re.search(r"([\d,]+) stor(?:y|ies)", header)
    this_week = md[md.index("## This week") :].split("\n## ")[0] if "## This week" in md else ""
    return Measured(
        articles=len(list(folder.rglob("*.txt"))),
        wall=wall,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        peak_mib=after.ru_maxrss / 1024,
        requests=int(usage.group(1).replace(",", "")) if usage else 0,
        stages=stages,
        stories=int(stories.group(1).replace(",", "")) if stories else 0,
        several=len(re.findall(r"\((?:[2-9]|\d\d+) articles", md[: md.index("## Appendix")] if "## Appendix" in md else md)),
        copies=int(copies.group(1).replace(",", "")) if copies else 0,
        above_appendix=md[: md.index("## Appendix")].count("\n") if "## Appendix" in md else md.count("\n"),
        this_week=this_week.count("\n"),
        first_section=next((n for n, line in enumerate(md.splitlines(), 1) if line.startswith("## ") and " · ST" in line), 0),
    )


def show(m: Measured, latency: float, concurrency: int) -> None:
    print(
        f"{m.articles:>5} articles, latency {latency:g} s: wall {m.wall:6.1f} s, CPU {1000 * m.cpu / m.articles:5.1f} ms per article, "
        f"peak {m.peak_mib:4.0f} MiB, {m.requests:,} requests, {m.copies} copies, {m.stories} stories; "
        f"{m.this_week} lines in This week, first story section at line {m.first_section}, "
        f"{m.above_appendix} lines above the appendix (with the one-line index of the other stories)"
    )
    for stage, seconds in m.stages:
        print(f"        {seconds:7.2f} s  {stage}")
    if latency > 0 and m.requests:
        bound = math.ceil(m.requests / concurrency) * latency
        print(f"        bound ceil({m.requests}/{concurrency}) x {latency:g} s = {bound:.1f} s; ratio {m.wall / bound:.2f} (goal <= 1.3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2225])
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.0, 0.5])
    parser.add_argument("--latency-sizes", type=int, nargs="+", default=[250, 1000], help="sizes also run at latencies > 0")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS} is not there: this benchmark needs the shared corpus beside the repository")
    with tempfile.TemporaryDirectory() as tmp:
        walls: dict[int, float] = {}
        for size in args.sizes:
            folder = Path(tmp) / f"week{size}"
            week(folder, size)
            for latency in args.latencies:
                if latency > 0 and size not in args.latency_sizes:
                    continue
                m = brief(folder, latency, args.concurrency, Path(tmp) / f"brief{size}-{latency}.md")
                show(m, latency, args.concurrency)
                if latency == 0:
                    walls[size] = m.wall
        sizes = sorted(walls)
        for small, large in zip(sizes, sizes[1:]):
            scale = large / small
            print(
                f"t({large})/t({small}) = {walls[large] / walls[small]:.2f} for {scale:.2f}x the articles "
                f"(goal <= {1.1 * scale:.2f}, i.e. 2.2 for 2x)"
            )


if __name__ == "__main__":
    main()
