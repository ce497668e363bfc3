"""A real story over two windows that share one history: two BBC News reports on the
economic cost of the December 2004 Asian tsunami (tests/fixtures/real-weeks, dates given
for the tests), answered by the reference server from hand annotations.  The death toll
moved between the windows; the tourism jobs figure did not."""

from conftest import FIXTURES
from test_weekly import server  # noqa: F401 (the reference server fixture)
from typer.testing import CliRunner

from summarize.cli import EXIT_OK, app

REAL = FIXTURES / "real-weeks"
runner = CliRunner()


def brief(server, day, store, *args):
    base = ["brief", str(REAL), "--since", day, "--until", day, "--history", str(store), "--base-url", server.base_url,
            "--model", "reference-annotations", "--no-summary", "--no-cache", "-q"]
    result = runner.invoke(app, base + list(args), catch_exceptions=False)
    assert result.exit_code == EXIT_OK, result.stderr
    return result.stdout


def test_the_moved_death_toll_appears_with_both_quotes_and_the_unchanged_figure_does_not(server, tmp_path):
    store = tmp_path / "h.sqlite"
    first = brief(server, "2004-12-27", store)
    assert "Nothing to compare with: first brief in this history." in first
    md = brief(server, "2004-12-28", store)
    section = md[md.index("## Since the last brief") :].split("\n## ")[0]
    moved = [line for line in section.splitlines() if line.startswith("- Moved:")]
    assert len(moved) == 1, section
    assert "at least 23,000 people (“with at least 23,000 people killed” — BBC News, 2004-12-27)" in moved[0]
    assert "→ at least 25,000 people (“The tragedy has left at least 25,000 people dead” — BBC News, 2004-12-28)" in moved[0]
    assert "19m people" not in section and "Hurricane Mitch" not in section
    assert "- Continuing: **" in section and "- Quiet" not in section and "- New" not in section
    assert section.index("- Moved:") < section.index("- Continuing:")  # the news first
