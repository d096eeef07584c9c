"""First run: the set-up wizard's steps and decisions, without Qt.

A station with no registration (no `station.json` in its folder) cannot do anything else, so the window
opens this wizard instead of the login. The steps, in order, each a `Job` the screen runs off its thread:

1. join: the enrolment file (`station-enrolment.json`, from the backend's operator) gives the backend's
   address, its pinned certificates, its signing keys and a one-time token; the technician may type a
   newer token when the file's was used. The station checks its clock against the backend's, registers
   its keys and fetches the signed configuration; then it opens (outbox, audit log, devices).
2. sign in: the technician, whose role must hold `register_station` (a clerk cannot set a station up).
3. devices: the reader and the camera found are registered with the backend by serial.
4. test: one enrolment of a synthetic person, marked test, must come back with a verified receipt
   (`kiosk.station.trial_enrolment`).

A failure keeps the wizard on its step with one line saying what to check (`what_to_check`): the
network, the pinned certificate, the token, the clock, the file, the credentials, the devices.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from devices.facts import DeviceInfo
from kiosk.api import models
from kiosk.audit import events
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.evented import EventGroup
from kiosk.jobs import Job
from kiosk.messages import Message
from kiosk.operators.login import Authenticator, OperatorLogin
from kiosk.roles import Permission
from kiosk.station.keys import StationKeys
from kiosk.station.link import StationLink, register
from kiosk.station.trial_enrolment import SetupReceipt, run_trial_enrolment


class SetupStep(StrEnum):
    JOIN = "join"
    SIGN_IN = "sign_in"
    DEVICES = "devices"
    TEST = "test"
    DONE = "done"


ORDER = (SetupStep.JOIN, SetupStep.SIGN_IN, SetupStep.DEVICES, SetupStep.TEST, SetupStep.DONE)

# What to check, by the code of what failed (first match by prefix wins).
CHECKS: tuple[tuple[str, str], ...] = (
    ("backend.unreachable", "setup.check.network"),
    ("backend.timeout", "setup.check.network"),
    ("backend.https_only", "setup.check.file"),
    ("backend.untrusted", "setup.check.pin"),
    ("backend.error.invalid_token", "setup.check.token"),
    ("station.clock_skew", "setup.check.clock"),
    ("station.bad_enrolment_file", "setup.check.file"),
    ("station.policy_expired", "setup.check.clock"),
    ("backend.config_unsigned", "setup.check.file"),
    ("operators.missing_credentials", "setup.check.credentials"),
    ("backend.error.invalid_credentials", "setup.check.credentials"),
    ("backend.error.account_locked", "setup.check.credentials"),
    ("operators.", "setup.check.credentials"),
    ("roles.forbidden", "setup.check.role"),
    ("backend.error.unregistered_device", "setup.check.devices"),
    ("devices.", "setup.check.devices"),
    ("enrol.no_reader", "setup.check.devices"),
    ("enrol.no_camera", "setup.check.devices"),
    ("backend.bad_receipt", "setup.check.receipt"),
    ("station.setup.receipt_not_test", "setup.check.receipt"),
)


def what_to_check(exc: BaseException) -> Message:
    """One line: what to check, with what failed in brackets."""
    if not isinstance(exc, KioskError):
        return Message("setup.check.other", {"detail": type(exc).__name__})
    code = exc.message.code
    for prefix, check in CHECKS:
        if code == prefix or (prefix.endswith(".") and code.startswith(prefix)):
            return Message(check, {"detail": exc.message})
    return Message("setup.check.other", {"detail": exc.message})


def needed(data_dir: Path) -> bool:
    """A station with no registration opens the set-up wizard."""
    return StationLink.load(data_dir) is None


@dataclass(frozen=True)
class FoundDevice:
    info: DeviceInfo
    newly_registered: bool


OpenStation = Callable[[Path], StationContext]


class Setup:
    """Events: `step(step)` when a step is done and the next begins; `problem(message)` when one failed.

    `open_station(data_dir)` opens the station once it is registered (the window's and the demo's
    options: mode, allowed drivers, test flag); the wizard hands the open station on when it is done.
    """

    def __init__(
        self,
        data_dir: Path,
        open_station: OpenStation,
        *,
        name: str = "Estación",
        timeout: float = 10.0,
        keystore: Any = "auto",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.open_station = open_station
        self.name, self.timeout, self.keystore = name, timeout, keystore
        self.events = EventGroup(self, "step", "problem")
        self.step = SetupStep.JOIN
        self.problem: Message | None = None
        self.station: StationContext | None = None
        self.login: OperatorLogin | None = None
        self.auth: Authenticator | None = None
        self.devices: list[FoundDevice] = []
        self.receipt: SetupReceipt | None = None

    @classmethod
    def resume(cls, station: StationContext, open_station: OpenStation) -> Setup:
        """A registered station whose devices or test enrolment were never done: from the sign-in on."""
        setup = cls(station.data_dir, open_station)
        setup.station = station
        setup.step = SetupStep.SIGN_IN
        return setup

    # -- steps ----------------------------------------------------------------------------------------------
    def join_job(self, enrolment_file: Path | str, token: str | None = None) -> Job[StationContext, Any]:
        self._expect(SetupStep.JOIN)
        path = Path(str(enrolment_file).strip()).expanduser()

        def work() -> StationContext:
            self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            keys = StationKeys.load_or_create(self.data_dir, store=self.keystore)
            link, _config = register(self.data_dir, path, self.name, keys, self.timeout, token=token)
            station = self.open_station(self.data_dir)
            station.audit.append(
                events.STATION_REGISTERED, fields={"station": link.station_id, "name": link.name}
            )
            return station

        def finish(station: StationContext) -> StationContext:
            self.station = station
            self._next()
            return station

        return Job("setup.join", work, finish, self._failed)

    def sign_in_job(self, username: str, password: str) -> Job[OperatorLogin, Any]:
        self._expect(SetupStep.SIGN_IN)
        station = self._station()
        if self.auth is None:
            self.auth = Authenticator(
                station_id=station.station_id,
                client=station.client,
                audit=station.audit,
                policy=station.policy,
                data_dir=station.data_dir,
            )
        auth = self.auth

        def work() -> OperatorLogin:
            login = auth.password(username, password)
            if not login.session.can(Permission.REGISTER_STATION):
                auth.logout(login, "not_allowed")
                raise KioskError(
                    "roles.forbidden", role=login.role, permission=Permission.REGISTER_STATION.value
                )
            return login

        def finish(login: OperatorLogin) -> OperatorLogin:
            self.login = login
            self._next()
            return login

        return Job("setup.sign_in", work, finish, self._failed)

    def devices_job(self) -> Job[list[FoundDevice], Any]:
        """Register the open reader and camera by serial (the ones already known are left as they are)."""
        self._expect(SetupStep.DEVICES)
        station, login = self._station(), self._login()

        def work() -> list[FoundDevice]:
            return register_found_devices(station, login)

        def finish(found: list[FoundDevice]) -> list[FoundDevice]:
            self.devices = found
            self._next()
            return found

        return Job("setup.devices", work, finish, self._failed)

    def test_job(self) -> Job[SetupReceipt, Any]:
        self._expect(SetupStep.TEST)
        station, login = self._station(), self._login()

        def finish(receipt: SetupReceipt) -> SetupReceipt:
            self.receipt = receipt
            self._next()
            return receipt

        return Job("setup.test", lambda: run_trial_enrolment(station, login), finish, self._failed)

    def finish(self) -> StationContext:
        """The wizard is over: the technician's session ends here; the station goes on to the login."""
        self._expect(SetupStep.DONE)
        station = self._station()
        if self.login is not None and self.auth is not None:
            with contextlib.suppress(KioskError):
                self.auth.logout(self.login, "setup_done")
        self.login = None
        return station

    def abandon(self) -> None:
        """The wizard is closed before the end: sign out; the caller closes the station it may hold."""
        if self.login is not None and self.auth is not None:
            with contextlib.suppress(KioskError):
                self.auth.logout(self.login, "setup_abandoned")
        self.login = None

    # -- bookkeeping ----------------------------------------------------------------------------------------
    def _next(self) -> None:
        self.problem = None
        self.step = ORDER[ORDER.index(self.step) + 1]
        self.events.step.emit(step=self.step)

    def _failed(self, exc: BaseException) -> None:
        self.problem = what_to_check(exc)
        self.events.problem.emit(message=self.problem)

    def _expect(self, step: SetupStep) -> None:
        if self.step is not step:
            raise KioskError("station.setup.wrong_step", expected=step.value, step=self.step.value)

    def _station(self) -> StationContext:
        if self.station is None:
            raise KioskError("station.not_registered")
        return self.station

    def _login(self) -> OperatorLogin:
        if self.login is None or not self.login.session.active:
            raise KioskError("operators.session_ended")
        return self.login


