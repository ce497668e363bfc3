"""Stages after extraction fail alone.

Every model answer of a run is paid for before the merge, the stories, the links, the
comparison with earlier weeks and the rendering run.  A bug in one of those must cost
that stage only: :meth:`Guard.run` calls a stage and, on any unexpected exception, records
what is missing and why (in the brief, as a notice) and returns the stage's fallback, so
the brief is still written with everything else.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from summarize import redact
from summarize.models import StageProblem

T = TypeVar("T")

log = logging.getLogger(__name__)


class Guard:
    def __init__(self, on_problem: Callable[[str], None] | None = None, raising: bool = False):
        """``raising``: re-raise instead (for callers that want a bug to surface, the tests)."""
        self.problems: list[StageProblem] = []
        self.raising = raising
        self._on_problem = on_problem
        self._lock = threading.Lock()

    def run(self, stage: str, missing: str, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        """``call()``, or ``fallback()`` after recording that ``missing`` is missing because
        ``stage`` failed.  Interrupts (Ctrl-C, SystemExit) are not caught."""
        try:
            return call()
        except Exception as err:  # noqa: BLE001 - any bug in a stage costs that stage only
            if self.raising:
                raise
            self.record(stage, missing, err)
            return fallback()

    def record(self, stage: str, missing: str, err: BaseException) -> None:
        """Say that ``missing`` is missing because ``stage`` raised ``err``."""
        log.debug("stage %s failed", stage, exc_info=err)
        reason = redact.text(f"internal error in {stage}: {type(err).__name__}: {err}")[:500]
        with self._lock:
            self.problems.append(StageProblem(stage=stage, missing=missing, reason=reason))
        if self._on_problem:
            self._on_problem(f"{missing} missing: {reason}")
