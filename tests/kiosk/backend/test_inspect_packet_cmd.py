"""`kiosk backend inspect-packet`: a sealed packet opened with a backend directory's keys and stations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.backend.server import start_in_thread
from kiosk.cli.main import main
from kiosk.packet.samples import SAMPLE_CURP, sample_manifest
from kiosk.packet.seal import SealedPacket
from tests.fixtures.stores import Stores
from tests.kiosk.backend.support import Joined, add_users, join, sealed


@dataclass
class Scene:
    backend_dir: Path
    station: Joined
    delivered: Path  # a packet the backend accepted
    pending: Path  # one it has not received
    stranger: Path  # sealed for a station this backend does not know


def save(folder: Path, name: str, packet: SealedPacket) -> Path:
    path = folder / name
    path.write_bytes(packet.blob)
    return path


@pytest.fixture(scope="module")
def scene(backend_store: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """One per store (`backend_store`): on PostgreSQL + S3 the command reads the stations and the keys'
    rows from the database the backend served with, as a deployment's administrator would."""
    root = tmp_path_factory.mktemp("inspect")
    running = start_in_thread(root / "backend")
    add_users(running)
    station = join(running, root / "station")
    delivered, pending = sealed(station), sealed(station, seed=2)
    station.client.submit(delivered.packet_id, delivered.blob)
    stranger = sealed(station, sample_manifest(station_id="st-elsewhere00"))
    station.client.http.close()
    running.stop()
    yield Scene(
        root / "backend",
        station,
        save(root, "delivered.kpkt", delivered),
        save(root, "pending.kpkt", pending),
        save(root, "stranger.kpkt", stranger),
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_inspect_prints_the_verified_manifest_without_images(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "backend",
        "inspect-packet",
        str(scene.delivered),
        "--backend-dir",
        str(scene.backend_dir),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    blob = scene.delivered.read_bytes()
    assert data["size"] == len(blob) and data["header"]["suite"] == "mlkem768x25519"
    assert data["station"]["id"] == scene.station.station_id and not data["station"]["revoked"]
    assert data["signatures"] == {"station": ["ed25519", "mldsa65"], "operator_fiel": None}
    assert [(r["name"], r["format"]) for r in data["records"]] == [
        ("fingers", "iso19794-4:2011"),
        ("face", "iso19794-5:2011"),
    ]
    assert all(r["size"] > 1000 and len(r["sha256"]) == 64 for r in data["records"])
    manifest = data["manifest"]
    assert manifest["packet_id"] == data["packet_id"] and manifest["person"]["curp"] == SAMPLE_CURP
    assert len(manifest["fingers"]) == 10 and manifest["test"] is True
    assert data["received"]["folio"].startswith("ACU-") and data["received"]["same_bytes"] is True
    # No image bytes in what is printed: no WSQ, JPEG, JPEG 2000 or PNG signature, no base64 blobs.
    assert len(out) < 20_000 and "/9j/" not in out and "iVBOR" not in out


def test_inspect_in_plain_words(scene: Scene, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "backend", "inspect-packet", str(scene.pending), "--backend-dir", str(scene.backend_dir)
    )
    assert code == 0
    assert (
        "signatures and structure verified" in out
        and "10 fingers captured, 0 exceptions, face captured" in out
    )
    assert "not received" in out and "record fingers: iso19794-4:2011" in out
    assert SAMPLE_CURP not in out and SAMPLE_CURP[:4] in out  # the CURP is masked on screen


def test_a_tampered_packet_fails_with_its_reason(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blob = bytearray(scene.delivered.read_bytes())
    blob[-50] ^= 0x01
    spoilt = tmp_path / "spoilt.kpkt"
    spoilt.write_bytes(bytes(blob))
    code, out, err = run(
        capsys, "backend", "inspect-packet", str(spoilt), "--backend-dir", str(scene.backend_dir)
    )
    assert code != 0 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err == "kiosk: " + _packet_message("decryption_failed", scene, bytes(blob)) + "\n"


def _packet_message(code: str, scene: Scene, blob: bytes) -> str:
    from kiosk.backend.service import Backend
    from kiosk.packet.errors import PacketError
    from kiosk.packet.open import open_packet

    backend = Backend(scene.backend_dir)
    try:
        with pytest.raises(PacketError) as caught:
            open_packet(blob, backend.keys.hpke_private())
    finally:
        backend.close()
    assert caught.value.code == code
    return caught.value.render("en")


def test_a_packet_of_an_unknown_station_is_refused(scene: Scene, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "backend", "inspect-packet", str(scene.stranger), "--backend-dir", str(scene.backend_dir)
    )
    assert code != 0 and "st-elsewhere00" in err


def test_a_wrong_backend_directory_is_not_turned_into_a_backend(
    scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "backend", "inspect-packet", str(scene.delivered), "--backend-dir", str(tmp_path / "nothing")
    )
    assert code != 0 and "not a reference backend directory" in err
    assert not (tmp_path / "nothing").exists()
    code, _, err = run(
        capsys,
        "backend",
        "inspect-packet",
        str(tmp_path / "absent.kpkt"),
        "--backend-dir",
        str(scene.backend_dir),
    )
    assert code != 0 and "cannot read the packet" in err


def test_inspect_reads_the_store_named_on_the_command_line(
    scene: Scene, backend_store: Stores | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """As an administrator runs it: `--database` and `--objects` name the institute's store."""
    if backend_store is None:
        pytest.skip("the embedded store is the folder's own: there is nothing to name")
    chosen = backend_store.config(scene.backend_dir)
    assert chosen.database and chosen.objects
    argv = ["backend", "inspect-packet", str(scene.delivered), "--backend-dir", str(scene.backend_dir)]
    code, out, err = run(capsys, *argv, "--database", chosen.database, "--objects", chosen.objects, "--json")
    assert code == 0, err
    assert json.loads(out)["received"]["folio"].startswith("ACU-")
    # Another database (empty of this backend's stations) cannot vouch for the packet's station.
    other = backend_store.cluster.database()
    code, _, err = run(capsys, *argv, "--database", other, "--objects", chosen.objects)
    assert code != 0 and ("migrate" in err or "not a reference backend directory" in err)
