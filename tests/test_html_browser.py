"""The HTML brief in a real browser: Debian's Chromium, driven by playwright.  The page
draws article texts and the appendix from its JSON data when the reader asks: the tests
open them as a reader would.

Never `playwright install` (it downloads a browser): the system's Chromium is used, at
$SUMMARIZE_CHROMIUM or /usr/bin/chromium.  Without one these tests are skipped, saying
why, except on CI (CI=true), where a missing browser fails them: `.ci/run` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from big_brief import HOSTILE, big_brief
from hostile_brief import SCRIPT, TEXT, hostile_brief
from html_page import located_ids, seeds_run, weekly_page, write_page

from summarize.render.base import leading
from summarize.render.html import to_html

CHROMIUM = os.environ.get("SUMMARIZE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install '.[test]'"
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}: apt-get install chromium (or set SUMMARIZE_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page opened with every request but its own file refused and recorded."""

    def __init__(self, browser, path: Path, viewport=LAPTOP, scripts=True):
        self.url = path.resolve().as_uri()
        self.requests, self.console, self.errors, self.dialogs = [], [], [], []
        self.context = browser.new_context(viewport=viewport, java_script_enabled=scripts)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def _route(self, route):
        if route.request.url.split("#")[0] == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_quiet(self):
        assert (self.requests, self.console, self.errors, self.dialogs) == ([], [], [], [])

    def in_view(self, selector: str, within: str | None = None) -> bool:
        """Whether the element is inside the viewport (and inside ``within``'s visible box)."""
        return self.page.eval_on_selector(
            selector,
            """(el, within) => {
                const r = el.getBoundingClientRect();
                let box = {top: 0, bottom: window.innerHeight};
                if (within) { const w = document.querySelector(within).getBoundingClientRect();
                    box = {top: Math.max(0, w.top), bottom: Math.min(window.innerHeight, w.bottom)}; }
                return r.height > 0 && r.top >= box.top && r.bottom <= box.bottom;
            }""",
            within,
        )

    def open_part(self, part: str):
        """Open a part of the appendix (the script draws it)."""
        self.page.locator(f"#{part} > details > summary").click()

    def choose(self, item_id: str, part: str):
        """Open the item in its part of the appendix and follow its "show in article" link,
        as a reader would."""
        self.open_part(part)
        entry = self.page.locator(f"#{part} li.item").filter(has=self.page.locator("summary", has_text=re.compile(rf"\b{item_id}\b")))
        entry.locator("summary").first.click()
        self.page.locator(f"#{part} a.show[data-item='{item_id}']").first.click()


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory):
    result = seeds_run()
    return write_page(tmp_path_factory.mktemp("html"), "seeds.html", to_html(result.brief, result.texts)), result


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    return write_page(tmp_path_factory.mktemp("html"), "hostile.html", to_html(*hostile_brief()))


@pytest.fixture(scope="module")
def week_page(tmp_path_factory):
    """A generated week of 300 articles: parts longer than the script draws at once."""
    brief, texts = big_brief(articles=300, stories=60)
    return write_page(tmp_path_factory.mktemp("html"), "week.html", to_html(brief, texts)), brief, texts


def test_seeds_page_loads_with_no_request_console_error_or_dialog(browser, seeds_page):
    visit = Visit(browser, seeds_page[0])
    visit.choose("C10", "claims")
    visit.assert_quiet()


def test_an_article_is_drawn_when_opened_with_every_located_quote_at_its_offsets(browser, seeds_page):
    path, result = seeds_page
    visit = Visit(browser, path)
    assert visit.page.locator("#texts article, mark[data-items]").count() == 0  # nothing drawn before it is asked for
    visit.open_part("articles")
    expected = located_ids(result.brief, result.texts)
    assert len(expected) == 75
    seen = set()
    for article_id, text in result.texts.items():
        visit.page.locator(f"#articles a[href='#text-{article_id}']").click()
        assert visit.page.eval_on_selector(f"#text-{article_id} .body", "b => b.textContent") == text
        marked = visit.page.eval_on_selector_all("mark[data-items]", "ms => ms.map(m => [m.dataset.items.split(' '), m.textContent])")
        ids = {i for items, _ in marked for i in items}
        anchors = visit.page.eval_on_selector_all(".ev", "es => es.map(e => e.dataset.item)")
        assert sorted(anchors) == sorted(ids)
        for item in [*result.brief.claims, *result.brief.figures, *result.brief.stances]:
            ev = item.evidence
            if ev.article_id == article_id:
                assert item.id in ids
                assert "".join(t for items, t in marked if item.id in items) == text[ev.start : ev.end], item.id
        seen |= ids
    assert seen == expected
    visit.assert_quiet()


