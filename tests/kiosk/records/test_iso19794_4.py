"""Finger image records: our 2011 writer against our reader, the real MOSIP records, a 2005 record
built by hand from the standard's tables, and damaged input."""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from devices.positions import Finger
from kiosk.packet.samples import synthetic_finger
from kiosk.records import RecordError, images, iso19794_4, parse_any, record_format
from kiosk.records.common import NFIQ2_ALGORITHM_ID, NFIQ2_VENDOR_ID, CaptureDevice, QualityBlock

MOMENT = datetime(2025, 3, 4, 5, 6, 7, 890_000, tzinfo=UTC)


def _views() -> list[iso19794_4.FingerView]:
    device = CaptureDevice(technology_id=2, vendor_id=0x1234, type_id=7)
    return [
        iso19794_4.wsq_view(synthetic_finger(1), Finger.RIGHT_THUMB, 72, captured_at=MOMENT, device=device),
        iso19794_4.wsq_view(synthetic_finger(2, 320, 480), Finger.LEFT_LITTLE, None, captured_at=MOMENT),
    ]


def test_2011_round_trip_keeps_every_field() -> None:
    views = _views()
    data = iso19794_4.encode(views)
    record = iso19794_4.parse(data)
    assert record.edition == "2011" and record_format(data) == "iso19794-4:2011"
    assert record.views == tuple(views)
    assert data[:8] == b"FIR\x00020\x00"
    assert struct.unpack(">I", data[8:12])[0] == len(data)
    assert data[12:16] == b"\x00\x02\x00\x02"  # two representations, no certification, two positions


def test_nfiq2_quality_block_uses_the_registered_ids() -> None:
    view = iso19794_4.parse(iso19794_4.encode(_views())).views[0]
    assert view.quality == (QualityBlock(72, NFIQ2_VENDOR_ID, NFIQ2_ALGORITHM_ID),)
    assert (NFIQ2_VENDOR_ID, NFIQ2_ALGORITHM_ID) == (0x0101, 0x0039)
    assert view.nfiq2 == 72 and view.position is Finger.RIGHT_THUMB
    failed = iso19794_4.parse(iso19794_4.encode(_views())).views[1]
    assert failed.quality[0].score == 255 and failed.nfiq2 is None


def test_pixels_survive_wsq_within_its_loss() -> None:
    original = synthetic_finger(3)
    view = iso19794_4.parse(iso19794_4.encode([iso19794_4.wsq_view(original, Finger.LEFT_INDEX, 50)])).views[
        0
    ]
    decoded = view.pixels()
    assert decoded.shape == original.shape and decoded.dtype == np.uint8
    mse = float(np.mean((decoded.astype(float) - original.astype(float)) ** 2))
    assert 10 * np.log10(255**2 / mse) > 20  # WSQ at 0.75 bpp: ~24–31 dB on real prints


@pytest.mark.shared_data
def test_reads_the_real_mosip_wsq_record(shared_data: Path) -> None:
    data = (shared_data / "fingerprints/mosip-iso19794-4/info_wsq.iso").read_bytes()
    record = parse_any(data)
    assert isinstance(record, iso19794_4.FingerRecord) and record.edition == "2011"
    (view,) = record.views
    assert view.compression is iso19794_4.Compression.WSQ
    assert (view.width, view.height, view.ppi) == (545, 622, 500)
    assert view.quality[0].score == 80
    assert view.position is None and view.position_code == 0
    assert view.captured_at == datetime(2020, 10, 17, 12, 20, 20, 674_000, tzinfo=UTC)
    assert view.pixels().shape == (622, 545)


@pytest.mark.shared_data
def test_reads_the_real_mosip_jpeg2000_record(shared_data: Path) -> None:
    data = (shared_data / "fingerprints/mosip-iso19794-4/info_jp2.iso").read_bytes()
    record = iso19794_4.parse(data)
    (view,) = record.views
    assert record.certification_flag and len(view.certifications) == 2
    assert view.compression is iso19794_4.Compression.JPEG2000_LOSSLESS
    assert view.position is Finger.RIGHT_INDEX
    assert [kind for kind, _ in view.extended] == [1, 2, 3]  # segmentation, annotation, comment
    assert view.extended[2][1] == b"This is of Finger (2)"
    assert view.pixels().shape == (view.height, view.width) == (539, 294)
    # our writer keeps certification and extended blocks: a re-encoded record reads back the same
    assert iso19794_4.parse(iso19794_4.encode(record.views)).views == record.views


