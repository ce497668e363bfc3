"""The command line's habits: --version, -m, defaults from the environment and a config
file (flag > environment > file > default), brief --help in panels, and progress that
starts at once, counts from the start, names each part of the run and prints one line per
article."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from importlib.metadata import version

import batch_api
import pytest
from conftest import ROOT, SEEDS
from reference_server import ReferenceServer
from rich.console import Console
from typer.testing import CliRunner

from summarize import config, live_progress, pipeline
from summarize.cli import EXIT_ERROR, EXIT_OK, app
from summarize.defaults import DEFAULT_MODEL

MODEL = "reference-annotations"


def run(*args, env=None):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False, env=env)


def test_version_prints_the_installed_version():
    result = run("--version")
    assert result.exit_code == EXIT_OK
    assert result.stdout.strip() == f"summarize {version('summarize')}"


def test_m_is_short_for_model(no_model_env):
    # the replay refuses another model than the recorded one, naming it: -m reached --model
    result = run("brief", SEEDS, "-m", "another-model", "--replay")
    assert result.exit_code == EXIT_ERROR
    assert "--model another-model was asked for" in " ".join(result.stderr.split())


def test_batch_submit_takes_m_too():
    result = run("batch", "submit", SEEDS, "-m", "another-model", "--week", "nonsense")
    assert result.exit_code == EXIT_ERROR
    assert "No such option" not in result.stderr and "--week 'nonsense'" in result.stderr  # -m parsed, the window refused


def test_brief_help_comes_in_panels():
    text = run("brief", "--help").stdout
    panels = ["Which articles", "Model", "Limits", "Output", "Cache, recording and replay", "History"]
    for panel in panels:
        assert f"─ {panel} ─" in text
    # each flag sits in its panel: --week under "Which articles", --compare-to under "History"
    order = [text.index(f"─ {p} ─") for p in panels]
    assert order == sorted(order)
    def row(flag):
        return text.index(f"│ {flag}")

    assert order[0] < row("--week") < order[1] < row("--model") < row("--base-url") < order[2] < row("--chunk-chars") < order[3]
    assert order[3] < row("--out") < order[4] < row("--replay") < order[5] < row("--compare-to")
    assert "[default: $SUMMARIZE_MODEL, else model in" in " ".join(text.replace("│", " ").split())


def endpoint(env, **options):
    return pipeline.endpoint(pipeline.Options(folder=SEEDS, **options), env)


def test_model_and_base_url_flag_over_environment_over_file_over_default(tmp_path):
    file = tmp_path / "config.toml"
    file.write_text('model = "from-file"\nbase_url = "http://file.example/v1"\n', encoding="utf-8")
    none = {"SUMMARIZE_CONFIG": str(tmp_path / "missing.toml")}
    with_file = {"SUMMARIZE_CONFIG": str(file)}
    env_too = {**with_file, "SUMMARIZE_MODEL": "from-env", "OPENAI_BASE_URL": "http://env.example/v1"}

    assert endpoint(none)[1:] == (None, "tools", DEFAULT_MODEL)
    assert endpoint(with_file)[1:] == ("http://file.example/v1", "tools", "from-file")
    assert endpoint(env_too)[1:] == ("http://env.example/v1", "tools", "from-env")
    flags = endpoint(env_too, model="from-flag", base_url="http://flag.example/v1")
    assert flags[1:] == ("http://flag.example/v1", "tools", "from-flag")


def test_the_config_file_defaults_to_the_user_config_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    from platformdirs import user_config_path

    assert config.path({}) == user_config_path("summarize") / "config.toml"
    (user_config_path("summarize")).mkdir(parents=True)
    (user_config_path("summarize") / "config.toml").write_text('model = "kept"\n', encoding="utf-8")
    assert config.load({}).model == "kept"


def test_a_base_url_in_the_config_file_makes_a_live_run(tmp_path, no_model_env, monkeypatch):
    with ReferenceServer() as server:
        file = tmp_path / "config.toml"
        file.write_text(f'model = "{MODEL}"\nbase_url = "{server.base_url}"\n', encoding="utf-8")
        monkeypatch.setenv("SUMMARIZE_CONFIG", str(file))
        result = run("brief", SEEDS, "--no-summary", "--no-link-model", "--no-history", "-f", "json")
    assert result.exit_code == EXIT_OK, result.stderr
    producer = json.loads(result.stdout)["producer"]
    assert producer["kind"] == "live" and producer["model"] == MODEL


@pytest.mark.parametrize(
    "content, said",
    [
        (b'model = "unclosed\n', "is not valid TOML"),
        (b'modle = "gpt-4o"\n', "unknown key(s) modle"),
        (b"model = 4\n", "model must be a non-empty string"),
        (b"\xff\xfe", "is not valid TOML"),
    ],
)
def test_a_bad_config_file_is_an_error_naming_the_file(tmp_path, no_model_env, monkeypatch, content, said):
    file = tmp_path / "my-config.toml"
    file.write_bytes(content)
    monkeypatch.setenv("SUMMARIZE_CONFIG", str(file))
    result = run("brief", SEEDS, "--no-history")
    assert result.exit_code == EXIT_ERROR and result.stdout == ""
    text = " ".join(result.stderr.split())
    assert str(file) in text and said in text


def test_first_the_run_says_what_it_starts_then_one_line_per_article_and_each_part(no_model_env, tmp_path):
    result = run("brief", SEEDS, "--replay", "--no-history", "--out", tmp_path / "b.md")
    assert result.exit_code == EXIT_OK, result.stderr
    lines = result.stderr.splitlines()
    articles = [line for line in lines if line.startswith("[")]
    assert len(articles) == 2  # one line per article, not a "started" line and a "done" line
    assert all(".txt: " in line and "actors" in line and "answers" in line for line in articles)
    parts = [line for line in lines if line.endswith("…")]
    assert parts == ["extracting 2 article(s)…", "linking items across articles…", "writing the summary…"]
    assert lines.index(parts[0]) < lines.index(articles[0]) and lines.index(articles[-1]) < lines.index(parts[1])


def test_the_first_line_comes_before_the_model_client_is_imported(tmp_path):
    """Whatever the machine, the first thing on stderr is written before the heaviest import
    (openai, about 1 s): the run says what it starts while the client is still loading."""
    script = (
        "import sys\n"
        "first = []\n"
        "class Watch:\n"
        "    def write(self, text):\n"
        "        if text.strip() and not first: first.append('openai' in sys.modules)\n"
        "        return sys.__stderr__.write(text)\n"
        "    def flush(self): sys.__stderr__.flush()\n"
        "    def isatty(self): return False\n"
        "sys.stderr = Watch()\n"
        "from summarize import cli\n"
        f"sys.argv = ['summarize', 'brief', {str(SEEDS)!r}, '--replay', '--no-history', '--out', {str(tmp_path / 'b.md')!r}]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(first, file=sys.__stdout__)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[False]", done.stderr[-2000:]
    assert (tmp_path / "b.md").exists()


def test_the_bar_counts_elapsed_time_from_the_start_and_names_each_part():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200, highlight=False, markup=False)
    with live_progress.bar(console, pipeline.Progress(), started=time.monotonic() - 3725) as shown:
        shown.phase("writing the summary")
    text = screen.getvalue()
    assert "1:02:05" in text or "1:02:06" in text  # since the given start, not since the bar appeared
    assert "writing the summary" in text


def test_collect_wait_shows_the_status_while_it_waits(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    cache = tmp_path / "cache"
    with ReferenceServer() as server:
        batch_api.attach(server, polls=3)
        submitted = run("batch", "submit", SEEDS, "--base-url", server.base_url, "--model", MODEL, "--cache-dir", cache)
        job_id = submitted.stdout.strip()
        waited = run("batch", "collect", "--cache-dir", cache, "--wait", "--poll-interval", 0.01, "--no-summary", "--no-history")
    assert waited.exit_code == EXIT_OK, waited.stderr
    said = [line for line in waited.stderr.splitlines() if line.startswith(f"batch {job_id}: in_progress")]
    assert len(said) == 3 and all("reading its status again in 0.01 s" in line for line in said)
    assert "requests done" in said[0] or "request counts not reported" in said[0]
