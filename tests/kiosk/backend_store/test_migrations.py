"""Schema versions: from an empty database and from the version before, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from kiosk.backend import parts
from kiosk.backend.migrations import LATEST, migrate_postgresql, postgresql_version, sqlite_version
from kiosk.backend.pgstore import PgRecords, SchemaBehind
from kiosk.backend.store import SCHEMA, Store
from kiosk.cli.main import main
from kiosk.sqlite_db import connect


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _indexes_sqlite(path: Path) -> set[str]:
    db = connect(path, "")
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        db.close()


def _packet_row(n: int) -> tuple[object, ...]:
    return (f"p-{n}", "st-1", f"{n:064x}", 10, "2026-01-01T00:00:00Z", f"ACU-20260101-{n:07d}", "{}", 1)


def test_sqlite_from_empty_is_at_the_latest_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "backend.db")
    try:
        versions = [r[0] for r in store.all("SELECT version FROM schema_version ORDER BY version")]
    finally:
        store.close()
    assert versions == list(range(1, LATEST + 1))
    assert {"events_kind", "packets_station"} <= _indexes_sqlite(tmp_path / "backend.db")


def test_sqlite_made_before_versions_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "backend.db"
    old = connect(path, SCHEMA)  # what the backend wrote before schema versions existed: version 1
    for n in (1, 2, 3):
        old.execute("INSERT INTO packets VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _packet_row(n))
    assert sqlite_version(old) == 1
    old.close()
    assert "events_kind" not in _indexes_sqlite(path)

    store = Store(path)
    try:
        assert store.one("SELECT MAX(version) AS v FROM schema_version")["v"] == LATEST
        assert [r["packet_id"] for r in store.all("SELECT packet_id FROM packets ORDER BY packet_id")] == [
            "p-1",
            "p-2",
            "p-3",
        ]
        with store.transaction() as db:
            assert store.next_folio_number(db) == 4
    finally:
        store.close()
    assert "events_kind" in _indexes_sqlite(path)


def test_migrate_command_on_sqlite_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "backend", "migrate", "--backend-dir", str(tmp_path / "b"), "--json")
    assert code == 0 and json.loads(out)["version"] == LATEST
    code, out, _ = run(capsys, "backend", "migrate", "--backend-dir", str(tmp_path / "b"), "--json")
    assert code == 0 and json.loads(out)["applied"] == []


def test_postgresql_from_empty_by_the_command(
    pg_cluster: parts.PostgreSQL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.database()
    base = ("backend", "migrate", "--backend-dir", str(tmp_path / "b"), "--database", url, "--json")
    code, out, _ = run(capsys, *base)
    assert code == 0
    assert json.loads(out) == {"version": LATEST, "applied": list(range(1, LATEST + 1))}
    code, out, _ = run(capsys, *base)
    assert json.loads(out) == {"version": LATEST, "applied": []}  # forward only, nothing twice
    records = PgRecords(url)
    try:
        assert records.meta("nothing-yet") is None
    finally:
        records.close()


def test_postgresql_from_the_previous_version_keeps_data_and_numbering(
    pg_cluster: parts.PostgreSQL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.database()
    with psycopg.connect(url, autocommit=True) as conn:
        assert migrate_postgresql(conn, target=1) == [1]
        for n in (1, 2, 3):  # packets from before receipt numbers came from a sequence (version 2)
            conn.execute("INSERT INTO packets VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", _packet_row(n))
        assert migrate_postgresql(conn, target=LATEST - 1) == list(range(2, LATEST))
    with pytest.raises(SchemaBehind):  # a backend does not serve an older schema
        PgRecords(url)
    (tmp_path / "keys").mkdir()  # a backend folder (its keys) whose records are in PostgreSQL
    code, _, err = run(capsys, "backend", "stats", "--backend-dir", str(tmp_path), "--database", url)
    assert code != 0 and "kiosk backend migrate" in err and "Traceback" not in err

    code, out, _ = run(
        capsys, "backend", "migrate", "--backend-dir", str(tmp_path / "b"), "--database", url, "--json"
    )
    assert json.loads(out) == {"version": LATEST, "applied": [LATEST]}
    records = PgRecords(url)
    try:
        assert [r["packet_id"] for r in records.all("SELECT packet_id FROM packets ORDER BY packet_id")] == [
            "p-1",
            "p-2",
            "p-3",
        ]
        with records.transaction() as db:
            assert records.next_folio_number(db) == 4  # receipt numbers go on from the packets there
    finally:
        records.close()
    with psycopg.connect(url) as conn:
        assert postgresql_version(conn) == LATEST


def test_the_keys_of_an_install_older_than_the_keys_table_are_taken_over(tmp_path: Path) -> None:
    """`keys/index.json` named the keys and the current one: the store's rows take them over as they were."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk.backend.service import Backend
    from kiosk.packet.keys import BackendPrivateKey

    keys = tmp_path / "keys"
    keys.mkdir()
    index: dict[str, dict[str, dict[str, object]]] = {"signing": {}, "hpke": {}}
    for key_id, current in (("sig-00000001", False), ("sig-00000002", True)):
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (keys / f"{key_id}.pem").write_bytes(pem)
        index["signing"][key_id] = {"current": current}
    hpke = BackendPrivateKey.generate("x25519")
    hpke.save(keys / f"{hpke.key_id}.hpke.json")
    index["hpke"][hpke.key_id] = {"current": True, "suite": "x25519"}
    (keys / "index.json").write_text(json.dumps(index))
    backend = Backend(tmp_path)
    try:
        assert backend.keys.signing_key_id == "sig-00000002"
        assert set(backend.keys.signing_public_b64()) == {"sig-00000001", "sig-00000002"}
        assert backend.keys.hpke_current_id == hpke.key_id
        assert [k["suite"] for k in backend.keys.hpke_public()] == ["x25519"]
    finally:
        backend.close()
