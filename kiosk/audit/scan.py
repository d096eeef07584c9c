"""What the audit log says about packets, read fast: which were sealed, which got a receipt.

The outbox is cross-checked against the log before every session (`kiosk.outbox.health`), so this
reads only the lines that can matter: a line is parsed only when its bytes name one of the events
below (canonical JSON: `"event":"seal"` appears verbatim). It trusts what it reads; `kiosk audit
verify` is what checks the chain. An `outbox_salvaged` entry marked `reconciled` closes the account:
packets sealed before it that are not in the outbox were dealt with by the technician who ran it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.audit import events
from kiosk.audit.chain import log_files, parse_entry

_WANTED = tuple(
    f'"event":"{name}"'.encode() for name in (events.SEAL, events.RECEIPT, events.OUTBOX_SALVAGED)
)


@dataclass
class PacketAccount:
    """Packets the log records since the last reconciliation: packet id -> when sealed (log order)."""

    sealed: dict[str, str] = field(default_factory=dict)
    delivered: set[str] = field(default_factory=set)
    last_seq: int = 0


def packet_account(directory: Path) -> PacketAccount:
    """Read the log in `directory` (the `audit/` folder); an absent folder is an empty account.

    Packet ids are as the log holds them: masked where one happened to look like an identifier, so a
    caller compares them with `kiosk.masking.forms_in_logs` of its own ids."""
    account = PacketAccount()
    for path in log_files(directory):
        data = path.read_bytes()  # a file is at most a few MiB (rotation)
        for raw in _lines_with(data):
            try:
                entry = parse_entry(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            _take(account, entry)
    return account


def _lines_with(data: bytes) -> list[bytes]:
    """The lines of `data` naming one of the wanted events, in file order (found by `bytes.find`, so
    the lines that do not matter are never looked at one by one)."""
    found: dict[int, bytes] = {}
    for marker in _WANTED:
        position = data.find(marker)
        while position >= 0:
            start = data.rfind(b"\n", 0, position) + 1
            end = data.find(b"\n", position)
            end = len(data) if end < 0 else end
            found[start] = data[start:end]
            position = data.find(marker, end)
    return [found[start] for start in sorted(found)]


def _take(account: PacketAccount, entry: dict[str, object]) -> None:
    fields = entry["fields"]
    assert isinstance(fields, dict)
    packet_id = fields.get("packet_id")
    event = entry["event"]
    seq = entry["seq"]
    account.last_seq = seq if isinstance(seq, int) else account.last_seq
    if event == events.OUTBOX_SALVAGED:
        if fields.get("reconciled") is True:
            account.sealed.clear()
            account.delivered.clear()
    elif isinstance(packet_id, str):
        if event == events.SEAL:
            account.sealed[packet_id] = str(entry["ts"])
        else:
            account.delivered.add(packet_id)
