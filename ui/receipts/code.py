"""What the receipt's QR code carries, so the institute can check a paper receipt without trusting it.

The choice, and why:

- **Acuse** (the backend's verified receipt): the signed receipt itself, as compact JSON
  `{"v":1,"t":"acuse","k":<key id>,"p":<payload>,"s":<signature>}`. `p` is the base64 of the canonical
  JSON the backend signed (folio, packet id, station, masked CURP, received time, SHA-256 of the packet,
  test flag) and `s` its Ed25519 signature (base64) by the backend key `k`. Whoever holds the backend's
  public receipt keys (`docs/keys.md`) checks the paper offline with exactly the code a station uses
  (`kiosk.api.envelopes.open_document`) and reads what was signed: a forged or altered paper fails.
  It is about 500 bytes: QR version 17 at error correction M (85 modules), about 0.67 mm a module across
  the roll's 62 mm code, which a 203 dpi thermal printer and a phone camera both resolve. Co-signatures (other
  backend keys during a key rotation) are left out: one valid signature by a listed key suffices, and
  each would add about 130 bytes.
- **Anything that does not fit** version `MAX_VERSION` at M, and always the **provisional** and
  **refused** receipts: `{"v":1,"t":<kind>,"f":<folio or null>,"i":<packet id>,"d":<digest>}`. The
  provisional receipt is signed by the station's hybrid key (Ed25519 + ML-DSA-65: a 3373-byte signature,
  4.5 KB in base64), which no QR code holds; its packet id and digest are what the backend will record
  when the packet arrives, so the institute can match the paper to the delivered packet (and the
  backend's own Acuse) by them. A refused packet is found at the backend by the same two values.

`MAX_VERSION` 22 (105 modules, 113 with the quiet zone) keeps a module at about 0.55 mm across the
roll's 62 mm code, four dots of a 203 dpi print head; past it the code would print but not scan reliably.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import segno

from kiosk.enrol.submit import ReceiptView

FORMAT_VERSION = 1
ERROR = "m"
MAX_VERSION = 22


@dataclass(frozen=True)
class ReceiptCode:
    text: str  # what the code encodes (ASCII JSON)
    signed: bool  # True: the backend's signed receipt itself; False: folio, packet id and digest only
    qr: Any  # segno.QRCode

    @property
    def version(self) -> int:
        return int(self.qr.version)

    def modules(self) -> list[list[bool]]:
        """The symbol's dark modules, row by row, without the quiet zone."""
        return [[bool(v) for v in row] for row in self.qr.matrix]


def _compact(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=True)


def signed_text(view: ReceiptView) -> str | None:
    """The Acuse as the backend signed it, or None when this receipt carries no backend signature."""
    envelope = view.document
    if view.kind != "acuse" or not all(isinstance(envelope.get(k), str) for k in ("payload", "key_id")):
        return None
    if not isinstance(envelope.get("signature"), str):
        return None
    return _compact(
        {
            "v": FORMAT_VERSION,
            "t": "acuse",
            "k": envelope["key_id"],
            "p": envelope["payload"],
            "s": envelope["signature"],
        }
    )


def reference_text(view: ReceiptView) -> str:
    return _compact(
        {"v": FORMAT_VERSION, "t": view.kind, "f": view.folio, "i": view.packet_id, "d": view.digest}
    )


def receipt_code(view: ReceiptView, max_version: int = MAX_VERSION) -> ReceiptCode:
    """The code this receipt prints: the signed Acuse when it fits, else the reference to the packet."""
    signed = signed_text(view)
    if signed is not None:
        try:
            qr = segno.make_qr(signed, error=ERROR, boost_error=False)
        except segno.DataOverflowError:
            qr = None
        if qr is not None and int(qr.version) <= max_version:
            return ReceiptCode(signed, True, qr)
    text = reference_text(view)
    return ReceiptCode(text, False, segno.make_qr(text, error=ERROR, boost_error=False))


def envelope_of(text: str) -> dict[str, Any] | None:
    """A scanned Acuse code back as the envelope `open_document` verifies (None for a reference code)."""
    data = json.loads(text)
    if data.get("t") != "acuse" or "p" not in data:
        return None
    return {"payload": data["p"], "key_id": data["k"], "signature": data["s"], "cosignatures": []}
