from summarize.verify.ground import FUZZY_THRESHOLD, locate, refusal

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


def test_case_punctuation_and_a_dropped_function_word_align_fuzzily_above_the_threshold():
    text = "Officials said the convoy of armoured vehicles crossed the border before dawn on Tuesday."
    span = locate("The convoy of armoured vehicles crossed border, before dawn", text)
    assert span.alignment == "fuzzy" and FUZZY_THRESHOLD <= span.score < 100
    assert text[span.start : span.end] == "the convoy of armoured vehicles crossed the border before dawn"


def test_a_changed_content_word_does_not_align_and_says_which():
    text = "Officials said the convoy of armoured vehicles crossed the border before dawn on Tuesday."
    quote = "the convoy of armored vehicles crossed the border before dawn"
    assert locate(quote, text) is None
    assert refusal(quote, text) == "the article says 'armoured' where the quote says 'armored'"


def test_a_paraphrase_does_not_align():
    text = "Officials said the convoy of armoured vehicles crossed the border before dawn on Tuesday."
    assert locate("a column of tanks entered the country early in the morning", text) is None
    assert locate("the convoy of trucks had crossed a river", text) is None


def test_short_quotes_are_never_matched_fuzzily():
    assert locate("armored", "armoured vehicles") is None


def test_a_near_match_that_changes_a_number_does_not_align():
    text = "Officials said 8,000 troops were deployed to the Kursk border region."
    assert locate("9,000 troops were deployed to the Kursk border region", text) is None
    assert locate("8,000 troops were deployed to the Kursk borderregion", text).alignment == "fuzzy"
