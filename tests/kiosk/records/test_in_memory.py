"""Plaintext biometrics never touch the disk: building records and sealing a packet create, write,
rename or delete no file, temporary ones included. Watched at the system-call level with strace,
because the WSQ codec is C code that Python-level hooks cannot see."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import io, os
from PIL import Image
from kiosk.packet import BackendPrivateKey, open_packet, seal
from kiosk.packet.samples import sample_manifest, sample_records, synthetic_face
from kiosk.records import iso19794_4, iso19794_5
from kiosk.station.keys import StationKeys

def work():
    records = sample_records()
    for view in iso19794_4.parse(records["fingers"]).views:
        view.pixels()
    iso19794_5.parse(records["face"]).faces[0].pixels()
    buffer = io.BytesIO()
    Image.fromarray(synthetic_face(64, 80)).save(buffer, "JPEG2000")
    Image.open(io.BytesIO(buffer.getvalue())).load()
    sealed = seal(sample_manifest(), records, STATION, KEY.public_key())
    open_packet(sealed.blob, {KEY.key_id: KEY})

STATION, KEY = StationKeys.generate(), BackendPrivateKey.generate()
work()  # warm up: lazy imports of Pillow plugins read .py files, which is fine but noisy
for marker in ("start", "end"):
    try:
        os.open("/nonexistent-kiosk-marker-" + marker, os.O_RDONLY)
    except OSError:
        pass
    if marker == "start":
        work()
"""


@pytest.mark.skipif(
    shutil.which("strace") is None, reason="needs strace (Debian package strace) to watch syscalls"
)
def test_records_and_sealing_write_no_file(tmp_path: Path) -> None:
    log = tmp_path / "trace.log"
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=open,openat,creat,mkdir,rename,renameat,renameat2,unlink,unlinkat",
            "-o",
            str(log),
            sys.executable,
            "-c",
            SCRIPT,
        ],
        check=True,
        cwd=Path(__file__).resolve().parents[3],
        timeout=120,
    )
    text = log.read_text()
    assert "kiosk-marker-start" in text and "kiosk-marker-end" in text
    window = text.split("kiosk-marker-start", 1)[1].split("kiosk-marker-end", 1)[0]
    calls = [line for line in window.splitlines()[1:] if line.strip() and "nonexistent-" not in line]
    writes = [c for c in calls if re.search(r"O_WRONLY|O_RDWR|O_CREAT|creat\(|mkdir|rename|unlink", c)]
    assert writes == [], writes
    assert [c for c in calls if "openat" in c or "open(" in c] == [], "no file is even opened for reading"
