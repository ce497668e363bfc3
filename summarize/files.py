"""Writing files so that a crash never leaves half of one behind, and cleaning up after
one that was killed.

A file is written to a temporary file beside it, named ``.<name>.<pid>.<random>.tmp``
(:func:`temporary_beside`) or ``.<name>.<pid>.tmp`` (:func:`temporary_path`, for a writer
that opens the path itself), then moved into place.  A run killed mid-write leaves that
temporary file behind; :func:`clean_orphans` removes such files from a folder the next run
uses, once no running process can still be writing them.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ORPHAN_AGE = 3600.0
"""Seconds after which a temporary file is an orphan whatever its pid says (a pid of another
machine sharing the folder, or reused since)."""
_TEMPORARY = re.compile(r"^\.(?P<of>.+?)\.(?:(?P<pid>\d+)|(?P<pid_of_random>\d+)\.[a-z0-9_]{8}|[a-z0-9_]{8})\.tmp$")
"""Our temporary names: with a pid, with a pid and mkstemp's random part, or (written by
versions before the pid was in the name) with the random part alone."""


def cache_dir(env: Mapping[str, str]) -> Path:
    """The user's cache folder for summarize: ``$SUMMARIZE_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/summarize``, else ``~/.cache/summarize``."""
    if env.get("SUMMARIZE_CACHE_DIR"):
        return Path(env["SUMMARIZE_CACHE_DIR"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "summarize"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str, shared: bool = False) -> None:
    """Write ``text`` to a temporary file beside ``path``, then move it into place.

    The temporary file is private (0600); ``shared`` gives the result the mode any new
    file gets (0666 less the umask: 0644 usually), for output meant to be read by others.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temporary_beside(path)
    try:
        if shared:
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new private temporary file in ``path``'s folder, named after it and this process:
    (open descriptor, path)."""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")


def temporary_path(path: Path) -> Path:
    """The temporary name of ``path`` for this process, for a writer that opens it itself."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def clean_orphans(folder: Path, now: float | None = None) -> int:
    """Remove from ``folder`` (not below it) the temporary files that writes like ours left
    when their process was killed: those of a process that is no longer running, and any
    older than :data:`ORPHAN_AGE`.  Returns how many were removed; a folder that cannot be
    read or a file that cannot be removed is left as it is."""
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        found = _TEMPORARY.match(entry.name)
        if found is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        pid = found.group("pid") or found.group("pid_of_random")
        if age > ORPHAN_AGE or (pid is not None and not _running(int(pid))):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed += 1
    return removed


def orphans_note(folder: Path) -> str | None:
    """:func:`clean_orphans`, said in a line when it removed any."""
    removed = clean_orphans(folder)
    return f"removed {removed} temporary file(s) that an interrupted run left in {folder}" if removed else None


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this run may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OverflowError:
        return False  # no process can have it
    except OSError:
        return True  # there, but another user's (PermissionError)
    return True


def unwritable(path: Path) -> str | None:
    """Why ``path`` cannot be written as a file, or None when it can (checked before any work)."""
    if path.is_dir():
        return f"{path} is a folder; name a file"
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path} is not writable"
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder, so {path} cannot be written"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in {folder}"
    if folder == path.parent:
        # Permissions can look right on a read-only file system: try it.
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as err:
            return f"cannot write in {folder}: {err.strerror}"
    return None


def write_fallback(text: str, like: Path) -> Path | None:
    """Write ``text`` to a new private file in the temporary folder, named after ``like``
    (for a brief whose ``--out`` could not be written); None when that fails too."""
    try:
        fd, name = tempfile.mkstemp(prefix=f"summarize-{like.stem}-", suffix=like.suffix or ".txt")
    except OSError:
        return None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        Path(name).unlink(missing_ok=True)
        return None
    return Path(name)
