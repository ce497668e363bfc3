"""Writes a run can do without: the answer cache and recordings.

A full or read-only disk under one of them costs that write, never the run: the first
failure of each kind is said once (``warn``, the run's notices), and later writes of that
kind are skipped, so the run goes on without caching (or recording) and says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


class OptionalWrites:
    def __init__(self, warn: Callable[[str], None] | None = None):
        self.warn = warn or (lambda message: None)
        self.given_up: dict[str, str] = {}
        """Each kind of write given up on, with what was said."""
        self._lock = threading.Lock()

    def skipped(self, kind: str) -> bool:
        """Writes of ``kind`` are given up on in this run."""
        return kind in self.given_up

    def failed(self, kind: str, where: Path, err: OSError, consequence: str) -> None:
        """A write of ``kind`` under ``where`` failed: say so the first time, give up on the rest."""
        with self._lock:
            if kind in self.given_up:
                return
            why = err.strerror or str(err) or type(err).__name__
            self.given_up[kind] = f"warning: the {kind} in {where} cannot be written ({why}); {consequence}"
            message = self.given_up[kind]
        self.warn(message)
