"""docs/packet-format.md and docs/backend.md against the code: the tables a backend vendor implements
from (error codes and the backend's answers, header and container fields, signature algorithms,
manifest fields and values, the kiosk's record values, section 8's key-id rule, the request-signing
rules) are parsed and compared with the implementation, so neither can change alone."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.packet import BackendPrivateKey, PacketSuite, container, header, signing
from kiosk.packet.errors import CODES
from kiosk.packet.keys import KEY_ID_PREFIX, KEY_ID_RE
from kiosk.records import common, iso19794_5
from kiosk.station import keys as station_keys

ROOT = Path(__file__).resolve().parents[3]
FORMAT = (ROOT / "docs" / "packet-format.md").read_text(encoding="utf-8")
BACKEND = (ROOT / "docs" / "backend.md").read_text(encoding="utf-8")
SCHEMA = json.loads((ROOT / "resources" / "schemas" / "manifest-v1.json").read_text(encoding="utf-8"))


def section(number: str) -> str:
    start = FORMAT.index(f"\n## {number}") if "." not in number else FORMAT.index(f"\n### {number}")
    rest = FORMAT[start + 1 :]
    match = re.search(r"\n##+ \d", rest)
    return rest[: match.start()] if match else rest


def rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row in `text` (separator rows left out)."""
    found = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            found.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return found


def ticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def hex_bytes(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def test_the_opening_table_names_every_opener_code() -> None:
    table = rows(section("7").split("\nReplays")[0])[1:]
    named = [code for _, _, cell in table for code in ticked(cell)]
    assert [int(step) for step, _, _ in table] == list(range(1, len(table) + 1))
    outside = {"bad_key", "sealing_failed"}  # named in the paragraph below the table
    assert set(named) == set(CODES) - outside
    assert all(f"`{code}`" in section("7") for code in outside)


def test_the_backends_answer_to_each_opener_code_is_the_documented_one() -> None:
    pytest.importorskip("fastapi", reason="the reference backend is the `backend` extra")
    from kiosk.api.errors import BY_CODE
    from kiosk.backend.intake import PACKET_CODES

    block = section("7").split("<!-- backend-answers -->")[1]
    documented = {code: ticked(answer)[0] for codes, answer in rows(block)[1:] for code in ticked(codes)}
    assert documented == PACKET_CODES
    assert {BY_CODE[answer].status for answer in documented.values()} == {422}


def test_the_header_table_is_what_the_code_writes() -> None:
    table = {
        field: (int(offset), int(size) if size.isdigit() else None, value)
        for offset, size, field, value in rows(section("1"))[1:]
    }
    packet_id = "0194693e-6c00-7a5e-9b1c-2d3e4f506172"
    for suite in PacketSuite:
        blob = header.PacketHeader(packet_id, suite, "x25519-0011223344556677").encode()

        def at(field: str, blob: bytes = blob) -> bytes:
            offset, size, _ = table[field]
            assert size is not None
            return blob[offset : offset + size]

        assert at("magic") == hex_bytes(ticked(table["magic"][2])[0]) == header.MAGIC
        assert at("format version") == hex_bytes(ticked(table["format version"][2])[0])
        kem_ids = {int.from_bytes(hex_bytes(t), "big") for t in ticked(table["HPKE KEM id"][2])}
        assert kem_ids == {s.kem_id for s in PacketSuite}
        assert int.from_bytes(at("HPKE KEM id"), "big") == suite.kem_id
        assert at("HPKE KDF id") == hex_bytes(ticked(table["HPKE KDF id"][2])[0])
        assert at("HPKE AEAD id") == hex_bytes(ticked(table["HPKE AEAD id"][2])[0])
        assert at("packet id").hex() == packet_id.replace("-", "")
    assert table["backend key id"][0] == header.FIXED == table["key id length K"][0] + 1
    assert table["key id length K"][2] == "1..64" and KEY_ID_RE.pattern == r"^[A-Za-z0-9._-]{1,64}$"
    assert "`[A-Za-z0-9._-]`" in table["backend key id"][2]


def test_the_container_and_signature_tables_are_what_the_code_writes() -> None:
    text = section("3")
    assert "`4b 50 49 4e`" in text and hex_bytes("4b 50 49 4e") == container.MAGIC
    assert f"container version `{container.VERSION:02x}`" in text
    kinds = next(r for r in rows(text) if r[1].startswith("kind:"))  # | 1 | kind: `01` manifest, ... |
    assert ticked(kinds[1]) == [
        f"{k:02x}" for k in (container.KIND_MANIFEST, container.KIND_RECORD, container.KIND_SIGNATURES)
    ]
    assert f"`{container.MANIFEST_NAME}`" in text and f"`{container.SIGNATURES_NAME}`" in text

    signatures = section("4")
    assert '"KIOSK-PACKET-SIGNATURE-V1" || 0x00 || SHA-256(body)' in signatures
    assert signing.DOMAIN == b"KIOSK-PACKET-SIGNATURE-V1\x00"
    assert f"same {len(signing.DOMAIN) + 32}-byte" in signatures
    algorithms = {
        r[0].strip("`")[:2]: (r[1], r[2]) for r in rows(signatures) if len(r) == 3 and r[0].startswith("`")
    }
    assert set(algorithms) == {
        f"{a:02x}" for a in (signing.ALG_ED25519, signing.ALG_MLDSA65, signing.ALG_RSA_SHA256)
    }
    assert algorithms["01"] == (f"raw public key, {station_keys.ED25519_PUB}", str(station_keys.ED25519_SIG))
    assert algorithms["02"] == (f"raw public key, {station_keys.MLDSA65_PUB}", str(station_keys.MLDSA65_SIG))


def test_the_manifest_table_names_every_field_and_value_of_the_schema() -> None:
    table = {ticked(field)[0]: content for field, content in rows(section("5"))[1:]}
    assert set(table) == set(SCHEMA["properties"])
    defs, props = SCHEMA["$defs"], SCHEMA["properties"]

    def enum(schema: dict[str, Any]) -> list[str]:
        values: list[Any] = schema.get("enum") or next(
            (o["enum"] for o in schema.get("oneOf", []) if isinstance(o, dict) and "enum" in o),
            [],
        )
        return [v for v in values if v is not None]

    expected = {
        "operator": [enum(props["operator"]["properties"][f]) for f in ("role", "login")],
        "identity_document": [enum(props["identity_document"]["properties"]["type"])],
        "consent": [enum(props["consent"]["properties"]["method"])],
        "lookup": [enum(props["lookup"])],
        "fingers": [
            enum(defs["finger"]["properties"][f]) for f in ("status", "exception_code", "exception_reason")
        ],
        "devices": [enum(defs["device"]["properties"]["kind"])] if "device" in defs else [],
        "records": [enum(defs["record"]["properties"]["format"])] if "record" in defs else [],
    }
    for field, lists in expected.items():
        for values in lists:
            assert values, field
            for value in values:
                assert value in table[field], f"{field}: {value}"
    positions = enum(defs["finger"]["properties"]["position"])
    assert f"`{positions[0]}`" in table["fingers"] and f"`{positions[-1]}`" in table["fingers"]
    assert "YYYY-MM-DDTHH:MM:SS.mmmZ" in table["created_at"]
    assert defs["timestamp"]["pattern"].endswith(r"\.[0-9]{3}Z$")  # milliseconds required, as documented


def test_the_kiosk_values_of_the_records_are_what_the_station_writes() -> None:
    face = {r[1].split(" (")[0]: r[2] for r in rows(section("6.2")) if len(r) == 3}
    assert face["face image type"].startswith(f"{int(iso19794_5.FaceImageType.TOKEN_FRONTAL)} ")
    sealing = inspect.getsource(__import__("kiosk.enrol.sealing", fromlist=["x"]).build_records)
    assert "FaceImageType.TOKEN_FRONTAL" in sealing
    quality = inspect.signature(iso19794_5.jpeg_face).parameters["jpeg_quality"].default
    assert f"quality {quality}" in face["image data"]
    assert face["expression"] == str(iso19794_5.EXPRESSION_NEUTRAL)
    nfiq = section("6.1")
    assert f"`0x{common.NFIQ2_VENDOR_ID:04x}`" in nfiq and f"`0x{common.NFIQ2_ALGORITHM_ID:04x}`" in nfiq


def test_section_8s_key_id_rule_is_the_one_the_keys_follow() -> None:
    block = section("8").split("<!-- key-id-rule -->")[1]
    rule = re.search(r"```\n(.*?)```", block, re.S)
    assert rule
    text = rule.group(1)
    prefixes = re.findall(r'"(\w+)"', text.split("prefix =")[-1])
    digits = int(re.search(r"\[0:(\d+)\]", text).group(1))  # type: ignore[union-attr]
    assert "SHA-256(public_key)" in text and "lower-hex" in text
    assert sorted(prefixes) == sorted(KEY_ID_PREFIX.values())
    for suite, prefix in zip(PacketSuite, prefixes, strict=True):  # the document names them in suite order
        key = BackendPrivateKey.generate(suite)
        public = key.public_key().public_bytes
        assert key.key_id == f"{prefix}-{hashlib.sha256(public).hexdigest()[:digits]}"
        assert KEY_ID_RE.match(key.key_id)
    found = re.search(r"```json\n(\{.*?\})\n", section("8"), re.S)
    assert found is not None
    example = json.loads(
        found.group(1)
        .replace('"xwing-…"', '"k"')
        .replace('"mlkem768x25519" | "x25519"', '"x25519"')
        .replace('"<base64 of 1216 or 32 bytes>"', '""')
    )
    assert set(example) == set(BackendPrivateKey.generate("x25519").public_key().to_json())
    assert f"`<data dir>/{station_keys.KEYS_DIR}/{station_keys.PUBLIC_FILE}`" in section("8")


def test_backend_md_states_the_request_signature_and_limits_the_gate_enforces() -> None:
    pytest.importorskip("fastapi", reason="the reference backend is the `backend` extra")
    from kiosk.api import envelopes
    from kiosk.backend import gate, service

    signed = envelopes.request_bytes("POST", "/p?q", "T", "N", "D").decode()
    documented = "KIOSK-REQ-V2\\n{METHOD}\\n{path?query}\\n{time}\\n{nonce}\\n{sha256 hex of the body}"
    assert (
        documented.replace("\\n", "\n").format(
            METHOD="POST", **{"path?query": "/p?q", "time": "T", "nonce": "N", "sha256 hex of the body": "D"}
        )
        == signed
    )
    for name in ("STATION", "TIME", "NONCE", "CONTENT_SHA256", "SIGNATURE"):
        assert f"`{getattr(envelopes, 'HEADER_' + name)}`" in BACKEND
    assert "16–64 of `[A-Za-z0-9_-]`" in BACKEND and service.NONCE_RE.pattern == r"^[A-Za-z0-9_-]{16,64}$"
    assert f"more than {int(service.MAX_CLOCK_SKEW.total_seconds() // 60)} minutes off" in BACKEND
    assert f"{service.MAX_PACKET_BYTES // 2**20} MiB for a packet" in BACKEND
    assert f"{gate.MAX_SIGNED_BYTES // 2**20} MiB for other signed calls" in BACKEND
    assert f"{gate.MAX_UNSIGNED_BYTES // 2**10} KiB for\n  registration" in BACKEND or (
        f"{gate.MAX_UNSIGNED_BYTES // 2**10} KiB for registration" in BACKEND.replace("\n  ", " ")
    )


def test_backend_md_states_the_packet_answers_the_api_document_declares() -> None:
    document = json.loads((ROOT / "resources" / "api" / "openapi-v1.json").read_text(encoding="utf-8"))
    answers = document["paths"]["/api/v1/packets"]["post"]["responses"]
    assert {"200", "201"} <= set(answers)
    assert (
        "answered `201 Created`" in BACKEND
        and "answered `200` with the original receipt" in BACKEND.replace("\n", " ")
    )
