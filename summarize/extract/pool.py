"""Extracting several articles, and the parts of a long article, at once
(``--concurrency``), with output that does not depend on the order the answers arrive in.

Threads, not asyncio: the ``openai`` client behind instructor is synchronous, and a
request spends its time waiting on the network, which a thread does without holding the
interpreter.  Results are kept by index and read back in that order; what the workers
share (the stop below, the progress callbacks, the token budget, the answer cache, the
client's pause after a 429) is guarded by locks.

Articles and parts only make work; how many requests are in flight is decided in one
place, the client's request slots (:class:`summarize.extract.llm.ModelClient`): at most
``--concurrency`` whatever mix of articles and parts is waiting.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import fields, replace
from typing import Any, TypeVar

from summarize.defaults import DEFAULT_CONCURRENCY
from summarize.extract.llm import KeyRefused

T = TypeVar("T")
I = TypeVar("I")

UNREACHABLE_AFTER = 3
"""Articles in a row whose requests could not connect (after their transport retries)
before the run stops sending: the rest are listed as not processed."""


def each(work: Callable[[int, I], T], items: Sequence[I], workers: int, first_alone: bool = False) -> list[T]:
    """``work(index, item)`` for each item (index from 1), at most ``workers`` at once;
    the results in the items' order.  ``first_alone``: the first item runs before any other
    starts (an endpoint not yet known to answer is tried once, not ``workers`` times).  An
    exception stops the items not yet started and is raised once the running ones are over
    (the first in the items' order wins)."""
    if workers <= 1 or len(items) <= 1:
        return [work(i, item) for i, item in enumerate(items, 1)]
    head: list[T] = []
    if first_alone:
        head = [work(1, items[0])]
    start = len(head)
    with _quick_handoff(), ThreadPoolExecutor(max_workers=min(workers, len(items) - start), thread_name_prefix="summarize") as pool:
        futures = [pool.submit(work, i, item) for i, item in enumerate(items[start:], start + 1)]
        try:
            return head + [f.result() for f in futures]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the interpreter while another waits for it, while workers run
(Python's default is 0.005).  A worker whose answer has arrived, or whose slot has come
free, waits for the interpreter at each step of the HTTP exchange while the others check
answers; at the default that wait, five milliseconds a step, kept slots idle."""

_handoffs = 0
_handoff_lock = threading.Lock()
_saved_interval = 0.0


@contextmanager
def _quick_handoff() -> Iterator[None]:
    """The interpreter's switch interval at :data:`SWITCH_INTERVAL` while any pool runs,
    restored when the last one is over (pools nest: an article's parts run inside)."""
    global _handoffs, _saved_interval
    with _handoff_lock:
        if _handoffs == 0:
            _saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved_interval, SWITCH_INTERVAL))
        _handoffs += 1
    try:
        yield
    finally:
        with _handoff_lock:
            _handoffs -= 1
            if _handoffs == 0:
                sys.setswitchinterval(_saved_interval)


class Stop:
    """Why no further article is started (a refused key, an unreachable endpoint), as the
    workers find out; articles already running finish."""

    def __init__(self, unreachable_after: int = UNREACHABLE_AFTER):
        self._lock = threading.Lock()
        self._after = unreachable_after
        self._in_a_row = 0
        self.refused: str | None = None
        """Listed after "not processed: " for each article not started."""
        self.halted: str | None = None
        """Why the link and summary requests are not sent either."""
        self.abandoned = False
        """The endpoint never answered: the run stops with no brief, nothing more starts."""

    def halt(self, refused: str, halted: str) -> None:
        with self._lock:
            if self.refused is None:
                self.refused, self.halted = refused, halted

    def succeeded(self) -> None:
        with self._lock:
            self._in_a_row = 0

    def failed(self, err: Exception, article: Any, reason: str) -> None:
        with self._lock:
            self._in_a_row = self._in_a_row + 1 if getattr(err, "unreachable", False) else 0
            in_a_row = self._in_a_row
        if isinstance(err, KeyRefused):
            self.halt(f"the run stopped after {article.path}: {reason}", "the endpoint refused the API key")
        elif in_a_row >= self._after:
            self.halt(
                f"endpoint unreachable ({self._after} articles in a row could not connect; the last: {reason})",
                "the endpoint is unreachable",
            )


def serialised(callbacks: T) -> T:
    """A copy of a dataclass of callbacks whose calls, from any worker, run one at a time."""
    lock = threading.RLock()

    def locked(call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return call(*args, **kwargs)

        return run

    wrapped = {f.name: locked(getattr(callbacks, f.name)) for f in fields(callbacks) if callable(getattr(callbacks, f.name))}  # type: ignore[arg-type]
    return replace(callbacks, **wrapped)  # type: ignore[type-var]


class FirstContact:
    """Until the endpoint has answered a request with success, one article at a time tries
    it: nothing listening there, or a refused key, is found out by one article, and the
    others are never started.  Before that, the first article to need the endpoint asks it
    to list its models (``probe``, once): an endpoint that does is known to answer, and
    every worker starts at once instead of waiting for that article's first answer."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._trying = False
        self._probed = False

    @contextmanager
    def turn(self, answered: threading.Event, probe: Callable[[], object] | None = None) -> Iterator[None]:
        with self._turn:
            if probe is not None and not self._probed and not answered.is_set():
                self._probed = True
                probe()  # the others wait for it here: at most a few seconds, once
            while self._trying and not answered.is_set():
                self._turn.wait(0.05)
            trying = self._trying = not answered.is_set()
        try:
            yield
        finally:
            if trying:
                with self._turn:
                    self._trying = False
                    self._turn.notify_all()
