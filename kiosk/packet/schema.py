"""A small JSON Schema (draft 2020-12) validator for the keywords our schemas use.

Why not `jsonschema`: it is not a runtime dependency and the manifest schema needs a dozen keywords.
Unknown keywords raise instead of being ignored, so a schema can never silently check less than it
says; tests validate the shipped schema with this code and check both accept the same documents.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from typing import Any

from kiosk.packet.ids import is_uuid7
from kiosk.resources import resource_path

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "default", "examples", "$comment"}
_TYPES: dict[str, Callable[[Any], bool]] = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    # JSON has no NaN or infinities (RFC 8259 section 6): Python's json reads and writes them unless
    # told not to, and the canonical manifest refuses to (allow_nan=False), so they are no number here.
    "number": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and math.isfinite(v))
    ),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _date_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Callable[[str], bool]] = {"date-time": _date_time, "uuid7": is_uuid7}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped in resources/schemas/ (e.g. `manifest-v1.json`)."""
    with resource_path("schemas", name).open("r", encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Every violation as `path: message`; empty when the instance is valid."""
    return list(_check(instance, schema, schema, "$"))


def _check(value: Any, schema: dict[str, Any] | bool, root: dict[str, Any], path: str) -> Iterator[str]:
    if schema is True:
        return
    if schema is False:
        yield f"{path}: not allowed"
        return
    for keyword, argument in schema.items():
        if keyword in ANNOTATIONS:
            continue
        checker = _KEYWORDS.get(keyword)
        if checker is None:
            raise ValueError(f"schema keyword {keyword!r} is not supported by kiosk.packet.schema")
        yield from checker(value, argument, schema, root, path)


def _type(value: Any, argument: Any, _s: Any, _r: Any, path: str) -> Iterator[str]:
    names = argument if isinstance(argument, list) else [argument]
    if not any(_TYPES[name](value) for name in names):
        yield f"{path}: expected {' or '.join(names)}, got {type(value).__name__}"


def _enum(value: Any, argument: list[Any], _s: Any, _r: Any, path: str) -> Iterator[str]:
    if not any(_same(value, option) for option in argument):
        yield f"{path}: {value!r} is not one of {argument}"


def _const(value: Any, argument: Any, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if not _same(value, argument):
        yield f"{path}: must be {argument!r}"


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def _properties(value: Any, argument: dict[str, Any], _s: Any, root: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for name, subschema in argument.items():
            if name in value:
                yield from _check(value[name], subschema, root, f"{path}.{name}")


def _additional(value: Any, argument: Any, schema: dict[str, Any], root: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for name in value:
            if name not in schema.get("properties", {}):
                if argument is False:
                    yield f"{path}: unexpected property {name!r}"
                else:
                    yield from _check(value[name], argument, root, f"{path}.{name}")


def _required(value: Any, argument: list[str], _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for name in argument:
            if name not in value:
                yield f"{path}: missing {name!r}"


def _property_names(value: Any, argument: Any, _s: Any, root: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for name in value:
            yield from _check(name, argument, root, f"{path}[{name!r}]")


def _items(value: Any, argument: Any, _s: Any, root: Any, path: str) -> Iterator[str]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _check(item, argument, root, f"{path}[{index}]")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# The bounds are plain functions called per check (not closures made once at import), so that each
# comparison is the code that runs when a document is validated.
def _minimum(value: Any, argument: Any, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if _is_number(value) and value < argument:
        yield f"{path}: less than {argument}"


def _maximum(value: Any, argument: Any, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if _is_number(value) and value > argument:
        yield f"{path}: more than {argument}"


def _min_length(value: Any, argument: int, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, str) and len(value) < argument:
        yield f"{path}: shorter than {argument}"


def _max_length(value: Any, argument: int, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, str) and len(value) > argument:
        yield f"{path}: longer than {argument}"


def _min_items(value: Any, argument: int, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, list) and len(value) < argument:
        yield f"{path}: fewer items than {argument}"


def _max_items(value: Any, argument: int, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, list) and len(value) > argument:
        yield f"{path}: more items than {argument}"


def _max_properties(value: Any, argument: int, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict) and len(value) > argument:
        yield f"{path}: more properties than {argument}"


def _pattern(value: Any, argument: str, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, str) and not re.search(argument, value):
        yield f"{path}: {value!r} does not match {argument}"


def _format(value: Any, argument: str, _s: Any, _r: Any, path: str) -> Iterator[str]:
    if isinstance(value, str) and not _FORMATS[argument](value):
        yield f"{path}: {value!r} is not a valid {argument}"


def _one_of(value: Any, argument: list[Any], _s: Any, root: Any, path: str) -> Iterator[str]:
    results = [list(_check(value, option, root, path)) for option in argument]
    matches = sum(1 for problems in results if not problems)
    if matches == 0:  # report the alternative that came closest: that is what the author meant
        yield from min(results, key=len)
    elif matches > 1:
        yield f"{path}: matches {matches} of the oneOf alternatives, not exactly one"


def _ref(value: Any, argument: str, _s: Any, root: dict[str, Any], path: str) -> Iterator[str]:
    if not argument.startswith("#/"):
        raise ValueError(f"only local $ref are supported, not {argument!r}")
    target: Any = root
    for part in argument[2:].split("/"):
        target = target[part]
    yield from _check(value, target, root, path)


_KEYWORDS: dict[str, Callable[..., Iterator[str]]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "propertyNames": _property_names,
    "items": _items,
    "pattern": _pattern,
    "format": _format,
    "oneOf": _one_of,
    "$ref": _ref,
    "minLength": _min_length,
    "maxLength": _max_length,
    "minimum": _minimum,
    "maximum": _maximum,
    "minItems": _min_items,
    "maxItems": _max_items,
    "maxProperties": _max_properties,
}