@pytest.mark.parametrize("viewport, pane", [(LAPTOP, "#texts"), (PHONE, None)], ids=["laptop", "phone"])
def test_choosing_an_item_marks_its_quote_strongly_and_scrolls_it_into_view(browser, seeds_page, viewport, pane):
    path, result = seeds_page
    last = result.brief.claims[-1].id  # its quote sits near the end of the last article
    visit = Visit(browser, path, viewport=viewport)
    assert visit.page.locator("mark").count() == visit.page.locator(".legend mark").count()
    visit.choose(last, "claims")
    current = visit.page.locator("mark.current")
    marks = visit.page.eval_on_selector_all("mark[data-items]", f"ms => ms.filter(m => m.dataset.items.split(' ').includes('{last}')).length")
    assert marks >= 1 and current.count() == marks
    visit.page.evaluate("document.querySelector('mark.current').id = 'probe'")
    assert visit.in_view("#probe", pane)
    assert last in visit.page.inner_text("#caption")
    # the chosen quote stands out; the article's other quotes have no background at all
    backgrounds = visit.page.eval_on_selector_all(
        "mark[data-items]", "ms => ms.map(m => [m.classList.contains('current'), getComputedStyle(m).backgroundColor])"
    )
    assert {bg for chosen, bg in backgrounds if chosen} != {"rgba(0, 0, 0, 0)"}
    others = {bg for chosen, bg in backgrounds if not chosen}
    assert others == {"rgba(0, 0, 0, 0)"}
    visit.assert_quiet()


def test_without_scripts_the_top_and_the_stories_read_and_say_what_needs_scripts(browser, seeds_page):
    path, result = seeds_page
    visit = Visit(browser, path, viewport=PHONE, scripts=False)
    page = visit.page
    story = result.brief.stories[0]
    assert story.headline in page.inner_text("#this-week") and story.headline in page.inner_text(f"#story-{story.id}")
    cluster = page.locator(f"#story-{story.id} li.item").first
    cluster.locator("summary").click()
    claim = next(c for c in result.brief.claims if c.id in cluster.inner_text())
    assert claim.evidence.quote in cluster.inner_text()
    assert page.locator("a.show").count() > 0 and not any(a.is_visible() for a in page.locator("a.show").all())
    assert "drawn by the page's script, which is off" in page.inner_text("#texts")
    page.locator("#claims summary").click()
    assert "drawn by the page's script, which is off" in page.inner_text("#claims")
    visit.assert_quiet()


def test_hostile_article_changes_nothing(browser, hostile_page):
    visit = Visit(browser, hostile_page)
    for item_id, part in (("C2", "claims"), ("U1", "unverified"), ("S1", "stances")):
        visit.choose(item_id, part)
    page = visit.page
    counts = page.evaluate(
        """() => ({
            img: document.querySelectorAll('img, iframe, object, embed, i').length,
            style: document.querySelectorAll('style').length,
            script: document.querySelectorAll('script').length,
            links: [...document.querySelectorAll('a')].filter(a => !a.getAttribute('href').startsWith('#')).length,
            background: getComputedStyle(document.body).backgroundColor,
            hidden: [...document.querySelectorAll('mark')].filter(m => getComputedStyle(m).display === 'none').length,
        })"""
    )
    assert counts == {"img": 0, "style": 1, "script": 2, "links": 0, "background": "rgb(255, 255, 255)", "hidden": 0}
    assert page.eval_on_selector(".body", "b => b.textContent") == TEXT
    assert SCRIPT in page.inner_text("#item-C2")
    assert "Floods <style>" in page.inner_text("#caption")  # the script writes text, never markup
    visit.assert_quiet()


def test_alignment_and_verification_are_visibly_different(browser, hostile_page):
    from playwright.sync_api import expect

    visit = Visit(browser, hostile_page)
    visit.choose("S1", "stances")

    def style_of(item_id):
        classes = visit.page.eval_on_selector_all(
            "mark[data-items]", f"ms => ms.filter(m => m.dataset.items === '{item_id}').map(m => m.className)"
        )
        return set(classes[0].split()) - {"hl", "current"}

    assert style_of("C2") == {"exact"} and style_of("S1") == {"fuzzy"} and style_of("U1") == {"unverified"}
    assert "fuzzy match (93/100)" in visit.page.inner_text("#item-S1")
    visit.open_part("unverified")
    u1, u2 = visit.page.locator("#item-U1"), visit.page.locator("#item-U2")
    u1.locator("summary").click()
    u2.locator("summary").click()
    # Opening a part draws its entries: wait for them (auto-retrying), not one read at once.
    expect(u1).to_contain_text("unverified")
    expect(u2).to_contain_text("quote not found in the article")
    assert u1.locator("a.show").count() == 1 and u2.locator("a.show").count() == 0
    assert visit.page.locator("#ev-U2").count() == 0 and visit.page.locator("#ev-U1").count() == 1
    visit.assert_quiet()


