import json
import logging
from pathlib import Path

import pytest

from kiosk import logs
from kiosk.masking import mask_curp, mask_nss, mask_rfc, mask_text

CURP = "GOMC850212HDFRRL09"
NSS = "12345678903"
RFC = "GOMC850212AB1"


def test_masks_keep_a_recognisable_part_only() -> None:
    assert mask_curp(CURP) == "GOMC************09"
    assert mask_nss(NSS) == "*******8903"
    assert mask_rfc(RFC) == "GOMC******AB1"


def test_free_text_masking_finds_every_identifier() -> None:
    text = f"lookup curp={CURP} nss {NSS}; rfc:{RFC}."
    masked = mask_text(text)
    for whole in (CURP, NSS, RFC):
        assert whole not in masked
    assert "GOMC" in masked and "8903" in masked


def test_log_file_is_json_lines_with_identifiers_masked(tmp_path: Path) -> None:
    path = logs.setup(tmp_path, "DEBUG")
    log = logging.getLogger("kiosk.test")
    log.info("person %s found", CURP, extra={"nss": NSS, "station": "S1"})
    try:
        raise ValueError(f"bad RFC {RFC}")
    except ValueError:
        log.exception("lookup failed")
    for handler in logging.getLogger("kiosk").handlers:
        handler.flush()
    raw = path.read_text(encoding="utf-8")
    for whole in (CURP, NSS, RFC):
        assert whole not in raw
    entries = [json.loads(line) for line in raw.splitlines()]
    assert entries[0]["msg"] == "person GOMC************09 found"
    assert entries[0]["nss"] == "*******8903" and entries[0]["station"] == "S1"
    assert entries[1]["level"] == "ERROR" and "GOMC******AB1" in entries[1]["exc"]


def test_logs_rotate(tmp_path: Path) -> None:
    path = logs.setup(tmp_path, "INFO", max_bytes=2000, backups=2)
    log = logging.getLogger("kiosk.rotation")
    for i in range(200):
        log.info("line %d %s", i, "x" * 50)
    assert path.exists() and (path.parent / "kiosk.log.1").exists()
    assert not (path.parent / "kiosk.log.3").exists()


def test_setup_twice_does_not_duplicate_lines(tmp_path: Path) -> None:
    logs.setup(tmp_path)
    path = logs.setup(tmp_path)
    logging.getLogger("kiosk.once").warning("only once")
    assert path.read_text(encoding="utf-8").count("only once") == 1


@pytest.mark.fault
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to stand for a full disk")
def test_a_full_disk_costs_one_line_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / logs.LOG_FILE).symlink_to("/dev/full")
    device_mode = Path("/dev/full").stat().st_mode
    logs.PrivateRotatingFileHandler.failures = 0
    logs.setup(tmp_path, "INFO", language="en")
    log = logging.getLogger("kiosk.fulldisk")
    for n in range(5):
        log.info("line %d", n)
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("with a traceback to write")
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Logging error" not in err
    shown = f"kiosk: the technical log {tmp_path / 'logs' / logs.LOG_FILE} cannot be written (disk full?)"
    assert err.strip().splitlines() == [shown + "; the station goes on without it"]
    assert logs.PrivateRotatingFileHandler.failures == 6
    assert Path("/dev/full").stat().st_mode == device_mode  # the device itself left alone
    for name in ("kiosk", "devices", "ui"):  # later tests must not log into the full disk
        for handler in [h for h in logging.getLogger(name).handlers if h.get_name() == "kiosk-file"]:
            logging.getLogger(name).removeHandler(handler)
            handler.close()
    assert capsys.readouterr().err == ""  # closing it says nothing more either


@pytest.mark.fault
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to stand for a full disk")
def test_a_command_on_a_full_disk_still_does_its_work(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / logs.LOG_FILE).symlink_to("/dev/full")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.main", "--lang", "en", "outbox", "status", "--json"],
        capture_output=True,
        env={**os.environ, "KIOSK_DATA_DIR": str(tmp_path)},
        timeout=120,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode == 0 and '"sealed": 0' in done.stdout.decode()
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_eleven_digits_inside_a_hexadecimal_id_are_not_an_nss() -> None:
    from kiosk.masking import mask_text

    session = "9f3a51234567890123fe"
    assert mask_text(f"session {session}") == f"session {session}"
    assert "12345678901" not in mask_text("NSS12345678901 and nss=12345678901")


def test_a_uuid_is_not_an_rfc() -> None:
    from kiosk.masking import mask_text

    packet = "01a242c7-c359-7747-9843-ccb448772a6e"
    assert mask_text(f"packet {packet}") == f"packet {packet}"
    assert "GODE561231GR8" not in mask_text("RFC GODE561231GR8")