def _record_2005(image: bytes, width: int, height: int) -> bytes:
    """ISO/IEC 19794-4:2005, Tables 2 and 4, laid out independently of the reader."""
    finger = struct.pack(">IBBBBBHHB", 14 + len(image), 7, 1, 1, 63, 0, width, height, 0) + image
    general = b"FIR\x00010\x00" + (32 + len(finger)).to_bytes(6, "big")
    general += struct.pack(">HHBBHHHHBBH", 0x0042, 31, 1, 1, 500, 500, 500, 500, 8, 2, 0)
    return general + finger


def test_reads_a_2005_record() -> None:
    pixels = synthetic_finger(4, 200, 250)
    wsq = iso19794_4.wsq_view(pixels, Finger.LEFT_INDEX, 1).image
    record = iso19794_4.parse(_record_2005(wsq, 200, 250))
    assert record.edition == "2005" and record.device_id == 0x42 and record.acquisition_level == 31
    (view,) = record.views
    assert view.position is Finger.LEFT_INDEX and view.view_number == 1
    assert view.compression is iso19794_4.Compression.WSQ and view.quality[0].score == 63
    assert view.pixels().shape == (250, 200)


def test_every_truncation_is_a_record_error() -> None:
    data = iso19794_4.encode(_views()[:1])
    for cut in [*range(80), len(data) // 2, len(data) - 1]:
        with pytest.raises(RecordError):
            iso19794_4.parse(data[:cut])


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: b"FAX\x00" + d[4:], "bad_format"),
        (lambda d: d[:4] + b"999\x00" + d[8:], "bad_version"),
        (lambda d: d + b"\x00", "bad_length"),
        (lambda d: d[:8] + struct.pack(">I", len(d) + 5) + d[12:], "bad_length"),
    ],
)
def test_damaged_headers_have_precise_codes(mutate: Callable[[bytes], bytes], code: str) -> None:
    with pytest.raises(RecordError) as caught:
        iso19794_4.parse(mutate(iso19794_4.encode(_views()[:1])))
    assert caught.value.code == code


def test_unknown_compression_and_bad_sizes_are_refused() -> None:
    data = bytearray(iso19794_4.encode(_views()[:1]))
    compression_at = 16 + 4 + 9 + 5 + 1 + 5 + 3 + 8 + 1
    assert data[compression_at] == 2
    data[compression_at] = 9
    with pytest.raises(RecordError) as caught:
        iso19794_4.parse(bytes(data))
    assert caught.value.code == "unsupported"
    with pytest.raises(RecordError):
        iso19794_4.encode([])
    with pytest.raises(RecordError):
        iso19794_4.wsq_view(np.zeros((5, 5, 3), np.uint8), Finger.RIGHT_THUMB, 1)


def test_direct_wsq_codec_matches_the_pillow_plugin() -> None:
    pixels = synthetic_finger(9, 256, 320)
    assert images.encode_wsq(pixels) == images.encode_wsq_plugin(pixels)
    assert images.encode_wsq(pixels)[:2] == b"\xff\xa0"


def test_nbis_called_directly_gives_the_package_s_own_bytes() -> None:
    """The ctypes call must code exactly as the `wsq` package's `compress` (same ppi, no comment)."""
    from _wsq import compress

    from kiosk.records import nbis_wsq

    assert nbis_wsq.available()
    for seed, (height, width) in ((3, (480, 400)), (4, (321, 257))):
        pixels = synthetic_finger(seed, width, height)
        raw = pixels.tobytes()
        assert nbis_wsq.encode(raw, width, height, images.WSQ_BITRATE) == bytes(
            compress(raw, height, width, images.WSQ_BITRATE)
        )
        assert images.encode_wsq(pixels) == bytes(compress(raw, height, width, images.WSQ_BITRATE))


def test_the_window_keeps_running_while_a_finger_is_coded() -> None:
    """Sealing codes ten fingers on a worker; the GUI thread must run meanwhile (the package's own
    function held Python's lock throughout and froze the window for up to ~90 ms). With forced switches
    off, the other thread only runs when the coder lets go of the lock; counted, not timed."""
    import threading
    import time

    pixels = synthetic_finger(5, 400, 480)
    running, done = threading.Event(), threading.Event()
    turns = 0

    def window() -> None:
        nonlocal turns
        running.set()
        while not done.is_set():
            turns += 1
            time.sleep(0.0002)  # gives the lock back of its own accord, as an event loop waiting does

    previous = sys.getswitchinterval()
    sys.setswitchinterval(30.0)  # the coding thread is never made to let go between two bytecodes
    thread = threading.Thread(target=window)
    try:
        thread.start()
        running.wait()
        during = 0
        for _ in range(10):
            before = turns
            images.encode_wsq(pixels)
            during += turns - before
    finally:
        done.set()
        sys.setswitchinterval(previous)
        thread.join()
    assert during >= 3
