"""Quote alignment benchmark: seconds to locate near-verbatim quotes of growing length.

    python bench/quote_bench.py [--lengths 500 1000 2000 4000] [--seed 7]

Each quote is a stretch of a generated article with one letter in every 97 changed, so
only the fuzzy alignment finds it.  The script prints the seconds for each length and the
ratio of the longest to the shortest, measured in this run: 8x the quote should cost
about 8x the time or less, not the 8^3.5 of an all-pairs span search.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summarize.verify import ground

WORDS = "the board said talks with the league over the new stadium budget would resume after the vote in May".split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pick = random.Random(args.seed)
    text = " ".join(pick.choice(WORDS) for _ in range(max(args.lengths) + 2000))
    seconds = {}
    for length in args.lengths:
        start = text.index(" ", len(text) // 4) + 1
        original = text[start : text.index(" ", start + length)]
        quote = "".join("x" if i % 97 == 50 and c.isalpha() else c for i, c in enumerate(original))
        ground.locate.cache_clear()
        began = time.perf_counter()
        span = ground.locate(quote, text)
        seconds[length] = time.perf_counter() - began
        found = "not found" if span is None else f"{span.alignment} {span.score}, right span: {(span.start, span.end) == (start, start + len(original))}"
        print(f"{length:>6} chars: {seconds[length]:.4f} s ({found})")
    low, high = min(args.lengths), max(args.lengths)
    print(f"ratio {high}/{low} chars: {seconds[high] / max(seconds[low], 1e-6):.1f}x the time for {high / low:.0f}x the length")


if __name__ == "__main__":
    main()
