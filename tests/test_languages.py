"""Articles in French, German, Spanish and English: header keys and bylines read from the
language data files, the language chosen per article, numbers and dates read in it.
The articles are invented fixtures (tests/fixtures/languages/README.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from summarize import lang
from summarize.models import Article
from summarize.sources import headers, language
from summarize.sources.load import load_article, load_folder
from summarize.sources.metadata import split_header_lines
from summarize.verify import checks, numbers, timeline

HERE = Path(__file__).parent / "fixtures" / "languages" / "articles"


@pytest.fixture(scope="module")
def loaded() -> dict[str, Article]:
    result = load_folder(HERE)
    assert not result.failures and not result.notes
    return {Path(a.path).name: a for a in result.articles}


@pytest.mark.parametrize(
    "name, title, day, outlet, author, code",
    [
        ("greve-fr.txt", "Grève à la compagnie ferroviaire de Valmont", date(2024, 10, 30), "Le Courrier de Valmont", "Jeanne Dupont", "fr"),
        ("streik-de.txt", "Hafenarbeiter in Nordhafen streiken weiter", date(2024, 10, 29), "Nordhafener Rundschau", "Anna Schmidt", "de"),
        ("huelga-es.txt", "Los estibadores de Puerto Calma mantienen la huelga", date(2024, 10, 31), "Diario de la Costa", "Ana García", "es"),
        ("strike-en.txt", "Ferry crews walk out over rosters", date(2024, 10, 28), None, "Associated Press", "en"),
    ],
)
def test_header_lines_and_bylines_in_each_language_become_metadata(loaded, name, title, day, outlet, author, code):
    article = loaded[name]
    assert (article.title, article.date, article.outlet, article.author, article.language) == (title, day, outlet, author, code)
    first = article.text.split("\n", 1)[0]
    assert ":" not in first and author not in first  # neither the header nor the byline stayed in the text


def test_every_header_key_of_every_data_file_is_read():
    """The keys come from the data files: each one, in any case, fills its field."""
    for code in lang.available():
        data = json.loads((Path(lang.__file__).parent / f"{code}.json").read_text(encoding="utf-8"))
        for name, keys in data["header_keys"].items():
            for key in keys:
                value = "2024-10-30" if name == "date" else "fr" if name == "language" else "Some Value"
                text, meta = split_header_lines(f"{key.upper()}: {value}\n\nBody text of the article goes here.")
                expected = date(2024, 10, 30) if name == "date" else value
                assert getattr(meta, name) == expected, (code, key)
                assert text.startswith("Body text"), (code, key)


@pytest.mark.parametrize(
    "line",
    ["By Friday, all the ferries had stopped.", "By Monday", "Por ejemplo, la huelga sigue.", "Von der Leyen sprach am Montag lange mit den Gewerkschaften.", "Par ailleurs, le trafic reprendra lundi."],
)
def test_a_sentence_that_opens_with_a_byline_word_is_not_a_byline(line):
    assert headers.byline(line) is None
    text, meta = split_header_lines(f"{line}\nMore text follows here.")
    assert meta.author is None and text.startswith(line)


def test_the_language_is_detected_when_the_article_does_not_say(loaded):
    assert loaded["sans-entete-fr.md"].language == "fr"


def test_what_an_article_declares_wins_over_detection(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\nlanguage: de-AT\n---\n\nThe text itself is written in English, clearly and at some length.\n", encoding="utf-8")
    assert load_article(path).language == "de"
    path.write_text("---\ntitle: T\nlanguage: tlh\n---\n\nThe text itself is written in English, clearly and at some length.\n", encoding="utf-8")
    assert load_article(path).language == "en"  # a language with no data file: detected instead
    assert language.declared("es_ES") == "es" and language.declared("klingon") is None


@pytest.mark.parametrize(
    "name, expected",
    [
        ("greve-fr.txt", {(18000.0, None, False), (2_500_000.0, None, False), (6.0, None, True), (300.0, "EUR", False)}),
        ("streik-de.txt", {(2_500_000.0, "EUR", False), (12000.0, None, False), (4.5, None, True)}),
        ("huelga-es.txt", {(3000.0, None, False), (1_200_000.0, None, False), (7.0, None, True)}),
        ("strike-en.txt", {(14.0, None, False), (2400.0, None, False)}),
    ],
)
def test_numbers_are_read_in_the_article_language(loaded, name, expected):
    article = loaded[name]
    found = {(m.value, m.currency, m.percent) for m in numbers.scan(article.text, article.language)}
    assert expected <= found


def test_a_figure_quoted_from_a_french_article_passes_its_checks(loaded):
    from summarize.models import ExtractionDraft

    article = loaded["greve-fr.txt"]
    quote = "Près de 18 000 voyageurs empruntent chaque jour cette ligne"
    draft = ExtractionDraft.model_validate(
        {"actors": [], "claims": [], "stances": [], "figures": [{"value": 18000, "unit": "voyageurs", "counts": "voyageurs par jour", "quote": quote, "source": "the outlet"}]}
    )
    assert checks.problems(draft, article.text, language=article.language) == {}
    wrong = draft.model_copy(update={"figures": [draft.figures[0].model_copy(update={"value": 18})]})
    assert checks.problems(wrong, article.text, language=article.language)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("greve-fr.txt", {date(2024, 3, 12)}),
        ("streik-de.txt", {date(2022, 1, 1)}),
        ("huelga-es.txt", {date(2021, 6, 15)}),
        ("strike-en.txt", {date(2024, 11, 4)}),
    ],
)
def test_written_dates_are_read_in_the_article_language(loaded, name, expected):
    article = loaded[name]
    found = {e.date for e in timeline.events(article) if e.expression != "article date"}
    assert expected <= found
