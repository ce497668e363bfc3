"""Quantities read as people write them ("£18m", "1 decade", "at most 1 year", "5%") in the
Markdown brief, the HTML page and the summary's prompt, from the language data."""

from __future__ import annotations

import re

import lxml.html
import pytest
from conftest import ROOT, SEEDS

from summarize import lang, pipeline
from summarize.extract.prompting import summary_prompt
from summarize.lang.units import quantity
from summarize.render import html, markdown

BBC = ROOT / "examples" / "bbc-week"


@pytest.mark.parametrize(
    "value, unit, bound, language, written",
    [
        (18e6, "GBP", "exact", "en", "£18m"),
        (2.4e9, "GBP", "exact", "en", "£2.4bn"),
        (9.4e9, "USD", "exact", "en", "$9.4bn"),
        (9.4e9, "US dollars", "more_than", "en", "more than $9.4bn"),
        (1500, "euros", "approximate", "en", "about €1,500"),
        (30e6, "CHF", "exact", "en", "CHF 30m"),  # a currency the data gives no symbol
        (5, "percent", "exact", "en", "5%"),
        (12, "per cent", "at_least", "en", "at least 12%"),
        (7, "por ciento", "exact", "es", "7%"),
        (1, "decades", "exact", "en", "1 decade"),
        (1, "years", "at_most", "en", "at most 1 year"),
        (2, "years", "at_most", "en", "at most 2 years"),
        (1, "MPs", "exact", "en", "1 MP"),
        (1, "people", "exact", "en", "1 person"),
        (1, "series", "exact", "en", "1 series"),
        (1, "percentage points", "exact", "en", "1 percentage point"),
        (1, "cups of tea", "exact", "en", "1 cup of tea"),
        (1.2e6, "passengers", "exact", "en", "1.2 million passengers"),
        (16500, "votes", "more_than", "en", "more than 16,500 votes"),
        (1234567, "votes", "exact", "en", "1,234,567 votes"),  # not shortened: the short form would round
        (1, "ans", "exact", "fr", "1 an"),
        (1, "mois", "exact", "fr", "1 mois"),
        (1, "Jahre", "exact", "de", "1 Jahr"),
        (1, "meses", "exact", "es", "1 mes"),
        (1, "km", "exact", "en", "1 km"),
    ],
)
def test_a_quantity_reads_as_people_write_it(value, unit, bound, language, written):
    assert quantity(value, unit, bound, language) == written


def test_currency_symbols_come_from_the_language_data(monkeypatch):
    data = lang.load("en")
    for code in sorted(set(data.currency_symbols.values())):
        shortest = min((s for s, c in data.currency_symbols.items() if c == code), key=len)
        assert quantity(2e6, code) == f"{shortest}2m"
    # a symbol the data does not give is never written
    monkeypatch.delitem(data.currency_symbols, "£")
    assert quantity(18e6, "GBP") == "GBP 18m"


@pytest.fixture(scope="module")
def bbc_week():
    return pipeline.brief_folder(pipeline.Options(folder=BBC, recursive=True, replay=True), env={})


BAD = re.compile(r"\b1 (?:decades|years|days|months)\b|\d GBP\b|\d(?:,\d{3}){2,} GBP|\b\d+ percent\b")


def test_the_markdown_brief_writes_units_as_people_do(bbc_week):
    text = markdown.to_markdown(bbc_week.brief)
    assert not BAD.findall(text), BAD.findall(text)
    assert "- 1 decade: time the ID cards bill takes to come into full effect" in text
    assert "at most 1 year (the outlet)" in text
    assert "£85 (the outlet); £85 (Home Office), agree" in text
    assert "| 95% | capacity at which Lycos aimed" in text


def test_the_page_writes_units_as_people_do(bbc_week):
    page = html.to_html(bbc_week.brief, bbc_week.texts)
    doc = lxml.html.fromstring(page)
    shown = doc.text_content()
    assert not BAD.findall(shown), BAD.findall(shown)
    assert "at most 1 year" in shown and "£85" in shown
    # the appendix is data for the page's script: its figure lines carry the same text
    assert '"1 decade"' in page and '"95%"' in page


def test_the_summary_prompt_gives_figures_as_people_write_them(bbc_week):
    text = "\n".join(m["content"] for m in summary_prompt(bbc_week.brief).messages)
    figures = [line for line in text.splitlines() if re.match(r"F\d+ figure: ", line)]
    assert figures and not any(BAD.search(line) for line in figures), figures
    assert any(line.startswith("F") and ": 1 decade, time the ID cards bill" in line for line in figures)
    assert any(": £85, " in line for line in figures)


@pytest.mark.parametrize("folder, recursive", [(SEEDS, False), (BBC, True)])
def test_the_replayed_recordings_still_match_the_prompts(folder, recursive):
    result = pipeline.brief_folder(pipeline.Options(folder=folder, recursive=recursive, replay=True), env={})
    brief = result.brief
    assert brief.summary is not None and not brief.missing and not brief.failed
    assert brief.usage.reasks == 0
    assert brief.summary.prompt_version == "summary/3"
