from summarize.ground import locate, unaligned
from summarize.models import ExtractionDraft

TEXT = "He said: “We have not yet seen these troops deploy,”\nadded  Blinken. Café Zürich — 東京 report."


def test_verbatim_quote_is_exact_with_offsets():
    quote = "We have not yet seen these troops deploy"
    span = locate(quote, TEXT)
    assert span.alignment == "exact"
    assert TEXT[span.start : span.end] == quote


def test_whitespace_and_quote_style_differences_align_fuzzily_with_original_offsets():
    span = locate('"We have not yet seen these troops deploy," added Blinken.', TEXT)
    assert span is not None and span.alignment == "fuzzy"
    assert TEXT[span.start : span.end] == "We have not yet seen these troops deploy,”\nadded  Blinken."


def test_offsets_count_characters_in_non_ascii_text():
    span = locate("Zürich - 東京", TEXT)
    assert span.alignment == "fuzzy"
    assert TEXT[span.start : span.end] == "Zürich — 東京"


def test_a_quote_that_is_not_in_the_text_does_not_align():
    assert locate("We have seen these troops in combat", TEXT) is None
    assert locate("   ", TEXT) is None


def test_unaligned_names_each_failing_item():
    draft = ExtractionDraft.model_validate(
        {
            "actors": [{"name": "Antony Blinken", "kind": "person", "quote": "added  Blinken"}],
            "claims": [{"text": "x", "speaker": "Antony Blinken", "kind": "fact", "quote": "troops are in combat"}],
            "figures": [],
            "stances": [],
        }
    )
    problems = unaligned(draft, TEXT)
    assert len(problems) == 1
    assert problems[0].startswith("claims[0] (x): quote not found")
