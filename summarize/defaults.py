"""The defaults a command line shows in its help, in a module that imports nothing, so
that ``summarize --help`` does not load the modules that use them (the model client, the
renderers).  Each is also importable from the module it belongs to."""

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 120.0
DEFAULT_TRANSPORT_RETRIES = 4
DEFAULT_MAX_RETRIES = 2
"""Reasks after an answer fails validation."""
DEFAULT_MAX_OUTPUT_TOKENS = 8_192
"""Cap on one answer: within the output limit of current hosted models; see README for local ones."""
DEFAULT_CHUNK_CHARS = 24_000
"""About 6,000 tokens of English: fits every chat model's context with room for the answer."""
MIN_CHUNK_CHARS = 1_000
DEFAULT_CONCURRENCY = 8
DEFAULT_TOP = 10
"""Stories that get a section of their own above the appendix (``--top``)."""
