"""The small JSON Schema validator, keyword by keyword, against what JSON Schema 2020-12 says.

`resources/schemas/manifest-v1.json` is normative for every backend (docs/packet-format.md section
5) and most backends will check it with a full JSON Schema implementation; the station's own
validator must therefore accept and refuse exactly what the specification does for each keyword the
schema uses, bounds included, and say where (`$.path`) and what is wrong.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiosk.packet.schema import errors, load_schema
from kiosk.resources import resource_path


def test_true_accepts_anything_and_false_nothing() -> None:
    assert errors({"any": [1, None]}, True) == []  # type: ignore[arg-type]
    assert errors(None, False) == ["$: not allowed"]  # type: ignore[arg-type]
    assert errors(1, {"properties": {"a": False}}) == []
    assert errors({"a": 1}, {"properties": {"a": False}}) == ["$.a: not allowed"]


def test_annotations_are_not_checks() -> None:
    annotated = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "x",
        "title": "t",
        "description": "d",
        "$defs": {"x": {"type": "string"}},
        "default": 1,
        "examples": [1],
        "$comment": "c",
    }
    assert errors("anything", annotated) == []


def test_an_unknown_keyword_is_refused_not_ignored() -> None:
    """Ignoring it would make a schema silently check less than it says."""
    for keyword in ("minProperties", "patternProperties", "anyOf", "uniqueItems"):
        with pytest.raises(ValueError, match=keyword):
            errors({}, {keyword: 1})


@pytest.mark.parametrize(
    ("value", "name", "ok"),
    [
        (None, "null", True),
        (0, "null", False),
        (False, "boolean", True),
        (0, "boolean", False),
        (3, "integer", True),
        (3.0, "integer", True),  # 2020-12: a number with a zero fractional part is an integer
        (3.5, "integer", False),
        (True, "integer", False),
        (3, "number", True),
        (3.5, "number", True),
        (False, "number", False),
        ("3", "number", False),
        ("", "string", True),
        (b"x", "string", False),
        ([], "array", True),
        ((), "array", False),
        ({}, "object", True),
        ([], "object", False),
    ],
)
def test_each_json_type(value: Any, name: str, ok: bool) -> None:
    found = errors(value, {"type": name})
    assert found == ([] if ok else [f"$: expected {name}, got {type(value).__name__}"])


def test_a_list_of_types_accepts_any_of_them() -> None:
    schema = {"type": ["string", "null"]}
    assert errors(None, schema) == [] and errors("x", schema) == []
    assert errors(1, schema) == ["$: expected string or null, got int"]


def test_enum_and_const_compare_json_values() -> None:
    """JSON has one number type (1 equals 1.0) but true is not 1."""
    assert errors(1.0, {"enum": [1, "a"]}) == [] and errors("a", {"enum": [1, "a"]}) == []
    assert errors(True, {"enum": [1]}) == ["$: True is not one of [1]"]
    assert errors(1, {"enum": [True]}) == ["$: 1 is not one of [True]"]
    assert errors(False, {"enum": [False, None]}) == []
    assert errors(1, {"const": 1.0}) == [] and errors(True, {"const": True}) == []
    assert errors(0, {"const": False}) == ["$: must be False"]
    assert errors("b", {"const": "a"}) == ["$: must be 'a'"]


def test_properties_check_only_what_is_there_and_name_the_path() -> None:
    schema = {"properties": {"a": {"type": "string"}, "b": {"properties": {"c": {"type": "integer"}}}}}
    assert errors({}, schema) == []
    assert errors({"a": 1, "b": {"c": "x"}}, schema) == [
        "$.a: expected string, got int",
        "$.b.c: expected integer, got str",
    ]
    assert errors("not an object", schema) == []  # `type` says what it must be, not `properties`


def test_additional_properties_false_or_a_schema() -> None:
    closed = {"properties": {"a": {}}, "additionalProperties": False}
    assert errors({"a": 1}, closed) == []
    assert errors({"a": 1, "b": 2, "c": 3}, closed) == [
        "$: unexpected property 'b'",
        "$: unexpected property 'c'",
    ]
    typed = {"properties": {"a": {}}, "additionalProperties": {"type": "number"}}
    assert errors({"a": "x", "b": 2}, typed) == []
    assert errors({"a": "x", "b": "2"}, typed) == ["$.b: expected number, got str"]
    assert errors({"b": "2"}, {"additionalProperties": {"type": "number"}}) == [
        "$.b: expected number, got str"
    ]
    assert errors(["b"], closed) == []


def test_required_names_each_missing_property() -> None:
    schema = {"required": ["a", "b", "c"]}
    assert errors({"a": None, "b": 0, "c": ""}, schema) == []
    assert errors({"b": 1}, schema) == ["$: missing 'a'", "$: missing 'c'"]
    assert errors([], schema) == []


def test_property_names_check_every_name() -> None:
    schema = {"propertyNames": {"pattern": "^[a-z]+$"}}
    assert errors({"ok": 1, "fine": 2}, schema) == []
    assert errors({"ok": 1, "Bad": 2}, schema) == ["$['Bad']: 'Bad' does not match ^[a-z]+$"]
    assert errors("Bad", schema) == []


def test_items_check_every_item_with_its_index() -> None:
    schema = {"items": {"type": "integer"}}
    assert errors([1, 2], schema) == [] and errors("12", schema) == []
    assert errors([1, "2", 3, None], schema) == [
        "$[1]: expected integer, got str",
        "$[3]: expected integer, got NoneType",
    ]


def test_pattern_is_searched_not_anchored() -> None:
    """ECMA-262 semantics as 2020-12 says: a pattern matches anywhere unless it anchors itself."""
    assert errors("xx12yy", {"pattern": "[0-9]{2}"}) == []
    assert errors("xx1yy", {"pattern": "[0-9]{2}"}) == ["$: 'xx1yy' does not match [0-9]{2}"]
    assert errors(12, {"pattern": "^[a-z]$"}) == []


def test_formats_date_time_and_uuid7() -> None:
    assert errors("2025-01-15T16:00:00.000Z", {"format": "date-time"}) == []
    assert errors("15/01/2025", {"format": "date-time"}) == ["$: '15/01/2025' is not a valid date-time"]
    assert errors("0194693e-6c00-7a5e-9b1c-2d3e4f506172", {"format": "uuid7"}) == []
    assert errors("0194693e-6c00-4a5e-9b1c-2d3e4f506172", {"format": "uuid7"}) == [
        "$: '0194693e-6c00-4a5e-9b1c-2d3e4f506172' is not a valid uuid7"
    ]
    assert errors(7, {"format": "uuid7"}) == []


def test_one_of_needs_exactly_one_match() -> None:
    schema = {
        "oneOf": [{"type": "string", "maxLength": 2}, {"type": "string", "minLength": 4}, {"type": "null"}]
    }
    assert errors("ab", schema) == [] and errors("abcd", schema) == [] and errors(None, schema) == []
    # no alternative: the closest one is reported (here the length rules, not the type)
    assert errors("abc", schema) == ["$: longer than 2"]
    both = {"oneOf": [{"type": "number"}, {"minimum": 0}]}
    assert errors(5, both) == ["$: matches 2 of the oneOf alternatives, not exactly one"]
    assert errors(-5, both) == []
    three: dict[str, Any] = {"oneOf": [{}, {}, {}]}
    assert errors(1, three) == ["$: matches 3 of the oneOf alternatives, not exactly one"]


def test_local_references_are_followed_and_others_refused() -> None:
    schema = {
        "$defs": {"digits": {"type": "string", "pattern": "^[0-9]+$"}, "nested": {"a": {"type": "null"}}},
        "properties": {"n": {"$ref": "#/$defs/digits"}, "z": {"$ref": "#/$defs/nested/a"}},
    }
    assert errors({"n": "123", "z": None}, schema) == []
    assert errors({"n": "12a", "z": 0}, schema) == [
        "$.n: '12a' does not match ^[0-9]+$",
        "$.z: expected null, got int",
    ]
    with pytest.raises(ValueError, match="only local"):
        errors(1, {"$ref": "https://example.org/schema.json"})


@pytest.mark.parametrize(
    ("keyword", "bound", "inside", "outside", "message"),
    [
        ("minimum", 0, [0, 0.0, 7], [-1, -0.5], "less than 0"),
        ("maximum", 100, [100, 99.5, -3], [101, 100.5], "more than 100"),
        ("minLength", 2, ["ab", "abc", "ñé"], ["a", ""], "shorter than 2"),
        ("maxLength", 3, ["abc", "", "ñéí"], ["abcd"], "longer than 3"),
        ("minItems", 1, [[1], [1, 2]], [[]], "fewer items than 1"),
        ("maxItems", 2, [[], [1, 2]], [[1, 2, 3]], "more items than 2"),
        ("maxProperties", 1, [{}, {"a": 1}], [{"a": 1, "b": 2}], "more properties than 1"),
    ],
)
def test_bounds_are_inclusive(
    keyword: str, bound: int, inside: list[Any], outside: list[Any], message: str
) -> None:
    """2020-12: minimum/maximum and the length and count bounds all include the bound itself;
    lengths count characters, not bytes."""
    for value in inside:
        assert errors(value, {keyword: bound}) == [], value
    for value in outside:
        assert errors(value, {keyword: bound}) == [f"$: {message}"], value


@pytest.mark.parametrize(
    ("keyword", "ignored"),
    [
        ("minimum", [True, "-1", None, [-1]]),  # a boolean is not a number in JSON
        ("maximum", [True, "1000", {"a": 1000}]),
        ("minLength", [5, ["x"], None]),
        ("maxLength", [123456, ["a", "b", "c", "d"]]),
        ("minItems", ["", {}, 0]),
        ("maxItems", ["abcdef", {"a": 1, "b": 2, "c": 3}]),
        ("maxProperties", [[1, 2, 3], "abc"]),
    ],
)
def test_bounds_apply_to_their_own_type_only(keyword: str, ignored: list[Any]) -> None:
    bound = {"minimum": 0, "maximum": 10, "minLength": 2, "maxLength": 3}.get(keyword, 2)
    for value in ignored:
        assert errors(value, {keyword: bound}) == [], value


def test_errors_from_several_keywords_and_places_are_all_reported() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"b": {"type": "integer", "minimum": 1}, "c": {"items": {"maxLength": 1}}},
        "additionalProperties": False,
    }
    assert errors({"b": 0, "c": ["x", "yy"], "d": 1}, schema) == [
        "$: missing 'a'",
        "$.b: less than 1",
        "$.c[1]: longer than 1",
        "$: unexpected property 'd'",
    ]


def test_the_shipped_schema_is_read_from_resources() -> None:
    """`load_schema` gives the file a backend reads (resources/schemas/manifest-v1.json), whole."""
    load_schema.cache_clear()
    loaded = load_schema("manifest-v1.json")
    with resource_path("schemas", "manifest-v1.json").open("r", encoding="utf-8") as handle:
        assert loaded == json.load(handle)
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert load_schema("manifest-v1.json") is loaded  # read once


def test_references_resolve_inside_additional_properties_and_property_names() -> None:
    schema = {
        "$defs": {"short": {"type": "string", "maxLength": 2}},
        "additionalProperties": {"$ref": "#/$defs/short"},
        "propertyNames": {"$ref": "#/$defs/short"},
    }
    assert errors({"ab": "cd"}, schema) == []
    assert errors({"abc": "cdef"}, schema) == ["$.abc: longer than 2", "$['abc']: longer than 2"]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinities_are_no_json_numbers(value: float) -> None:
    """JSON has no NaN or infinities (RFC 8259 section 6); a manifest holding one could not be
    written as the canonical JSON section 5 requires, so the schema refuses it."""
    assert errors(value, {"type": "number"}) == ["$: expected number, got float"]
    assert errors(value, {"type": "integer"}) == ["$: expected integer, got float"]
