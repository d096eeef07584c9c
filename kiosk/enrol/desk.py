"""The window's desk: who is signed in, the person being served, and the clock that ends both.

The screens bind to this object; it decides what a login opens (a clerk and an employer enrol, a
supervisor enrols and confirms, a technician never sees a person), when the idle warning shows, and
that an expired session wipes the person before it signs the operator out. One desk per station
window; the idle timer is ticked by the window (a QTimer) and pushed back by every input.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.audit.remote import deliver_checkpoint
from kiosk.enrol.flow import Enrolment
from kiosk.enrol.station import StationContext
from kiosk.errors import KioskError
from kiosk.evented import EventGroup
from kiosk.jobs import Job
from kiosk.operators.idle import ExpiryReason, IdleEvent, IdlePolicy, IdleTimer, suspend_aware_clock
from kiosk.operators.login import Authenticator, OperatorLogin
from kiosk.roles import Permission

log = logging.getLogger(__name__)


class Desk:
    """Events: login(login), logout(reason), idle(event, seconds_left), enrolment(flow), status()."""

    def __init__(
        self,
        station: StationContext,
        authenticator: Authenticator | None = None,
        *,
        clock: Callable[[], float] = suspend_aware_clock,
    ) -> None:
        self.station = station
        self.auth = authenticator or Authenticator(
            station_id=station.station_id,
            client=station.client,
            audit=station.audit,
            policy=station.policy,
            data_dir=station.data_dir,
        )
        self.clock = clock
        self.events = EventGroup(self, "login", "logout", "idle", "enrolment", "status")
        self.login: OperatorLogin | None = None
        self.enrolment: Enrolment | None = None
        self.idle: IdleTimer | None = None

    # -- signing in and out ---------------------------------------------------------------------------------
    def password_job(self, username: str, password: str) -> Job[OperatorLogin, OperatorLogin]:
        return Job("login", lambda: self.auth.password(username, password), self._signed_in)

    def fiel_job(self, certificate: bytes, key: bytes, password: str) -> Job[OperatorLogin, OperatorLogin]:
        return Job("login", lambda: self.auth.fiel(certificate, key, password), self._signed_in)

    def change_password_job(self, username: str, old: str, new: str) -> Job[None, None]:
        return Job("change_password", lambda: self.auth.change_password(username, old, new), lambda _: None)

    def _signed_in(self, login: OperatorLogin) -> OperatorLogin:
        if self.login is not None and self.login.session.active:
            self.logout("replaced")
        self.login = login
        self.idle = IdleTimer(
            IdlePolicy.from_policy(self.station.policy.operators.model_dump()),
            clock=self.clock,
        )
        self.events.login.emit(login=login)
        self.events.status.emit()
        return login

    def logout(self, reason: str = "logout") -> Job[None, None]:
        """Wipe the person, close the session here now; the backend is told by the returned job."""
        self.end_enrolment(reason)
        login, self.login, self.idle = self.login, None, None
        if login is None:
            return Job("logout", lambda: None, lambda _: None)
        token = login.token
        client = self.station.client
        login.token = None  # the station forgets it now; the backend call below only tidies up
        self.auth.logout(login, reason)  # local: audit, session ended, FIEL key dropped
        self.events.logout.emit(reason=reason)
        self.events.status.emit()

        audit = self.station.audit

        def tell_backend() -> None:
            if token is None or client is None:
                return
            try:
                client.logout(token)
                deliver_checkpoint(client, audit)  # the backend can then tell if this log is ever cut
            except KioskError as exc:
                log.info("backend logout or checkpoint failed: %s", exc.message.code)

        return Job("logout", tell_backend, lambda _: None)

    @property
    def signed_in(self) -> bool:
        return self.login is not None and self.login.session.active

    def can(self, permission: Permission) -> bool:
        return self.login is not None and self.login.session.can(permission)

    # -- the person at the window ---------------------------------------------------------------------------
    def new_enrolment(self) -> Enrolment:
        """A new person's visit (the flow's preflight says why not, when it cannot start)."""
        if self.login is None:
            raise KioskError("operators.session_ended")
        self.end_enrolment("finished")
        flow = Enrolment.start(self.station, self.login, verify=self.auth.verify)
        self.enrolment = flow
        self.events.enrolment.emit(flow=flow)
        return flow

    def end_enrolment(self, reason: str = "finished") -> None:
        flow, self.enrolment = self.enrolment, None
        if flow is not None:
            flow.wipe(reason)
            self.events.enrolment.emit(flow=None)

    # -- idle -----------------------------------------------------------------------------------------------
    def activity(self) -> None:
        """A key, a touch, a finger on the reader: the operator and the person are still here."""
        if self.idle is not None and self.idle.activity() is IdleEvent.RESUMED:
            self.events.idle.emit(event=IdleEvent.RESUMED, seconds_left=self.idle.seconds_left())

    def tick(self) -> Job[None, None] | None:
        """Called a few times a second; at expiry the person is wiped and the operator signed out."""
        if self.idle is None:
            return None
        event = self.idle.tick()
        if event is IdleEvent.WARNING:
            self.events.idle.emit(event=event, seconds_left=self.idle.seconds_left())
        elif event is IdleEvent.EXPIRED:
            reason = "idle" if self.idle.reason is ExpiryReason.IDLE else "session_limit"
            self.events.idle.emit(event=event, seconds_left=0.0)
            return self.logout(reason)
        return None

    def seconds_left(self) -> float | None:
        return None if self.idle is None else self.idle.seconds_left()

    def status(self) -> dict[str, Any]:
        """The station bar: the station's facts plus who is signed in."""
        status = self.station.status()
        facts = status.to_json()
        facts["frozen_message"] = status.frozen  # the Message, for screens that render it themselves
        login = self.login
        facts["operator"] = (
            None
            if login is None
            else {
                "name": login.name,
                "role": login.role,
                "offline": login.offline,
            }
        )
        return facts
