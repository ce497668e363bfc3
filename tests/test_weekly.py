"""Windows, stories, history and "since the last brief", end to end against the reference
server (answers from the hand annotations of the invented fixture articles)."""

import json
import sqlite3
from datetime import date

import pytest
from conftest import FIXTURES
from reference_server import ReferenceServer
from typer.testing import CliRunner

from summarize.cli import EXIT_ERROR, EXIT_OK, app
from summarize.models import Window
from summarize.render.base import cell
from summarize.sources.load import load_folder
from summarize.sources.window import WindowError, iso_week, make_window, select
from summarize.week import history

WEEKS = FIXTURES / "weeks"
runner = CliRunner()


@pytest.fixture
def server():
    with ReferenceServer() as running:
        yield running


def brief(server, *args):
    base = ["brief", str(WEEKS), "--base-url", server.base_url, "--model", "reference-annotations", "--no-summary", "--no-cache", "-q"]
    return runner.invoke(app, base + [str(a) for a in args], catch_exceptions=False)


def above_appendix(markdown: str) -> str:
    return markdown[: markdown.index("## Appendix")]


# --------------------------------------------------------------------------- windows


def test_iso_weeks_run_monday_to_sunday():
    assert iso_week("2024-W44") == (date(2024, 10, 28), date(2024, 11, 3))
    assert iso_week("2020-W53") == (date(2020, 12, 28), date(2021, 1, 3))
    with pytest.raises(WindowError, match="has no ISO week 53"):
        iso_week("2024-W53")
    with pytest.raises(WindowError, match="YEAR-Wnn"):
        iso_week("week 44")


def test_window_flags():
    assert make_window() is None
    w = make_window(since="2024-10-29", until="2024-10-30")
    assert (w.since, w.until, w.label) == (date(2024, 10, 29), date(2024, 10, 30), "since 2024-10-29 until 2024-10-30")
    with pytest.raises(WindowError, match="after --until"):
        make_window(since="2024-11-02", until="2024-11-01")
    with pytest.raises(WindowError, match="YYYY-MM-DD"):
        make_window(since="29/10/2024")
    with pytest.raises(WindowError, match="cannot be combined"):
        make_window(since="2024-10-29", week="2024-W44")


def test_window_edges_are_inclusive_and_undated_articles_are_kept_and_counted():
    articles = load_folder(WEEKS).articles
    chosen = select(articles, make_window(since="2024-10-29", until="2024-10-30"))
    names = sorted(a.path.rsplit("/", 1)[-1] for a in chosen.articles)
    assert names == ["harbour-offer-courier.txt", "harbour-offer-ledger.md", "undated-column.txt"]
    assert (chosen.window.outside, chosen.window.undated, chosen.window.undated_excluded) == (4, 1, 0)
    dated = select(articles, make_window(since="2024-10-29", until="2024-10-30"), dated_only=True)
    assert len(dated.articles) == 2 and dated.window.undated_excluded == 1
    assert select(articles, None).window is None


def test_articles_outside_the_window_are_never_sent_and_the_brief_counts_them(server, tmp_path):
    out = tmp_path / "w44.json"
    result = brief(server, "--week", "2024-W44", "--format", "json", "--out", out)
    assert result.exit_code == EXIT_OK, result.stderr
    sent = {body["messages"][-1]["content"] for body in server.requests}
    assert not any("Ferry crews" in text or "raised its offer" in text or "Westmere council" in text for text in sent)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["window"] | {} == {
        "since": "2024-10-28",
        "until": "2024-11-03",
        "label": "2024-W44",
        "outside": 3,
        "undated": 1,
        "undated_excluded": 0,
    }
    assert len(data["articles"]) == 4


def test_the_header_says_window_outlets_undated_and_outside(server):
    result = brief(server, "--week", "2024-W44")
    header = result.stdout.split("\n## ")[0]
    assert header.startswith("# Weekly brief: 2024-W44 (2024-10-28 to 2024-11-03)")
    assert "4 articles from 3 outlets (Daily Courier, The Ledger, Sports Wire)" in header
    assert "1 undated (marked ⚑)" in header and "3 outside the window (not sent to the model)" in header
    assert "Live answers from" in header


def test_dated_only_leaves_undated_articles_out(server):
    result = brief(server, "--week", "2024-W44", "--dated-only")
    assert "undated" not in result.stdout.split("\n## ")[0].replace("1 undated left out", "")
    assert "1 undated left out (--dated-only)" in result.stdout
    assert "Comment: why Northgate" not in result.stdout


def test_a_window_with_no_article_stops_before_any_request(server):
    result = brief(server, "--week", "2023-W01", "--dated-only")
    message = result.stderr.replace("\n", " ")
    assert result.exit_code == EXIT_ERROR and "is in the window 2023-W01: 6 dated outside it, 1 undated (--dated-only)" in message
    assert server.requests == []


def test_bad_window_flags_are_refused_by_name(server):
    result = brief(server, "--week", "2024-44")
    assert result.exit_code == EXIT_ERROR and "--week '2024-44'" in result.stderr
    assert server.requests == []


