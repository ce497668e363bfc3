"""The user's defaults for the model, kept in a small TOML file.

``$SUMMARIZE_CONFIG`` names the file, else ``config.toml`` in the user config folder
(platformdirs: ``~/.config/summarize/config.toml`` on Linux).  It may hold::

    model = "llama3.1"
    base_url = "http://localhost:11434/v1"

A flag wins over the environment (``$SUMMARIZE_MODEL``, ``$OPENAI_BASE_URL``), which wins
over this file, which wins over the built-in default.  No key is read from it: keys stay in
the environment (``OPENAI_API_KEY``).  A missing file is no error; a file that cannot be
read, is not TOML, or holds another key or a value of another type stops the run with a
message naming the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

KEYS = {"model": "the model's name at the endpoint", "base_url": "the OpenAI-compatible endpoint's URL"}


class ConfigFileError(Exception):
    """The config file cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Config:
    model: str | None = None
    base_url: str | None = None
    path: Path | None = None
    """The file these came from (None: no file)."""


def path(env: Mapping[str, str]) -> Path:
    if env.get("SUMMARIZE_CONFIG"):
        return Path(env["SUMMARIZE_CONFIG"])
    from platformdirs import user_config_path

    return user_config_path("summarize") / "config.toml"


def load(env: Mapping[str, str]) -> Config:
    """The defaults the config file sets (none when there is no file)."""
    import tomllib

    where = path(env)
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as err:
        raise ConfigFileError(f"the config file {where} cannot be read: {err.strerror or err}") from err
    try:
        found = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigFileError(f"the config file {where} is not valid TOML: {err}") from err
    unknown = sorted(set(found) - set(KEYS))
    if unknown:
        known = "; ".join(f"{k}: {what}" for k, what in KEYS.items())
        raise ConfigFileError(f"the config file {where} has unknown key(s) {', '.join(unknown)} (it may set {known})")
    for key, value in found.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigFileError(f"the config file {where}: {key} must be a non-empty string in quotes, not {value!r}")
    return Config(model=found.get("model"), base_url=found.get("base_url"), path=where)
