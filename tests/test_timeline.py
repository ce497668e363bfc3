"""The timeline's date patterns, tried only where a date can begin."""

from conftest import texts_to_scan

from summarize import lang
from summarize.verify import timeline

PIECES = [
    *timeline._MONTHS, *timeline._WEEKDAYS, "May", "MARCH", "Mayor", "this", "last", "next", "in", "at the end of",
    "at the start of", "early", "late", "since", "yesterday", "Today", "last week", "last month", "9", "31", "2024",
    "1st", ",", ".", "x", "the", "on", "Frıday", "İn", "Aprıl", "FRİDAY", "ſince",
]  # fmt: skip


def test_trying_the_date_patterns_only_where_a_date_can_begin_finds_what_trying_everywhere_finds():
    checked = 0
    for text in texts_to_scan(PIECES, [" ", " ", ", ", "  ", "", "\n"], seed=11):
        words = [(w.start(), lang.fold(w.group(0))) for w in timeline._WORD.finditer(text)]
        for kind, pattern in timeline._PATTERNS:
            expected = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in timeline._matches(kind, pattern, words, text)] == expected, (kind, text)
            checked += len(expected)
    assert checked > 1000  # dates of every kind were found, not only their absence


def test_a_date_written_with_a_dotless_or_dotted_i_is_read_like_any_other():
    from datetime import date

    from summarize.models import Article

    article = Article(id="a1", path="a.txt", title="t", text="It opened on Frıday, October 31, 2024, and İn March it closed.", date=date(2025, 6, 1))
    found = {(e.expression, e.date) for e in timeline.events(article)}
    assert ("Frıday, October 31, 2024", date(2024, 10, 31)) in found and ("İn March", date(2025, 3, 1)) in found
