"""Copies are one report: byte-identical files and near copies from the real BBC dataset
(``../shared/corpus/bbc-news``), and generated folders of thousands of near-identical files."""

from __future__ import annotations

import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from summarize.models import Article
from summarize.sources import copies
from summarize.sources.load import load_article

BBC_NEWS = ROOT.parent / "shared" / "corpus" / "bbc-news"
needs_corpus = pytest.mark.skipif(not BBC_NEWS.is_dir(), reason="../shared/corpus/bbc-news is not beside the repository")


def _articles(*names: str) -> list[Article]:
    return [load_article(BBC_NEWS / name) for name in names]


@needs_corpus
@pytest.mark.parametrize(
    "first, second, identical",
    [
        ("entertainment/129.txt", "entertainment/261.txt", True),  # the same bytes, saved twice
        ("entertainment/179.txt", "entertainment/216.txt", False),  # a few words changed
        ("business/209.txt", "business/229.txt", False),  # revised: another title, an updated figure
        ("politics/088.txt", "politics/337.txt", False),  # revised: a paragraph replaced (0.56)
    ],
)
def test_real_copies_are_one_report(first, second, identical):
    found = copies.collapse(_articles(first, second))
    assert found.copies == 1 and len(found.reports) == 1
    (copy,) = found.reports[0].copies
    assert copy.identical is identical
    assert {copy.path, found.reports[0].path} == {str(BBC_NEWS / first), str(BBC_NEWS / second)}


@needs_corpus
@pytest.mark.parametrize(
    "first, second",
    [
        ("politics/327.txt", "politics/328.txt"),  # two reports of one hearing (0.47): the closest non-copies
        ("politics/111.txt", "politics/293.txt"),  # a launch, then a long report that quotes it (0.35)
        ("business/209.txt", "business/254.txt"),  # one takeover bid, another day's report
    ],
)
def test_reports_of_one_story_are_not_copies(first, second):
    found = copies.collapse(_articles(first, second))
    assert found.copies == 0 and [a.copies for a in found.reports] == [[], []]


@needs_corpus
def test_the_whole_dataset_has_its_known_copies():
    """The corpus README: about 98 byte-identical pairs and about 70 near copies."""
    from summarize.sources.load import load_folder

    loaded = load_folder(BBC_NEWS, recursive=True)
    found = copies.collapse(loaded.articles)
    listed = [c for a in found.reports for c in a.copies]
    identical = sum(1 for c in listed if c.identical)
    assert 90 <= identical <= 100
    assert 60 <= len(listed) - identical <= 80
    assert len(found.reports) + found.copies == len(loaded.articles)
    assert all(c.similarity >= copies.THRESHOLD for c in listed)


def _article(i: int, text: str, day: int | None = None) -> Article:
    from datetime import date

    return Article(id=f"{i:016x}", path=f"f{i:05d}.txt", title=f"Title {i}", text=text, date=date(2024, 10, day) if day else None)


def _jaccard(a: list[str], b: list[str]) -> float:
    def shingles(words):
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def test_a_chain_of_small_edits_does_not_join_unlike_files():
    """A ≈ B and B ≈ C, but A and C are not alike: C is not a copy of A's report."""
    a = [f"a{i}" for i in range(300)]
    b = a[:210] + [f"b{i}" for i in range(90)]
    c = a[:120] + [f"b{i}" for i in range(90)] + [f"c{i}" for i in range(90)]
    assert _jaccard(a, b) >= copies.THRESHOLD and _jaccard(b, c) >= copies.THRESHOLD > _jaccard(a, c)
    found = copies.collapse([_article(0, " ".join(a)), _article(1, " ".join(b)), _article(2, " ".join(c))])
    groups = [{r.path, *(x.path for x in r.copies)} for r in found.reports]
    assert {"f00000.txt", "f00001.txt"} in groups and {"f00002.txt"} in groups


def test_the_newest_copy_is_the_report_read():
    text = " ".join(f"word{i}" for i in range(100))
    found = copies.collapse([_article(0, text, 1), _article(1, text + " update", 3), _article(2, text, None)])
    assert [r.path for r in found.reports] == ["f00001.txt"]
    assert sorted(c.path for c in found.reports[0].copies) == ["f00000.txt", "f00002.txt"]


def test_thousands_of_near_identical_files_under_a_memory_cap():
    """5,000 short near-identical articles: linear time and memory (a dense n x n matrix
    would need 200 MB in float64 and scale with the square)."""
    script = f"""
import random, resource, sys
sys.path.insert(0, {str(ROOT)!r})
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from datetime import date
from summarize.models import Article
from summarize.sources import copies
rng = random.Random(3)
base = [f"w{{i}}" for i in range(60)]
articles = []
for i in range(5000):
    words = list(base)
    words[rng.randrange(60)] = f"v{{i}}"
    articles.append(Article(id=f"{{i:016x}}", path=f"f{{i:05d}}.txt", title="t", text=" ".join(words)))
found = copies.collapse(articles)
print(len(found.reports), found.copies)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    reports, found = map(int, run.stdout.split())
    assert reports + found == 5000 and reports <= 5


@needs_corpus
def test_a_folder_of_copies_is_briefed_once_per_report(tmp_path):
    """Real copies from the dataset (a file saved twice, a retitled copy, a revised copy)
    beside a real story of three reports, briefed live against the test server's rules:
    each report is sent once, its copies are listed with it, nothing is corroborated by a
    copy, and the requests not spent are counted."""
    from reference_server import RULE_MODEL, ReferenceServer

    from summarize import pipeline
    from summarize.render import markdown

    files = [
        "entertainment/129.txt", "entertainment/261.txt",  # the same bytes
        "entertainment/179.txt", "entertainment/216.txt",  # a few words changed
        "business/209.txt", "business/229.txt",  # revised, another title
        "sport/033.txt", "sport/047.txt", "sport/050.txt",  # one story, three reports
    ]
    folder = tmp_path / "week"
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((BBC_NEWS / name).read_bytes())
    with ReferenceServer(by_rule=True) as server:
        options = pipeline.Options(folder=folder, recursive=True, model=RULE_MODEL, base_url=server.base_url, summary=False)
        brief = pipeline.brief_folder(options, env={}).brief
        sent = {article_id for article_id, _ in server.served if article_id != "links"}
    assert len(brief.articles) == 6 and sum(len(a.copies) for a in brief.articles) == 3
    assert sent == {a.id for a in brief.articles}  # no copy was sent
    assert brief.usage.not_sent >= 3
    copy_paths = {c.path for a in brief.articles for c in a.copies}
    report_of_copy = {c.path: a.id for a in brief.articles for c in a.copies}
    assert len(copy_paths) == 3 and all(report_of_copy[p] for p in copy_paths)
    # Corroboration counts reports: no cluster rests on one report and its copy.
    assert all(len(set(k.article_ids)) == k.corroboration for k in brief.claim_clusters)
    text = markdown.to_markdown(brief)
    assert "3 copies of them found and read once" in text and "also carried by" in text
