import json
import logging
from pathlib import Path

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
