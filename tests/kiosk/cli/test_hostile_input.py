"""What a hostile tester typed at the command line: each case is one clear line and a non-zero exit,
never a traceback and never "internal error" for what is the user's mistake."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from kiosk import config
from kiosk.cli.main import main
from kiosk.errors import ConfigError

pytestmark = pytest.mark.bad_input

CURP = "XEXX010101HNEXXXA4"  # valid; born 2001-01-01
NSS = "12345678903"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, err: str, *expected: str) -> None:
    assert code != 0, err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: "), err
    for text in expected:
        assert text in err, err


def child(
    *argv: str, env: dict[str, str] | None = None, close_stdout: bool = False
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.main", *argv],
        capture_output=not close_stdout,
        stderr=subprocess.PIPE if close_stdout else None,
        env={**os.environ, **(env or {})},
        preexec_fn=(lambda: os.close(1)) if close_stdout else None,
        timeout=120,
        check=False,
    )


# -- the configuration and the data folder ----------------------------------------------------------


def test_a_binary_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "kiosk.toml"
    binary.write_bytes(bytes(range(256)) * 4)
    code, _, err = run(capsys, "--config", str(binary), "config", "show")
    one_line(code, err, "not valid TOML", "not UTF-8")


def test_a_data_dir_that_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    code, _, err = run(capsys, "--data-dir", str(a_file), "outbox", "status")
    one_line(code, err, "cannot be used as the station's data folder")


@pytest.mark.parametrize("where", ["under-a-file", "/proc/self/no-such/data"])
def test_a_data_dir_that_cannot_be_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    target = a_file / "data" if where == "under-a-file" else Path(where)
    code, _, err = run(capsys, "--data-dir", str(target), "outbox", "status")
    one_line(code, err, "cannot be used as the station's data folder")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KIOSK_BACKEND_TIMEOUT", "-5"),
        ("KIOSK_BACKEND_TIMEOUT", "nan"),
        ("KIOSK_BACKEND_TIMEOUT", "inf"),
        ("KIOSK_LOG_MAX_BYTES", "-1"),
        ("KIOSK_LOG_BACKUPS", "-3"),
        ("KIOSK_OUTBOX_SEND_INTERVAL", "0"),
    ],
)
def test_settings_out_of_range_are_refused(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(environ={variable: value})
    assert caught.value.message.code == "config.out_of_range"


def test_a_nan_in_the_config_file_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "kiosk.toml"
    file.write_text("[backend]\ntimeout = nan\n[log]\nbackups = 3\n")
    code, _, err = run(capsys, "--config", str(file), "config", "show")
    one_line(code, err, "backend.timeout", "outside what is allowed")


# -- streams ----------------------------------------------------------------------------------------


def test_a_closed_standard_output(tmp_path: Path) -> None:
    done = child("--lang", "en", "config", "show", env={"KIOSK_DATA_DIR": str(tmp_path)}, close_stdout=True)
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err and "internal error" not in err
    assert "could not be written to standard output" in err


def test_an_ascii_only_terminal(tmp_path: Path) -> None:
    env = {"KIOSK_DATA_DIR": str(tmp_path), "PYTHONIOENCODING": "ascii"}
    failed = child("--lang", "es_MX", "audit", "verify", "--dir", str(tmp_path / "nada"), env=env)
    err = failed.stderr.decode("ascii")
    assert failed.returncode == 1 and "Traceback" not in err and "error interno" not in err
    assert 'indique la carpeta "audit" de una estacion' in err
    healthy = child("--lang", "es_MX", "outbox", "check", env=env)
    assert healthy.returncode == 0 and b"integra" in healthy.stdout, healthy.stderr
    unregistered = child("--lang", "es_MX", "audit", "verify", "--no-signatures", "--json", env=env)
    err = unregistered.stderr.decode("ascii")  # one line, accents written as ASCII escapes, no traceback
    assert unregistered.returncode == 1 and "Traceback" not in err and "KIOSK_USERNAME" in err


# -- password files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "folder", "binary", "empty"])
def test_a_bad_password_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "password"
    if kind == "folder":
        secret.mkdir()
    elif kind == "binary":
        secret.write_bytes(b"\xff\xfe\x00garbage\x00")
    elif kind == "empty":
        secret.write_bytes(b"")
    code, _, err = run(
        capsys, "backend", "add-user", "--backend-dir", str(tmp_path / "b"), "--username", "ana",
        "--name", "Ana", "--role", "clerk", "--password-file", str(secret),
    )  # fmt: skip
    one_line(code, err, "cannot read the password from the file")


def test_read_password_file_takes_the_first_line(tmp_path: Path) -> None:
    from kiosk.cli.secrets import read_password_file

    secret = tmp_path / "password"
    secret.write_text("ventanilla-2026\r\nsecond line\n")
    assert read_password_file(secret) == "ventanilla-2026"


# -- the reference backend's administration ----------------------------------------------------------


def add_person(capsys: pytest.CaptureFixture[str], backend_dir: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "backend", "add-person", "--backend-dir", str(backend_dir), *extra)


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("--curp", "NOTACURP", "--name", "Ana"), "the CURP 'NOTACURP' is not valid"),
        (("--curp", CURP, "--nss", "123", "--name", "Ana"), "the NSS '123' is not valid"),
        (("--curp", CURP, "--name", "  "), "the name cannot be empty"),
        (("--curp", CURP, "--name", "Ana", "--birth-date", "2099-13-45"), "is not a valid date"),
        (("--curp", CURP, "--name", "Ana", "--birth-date", "1999-01-01"), "does not match"),
    ],
)
def test_add_person_refuses_what_is_not_a_person(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: tuple[str, ...], expected: str
) -> None:
    code, _, err = add_person(capsys, tmp_path / "b", *arguments)
    one_line(code, err, expected)
    assert not (tmp_path / "b").exists()  # refused before a backend was made


def test_add_person_never_overwrites_silently(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    backend_dir = tmp_path / "b"
    assert add_person(capsys, backend_dir, "--curp", CURP, "--nss", NSS, "--name", "Ana Uno")[0] == 0
    code, _, err = add_person(capsys, backend_dir, "--curp", CURP.lower(), "--name", "Otra")
    one_line(code, err, "already exists", "--replace")
    other = "GOMC850212HDFRRL06"
    code, _, err = add_person(capsys, backend_dir, "--curp", other, "--nss", NSS, "--name", "Carlos")
    one_line(code, err, "already belongs to another person")
    assert add_person(capsys, backend_dir, "--curp", CURP, "--name", "Ana Dos", "--replace")[0] == 0
    from kiosk.backend.service import Backend

    backend = Backend(backend_dir)
    try:
        person = backend.lookup_person(CURP)
        assert person.name == "Ana Dos" and person.birth_date == "2001-01-01"
    finally:
        backend.close()


@pytest.mark.parametrize(("username", "name"), [("", "Ana"), ("ana", ""), (" ana", "Ana"), ("ana", "   ")])
def test_add_user_refuses_an_empty_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, username: str, name: str
) -> None:
    secret = tmp_path / "password"
    secret.write_text("ventanilla-2026\n")
    code, _, err = run(
        capsys, "backend", "add-user", "--backend-dir", str(tmp_path / "b"), "--username", username,
        "--name", name, "--role", "clerk", "--password-file", str(secret),
    )  # fmt: skip
    one_line(code, err, "cannot be empty")


def test_stats_of_a_folder_without_a_backend_makes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "backend", "stats", "--backend-dir", str(tmp_path / "typo"))
    one_line(code, err, "there is no reference backend")
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize("command", ["stats", "serve", "add-person"])
def test_a_backend_dir_that_is_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    extra = ("--curp", CURP, "--name", "Ana") if command == "add-person" else ()
    code, _, err = run(capsys, "backend", command, "--backend-dir", str(a_file), *extra)
    one_line(code, err)


def test_serve_on_a_port_out_of_range(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--lang", "en", "backend", "serve", "--backend-dir", str(tmp_path / "b"), "--port", "99999"])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and "a port is 0 to 65535, not 99999" in err and "Traceback" not in err


def test_serve_on_a_port_in_use_or_a_host_that_is_no_address(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, _, err = run(capsys, "backend", "serve", "--backend-dir", str(tmp_path / "b"), "--port", port)
        one_line(code, err, "cannot listen on 127.0.0.1:" + port)
    code, _, err = run(
        capsys, "backend", "serve", "--backend-dir", str(tmp_path / "b"), "--host", "999.1.1.1"
    )
    one_line(code, err, "cannot listen on 999.1.1.1")


# -- quality face on images that are no photos --------------------------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds almost nothing: only the header is ever read."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_quality_face_on_a_one_pixel_image(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import cv2
    import numpy as np

    image = tmp_path / "one.png"
    cv2.imwrite(str(image), np.zeros((1, 1, 3), np.uint8))
    code, _, err = run(capsys, "quality", "face", str(image))
    one_line(code, err, "too small: 1x1")


def test_quality_face_on_a_gigantic_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    image = tmp_path / "huge.png"
    image.write_bytes(png_header(40000, 40000))
    code, _, err = run(capsys, "quality", "face", str(image))
    one_line(code, err, "too large")


# -- the audit log ------------------------------------------------------------------------------------


def test_audit_verify_of_a_folder_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "audit", "verify", "--no-signatures", "--dir", str(tmp_path / "nowhere"))
    one_line(code, err, "does not exist")
    assert out == ""
