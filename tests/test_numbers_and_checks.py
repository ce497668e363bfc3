import pytest

from summarize.models import ExtractionDraft
from summarize.verify.checks import problems
from summarize.verify.numbers import scan, supports


@pytest.mark.parametrize(
    "text, values",
    [
        ("A total of 8,000 troops", [8000]),
        ("with 1.2 million soldiers", [1_200_000]),
        ("a million and a half shells", [1_500_000]),
        ("a third of a million shells", [1_000_000 / 3]),
        ("For twenty-four years", [24]),
        ("more than half of the plants", [0.5]),
        ("it has been zero", [0]),
        ("3.5% of the vote and 30 bn dollars", [3.5, 30e9]),
        ("Two months earlier", [2]),
    ],
)
def test_the_scanner_reads_the_numbers_an_article_states(text, values):
    assert [m.value for m in scan(text)] == pytest.approx(values)


@pytest.mark.parametrize(
    "text",
    ["since 2022", "the Korean War of 1950-1953", "since the 1950s", "Thursday, October 31,", "on 9 October", "4:50 pm", "the G7 meeting", "only one leader"],
)
def test_years_dates_times_names_and_one_are_not_figures(text):
    assert scan(text) == []


def test_offsets_of_mentions_point_at_the_number():
    text = "Officials said 16,500 containers."
    [mention] = scan(text)
    assert text[mention.start : mention.end] == "16,500"


def test_a_value_must_be_stated_by_its_quote():
    assert supports(1_500_000, "shells", "a million and a half shells")
    assert not supports(80_000, "troops", "8,000 troops")
    assert supports(50, "percent", "more than half of the power plants")
    assert supports(333_333, "shells", "a third of a million shells")


TEXT = "Blinken said 8,000 troops were in Kursk. “It is serious,” said Lin Jian."


def draft(**parts):
    base = {"actors": [], "claims": [], "figures": [], "stances": []}
    return ExtractionDraft.model_validate({**base, **parts})


def test_checks_name_each_problem_in_a_short_line():
    answer = draft(
        actors=[{"name": "Antony Blinken", "aliases": ["Blinken"], "kind": "person", "quote": "Blinken said"}],
        claims=[
            {"text": "serious", "speaker": "Lin", "kind": "assessment", "quote": "It is serious"},
            {"text": "troops in Kursk", "speaker": "the outlet", "kind": "fact", "quote": "8,000 troops were in Kursk"},
        ],
        figures=[
            {"value": 80000, "unit": "troops", "counts": "troops", "source": "Blinken", "quote": "8,000 troops were in Kursk"},
            {"value": 8000, "unit": "troops", "counts": "troops", "source": "Blinken", "quote": "9,000 troops were in Kursk"},
        ],
    )
    found = problems(answer, TEXT)
    assert found == {
        ("claims", 0): ["speaker 'Lin' is not in actors; use an actor's name or 'the outlet'"],
        ("figures", 0): ["value 80000 is not what its quote states (8,000)"],
        ("figures", 1): ["quote not found in the article: '9,000 troops were in Kursk'", "value 8000 is not what its quote states (9,000)"],
    }
    assert all(len(line) < 150 for lines in found.values() for line in lines)


def test_names_known_from_elsewhere_count_for_a_gleaning_answer():
    from summarize.models import FigureGleaning

    answer = FigureGleaning.model_validate(
        {"figures": [{"value": 8000, "unit": "troops", "counts": "troops", "source": "Antony Blinken", "quote": "8,000 troops"}]}
    )
    assert problems(answer, TEXT) == {("figures", 0): ["source 'Antony Blinken' is not in actors; use an actor's name or 'the outlet'"]}
    assert problems(answer, TEXT, known={"antonyblinken"}) == {}


def test_a_figure_of_one_is_stated_by_the_word_one_in_its_quote():
    from summarize.verify.numbers import supports

    assert supports(1, "years", "a maximum one-year suspension")
    assert supports(1, "seats", "won one seat")
    assert not supports(2, "years", "a maximum one-year suspension")
    assert not supports(1, "years", "a maximum suspension")
    assert supports(1, "GBP", "it cost one pound")
    assert supports(1, "decades", "this bill will take a decade to come into full effect")
    assert not supports(1, "decades", "this bill will take a year")
    assert not supports(1, "years", "someone said")


def _texts_to_scan():
    """Every article the tests have, and strings made of what numbers are written with."""
    from conftest import texts_to_scan

    from summarize import lang

    language, n = lang.load(), lang.load().numbers
    pieces = [
        *n["units"], *n["tens"], *n["scales"], *n["suffixes"], *n["fractions"], *n["articles"], n["one"], n["half"],
        *n["percent"], n["and"], n["of"], *language.currency_symbols, *language.currency_codes, *language.currency_words,
        *language.months[:3], "1", "8,000", "1.5", "2024", "30", "4:50", "G7", "%", "-", ",", ".", "'", "x", "ſix",
        "TWENTY", "Million", "US$5", "R500", "€2bn", "5k", "1950s", "A", "An", "sıx", "FİVE", "mıllion", "ſeven",
    ]  # fmt: skip
    return texts_to_scan(pieces, ["", " ", " ", "  ", "-", "\n"], seed=7)


def test_scanning_only_where_a_number_can_begin_finds_what_trying_everywhere_finds():
    from summarize.verify import numbers

    g = numbers._grammar("en", False)
    comma = numbers._grammar("en", True)
    texts = _texts_to_scan()
    assert len(texts) > 3000
    for text in texts:
        for grammar in (g, comma):
            assert [m.span() for m in numbers._matches(grammar, text)] == [m.span() for m in grammar.pattern.finditer(text)], text


def test_numbers_written_with_a_dotless_or_dotted_i_are_read_like_any_other():
    # Python's case-insensitive patterns take "ı" and "İ" for "i": the scanner's words must too.
    assert [m.value for m in scan("sıx sites, FİVE towns and 5 mıllion people, sıxty-two in all")] == [6, 5, 5_000_000, 62]
