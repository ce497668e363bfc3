"""Timeline benchmark: time to find the dated passages of one long generated article.

    python bench/timeline_bench.py [--sizes 1 4] [--seed 7]

Each size is in megabytes of article text: paragraphs of a few sentences, one in three
stating a date in one of the recognised forms (full dates, dates without a year, months,
relative days).  The script prints the seconds and events for each size and the ratio of
the largest time to the smallest, measured in this run: 4x the text should cost about 4x
the time (no scan that grows with the events found so far).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summarize.models import Article  # noqa: E402
from summarize.verify import timeline

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _date_phrase(rng: random.Random) -> str:
    month, day, year = rng.choice(MONTHS), rng.randint(1, 28), rng.randint(2015, 2024)
    return rng.choice(
        [
            f"on {month} {day}, {year}",
            f"on {day} {month} {year}",
            f"on {rng.choice(WEEKDAYS)}, {month} {day}",
            f"since {month} {year}",
            f"in {month}",
            "yesterday",
            "last week",
        ]
    )


def article_text(megabytes: float, rng: random.Random) -> str:
    paragraphs, size, i = [], 0, 0
    while size < megabytes * 1_000_000:
        sentences = [f"The committee met in room {rng.randint(1, 400)} to review item {i} of the agenda."]
        if i % 3 == 0:
            sentences.append(f"Members said the plan was approved {_date_phrase(rng)} after a long debate.")
        sentences.append("Several speakers asked for more detail, and the chair agreed to publish the figures.")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
        i += 1
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4], help="megabytes of article text")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    times = []
    for megabytes in args.sizes:
        text = article_text(megabytes, random.Random(args.seed))
        article = Article(id="bench", path="bench.txt", title="Bench", text=text, date=date(2024, 11, 1))
        began = time.perf_counter()
        found = timeline.events(article)
        seconds = time.perf_counter() - began
        times.append(seconds)
        print(f"{megabytes:g} MB ({len(text):,} characters): {seconds:.2f} s, {len(found):,} events")
    print(f"ratio {args.sizes[-1] / args.sizes[0]:g}x the text: {times[-1] / times[0]:.1f}x the time")


if __name__ == "__main__":
    main()
