"""What may go into an audit entry: JSON scalars, identifiers masked, never image or template bytes.

The audit log outlives every enrolment and is read by people who must not see whom it was about, so
every string passes through `kiosk.masking` (keys that name an identifier are masked by that
identifier's rule even when the value is malformed and the free-text patterns would miss it). Biometric
data has no business here at all: bytes, arrays and long base64/hex runs are refused with an error
rather than quietly dropped, so the caller that tried is found by its tests, not by an auditor.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any

from kiosk.errors import KioskError
from kiosk.masking import mask_curp, mask_nss, mask_rfc, mask_text

MAX_TEXT = 500  # free text longer than this is cut: an audit entry says what happened, not everything
MAX_DEPTH = 4
MAX_ITEMS = 64
# A run this long of base64 or hex characters is an encoded blob (an image, a template, a key), not text.
_BLOB_RE = re.compile(r"[A-Za-z0-9+/=_-]{200,}")
_DATA_URI_RE = re.compile(r"^\s*data:[\w.+-]+/[\w.+-]+[;,]", re.IGNORECASE)
# Magic numbers of the records the kiosk handles: PNG, JPEG, JPEG 2000, WSQ, ISO 19794 FIR/FAC/FMR.
_MAGIC = ("\x89PNG", "\xff\xd8\xff", "\x00\x00\x00\x0cjP", "\xff\xa0\xff", "FIR\x00", "FAC\x00", "FMR\x00")
_IMAGE_KEYS = re.compile(r"(image|template|minutiae|png|jpeg|jpg|wsq|frame|pixels|bitmap|photo_data)", re.I)


def _mask_by_key(key: str, value: str) -> str:
    lowered = key.lower()
    if "curp" in lowered:
        return mask_curp(value.strip())
    if "nss" in lowered:
        return mask_nss(value.strip())
    if "rfc" in lowered:
        return mask_rfc(value.strip())
    return mask_text(value)


def _text(path: str, key: str, value: str) -> str:
    if _DATA_URI_RE.match(value) or value.startswith(_MAGIC) or _BLOB_RE.search(value):
        raise KioskError("audit.binary_refused", field=path)
    if "\x00" in value:
        raise KioskError("audit.binary_refused", field=path)
    masked = _mask_by_key(key, value)
    return masked if len(masked) <= MAX_TEXT else masked[: MAX_TEXT - 1] + "…"


def clean_value(path: str, key: str, value: Any, depth: int = 0) -> Any:
    """One value made safe for the log, or `KioskError` naming the field that cannot be."""
    if depth > MAX_DEPTH:
        raise KioskError("audit.too_deep", field=path)
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # a numpy scalar (a score, a count): its Python value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, bytes | bytearray | memoryview) or hasattr(value, "__array_interface__"):
        raise KioskError("audit.binary_refused", field=path)
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str):
        return _text(path, key, value)
    if isinstance(value, numbers.Integral):
        return _mask_by_key(key, str(int(value))) if _is_identifier_key(key) else int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return _text(path, key, str(value))
    if isinstance(value, Mapping):
        return clean_fields(value, path, depth + 1)
    if isinstance(value, list | tuple | set | frozenset):
        if len(value) > MAX_ITEMS:  # a long list of numbers is pixels or minutiae in disguise
            raise KioskError("audit.binary_refused", field=path)
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [clean_value(f"{path}[{i}]", key, item, depth + 1) for i, item in enumerate(items)]
    raise KioskError("audit.unsupported_field", field=path, kind=type(value).__name__)


def _bulky(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) > 128
    return value is not None and not isinstance(value, bool | numbers.Real)


def _is_identifier_key(key: str) -> bool:
    lowered = key.lower()
    return any(name in lowered for name in ("curp", "nss", "rfc"))


def clean_fields(fields: Mapping[str, Any], path: str = "fields", depth: int = 0) -> dict[str, Any]:
    """The `fields` of an entry: string keys, values cleaned; a key that names image data is refused."""
    cleaned: dict[str, Any] = {}
    for key, value in fields.items():
        if not isinstance(key, str):
            raise KioskError("audit.unsupported_field", field=path, kind=type(key).__name__)
        where = f"{path}.{key}"
        if _IMAGE_KEYS.search(key) and _bulky(value):
            # "image_quality": 57 and "image_format": "wsq" are fine; "image": <a blob or a list> is not.
            raise KioskError("audit.binary_refused", field=where)
        cleaned[key] = clean_value(where, key, value, depth)
    return cleaned


def clean_actor(actor: str | None) -> str | None:
    """Operator ids are user names or, for employers, an RFC: shown masked like any identifier."""
    if actor is None:
        return None
    return _text("actor", "actor", str(actor))
