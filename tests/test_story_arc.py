"""A story's arc: one story over every saved week of its folder or desk (``summarize
history story KEY``, the page's "This story over the weeks"), end to end on three weeks
of the invented fixtures (W44/W45 in tests/fixtures/weeks, W46 in weeks-later) and on
hand-made briefs with hostile headlines."""

import re
import shutil
from datetime import date

import pytest
from conftest import FIXTURES
from test_html_browser import Visit, browser  # noqa: F401 (the browser fixture)
from test_weekly import server  # noqa: F401 (the reference server fixture)
from typer.testing import CliRunner
from week_briefs import fig, week_brief

from summarize.cli import EXIT_ERROR, EXIT_OK, app
from summarize.render.arc import chart
from summarize.render.html import content_security_policy, to_html
from summarize.render.markdown import to_markdown
from summarize.week import arc, history

runner = CliRunner()
WEEKS = ("2024-W44", "2024-W45", "2024-W46")


@pytest.fixture
def three_weeks(server, tmp_path):
    """The takeover story briefed over three windows into one history: (history, briefs by week as
    Markdown, the W46 page)."""
    folder = tmp_path / "desk"
    shutil.copytree(FIXTURES / "weeks", folder)
    shutil.copy(FIXTURES / "weeks-later" / "harbour-vote-ledger.md", folder)
    store = tmp_path / "h.sqlite"
    base = ["brief", str(folder), "--base-url", server.base_url, "--model", "reference-annotations", "--no-summary", "--no-cache", "-q", "--history", str(store)]
    markdown = {}
    for week in WEEKS:
        result = runner.invoke(app, base + ["--week", week], catch_exceptions=False)
        assert result.exit_code == EXIT_OK, result.stderr
        markdown[week] = result.stdout
    page = tmp_path / "w46.html"
    assert runner.invoke(app, base + ["--week", "2024-W46", "--format", "html", "--out", str(page)], catch_exceptions=False).exit_code == EXIT_OK
    return store, markdown, page.read_text(encoding="utf-8")


def story_rows(output: str) -> list[list[str]]:
    return [line.split(None, 3) for line in output.splitlines() if line.startswith("2024-W")]


def test_the_arc_lists_the_weeks_in_order_with_headlines_articles_and_the_moved_figure(three_weeks):
    store, markdown, _ = three_weeks
    # the key is found in `summarize history --window` and in the brief's Since the last brief
    listed = runner.invoke(app, ["history", "--history", str(store), "--window", "2024-W45"])
    assert listed.exit_code == EXIT_OK and "2024-W45/ST1" in listed.stdout
    assert "`summarize history story 2024-W46/ST1`" in markdown["2024-W46"].split("## Since the last brief")[1].split("\n## ")[0]

    shown = runner.invoke(app, ["history", "story", "2024-W45/ST1", "--history", str(store)])
    assert shown.exit_code == EXIT_OK, shown.stderr
    rows = story_rows(shown.stdout.split("Figures over the weeks")[0])
    assert [r[0] for r in rows] == list(WEEKS)
    assert [int(r[2]) for r in rows] == [3, 2, 2]  # the undated column is in every window
    headlines = [r[3].split("  /  ")[1] for r in rows]
    assert headlines == [
        "Northgate members face vote on Harbour takeover",
        "Harbour Bank raises Northgate offer to £2.4bn",
        "Northgate members back Harbour Bank's £2.4bn takeover",
    ]
    assert "The Ledger, Daily Courier" in rows[0][3]
    offer = next(line for line in shown.stdout.splitlines() if line.startswith("Harbour Bank's offer"))
    assert offer.split(": ", 1)[1] == "£2.1bn | £2.4bn | £2.4bn"
    # the brief's own section says the same
    section = markdown["2024-W46"].split("**This story over the weeks**\n")[1].split("\n\n")[0].splitlines()
    assert [line.split(":")[0] for line in section[:3]] == ["- 2024-W44", "- 2024-W45", "- 2024-W46"]
    assert section[3] == "- Harbour Bank's offer for Northgate Building Society: £2.1bn (2024-W44) → £2.4bn (2024-W45) → £2.4bn (2024-W46)"
    # the same story named by a story id of a window
    by_window = runner.invoke(app, ["history", "story", "ST1", "--window", "2024-W44", "--history", str(store)])
    assert by_window.stdout == shown.stdout


def test_the_page_draws_each_week_and_one_point_per_week_under_its_csp(three_weeks):
    _, _, page = three_weeks
    section = page[page.index("<h3>This story over the weeks</h3>") :].split("</section>")[0]
    weeks = re.findall(r'<span class="week">([^<]*)</span>', section)
    assert weeks == list(WEEKS)
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert [t for t in re.findall(r"<circle[^>]*><title>([^<]*)</title>", svg)] == [
        "2024-W44: £2.1bn", "2024-W45: £2.4bn", "2024-W46: £2.4bn"]
    ys = [float(y) for y in re.findall(r'cy="([\d.]+)"', svg)]
    assert ys[0] > ys[1] == ys[2]  # the offer rose, then held
    assert " style=" not in page and "href=\"http" not in svg
    assert "style-src 'sha256-" in content_security_policy()


