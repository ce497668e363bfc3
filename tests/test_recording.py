"""Recording through the reference server, replaying, and keeping one article's failure local."""

import shutil

from conftest import SEED_000, SEEDS
from record_seeds import MODEL, record, source
from typer.testing import CliRunner

SOURCE = source("seeds")
from summarize import pipeline
from summarize.cli import EXIT_PARTIAL, app
from summarize.extract.recording import read_set

SECRET = "sk-live-abcdefghijklmnopqrstuvwxyz012345"


def test_record_then_replay_gives_the_same_brief(tmp_path, monkeypatch):
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    recorded = record(folder, tmp_path / "cassettes").brief
    rec = read_set(tmp_path / "cassettes" / "seeds")
    assert (rec.model, rec.mode, rec.source) == (MODEL, "tools", SOURCE)
    assert recorded.producer.kind == "record"

    replayed = pipeline.brief_folder(pipeline.Options(folder=folder, cassettes=tmp_path / "cassettes"), env={}).brief
    assert replayed.producer.kind == "replay" and SOURCE in replayed.producer.recordings
    for part in ("actors", "claims", "figures", "stances"):
        assert getattr(replayed, part) == getattr(recorded, part)
    assert replayed.usage == recorded.usage


def test_a_recording_made_with_a_key_keeps_no_secret(tmp_path, reference_server):
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(SEEDS / "000_37c9123741aeb2db.txt", folder)
    options = pipeline.Options(folder=folder, base_url=reference_server.base_url, model=MODEL, record=True, cassettes=tmp_path)
    brief = pipeline.brief_folder(options, env={"OPENAI_API_KEY": SECRET}).brief
    assert not brief.failed
    text = (tmp_path / "one" / f"{SEED_000}.yaml").read_text(encoding="utf-8")
    assert SECRET not in text
    assert "authorization" not in text.lower() and "x-stainless" not in text.lower()


def test_one_failing_article_does_not_cost_the_others(tmp_path, reference_server, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SEEDS / "000_37c9123741aeb2db.txt", folder)
    (folder / "unannotated.txt").write_text("Officials said 12 bridges were closed.", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    monkeypatch.setenv("OPENAI_BASE_URL", reference_server.base_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = CliRunner().invoke(app, ["brief", str(folder), "--model", MODEL, "--no-summary"], catch_exceptions=False)
    assert result.exit_code == EXIT_PARTIAL
    out = result.stdout
    assert "## Failed articles" in out
    assert "broken.txt | load | 0 | looks binary" in out
    assert "unannotated.txt | extract | 1 | the endpoint answered HTTP 404" in out
    assert "Kim Yonghyun" in out  # the good article's work is all there
    assert "skipped " + str(folder / "broken.txt") in result.stderr


def test_a_second_live_run_reuses_finished_articles_from_the_cache(tmp_path, reference_server, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SEEDS / "000_37c9123741aeb2db.txt", folder)
    (folder / "unannotated.txt").write_text("Officials said 12 bridges were closed.", encoding="utf-8")
    monkeypatch.setenv("OPENAI_BASE_URL", reference_server.base_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    args = ["brief", str(folder), "--model", MODEL, "--no-summary", "--no-link-model", "--cache-dir", str(tmp_path / "c")]
    first = CliRunner().invoke(app, args, catch_exceptions=False)
    asked = len(reference_server.requests)
    second = CliRunner().invoke(app, args, catch_exceptions=False)
    again = reference_server.requests[asked:]
    assert "from the cache" in second.stderr and "from the cache" not in first.stderr
    # only the failed article is asked again
    assert len(again) == 1 and "Officials said 12 bridges" in str(again[0]["messages"])
    def body(out):  # the brief without its timestamped first lines and its usage
        return out[out.index("## Articles") : out.index("## Usage")]

    assert body(second.stdout) == body(first.stdout)
    assert "1 request(s)" in second.stdout.split("## Usage")[1]
    third = CliRunner().invoke(app, [*args, "--no-cache"], catch_exceptions=False)
    assert "from the cache" not in third.stderr and len(reference_server.requests) == asked + 1 + asked


def test_the_cache_key_changes_with_what_shapes_the_answer(tmp_path, monkeypatch):
    from summarize.extract import cache, prompting

    a = cache.AnswerCache(tmp_path, model="m1", mode="tools", endpoint="h", chunk_chars=1, max_retries=2)
    b = cache.AnswerCache(tmp_path, model="m2", mode="tools", endpoint="h", chunk_chars=1, max_retries=2)
    assert a.path(SEED_000) != b.path(SEED_000)
    assert not a.has(SEED_000)
    # A template edited without a new declared version still changes the key.
    loader = prompting._environment().loader
    real = loader.get_source
    monkeypatch.setattr(loader, "get_source", lambda env, name: (real(env, name)[0] + " ", *real(env, name)[1:]))
    prompting.template_hash.cache_clear()
    try:
        edited = cache.AnswerCache(tmp_path, model="m1", mode="tools", endpoint="h", chunk_chars=1, max_retries=2)
        assert edited.path(SEED_000) != a.path(SEED_000)
    finally:
        prompting.template_hash.cache_clear()


def test_an_interrupted_run_keeps_what_it_finished_and_says_how_to_resume(tmp_path, reference_server, monkeypatch):
    from summarize.extract import article as extract

    monkeypatch.setenv("OPENAI_BASE_URL", reference_server.base_url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    real = extract.extract_article
    calls = []

    def interrupted_on_the_second(article, *args, **kwargs):
        calls.append(article.id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(article, *args, **kwargs)

    monkeypatch.setattr(extract, "extract_article", interrupted_on_the_second)
    args = ["brief", str(SEEDS), "--model", MODEL, "--cache-dir", str(tmp_path / "c")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 130
    assert f"interrupted: the articles finished so far are kept in {tmp_path / 'c'}; run the same command again" in result.stderr
    monkeypatch.setattr(extract, "extract_article", real)
    resumed = CliRunner().invoke(app, args, catch_exceptions=False)
    assert resumed.exit_code == 0 and resumed.stderr.count("from the cache") == 1
