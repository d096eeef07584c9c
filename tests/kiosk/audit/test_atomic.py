"""Appends are whole or nothing: a disk that fills up halfway through a line leaves no fragment that
`audit verify` would call tampering, and a line torn by a crash is told apart from an edited one."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from kiosk.audit import AuditLog, events, log, verify_log
from kiosk.audit.chain import CHECKPOINTS_FILE, log_files
from kiosk.errors import KioskError
from tests.kiosk.audit.conftest import Keys


def full_after(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    """The disk takes `budget` more bytes, then answers ENOSPC (a short write first, as Linux does)."""
    left = [budget]

    def write_some(fd: int, data: memoryview) -> int:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        taken = os.write(fd, data[: left[0]])
        left[0] -= taken
        return taken

    monkeypatch.setattr(log, "_write_some", write_some)


@pytest.mark.fault
def test_a_full_disk_mid_entry_leaves_the_log_as_it_was(
    audit_dir: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = AuditLog(audit_dir, sign=keys.sign, checkpoint_every=1000)
    for n in range(3):
        audit.append(events.LOGIN, actor=f"op-{n}")
    before = log_files(audit_dir)[-1].read_bytes()
    full_after(monkeypatch, 40)
    with pytest.raises(KioskError) as caught:
        audit.append(events.LOGOUT, actor="op-2")
    assert caught.value.message.code == "audit.disk_full"
    assert log_files(audit_dir)[-1].read_bytes() == before  # no fragment left behind
    monkeypatch.undo()
    audit.append(events.LOGOUT, actor="op-2")  # space freed: the log goes on
    audit.close()
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok, report.issues
    assert report.last_seq == 4 and not report.notes


@pytest.mark.fault
def test_a_full_disk_mid_checkpoint_leaves_no_torn_checkpoint(
    audit_dir: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = AuditLog(audit_dir, sign=keys.sign, checkpoint_every=1000)
    audit.append(events.LOGIN, actor="op-1")  # the first entry is checkpointed at once
    audit.append(events.LOGOUT, actor="op-1")
    points = (audit_dir / CHECKPOINTS_FILE).read_bytes()
    full_after(monkeypatch, 30)
    with pytest.raises(KioskError):
        audit.checkpoint()
    assert (audit_dir / CHECKPOINTS_FILE).read_bytes() == points
    monkeypatch.undo()
    assert audit.checkpoint() is not None
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok and report.checkpoints == 2 and report.unprotected == 0


@pytest.mark.fault
def test_a_checkpoint_torn_by_a_crash_is_a_note_and_the_writer_drops_it(audit_dir: Path, keys: Keys) -> None:
    audit = AuditLog(audit_dir, sign=keys.sign, checkpoint_every=1000)
    audit.append(events.LOGIN, actor="op-1")
    audit.append(events.LOGOUT, actor="op-1")
    with (audit_dir / CHECKPOINTS_FILE).open("ab") as handle:
        handle.write(b'{"file":"audit-000001.jsonl","hash":"ab')  # the power went off here
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok, report.issues
    assert [n.kind for n in report.notes] == ["torn_checkpoint"]
    assert audit.checkpoint() is not None  # the next checkpoint does not glue itself to the fragment
    again = verify_log(audit_dir, verify=keys.verify)
    assert again.ok and not again.notes and again.checkpoints == 2


@pytest.mark.tampering
def test_a_broken_checkpoint_line_in_the_middle_is_still_tampering(audit_dir: Path, keys: Keys) -> None:
    audit = AuditLog(audit_dir, sign=keys.sign, checkpoint_every=1)
    for n in range(3):
        audit.append(events.LOGIN, actor=f"op-{n}")
    path = audit_dir / CHECKPOINTS_FILE
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1][:40] + b"\n"
    path.write_bytes(b"".join(lines))
    report = verify_log(audit_dir, verify=keys.verify)
    assert not report.ok and [i.kind for i in report.issues] == ["bad_checkpoint"]


@pytest.mark.fault
def test_a_torn_last_entry_no_writer_closed_yet_is_a_note(audit_dir: Path, keys: Keys) -> None:
    audit = AuditLog(audit_dir, sign=keys.sign, checkpoint_every=1)
    audit.append(events.LOGIN, actor="op-1")
    with log_files(audit_dir)[-1].open("ab") as handle:
        handle.write(b'{"actor":"op-2","event":"log')
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok and [n.kind for n in report.notes] == ["torn_tail"]
