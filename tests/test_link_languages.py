"""The linking rules read each claim in its article's language: its negation words and
stopwords come from that language's data file (summarize/lang/<code>.json), never from
another language's."""

import pytest

from summarize.link import links as link
from summarize.models import ArticleRef, BriefClaim, Evidence


def _items(language: str, *texts: str) -> link.StoryItems:
    """One claim per article, each article in ``language``, said by the outlet."""
    articles = [ArticleRef(id=f"a{n}", path=f"a{n}.txt", title=f"Article {n}", language=language) for n in range(len(texts))]
    claims = [
        BriefClaim(id=f"C{n + 1}", text=text, speaker="the outlet", speaker_id=None, kind="fact",
                   evidence=Evidence(article_id=f"a{n}", quote=text, start=0, end=len(text), alignment="exact"))
        for n, text in enumerate(texts)
    ]
    return link.StoryItems(articles=articles, actors=[], claims=claims, figures=[], stances=[])


@pytest.mark.parametrize(
    "language, report, denial",
    [
        ("fr", "Le ministre a démissionné.", "Le ministre n'a pas démissionné."),
        ("de", "Der Minister ist zurückgetreten.", "Der Minister ist nicht zurückgetreten."),
        ("fr", "Le ministre a démissionné.", "Le ministre dément avoir démissionné."),  # "dément": accents folded alike
    ],
)
def test_a_negation_in_the_articles_language_contests_a_claim(language, report, denial):
    found = link.rule_links(_items(language, report, denial), "by rule")
    assert [(r, d) for r, d, _ in found.contradictions] == [("C1", "C2")]
    assert found.claim_groups == []  # a claim and its denial are not one claim


def test_the_same_claims_in_english_articles_are_not_read_with_french_negations():
    """Read as English (the articles say so), "pas" is no negation: nothing is contested."""
    found = link.rule_links(_items("en", "Le ministre a démissionné.", "Le ministre n'a pas démissionné."), "by rule")
    assert found.contradictions == []


def test_an_english_claim_is_not_negated_by_another_languages_word():
    """"non" is a French negation; in an English article it is part of "non-executive", and
    the two English claims are one claim, not a denial."""
    found = link.rule_links(
        _items("en", "The non-executive chairman of the bank resigned on Monday.", "The chairman of the bank resigned on Monday."),
        "by rule",
    )
    assert found.contradictions == []
    assert found.claim_groups == [["C1", "C2"]]


def test_stopwords_are_the_articles_language():
    """Two French claims that share only French stopwords ("selon", "elle", "dans", "les")
    are not one claim; read with English stopwords they would be."""
    strikes, rain = "Selon elle, il y a eu des grèves dans tous les ports.", "Selon elle, il y a eu des pluies dans tous les champs."
    assert link.rule_links(_items("fr", strikes, rain), "by rule").claim_groups == []
    assert link.rule_links(_items("en", strikes, rain), "by rule").claim_groups == [["C1", "C2"]]
