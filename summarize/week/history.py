"""Earlier briefs, kept in one SQLite file so the next brief can say what changed.

Each brief over a window is saved whole (its JSON) with tables of its articles, stories,
figures and claims for querying (``sqlite3 history.sqlite 'select * from figures'``).

A brief belongs to a *desk*: the folder it was made from, or the name given with
``--desk``.  It is compared only with earlier briefs of its own desk, and a rerun over the
same window of the same desk replaces that brief.  Reading the earlier brief, comparing
and saving happen in one write transaction (:func:`session`, ``BEGIN IMMEDIATE`` with a
busy timeout): two runs on one history take turns, so the later window is compared with
the earlier one whichever started first.

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

SCHEMA_VERSION = 2
BUSY_TIMEOUT = 600.0
"""Seconds a run waits for another run's turn on the history (its comparison may ask the model)."""
UNKNOWN_DESK = ""
"""The desk of a brief saved before desks were kept: compared with no other brief."""

_TABLES = """
CREATE TABLE IF NOT EXISTS briefs (
    id INTEGER PRIMARY KEY,
    generated_at TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT NOT NULL,
    label TEXT NOT NULL,
    articles INTEGER NOT NULL,
    stories INTEGER NOT NULL,
    brief_json TEXT NOT NULL,
    desk TEXT NOT NULL DEFAULT ''
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


def desk_of(folder: Path, desk: str | None = None) -> str:
    """The desk a brief belongs to: ``desk NAME`` when one is named, else its folder (resolved)."""
    name = " ".join((desk or "").split())
    return f"desk {name}" if name else str(folder.resolve())


@contextmanager
def _connect(path: Path, create: bool, timeout: float = 10) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (each caller opens its own transaction)."""
    if path.is_dir():
        raise HistoryError(f"history {path} is a folder, not a file")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as err:
        raise HistoryError(f"history {path} cannot be opened: {err}") from err
    try:
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(f"history {path} was written by a newer summarize (schema {version})")
        if create:
            db.execute("PRAGMA journal_mode = WAL")
        yield db
    except sqlite3.Error as err:
        if db.in_transaction:
            db.rollback()
        trouble = "cannot be written" if create else "is not a readable summarize history"  # a full disk is not a broken file
        raise HistoryError(f"history {path} {trouble}: {err}") from err
    finally:
        db.close()


def _upgrade(db: sqlite3.Connection) -> None:
    """Create the tables, or bring a history of schema 1 to 2 (inside the caller's transaction)."""
    for statement in _TABLES.split(";"):
        if statement.strip():
            db.execute(statement)
    columns = {row[1] for row in db.execute("PRAGMA table_info(briefs)")}
    if "desk" not in columns:
        db.execute("ALTER TABLE briefs ADD COLUMN desk TEXT NOT NULL DEFAULT ''")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@dataclass(frozen=True)
class Saved:
    id: int
    label: str
    since: str
    until: str
    generated_at: str
    articles: int
    stories: int
    desk: str = UNKNOWN_DESK


_SAVED = "SELECT id, label, since, until, generated_at, articles, stories, desk FROM briefs"


@dataclass(frozen=True)
class Stored:
    """What saving a brief did: the brief it replaced (same window and desk), and later
    briefs of the desk that were compared before this one existed."""

    id: int
    replaced: Saved | None
    later: list[Saved]


def _brief(text: str, where: str) -> Brief:
    try:
        return Brief.model_validate_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        at = ".".join(str(p) for p in first["loc"]) or "top level"
        raise HistoryError(f"{where} is not a brief this version of summarize can read ({at}: {first['msg']})") from err