def test_after_reading_the_quote_the_caption_leads_back_to_where_it_was_chosen(browser, seeds_page):
    visit = Visit(browser, seeds_page[0], viewport=PHONE)
    visit.open_part("contested")
    visit.page.locator("#item-X1 summary").click()
    visit.page.locator("#item-X1 a.show[data-item='C25']").click()
    assert not visit.in_view("#item-X1")
    visit.page.locator("#caption a").click()
    assert visit.in_view("#item-X1 summary")
    visit.assert_quiet()


def test_weekly_page_in_the_browser(browser, tmp_path):
    visit = Visit(browser, weekly_page(tmp_path))
    details = visit.page.locator("#story-ST1 details").filter(has=visit.page.locator("a.show")).first
    link = details.locator("a.show").first
    item = link.get_attribute("data-item")
    details.locator("summary").first.click()
    link.click()
    assert visit.page.locator("mark.current").count() >= 1
    ids = visit.page.eval_on_selector_all("mark[data-items]", "ms => new Set(ms.flatMap(m => m.dataset.items.split(' '))).size")
    assert ids == visit.page.locator(".ev").count() > 0
    assert visit.page.eval_on_selector(
        "mark.current",
        "m => { const r = m.getBoundingClientRect(), p = document.getElementById('texts').getBoundingClientRect();"
        " return r.top >= Math.max(0, p.top) && r.bottom <= Math.min(innerHeight, p.bottom); }",
    ), item
    visit.assert_quiet()


def test_a_big_week_draws_parts_and_articles_on_demand_and_injects_nothing(browser, week_page):
    path, brief, texts = week_page
    visit = Visit(browser, path)
    page = visit.page
    assert page.locator("[id^='item-'], #texts article, mark[data-items]").count() == 0
    # a part draws a page of entries at a time
    visit.open_part("claims")
    drawn = page.locator("#claims li.item").count()
    assert 0 < drawn < len(brief.claims)
    page.locator("#claims button.more-entries").click()
    assert drawn < page.locator("#claims li.item").count()
    # a link to an item no part has drawn yet draws it (the leading story's figures are
    # linked from its comparison; its last one lies past the figures' first page)
    position = {f.id: n for n, f in enumerate(brief.figures)}
    lead = [g for st in leading(brief)[0] for g in st.figure_group_ids]
    far = next(f for g in brief.figure_groups if g.id in lead for f in g.figure_ids if position[f] > 500)
    assert page.locator(f"#item-{far}").count() == 0
    page.locator(f"section.story a[href='#item-{far}']").click()
    assert visit.in_view(f"#item-{far}")
    # the hostile quote of C1, chosen from the summary's citation
    page.locator("#summary a[href='#item-C1']").first.click()
    page.locator("#item-C1 summary").click()
    page.locator("#item-C1 a.show").click()
    chosen = page.eval_on_selector_all("mark.current", "ms => ms.map(m => m.textContent).join('')")
    assert chosen == brief.claims[0].evidence.quote and HOSTILE in chosen
    # everything drawn at once (as for printing): nothing but text and the page's own elements
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("#claims li.item").count() == len(brief.claims)
    found = page.evaluate(
        """() => {
            const tags = new Set([...document.body.querySelectorAll('*')].map(e => e.tagName.toLowerCase()));
            const handlers = [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length;
            const bold = [...document.querySelectorAll('b')].filter(b => b.textContent === 'bold').length;
            const targets = [...document.querySelectorAll('a')].map(a => a.getAttribute('href'));
            const missing = targets.filter(h => !h.startsWith('#ev-') && !h.startsWith('#text-') && !document.getElementById(h.slice(1)));
            return {tags: [...tags].sort(), handlers, bold, scripts: document.scripts.length, missing: [...new Set(missing)]};
        }"""
    )
    allowed = {"a", "article", "aside", "b", "blockquote", "br", "button", "cite", "code", "details", "div", "em", "h1", "h2",
               "h3", "h4", "header", "li", "main", "mark", "nav", "ol", "p", "script", "section", "span", "strong", "summary",
               "time", "ul"}
    assert set(found["tags"]) <= allowed, set(found["tags"]) - allowed
    assert (found["handlers"], found["bold"], found["scripts"], found["missing"]) == (0, 0, 2, [])
    assert HOSTILE in page.inner_text("#item-C1")
    visit.assert_quiet()
