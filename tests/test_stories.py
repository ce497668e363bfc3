"""Story grouping on generated folders full of identical and nearly identical articles.

Cosines of identical rows come out a hair above 1; a distance below 0 made scipy's
clustering raise and lost the whole run after every model answer was in.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from summarize.week.stories import StoryInput, group

WORDS = (Path(__file__).resolve().parent.parent / "examples" / "bbc-week").glob("*/*.txt")
VOCABULARY = sorted({w for path in WORDS for w in path.read_text(encoding="utf-8").split()})


def _near_copies(seed: int) -> list[StoryInput]:
    """Articles that come in sets of one to four copies differing by a full stop, a title or
    nothing at all."""
    rng = random.Random(seed)
    inputs = []
    for i in range(rng.randint(2, 30)):
        body = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 80)))
        for k in range(rng.randint(1, 4)):
            text = body + rng.choice(["", ".", " .", "!"])
            inputs.append(StoryInput(f"a{i}-{k}", rng.choice(["Title", body[:20]]), text, None))
    return inputs


@pytest.mark.parametrize("seed", range(60))
def test_copies_never_break_the_grouping(seed):
    inputs = _near_copies(seed)
    groups = group(inputs)
    members = sorted(i for g in groups for i in g.members)
    assert members == list(range(len(inputs)))
    for g in groups:
        assert g.central in g.members
    # Identical texts are one story.
    story_of = {i: n for n, g in enumerate(groups) for i in g.members}
    by_text: dict[str, set[int]] = {}
    for i, item in enumerate(inputs):
        by_text.setdefault(item.title + item.text, set()).add(story_of[i])
    assert all(len(stories) == 1 for stories in by_text.values())


def test_one_shared_word_never_joins_two_reports():
    """Two short reports whose only common word is a rare name: not one story, however
    high their cosine; with two more words in common they are."""
    a = StoryInput("a", "Zorblat wins", "Zorblat wins the regional chess final in Tallinn.", None)
    b = StoryInput("b", "Zorblat sold", "Zorblat sold to investors, shares fall in Osaka.", None)
    filler = [StoryInput(f"f{i}", f"Filler {i}", f"weather report number {i} sunny and mild", None) for i in range(6)]
    groups = group([a, b, *filler])
    assert not any({0, 1} <= set(g.members) for g in groups)
    c = StoryInput("c", "Zorblat chess final", "Zorblat wins the chess final again in Tallinn.", None)
    groups = group([a, c, *filler])
    assert any({0, 1} <= set(g.members) for g in groups)


def test_thousands_of_near_identical_reports_group_under_a_memory_cap():
    """3,000 short template reports (the same words, other numbers and places: not copies)
    are grouped in memory linear in the reports: a dense 3,000 x 3,000 similarity matrix
    and scipy's linkage over it would not fit the cap."""
    script = f"""
import resource, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
resource.setrlimit(resource.RLIMIT_AS, (1024 * 2**20, 1024 * 2**20))
from summarize.week.stories import StoryInput, group
inputs = [
    StoryInput(f"a{{i}}", f"Market close {{i}}", f"Shares in firm{{i % 97}} closed at {{i}} pence in town{{i % 89}} on heavy trading, dealers said.", None)
    for i in range(3000)
]
groups = group(inputs)
print(len(groups), sum(len(g.members) for g in groups))
"""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    count, members = map(int, run.stdout.split())
    assert members == 3000 and count >= 1


LABELS = Path(__file__).resolve().parent / "stories"
BBC_NEWS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "bbc-news"


@pytest.mark.skipif(not BBC_NEWS.is_dir(), reason="../shared/corpus/bbc-news is not beside the repository")
@pytest.mark.parametrize("labels", ["bbc_story_labels.json", "bbc_story_labels_heldout.json"])
def test_the_labelled_bbc_sample_groups_into_its_stories(labels):
    """Each hand-labelled sample (tests/stories/README.md: the one the thresholds were set on,
    and a held-out one labelled afterwards), grouped as a week of its own, copies folded into
    their reports as a run does: B-cubed F1 at least 0.85, and few unrelated articles put in
    a story of several (bench/stories.py prints the numbers)."""
    import hashlib
    import json

    from summarize.sources import copies
    from summarize.sources.load import load_article
    from summarize.week.bcubed import bcubed

    entries = json.loads((LABELS / labels).read_text(encoding="utf-8"))["articles"]
    gold = {}
    articles = []
    for entry in entries:
        path = BBC_NEWS / entry["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], path
        gold[str(path)] = entry["story"]
        articles.append(load_article(path))
    reports = copies.collapse(articles).reports
    predicted = {}
    for n, g in enumerate(group([StoryInput(a.id, a.title, a.text, a.date) for a in reports])):
        for i in g.members:
            predicted[reports[i].path] = n
            predicted.update({c.path: n for c in reports[i].copies})
    precision, recall, f1 = bcubed(predicted, gold)
    assert f1 >= 0.85 and precision >= 0.85 and recall >= 0.85
    sizes = {label: list(gold.values()).count(label) for label in gold.values()}
    together = {n: sum(1 for p in gold if predicted[p] == n) for n in set(predicted.values())}
    unrelated_joined = sum(1 for p, label in gold.items() if sizes[label] == 1 and together[predicted[p]] > 1)
    # Measured: 34 of 208 (16%) and 29 of 151 (19%); in the whole dataset 12 and 19 (6%, 13%).
    assert unrelated_joined <= 0.25 * sum(1 for size in sizes.values() if size == 1)


def test_bcubed_on_a_small_known_case():
    from summarize.week.bcubed import bcubed

    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert bcubed({"a": 0, "b": 0, "c": 0, "d": 0}, gold) == (0.5, 1.0, 2 / 3)
    assert bcubed({"a": 0, "b": 1, "c": 2, "d": 3}, gold) == (1.0, 0.5, 2 / 3)
    assert bcubed({"a": 0, "b": 0, "c": 1, "d": 1}, gold) == (1.0, 1.0, 1.0)
