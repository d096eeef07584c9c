"""`kiosk bench` rows of records and packets (registered as `packet` in `kiosk.benchmarks`).

The inputs are synthetic captures made before timing starts: ten 400x500 prints and a 480x640 token face,
the sizes of a single-finger 500 ppi reader and a token cropped from an HD webcam still.
"""

from __future__ import annotations

from collections.abc import Iterator

from devices.positions import ALL_FINGERS
from kiosk.bench import Row, row_ms, time_ms
from kiosk.packet import BackendPrivateKey, PacketSuite, open_packet, seal
from kiosk.packet.samples import sample_manifest, synthetic_face, synthetic_finger, token_eyes
from kiosk.records import iso19794_4, iso19794_5
from kiosk.station.keys import StationKeys


def rows(quick: bool) -> Iterator[Row]:
    runs = 5 if quick else 20
    fingers = [(f, synthetic_finger(int(f))) for f in ALL_FINGERS]
    face = synthetic_face(480, 640)

    def build_records() -> dict[str, bytes]:
        views = [iso19794_4.wsq_view(pixels, finger, 60) for finger, pixels in fingers]
        portrait = iso19794_5.jpeg_face(
            face,
            face_type=iso19794_5.FaceImageType.TOKEN_FRONTAL,
            pose=(0.4, 2.1, -0.3),
            eyes=token_eyes(480),
        )
        return {"fingers": iso19794_4.encode(views), "face": iso19794_5.encode([portrait])}

    yield row_ms(
        "packet.build_records",
        time_ms(build_records, runs),
        "<= 300 ms",
        "10 fingers 400x500 WSQ + face 480x640 JPEG, ISO 19794-4/-5 records",
    )
    records = build_records()
    size = sum(len(r) for r in records.values()) // 1024
    station = StationKeys.generate()
    manifest = sample_manifest()
    for suite in PacketSuite:
        key = BackendPrivateKey.generate(suite)
        recipient = key.public_key()
        name = "packet.seal" if suite is PacketSuite.MLKEM768_X25519 else f"packet.seal.{suite.value}"
        yield row_ms(
            name,
            time_ms(lambda: seal(manifest, records, station, recipient), runs * 2),  # noqa: B023
            "<= 15 ms" if suite is PacketSuite.MLKEM768_X25519 else "",
            f"Ed25519 + ML-DSA-65 signatures, HPKE {suite.value}, {size} KiB of records",
        )
        blob = seal(manifest, records, station, recipient).blob
        yield row_ms(
            f"packet.open.{suite.value}",
            time_ms(lambda: open_packet(blob, {key.key_id: key}), runs * 2),  # noqa: B023
            "",
            "backend side: decrypt, verify signatures, manifest schema, record structure",
        )
