"""The provisional receipt: what a person takes home when the packet could not be delivered yet.

An offline station (or one whose backend is down) cannot give the backend's Acuse. It gives instead a
receipt signed by the station itself, saying "submission pending" and naming the packet by id and
digest, so the backend's receipt can later be matched to it. It promises nothing about acceptance; it
proves that this station sealed this packet for this (masked) person at this time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from kiosk.api.envelopes import b64, canonical_json, unb64
from kiosk.clock import rfc3339
from kiosk.station.keys import HybridSignature, StationPublicKeys

FORMAT = "kiosk-provisional-receipt-v1"
STATUS = "submission_pending"


def provisional_receipt(
    *,
    packet_id: str,
    digest: str,
    station_id: str,
    curp_masked: str,
    sealed_at: datetime,
    public_keys: Mapping[str, Any],
    sign: Callable[[bytes], bytes],
) -> dict[str, Any]:
    """The signed document (JSON-ready); `curp_masked` must already be masked (`kiosk.masking`)."""
    document = {
        "format": FORMAT,
        "status": STATUS,
        "packet_id": packet_id,
        "digest": digest,
        "station_id": station_id,
        "curp_masked": curp_masked,
        "sealed_at": rfc3339(sealed_at),
        "station_key_fingerprint": StationPublicKeys.from_json(dict(public_keys)).fingerprint,
    }
    return {"receipt": document, "signature": b64(sign(canonical_json(document)))}


def verify_provisional(signed: Mapping[str, Any], public: StationPublicKeys) -> dict[str, Any] | None:
    """The receipt's content when the station's hybrid signature verifies and it names that key, else None."""
    try:
        document = dict(signed["receipt"])
        signature = HybridSignature.from_bytes(unb64(signed["signature"]))
    except (KeyError, TypeError, ValueError):
        return None
    if document.get("format") != FORMAT or document.get("station_key_fingerprint") != public.fingerprint:
        return None
    return document if public.verify(canonical_json(document), signature) else None
