"""Writing the audit log: the chain, masking, refusals, rotation, checkpoints, several writers."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest

from kiosk.audit import GENESIS, AuditLog, events, verify_log
from kiosk.audit.chain import CHECKPOINTS_FILE, entry_hash
from kiosk.audit.log import KEEP_CHECKPOINTS
from kiosk.errors import KioskError
from tests.kiosk.audit.conftest import Keys, fill

CURP = "GOMA080512HDFRRNA5"
NSS = "12345678903"
RFC = "GODE561231GR8"


def lines(path: Path) -> list[dict]:
    """The entries of a log file (lines that are not JSON, such as a torn write, are left out)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def test_entries_form_a_chain_from_genesis(make_log, audit_dir):
    log = make_log()
    assert log.head() == GENESIS and log.last_seq() == 0
    first = log.append(events.LOGIN, actor="jperez", role="clerk", fields={"method": "password"})
    second = log.append(events.LOGOUT, actor="jperez", role="clerk")
    entries = lines(audit_dir / "audit-000001.jsonl")
    assert [e["seq"] for e in entries] == [1, 2]
    assert entries[0]["prev"] == GENESIS and entries[1]["prev"] == first.hash
    assert set(entries[0]) == {"seq", "ts", "actor", "role", "event", "fields", "prev", "hash"}
    assert all(entry_hash(e) == e["hash"] for e in entries)
    assert log.head() == second.hash and log.last_seq() == 2
    assert entries[0]["ts"] == "2025-03-01T09:00:01.000Z"


def test_identifiers_never_reach_the_file_whole(make_log, audit_dir):
    log = make_log()
    log.append(
        events.LOOKUP,
        actor=RFC,  # an employer's operator id is its RFC
        role="employer",
        fields={
            "curp": CURP,
            "nss": NSS,
            "note": f"found {CURP} with NSS {NSS}, employer {RFC}",
            "guardian_curp": "BAD-CURP-TYPO-12",  # malformed: masked by its key, not by its shape
            "nested": {"rfc": RFC, "list": [CURP]},
        },
    )
    text = (audit_dir / "audit-000001.jsonl").read_text(encoding="utf-8")
    for identifier in (CURP, NSS, RFC, "BAD-CURP-TYPO-12"):
        assert identifier not in text
    entry = lines(audit_dir / "audit-000001.jsonl")[0]
    assert entry["fields"]["curp"] == "GOMA************A5"
    assert entry["fields"]["nss"] == "*******8903"
    assert entry["actor"].startswith("GODE") and RFC not in entry["actor"]


@pytest.mark.parametrize(
    "fields",
    [
        {"image": b"\x89PNG\r\n\x1a\n..."},
        {"template": bytearray(b"FMR\x00 20")},
        {"frame": np.zeros((4, 4), dtype=np.uint8)},
        {"preview": memoryview(b"abc")},
        {"face": "data:image/png;base64,iVBORw0KGgo="},
        {"wsq_b64": "QUJD" * 100},
        {"print": "FIR\x00 020 ..."},
        {"pixels": list(range(500))},
        {"image": "a short string is fine but not under an image key when long" * 3},
    ],
)
def test_image_or_template_data_is_refused_and_nothing_written(make_log, audit_dir, fields):
    log = make_log()
    with pytest.raises(KioskError) as caught:
        log.append(events.CAPTURE, actor="jperez", role="clerk", fields=fields)
    assert caught.value.message.code == "audit.binary_refused"
    assert log.last_seq() == 0
    assert (audit_dir / "audit-000001.jsonl").read_bytes() == b""


def test_scores_and_digests_are_welcome(make_log, audit_dir):
    log = make_log()
    entry = log.append(
        events.CAPTURE,
        actor="jperez",
        role="clerk",
        fields={
            "finger": "right-index",
            "nfiq2": np.int64(57),
            "image_quality": 57.5,
            "image_sha256": "ab" * 32,
            "attempt": 2,
            "nan": float("nan"),
        },
    )
    assert entry.fields["nfiq2"] == 57 and isinstance(entry.fields["nfiq2"], int)
    assert entry.fields["image_sha256"] == "ab" * 32
    assert entry.fields["nan"] == "nan"


def test_unknown_event_names_are_refused(make_log):
    with pytest.raises(KioskError) as caught:
        make_log().append("loggin", actor="x", role="clerk")
    assert caught.value.message.code == "audit.unknown_event"


def test_unsupported_types_are_refused(make_log):
    with pytest.raises(KioskError) as caught:
        make_log().append(events.LOOKUP, fields={"obj": object()})
    assert caught.value.message.code == "audit.unsupported_field"


def test_checkpoints_at_first_entry_every_n_and_on_close(make_log, audit_dir, keys):
    log = make_log(checkpoint_every=4)
    fill(log, 10)
    log.close()
    points = lines(audit_dir / CHECKPOINTS_FILE)
    assert [p["seq"] for p in points] == [1, 5, 9, 10]
    assert log.checkpoint() is None  # nothing new to sign
    assert verify_log(audit_dir, verify=keys.verify).ok


def test_no_signer_means_no_checkpoints(audit_dir):
    log = AuditLog(audit_dir)
    fill(log, 3)
    assert log.checkpoint() is None
    assert not (audit_dir / CHECKPOINTS_FILE).exists()
    report = verify_log(audit_dir)
    assert [i.kind for i in report.issues] == ["no_checkpoint"]
    assert verify_log(audit_dir, require_checkpoint=False).ok


