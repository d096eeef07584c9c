"""The effective configuration: defaults, then the TOML file, then `KIOSK_*` variables, then the command line.

Every value remembers where it came from, because the first question on a support call is "why is it
using that?". A file with an unknown key or a value of the wrong type stops the start with a message
that names the key and the file.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.errors import ConfigError
from kiosk.settings import APP, BY_NAME, SETTINGS, Setting

CONFIG_ENV = "KIOSK_CONFIG"


@dataclass(frozen=True)
class Value:
    value: Any
    source: str


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "kiosk.toml"


class Config:
    """Read-only view of the settings with their sources."""

    def __init__(self, values: Mapping[str, Value], file: Path | None) -> None:
        self._values = dict(values)
        self.file = file

    def __getitem__(self, name: str) -> Any:
        return self._values[name].value

    def source(self, name: str) -> str:
        return self._values[name].source

    @property
    def data_dir(self) -> Path:
        return Path(self["data_dir"])

    @property
    def language(self) -> str:
        return str(self["language"])

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"value": _jsonable(v.value), "source": v.source}
            for name, v in sorted(self._values.items())
        }


def _jsonable(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def coerce(setting: Setting, raw: Any, where: str) -> Any:
    """Turn a raw value (from TOML or a string from the environment) into the setting's type."""
    kind = setting.kind
    from_text = isinstance(raw, str)
    try:
        if kind in ("str", "choice"):
            if not isinstance(raw, str):
                raise TypeError
            if kind == "choice" and raw not in setting.choices:
                raise ConfigError(
                    "config.bad_choice",
                    key=setting.name,
                    where=where,
                    value=raw,
                    choices=", ".join(setting.choices),
                )
            return raw
        if kind == "path":
            if not isinstance(raw, str | Path):
                raise TypeError
            return Path(os.path.expanduser(str(raw))) if str(raw) else ""
        if kind == "bool":
            if from_text:
                lowered = raw.strip().lower()
                if lowered in ("1", "true", "yes", "on"):
                    return True
                if lowered in ("0", "false", "no", "off"):
                    return False
                raise TypeError
            if not isinstance(raw, bool):
                raise TypeError
            return raw
        if kind == "int":
            if isinstance(raw, bool):
                raise TypeError
            return _in_range(setting, int(raw) if from_text or isinstance(raw, int) else _fail(), where)
        if kind == "float":
            if isinstance(raw, bool):
                raise TypeError
            number = float(raw) if from_text or isinstance(raw, int | float) else _fail()
            return _in_range(setting, number, where)
        if kind == "list":
            items = [s.strip() for s in raw.split(",") if s.strip()] if from_text else raw
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise TypeError
            return items
        if kind == "table":
            table = dict(_parse_pairs(raw)) if from_text else raw
            if not isinstance(table, dict):
                raise TypeError
            return {str(k): int(v) for k, v in table.items()}
    except (TypeError, ValueError):
        raise ConfigError(
            "config.bad_type", key=setting.name, where=where, expected=kind, value=repr(raw)
        ) from None
    raise AssertionError(kind)


def _fail() -> Any:
    raise TypeError


def _in_range(setting: Setting, number: float, where: str) -> Any:
    """A number within the setting's bounds; NaN and infinities never are."""
    low, high = setting.minimum, setting.maximum
    if (
        not math.isfinite(number)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        raise ConfigError(
            "config.out_of_range",
            key=setting.name,
            where=where,
            value=repr(number),
            minimum="-" if low is None else low,
            maximum="-" if high is None else high,
        )
    return number


def ensure_data_dir(path: Path) -> Path:
    """The station's data folder, made (owner-only) if absent; a file there, or a place where no
    folder can be made, is one clear error instead of a traceback."""
    from kiosk.private import private_dir

    try:
        return private_dir(Path(path))
    except OSError as exc:
        raise ConfigError(
            "config.data_dir_unusable", path=str(path), reason=exc.strerror or str(exc)
        ) from None


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(part)
        pairs.append((key.strip(), value.strip()))
    return pairs


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name not in BY_NAME:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError("config.unreadable", where=str(path), reason=exc.strerror or str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.bad_toml", where=str(path), reason=str(exc)) from None
    except UnicodeDecodeError:  # a binary file: TOML is UTF-8 text
        raise ConfigError("config.bad_toml", where=str(path), reason="not UTF-8 text") from None
    flat = _flatten(data)
    for name in flat:
        if name not in BY_NAME:
            raise ConfigError("config.unknown_key", key=name, where=str(path))
    return flat


def load(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Build the effective configuration. `overrides` are command-line values (None means not given)."""
    environ = os.environ if environ is None else environ
    explicit = config_file or (Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None)
    if explicit is not None and not explicit.is_file():
        raise ConfigError("config.missing_file", where=str(explicit))
    path = explicit or default_config_file()
    from_file = read_file(path) if path.is_file() else {}
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        value = Value(setting.default_value(), "default")
        if setting.name in from_file:
            value = Value(coerce(setting, from_file[setting.name], str(path)), f"file:{path}")
        if setting.env_var in environ:
            value = Value(
                coerce(setting, environ[setting.env_var], setting.env_var), f"env:{setting.env_var}"
            )
        given = (overrides or {}).get(setting.name)
        if given is not None:
            value = Value(coerce(setting, given, "command line"), "command line")
        values[setting.name] = value
    return Config(values, path if path.is_file() else None)
