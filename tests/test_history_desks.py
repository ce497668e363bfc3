"""A history that cannot mislead: a new file is said to be new, briefs are kept per folder
or desk, two runs on one history take turns, a rerun says it replaced a brief (end to end
against the reference server, on the invented W44/W45 fixtures)."""

import shutil
import sqlite3
import threading
from datetime import date

import pytest
from conftest import FIXTURES
from test_weekly import server  # noqa: F401 (the reference server fixture)
from typer.testing import CliRunner

from summarize import pipeline
from summarize.cli import EXIT_OK, app
from summarize.models import Brief, Producer, Usage, Window
from summarize.render.base import cell
from summarize.week import history

WEEKS = FIXTURES / "weeks"
runner = CliRunner()


def brief(server, folder, *args):
    base = ["brief", str(folder), "--base-url", server.base_url, "--model", "reference-annotations", "--no-summary", "--no-cache", "-q"]
    return runner.invoke(app, base + [str(a) for a in args], catch_exceptions=False)


def since_section(markdown: str) -> str:
    return markdown[markdown.index("## Since the last brief") :].split("\n## ")[0]


def copy_of_weeks(where):
    shutil.copytree(WEEKS, where)
    return where


def test_a_history_path_that_does_not_exist_is_created_with_a_notice_and_the_brief_says_first(server, tmp_path):
    store = tmp_path / "histroy.sqlite"  # mistyped
    result = brief(server, WEEKS, "--week", "2024-W45", "--history", store)
    assert result.exit_code == EXIT_OK
    err = " ".join(result.stderr.split())
    assert f"history {store} does not exist yet: it is created" in err
    assert "Nothing to compare with: first brief in this history." in since_section(result.stdout)
    assert store.exists() and [s.label for s in history.list_briefs(store)] == ["2024-W45"]


def test_briefs_of_another_folder_are_not_compared_and_history_lists_folder_or_desk(server, tmp_path):
    store = tmp_path / "h.sqlite"
    first, other = copy_of_weeks(tmp_path / "first"), copy_of_weeks(tmp_path / "other")
    assert brief(server, first, "--week", "2024-W44", "--history", store).exit_code == EXIT_OK
    md = brief(server, other, "--week", "2024-W45", "--history", store).stdout
    section = since_section(md)
    assert "Quiet" not in section and "Rovers" not in section
    assert f"first brief of folder {cell(str(other.resolve()))} in this history (1 brief(s) of other folders or desks" in section
    # the same folder again is compared with its own earlier brief
    md = brief(server, first, "--week", "2024-W45", "--history", store).stdout
    assert "- Quiet: Rovers sign striker Tom Okafor for £18m" in since_section(md)

    listed = runner.invoke(app, ["history", "--history", str(store)]).stdout
    rows = [line for line in listed.splitlines() if line.startswith("2024-W")]
    assert len(rows) == 3 and "folder or desk" in listed.splitlines()[0]
    assert rows[0].startswith("2024-W44") and rows[0].endswith(f"folder {first.resolve()}")
    assert sorted(r.endswith(f"folder {other.resolve()}") for r in rows[1:]) == [False, True]
    assert rows[0].split()[3:5] == ["4", "2"]  # articles, stories


def test_a_desk_follows_briefs_across_folders_and_keeps_them_apart_from_others(server, tmp_path):
    store = tmp_path / "h.sqlite"
    first, other = copy_of_weeks(tmp_path / "first"), copy_of_weeks(tmp_path / "other")
    assert brief(server, first, "--week", "2024-W44", "--history", store, "--desk", "City desk").exit_code == EXIT_OK
    md = brief(server, other, "--week", "2024-W45", "--history", store, "--desk", "City desk").stdout
    assert "- Quiet: Rovers sign striker Tom Okafor for £18m" in since_section(md)
    md = brief(server, other, "--week", "2024-W45", "--history", store, "--desk", "Sports desk").stdout
    assert "first brief of desk Sports desk in this history" in since_section(md)
    listed = runner.invoke(app, ["history", "--history", str(store)]).stdout
    assert listed.count("desk City desk") == 2 and listed.count("desk Sports desk") == 1


def test_rerunning_a_window_replaces_its_brief_and_says_so(server, tmp_path):
    store = tmp_path / "h.sqlite"
    assert "replaces" not in brief(server, WEEKS, "--week", "2024-W44", "--history", store).stderr
    again = brief(server, WEEKS, "--week", "2024-W44", "--history", store)
    assert "this brief replaces the brief of 2024-W44 saved" in " ".join(again.stderr.split())
    assert len(history.list_briefs(store)) == 1


