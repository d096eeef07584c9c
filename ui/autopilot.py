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

import itertools
import time
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.messages import Message
from ui.qt import QAbstractButton, QApplication, QComboBox, QEventLoop, QLineEdit, Qt, QTest, QTimer, QWidget
from ui.stall import StallMeter

WAIT_MS = 20


def live_rate(times: Any, since: float) -> float:
    """Frames per second while frames were coming: 1 / the median gap between consecutive paints
    (gaps over half a second are pauses between captures, not a slow preview)."""
    stamps = [t for t in times if t >= since]
    gaps = sorted(b - a for a, b in itertools.pairwise(stamps) if 0 < b - a < 0.5)
    return round(1.0 / gaps[len(gaps) // 2], 1) if gaps else 0.0


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
        self.figures: dict[str, float] = {}
        self.pdfs: list[str] = []
        self.step = "start"
        self.stall = StallMeter()
        self.accounts: dict[str, Any] = {}  # role -> demo account, for the other roles' runs (ui/autopilots)
        self.backend: Any = None  # the embedded backend, for what a person does at the backend's side
        self.setup_window: Any = None  # a first run's set-up window, before the station's window exists

    def window(self) -> Any:
        """The window the run looks at: the station's, or the set-up wizard's before it exists."""
        return self.shell.window if self.shell is not None else self.setup_window

    # -- finding and acting ---------------------------------------------------------------------------------
    def name(self, code: str, **params: Any) -> str:
        language = self.shell.tr.language if self.shell is not None else self.setup_window.i18n.language
        return Message(code, params).render(language)

    def find(self, code: str, kind: type[QWidget] = QWidget, **params: Any) -> Any:
        wanted = self.name(code, **params)
        roots = [self.window(), *QApplication.topLevelWidgets()]
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
        """Let the window work for `ms` (an event loop, which lets the worker threads run: QTest.qWait
        would keep Python's lock and starve the capture and face analysis)."""
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

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
        running = self.stall._timer.isActive()
        self.stall.pause()  # grabbing the window is the autopilot's own work, not a stall of the window
        self.window().grab().save(str(path))
        if running:
            self.stall.resume()
        self.shots.append(path.name)
        return path

    def begin(self, step: str) -> float:
        self.step = step
        return time.perf_counter()

    def end(self, step: str, started: float) -> None:
        self.timings[step] = round((time.perf_counter() - started) * 1000, 1)

    # -- the visit ------------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shell.show()
        self.pump(200)
        summary: dict[str, Any] = {"receipt_verified": False}
        started = time.perf_counter()
        self.stall.start()
        try:
            for step in self.steps():
                t = self.begin(step.__name__.lstrip("_"))
                step()
                self.end(self.step, t)
            summary.update(self.result(self.receipt))
        except AutopilotStuck as stuck:
            self.shot("stuck")
            summary["failed_at"] = stuck.step
        self.stall.stop()
        stalls = [v for k, v in self.figures.items() if k.startswith("longest_gui_stall_ms_")]
        if stalls:
            self.figures["longest_gui_stall_ms"] = max(stalls)
        summary["timings_ms"] = self.timings
        summary["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
        summary["screenshots_taken"] = self.shots
        summary["receipt_pdfs"] = self.pdfs
        summary["figures"] = self.figures
        return summary

    receipt: Any = None

    def steps(self) -> list[Any]:
        return [
            self._login,
            self._lookup,
            self._identity,
            self._consent,
            self._fingers,
            self._face,
            self._review,
            self._submit,
            self._receipt,
        ]

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

    def _identity(self) -> None:
        self.click("ui.identity.doc.ine")
        self.write("ui.identity.last_four", "4821")
        self.click("ui.identity.attest")
        self.shot("identity")
        self.click("ui.identity.go_on")
        self.on_screen("consent")

    def _consent(self) -> None:
        self.shot("consent")
        self.click("ui.consent.accept")
        self.on_screen("fingers")

    # -- fingers: one poor placement retried, one exception a supervisor confirms ---------------------------
    @property
    def flow(self) -> Any:
        flow = self.shell.desk.enrolment
        if flow is None:
            raise AutopilotStuck(self.step, "no visit is open")
        return flow

    def _fingers(self) -> None:
        flow = self.flow
        order = [s.finger for s in flow.slots]
        screen = self.shell.screen("fingers")
        # The simulator grows the synthetic person's fingers while the clerk types (a real finger needs no
        # growing): wait for them, so that the figures below measure the kiosk, not the simulator.
        self.wait_for(lambda: self.shell.ui.demo.fingers_ready.is_set(), "the simulated fingers", 60)
        self.stall.reset()
        started = time.perf_counter()
        for index, finger in enumerate(order):
            if index == len(order) - 1:
                self._exception(finger)
                continue
            if index == 1:  # a dry first placement: NFIQ 2 says no, the screen says why, then a good one
                self._place(finger, "ui.demo.place_dry")
                self.shot("fingers-retry")
            while flow.current == finger:
                self._place(finger, "ui.demo.place")
            if index == 0:
                self.shot("fingers-first-accepted")
        self.figures["finger_preview_fps"] = live_rate(screen.preview.paint_times, started)
        self.figures["longest_gui_stall_ms_fingers"] = round(self.stall.longest_ms, 1)

    def _place(self, finger: Any, button: str) -> None:
        slot = self.flow.slot(finger)
        attempts = slot.attempts
        self.wait_for(lambda: self._try(button, QAbstractButton), "the demo panel")
        # A person's finger is off the glass for a good part of a second; the autopilot's for no time at
        # all. Place only once the live capture has seen the glass empty, as a reader would.
        self.wait_for(self._ready_for_a_finger, "the live capture to see the glass empty")
        self.click(button)
        self.wait_for(lambda: slot.attempts > attempts or slot.done, f"a capture of {finger.slug}")
        self.pump(100)  # the verdict on screen (the next finger's live capture is already running)
        self.click("ui.demo.lift")
        if (
            slot.last is not None and slot.last.value == "needs_confirmation"
        ):  # three poor prints: keep the best
            self.click("ui.fingers.accept_best")
            self.click("ui.confirm.confirm")
            self.wait_for(lambda: slot.done, f"{finger.slug} accepted below the threshold")
        elif slot.last is not None and slot.last.value == "needs_exception":
            raise AutopilotStuck(self.step, f"{finger.slug}: every attempt was another finger")

    def _ready_for_a_finger(self) -> bool:
        run = self.shell.screen("fingers").live.run
        return run is not None and (not run.facts.get("require_lift") or run.saw_empty)

    def _exception(self, finger: Any) -> None:
        self.click("ui.fingers.record_exception")
        self.click("ui.exception.reason.bandaged")
        self.shot("fingers-exception")
        self.click("ui.exception.go_on")
        self.write("ui.confirm.supervisor_user", self.supervisor.username)
        self.write("ui.confirm.supervisor_password", self.supervisor.password)
        self.shot("fingers-supervisor-confirms")
        self.click("ui.confirm.confirm")
        self.wait_for(lambda: self.flow.slot(finger).exception is not None, "the exception recorded")
        self.on_screen("face")

    # -- face: one guidance step, then the automatic photo --------------------------------------------------
    def _face(self) -> None:
        screen = self.shell.screen("face")
        self.stall.reset()
        started, analysed = time.perf_counter(), screen.analysed
        self.choose_scene("too_far")
        guidance = self.name("quality.face.come_closer")
        self.wait_for(lambda: guidance in screen.guidance.text(), "the guidance to come closer", 30)
        self.shot("face-guidance")
        self.choose_scene("normal")
        self.wait_for(lambda: self.flow.step.value == "review", "the automatic photo", 60)
        seconds = time.perf_counter() - started
        self.figures["face_preview_fps"] = live_rate(screen.preview.paint_times, started)
        # every painted face frame carries its own analysis (the job analyses each frame it hands over)
        self.figures["face_analysis_hz"] = self.figures["face_preview_fps"]
        self.figures["face_frames_analysed"] = screen.analysed - analysed
        self.figures["face_step_s"] = round(seconds, 1)
        self.figures["longest_gui_stall_ms_face"] = round(self.stall.longest_ms, 1)

    def choose_scene(self, scene: str) -> None:
        combo = self.wait_for(lambda: self._try("ui.demo.scene", QComboBox), "the camera scene")
        combo.setFocus()
        for _ in range(combo.count()):
            if combo.currentData() == scene:
                return
            QTest.keyClick(combo, Qt.Key.Key_Down)
            self.pump()
        if combo.currentData() != scene:
            for _ in range(combo.count()):
                QTest.keyClick(combo, Qt.Key.Key_Up)
                if combo.currentData() == scene:
                    return
        if combo.currentData() != scene:
            raise AutopilotStuck(self.step, f"scene {scene}")

    # -- review, sealing, receipt ---------------------------------------------------------------------------
    def _review(self) -> None:
        self.on_screen("review")
        self.shot("review")
        self.stall.reset()
        self.click("ui.review.confirm")

    def _submit(self) -> None:
        if self.shell.window.current_screen == "submit":
            self.shot("submit")
        self.on_screen("receipt", 120)
        self.idle()  # the receipt's code is drawn by then: its making counts too
        self.figures["longest_gui_stall_ms_sealing"] = round(self.stall.longest_ms, 1)
        self.receipt = self.flow.receipt

    def _receipt(self) -> None:
        import shutil

        self.idle()
        self.shot("receipt")
        receipts = self.shell.screen("receipt")
        before = set(receipts.receipts_dir().glob("*.pdf")) if receipts.receipts_dir().is_dir() else set()
        self.click("ui.receipt.save_page")
        self.click("ui.receipt.save_roll")
        self.idle()  # both are drawn and written on workers; the first may be on disk long before the other

        def both_written() -> list[Path]:
            new = sorted(set(receipts.receipts_dir().glob("*.pdf")) - before)
            return new if len(new) >= 2 else []

        made = self.wait_for(both_written, "the two PDFs")
        for pdf in made:
            shutil.copy(pdf, self.folder / pdf.name)
            self.pdfs.append(pdf.name)
