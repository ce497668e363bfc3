"""'This week' leads each story with its news: a figure that moved since the last brief, else
the newest report's key figure that does not repeat the week before; a stance split only
where the dispute is the news (nothing newer to say, or a split new since last week).
End to end on the invented W44/W45 fixtures, and on hand-made briefs."""

from datetime import date

from conftest import FIXTURES
from test_weekly import server  # noqa: F401 (the reference server fixture)
from typer.testing import CliRunner
from week_briefs import W1, W2, fig, week_brief

from summarize.cli import EXIT_OK, app
from summarize.models import BriefStance, Evidence, IssueGroup
from summarize.render.keypoint import Lookups, key_point
from summarize.week import changes

runner = CliRunner()


def this_week_line(markdown: str, headline: str) -> str:
    section = markdown[markdown.index("## This week") :].split("\n## ")[0]
    return next(line for line in section.splitlines() if f"**{headline}**" in line)


def test_the_takeover_leads_with_the_raised_offer_not_the_split(server, tmp_path):
    store = tmp_path / "h.sqlite"
    base = ["brief", str(FIXTURES / "weeks"), "--base-url", server.base_url, "--model", "reference-annotations", "--no-summary", "--no-cache", "-q", "--history", str(store)]
    assert runner.invoke(app, base + ["--week", "2024-W44"], catch_exceptions=False).exit_code == EXIT_OK
    result = runner.invoke(app, base + ["--week", "2024-W45"], catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.stderr
    line = this_week_line(result.stdout, "Harbour Bank raises Northgate offer to £2.4bn")
    point = line.split("(2 articles, The Ledger): ", 1)[1]
    assert point.startswith("Harbour Bank's offer for Northgate Building Society: £2.1bn → £2.4bn since the last brief")
    # the split is new since W44 (whose story had none), so it follows the news
    assert "; newly split on the takeover of Northgate: for David Penhale" in point

    page = tmp_path / "w45.html"
    assert runner.invoke(app, base + ["--week", "2024-W45", "--format", "html", "--out", str(page)], catch_exceptions=False).exit_code == EXIT_OK
    html = page.read_text(encoding="utf-8")
    this_week = html[html.index('<section id="this-week">') :].split("</section>")[0]
    assert "Harbour Bank&#39;s offer for Northgate Building Society: £2.1bn → £2.4bn since the last brief" in this_week


def stance(sid, holder, polarity, article):
    return BriefStance(id=sid, holder=holder, target="the merger", target_kind="issue", polarity=polarity, holder_id=None, target_id=None,
                       evidence=Evidence(article_id=article, quote=f"{holder} on the merger"))


def split_week(label, window, articles, value, with_split=True):
    brief = week_brief(label, *window, "Merger talks", articles, [fig("F1", value, "GBP", "the merger's price", "priced at", articles[-1][0])])
    if not with_split:
        return brief
    a = articles[-1][0]
    stances = [stance("S1", "the union", "oppose", a), stance("S2", "the board", "support", a)]
    issue = IssueGroup(id="I1", issue="the merger", targets=["the merger"], stance_ids=["S1", "S2"], support=["the board"], oppose=["the union"], contested=True)
    return brief.model_copy(update={"stances": stances, "issues": [issue]})


def point_after(before, now):
    compared = now.model_copy(update={"since_last": changes.compare(before, now, "the brief of W1")})
    return key_point(Lookups(compared), compared.stories[0])


def test_the_split_leads_only_where_the_dispute_is_the_news():
    a1, a2 = ("a1", "Wire", date(2024, 10, 22)), ("a2", "Wire", date(2024, 10, 29))
    # split both weeks, price unchanged: nothing newer than the dispute
    point = point_after(split_week("W1", W1, [a1], 5e9), split_week("W2", W2, [a1, a2], 5e9))
    assert point.startswith("split on the merger: for the board; against the union")
    # split both weeks, price moved: the move leads and the old split is not repeated
    point = point_after(split_week("W1", W1, [a1], 5e9), split_week("W2", W2, [a1, a2], 6e9))
    assert point.startswith("the merger's price: £5bn → £6bn since the last brief") and "split" not in point
    # the split is new this week and the price did not move: the split is the news
    point = point_after(split_week("W1", W1, [a1], 5e9, with_split=False), split_week("W2", W2, [a1, a2], 5e9))
    assert point.startswith("split on the merger")
    # no history: the newest report's key figure leads, not the split
    alone = split_week("W2", W2, [a1, a2], 5e9)
    assert key_point(Lookups(alone), alone.stories[0]).startswith("£5bn: the merger's price (the outlet, 2024-10-29)")
