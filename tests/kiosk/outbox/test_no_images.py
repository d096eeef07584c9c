"""The image scanner other tests rely on: it finds every format we make, and not ciphertext."""

from __future__ import annotations

import io
import random
import sqlite3
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from kiosk.packet.samples import sample_records, synthetic_face, synthetic_finger
from tests.fixtures.no_images import assert_no_plaintext_images, find_images_in, find_plaintext_images


def encoded(kind: str) -> bytes:
    finger = synthetic_finger(3, 200, 250)
    if kind == "WSQ":
        import wsq  # noqa: F401 - registers the WSQ plugin with Pillow

        buffer = io.BytesIO()
        Image.fromarray(finger).save(buffer, format="WSQ")
        return buffer.getvalue()
    if kind == "PNG":
        return bytes(cv2.imencode(".png", finger)[1])
    if kind == "JPEG":
        return bytes(cv2.imencode(".jpg", synthetic_face(120, 160))[1])
    if kind == "JPEG 2000":
        buffer = io.BytesIO()
        Image.fromarray(finger).save(buffer, format="JPEG2000", no_jp2=True)
        return buffer.getvalue()
    buffer = io.BytesIO()
    Image.fromarray(finger).save(buffer, format="JPEG2000")  # JP2 file format with boxes
    return buffer.getvalue()


KINDS = ["WSQ", "PNG", "JPEG", "JPEG 2000", "JPEG 2000 (JP2)"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_is_found_in_a_plain_file(tmp_path: Path, kind: str) -> None:
    data = random.Random(1).randbytes(5000) + encoded(kind) + random.Random(2).randbytes(5000)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "leak.bin").write_bytes(data)
    hits = find_plaintext_images(tmp_path)
    assert hits and all(kind in h for h in hits[:1]) and "leak.bin @ 5000" in hits[0]
    with pytest.raises(AssertionError, match="plaintext image bytes on disk"):
        assert_no_plaintext_images(tmp_path)


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_is_found_inside_a_sqlite_database(tmp_path: Path, kind: str) -> None:
    """Even when the BLOB spans overflow pages and a WAL: the raw bytes or the values give it away."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (id INTEGER, data BLOB)")
    db.execute("INSERT INTO t VALUES (1, ?)", (random.Random(3).randbytes(4090) + encoded(kind),))
    db.commit()
    assert any(kind in hit for hit in find_plaintext_images(tmp_path))
    db.close()


def test_the_iso_records_images_are_found() -> None:
    records = sample_records()
    assert {kind for _, kind in find_images_in(records["fingers"])} == {"WSQ"}
    assert {kind for _, kind in find_images_in(records["face"])} == {"JPEG"}


def test_random_bytes_and_sealed_packets_are_not_images(tmp_path: Path) -> None:
    """16 MiB of random bytes hold a few bare JPEG magics; the structure check must turn them all down."""
    noise = random.Random(4).randbytes(16 * 1024 * 1024)
    assert noise.count(b"\xff\xd8\xff") >= 1  # the bare magic does turn up in random data
    (tmp_path / "noise.bin").write_bytes(noise)
    from kiosk.packet import BackendPrivateKey, PacketSuite, seal
    from kiosk.packet.samples import sample_manifest
    from kiosk.station.keys import StationKeys

    recipient = BackendPrivateKey.generate(PacketSuite.X25519).public_key()
    for i in range(5):
        packet = seal(sample_manifest(), sample_records(seed=i), StationKeys.generate(), recipient)
        (tmp_path / f"{packet.packet_id}.kpk").write_bytes(packet.blob)
    assert_no_plaintext_images(tmp_path)


def test_an_empty_or_missing_folder_is_clean(tmp_path: Path) -> None:
    assert_no_plaintext_images(tmp_path, tmp_path / "absent")
    assert find_images_in(np.zeros(1000, np.uint8).tobytes()) == []
