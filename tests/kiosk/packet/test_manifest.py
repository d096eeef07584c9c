"""The manifest: dataclass <-> canonical JSON, the shipped schema, the cross-field rules, and the
small schema validator itself."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from devices.positions import Finger
from kiosk.packet import FingerEntry, Manifest, Operator, PacketError
from kiosk.packet.manifest import canonical_json, validate_document
from kiosk.packet.samples import sample_manifest
from kiosk.packet.schema import errors, load_schema


def _document() -> dict[str, Any]:
    return sample_manifest().with_records(()).to_document()


def test_round_trip_through_json() -> None:
    manifest = replace(
        sample_manifest(),
        fingers=(
            FingerEntry.captured(Finger.RIGHT_THUMB, 38, 3, accepted_below_threshold=True),
            FingerEntry.exception(Finger.LEFT_RING, "XX", "amputated", supervisor_id="sup-01"),
            FingerEntry.exception(
                Finger.LEFT_LITTLE, "UP", "other", note="vendaje por quemadura", attempts=2
            ),
        ),
    )
    raw = manifest.to_bytes()
    assert raw == canonical_json(json.loads(raw))
    again = Manifest.from_bytes(raw)
    assert again == manifest and again.to_bytes() == raw
    assert json.loads(raw)["fingers"][1]["position"] == "left-ring"
    assert json.loads(raw)["created_at"].endswith("Z")


def test_the_schema_is_supported_by_the_validator() -> None:
    schema = load_schema("manifest-v1.json")
    assert errors(_document(), schema) == []
    with pytest.raises(ValueError, match="not supported"):
        errors({}, {"type": "object", "dependentRequired": {}})


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("person", "curp"), "XEXX010101HNEXXXA", "does not match"),
        (("person", "nss"), "1234567890", "does not match"),
        (("person", "nss"), None, None),
        (("packet_id",), "01a20825-596f-41bf-8e5c-8c8fc7a4e1f5", "uuid7"),
        (("created_at",), "2025-01-01 10:00:00", "does not match"),
        (("consent", "given"), False, "must be True"),
        (("operator", "role"), "installer", "not one of"),
        (("fingers", 0, "position"), "right-toe", "not one of"),
        (("fingers", 0, "nfiq2"), 101, "more than"),
        (("fingers", 0, "nfiq2"), True, "expected integer"),
        (("face", "measures", "Yaw"), 1.0, "does not match"),
        (("face", "measures", "yaw"), "1", "expected number"),
        (("face",), None, None),
        (("devices", 0, "kind"), "scanner", "not one of"),
        (("audit_chain_head",), "abc", "does not match"),
        (("test",), "yes", "expected boolean"),
        (("policy_version",), 1.5, "expected integer"),
        (("surprise",), 1, "unexpected property"),
    ],
)
def test_schema_violations(path: tuple[Any, ...], value: Any, fragment: str | None) -> None:
    document = _document()
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    found = errors(document, load_schema("manifest-v1.json"))
    if fragment is None:
        assert found == []
    else:
        assert found and fragment in " ".join(found), found


def test_missing_fields_are_reported() -> None:
    document = _document()
    del document["consent"]["notice_id"]
    del document["station"]
    found = errors(document, load_schema("manifest-v1.json"))
    assert any("missing 'station'" in e for e in found) and any("notice_id" in e for e in found)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["operator"].update(login="fiel"), "certificate_number"),
        (lambda d: (d["operator"].update(role="technician"), d.update(test=False)), "test packets only"),
        (lambda d: d["operator"].update(certificate_number="30001000000500003416"), "certificate_number"),
        (lambda d: d["fingers"].__setitem__(1, copy.deepcopy(d["fingers"][0])), "twice"),
        (lambda d: d["fingers"][0].update(exception_code="XX"), "captured"),
        (lambda d: d["fingers"][0].update(attempts=0), "captured"),
        (lambda d: d["fingers"][0].update(status="exception"), "exception"),
        (
            lambda d: d["fingers"][0].update(
                status="exception", nfiq2=None, exception_code="UP", exception_reason="other"
            ),
            "note",
        ),
    ],
)
def test_cross_field_rules(change: Any, fragment: str) -> None:
    document = _document()
    change(document)
    with pytest.raises(PacketError) as caught:
        validate_document(document)
    assert caught.value.code == "malformed_manifest" and fragment in str(caught.value)


def test_fiel_operator_is_valid_with_its_number() -> None:
    manifest = sample_manifest(operator=Operator("employer", "EKU9003173C9", "fiel", "30001000000500003416"))
    validate_document(manifest.to_document())


def test_from_bytes_refuses_non_json_and_non_objects() -> None:
    for raw in (b"\xff", b"[1, 2]", b"{"):
        with pytest.raises(PacketError) as caught:
            Manifest.from_bytes(raw)
        assert caught.value.code == "malformed_manifest"


def test_one_of_and_booleans_follow_json_schema() -> None:
    schema = {"oneOf": [{"type": "integer"}, {"type": "number"}]}
    assert errors(1.5, schema) == [] and errors(2, schema) != []  # 2 is both: not exactly one
    assert errors(True, {"enum": [1]}) != [] and errors(1, {"const": 1.0}) == []