def test_rotation_keeps_the_chain_and_closes_the_old_file(make_log, audit_dir, keys):
    log = make_log(max_bytes=2048)
    fill(log, 30)
    files = sorted(audit_dir.glob("audit-*.jsonl"))
    assert len(files) > 2
    for older, newer in itertools.pairwise(files):
        assert lines(newer)[0]["prev"] == lines(older)[-1]["hash"]
        assert lines(newer)[0]["seq"] == lines(older)[-1]["seq"] + 1
        assert older.stat().st_size <= 2048
        if os.name == "posix":
            assert older.stat().st_mode & 0o222 == 0  # closed files are read-only
    checkpointed = {p["seq"] for p in lines(audit_dir / CHECKPOINTS_FILE)}
    assert {lines(f)[-1]["seq"] for f in files[:-1]} <= checkpointed  # each closed file ends signed
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok and report.entries == 30 and report.files == [f.name for f in files]


def test_explicit_rotate_then_reopen(make_log, audit_dir, keys):
    log = make_log()
    fill(log, 3)
    new = log.rotate()
    assert new.name == "audit-000002.jsonl" and new.read_bytes() == b""
    head = log.head()
    reopened = make_log()
    assert reopened.head() == head and reopened.last_seq() == 3
    entry = reopened.append(events.LOGOUT, actor="jperez", role="clerk")
    assert entry.prev == head and entry.file == "audit-000002.jsonl"
    assert verify_log(audit_dir, verify=keys.verify).ok


def test_two_writers_on_one_log_never_fork_the_chain(make_log, audit_dir, keys):
    window, command = make_log(), make_log()
    for i in range(5):
        window.append(events.LOOKUP, actor="jperez", role="clerk", fields={"i": i})
        command.append(events.DIAGNOSTICS, actor="tech1", role="technician", fields={"i": i})
    seqs = [e["seq"] for e in lines(audit_dir / "audit-000001.jsonl")]
    assert seqs == list(range(1, 11))
    assert verify_log(audit_dir, verify=keys.verify).ok


def test_a_torn_last_line_is_closed_and_recorded(make_log, audit_dir, keys):
    log = make_log()
    fill(log, 3)
    path = audit_dir / "audit-000001.jsonl"
    with path.open("ab") as handle:
        handle.write(b'{"seq":4,"ts":"2025-03-01T09:')  # the power went here
    reopened = make_log()
    recovered = lines(path)[-1]
    assert recovered["event"] == events.AUDIT_RECOVERED
    assert recovered["fields"] == {"file": path.name, "line": 4, "reason": "torn"}
    assert recovered["seq"] == 4 and recovered["prev"] == lines(path)[2]["hash"]
    reopened.append(events.LOGOUT, actor="jperez", role="clerk")
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok, report.to_json()
    assert [(n.kind, n.line) for n in report.notes] == [("recovered", 4)]


def test_old_checkpoints_are_compacted(make_log, audit_dir, keys):
    log = make_log(checkpoint_every=1)
    fill(log, 2 * KEEP_CHECKPOINTS + 5)
    points = lines(audit_dir / CHECKPOINTS_FILE)
    assert KEEP_CHECKPOINTS <= len(points) <= 2 * KEEP_CHECKPOINTS
    assert points[-1]["seq"] == 2 * KEEP_CHECKPOINTS + 5
    assert verify_log(audit_dir, verify=keys.verify).ok


def test_entries_reads_back_what_was_written(make_log):
    log = make_log()
    fill(log, 3)
    assert [e.fields["n"] for e in log.entries()] == [0, 1, 2]


def test_files_are_private(make_log, audit_dir):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    log = make_log()
    fill(log, 1)
    assert (audit_dir / "audit-000001.jsonl").stat().st_mode & 0o077 == 0
    assert (audit_dir / CHECKPOINTS_FILE).stat().st_mode & 0o077 == 0


def test_another_key_cannot_vouch_for_the_checkpoints(make_log, audit_dir):
    fill(make_log(), 3)
    report = verify_log(audit_dir, verify=Keys().verify)
    assert {i.kind for i in report.issues} == {"bad_signature", "no_checkpoint"}


def test_damage_at_the_end_of_a_closed_file_is_not_written_to(make_log, audit_dir, keys):
    log = make_log()
    fill(log, 3)
    log.rotate()
    first = audit_dir / "audit-000001.jsonl"
    os.chmod(first, 0o600)
    with first.open("a", encoding="utf-8") as handle:
        handle.write("garbage\n")
    os.chmod(first, 0o440)
    before = first.read_bytes()
    reopened = make_log()
    assert reopened.last_seq() == 3
    reopened.append(events.LOGOUT, actor="jperez", role="clerk")
    assert first.read_bytes() == before
    report = verify_log(audit_dir, verify=keys.verify)
    assert [(i.kind, i.file, i.line) for i in report.issues] == [("unreadable", first.name, 4)]


def test_an_unreadable_last_line_is_recorded_and_still_reported(make_log, audit_dir, keys):
    log = make_log()
    fill(log, 3)
    path = audit_dir / "audit-000001.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not an entry\n")
    make_log().append(events.LOGOUT, actor="jperez", role="clerk")
    recovered = lines(path)[-2]
    assert recovered["event"] == events.AUDIT_RECOVERED and recovered["fields"]["reason"] == "unreadable"
    report = verify_log(audit_dir, verify=keys.verify)
    assert [(i.kind, i.line) for i in report.issues] == [("unreadable", 4)]  # only torn writes are excused
