"""The station's link to its backend, kept in the data directory: state, enrolment file, cached config."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.api.envelopes import b64, sign_document, unb64
from kiosk.backend.server import Running, start_in_thread
from kiosk.errors import KioskError
from kiosk.station.link import (
    CONFIG_FILE,
    PINS_FILE,
    STATE_FILE,
    StationLink,
    cached_config,
    read_enrolment_file,
)
from tests.kiosk.backend.support import Joined, add_users, join


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    server = start_in_thread(tmp_path_factory.mktemp("backend"))
    add_users(server)
    yield server
    server.stop()


@pytest.fixture
def joined(running: Running, tmp_path: Path) -> Iterator[Joined]:
    station = join(running, tmp_path / "station", devices=False)
    yield station
    station.client.http.close()


def test_registration_leaves_the_link_the_pins_and_the_config_in_the_data_directory(
    running: Running, joined: Joined
) -> None:
    folder = joined.data_dir
    state = json.loads((folder / STATE_FILE).read_text())
    assert state["station_id"] == joined.station_id and state["url"] == running.url
    assert state["signing_keys"] == running.backend.keys.signing_public_b64()
    assert state["policy_version"] == running.backend.policy()["version"]
    assert (folder / PINS_FILE).read_text().count("BEGIN CERTIFICATE") == 2
    assert StationLink.load(folder) == joined.link
    assert json.loads((folder / CONFIG_FILE).read_text())["envelope"]["key_id"] in state["signing_keys"]
    assert StationLink.load(folder / "elsewhere") is None


def test_the_cached_config_is_used_only_while_it_verifies_and_is_current(joined: Joined) -> None:
    folder, link = joined.data_dir, joined.link
    config = cached_config(link, folder)
    assert config is not None and config.station_id == joined.station_id
    saved = json.loads((folder / CONFIG_FILE).read_text())
    # Expired: no offline start on it.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert cached_config(link, folder, lambda: later) is None
    # Edited on disk: its signature no longer verifies.
    document = json.loads(unb64(saved["envelope"]["payload"]))
    document["policy"]["fingers"]["min_nfiq2"] = 1
    edited = {**saved, "envelope": {**saved["envelope"], "payload": b64(json.dumps(document).encode())}}
    (folder / CONFIG_FILE).write_text(json.dumps(edited))
    assert cached_config(link, folder) is None
    # Re-signed by a key the station does not trust.
    forged = sign_document(document, Ed25519PrivateKey.generate(), saved["envelope"]["key_id"])
    (folder / CONFIG_FILE).write_text(json.dumps({**saved, "envelope": forged}))
    assert cached_config(link, folder) is None
    # Older than the policy the station has already seen.
    (folder / CONFIG_FILE).write_text(json.dumps(saved))
    link.policy_version += 1
    assert cached_config(link, folder) is None
    (folder / CONFIG_FILE).unlink()
    assert cached_config(link, folder) is None


@pytest.mark.parametrize(
    "change",
    [
        {"pins": "-----BEGIN CERTIFICATE-----"},  # a string, not a list
        {"pins": ["not a certificate"]},
        {"signing_keys": {"sig-1": "not base64!"}},
        {"signing_keys": {"sig-1": b64(b"short")}},
        {"signing_keys": ["sig-1"]},
        {"url": 42},
        {"token": ""},
    ],
)
def test_an_enrolment_file_with_a_broken_field_is_refused(
    running: Running, tmp_path: Path, change: dict[str, object]
) -> None:
    document = {**read_enrolment_file(running.enrolment_file), **change}
    path = tmp_path / "enrolment.json"
    path.write_text(json.dumps(document))
    with pytest.raises(KioskError) as caught:
        read_enrolment_file(path)
    assert caught.value.message.code == "station.bad_enrolment_file"
    assert caught.value.message.params["path"] == str(path)
