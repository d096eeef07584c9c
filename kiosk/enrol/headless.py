"""Running simulated enrolments end to end without a screen: the station, a login, N synthetic people.

With `embedded`, a reference backend runs beside the station's folder (`<data_dir>-backend`), with demo
accounts and the synthetic people; it persists there, so a second run finds the people already enrolled
and goes through re-enrolment. Otherwise the station joins (or has joined) a real backend and logs in
with the credentials given, by password or e.firma.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from kiosk.enrol.runner import SIM_DRIVERS, Credentials, close_station, open_station, register_devices
from kiosk.enrol.simulated import EnrolResult, SimulatedActor
from kiosk.errors import KioskError
from kiosk.operators.login import Authenticator, OperatorLogin
from kiosk.synthetic_people import MAX_PEOPLE, people

MAX_COUNT = MAX_PEOPLE


@dataclass(frozen=True)
class FielFiles:
    certificate: Path
    key: Path
    password: str

    def read(self) -> tuple[bytes, bytes]:
        try:
            return self.certificate.read_bytes(), self.key.read_bytes()
        except OSError as exc:
            raise KioskError(
                "enrol.fiel_unreadable", path=str(exc.filename), reason=exc.strerror or ""
            ) from None


@dataclass
class Plan:
    count: int
    data_dir: Path
    embedded: bool = False
    enrolment_file: Path | None = None
    clerk: Credentials | None = None
    fiel: FielFiles | None = None
    supervisor: Credentials | None = None
    technician: Credentials | None = None
    timeout: float = 10.0
    name: str = "Estación simulada"


def backend_dir(data_dir: Path) -> Path:
    return data_dir.with_name(data_dir.name + "-backend")


def run(plan: Plan, on_result: Callable[[EnrolResult], None] = lambda r: None) -> list[EnrolResult]:
    if not 1 <= plan.count <= MAX_COUNT:
        raise KioskError("enrol.bad_count", limit=MAX_COUNT)
    with ExitStack() as stack:
        url = None
        enrolment_file = plan.enrolment_file
        if plan.embedded:
            from kiosk.enrol import embedded

            backend = stack.enter_context(embedded.running(backend_dir(plan.data_dir)))
            backend.add_people(people(plan.count))
            plan.clerk = plan.clerk or _creds(backend.account("clerk"))
            plan.supervisor = plan.supervisor or _creds(backend.account("supervisor"))
            plan.technician = plan.technician or _creds(backend.account("technician"))
            enrolment_file, url = backend.enrolment_file, backend.url
            if plan.fiel is not None:
                backend.trust_fiel(_certificate_der(plan.fiel.read()[0]))
        station = open_station(
            plan.data_dir,
            enrolment_file=enrolment_file,
            name=plan.name,
            timeout=plan.timeout,
            mode="test",
            url=url,
            test=True,
            allowed_drivers=SIM_DRIVERS,
        )
        stack.callback(close_station, station)
        if plan.technician is not None and station.online:
            register_devices(station, plan.technician)
        authenticator = Authenticator(
            station_id=station.station_id,
            client=station.client,
            audit=station.audit,
            policy=station.policy,
            data_dir=plan.data_dir,
        )
        login = _login(authenticator, plan)
        stack.callback(authenticator.logout, login)
        actor = SimulatedActor(station, login, verify=authenticator.verify, supervisor=plan.supervisor)
        results = []
        for person in people(plan.count):
            result = actor.enrol(person)
            on_result(result)
            results.append(result)
        return results
    raise AssertionError("unreachable")


def _login(authenticator: Authenticator, plan: Plan) -> OperatorLogin:
    if plan.fiel is not None:
        certificate, key = plan.fiel.read()
        return authenticator.fiel(certificate, key, plan.fiel.password)
    if plan.clerk is None:
        raise KioskError("enrol.no_operator")
    return authenticator.password(plan.clerk.username, plan.clerk.password)


def _creds(account: object) -> Credentials:
    return Credentials(account.username, account.password)  # type: ignore[attr-defined]


def _certificate_der(data: bytes) -> bytes:
    from kiosk.fiel.certificate import parse_certificate

    return parse_certificate(data).der