def register_found_devices(station: StationContext, login: OperatorLogin) -> list[FoundDevice]:
    """Register the station's open reader and camera with the backend by serial (those it knows stay
    as they are); both must be there. Also what the console's devices page does after a device change."""
    if not login.session.can(Permission.REGISTER_STATION):
        raise KioskError("roles.forbidden", role=login.role, permission=Permission.REGISTER_STATION.value)
    devices = station.devices
    devices.open()
    if not devices.reader_ready:
        raise _problem(devices.problems.get("fingerprint"), "enrol.no_reader")
    if not devices.camera_ready:
        raise _problem(devices.problems.get("camera"), "enrol.no_camera")
    present = {d.device_id for d in devices.registry.scan().devices}
    for device in (devices.reader, devices.camera):
        if device is not None and device.device_id not in present:  # pulled out since it opened
            raise KioskError("devices.error.disconnected", device=device.device_id, reason_suffix="")
    client = station.client
    if client is None or login.token is None:
        raise KioskError("station.diagnostics.offline")
    known = {d.serial for d in client.devices()}
    found = []
    for info in devices.infos():
        new = info.serial not in known
        if new:
            client.register_device(login.token, registration(info))
            login.session.record(
                station.audit,
                events.DEVICE_ADDED,
                {"driver": info.driver_id, "serial": info.serial, "kind": str(info.kind)},
            )
        found.append(FoundDevice(info, new))
    devices.set_registered(d.serial for d in client.devices())
    return found


def registration(info: DeviceInfo) -> models.DeviceRegistration:
    return models.DeviceRegistration(
        kind="camera" if str(info.kind) == "camera" else "fingerprint",
        driver=info.driver_id,
        vendor=info.vendor,
        model=info.model,
        serial=info.serial,
    )


def _problem(message: Message | None, fallback: str) -> KioskError:
    if message is None:
        return KioskError(fallback)
    return KioskError(message.code, **message.params)
