"""An independent opener written from docs/packet-format.md alone, with primitives only.

It shares no code with kiosk.packet: the RFC 9180 key schedule, the X-Wing combiner, the DHKEM
shared secret, the container and the signature block are re-implemented here from the document.
If the document and the implementation ever disagree, the vector tests fail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

XWING_LABEL = b"\\.//^\\"


def _extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or b"\x00" * 32, ikm, hashlib.sha256).digest()


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite_id + label + ikm)


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return _expand(prk, struct.pack(">H", length) + b"HPKE-v1" + suite_id + label + info, length)


@dataclass
class Opened:
    header: dict[str, Any]
    shared_secret: bytes
    key: bytes
    base_nonce: bytes
    plaintext: bytes
    manifest: dict[str, Any]
    records: dict[str, bytes]
    body: bytes
    to_be_signed: bytes
    signatures: list[tuple[int, bytes, bytes]]


def decapsulate(kem_id: int, private_key: bytes, enc: bytes) -> bytes:
    if kem_id == 0x647A:  # X-Wing: private = ML-KEM-768 seed (64) || X25519 private (32)
        ml = mlkem.MLKEM768PrivateKey.from_seed_bytes(private_key[:64])
        xk = x25519.X25519PrivateKey.from_private_bytes(private_key[64:])
        ct_m, ct_x = enc[:1088], enc[1088:]
        ss_m = ml.decapsulate(ct_m)
        ss_x = xk.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
        pk_x = xk.public_key().public_bytes_raw()
        return hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + XWING_LABEL).digest()
    if kem_id == 0x0020:  # DHKEM(X25519, HKDF-SHA256), RFC 9180 §4.1
        xk = x25519.X25519PrivateKey.from_private_bytes(private_key)
        dh = xk.exchange(x25519.X25519PublicKey.from_public_bytes(enc))
        kem_suite = b"KEM" + struct.pack(">H", kem_id)
        prk = _labeled_extract(kem_suite, b"", b"eae_prk", dh)
        context = enc + xk.public_key().public_bytes_raw()
        return _labeled_expand(kem_suite, prk, b"shared_secret", context, 32)
    raise ValueError(f"kem 0x{kem_id:04x}")


@dataclass
class Schedule:
    context: bytes
    secret: bytes
    key: bytes
    base_nonce: bytes

    @property
    def key_and_nonce(self) -> tuple[bytes, bytes]:
        return self.key, self.base_nonce


def key_schedule(
    suite: tuple[int, int, int], shared_secret: bytes, info: bytes, key_length: int = 32
) -> Schedule:
    """RFC 9180 section 5.1, mode_base, HKDF-SHA256 (the only KDF of the format); `key_length` is the
    AEAD's Nk (32 for AES-256-GCM and ChaCha20-Poly1305, 16 for AES-128-GCM in RFC 9180's A.1)."""
    suite_id = b"HPKE" + struct.pack(">HHH", *suite)
    context = (
        b"\x00"
        + _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
        + _labeled_extract(suite_id, b"", b"info_hash", info)
    )
    secret = _labeled_extract(suite_id, shared_secret, b"secret", b"")
    key = _labeled_expand(suite_id, secret, b"key", context, key_length)
    nonce = _labeled_expand(suite_id, secret, b"base_nonce", context, 12)
    return Schedule(context, secret, key, nonce)


def open_blob(blob: bytes, private_key: bytes) -> Opened:
    assert blob[:4] == b"KPKT" and blob[4] == 1
    kem_id, kdf_id, aead_id = struct.unpack(">HHH", blob[5:11])
    assert (kdf_id, aead_id) == (1, 2)
    packet_id = str(uuid.UUID(bytes=blob[11:27]))
    key_id_length = blob[27]
    header_end = 28 + key_id_length
    info = blob[:header_end]
    enc_length = 1120 if kem_id == 0x647A else 32
    enc, ciphertext = blob[header_end : header_end + enc_length], blob[header_end + enc_length :]
    shared = decapsulate(kem_id, private_key, enc)
    key, nonce = key_schedule((kem_id, kdf_id, aead_id), shared, info).key_and_nonce
    plaintext = AESGCM(key).decrypt(nonce, ciphertext, b"")
    manifest, records, body, signatures = _container(plaintext)
    tbs = b"KIOSK-PACKET-SIGNATURE-V1\x00" + hashlib.sha256(body).digest()
    entries = _signatures(signatures)
    for algorithm, public, signature in entries:
        if algorithm == 0x01:
            ed25519.Ed25519PublicKey.from_public_bytes(public).verify(signature, tbs)
        elif algorithm == 0x02:
            mldsa.MLDSA65PublicKey.from_public_bytes(public).verify(signature, tbs)
    header = {"kem_id": kem_id, "packet_id": packet_id, "key_id": blob[28:header_end].decode("ascii")}
    return Opened(header, shared, key, nonce, plaintext, json.loads(manifest), records, body, tbs, entries)


def _container(plaintext: bytes) -> tuple[bytes, dict[str, bytes], bytes, bytes]:
    assert plaintext[:4] == b"KPIN" and plaintext[4] == 1
    (count,) = struct.unpack(">H", plaintext[5:7])
    pos, sections = 7, []
    for _ in range(count):
        kind, name_length = plaintext[pos], plaintext[pos + 1]
        name = plaintext[pos + 2 : pos + 2 + name_length].decode("ascii")
        (length,) = struct.unpack(">I", plaintext[pos + 2 + name_length : pos + 6 + name_length])
        start = pos + 6 + name_length
        sections.append((kind, name, plaintext[start : start + length], pos))
        pos = start + length
    assert pos == len(plaintext)
    assert sections[0][0] == 1 and sections[-1][0] == 3
    records = {name: data for kind, name, data, _ in sections[1:-1] if kind == 2}
    return sections[0][2], records, plaintext[: sections[-1][3]], sections[-1][2]


def _signatures(block: bytes) -> list[tuple[int, bytes, bytes]]:
    entries, pos = [], 1
    for _ in range(block[0]):
        algorithm, key_length = struct.unpack(">BH", block[pos : pos + 3])
        key = block[pos + 3 : pos + 3 + key_length]
        pos += 3 + key_length
        (length,) = struct.unpack(">H", block[pos : pos + 2])
        entries.append((algorithm, key, block[pos + 2 : pos + 2 + length]))
        pos += 2 + length
    return entries