# --------------------------------------------------------------------------- stories and the brief


def test_stories_group_the_week_and_the_outlet_speaks_for_itself(server, tmp_path):
    out = tmp_path / "w44.json"
    assert brief(server, "--week", "2024-W44", "--format", "json", "--out", out).exit_code == EXIT_OK
    data = json.loads(out.read_text(encoding="utf-8"))
    path_of = {a["id"]: a["path"].rsplit("/", 1)[-1] for a in data["articles"]}
    stories = [sorted(path_of[i] for i in s["article_ids"]) for s in data["stories"]]
    # ranked by distinct outlets: the takeover (two outlets) before the transfer (one)
    assert stories == [
        ["harbour-offer-courier.txt", "harbour-offer-ledger.md", "undated-column.txt"],
        ["rovers-signing.txt"],
    ]
    assert data["stories"][0]["outlets"] == ["The Ledger", "Daily Courier"]
    # the article's own claims are the outlet's, by name
    speakers = {c["speaker"] for c in data["claims"]}
    assert "the outlet" not in speakers and {"The Ledger", "Daily Courier", "Sports Wire"} <= speakers
    # the same figure from two outlets is compared
    [group] = data["figure_groups"]
    values = {f["value"] for f in data["figures"] if f["id"] in group["figure_ids"]}
    assert values == {2.1e9} and not group["conflict"]


def test_the_brief_reads_top_down_with_ids_at_the_end_of_lines(server):
    md = brief(server, "--week", "2024-W44").stdout
    sections = [line for line in md.splitlines() if line.startswith("## ")]
    assert sections[0] == "## This week" and sections[-1] == "## Appendix"
    assert sections[1] == "## Since the last brief" and "Nothing to compare with: first brief in this history." in md
    assert sections[2:4] == [
        "## Northgate members face vote on Harbour takeover · ST1",
        "## Rovers sign striker Tom Okafor for £18m · ST2",
    ]
    week = md[md.index("## This week") :].split("\n\n")[1].splitlines()
    assert len(week) == 2 and all(line.rstrip().endswith(("· ST1", "· ST2")) for line in week)
    assert week[0].startswith("- **Northgate members face vote on Harbour takeover** (3 articles, The Ledger, Daily Courier)")
    # no quote printed twice above the appendix
    quotes = [q for q in above_appendix(md).split("“")[1:]]
    quoted = [q.split("”")[0] for q in quotes]
    assert len(quoted) == len(set(quoted))


# --------------------------------------------------------------------------- history


def test_since_the_last_brief_over_two_consecutive_weeks(server, tmp_path):
    store = tmp_path / "h.sqlite"
    assert brief(server, "--week", "2024-W44", "--history", store).exit_code == EXIT_OK
    second = brief(server, "--week", "2024-W45", "--history", store, "--format", "json", "--out", tmp_path / "w45.json")
    assert second.exit_code == EXIT_OK, second.stderr
    data = json.loads((tmp_path / "w45.json").read_text(encoding="utf-8"))
    since = data["since_last"]
    assert since["previous"].startswith("the brief of 2024-W44")
    headline = {s["id"]: s["headline"] for s in data["stories"]}
    assert [headline[i] for i in since["new_story_ids"]] == ["Greens take control of Westmere council"]
    [continuing] = since["continuing"]
    assert headline[continuing["story_id"]] == "Harbour Bank raises Northgate offer to £2.4bn"
    assert continuing["previous_headline"] == "Northgate members face vote on Harbour takeover"
    assert since["quiet"] == ["Rovers sign striker Tom Okafor for £18m"]
    [moved] = since["moved"]
    assert (moved["before"]["value"], moved["after"]["value"]) == (2.1e9, 2.4e9)
    assert moved["before"]["outlet"] == "The Ledger" and moved["before"]["date"] == "2024-10-29"
    assert moved["after"]["date"] == "2024-11-05" and "£2.4bn" in moved["after"]["quote"]

    md = brief(server, "--week", "2024-W45", "--history", store).stdout
    section = md[md.index("## Since the last brief") :].split("\n## ")[0]
    assert "- New: **Greens take control of Westmere council**" in section
    assert "- Moved: Harbour Bank's offer for Northgate Building Society: £2.1bn (“Harbour Bank has made a £2.1bn offer" in section
    assert "- Quiet: Rovers sign striker Tom Okafor for £18m" in section

    listed = runner.invoke(app, ["history", "--history", str(store)])
    assert listed.exit_code == EXIT_OK
    assert "2024-W44" in listed.stdout and "2024-W45" in listed.stdout and "(2 brief(s) in" in listed.stdout


