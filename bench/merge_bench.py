"""Merge benchmark: time to merge generated article extractions, at 1,000 and 10,000.

    python bench/merge_bench.py [--sizes 1000 10000] [--seed 7]

Each generated article names a few people (from a pool, with spelling variants:
hyphens, spacing, case, titles, bare surnames), countries and capitals, and carries
claims, figures and stances about them.  Articles come in stories of five, each story with
words of its own in its titles and claims, as a real week has many stories (story
clustering compares articles within groups that share words or actors; one story of
10,000 articles would be quadratic).  The merge is deterministic; the script prints the
seconds for each size and the ratio of the largest to the smallest, measured in this run
(10x the articles should cost about 10x the time: no all-pairs comparison).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summarize.merge import merge  # noqa: E402
from summarize.models import (  # noqa: E402
    Actor,
    ArticleExtraction,
    ArticleRef,
    Claim,
    Coverage,
    Evidence,
    Figure,
    Producer,
    Stance,
    Usage,
)

GIVEN = ["Anna", "Boris", "Chen", "Dmytro", "Elif", "Farid", "Grace", "Hyun", "Ines", "Jonas", "Kenji", "Lena"]
FAMILY = ["Kim", "Park", "Novak", "Okafor", "Sybiga", "Keller", "Moreau", "Tanaka", "Silva", "Haddad", "Ivanova", "Larsen"]
COUNTRIES = [("North Korea", "Pyongyang"), ("Russia", "Moscow"), ("Ukraine", "Kyiv"), ("China", "Beijing"), ("Japan", "Tokyo")]
STORY_SIZE = 5
TOPICS = ["troops", "missiles", "shells", "sanctions", "talks", "drones", "refugees", "grain"]


def variant(rng: random.Random, given: str, family: str) -> str:
    full = f"{given} {family}"
    return rng.choice([full, full.upper(), f"{given}-{family}", f"Minister {full}", family, full])


def article(i: int, rng: random.Random) -> ArticleExtraction:
    aid = f"art{i:06d}"
    story = " ".join(f"{word}{i // STORY_SIZE}" for word in ("plan", "vote", "deal"))

    def ev(quote: str) -> Evidence:
        return Evidence(article_id=aid, quote=quote, start=0, end=len(quote), alignment="exact", score=100.0)

    people = [(rng.choice(GIVEN), rng.choice(FAMILY)) for _ in range(4)]
    names = [variant(rng, g, f) for g, f in people]
    country, capital = rng.choice(COUNTRIES)
    actors = [Actor(name=n, kind="person", evidence=ev(n), mentions=rng.randint(1, 4)) for n in names]
    actors.append(Actor(name=rng.choice([country, capital]), kind="country", evidence=ev(country)))
    claims, figures, stances = [], [], []
    for n in names[:3]:
        topic, value = rng.choice(TOPICS), rng.randint(1, 50) * 100
        negation = " not" if rng.random() < 0.2 else ""
        text = f"{country} has{negation} sent {value} {topic} to the front for the {story}, {n} said."
        claims.append(Claim(text=text, speaker=n, kind="denial" if negation else "fact", evidence=ev(text)))
        figures.append(Figure(value=value, unit=topic, counts=f"{topic} sent by {country}", source=n, evidence=ev(text)))
        stances.append(Stance(holder=n, target=country, target_kind="actor", polarity=rng.choice(["support", "oppose"]), evidence=ev(text)))
    return ArticleExtraction(
        article=ArticleRef(id=aid, path=f"{aid}.txt", title=f"{story}: {aid}"),
        actors=actors,
        claims=claims,
        figures=figures,
        stances=stances,
        attempts=1,
        usage=Usage(requests=1),
        prompt_version="bench",
        coverage=Coverage(article_id=aid, stated=3, found=3, missing=[]),
    )


def timed(n: int, seed: int) -> tuple[float, int, int]:
    rng = random.Random(seed)
    extractions = [article(i, rng) for i in range(n)]
    producer = Producer(kind="live", model="bench", mode="tools", prompt_version="bench")
    start = time.perf_counter()
    brief = merge(extractions, [], producer, Usage())
    return time.perf_counter() - start, len(brief.actors), len(brief.stories)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    results = []
    for n in args.sizes:
        seconds, actors, stories = timed(n, args.seed)
        results.append((n, seconds))
        print(f"{n:>7,} articles: {seconds:7.2f} s  ({actors:,} merged actors, {stories:,} stories)")
    (n0, t0), (n1, t1) = results[0], results[-1]
    print(f"ratio {n1 // n0}x articles -> {t1 / t0:.1f}x time")


if __name__ == "__main__":
    main()
