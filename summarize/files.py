"""Writing files so that a crash never leaves half of one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if shared:
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
