"""Setting up a station for `kiosk enrol --simulated`: the embedded reference backend or a real one,
registration, the simulated devices at the backend's registry, an operator's session; then N people.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.api import models
from kiosk.audit.station import open_station_log
from kiosk.client.backend import BackendClient
from kiosk.enrol.simulated import EnrolResult, SimulatedEnrolment, simulated_devices
from kiosk.errors import KioskError
from kiosk.outbox.delivery import open_outbox
from kiosk.station.keys import StationKeys
from kiosk.station.link import StationLink, refresh_config, register
from kiosk.synthetic_people import people


@dataclass
class Credentials:
    username: str
    password: str


@dataclass
class Station:
    data_dir: Path
    link: StationLink
    keys: StationKeys
    client: BackendClient
    config: models.StationConfig


def register_devices(client: BackendClient, technician: Credentials, devices: list[Any]) -> None:
    """A technician registers the station's capture devices (by serial) with the backend."""
    known = {d.serial for d in client.devices()}
    missing = [d for d in devices if d.serial not in known]
    if not missing:
        return
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
        client.logout(session.token)


def join(data_dir: Path, enrolment_file: Path | None, name: str, timeout: float) -> Station:
    keys = StationKeys.load_or_create(data_dir)
    link = StationLink.load(data_dir)
    if link is None:
        if enrolment_file is None:
            raise KioskError("enrol.no_backend")
        link, config = register(data_dir, enrolment_file, name, keys, timeout)
    else:
        config = refresh_config(link, data_dir, keys, timeout)
    return Station(data_dir, link, keys, link.client(data_dir, keys, timeout), config)


@contextmanager
def embedded_backend(count: int) -> Iterator[tuple[Path, Credentials, Credentials, Path]]:
    """A reference backend on loopback in a temporary directory, knowing the synthetic people."""
    from kiosk.backend.operators import add_user
    from kiosk.backend.server import start_in_thread

    scratch = Path(tempfile.mkdtemp(prefix="kiosk-embedded-"))
    running = start_in_thread(scratch / "backend")
    try:
        technician = Credentials("tecnico", "t-" + secrets.token_urlsafe(12) + "9")
        clerk = Credentials("ventanilla", "v-" + secrets.token_urlsafe(12) + "9")
        add_user(running.backend, technician.username, "Técnico (demo)", "technician", technician.password)
        add_user(running.backend, clerk.username, "Ventanilla (demo)", "clerk", clerk.password)
        for person in people(count):
            running.backend.add_person(person.curp, person.nss, person.name, person.birth_date.isoformat())
        yield running.enrolment_file, technician, clerk, scratch / "station"
    finally:
        running.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def run(
    count: int,
    data_dir: Path,
    enrolment_file: Path | None,
    clerk: Credentials | None,
    technician: Credentials | None,
    timeout: float,
    embedded: bool,
    on_result: Callable[[EnrolResult], None] = lambda r: None,
    name: str = "Estación simulada",
) -> list[EnrolResult]:
    with ExitStack() as stack:
        if embedded:
            enrolment_file, technician, clerk, data_dir = stack.enter_context(embedded_backend(count))
        if clerk is None:
            raise KioskError("enrol.no_operator")
        station = join(data_dir, enrolment_file, name, timeout)
        stack.callback(station.client.http.close)
        reader, camera = stack.enter_context(simulated_devices("test"))
        if technician is not None:
            register_devices(station.client, technician, [reader.info, camera.info])
        session = station.client.password_login(clerk.username, clerk.password)
        stack.callback(lambda: station.client.logout(session.token))
        outbox = open_outbox(data_dir)
        stack.callback(outbox.close)
        audit = open_station_log(data_dir, station.keys)
        stack.callback(audit.close)
        audit.append("login", actor=session.operator.operator_id, role=session.operator.role)
        enrolment = SimulatedEnrolment(
            client=station.client,
            token=session.token,
            operator=session.operator,
            config=station.config,
            keys=station.keys,
            station_name=station.link.name,
            outbox=outbox,
            audit=audit,
            reader=reader,
            camera=camera,
        )
        stack.callback(enrolment.close)
        results = []
        for person in people(count):
            result = enrolment.enrol(person)
            on_result(result)
            results.append(result)
        return results
    raise AssertionError("unreachable")
