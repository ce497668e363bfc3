"""A key an endpoint echoes back reaches no brief, terminal, cassette, cache or history."""

import sqlite3
from pathlib import Path

import pytest
from conftest import SEED_000, SEEDS
from reference_server import ReferenceServer
from typer.testing import CliRunner

from summarize import redact
from summarize.cli import EXIT_PARTIAL, app

MODEL = "reference-annotations"


def every_byte(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


def history_text(path: Path) -> str:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        return "\n".join(str(row) for t in tables for row in db.execute(f'select * from "{t}"'))


@pytest.mark.parametrize(
    "key",
    [
        "k3y-Qm9uZ2xlWmFwcGVyMTIzNDU2Nzg5MA",  # no known token shape: only the configured key says it is one
        "sk-proj-Zq81XWuYtE0b5f2LkP9aR7mN",
    ],
)
@pytest.mark.parametrize("output", ["brief.md", "brief.json", "brief.html"])
def test_a_key_echoed_in_an_error_is_scrubbed_everywhere(tmp_path, monkeypatch, key, output):
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    cassettes, history = tmp_path / "cassettes", tmp_path / "h.sqlite"
    with ReferenceServer(faults={SEED_000: ["echo_key_always"]}) as server:
        args = ["brief", str(SEEDS), "--model", MODEL, "--base-url", server.base_url, "--retries", "0"]
        args += ["--since", "1990-01-01", "--until", "2099-12-31", "--history", str(history)]
        live = CliRunner().invoke(app, [*args, "--out", str(tmp_path / output)], catch_exceptions=False)
        recorded = CliRunner().invoke(app, [*args, "--record", "--cassettes", str(cassettes), "--no-summary"], catch_exceptions=False)
    assert live.exit_code == recorded.exit_code == EXIT_PARTIAL, live.stderr
    written = (tmp_path / output).read_text(encoding="utf-8")
    assert "HTTP 400" in written and "Authorization" in written  # the failure is said...
    places = {
        "stdout": live.stdout + recorded.stdout,
        "stderr": live.stderr + recorded.stderr,
        "brief": written,
        "cassettes": every_byte(cassettes),
        "cache": every_byte(tmp_path / "cache"),
        "history": history_text(history),
    }
    for place, text in places.items():  # ...the key is not
        assert key not in text, place
        assert key[:12] not in text, place  # nor a cut piece of it


def test_token_shapes_are_scrubbed_from_any_text_and_the_configured_key_whatever_its_shape():
    redact.keep_secret("plain-Secret-Value-77")
    said = redact.text("echo: Authorization: Bearer abcDEF123456 key sk-abcdefgh12345 and plain-Secret-Value-77 here")
    assert "abcDEF123456" not in said and "sk-abcdefgh12345" not in said and "plain-Secret-Value-77" not in said
    assert said.startswith("echo: Authorization: ") and said.endswith(" here")
    # A document keeps its length, so that offsets into the article texts it carries hold.
    document = "x plain-Secret-Value-77 y"
    assert len(redact.masked(document)) == len(document) and "plain-Secret" not in redact.masked(document)


def test_a_library_log_line_reaching_stderr_is_scrubbed(capsys):
    import logging

    redact.keep_secret("log-Secret-Value-99")
    scrub = redact.LogScrub()
    logging.lastResort.addFilter(scrub)
    try:
        record = logging.LogRecord("openai", logging.ERROR, __file__, 1, "failed: %s", ("Bearer log-Secret-Value-99",), None)
        logging.lastResort.handle(record)
    finally:
        logging.lastResort.removeFilter(scrub)
    shown = capsys.readouterr().err
    assert "failed:" in shown and "log-Secret-Value-99" not in shown
