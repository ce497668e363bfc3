"""Story grouping against hand labels: B-cubed precision, recall and F1.

    python bench/stories.py [--labels tests/stories/bbc_story_labels.json ...] [--verbose]

Reads the labelled sample of the BBC News dataset (``tests/stories/README.md`` says how it
was chosen and labelled), loads the whole dataset from ``../shared/corpus/bbc-news``,
folds copies into their reports as a run does (:mod:`summarize.sources.copies`), groups
the reports into stories (:func:`summarize.week.stories.group`) and scores the grouping on
the labelled articles (a copy takes its report's story).  Two settings:

* the labelled sample alone, as a week of those articles;
* the whole dataset (2,225 articles) as one week, scored on the sample: unlabelled
  articles may join labelled stories and so lower precision, as in a real week.

Prints precision, recall, F1 (goal >= 0.85) and how many unrelated articles (a story of
one in the labels) were put in a story with another labelled article; ``--verbose`` lists
every story that mixes labels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.sources import copies  # noqa: E402
from summarize.sources.load import load_folder  # noqa: E402
from summarize.week import stories  # noqa: E402
from summarize.week.bcubed import bcubed  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "bbc-news"
VERBOSE = "--verbose" in sys.argv


def labels(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = {}
    for entry in data["articles"]:
        file = CORPUS / entry["path"]
        if hashlib.sha256(file.read_bytes()).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{file} is not the labelled file (sha256 differs)")
        gold[str(file)] = entry["story"]
    return gold


def score(articles, gold: dict[str, str]) -> tuple[float, float, float, int, int, float]:
    started = time.perf_counter()
    collapsed = copies.collapse(articles)
    reports = collapsed.reports
    inputs = [stories.StoryInput(a.id, a.title, a.text, a.date) for a in reports]
    groups = stories.group(inputs)
    elapsed = time.perf_counter() - started
    predicted: dict[str, int] = {}
    for n, g in enumerate(groups):
        for i in g.members:
            predicted[reports[i].path] = n
            for c in reports[i].copies:
                predicted[c.path] = n
    p, r, f = bcubed(predicted, gold)
    labelled_in: dict[int, int] = {}
    for path in gold:
        labelled_in[predicted[path]] = labelled_in.get(predicted[path], 0) + 1
    sizes = {label: list(gold.values()).count(label) for label in set(gold.values())}
    # An unrelated article (a story of one in the labels) counts as wrongly joined when its
    # story holds another labelled article; unlabelled articles of the dataset may be its
    # real story mates.
    joined = sum(1 for path, label in gold.items() if sizes[label] == 1 and labelled_in[predicted[path]] > 1)
    if VERBOSE:
        members: dict[int, list[str]] = {}
        for path in gold:
            members.setdefault(predicted[path], []).append(path)
        for n, paths in members.items():
            labels = {gold[p] for p in paths}
            if len(labels) > 1:
                print("  mixed:", "; ".join(f"{Path(p).parent.name}/{Path(p).name}={gold[p]}" for p in sorted(paths)))
    return p, r, f, joined, len(groups), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--labels",
        type=Path,
        nargs="+",
        default=[ROOT / "tests" / "stories" / name for name in ("bbc_story_labels.json", "bbc_story_labels_heldout.json")],
        help="label files (default: the sample the thresholds were set on, then the held-out one)",
    )
    parser.add_argument("--verbose", action="store_true", help="list every predicted story that mixes labels")
    args = parser.parse_args()
    loaded = load_folder(CORPUS, recursive=True)
    for path in args.labels:
        gold = labels(path)
        solo = sum(1 for label in set(gold.values()) if list(gold.values()).count(label) == 1)
        print(f"{path.name}: {len(gold)} labelled articles, {len(set(gold.values())) - solo} stories of several, {solo} unrelated")
        sample = [a for a in loaded.articles if a.path in gold]
        for name, articles in (("the sample alone", sample), (f"the whole dataset ({len(loaded.articles)})", loaded.articles)):
            p, r, f, joined, count, elapsed = score(articles, gold)
            print(
                f"  {name}: B-cubed precision {p:.3f}, recall {r:.3f}, F1 {f:.3f} (goal >= 0.85); "
                f"{joined} unrelated article(s) put in a story of several; {count} stories; {elapsed:.2f} s"
            )


if __name__ == "__main__":
    main()
