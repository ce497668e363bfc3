"""The command starts at once: what each command imports (never how long it takes, which
depends on the machine; bench/startup.py measures that), and the stand-ins that made it
so (TF-IDF without scikit-learn, the language model kept narrowed) give what they replace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

HEAVY = ("openai", "instructor", "sklearn", "scipy", "numpy", "vcr", "jinja2", "trafilatura", "dateparser", "httpx2", "tenacity")

RUN = """
import json, sys
from summarize import cli
sys.argv = ["summarize", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported_by(*args: str) -> set[str]:
    """The top-level packages in ``sys.modules`` once ``summarize ARGS`` has run, in a
    process of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZE_MODEL")}
    done = subprocess.run([sys.executable, "-c", RUN, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    return {m.split(".")[0] for m in modules}


def test_importing_the_command_line_imports_no_heavy_library():
    done = subprocess.run(
        [sys.executable, "-c", "import json, sys; import summarize.cli; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    loaded = {m.split(".")[0] for m in json.loads(done.stdout)}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "summarize.pipeline" not in json.loads(done.stdout)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["brief", "--help"], ["history"], ["batch", "--help"]])
def test_help_version_and_history_import_no_heavy_library(args, tmp_path):
    assert not imported_by(*args) & set(HEAVY)


def test_a_dry_run_imports_neither_the_model_client_nor_scikit_learn():
    loaded = imported_by("brief", str(SEEDS), "--dry-run")
    assert not loaded & {"openai", "instructor", "sklearn", "vcr", "httpx2", "tenacity", "trafilatura"}


def test_a_replayed_brief_never_imports_scikit_learn(tmp_path):
    loaded = imported_by("brief", str(SEEDS), "--replay", "--quiet", "--no-history", "--out", str(tmp_path / "b.md"))
    assert "openai" in loaded  # it did run the replay
    assert "sklearn" not in loaded
    assert (tmp_path / "b.md").read_text(encoding="utf-8").strip()


def texts() -> list[str]:
    folder = ROOT.parent / "shared" / "corpus" / "bbc-news"
    found = sorted(folder.glob("*/*.txt"))[:150] if folder.is_dir() else []
    if not found:
        found = sorted(SEEDS.glob("*")) + sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))
    return [p.read_text(encoding="utf-8", errors="replace") for p in found]


@pytest.mark.parametrize("weighted", [True, False])
def test_story_weights_are_scikit_learns(weighted):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from summarize.link import tfidf

    from summarize import lang

    docs = texts()
    stop = frozenset(w.casefold() for w in lang.load().stopwords)
    ours = tfidf.matrix(
        [tfidf.words(d, stop) for d in docs],
        sublinear=True, use_idf=weighted, min_df=2 if weighted else 1, dtype=np.float32,
    )
    theirs = TfidfVectorizer(
        stop_words=sorted(stop), sublinear_tf=True, use_idf=weighted, min_df=2 if weighted else 1, dtype=np.float32
    ).fit_transform(docs)
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-6


def test_linking_weights_are_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from summarize.link import tfidf
    from summarize.link.similarity import content_words

    docs = [content_words(t) for text in texts() for t in text.split("\n") if t.strip()][:2000]
    ours = tfidf.rows(docs, sublinear=True)
    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True)
    theirs = vectorizer.fit_transform(docs).tocsr()
    names = vectorizer.get_feature_names_out()
    for i, row in enumerate(ours):
        start, end = theirs.indptr[i], theirs.indptr[i + 1]
        expected = {names[j]: w for j, w in zip(theirs.indices[start:end], theirs.data[start:end])}
        assert row.keys() == expected.keys()
        assert all(abs(row[t] - expected[t]) < 1e-12 for t in row)


SAMPLES = {
    "en": "The minister said on Friday that the government would not resign before the vote.",
    "fr": "Le ministre a déclaré vendredi que le gouvernement ne démissionnerait pas avant le vote.",
    "de": "Der Minister sagte am Freitag, die Regierung werde vor der Abstimmung nicht zurücktreten.",
    "es": "El ministro dijo el viernes que el gobierno no dimitiría antes de la votación.",
}


def test_the_language_model_is_kept_narrowed_in_the_cache_folder_and_answers_as_the_shipped_one(tmp_path, monkeypatch):
    from py3langid.langid import LanguageIdentifier

    from summarize.sources import language

    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))
    language.identifier.cache_clear()
    try:
        shipped = language.identifier()
        kept = list((tmp_path / "cache" / "langid").glob("model-*.npz"))
        assert len(kept) == 1
        language.identifier.cache_clear()

        def never(*args, **kwargs):
            raise AssertionError("the shipped model was read again")

        with monkeypatch.context() as m:
            m.setattr(LanguageIdentifier, "from_model_file", never)
            read = language.identifier()
        assert read.nb_classes == shipped.nb_classes
        assert [read.classify(t) for t in SAMPLES.values()] == [shipped.classify(t) for t in SAMPLES.values()]
        assert [language.detect(t) for t in SAMPLES.values()] == list(SAMPLES)

        kept[0].write_bytes(b"not a model")  # a broken kept file: the shipped model is read again
        language.identifier.cache_clear()
        assert [language.detect(t) for t in SAMPLES.values()] == list(SAMPLES)
    finally:
        language.identifier.cache_clear()
