"""Which language an article is in, among those the language data covers.

The article's own word first (front matter ``language:``, a ``Langue:`` header, the page's
``<html lang>`` kept by ``summarize fetch``) when a data file covers it; otherwise py3langid,
a naive Bayes identifier over byte n-grams (langid.py, modernised): its model ships inside the
package (nothing is downloaded at run time, unlike fastText's), it answers the same way every
time (langdetect samples at random unless seeded), it is fast on a whole article, and it can be
narrowed to the languages we have data for, so it never answers one we cannot use.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from array import array
from functools import lru_cache
from pathlib import Path

from summarize import lang
from summarize.files import cache_dir

SAMPLE_CHARS = 4000
"""The start of the article is enough to tell its language (and keeps a long one fast)."""


def declared(value: str | None) -> str | None:
    """A language tag ("fr", "de-CH", "es_ES") as a covered code, or None."""
    if not value:
        return None
    m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$)", value)
    code = m.group(1).lower() if m else None
    return code if code in lang.available() else None


@lru_cache(maxsize=1)
def identifier():
    """py3langid's identifier, narrowed to the languages the data files cover."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier  # imported here: numpy and the model load take a while

    codes = sorted(lang.available())
    kept = _kept_path(Path(MODEL_DIR) / MODEL_FILE, codes)
    model = _read_kept(kept, LanguageIdentifier) if kept else None
    if model is None:
        # The shipped model is LZMA-compressed: reading it takes about 0.5 s.  The model
        # narrowed to our languages is kept in the cache folder, read in a fifth of that.
        model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        model.set_languages(codes)
        if kept:
            _keep(kept, model)
    return model


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "row", "output")


def _kept_path(shipped: Path, codes: list[str]) -> Path | None:
    """Where the narrowed model is kept, named after the shipped model and the languages."""
    try:
        stat = shipped.stat()
    except OSError:
        return None
    key = hashlib.sha256(f"{shipped}|{stat.st_size}|{stat.st_mtime_ns}|{','.join(codes)}".encode()).hexdigest()[:16]
    return cache_dir(os.environ) / "langid" / f"model-{key}.npz"


def _read_kept(path: Path, identifier_class):
    """The narrowed model kept at ``path``, or None when it is missing or unreadable."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            found = {name: data[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, EOFError):
        return None
    nextmove, row = array(str(found["nextmove"].dtype.char)), array(str(found["row"].dtype.char))
    nextmove.frombytes(found["nextmove"].tobytes())
    row.frombytes(found["row"].tobytes())
    return identifier_class(
        found["ptc"], found["pc"], found["classes"].tolist(), nextmove, found["output"].tolist(), norm_probs=True, tk_row=row
    )


def _keep(path: Path, identifier) -> None:
    """Keep the narrowed model at ``path`` (written whole or not at all); a cache that
    cannot be written costs only the next run's time."""
    import numpy as np

    arrays = {
        "ptc": np.ascontiguousarray(identifier.nb_ptc),
        "pc": np.asarray(identifier.nb_pc),
        "classes": np.array(identifier.nb_classes),
        "nextmove": np.frombuffer(identifier.tk_nextmove, dtype=identifier.tk_nextmove.typecode),
        "row": np.frombuffer(identifier.tk_row, dtype=identifier.tk_row.typecode),
        "output": np.asarray(identifier.tk_output, dtype=np.int64),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".model-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez_compressed(out, **arrays)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def detect(text: str) -> str:
    """The covered language ``text`` is most likely in."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return lang.DEFAULT
    code, _ = identifier().classify(sample)
    return code if code in lang.available() else lang.DEFAULT


def choose(text: str, said: str | None = None) -> str:
    """The article's language: what it says of itself when covered, else detected."""
    return declared(said) or detect(text)
