"""`kiosk demo --autopilot`: one complete enrolment of a synthetic person, driven through the real window.

It acts like a person would and nothing more: it finds widgets by their accessible names (rendered from
the catalogue in the window's language, as a screen reader would read them), types and clicks with Qt
input events, and waits for what the screen shows. The demo panel's buttons play the person at the window
(fingers on the simulated reader, where they stand before the camera). On the way it makes the mistakes
and detours a real visit has: a mistyped CURP first, one poor placement retried, one finger recorded as
an exception that a supervisor confirms, one guidance step at the camera. It saves a picture of every
screen and the receipt PDF, and returns a summary with the timings.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.messages import Message
from ui.qt import QAbstractButton, QApplication, QLineEdit, Qt, QTest, QWidget

WAIT_MS = 20


class AutopilotStuck(KioskError):
    def __init__(self, step: str, what: str) -> None:
        super().__init__("ui.demo.autopilot_failed", step=f"{step}: {what}")
        self.step = step


class Autopilot:
    def __init__(
        self, shell: Any, clerk: Any, supervisor: Any, folder: Path, *, timeout: float = 90.0
    ) -> None:
        self.shell, self.clerk, self.supervisor = shell, clerk, supervisor
        self.folder = Path(folder)
        self.timeout = timeout
        self.shots: list[str] = []
        self.timings: dict[str, float] = {}
        self.step = "start"

    # -- finding and acting ----------------------------------------------------------------------------------
    def name(self, code: str, **params: Any) -> str:
        return Message(code, params).render(self.shell.tr.language)

    def find(self, code: str, kind: type[QWidget] = QWidget, **params: Any) -> Any:
        wanted = self.name(code, **params)
        roots = [self.shell.window, *QApplication.topLevelWidgets()]
        for root in roots:
            for widget in root.findChildren(kind):
                if widget.accessibleName() == wanted and widget.isVisible() and widget.isEnabled():
                    return widget
        raise AutopilotStuck(self.step, f"no visible control named {wanted!r}")

    def click(self, code: str, **params: Any) -> None:
        button = self.wait_for(lambda: self._try(code, QAbstractButton, **params), f"button {code}")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.pump()

    def write(self, code: str, text: str, *, enter: bool = False) -> None:
        field = self.wait_for(lambda: self._try(code, QLineEdit), f"field {code}")
        field.setFocus()
        field.selectAll()
        QTest.keyClick(field, Qt.Key.Key_Backspace)
        QTest.keyClicks(field, text)
        if enter:
            QTest.keyClick(field, Qt.Key.Key_Return)
        self.pump()

    def _try(self, code: str, kind: type[QWidget], **params: Any) -> Any:
        try:
            return self.find(code, kind, **params)
        except AutopilotStuck:
            return None

    def pump(self, ms: int = WAIT_MS) -> None:
        QTest.qWait(ms)

    def wait_for(self, condition: Any, what: str, timeout: float | None = None) -> Any:
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            self.pump()
        raise AutopilotStuck(self.step, f"waited in vain for {what}")

    def on_screen(self, name: str, timeout: float | None = None) -> None:
        self.wait_for(lambda: self.shell.window.current_screen == name, f"the {name} screen", timeout)

    def idle(self) -> None:
        self.wait_for(lambda: self.shell.background.running == 0, "the background work")

    def shot(self, name: str) -> Path:
        self.pump(60)
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        self.shell.window.grab().save(str(path))
        self.shots.append(path.name)
        return path

    def begin(self, step: str) -> float:
        self.step = step
        return time.perf_counter()

    def end(self, step: str, started: float) -> None:
        self.timings[step] = round((time.perf_counter() - started) * 1000, 1)

    # -- the visit -------------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shell.show()
        self.pump(200)
        summary: dict[str, Any] = {"receipt_verified": False}
        started = time.perf_counter()
        try:
            for step in self.steps():
                t = self.begin(step.__name__.lstrip("_"))
                step()
                self.end(self.step, t)
            receipt = self.shell.desk.enrolment.receipt if self.shell.desk.enrolment else self.receipt
            summary.update(self.result(receipt))
        except AutopilotStuck as stuck:
            self.shot("stuck")
            summary["failed_at"] = stuck.step
        summary["timings_ms"] = self.timings
        summary["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
        summary["screenshots_taken"] = self.shots
        return summary

    receipt: Any = None

    def steps(self) -> list[Any]:
        return [self._login, self._lookup]

    def result(self, receipt: Any) -> dict[str, Any]:
        if receipt is None:
            return {}
        return {
            "packet_id": receipt.packet_id,
            "folio": receipt.folio,
            "receipt_kind": receipt.kind,
            "receipt_verified": receipt.kind == "acuse" and receipt.verified,
        }

    def _login(self) -> None:
        self.on_screen("login")
        self.shot("login")
        self.write("ui.login.username", self.clerk.username)
        self.write("ui.login.password", self.clerk.password, enter=True)
        self.on_screen("lookup")

    def _lookup(self) -> None:
        person = self.shell.ui.demo.next_person()
        wrong = person.curp[:-1] + ("1" if person.curp[-1] != "1" else "2")
        self.write("ui.lookup.field", wrong)
        self.shot("lookup-mistyped")
        self.write("ui.lookup.field", person.curp.lower(), enter=True)  # a scanner: the whole code and Enter
        self.idle()
        self.wait_for(lambda: self._try("ui.lookup.go_on", QAbstractButton), "the person's record")
        self.shot("lookup-found")
        self.click("ui.lookup.go_on")
        self.on_screen("identity")
