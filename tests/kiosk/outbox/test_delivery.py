"""The outbox against the real reference backend on loopback: delivered once, verified, purged, clean."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from kiosk.outbox import media
from kiosk.outbox.delivery import deliver_with, open_outbox, verify_stored_receipt
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from tests.fixtures.backend import join
from tests.fixtures.no_images import assert_no_plaintext_images
from tests.kiosk.outbox.helpers import Loopback


def sender_for(loopback: Loopback, store: OutboxStore, client: object = None) -> Sender:
    return Sender(store, deliver_with(client or loopback.station.client), rng=random.Random(0))  # type: ignore[arg-type]


def test_delivered_packets_carry_verified_receipts_and_leave_no_bytes_or_images(
    loopback: Loopback, tmp_path: Path, private_tmp: Path
) -> None:
    data_dir = tmp_path / "station"
    store = open_outbox(data_dir)
    packets = [loopback.seal() for _ in range(3)]
    for packet in packets:
        store.add(packet.packet_id, packet.blob, packet.digest, test=True)
    before = loopback.running.backend.stats()
    outcomes = sender_for(loopback, store).drain()
    assert [o.result for o in outcomes] == ["delivered"] * 3
    for packet in packets:
        kept = store.get(packet.packet_id)
        assert kept is not None and kept.state == "purged" and kept.blob is None and kept.receipt
        assert verify_stored_receipt(loopback.station.client, packet.packet_id, packet.digest, kept.receipt)
        assert not verify_stored_receipt(loopback.station.client, packet.packet_id, "0" * 64, kept.receipt)
    after = loopback.running.backend.stats()
    assert after["accepted"] - before["accepted"] == 3 and after["rejected"] == before["rejected"]
    raw = b"".join(p.read_bytes() for p in data_dir.iterdir() if p.is_file())
    assert not [p for p in packets if p.blob[500:564] in raw]
    store.close()
    assert_no_plaintext_images(data_dir, private_tmp)


def test_an_exported_packet_delivered_elsewhere_gets_the_same_receipt_at_home(
    loopback: Loopback, tmp_path: Path
) -> None:
    """Offline station exports; a connected one imports and delivers; the original later resends."""
    home = open_outbox(tmp_path / "home")
    packet = loopback.seal()
    home.add(packet.packet_id, packet.blob, packet.digest)
    keys = loopback.station.keys
    media.export(
        home, tmp_path / "usb", "home", keys.public.to_json(), lambda d: keys.sign(d).to_bytes(), 0.0
    )
    relay_station = join(loopback.running, tmp_path / "relay")
    relay = open_outbox(tmp_path / "relay")
    assert media.import_folder(relay, tmp_path / "usb")["imported"] == 1
    before = loopback.running.backend.stats()
    assert sender_for(loopback, relay, relay_station.client).deliver_one().result == "delivered"  # type: ignore[union-attr]
    assert sender_for(loopback, home).deliver_one().result == "delivered"  # type: ignore[union-attr]
    relayed, original = relay.get(packet.packet_id), home.get(packet.packet_id)
    assert relayed is not None and original is not None
    assert relayed.folio == original.folio and relayed.receipt == original.receipt
    assert verify_stored_receipt(
        loopback.station.client, packet.packet_id, packet.digest, original.receipt or ""
    )
    after = loopback.running.backend.stats()
    assert (after["accepted"] - before["accepted"], after["duplicates"] - before["duplicates"]) == (1, 1)
    relay_station.client.http.close()
    home.close()
    relay.close()


def test_tampered_or_replayed_packets_are_set_aside_with_the_backends_code(
    loopback: Loopback, store: OutboxStore
) -> None:
    from kiosk.packet.samples import sample_manifest, sample_records
    from kiosk.packet.seal import seal

    good = loopback.seal()
    cipher = bytearray(loopback.seal().blob)
    cipher[-40] ^= 0x01
    header = bytearray(loopback.seal().blob)
    header[12] ^= 0x01  # a bit of the packet id in the clear header (bound into the HPKE info)
    store.add(good.packet_id, good.blob, good.digest)
    sender = sender_for(loopback, store)
    assert sender.deliver_one().result == "delivered"  # type: ignore[union-attr]
    from kiosk.packet.header import decode

    cases = {
        decode(bytes(cipher)).packet_id: bytes(cipher),
        decode(bytes(header)).packet_id: bytes(header),
    }
    for packet_id, blob in cases.items():
        store.add(packet_id, blob, hashlib.sha256(blob).hexdigest())
    # The same id as the accepted packet with other content: the outbox itself refuses to hold both,
    # and a second outbox sending it is told the id was reused.
    manifest = sample_manifest(good.packet_id, station_id=loopback.station.link.station_id)
    replayed = seal(manifest, sample_records(seed=3), loopback.station.keys, loopback.recipient)
    assert not store.add(replayed.packet_id, replayed.blob, replayed.digest)
    other = open_outbox(store.path.parent / "other")
    other.add(replayed.packet_id, replayed.blob, replayed.digest)
    outcomes = {o.packet_id: o for o in sender.drain()}
    assert {outcomes[p].detail for p in cases} == {"decryption_failed"}
    replay = sender_for(loopback, other).deliver_one()
    assert replay is not None and (replay.result, replay.detail) == ("rejected", "packet_id_reused")
    assert store.counts()["rejected_by_reason"] == {"decryption_failed": 2}
    other.close()


def test_a_revoked_station_keeps_its_packets_queued(loopback: Loopback, tmp_path: Path) -> None:
    """Revocation is about the station, not the packet: nothing is thrown away, delivery waits."""
    revoked = join(loopback.running, tmp_path / "revoked")
    from kiosk.packet.samples import sample_manifest
    from kiosk.packet.seal import seal

    packet = seal(
        sample_manifest(station_id=revoked.link.station_id),
        loopback.records,
        revoked.keys,
        loopback.recipient,
    )
    store = open_outbox(tmp_path / "revoked")
    store.add(packet.packet_id, packet.blob, packet.digest)
    loopback.running.backend.revoke_station(revoked.link.station_id)
    outcome = sender_for(loopback, store, revoked.client).deliver_one()
    assert outcome is not None and (outcome.result, outcome.detail) == (
        "retry",
        "backend.error.station_revoked",
    )
    assert store.get(packet.packet_id).state == "sealed"  # type: ignore[union-attr]
    revoked.client.http.close()
    store.close()
