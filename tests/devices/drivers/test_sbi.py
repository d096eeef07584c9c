"""The SBI driver against a specification-faithful SBI service (tests/devices/drivers/sbi_service.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.errors import Busy, DeviceTimeout, NotPermitted
from devices.fingerprint import FingerprintReader
from devices.policy import DevicePolicy
from devices.registry import Registry
from devices.sbi import iso_image
from devices.sbi.errors import UntrustedResponse
from kiosk.records import iso19794_4
from tests.devices.drivers.sbi_service import DeviceProvider, SbiService


@pytest.fixture(scope="module")
def record(shared_data: Path) -> bytes:
    """A real ISO/IEC 19794-4:2011 record (WSQ, 545x622) from MOSIP's repositories."""
    return (shared_data / "fingerprints" / "mosip-iso19794-4" / "info_wsq.iso").read_bytes()


@pytest.fixture
def service(record: bytes, real_print: np.ndarray) -> Iterator[SbiService]:
    ok, jpeg = cv2.imencode(".jpg", real_print)
    assert ok
    running = SbiService(DeviceProvider(), record, jpeg.tobytes())
    yield running
    running.close()


def registry_for(service: SbiService, tmp_path: Path, provider: DeviceProvider | None = None) -> Registry:
    store = tmp_path / "providers.pem"
    store.write_bytes((provider or service.provider).pem())
    options = {"sbi": {"ports": [service.port], "trust_store": str(store), "requested_score": 40}}
    return Registry(policy=DevicePolicy(mode="test", allowed_drivers=frozenset({"sbi"})), options=options)


def device_id(service: SbiService) -> str:
    return f"sbi:{service.port}:1"


def open_reader(service: SbiService, tmp_path: Path) -> FingerprintReader:
    return registry_for(service, tmp_path).open_reader(device_id(service))


def test_discovery_lists_the_device_and_device_info_gives_serial_and_firmware(
    service: SbiService, tmp_path: Path
) -> None:
    registry = registry_for(service, tmp_path)
    info = registry.scan().by_id(device_id(service))
    assert info is not None and info.serial == "SBI-FP-0042" and info.model == "Acme SLAP-1"
    reader = registry.open_reader(device_id(service))
    assert (reader.info.serial, reader.info.firmware) == ("SBI-FP-0042", "FW 2.4")
    verbs = [r["verb"] for r in service.requests]
    assert verbs[0] == "MOSIPDISC" and verbs[-1] == "MOSIPDINFO"


def test_rcapture_decodes_the_iso_image_and_checks_everything(
    service: SbiService, record: bytes, tmp_path: Path
) -> None:
    frame = open_reader(service, tmp_path).capture(5.0)
    expected = iso19794_4.parse(record).views[0].pixels()
    assert np.array_equal(frame.image, expected) and frame.size == (545, 622)
    assert frame.meta["quality_score"] == 80 and frame.meta["below_requested"] is False
    sent = service.requests[-1]["body"]
    assert (
        sent["bio"][0]["requestedScore"] == 40
        and sent["timeout"] == 5000
        and sent["purpose"] == "Registration"
    )


def test_low_quality_is_kept_and_flagged(service: SbiService, tmp_path: Path) -> None:
    service.mode = "low_quality"
    frame = open_reader(service, tmp_path).capture(5.0)
    assert frame.meta["quality_score"] == 25 and frame.meta["below_requested"] is True


@pytest.mark.parametrize(
    ("mode", "kind", "code"), [("busy", Busy, 111), ("not_registered", NotPermitted, 100)]
)
def test_sbi_error_codes_are_mapped(
    service: SbiService, tmp_path: Path, mode: str, kind: type, code: int
) -> None:
    reader = open_reader(service, tmp_path)
    service.mode = mode
    with pytest.raises(kind) as caught:
        reader.capture(5.0)
    assert caught.value.params["sbi_code"] == code


def test_a_device_not_registered_is_refused_at_open(service: SbiService, tmp_path: Path) -> None:
    service.mode = "not_registered"
    with pytest.raises(NotPermitted):
        open_reader(service, tmp_path)


def test_a_silent_device_times_out(service: SbiService, tmp_path: Path) -> None:
    reader = open_reader(service, tmp_path)
    service.mode = "slow"
    with pytest.raises(DeviceTimeout):
        reader.capture(0.5)
    service.release.set()


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("bad_signature", "signature does not verify"),
        ("broken_chain", "hash chain is broken"),
        ("stale", "away from this station's clock"),
        ("wrong_transaction", "transaction id"),
    ],
)
def test_untrustworthy_answers_are_refused(
    service: SbiService, tmp_path: Path, mode: str, words: str
) -> None:
    reader = open_reader(service, tmp_path)
    service.mode = mode
    with pytest.raises(UntrustedResponse) as caught:
        reader.capture(5.0)
    assert words in str(caught.value)


def test_a_device_from_an_unknown_provider_is_refused(service: SbiService, tmp_path: Path) -> None:
    with pytest.raises(UntrustedResponse, match="not issued by a device provider"):
        registry_for(service, tmp_path, DeviceProvider("Another CA")).open_reader(device_id(service))


def test_stream_gives_live_preview_frames(
    service: SbiService, real_print: np.ndarray, tmp_path: Path
) -> None:
    reader = open_reader(service, tmp_path)
    with reader.stream() as stream:
        frame = stream.read(5.0)
    assert frame.size == (real_print.shape[1], real_print.shape[0])
    assert np.abs(frame.image.astype(int) - real_print).mean() < 3  # JPEG: close, not equal


def test_iso_2005_records_decode_too(real_print: np.ndarray) -> None:
    import struct

    height, width = real_print.shape
    block = (
        struct.pack(">IBBBBBHHB", 14 + width * height, 2, 1, 0, 80, 0, width, height, 0)
        + real_print.tobytes()
    )
    header = (
        b"FIR\x00010\x00"
        + (32 + len(block)).to_bytes(6, "big")
        + struct.pack(">HHBBHHHHBBH", 0, 31, 1, 1, 500, 500, 500, 500, 8, 0, 0)
    )
    decoded = iso_image.decode(header + block)
    assert np.array_equal(decoded.pixels, real_print) and decoded.ppi == 500 and decoded.position == 2
