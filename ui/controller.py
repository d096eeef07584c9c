"""Which screen shows now: a mapping from what the desk and the flow say to the window's screens.

Nothing is decided here. Signed in: a new visit starts (the flow's preflight may refuse: the "blocked"
screen says why and offers to try again). The flow's step changes: the matching screen shows. The
visit ends (next person, refusal, idle): every screen forgets the person, and a new visit starts.
Signed out: the login screen. The idle warning counts down in the window's banner.
"""

from __future__ import annotations

from typing import Any

from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.messages import Message
from kiosk.operators.idle import IdleEvent
from kiosk.station import consoles
from kiosk.station.consoles import Landing
from ui.context import UiContext
from ui.main_window import MainWindow
from ui.qt import QTimer

STEP_SCREENS = {
    Step.LOOKUP: "lookup",
    Step.IDENTITY: "identity",
    Step.CONSENT: "consent",
    Step.FINGERS: "fingers",
    Step.FACE: "face",
    Step.REVIEW: "review",
    Step.SUBMIT: "submit",
    Step.RECEIPT: "receipt",
}
TICK_MS = 250


class Controller:
    def __init__(self, ui: UiContext, window: MainWindow, screens: dict[str, Any]) -> None:
        self.ui, self.window, self.screens = ui, window, screens
        desk = ui.desk
        desk.events.login.connect(self._signed_in)
        desk.events.logout.connect(self._signed_out)
        desk.events.idle.connect(self._idle)
        desk.events.status.connect(lambda _e: window.bar.refresh())
        ui.bridge.relay(desk.station.devices.events.changed, lambda _e: window.bar.refresh())
        window.bar.logout.clicked.connect(self.logout)
        window.bar.console.clicked.connect(self.open_console)
        console = screens.get("console")
        if console is not None:
            console.on_back = self.back_to_enrolment
        window.bar.on_delivered_later = self._delivered_later
        self.ticker = QTimer(window)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.blocked: KioskError | None = None
        window.show_screen("login")

    # -- signing in and out ---------------------------------------------------------------------------------
    def _signed_in(self, event: Event) -> None:
        self.window.bar.refresh()
        landing = consoles.landing(event.login.session.role)
        if landing is Landing.ENROLMENT:
            self.next_person()
        elif landing is Landing.CONSOLE:
            self.open_console()
        else:
            self.window.show_screen("no_enrolment")

    # -- the console ----------------------------------------------------------------------------------------
    def open_console(self) -> None:
        """The console of the signed-in role; a person being served is finished first (the core says)."""
        desk = self.ui.desk
        if desk.login is None or "console" not in self.screens:
            return
        role = desk.login.session.role
        if not consoles.pages_for(role):
            return
        flow = desk.enrolment
        visit_open = flow is not None and not flow.ended
        if not consoles.may_leave_visit(visit_open, flow is not None and flow.lookup_result is not None):
            self.window.set_status(Message("ui.console.finish_visit_first"))
            return
        desk.end_enrolment("console")
        self.screens["console"].open_for(role)
        self.window.show_screen("console")

    def back_to_enrolment(self) -> None:
        desk = self.ui.desk
        if desk.login is None or not consoles.may_enrol(desk.login.session.role):
            return
        self.screens["console"].clear()
        self.next_person()

    def _signed_out(self, event: Event) -> None:
        self.window.show_idle(None)
        self._clear_all()
        self.window.show_screen("login")

    def logout(self) -> None:
        self.ui.background.run(self.ui.desk.logout("logout"))

    # -- one visit after another ----------------------------------------------------------------------------
    def next_person(self) -> None:
        try:
            flow = self.ui.desk.new_enrolment()
        except KioskError as exc:
            self.blocked = exc
            blocked = self.screens["blocked"]
            blocked.show_reason(exc.message)
            self.window.show_screen("blocked")
            return
        self.blocked = None
        self._bind(flow)

    def _bind(self, flow: Enrolment) -> None:
        for screen in self.screens.values():
            bind = getattr(screen, "bind", None)
            if callable(bind):
                bind(flow)
        flow.events.step.connect(self._step)
        flow.events.ended.connect(self._ended)
        self.window.show_screen(STEP_SCREENS[flow.step])

    def _step(self, event: Event) -> None:
        screen = STEP_SCREENS.get(event.step)
        if screen is not None:
            self.window.show_screen(screen)

    def _ended(self, event: Event) -> None:
        self._clear_all()
        if self.ui.desk.signed_in and event.reason not in (
            "idle",
            "logout",
            "session_limit",
            "replaced",
            "console",
        ):
            QTimer.singleShot(0, self.next_person)

    def _clear_all(self) -> None:
        for screen in self.screens.values():
            clear = getattr(screen, "clear", None)
            if callable(clear):
                clear()

    def _delivered_later(self, count: int) -> None:
        """Waiting packets went out (the backend is back): the clerk hears so, and where the Acuse is."""
        self.window.set_status(Message("ui.bar.delivered_later", {"count": count}))

    # -- idle -----------------------------------------------------------------------------------------------
    def _tick(self) -> None:
        job = self.ui.desk.tick()
        if job is not None:
            self.ui.background.run(job)
        elif self.window.idle_banner.isVisible():
            self.window.show_idle(self.ui.desk.seconds_left())

    def _idle(self, event: Event) -> None:
        if event.event is IdleEvent.WARNING:
            self.window.show_idle(event.seconds_left)
        else:
            self.window.show_idle(None)
