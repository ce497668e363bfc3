"""The HTML brief in a real browser: Debian's Chromium, driven by playwright.

Never `playwright install` (it downloads a browser): the system's Chromium is used, at
$SUMMARIZE_CHROMIUM or /usr/bin/chromium.  Without one these tests are skipped, saying
why, except on CI (CI=true), where a missing browser fails them: `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hostile_brief import SCRIPT, TEXT, hostile_brief
from html_page import located_ids, seeds_run, weekly_page, write_page

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

    def choose(self, item_id: str):
        """Open the item and follow its "show in article" link, as a reader would."""
        holder = self.page.locator(f"a.show[data-item='{item_id}']").first
        self.page.locator("details", has=holder).locator("summary").first.click()
        holder.click()


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory):
    result = seeds_run()
    return write_page(tmp_path_factory.mktemp("html"), "seeds.html", to_html(result.brief, result.texts)), result


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    return write_page(tmp_path_factory.mktemp("html"), "hostile.html", to_html(*hostile_brief()))


def test_seeds_page_loads_with_no_request_console_error_or_dialog(browser, seeds_page):
    visit = Visit(browser, seeds_page[0])
    visit.choose("C10")
    visit.assert_quiet()


def test_one_highlight_per_grounded_item(browser, seeds_page):
    path, result = seeds_page
    visit = Visit(browser, path)
    ids = visit.page.eval_on_selector_all(
        "mark[data-items]", "ms => [...new Set(ms.flatMap(m => m.dataset.items.split(' ')))]"
    )
    anchors = visit.page.eval_on_selector_all(".ev", "es => es.map(e => e.dataset.item)")
    expected = located_ids(result.brief, result.texts)
    assert len(expected) == 75
    assert sorted(ids) == sorted(expected) and sorted(anchors) == sorted(expected)
    visit.assert_quiet()


@pytest.mark.parametrize("viewport, pane", [(LAPTOP, "#texts"), (PHONE, None)], ids=["laptop", "phone"])
def test_choosing_an_item_scrolls_its_span_into_view(browser, seeds_page, viewport, pane):
    path, result = seeds_page
    last = result.brief.claims[-1].id  # its quote sits near the end of the last article
    visit = Visit(browser, path, viewport=viewport)
    assert visit.page.locator("mark.current").count() == 0
    marks = visit.page.eval_on_selector_all("mark[data-items]", f"ms => ms.filter(m => m.dataset.items.split(' ').includes('{last}')).length")
    assert marks >= 1
    visit.page.evaluate(f"document.querySelectorAll('mark[data-items~=\"{last}\"]')[0].id = 'probe'")
    assert not visit.in_view("#probe", pane)
    visit.choose(last)
    assert visit.page.locator("mark.current").count() == marks
    assert visit.in_view("#probe", pane)
    assert last in visit.page.inner_text("#caption")
    visit.assert_quiet()


def test_without_scripts_the_page_reads_and_links_reach_the_quote(browser, seeds_page):
    path, result = seeds_page
    visit = Visit(browser, path, viewport=PHONE, scripts=False)
    claim = result.brief.claims[-1]
    assert claim.evidence.quote in visit.page.inner_text(f"#text-{claim.evidence.article_id}")
    visit.page.locator(f"#item-{claim.id} summary").click()
    assert claim.evidence.quote in visit.page.inner_text(f"#item-{claim.id}")
    visit.page.locator(f"#item-{claim.id} a.show").click()
    assert visit.in_view(f"#ev-{claim.id}")
    visit.assert_quiet()


def test_hostile_article_changes_nothing(browser, hostile_page):
    visit = Visit(browser, hostile_page)
    for item_id in ("C2", "U1", "S1"):
        visit.choose(item_id)
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


def test_after_reading_the_quote_the_caption_leads_back_to_where_it_was_chosen(browser, seeds_page):
    visit = Visit(browser, seeds_page[0], viewport=PHONE)
    visit.page.locator("#item-X1 summary").click()
    visit.page.locator("#item-X1 a.show[data-item='C25']").click()
    assert not visit.in_view("#item-X1")
    visit.page.locator("#caption a").click()
    assert visit.in_view("#item-X1 summary")
    visit.assert_quiet()


def test_weekly_page_in_the_browser(browser, tmp_path):
    visit = Visit(browser, weekly_page(tmp_path))
    ids = visit.page.eval_on_selector_all("mark[data-items]", "ms => new Set(ms.flatMap(m => m.dataset.items.split(' '))).size")
    assert ids == visit.page.locator(".ev").count() > 0
    details = visit.page.locator("#story-ST1 details").filter(has=visit.page.locator("a.show")).first
    link = details.locator("a.show").first
    item = link.get_attribute("data-item")
    details.locator("summary").first.click()
    link.click()
    assert visit.page.locator("mark.current").count() >= 1
    assert visit.page.eval_on_selector(
        "mark.current",
        "m => { const r = m.getBoundingClientRect(), p = document.getElementById('texts').getBoundingClientRect();"
        " return r.top >= Math.max(0, p.top) && r.bottom <= Math.min(innerHeight, p.bottom); }",
    ), item
    visit.assert_quiet()
