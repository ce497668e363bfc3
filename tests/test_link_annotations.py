"""The cross-article link annotations name only what the extraction annotations hold.

``tests/annotations/links-<set>.json`` is keyed by actor names and item quotes, not by ids,
so a link whose quote or name is not in that set's extraction annotations would silently
link nothing.  Each link must also reach items in at least two places.
"""

import json

import pytest
from conftest import FIXTURES, ROOT, SEEDS
from reference_server import ANNOTATIONS

from summarize.sources.load import load_folder

SETS = {"seeds": SEEDS, "bbc-week": ROOT / "examples" / "bbc-week", "fixtures": FIXTURES / "weeks"}
KEYS = {"actor_groups", "claim_groups", "contradictions", "figure_groups", "issues"}


def _extractions(folder):
    """Each article's extraction annotation, keyed by article id."""
    loaded = load_folder(folder, recursive=True)
    assert loaded.articles and not loaded.failures
    return {a.id: _annotation(a) for a in loaded.articles}


def _annotation(article):
    """By article id, or (the invented fixtures, whose annotations the reference server
    finds by content) the annotation whose first quote the article holds."""
    path = ANNOTATIONS / f"{article.id}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    for candidate in sorted(ANNOTATIONS.glob("fixture-*.json")):
        annotation = json.loads(candidate.read_text(encoding="utf-8"))
        if annotation["claims"] and annotation["claims"][0]["quote"] in article.text:
            return annotation
    raise AssertionError(f"no annotation for {article.path}")


def _where(extractions, kind, key, value):
    """(article id, index) of every item of ``kind`` whose ``key`` is ``value``."""
    return [(aid, i) for aid, ann in extractions.items() for i, item in enumerate(ann[kind]) if value == item[key]]


def test_every_links_file_belongs_to_a_known_article_set():
    names = {p.name.removeprefix("links-").removesuffix(".json") for p in ANNOTATIONS.glob("links-*.json")}
    assert names == set(SETS)


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_link_names_items_of_the_extraction_annotations(name):
    links = json.loads((ANNOTATIONS / f"links-{name}.json").read_text(encoding="utf-8"))
    assert set(links) == KEYS
    extractions = _extractions(SETS[name])

    for group in links["actor_groups"]:
        entries = set()
        for form in group:
            found = [
                (aid, i)
                for aid, ann in extractions.items()
                for i, actor in enumerate(ann["actors"])
                if form in (actor["name"], *actor["aliases"])
            ]
            assert found, (name, "actor", form)
            entries.update(found)
        assert len(entries) >= 2, (name, "actor group links one entry only", group)

    def quoted(kind, quotes, label):
        places = []
        for quote in quotes:
            found = _where(extractions, kind, "quote", quote)
            assert found, (name, label, quote)
            places += found
        return places

    for group in links["claim_groups"]:
        places = quoted("claims", group["quotes"], "claim")
        assert len({aid for aid, _ in places}) >= 2, (name, "claim group within one article", group["note"])
        assert group["note"].strip()
    for pair in links["contradictions"]:
        assert len(pair["quotes"]) == 2 and pair["reason"].strip()
        assert len(set(quoted("claims", pair["quotes"], "contradiction"))) == 2
    for group in links["figure_groups"]:
        assert len(set(quoted("figures", group["quotes"], "figure"))) >= 2, (name, group["quantity"])
        assert group["quantity"].strip()
    for issue in links["issues"]:
        holders = set()
        for target in issue["targets"]:
            found = _where(extractions, "stances", "target", target)
            assert found, (name, "stance target", target)
            holders.update(extractions[aid]["stances"][i]["holder"] for aid, i in found)
        assert len(issue["targets"]) >= 2 and len(holders) >= 2, (name, issue["issue"])


def test_the_seed_links_hold_the_two_tensions_between_the_seed_articles():
    links = json.loads((ANNOTATIONS / "links-seeds.json").read_text(encoding="utf-8"))
    assert any(
        "We have not yet seen these troops deploy in combat against Ukrainian forces" in pair["quotes"]
        and any("dead and wounded" in q for q in pair["quotes"])
        for pair in links["contradictions"]
    )
    extractions = _extractions(SEEDS)
    stances = [s for ann in extractions.values() for s in ann["stances"]]
    missiles = next(i for i in links["issues"] if any("long-range" in t for t in i["targets"]))
    polarity = {(s["holder"], s["polarity"]) for s in stances if s["target"] in missiles["targets"]}
    assert {("United States", "oppose"), ("France", "oppose"), ("United Kingdom", "oppose")} <= polarity
    assert ("Andriï Sybiga", "support") in polarity
