"""Where the files that ship with the package live.

A wheel carries ``prompts/``, ``templates/``, ``schemas/`` and ``cassettes/`` under ``summarize/_data``;
a source checkout (editable install, tests) uses the folders at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name
