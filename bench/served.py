"""The reference server (tests/reference_server.py) in a process of its own, as a real
endpoint is: its work does not share the measured process's interpreter."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served(latency: float, *flags: str) -> Iterator[str]:
    """The server answering every chat request after ``latency`` seconds, started with the
    extra command-line ``flags`` (``--annotations DIR``, ``--by-rule``); yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "reference_server.py"), "--port", "0", "--latency", str(latency), *flags],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        found = re.search(r" at (http://\S+) ", line)
        if not found:
            raise SystemExit(f"the reference server did not start: {line!r}")
        yield found.group(1)
    finally:
        server.terminate()
        server.wait(timeout=10)