def test_an_earlier_window_saved_after_a_later_one_says_the_later_one_was_not_compared(server, tmp_path):
    store = tmp_path / "h.sqlite"
    assert brief(server, WEEKS, "--week", "2024-W45", "--history", store).exit_code == EXIT_OK
    late = brief(server, WEEKS, "--week", "2024-W44", "--history", store)
    err = " ".join(late.stderr.split())
    assert "the brief of 2024-W45 for folder" in err and "was saved before this one and not compared with it" in err


def test_two_briefs_at_once_on_one_history_the_later_window_is_compared_with_the_earlier(server, tmp_path):
    """The later window's run starts first but the earlier window is saved before it ends:
    it must read the history when it compares, not when it starts."""
    store = tmp_path / "h.sqlite"
    saved_w44 = threading.Event()
    results = {}

    def options(week):
        return pipeline.Options(
            folder=WEEKS, model="reference-annotations", base_url=server.base_url, summary=False, link_model=False,
            window=Window(since=week[0], until=week[1], label=week[2]), history=store,
        )

    def run_w45():
        wait = pipeline.Progress(started=lambda i, n, a: saved_w44.wait(60))
        results["W45"] = pipeline.brief_folder(options((date(2024, 11, 4), date(2024, 11, 10), "2024-W45")), progress=wait)

    later = threading.Thread(target=run_w45)
    later.start()
    results["W44"] = pipeline.brief_folder(options((date(2024, 10, 28), date(2024, 11, 3), "2024-W44")))
    saved_w44.set()
    later.join(120)
    since = results["W45"].brief.since_last
    assert since is not None and since.previous.startswith("the brief of 2024-W44")
    assert [m.after.value for m in since.moved] == [2.4e9]


def _empty_brief(label, since, until):
    return Brief(
        generated_at="2024-11-01T00:00:00+00:00", articles=[],
        producer=Producer(kind="live", model="m", mode="tools", prompt_version="extract/2"),
        window=Window(since=since, until=until, label=label),
        actors=[], claims=[], figures=[], stances=[], unverified=[], coverage=[], failed=[], usage=Usage(),
    )


def test_a_session_holds_the_history_until_it_ends(tmp_path):
    store = tmp_path / "h.sqlite"
    w44 = _empty_brief("2024-W44", date(2024, 10, 28), date(2024, 11, 3))
    w45 = Window(since=date(2024, 11, 4), until=date(2024, 11, 10), label="2024-W45")
    seen = {}

    def other_run():
        with history.session(store) as turn:
            seen["previous"] = turn.latest_before(w45, "desk x")

    with history.session(store) as turn:
        waiting = threading.Thread(target=other_run)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # the other run waits for this turn to end
        turn.save(w44, "desk x")
    waiting.join(30)
    assert seen["previous"][1].window.label == "2024-W44"
    with history.session(store) as turn, pytest.raises(history.HistoryError, match="cannot be written"):
        with history.session(store, timeout=0.1):
            pass


def test_a_history_of_schema_1_is_read_and_upgraded(tmp_path):
    store = tmp_path / "old.sqlite"
    with sqlite3.connect(store) as db:
        db.executescript(
            "CREATE TABLE briefs (id INTEGER PRIMARY KEY, generated_at TEXT NOT NULL, since TEXT NOT NULL, until TEXT NOT NULL,"
            " label TEXT NOT NULL, articles INTEGER NOT NULL, stories INTEGER NOT NULL, brief_json TEXT NOT NULL);"
            "PRAGMA user_version = 1;"
        )
        old = _empty_brief("2024-W44", date(2024, 10, 28), date(2024, 11, 3))
        db.execute("INSERT INTO briefs VALUES (1, 'then', '2024-10-28', '2024-11-03', '2024-W44', 0, 0, ?)", (old.model_dump_json(),))
    [saved] = history.check(store)
    assert saved.desk == history.UNKNOWN_DESK
    w45 = _empty_brief("2024-W45", date(2024, 11, 4), date(2024, 11, 10))
    with history.session(store) as turn:
        assert turn.latest_before(w45.window, "desk x") is None  # a brief of no known desk is compared with none
        turn.save(w45, "desk x")
    assert [s.desk for s in history.list_briefs(store)] == ["", "desk x"]
