"""The backend's keys: Ed25519 signing keys (configuration and receipts) and HPKE keys (packets).

The store decides which keys there are and which one is current: each key is a row of `backend_keys`
(id, kind, public key, the moment it becomes current, the moment it retires). A rotation made by a
command while the backend runs is a new row, so every ingest process (threads, uvicorn workers,
instances on other machines) follows it without a restart: each re-reads the rows at most
`REFRESH_S` seconds after the last read, and at once when a packet names a key it does not know.

The private halves stay files in `keys/` (owner-only), never in the database: a copy of the database
and of the object store together must not open a single packet. Every machine running ingest
processes needs the folder's key files (from a secret store, say); a key made to become current
later (`activate_at`) gives the time to copy it before anyone uses it.

Keys rotate with overlap. An old signing key's public half stays published for good (a receipt signed
by it still verifies years later); until it retires it also co-signs, so a station that has not yet
seen the new key verifies what the backend signs. An old HPKE key opens packets sealed to it until it
retires (the grace window); after that such a packet is refused as `unknown_key`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.api.envelopes import b64, sign_document
from kiosk.backend.storage import Records
from kiosk.clock import Clock, parse_rfc3339, rfc3339, utcnow
from kiosk.packet import keys as hpke_keys
from kiosk.private import private_dir, write_private

REFRESH_ENV = "KIOSK_BACKEND_KEYS_REFRESH_S"
REFRESH_S = 2.0  # a rotation reaches every process this long after it was made, at the latest
DEFAULT_GRACE = dt.timedelta(days=30)  # an old key's overlap after a rotation (`rotate-keys --grace-days`)
SIGNING, HPKE = "signing", "hpke"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
log = logging.getLogger("kiosk.backend.keys")


class KeysMissing(RuntimeError):
    """A backend folder with no keys where keys were expected (read-only use never makes them)."""


@dataclass(frozen=True)
class KeyRow:
    key_id: str
    kind: str
    suite: str | None
    public_key: str  # base64 of the raw public key
    active_from: dt.datetime
    retire_at: dt.datetime | None

    def retired(self, now: dt.datetime) -> bool:
        return self.retire_at is not None and self.retire_at <= now

    def active(self, now: dt.datetime) -> bool:
        return self.active_from <= now


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def _raw_public(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class BackendKeys:
    def __init__(
        self,
        directory: Path,
        records: Records,
        clock: Clock = utcnow,
        *,
        create: bool = True,
        refresh_s: float | None = None,
    ) -> None:
        """`create` False: read what exists, make nothing (`inspect-packet` must not change a folder)."""
        self.dir = private_dir(directory) if create else Path(directory)
        self.records = records
        self.clock = clock
        self.refresh_s = float(os.environ.get(REFRESH_ENV, REFRESH_S)) if refresh_s is None else refresh_s
        self._rows: tuple[KeyRow, ...] = ()
        self._read_at = -float("inf")
        self._private: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        if create:
            self._ensure()
        self.refresh(force=True)
        if not self._rows and not create:
            self._rows = tuple(self._rows_from_index())  # an install older than the keys table
        if not any(r.kind == SIGNING for r in self._rows) or not any(r.kind == HPKE for r in self._rows):
            raise KeysMissing(str(directory))

    # -- the rows -----------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Re-read the rows when the last read is older than `refresh_s` (or now); True when they changed."""
        if not force and time.monotonic() - self._read_at < self.refresh_s:
            return False
        rows = tuple(
            KeyRow(
                r["key_id"],
                r["kind"],
                r["suite"],
                r["public_key"],
                parse_rfc3339(r["active_from"]),
                parse_rfc3339(r["retire_at"]) if r["retire_at"] else None,
            )
            for r in self.records.all("SELECT * FROM backend_keys ORDER BY active_from, key_id")
        )
        self._read_at = time.monotonic()
        changed = rows != self._rows
        self._rows = rows
        return changed

    def rows(self, kind: str) -> list[KeyRow]:
        self.refresh()
        return [r for r in self._rows if r.kind == kind]

    def _current_row(self, kind: str, held: bool = False) -> KeyRow:
        now = self.clock()
        candidates = [r for r in self.rows(kind) if r.active(now) and not r.retired(now)]
        if not candidates:  # every key retired or none active yet: the newest active one still serves
            candidates = [r for r in self.rows(kind) if r.active(now)] or self.rows(kind)
        chosen = max(candidates, key=lambda r: (r.active_from, r.key_id))
        if held and self._load(chosen) is None:
            fallback = [r for r in candidates if self._load(r) is not None]
            if not fallback:
                raise KeysMissing(f"no {kind} key file in {self.dir}")
            if chosen.key_id not in self._warned:
                self._warned.add(chosen.key_id)
                log.warning(
                    "the current %s key's file is not in %s: signing with an older key", kind, self.dir
                )
            chosen = max(fallback, key=lambda r: (r.active_from, r.key_id))
        return chosen

    # -- private halves -----------------------------------------------------------------------------
    def _path(self, row: KeyRow) -> Path:
        return self.dir / (f"{row.key_id}.pem" if row.kind == SIGNING else f"{row.key_id}.hpke.json")

    def _load(self, row: KeyRow) -> Any:
        """The private key of `row` (cached), or None when this machine does not hold its file."""
        if row.key_id in self._private:
            return self._private[row.key_id]
        path = self._path(row)
        if not path.is_file():
            return None
        if row.kind == SIGNING:
            key: Any = serialization.load_pem_private_key(path.read_bytes(), None)
        else:
            key = hpke_keys.BackendPrivateKey.load(path)
        with self._lock:
            self._private[row.key_id] = key
        return key

    # -- making and rotating ------------------------------------------------------------------------
    def _ensure(self) -> None:
        """The first keys of a new backend (or those of an install older than the keys table), once:
        under the store's writer lock, so processes starting together never make two sets."""
        if {r["kind"] for r in self.records.all("SELECT DISTINCT kind FROM backend_keys")} >= {SIGNING, HPKE}:
            return  # the usual case: no writer lock taken to find out
        with self.records.transaction() as db:
            kinds = {r["kind"] for r in db.execute("SELECT DISTINCT kind FROM backend_keys").fetchall()}
            if kinds >= {SIGNING, HPKE}:
                return
            imported = [r for r in self._rows_from_index() if r.kind not in kinds]
            for row in imported:
                self._insert(db, row)
            kinds |= {r.kind for r in imported}
            now = self.clock()
            if SIGNING not in kinds:
                self._insert(db, self._make_signing(now))
            if HPKE not in kinds:
                self._insert(db, self._make_hpke("mlkem768x25519", now))

    def _rows_from_index(self) -> list[KeyRow]:
        """Keys listed by `index.json` (installs before the keys table): the current one after the others."""
        index_path = self.dir / "index.json"
        if not index_path.is_file():
            return []
        index = json.loads(index_path.read_text(encoding="utf-8"))
        rows = []
        for kind in (SIGNING, HPKE):
            for key_id, info in dict(index.get(kind, {})).items():
                current = bool(isinstance(info, dict) and info.get("current"))
                start = _EPOCH + dt.timedelta(seconds=1 if current else 0)
                if kind == SIGNING:
                    path = self.dir / f"{key_id}.pem"
                    private = serialization.load_pem_private_key(path.read_bytes(), None)
                    assert isinstance(private, Ed25519PrivateKey)
                    rows.append(KeyRow(key_id, kind, None, b64(_raw_public(private)), start, None))
                else:
                    hpke = hpke_keys.BackendPrivateKey.load(self.dir / f"{key_id}.hpke.json")
                    public = b64(hpke.public_key().public_bytes)
                    rows.append(KeyRow(key_id, kind, hpke.suite.value, public, start, None))
        return rows

    def _make_signing(self, active_from: dt.datetime) -> KeyRow:
        key_id = _new_id("sig")
        key = Ed25519PrivateKey.generate()
        write_private(
            self.dir / f"{key_id}.pem",
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
        )
        self._private[key_id] = key
        return KeyRow(key_id, SIGNING, None, b64(_raw_public(key)), active_from, None)

    def _make_hpke(self, suite: str, active_from: dt.datetime) -> KeyRow:
        key = hpke_keys.BackendPrivateKey.generate(suite)  # key id derived from the public key
        key.save(self.dir / f"{key.key_id}.hpke.json")
        self._private[key.key_id] = key
        public = b64(key.public_key().public_bytes)
        return KeyRow(key.key_id, HPKE, key.suite.value, public, active_from, None)

    def _insert(self, db: Any, row: KeyRow) -> None:
        db.execute(
            "INSERT INTO backend_keys (key_id, kind, suite, public_key, created_at, active_from, retire_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                row.key_id,
                row.kind,
                row.suite,
                row.public_key,
                rfc3339(self.clock()),
                rfc3339(row.active_from),
                rfc3339(row.retire_at) if row.retire_at else None,
            ),
        )

    def _rotate(
        self, kind: str, make: Any, activate_at: dt.datetime | None, grace: dt.timedelta | None
    ) -> str:
        """A new key of `kind`, current from `activate_at` (default now); the others retire `grace` after
        that (None: they are kept until a later rotation retires them)."""
        with self.records.transaction() as db:
            starts = [
                parse_rfc3339(r["active_from"])
                for r in db.execute("SELECT active_from FROM backend_keys WHERE kind = ?", (kind,)).fetchall()
            ]
            start = activate_at or self.clock()
            if starts and start <= max(starts):  # strictly after every other: "current" is never a tie
                start = max(starts) + dt.timedelta(milliseconds=1)
            row: KeyRow = make(start)
            self._insert(db, row)
            if grace is not None:
                retire = rfc3339(start + grace)
                db.execute(
                    "UPDATE backend_keys SET retire_at = ? WHERE kind = ? AND key_id <> ? "
                    "AND (retire_at IS NULL OR retire_at > ?)",
                    (retire, kind, row.key_id, retire),
                )
        self.refresh(force=True)
        return row.key_id

    def rotate_signing(
        self, activate_at: dt.datetime | None = None, grace: dt.timedelta | None = DEFAULT_GRACE
    ) -> str:
        return self._rotate(SIGNING, self._make_signing, activate_at, grace)

    def rotate_hpke(
        self,
        suite: str = "mlkem768x25519",
        activate_at: dt.datetime | None = None,
        grace: dt.timedelta | None = DEFAULT_GRACE,
    ) -> str:
        return self._rotate(HPKE, lambda start: self._make_hpke(suite, start), activate_at, grace)

    # -- signing ------------------------------------------------------------------------------------
    @property
    def signing_key_id(self) -> str:
        return self._current_row(SIGNING, held=True).key_id

    def signing_key(self) -> Ed25519PrivateKey:
        key = self._load(self._current_row(SIGNING, held=True))
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def private_signing(self, key_id: str) -> Ed25519PrivateKey:
        """One signing key by id (tests sign as the backend would with only that key)."""
        key = self._load(next(r for r in self.rows(SIGNING) if r.key_id == key_id))
        assert isinstance(key, Ed25519PrivateKey)
        return key

    def cosigning_keys(self) -> dict[str, Ed25519PrivateKey]:
        """The held signing keys other than the current one that have not retired: they co-sign
        configurations and receipts, so a station that has not yet seen the new key still verifies
        them (docs/keys.md)."""
        now = self.clock()
        current = self.signing_key_id
        out = {}
        for row in self.rows(SIGNING):
            if row.key_id != current and not row.retired(now):
                key = self._load(row)
                if isinstance(key, Ed25519PrivateKey):
                    out[row.key_id] = key
        return out

    def sign(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """A signed envelope: the current key's signature and the other keys' co-signatures."""
        current = self._current_row(SIGNING, held=True)
        key = self._load(current)
        assert isinstance(key, Ed25519PrivateKey)
        return sign_document(document, key, current.key_id, self.cosigning_keys())

    def signing_public_b64(self) -> dict[str, str]:
        """Every signing key ever used or announced, retired ones too: old receipts still verify."""
        return {r.key_id: r.public_key for r in self.rows(SIGNING)}

    # -- packets ------------------------------------------------------------------------------------
    @property
    def hpke_current_id(self) -> str:
        return self._current_row(HPKE).key_id

    def hpke_private(self) -> dict[str, hpke_keys.BackendPrivateKey]:
        """The keys that open packets now: every held HPKE key that has not retired."""
        now = self.clock()
        out = {}
        for row in self.rows(HPKE):
            if not row.retired(now):
                key = self._load(row)
                if key is not None:
                    out[row.key_id] = key
        return out

    def hpke_public(self) -> list[dict[str, object]]:
        """What the configuration announces: the keys not retired, the current one marked (a key that
        becomes current later is listed ahead, not current)."""
        now = self.clock()
        current = self.hpke_current_id
        return [
            {"key_id": r.key_id, "suite": r.suite, "public_key": r.public_key, "current": r.key_id == current}
            for r in self.rows(HPKE)
            if not r.retired(now)
        ]