class Session:
    """One turn on the history: read the earlier brief, then save this one, in one write
    transaction (made by :func:`session`)."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self._db = db
        self.path = path

    def latest_before(self, window: Window, desk: str) -> tuple[str, Brief] | None:
        """The latest brief of ``desk`` whose window ends before ``window`` starts, with a label."""
        row = self._db.execute(
            "SELECT label, generated_at, brief_json FROM briefs WHERE until < ? AND desk = ? ORDER BY until DESC, id DESC LIMIT 1",
            (window.since.isoformat(), desk),
        ).fetchone()
        if row is None:
            return None
        label, generated_at, text = row
        return f"the brief of {label} (saved {generated_at})", _brief(text, f"the brief of {label} in history {self.path}")

    def chain_before(self, window: Window, desk: str, most: int) -> list[Brief]:
        """The latest ``most`` briefs of ``desk`` whose windows end before ``window`` starts, oldest first."""
        rows = self._db.execute(
            "SELECT label, brief_json FROM briefs WHERE until < ? AND desk = ? ORDER BY until DESC, id DESC LIMIT ?",
            (window.since.isoformat(), desk, most),
        ).fetchall()
        return [_brief(text, f"the brief of {label} in history {self.path}") for label, text in reversed(rows)]

    def briefs(self) -> list[Saved]:
        return [Saved(*row) for row in self._db.execute(f"{_SAVED} ORDER BY until, id").fetchall()]

    def save(self, brief: Brief, desk: str) -> Stored:
        """Store a brief over a window, replacing the brief of ``desk`` over the same window."""
        if brief.window is None:
            raise HistoryError("only a brief over a window (--week, --since/--until) is saved")
        w = brief.window
        db = self._db
        same = (w.since.isoformat(), w.until.isoformat(), desk)
        old = db.execute(f"{_SAVED} WHERE since = ? AND until = ? AND desk = ?", same).fetchone()
        db.execute("DELETE FROM briefs WHERE since = ? AND until = ? AND desk = ?", same)
        later = [Saved(*r) for r in db.execute(f"{_SAVED} WHERE since > ? AND desk = ? ORDER BY until, id", (w.until.isoformat(), desk))]
        story_of = {a: s.id for s in brief.stories for a in s.article_ids}
        row = db.execute(
            "INSERT INTO briefs (generated_at, since, until, label, articles, stories, brief_json, desk) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (brief.generated_at, *same[:2], w.label, len(brief.articles), len(brief.stories), brief.model_dump_json(), desk),
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
        return Stored(int(row or 0), Saved(*old) if old else None, later)


@contextmanager
def session(path: Path, timeout: float = BUSY_TIMEOUT) -> Iterator[Session]:
    """A write transaction on the history (created when missing): another run's session
    waits up to ``timeout`` seconds for this one to end.  Committed when the block ends,
    rolled back when it raises."""
    with _connect(path, create=True, timeout=timeout) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            _upgrade(db)
            yield Session(db, path)
        except BaseException:
            db.rollback()
            raise
        db.commit()


def save(path: Path, brief: Brief, desk: str = UNKNOWN_DESK) -> int:
    """Store a brief over a window in its own transaction; its row id."""
    with session(path) as s:
        return s.save(brief, desk).id


def latest_before(path: Path, window: Window, desk: str = UNKNOWN_DESK) -> tuple[str, Brief] | None:
    """The latest saved brief of ``desk`` whose window ends before ``window`` starts (read only)."""
    with _reading(path) as db:
        return Session(db, path).latest_before(window, desk) if db else None


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only look (None when there is no history yet); a schema-1 history reads as one with no desks."""
    if not path.exists():
        yield None
        return
    with _connect(path, create=False) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'briefs'").fetchone():
            yield None
            return
        columns = {row[1] for row in db.execute("PRAGMA table_info(briefs)")}
        if "desk" not in columns:
            db.execute("CREATE TEMP VIEW IF NOT EXISTS briefs AS SELECT *, '' AS desk FROM main.briefs")
        yield db


def desk_chain(path: Path, desk: str) -> list[Brief]:
    """Every brief of ``desk``, oldest window first (read only)."""
    with _reading(path) as db:
        if db is None:
            return []
        rows = db.execute("SELECT label, brief_json FROM briefs WHERE desk = ? ORDER BY until, id", (desk,)).fetchall()
    return [_brief(text, f"the brief of {label} in history {path}") for label, text in rows]


def check(path: Path) -> list[Saved] | None:
    """Before a run: the briefs saved in the history, or None when the file does not exist
    yet; raises :class:`HistoryError` when it cannot be read."""
    if not path.exists():
        if path.is_symlink():
            raise HistoryError(f"history {path} is a broken link")
        return None
    with _reading(path) as db:
        return Session(db, path).briefs() if db else []


def list_briefs(path: Path) -> list[Saved]:
    return check(path) or []


def read_brief_file(path: Path) -> Brief:
    """A brief written with ``--format json``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise HistoryError(f"--compare-to {path} cannot be read: {err}") from err
    return _brief(text, f"--compare-to {path}")
