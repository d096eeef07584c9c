"""Identifiers shown in part: enough for a clerk to recognise a person, too little to find one.

Logs, the audit log and receipts all mask through here, so there is one rule for what is kept.
"""

from __future__ import annotations

import re

# Patterns are deliberately loose (they must catch typos too): any 18-character CURP shape,
# any 12/13-character RFC shape, any run of exactly 11 digits (NSS).
CURP_RE = re.compile(r"(?<![A-Z0-9])[A-Z][A-Z0-9]{3}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d(?![A-Z0-9])", re.IGNORECASE)
# An RFC shape right after a hyphen is a UUID's last group ("…-ccb448772a6e"), not an RFC.
RFC_RE = re.compile(r"(?<![A-Z0-9&Ñ-])[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}(?![A-Z0-9])", re.IGNORECASE)
# Not inside a run of hexadecimal digits: a session id or a hash may hold eleven decimal digits in a row
# ("a51234567890123f") and is not an NSS (an NSS written after letters, "NSS12345678901", still is).
NSS_RE = re.compile(r"(?<![0-9A-Fa-f])\d{11}(?![0-9A-Fa-f])")
# The two looser rules audit logs were written with until 2026-12: a packet or session id may stand
# masked by them in an old log, and a cross-check must still recognise it (`forms_in_logs`).
_RFC_RE_UNTIL_2026_12 = re.compile(r"(?<![A-Z0-9&Ñ])[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}(?![A-Z0-9])", re.IGNORECASE)
_NSS_RE_UNTIL_2026_12 = re.compile(r"(?<!\d)\d{11}(?!\d)")


def mask_curp(curp: str) -> str:
    return curp[:4] + "*" * max(len(curp) - 6, 0) + curp[-2:] if len(curp) > 6 else "*" * len(curp)


def mask_rfc(rfc: str) -> str:
    return rfc[:4] + "*" * max(len(rfc) - 7, 0) + rfc[-3:] if len(rfc) > 7 else "*" * len(rfc)


def mask_nss(nss: str) -> str:
    return "*" * max(len(nss) - 4, 0) + nss[-4:]


def mask_text(text: str) -> str:
    """Mask every identifier-shaped run in free text (log lines, exception messages)."""
    return _masked(text, RFC_RE, NSS_RE)


def _masked(text: str, rfc: re.Pattern[str], nss: re.Pattern[str]) -> str:
    text = CURP_RE.sub(lambda m: mask_curp(m.group(0)), text)
    text = rfc.sub(lambda m: mask_rfc(m.group(0)), text)
    return nss.sub(lambda m: mask_nss(m.group(0)), text)


def forms_in_logs(text: str) -> set[str]:
    """Every way `text` may stand in a log: whole, masked by today's rules, or by the earlier looser ones
    (an upgraded station keeps its old audit log, and its sealed packets must still be found)."""
    return {text, mask_text(text), _masked(text, _RFC_RE_UNTIL_2026_12, _NSS_RE_UNTIL_2026_12)}
