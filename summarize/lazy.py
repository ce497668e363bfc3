"""Heavy libraries imported on first use, so that a command that never needs them
(``summarize --help``, ``summarize history``, a dry run) does not pay for them.

``openai = lazy.Module("openai")`` reads like the module, but the import happens at the
first attribute looked up on it (``openai.OpenAI``, ``openai.APIError`` in an ``except``
clause); until then ``openai`` is not in ``sys.modules``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Module:
    """A module imported when one of its attributes is first asked for."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def load(self) -> ModuleType:
        return importlib.import_module(self._name)  # after the first call: a look-up in sys.modules

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.load(), attribute)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"
