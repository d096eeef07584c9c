"""What an audit entry's fields may hold, cleaned one value at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.audit.fields import MAX_TEXT, clean_actor, clean_fields
from kiosk.errors import KioskError
from kiosk.roles import Role


def test_plain_values_pass_through():
    moment = datetime(2025, 3, 1, tzinfo=UTC)
    cleaned = clean_fields(
        {
            "n": 3,
            "ok": True,
            "none": None,
            "x": 1.5,
            "role": Role.CLERK,
            "at": moment,
            "where": Path("/tmp/x"),
        }
    )
    assert cleaned == {
        "n": 3,
        "ok": True,
        "none": None,
        "x": 1.5,
        "role": "clerk",
        "at": "2025-03-01T00:00:00+00:00",
        "where": "/tmp/x",
    }


def test_long_text_is_cut_and_sets_are_sorted():
    cleaned = clean_fields({"note": "palabra " * 200, "tags": {"b", "a"}})
    assert len(cleaned["note"]) == MAX_TEXT and cleaned["note"].endswith("…")
    assert cleaned["tags"] == ["a", "b"]


def test_identifier_keys_mask_numbers_too():
    assert clean_fields({"nss": 12345678903})["nss"] == "*******8903"


def test_too_deep_and_bad_keys():
    with pytest.raises(KioskError) as caught:
        clean_fields({"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}})
    assert caught.value.message.code == "audit.too_deep"
    with pytest.raises(KioskError):
        clean_fields({1: "x"})  # type: ignore[dict-item]


def test_nul_bytes_in_text_are_refused():
    with pytest.raises(KioskError):
        clean_fields({"note": "abc\x00def"})


def test_actor_is_masked_when_it_is_an_identifier():
    assert clean_actor("jperez") == "jperez"
    assert clean_actor("GOMA080512HDFRRNA0") == "GOMA************A0"
    assert clean_actor(None) is None
