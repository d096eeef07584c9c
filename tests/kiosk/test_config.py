from pathlib import Path

import pytest

from kiosk import config
from kiosk.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_have_a_source_of_default(tmp_path: Path) -> None:
    cfg = config.load(environ={"XDG_CONFIG_HOME": str(tmp_path)})
    assert cfg["language"] == "es_MX"
    assert cfg.source("language") == "default"
    assert cfg.file is None


def test_precedence_file_then_environment_then_command_line(tmp_path: Path) -> None:
    file = write(tmp_path / "k.toml", 'language = "en"\n[log]\nlevel = "DEBUG"\nmax_bytes = 1000\n')
    cfg = config.load(file, overrides={"log.level": "ERROR"}, environ={"KIOSK_LOG_MAX_BYTES": "2000"})
    assert (cfg["language"], cfg.source("language")) == ("en", f"file:{file}")
    assert (cfg["log.max_bytes"], cfg.source("log.max_bytes")) == (2000, "env:KIOSK_LOG_MAX_BYTES")
    assert (cfg["log.level"], cfg.source("log.level")) == ("ERROR", "command line")


def test_config_file_from_environment_variable(tmp_path: Path) -> None:
    file = write(tmp_path / "k.toml", 'mode = "demo"\n')
    cfg = config.load(environ={"KIOSK_CONFIG": str(file)})
    assert cfg["mode"] == "demo"


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    file = write(tmp_path / "k.toml", "[log]\nlevl = 'INFO'\n")
    with pytest.raises(ConfigError) as caught:
        config.load(file, environ={})
    text = caught.value.render("en")
    assert "log.levl" in text and str(file) in text


def test_wrong_type_names_key_file_and_expected_type(tmp_path: Path) -> None:
    file = write(
        tmp_path / "k.toml", 'backend.timeout = "soon"\n'.replace("backend.timeout", "[backend]\ntimeout")
    )
    with pytest.raises(ConfigError) as caught:
        config.load(file, environ={})
    text = caught.value.render("es_MX")
    assert "backend.timeout" in text and str(file) in text and "float" in text


def test_bad_choice_from_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(environ={"KIOSK_MODE": "party"})
    assert "KIOSK_MODE" in caught.value.render("en")


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    file = write(tmp_path / "k.toml", "language = \n")
    with pytest.raises(ConfigError) as caught:
        config.load(file, environ={})
    assert caught.value.message.code == "config.bad_toml" and str(file) in str(caught.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path / "absent.toml", environ={})
    assert caught.value.message.code == "config.missing_file"


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("ui.fullscreen", "yes", True),
        ("ui.fullscreen", "0", False),
        ("devices.priority", "sim-fingerprint=10, webcam=5", {"sim-fingerprint": 10, "webcam": 5}),
        ("backend.timeout", "2.5", 2.5),
    ],
)
def test_environment_strings_are_coerced(name: str, raw: str, expected: object) -> None:
    from kiosk.settings import BY_NAME

    cfg = config.load(environ={BY_NAME[name].env_var: raw})
    assert cfg[name] == expected


def test_table_setting_from_file(tmp_path: Path) -> None:
    file = write(tmp_path / "k.toml", "[devices.priority]\nwebcam = 3\n")
    assert config.load(file, environ={})["devices.priority"] == {"webcam": 3}


def test_environment_variable_names_are_unique() -> None:
    from kiosk.settings import SETTINGS

    names = [s.env_var for s in SETTINGS]
    assert len(names) == len(set(names))
