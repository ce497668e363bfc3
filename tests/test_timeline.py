"""The timeline's date patterns, tried only where a date can begin."""

from conftest import texts_to_scan

from summarize.verify import timeline

PIECES = [
    *timeline._MONTHS, *timeline._WEEKDAYS, "May", "MARCH", "Mayor", "this", "last", "next", "in", "at the end of",
    "at the start of", "early", "late", "since", "yesterday", "Today", "last week", "last month", "9", "31", "2024",
    "1st", ",", ".", "x", "the", "on",
]  # fmt: skip


def test_trying_the_date_patterns_only_where_a_date_can_begin_finds_what_trying_everywhere_finds():
    checked = 0
    for text in texts_to_scan(PIECES, [" ", " ", ", ", "  ", "", "\n"], seed=11):
        words = [(w.start(), w.group(0).casefold()) for w in timeline._WORD.finditer(text)]
        for kind, pattern in timeline._PATTERNS:
            expected = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in timeline._matches(kind, pattern, words, text)] == expected, (kind, text)
            checked += len(expected)
    assert checked > 1000  # dates of every kind were found, not only their absence
