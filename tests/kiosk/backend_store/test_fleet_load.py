"""The fleet load test delivers packets of the institute's size (~0.5 MB), and they verify as real ones."""

from __future__ import annotations

import json

import pytest

from kiosk.benches import fleet_packets
from kiosk.cli.main import main
from kiosk.packet.keys import BackendPrivateKey
from kiosk.packet.open import open_packet
from kiosk.packet.seal import seal
from kiosk.station.keys import StationKeys


@pytest.mark.parametrize("target_kb", [300, 500, 800])
def test_the_packets_come_to_the_size_asked_and_open(target_kb: int) -> None:
    station, backend_key = StationKeys.generate(), BackendPrivateKey.generate("mlkem768x25519")
    records = fleet_packets.records(target_kb, 3)
    packet = seal(fleet_packets.manifest("st-load"), records, station, backend_key.public_key())
    assert abs(len(packet.blob) / 1024 - target_kb) < 0.1 * target_kb
    opened = open_packet(packet.blob, {backend_key.key_id: backend_key})
    assert opened.manifest.face is not None and (opened.manifest.face.width, opened.manifest.face.height) == (
        fleet_packets.FACE_WIDTH,
        fleet_packets.FACE_HEIGHT,
    )
    assert [r.name for r in opened.manifest.records] == ["fingers", "face"]


def test_kiosk_backend_load_delivers_half_megabyte_packets_once_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["backend", "load", "--stations", "2", "--packets", "2", "--workers", "2", "--json"]
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["packets"], row["accepted"], row["duplicates"], row["rejected"]) == (4, 4, 0, 0)
    assert 450 <= row["packet_kb"] <= 550
