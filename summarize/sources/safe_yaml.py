"""YAML from an article file, read so that no file can cost more than its own size.

Front matter is a handful of ``key: value`` lines, so this reader refuses what no
article needs and what makes a small file expensive: anchors and aliases (an alias chain
of 550 bytes expands to gigabytes once its value is turned into text), nesting deeper
than :data:`MAX_DEPTH` (500 nested ``[`` end in a ``RecursionError``), and a block over
:data:`MAX_BYTES`.  Every refusal is an :class:`UnsafeYaml` whose message says why (a predicate: "uses a YAML alias …"), for the caller to
report by the file's name.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

MAX_DEPTH = 16
"""Nesting levels allowed (front matter needs two: a list of authors under a key)."""
MAX_BYTES = 64 * 1024


class UnsafeYaml(ValueError):
    """YAML that is refused (why is the message) or cannot be parsed; ``line`` counts from
    the block's first line (1), when known."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.line = line


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors, aliases and deep nesting while composing
    (before any value is built)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):  # PyYAML's hook for every node of the document
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise UnsafeYaml(f"uses a YAML alias (*{event.anchor}), which is not read")
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise UnsafeYaml(f"uses a YAML anchor (&{event.anchor}), which is not read")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise UnsafeYaml(f"nests deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str) -> Any:
    """The value of one YAML document, or :class:`UnsafeYaml` naming what is wrong."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise UnsafeYaml(f"is over {MAX_BYTES // 1024} KiB")
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        raise UnsafeYaml("is not valid YAML", where.line + 1 if where is not None else None) from err
    except RecursionError as err:  # a bound above should make this unreachable; a file never ends the run
        raise UnsafeYaml("nests too deeply to read") from err
    finally:
        loader.dispose()
