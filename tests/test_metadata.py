"""Article metadata: header lines, front matter, HTML; dates in several forms and languages."""

from datetime import date

import pytest
from conftest import FIXTURES

from summarize.sources.load import load_article, load_folder
from summarize.sources.metadata import parse_date, split_header_lines

WEEKS = FIXTURES / "weeks"


def test_txt_header_lines_are_read_in_any_case_and_taken_out_of_the_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "SOURCE: Daily Courier\ntitle: Vote on the merger\nDate: 30 October 2024\nurl: https://x.example/a\n"
        "Author: Jon Ash\n\nMembers will vote on the merger next month, the chair said.\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert (article.title, article.date, article.outlet, article.url, article.author) == (
        "Vote on the merger",
        date(2024, 10, 30),
        "Daily Courier",
        "https://x.example/a",
        "Jon Ash",
    )
    assert article.text == "Members will vote on the merger next month, the chair said."


@pytest.mark.parametrize("key", ["Outlet", "Publisher", "source"])
def test_outlet_keys(key):
    _, meta = split_header_lines(f"{key}: The Ledger\n\nBody text here.")
    assert meta.outlet == "The Ledger"


def test_text_that_does_not_open_with_a_known_key_is_left_alone():
    text = "Note: the vote is close.\nTitle: not a header once the text has begun"
    kept, meta = split_header_lines(text)
    assert kept == text and meta.title is None
    kept, meta = split_header_lines("Title: A\nNote: body starts here\nTitle: B")
    assert meta.title == "A" and kept == "Note: body starts here\nTitle: B"


def test_front_matter_is_yaml(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: \"Colon: in a title\"\ndate: 2024-11-05\npublisher: The Ledger\nauthors: [Ann Lee, Bo Ray]\nlink: https://l.example\n---\n"
        "The board will recommend the improved offer to members.\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.title == "Colon: in a title" and article.date == date(2024, 11, 5)
    assert article.outlet == "The Ledger" and article.author == "Ann Lee, Bo Ray" and article.url == "https://l.example"
    assert article.text.startswith("The board will")


def test_html_metadata_comes_from_the_page():
    article = load_article(WEEKS / "council-election.html")
    assert article.title == "Greens take control of Westmere council"
    assert article.date == date(2024, 11, 7) and article.outlet == "Westmere Post"
    assert article.author == "Sam Rook" and article.url == "https://westmere-post.example/council-election"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-10-28", date(2024, 10, 28)),
        ("2024-10-28T09:30:00Z", date(2024, 10, 28)),
        ("Mon, 28 Oct 2024 10:00:00 GMT", date(2024, 10, 28)),
        ("28 October 2024", date(2024, 10, 28)),
        ("October 28, 2024", date(2024, 10, 28)),
        ("28 octobre 2024", date(2024, 10, 28)),
        ("3. November 2024", date(2024, 11, 3)),
        ("3 de noviembre de 2024", date(2024, 11, 3)),
        ("soon", None),
        ("October", None),
    ],
)
def test_dates_in_many_forms_and_languages(text, expected):
    assert parse_date(text) == expected


def test_an_unreadable_date_is_reported_by_file_and_the_article_is_undated(tmp_path):
    (tmp_path / "a.txt").write_text("Date: the day after the vote\n\nThe council met to count the votes again.\n", encoding="utf-8")
    loaded = load_folder(tmp_path)
    [article] = loaded.articles
    assert article.date is None and article.text.startswith("The council met")
    [note] = loaded.notes
    assert str(tmp_path / "a.txt") in note and "could not be read" in note and "undated" in note


def test_broken_front_matter_is_reported_not_fatal(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: [unclosed\n---\nThe council met to count the votes again.\n", encoding="utf-8")
    loaded = load_folder(tmp_path)
    assert loaded.articles[0].text.startswith("The council met")
    assert "front matter is not valid YAML" in loaded.notes[0]


def test_the_fixture_weeks_load_with_their_metadata():
    loaded = load_folder(WEEKS)
    assert not loaded.failures and not loaded.notes
    by_name = {a.path.rsplit("/", 1)[-1]: a for a in loaded.articles}
    assert by_name["harbour-offer-courier.txt"].outlet == "Daily Courier"
    assert by_name["rovers-signing.txt"].date == date(2024, 11, 1)
    assert by_name["undated-column.txt"].date is None
