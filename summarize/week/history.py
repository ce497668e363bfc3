"""Earlier briefs, kept in one SQLite file so the next brief can say what changed.

Each brief over a window is saved whole (its JSON) with tables of its articles, stories,
figures and claims for querying (``sqlite3 history.sqlite 'select * from figures'``).  A
rerun over the same window replaces that window's brief.  The file uses WAL and a busy
timeout, so two runs at once wait for each other instead of failing.

Location: ``--history PATH``, else ``$SUMMARIZE_HISTORY``, else ``history.sqlite`` in the
user data directory (platformdirs: ``~/.local/share/summarize`` on Linux).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from summarize.models import Brief, Window

SCHEMA_VERSION = 1
_TABLES = """
CREATE TABLE IF NOT EXISTS briefs (
    id INTEGER PRIMARY KEY,
    generated_at TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT NOT NULL,
    label TEXT NOT NULL,
    articles INTEGER NOT NULL,
    stories INTEGER NOT NULL,
    brief_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL, title TEXT, outlet TEXT, date TEXT, path TEXT
);
CREATE TABLE IF NOT EXISTS stories (
    brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    story_id TEXT NOT NULL, headline TEXT, article_ids TEXT
);
CREATE TABLE IF NOT EXISTS figures (
    brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    figure_id TEXT NOT NULL, story_id TEXT, value REAL, bound TEXT, unit TEXT, counts TEXT,
    source TEXT, quote TEXT, article_id TEXT
);
CREATE TABLE IF NOT EXISTS claims (
    brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
    claim_id TEXT NOT NULL, story_id TEXT, text TEXT, speaker TEXT, quote TEXT, article_id TEXT
);
CREATE INDEX IF NOT EXISTS briefs_until ON briefs(until);
"""


class HistoryError(Exception):
    """The history (or a brief file) cannot be read or written; the message names the file."""


def default_path(env: Mapping[str, str]) -> Path:
    if env.get("SUMMARIZE_HISTORY"):
        return Path(env["SUMMARIZE_HISTORY"])
    from platformdirs import user_data_path

    return user_data_path("summarize") / "history.sqlite"


@contextmanager
def _connect(path: Path, create: bool) -> Iterator[sqlite3.Connection]:
    if path.is_dir():
        raise HistoryError(f"history {path} is a folder, not a file")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=10)
    except (OSError, sqlite3.Error) as err:
        raise HistoryError(f"history {path} cannot be opened: {err}") from err
    try:
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(f"history {path} was written by a newer summarize (schema {version})")
        if create:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_TABLES)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        yield db
        db.commit()
    except sqlite3.Error as err:
        db.rollback()
        trouble = "cannot be written" if create else "is not a readable summarize history"  # a full disk is not a broken file
        raise HistoryError(f"history {path} {trouble}: {err}") from err
    finally:
        db.close()


def save(path: Path, brief: Brief) -> int:
    """Store a brief over a window (replacing an earlier brief over the same window); its row id."""
    if brief.window is None:
        raise HistoryError("only a brief over a window (--week, --since/--until) is saved")
    w = brief.window
    story_of = {a: s.id for s in brief.stories for a in s.article_ids}
    with _connect(path, create=True) as db:
        db.execute("DELETE FROM briefs WHERE since = ? AND until = ?", (w.since.isoformat(), w.until.isoformat()))
        row = db.execute(
            "INSERT INTO briefs (generated_at, since, until, label, articles, stories, brief_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                brief.generated_at,
                w.since.isoformat(),
                w.until.isoformat(),
                w.label,
                len(brief.articles),
                len(brief.stories),
                brief.model_dump_json(),
            ),
        ).lastrowid
        db.executemany(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)",
            [(row, a.id, a.title, a.outlet, a.date.isoformat() if a.date else None, a.path) for a in brief.articles],
        )
        db.executemany(
            "INSERT INTO stories VALUES (?, ?, ?, ?)",
            [(row, s.id, s.headline, json.dumps(s.article_ids)) for s in brief.stories],
        )
        db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (row, f.id, story_of.get(f.evidence.article_id), f.value, f.bound, f.unit, f.counts, f.source, f.evidence.quote, f.evidence.article_id)
                for f in brief.figures
            ],
        )
        db.executemany(
            "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(row, c.id, story_of.get(c.evidence.article_id), c.text, c.speaker, c.evidence.quote, c.evidence.article_id) for c in brief.claims],
        )
    return int(row or 0)


def _brief(text: str, where: str) -> Brief:
    try:
        return Brief.model_validate_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        at = ".".join(str(p) for p in first["loc"]) or "top level"
        raise HistoryError(f"{where} is not a brief this version of summarize can read ({at}: {first['msg']})") from err


def latest_before(path: Path, window: Window) -> tuple[str, Brief] | None:
    """The latest saved brief whose window ends before ``window`` starts, with a label."""
    if not path.exists():
        return None
    with _connect(path, create=False) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'briefs'").fetchone():
            return None
        row = db.execute(
            "SELECT label, generated_at, brief_json FROM briefs WHERE until < ? ORDER BY until DESC, id DESC LIMIT 1",
            (window.since.isoformat(),),
        ).fetchone()
    if row is None:
        return None
    label, generated_at, text = row
    return f"the brief of {label} (saved {generated_at})", _brief(text, f"the brief of {label} in history {path}")


@dataclass(frozen=True)
class Saved:
    id: int
    label: str
    since: str
    until: str
    generated_at: str
    articles: int
    stories: int


def list_briefs(path: Path) -> list[Saved]:
    if not path.exists():
        return []
    with _connect(path, create=False) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'briefs'").fetchone():
            return []
        rows = db.execute(
            "SELECT id, label, since, until, generated_at, articles, stories FROM briefs ORDER BY until, id"
        ).fetchall()
    return [Saved(*row) for row in rows]


def read_brief_file(path: Path) -> Brief:
    """A brief written with ``--format json``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise HistoryError(f"--compare-to {path} cannot be read: {err}") from err
    return _brief(text, f"--compare-to {path}")
