"""Opening a station to work: its keys, its backend (joined with the enrolment file the first time), the
signed configuration (cached for offline starts), the outbox, the audit log and the devices.

The window (`kiosk run`, `kiosk demo`) and `kiosk enrol --simulated` open a station the same way and
hand the same `StationContext` to the same enrolment flow.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.policy import DevicePolicy
from devices.registry import Registry
from kiosk.api import models
from kiosk.audit.remote import CheckpointCourier
from kiosk.audit.station import open_station_log
from kiosk.client.http import BackendError
from kiosk.enrol.devices import StationDevices
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.operators.login import is_offline
from kiosk.outbox.delivery import deliver_with, open_outbox
from kiosk.outbox.handling import purge_expired_rejected
from kiosk.outbox.sender import Sender
from kiosk.station.keys import StationKeys
from kiosk.station.link import StationLink, cached_config, refresh_config, register

log = logging.getLogger(__name__)
SIM_DRIVERS = ("sim-fingerprint", "sim-camera")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


def join(
    data_dir: Path, enrolment_file: Path | None, name: str, timeout: float, url: str | None = None
) -> tuple[StationLink, StationKeys, models.StationConfig | None]:
    """Keys, link and configuration; the configuration is None when the backend cannot be reached."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    keys = StationKeys.load_or_create(data_dir)
    link = StationLink.load(data_dir)
    if link is None:
        if enrolment_file is None:
            raise KioskError("enrol.no_backend")
        link, config = register(data_dir, enrolment_file, name, keys, timeout)
        return link, keys, config
    if url is not None and link.url != url:  # the embedded backend listens on a new port each run
        link.url = url
        link.save(data_dir)
    try:
        return link, keys, refresh_config(link, data_dir, keys, timeout)
    except BackendError as exc:
        if not is_offline(exc):
            raise
        return link, keys, None


def open_station(
    data_dir: Path,
    *,
    enrolment_file: Path | None = None,
    name: str = "Estación",
    timeout: float = 10.0,
    mode: str = "production",
    url: str | None = None,
    reader_id: str | None = None,
    camera_id: str | None = None,
    priority: dict[str, int] | None = None,
    device_options: dict[str, Any] | None = None,
    test: bool = False,
    allowed_drivers: tuple[str, ...] | None = None,
) -> StationContext:
    """`allowed_drivers` narrows the policy's list (the demo and `kiosk enrol --simulated`: simulators)."""
    link, keys, config = join(data_dir, enrolment_file, name, timeout, url)
    online = config is not None
    if config is None:
        config = cached_config(link, data_dir)
        if config is None:
            raise KioskError("enrol.offline_no_config")
    client = link.client(data_dir, keys, timeout)
    policy = config.policy
    registry = Registry(
        DevicePolicy.build(
            mode,
            allowed_drivers=_narrowed(policy.allowed_drivers or None, allowed_drivers),
            allow_simulators=policy.allow_simulators,
        ),
        priority=priority,
        options=device_options,
    )
    devices = StationDevices(registry, reader_id=reader_id, camera_id=camera_id, data_dir=data_dir)
    outbox = open_outbox(data_dir)
    audit = open_station_log(data_dir, keys)
    purge_expired_rejected(outbox, audit, policy.outbox.rejected_retention_s, time.time())
    station = StationContext(
        data_dir=data_dir,
        station_id=link.station_id,
        name=link.name,
        keys=keys,
        config=config,
        client=client,
        outbox=outbox,
        audit=audit,
        devices=devices,
        sender=Sender(
            outbox, deliver_with(client), audit=audit, after_round=CheckpointCourier(client, audit)
        ),
        test=test,
        online=online,
    )
    devices.open()
    if online:
        refresh_registration(station)
    return station


def _narrowed(policy: list[str] | None, wanted: tuple[str, ...] | None) -> list[str] | None:
    if wanted is None:
        return policy
    return [d for d in wanted if policy is None or d in policy]


def refresh_registration(station: StationContext) -> bool:
    """Which of this station's devices the backend knows (kept for offline starts); False when offline."""
    if station.client is None:
        return False
    try:
        registered = station.client.devices()
    except BackendError as exc:
        if is_offline(exc):
            station.online = False
            return False
        raise
    station.online = True
    station.devices.set_registered(d.serial for d in registered)
    return True


def register_devices(station: StationContext, technician: Credentials) -> int:
    """A technician registers the station's open devices (by serial); returns how many were new."""
    client = station.client
    assert client is not None
    known = {d.serial for d in client.devices()}
    missing = [i for i in station.devices.infos() if i.serial not in known]
    if missing:
        session = client.password_login(technician.username, technician.password)
        try:
            for info in missing:
                client.register_device(
                    session.token,
                    models.DeviceRegistration(
                        kind="camera" if str(info.kind) == "camera" else "fingerprint",
                        driver=info.driver_id,
                        vendor=info.vendor,
                        model=info.model,
                        serial=info.serial,
                    ),
                )
        finally:
            _quietly(lambda: client.logout(session.token))
    refresh_registration(station)
    return len(missing)


def close_station(station: StationContext) -> None:
    """Stop the sender and the hot-plug monitor, release the devices, sign the log's tail."""
    if station.sender is not None:
        station.sender.stop()
    station.close_face_steps()
    station.devices.close()
    _quietly(station.audit.close)
    station.outbox.close()
    if station.client is not None:
        station.client.http.close()


def _quietly(call: Any) -> None:
    try:
        call()
    except KioskError as exc:  # a backend gone at shutdown must not turn a good run into a failure
        log.info("ignored at shutdown: %s", exc.message.code)
