"""Tampering with the audit log is found, and the finding says where (file, line, seq)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kiosk.audit import events, verify_log
from kiosk.audit.chain import CHECKPOINTS_FILE, entry_hash
from tests.kiosk.audit.conftest import fill


def read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def write(path: Path, lines: list[str]) -> None:
    os.chmod(path, 0o600)  # rotated files are read-only; an attacker with the user's rights can undo that
    path.write_text("".join(lines), encoding="utf-8")


def rehash(line: str, **changes: object) -> str:
    """The line with `changes` applied and its own hash recomputed (a careful forger)."""
    entry = json.loads(line)
    entry.update(changes)
    entry["hash"] = entry_hash(entry)
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def kinds(report) -> list[tuple[str, str | None, int | None, int | None]]:
    return [(i.kind, i.file, i.line, i.seq) for i in report.issues]


LOG = "audit-000001.jsonl"


def test_intact_log_verifies(make_log, audit_dir, keys):
    log = make_log()
    fill(log, 20)
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok and report.entries == 20 and report.last_seq == 20 and report.head == log.head()
    assert report.signatures_checked and report.checkpoints >= 2


def test_edited_field_is_found_at_its_line(make_log, audit_dir, keys):
    fill(make_log(), 10)
    path = audit_dir / LOG
    lines = read(path)
    lines[4] = lines[4].replace('"role":"clerk"', '"role":"supervisor"')
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    assert kinds(report) == [("edited", LOG, 5, 5)]
    assert "line 5" in report.issues[0].to_json()["text"]


def test_edited_and_rehashed_entry_breaks_the_next_link(make_log, audit_dir, keys):
    fill(make_log(), 10)
    path = audit_dir / LOG
    lines = read(path)
    lines[4] = rehash(lines[4], actor="somebody-else")
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    assert ("broken_link", LOG, 6, 6) in kinds(report)
    assert report.issues[0].detail["previous"] == f"{LOG}:5"


def test_deleted_line(make_log, audit_dir, keys):
    fill(make_log(), 10)
    path = audit_dir / LOG
    lines = read(path)
    del lines[3]
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    assert kinds(report) == [("deleted", LOG, 4, 5)]
    assert report.issues[0].detail == {"first_missing": 4, "last_missing": 4}


def test_deleted_first_line(make_log, audit_dir, keys):
    fill(make_log(), 5)
    path = audit_dir / LOG
    write(path, read(path)[1:])
    report = verify_log(audit_dir, verify=keys.verify)
    assert ("deleted", LOG, 1, 2) in kinds(report)


def test_inserted_copy_of_an_entry(make_log, audit_dir, keys):
    fill(make_log(), 10)
    path = audit_dir / LOG
    lines = read(path)
    lines.insert(7, lines[2])
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    assert kinds(report) == [("inserted", LOG, 8, 3)]
    assert report.issues[0].detail == {"first": f"{LOG}:3"}


def test_inserted_forgery_that_links_correctly(make_log, audit_dir, keys):
    """A forger who knows the format writes a valid-looking entry 5 after entry 4."""
    fill(make_log(), 10)
    path = audit_dir / LOG
    lines = read(path)
    prev = json.loads(lines[3])["hash"]
    forged = rehash(lines[4], prev=prev, event=events.EXCEPTION_CONFIRMED, actor="boss")
    lines.insert(4, forged)
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    found = kinds(report)
    assert ("inserted", LOG, 6, 5) in found  # the real entry 5 now comes second
    assert ("broken_link", LOG, 7, 6) in found  # and 6 does not link to the forgery


def test_swapped_lines(make_log, audit_dir, keys):
    fill(make_log(), 10)
    path = audit_dir / LOG
    lines = read(path)
    lines[5], lines[6] = lines[6], lines[5]
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    assert kinds(report) == [("reordered", LOG, 6, 7), ("reordered", LOG, 7, 6)]


def test_cut_tail_after_a_checkpoint(make_log, audit_dir, keys):
    log = make_log(checkpoint_every=4)
    fill(log, 12)
    log.checkpoint()  # covers up to 12
    path = audit_dir / LOG
    write(path, read(path)[:9])  # entries 10-12 removed
    report = verify_log(audit_dir, verify=keys.verify)
    assert [(i.kind, i.seq) for i in report.issues] == [("truncated", 12)]
    assert report.issues[0].detail["last_seq"] == 9
    assert report.issues[0].file == CHECKPOINTS_FILE


def test_a_cut_after_the_last_checkpoint_is_reported_as_unprotected_only(make_log, audit_dir, keys):
    log = make_log(checkpoint_every=100)
    fill(log, 5)  # checkpoint at 1 only
    path = audit_dir / LOG
    write(path, read(path)[:3])
    report = verify_log(audit_dir, verify=keys.verify)
    assert report.ok and report.unprotected == 2  # the limit the docs state: sign often


def test_rewritten_chain_is_caught_by_the_checkpoint(make_log, audit_dir, keys):
    fill(make_log(checkpoint_every=100), 6)  # checkpoint at seq 1
    path = audit_dir / LOG
    lines = read(path)
    prev = "0" * 64
    rewritten = []
    for index, line in enumerate(lines):  # every entry rewritten and re-linked: the chain looks perfect
        new = rehash(line, prev=prev, actor="nobody" if index == 0 else json.loads(line)["actor"])
        prev = json.loads(new)["hash"]
        rewritten.append(new)
    write(path, rewritten)
    report = verify_log(audit_dir, verify=keys.verify)
    assert ("checkpoint_mismatch", LOG, 1, 1) in kinds(report)


def test_edit_across_a_rotation(make_log, audit_dir, keys):
    log = make_log(max_bytes=2048)
    fill(log, 20)
    files = sorted(audit_dir.glob("audit-*.jsonl"))
    assert len(files) >= 2
    second = files[1]
    lines = read(second)
    lines[0] = rehash(lines[0], prev="f" * 64)  # the first entry of the new file no longer links back
    write(second, lines)
    first_seq = json.loads(lines[0])["seq"]
    report = verify_log(audit_dir, verify=keys.verify)
    assert ("broken_link", second.name, 1, first_seq) in kinds(report)
    assert report.issues[0].detail["previous"] == f"{files[0].name}:{len(read(files[0]))}"


def test_edit_of_the_last_entry_before_a_rotation(make_log, audit_dir, keys):
    log = make_log(max_bytes=2048)
    fill(log, 20)
    first = sorted(audit_dir.glob("audit-*.jsonl"))[0]
    lines = read(first)
    lines[-1] = rehash(lines[-1], actor="forged")
    write(first, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    found = {i.kind for i in report.issues}
    assert {"broken_link", "checkpoint_mismatch"} <= found  # rotation checkpointed that very entry


def test_deleted_middle_file(make_log, audit_dir, keys):
    log = make_log(max_bytes=2048)
    fill(log, 40)
    files = sorted(audit_dir.glob("audit-*.jsonl"))
    assert len(files) >= 3
    files[1].unlink()
    report = verify_log(audit_dir, verify=keys.verify)
    found = kinds(report)
    assert ("missing_file", files[1].name, None, None) in found
    assert any(kind == "deleted" and file == files[2].name for kind, file, _, _ in found)


def test_garbage_line(make_log, audit_dir, keys):
    fill(make_log(), 5)
    path = audit_dir / LOG
    lines = read(path)
    lines.insert(2, "this is not json\n")
    write(path, lines)
    report = verify_log(audit_dir, verify=keys.verify)
    assert kinds(report) == [("unreadable", LOG, 3, None)]


def test_forged_checkpoint_signature(make_log, audit_dir, keys):
    fill(make_log(), 5)
    points = audit_dir / CHECKPOINTS_FILE
    entry = json.loads(points.read_text().splitlines()[0])
    entry["seq"] = 4  # moved to vouch for another entry
    points.write_text(json.dumps(entry) + "\n")
    report = verify_log(audit_dir, verify=keys.verify)
    assert ("bad_signature", CHECKPOINTS_FILE, 1, 4) in kinds(report)


def test_report_json_is_complete(make_log, audit_dir, keys):
    fill(make_log(), 3)
    data = verify_log(audit_dir, verify=keys.verify).to_json()
    assert set(data) == {
        "ok",
        "directory",
        "files",
        "entries",
        "last_seq",
        "head",
        "checkpoints",
        "last_checkpoint_seq",
        "unprotected",
        "signatures_checked",
        "issues",
        "notes",
    }


def test_empty_or_absent_log_is_fine(audit_dir):
    assert verify_log(audit_dir).ok
    assert verify_log(audit_dir).entries == 0