def hostile_weeks():
    bad = "<script>alert(1)</script>\x1b]8;;http://evil.example\x07click\x1b]8;;\x07 \x1b[31mRED\n# heading"
    w1 = week_brief("2024-W44", date(2024, 10, 28), date(2024, 11, 3), "Offer " + bad, [("a1", "Out<let>", date(2024, 10, 29))],
                    [fig("F1", 2.1e9, "GBP", "the offer <b>", "offer of £2.1bn", "a1")])
    w2 = week_brief("2024-W45", date(2024, 11, 4), date(2024, 11, 10), "Raised " + bad, [("a1", "Out<let>", date(2024, 10, 29)), ("a2", "Out<let>", date(2024, 11, 5))],
                    [fig("F1", 2.4e9, "GBP", "the offer <b>", "offer of £2.4bn", "a2")])
    return w1, w2


def test_hostile_headlines_are_escaped_on_the_terminal_and_the_page(tmp_path):
    w1, w2 = hostile_weeks()
    store = tmp_path / "h.sqlite"
    history.save(store, w1, "desk x")
    history.save(store, w2.model_copy(update={"arcs": arc.arcs_of([w1, w2])}), "desk x")
    shown = runner.invoke(app, ["history", "story", "2024-W45/ST1", "--history", str(store)])
    assert shown.exit_code == EXIT_OK, shown.stderr
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert len(story_rows(shown.stdout)) == 2  # a newline in a headline starts no row
    assert "£2.1bn | £2.4bn" in shown.stdout

    brief = w2.model_copy(update={"arcs": arc.arcs_of([w1, w2])})
    page = to_html(brief)
    section = page[page.index("<h3>This story over the weeks</h3>") :].split("</section>")[0]
    assert "<script>alert" not in section and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<b>" not in section and "the offer &lt;b&gt;" in section  # the chart's label too
    assert section.count("<circle") == 2
    md = to_markdown(brief)
    weeks = md.split("**This story over the weeks**\n")[1].split("\n\n")[0].splitlines()
    assert len(weeks) == 3 and all(line.startswith("- ") for line in weeks)  # the newline in a headline starts no heading
    assert "<script>" not in md and "\\<script\\>" in weeks[0] and "\x1b" not in md


def test_the_arc_is_pure_over_the_chain_and_stops_where_the_story_does():
    w1, w2 = hostile_weeks()
    other = week_brief("2024-W46", date(2024, 11, 11), date(2024, 11, 17), "Rovers win the cup", [("z9", "Sport", date(2024, 11, 12))])
    found = arc.story_arc([w1, w2, other], 0, "ST1")
    assert [w.key for w in found.weeks] == ["2024-W44/ST1", "2024-W45/ST1"]
    assert [p.value for p in found.figures[0].points] == [2.1e9, 2.4e9]
    assert arc.story_arc([w1, w2, other], 2, "ST1").weeks[0].label == "2024-W46"
    with pytest.raises(arc.ArcError, match="has no story ST7"):
        arc.story_arc([w1, w2], 1, "ST7")
    with pytest.raises(arc.ArcError, match="WINDOW/STORY"):
        arc.split_key("ST1")


def test_a_window_saved_for_two_desks_needs_one_named(tmp_path):
    w1, w2 = hostile_weeks()
    store = tmp_path / "h.sqlite"
    for desk in ("desk a", "desk b"):
        history.save(store, w1, desk)
    result = runner.invoke(app, ["history", "story", "2024-W44/ST1", "--history", str(store)])
    assert result.exit_code == EXIT_ERROR and "name one with --desk or --folder" in " ".join(result.stderr.split())
    named = runner.invoke(app, ["history", "story", "2024-W44/ST1", "--history", str(store), "--desk", "b"])
    assert named.exit_code == EXIT_OK and "desk b" in named.stdout


def test_the_chart_draws_in_the_browser_with_no_csp_violation(browser, tmp_path):
    w1, w2 = hostile_weeks()
    path = tmp_path / "arc.html"
    path.write_text(to_html(w2.model_copy(update={"arcs": arc.arcs_of([w1, w2])})), encoding="utf-8")
    visit = Visit(browser, path)
    dots = visit.page.eval_on_selector_all("figure.arc-chart svg circle", "cs => cs.map(c => c.getBoundingClientRect().width > 0)")
    assert dots == [True, True]
    assert visit.page.eval_on_selector("ol.arc", "o => o.textContent").count("<script>alert(1)</script>") == 2  # shown as text
    visit.assert_quiet()  # no console error (a CSP violation is one), no request, no dialog


def test_the_chart_places_values_of_one_unit_class_on_one_scale():
    w1 = week_brief("2024-W44", date(2024, 10, 28), date(2024, 11, 3), "Port strike", [("p1", "Wire", date(2024, 10, 29))],
                    [fig("F1", 3, "weeks", "length of the port strike", "a strike of three weeks", "p1")])
    w2 = week_brief("2024-W45", date(2024, 11, 4), date(2024, 11, 10), "Port strike ends", [("p1", "Wire", date(2024, 10, 29)), ("p2", "Wire", date(2024, 11, 5))],
                    [fig("F1", 20, "days", "length of the port strike", "the 20-day strike", "p2")])
    found = arc.arcs_of([w1, w2])[0]
    drawn = chart(found, found.figures[0])
    assert [d.label for d in drawn.dots] == ["2024-W44: 3 weeks", "2024-W45: 20 days"]
    assert drawn.dots[0].y < drawn.dots[1].y  # 21 days down to 20 (SVG y grows downwards), not 3 up to 20
