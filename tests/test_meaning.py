"""A quote is verified only if the article says it: fuzzy alignment forgives spelling of the
text (spacing, punctuation, case, diacritics, function words), never a meaning word."""

from dataclasses import replace

import pytest
from test_merge import actor, brief_of, extraction

from summarize import lang
from summarize.models import OUTLET, Claim, ClaimDraft, ExtractionDraft
from summarize.render.markdown import to_markdown
from summarize.verify import checks, ground, meaning

TEXT = "The minister told reporters on Tuesday that she would not resign over the 12 million budget report from Harlow."


@pytest.mark.parametrize(
    "quote, said",
    [
        ("she would now resign over the 12 million budget report", "the article says 'not' where the quote says 'now'"),
        ("she would resign over the 12 million budget report", "the article says 'not', which the quote leaves out"),
        ("she would not resign over the 12 million budget report from Harlan", "the article says 'harlow' where the quote says 'harlan'"),
        ("she would not quit over the 12 million budget report", "the article says 'resign' where the quote says 'quit'"),
        ("she would not resign over the 12 million budget review", "the article does not say 'review'"),
        ("she would not resign over the 12 million budget report today", "the article does not say 'today'"),
    ],
)
def test_a_fuzzy_match_that_changes_a_meaning_word_is_refused_and_says_which(quote, said):
    assert ground._candidate(quote, TEXT) is not None  # close enough by its characters alone...
    assert ground.locate(quote, TEXT) is None  # ...but not what the article says
    assert ground.refusal(quote, TEXT) == said


@pytest.mark.parametrize(
    "quote",
    [
        "She would NOT resign over the 12 million budget report",  # case
        "she would not resign, over the 12-million budget report",  # punctuation
        "she would not resign over 12 million budget report",  # a function word
        "she would not resign over the 12 million budgét report",  # a diacritic
    ],
)
def test_spelling_of_the_text_is_forgiven_and_the_article_span_is_the_quote(quote):
    span = ground.locate(quote, TEXT)
    assert span is not None and span.alignment == "fuzzy"
    shown = ground.evidence(quote, TEXT, "a1")
    assert shown.quote == TEXT[span.start : span.end] and shown.quote in TEXT


def test_the_meaning_words_come_from_the_language_data():
    english = lang.load()
    assert "not" in english.negations and "not" in english.stopwords  # a negation is kept though a stopword
    no_negations = replace(english, negations=frozenset())
    assert meaning.difference("she would resign", "she would not resign", no_negations) is None
    assert meaning.difference("she would resign", "she would not resign", english) is not None
    other = replace(english, stopwords=frozenset({"der", "nicht"}), negations=frozenset({"nicht"}))
    assert meaning.difference("der Minister tritt zurück", "der Minister tritt nicht zurück", other) == "the article says 'nicht', which the quote leaves out"


def test_a_flipped_quote_is_reasked_with_the_reason():
    draft = ExtractionDraft(
        actors=[],
        claims=[ClaimDraft(text="She will resign", speaker=OUTLET, kind="fact", quote="she would now resign over the 12 million budget report")],
        figures=[],
        stances=[],
    )
    [issues] = checks.problems(draft, TEXT).values()
    assert issues == ["quote changes the article's words: the article says 'not' where the quote says 'now'"]


def test_markdown_prints_the_article_words_and_marks_a_fuzzy_match():
    model_quote = "She would not resign over the 12 million budget report"  # a capital the article does not have
    evidence = ground.evidence(model_quote, TEXT, "a1")
    claim = Claim(text="She will stay", speaker=OUTLET, kind="fact", evidence=evidence)
    shown = to_markdown(brief_of(extraction("a1", [actor("a1", "Harlow")], [claim])))
    assert "“she would not resign over the 12 million budget report” (fuzzy match)" in shown
    assert model_quote not in shown