def test_history_keeps_one_brief_per_window_with_its_tables(server, tmp_path):
    store = tmp_path / "h.sqlite"
    for _ in range(2):
        assert brief(server, "--week", "2024-W44", "--history", store).exit_code == EXIT_OK
    [saved] = history.list_briefs(store)
    assert (saved.label, saved.articles, saved.stories) == ("2024-W44", 4, 2)
    with sqlite3.connect(store) as db:
        assert db.execute("select count(*) from articles").fetchone()[0] == 4
        assert db.execute("select count(*) from stories").fetchone()[0] == 2
        assert db.execute("select value from figures where unit = 'GBP' and story_id = 'ST1'").fetchall() == [(2.1e9,), (2.1e9,)]
        assert db.execute("select count(*) from claims where speaker = 'Daily Courier'").fetchone()[0] == 1


def test_a_brief_without_a_window_is_neither_compared_nor_saved(server, tmp_path):
    store = tmp_path / "h.sqlite"
    result = brief(server, "--history", store)
    assert result.exit_code == EXIT_OK and "Since the last brief" not in result.stdout
    assert not store.exists()


def test_no_history_flag(server, tmp_path, monkeypatch):
    store = tmp_path / "h.sqlite"
    monkeypatch.setenv("SUMMARIZE_HISTORY", str(store))
    assert brief(server, "--week", "2024-W44", "--no-history").exit_code == EXIT_OK
    assert not store.exists()
    assert brief(server, "--week", "2024-W44").exit_code == EXIT_OK
    assert store.exists()


def test_a_broken_history_is_named_and_costs_only_the_comparison(server, tmp_path):
    store = tmp_path / "h.sqlite"
    store.write_bytes(b"this is not a database" * 100)
    result = brief(server, "--week", "2024-W45", "--history", store)
    assert result.exit_code == EXIT_OK
    assert f"history {store} is not a readable summarize history" in result.stderr.replace("\n", " ")
    assert result.stdout.startswith("# Weekly brief: 2024-W45")
    section = result.stdout[result.stdout.index("## Since the last brief") :].split("\n## ")[0]
    assert "Not compared: no comparison with the last brief: history" in section and "Moved" not in section
    listed = runner.invoke(app, ["history", "--history", str(store)])
    assert listed.exit_code == EXIT_ERROR and str(store) in listed.stderr


def test_compare_to_a_brief_file(server, tmp_path):
    earlier = tmp_path / "w44.json"
    assert brief(server, "--week", "2024-W44", "--no-history", "--format", "json", "--out", earlier).exit_code == EXIT_OK
    md = brief(server, "--week", "2024-W45", "--no-history", "--compare-to", earlier).stdout
    assert f"Compared with {cell(str(earlier))}." in md and "- Quiet: Rovers sign striker" in md


def test_compare_to_a_file_that_is_not_a_brief_stops_before_any_request(server, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"generated_at": 3}', encoding="utf-8")
    result = brief(server, "--week", "2024-W45", "--compare-to", bad)
    assert result.exit_code == EXIT_ERROR and f"--compare-to {bad} is not a brief" in result.stderr.replace("\n", " ")
    assert server.requests == []


def test_latest_before_picks_the_newest_window_that_ended_before(tmp_path):
    from summarize.models import Brief, Producer, Usage

    store = tmp_path / "h.sqlite"

    def saved(since, until, label):
        b = Brief(
            generated_at="2024-11-01T00:00:00+00:00",
            articles=[],
            producer=Producer(kind="live", model="m", mode="tools", prompt_version="extract/2"),
            window=Window(since=since, until=until, label=label),
            actors=[], claims=[], figures=[], stances=[], unverified=[], coverage=[], failed=[], usage=Usage(),
        )
        history.save(store, b)

    saved(date(2024, 10, 21), date(2024, 10, 27), "2024-W43")
    saved(date(2024, 10, 28), date(2024, 11, 3), "2024-W44")
    saved(date(2024, 11, 11), date(2024, 11, 17), "2024-W46")
    label, found = history.latest_before(store, Window(since=date(2024, 11, 4), until=date(2024, 11, 10), label="W45"))
    assert found.window.label == "2024-W44" and "2024-W44" in label
    assert history.latest_before(store, Window(since=date(2024, 10, 1), until=date(2024, 10, 7), label="x")) is None
    assert history.latest_before(tmp_path / "missing.sqlite", found.window) is None


def test_an_out_extension_with_no_known_format_is_refused_before_any_request(server, tmp_path):
    result = brief(server, "--out", tmp_path / "brief.pdf")
    assert result.exit_code == EXIT_ERROR and "give --format" in result.stderr and ".pdf" in result.stderr
    assert server.requests == [] and not (tmp_path / "brief.pdf").exists()
    assert brief(server, "--week", "2024-W44", "--format", "md", "--out", tmp_path / "brief.txt").exit_code == EXIT_OK


def test_a_folder_whose_articles_are_in_sub_folders_says_recursive(tmp_path):
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "a.txt").write_text("The council met today to count the votes again.", encoding="utf-8")
    result = runner.invoke(app, ["brief", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == EXIT_ERROR and "add --recursive" in result.stderr


def test_unclosed_front_matter_is_reported(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: x\ndate: 2024-10-29\n\nThe council met to count the votes.\n", encoding="utf-8")
    [note] = load_folder(tmp_path).notes
    assert "never closed" in note and "a.md" in note
