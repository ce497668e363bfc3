"""The CLI end to end, replaying the seed cassettes (no network, no model)."""

import json
import re
import sys

import jsonschema
import pytest
from conftest import ROOT, SEEDS
from typer.testing import CliRunner

from summarize.cli import EXIT_ERROR, EXIT_OK, app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_brief_of_the_seeds_replays_the_recordings(no_model_env):
    result = run("brief", SEEDS)
    assert result.exit_code == EXIT_OK, result.stderr
    out = result.stdout
    assert "replaying recorded answers from" in result.stderr
    assert "not a model's output" in result.stderr and "not a model's output" in out
    # merged name forms, each with its articles
    assert re.search(r"\*\*Kim Yong-hyun\*\* .*Kim Yonghyun \[#1\]; Kim Yong-hyun \[#2\]", out)
    assert re.search(r"\*\*Volodymyr Zelensky\*\* .*Zelensky \[#1\]", out)
    assert re.search(r"\*\*Kim Jong Un\*\* .*Kim Jong-un \[#1, #2\]", out)
    # figures with their sources
    assert re.search(r"\| 8,000 troops \| .* \| United States \|.*\[#2\]", out)
    assert re.search(r"\| 1.2 million soldiers \| .* \| New York Times \|", out)
    assert re.search(r"\| 1.5 million shells \|", out)
    # claims and stances, and usage
    assert "We have not yet seen these troops deploy in combat against Ukrainian forces" in out
    assert re.search(r"\| Choe Son Hui|\| North Korea \| support \| Russia \|", out)
    assert re.search(r"6 request\(s\), [\d,]+ prompt \+ [\d,]+ completion", out)  # the link request included
    summary = out[out.index("## Summary") : out.index("## This week")]
    assert "Antony Blinken said the troops had not yet been seen in combat. · X1, X2, C10, C11, C25" in summary
    # one story; what no single article says: corroboration, the contested pair
    assert out.count("· ST1") == 2 and "· ST2" not in out
    story = out[out.index("## This week") : out.index("## Appendix")]
    assert re.search(r"- North Korea will always stand with Russia\. — 2 articles; Kim Jong Un, Choe Son Hui · K\d+", story)
    contested = story[story.index("**Contested**") :]
    assert "the outlet: Reports emerged last week of North Korean fighters killed and wounded" in contested
    assert "Antony Blinken: North Korean troops have not yet been seen in combat" in contested
    assert "“We have not yet seen these troops deploy in combat against Ukrainian forces” — undated [#2] · C25" in contested
    assert re.search(r"\| North Korea \| \*\*supports\*\* \| Russia \| “[^|]*” — 2024-10-09 \[#1\] · S2<br>“[^|]*” — undated \[#2\] · S11 \|", out)
    assert "| 2024-11-01 | this Friday, November 1 | the first year from 2023" in out
    assert "short name: Zelensky \\~ Volodymyr Zelensky" in out
    # figure coverage per article, with what is left out
    assert "| #1 | 6 / 7 |" in out and "| #2 | 8 / 11 |" in out and "'two' in “…" in out


def test_json_output_is_valid_against_the_published_schema(no_model_env, tmp_path):
    target = tmp_path / "brief.json"
    result = run("brief", SEEDS, "--format", "json", "--out", target)
    assert result.exit_code == EXIT_OK
    data = json.loads(target.read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["producer"]["kind"] == "replay"
    assert data["usage"]["requests"] == 6  # 2 extractions, 2 gleanings, the link answer, the summary
    assert len(data["summary"]["sentences"]) == 6
    assert {a["id"] for a in data["articles"]} == {"d65e5dc1fb20acba", "42f8f2734c696a33"}
    kim = next(a for a in data["actors"] if a["name"] == "Kim Yong-hyun")
    assert {f["form"] for f in kim["forms"]} == {"Kim Yonghyun", "Kim Yong-hyun"}
    assert result.stdout == ""


def test_another_folder_without_a_model_says_how_to_configure_one(no_model_env, tmp_path):
    (tmp_path / "a.txt").write_text("The mayor said 12 bridges were closed.", encoding="utf-8")
    result = run("brief", tmp_path)
    assert result.exit_code == EXIT_ERROR
    for hint in ("OPENAI_API_KEY", "--base-url", "Ollama", "vLLM", "llama.cpp", str(tmp_path / "a.txt")):
        assert hint in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["--record"], "--record needs a model"),
        (["--mode", "json_schema"], "recordings were made with mode tools"),
        (["--model", "gpt-x"], "recordings were made with model reference-annotations"),
    ],
)
def test_flags_that_cannot_work_offline_are_refused_clearly(no_model_env, args, message):
    result = run("brief", SEEDS, *args)
    assert result.exit_code == EXIT_ERROR
    assert message in result.stderr


def test_missing_folder_is_an_error(no_model_env, tmp_path):
    result = run("brief", tmp_path / "nope")
    assert result.exit_code == EXIT_ERROR
    assert "does not exist" in result.stderr


def test_help_documents_every_flag_and_the_exit_codes():
    result = run("brief", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for flag in (
        "--recursive", "--model", "--base-url", "--mode", "--max-retries", "--timeout",
        "--format", "--out", "--record", "--cassettes", "--quiet", "--retries", "--max-tokens", "--chunk-chars",
        "--no-summary",
    ):  # fmt: skip
        assert flag in text
    assert "Exit codes: 0" in text and "1 brief written but some articles failed" in text


def test_recordings_hold_no_credentials_or_provider_headers():
    pattern = re.compile(
        r"sk-[A-Za-z0-9_-]{12,}|Bearer |authorization|api-key|set-cookie|cookie|openai-organization|openai-project|x-stainless",
        re.I,
    )
    files = list((ROOT / "cassettes").rglob("*.yaml"))
    assert files
    for path in files:
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_a_folder_where_nothing_loads_names_each_file(no_model_env, tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    (tmp_path / "empty.md").write_text("")
    result = run("brief", tmp_path)
    assert result.exit_code == EXIT_ERROR
    assert f"{tmp_path / 'bin.txt'} looks binary" in result.stderr and f"{tmp_path / 'empty.md'} is empty" in result.stderr


def test_quiet_replay_prints_nothing_but_the_brief_says_where_answers_came_from(no_model_env):
    result = run("brief", SEEDS, "-q")
    assert result.exit_code == EXIT_OK and result.stderr == ""
    assert "not a model's output" in result.stdout
    assert "replaying recorded answers" in run("brief", SEEDS).stderr


def test_the_command_leaves_its_imported_modules_out_of_garbage_collection(monkeypatch):
    import gc

    from summarize import cli

    monkeypatch.setattr(sys, "argv", ["summarize", "--help"])
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit):
            cli.main()
        assert gc.get_freeze_count() > 10_000  # the modules' objects, not collected again mid-run
    finally:
        gc.unfreeze()
