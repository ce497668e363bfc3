from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SEEDS = ROOT / "seeds"
FIXTURES = TESTS / "fixtures"
"""Dated test fixtures (invented articles): windows, stories, history."""
sys.path.insert(0, str(TESTS))

BBC_WEEK = ROOT.parent / "shared" / "corpus" / "bbc-week"


def texts_to_scan(pieces: list[str], gaps: list[str], seed: int, count: int = 3000) -> list[str]:
    """Every article text the tests have (seeds, the BBC week, the fixtures), then ``count``
    strings of 1-12 random ``pieces`` joined by random ``gaps``: inputs for checking a fast
    scanner against the plain one."""
    import random

    files = [*SEEDS.glob("*"), *BBC_WEEK.rglob("*"), *TESTS.rglob("*.txt")]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file() and p.suffix in {".txt", ".md", ".html"}]
    rng = random.Random(seed)
    for _ in range(count):
        texts.append("".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(rng.randint(1, 12))))
    return texts


def extraction_options(folder: Path, server, **options):
    """Options for a live run against the reference ``server`` that asks for the articles'
    extractions only (no summary, no link request): what the request-counting tests need."""
    from summarize import pipeline

    return pipeline.Options(
        folder=folder, model="reference-annotations", base_url=server.base_url, summary=False, link_model=False, **options
    )


SEED_000 = "d65e5dc1fb20acba"
SEED_002 = "42f8f2734c696a33"


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    """Every test gets its own extraction cache, history and config file (none), never the user's."""
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SUMMARIZE_HISTORY", str(tmp_path / "history.sqlite"))
    monkeypatch.setenv("SUMMARIZE_CONFIG", str(tmp_path / "config.toml"))


@pytest.fixture
def no_model_env(monkeypatch):
    """No provider configured: the tool must replay or explain how to configure one."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)


@pytest.fixture
def seed_articles():
    from summarize.sources.load import load_folder

    loaded = load_folder(SEEDS)
    assert not loaded.failures
    return {a.id: a for a in loaded.articles}


@pytest.fixture
def reference_server():
    from reference_server import ReferenceServer

    with ReferenceServer() as server:
        yield server
