"""Fingerprints, finger by finger: the reader's live image with its quality estimate and one piece of
guidance, the hands diagram with every finger's state, and the decisions the flow asks for.

The screen decides nothing. It captures whatever finger the flow says is current (`flow.current`), one
capture job at a time and only while it is visible; the reader decides when the finger is steady, NFIQ 2
and the flow decide the verdict, and the flow moves to the next finger (or to the face) by itself. Below
the threshold once the attempts ran out the flow asks for a confirmation; a finger that cannot be
captured gets an exception, confirmed as the policy says. An unplugged reader loses nothing: the
screen says so and captures again once the station's devices have reopened it.

After a capture the finger is still on the glass, so the next capture waits for it to be lifted first
(`require_lift`): a real reader would otherwise take the same impression again. The first capture of a
visit does not wait (the person may already have the finger in place), nor does one after the glass
was seen empty.
"""

from __future__ import annotations

from typing import Any

from devices.positions import Finger
from kiosk.enrol.confirm import Decision
from kiosk.enrol.fingers import Verdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.messages import Message
from ui.qt import QHBoxLayout, QTimer, QVBoxLayout
from ui.screens.finger_lines import finger_name, marks, verdict_line
from ui.screens.live_capture import LiveCaptureScreen
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.exception_panel import ExceptionPanel
from ui.widgets.hands import HandsDiagram
from ui.widgets.live_job import LiveJob, Run
from ui.widgets.preview import FramePreview, QualityBar

REST_MS = 1500  # after a failed capture (a device fault), before the next one
QUIET = {"enrol.no_finger"}  # a timeout with nobody at the reader: just wait again
DECIDED = (Verdict.NEEDS_CONFIRMATION, Verdict.NEEDS_EXCEPTION)


class FingersScreen(LiveCaptureScreen):
    name = "fingers"
    heading_code = "ui.fingers.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.now = self.label(Message("ui.empty"), "subheading")
        self.layout_.addWidget(self.now)
        body = QHBoxLayout()
        body.setSpacing(20)
        left = QVBoxLayout()
        self.preview = FramePreview(self, minimum=(256, 320))
        self.i18n.bind(self.preview, "accessible", Message("ui.fingers.preview"))
        self.i18n.bind(self.preview, "text", Message("ui.fingers.waiting"))
        left.addWidget(self.preview, 1)
        self.estimate_caption = self.label(Message("ui.fingers.estimate", {"minimum": 40}), "hint")
        left.addWidget(self.estimate_caption)
        self.quality = QualityBar(self)
        left.addWidget(self.quality)
        body.addLayout(left, 0)
        right = QVBoxLayout()
        self.hands = HandsDiagram(self.i18n, self)
        self.i18n.bind(self.hands, "accessible", Message("ui.hands.name"))
        self.hands.clicked.connect(self._finger_clicked)
        right.addWidget(self.hands, 1)
        self.exceptions = ExceptionPanel(ui, self)
        self.exceptions.chosen.connect(self._exception_chosen)
        self.exceptions.cancelled.connect(self._panels_changed)
        self.exceptions.finger.currentIndexChanged.connect(lambda _i: self._pump())
        right.addWidget(self.exceptions)
        self.confirm = ConfirmPanel(ui, self)
        self.confirm.who.setWordWrap(True)  # (its one long line would widen the whole window)
        self.confirm.cancel.clicked.connect(lambda _checked=False: self._panels_changed())
        right.addWidget(self.confirm)
        right.addStretch(0)  # takes the hands' room while a panel is open
        self.right = right
        body.addLayout(right, 1)
        self.layout_.addLayout(body, 1)
        self.guidance = self.label(Message("ui.empty"), "guidance")
        self.layout_.addWidget(self.guidance)
        self.status = self.label(Message("ui.empty"), "hint")
        self.layout_.addWidget(self.status)
        buttons = QHBoxLayout()
        self.exception_button = self.button(Message("ui.fingers.record_exception"), "", self._exception_now)
        self.accept_button = self.button(Message("ui.fingers.accept_best"), "primary", self._ask_below)
        buttons.addWidget(self.exception_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        self.layout_.addLayout(buttons)
        self.live = LiveJob(ui.background, self._frame, self._ended, self._pump)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._changed)
        self.i18n.changed.connect(lambda _language: self.exceptions.rename_fingers())
        ui.bridge.relay(ui.desk.station.devices.events.changed, self._devices_changed)
        self._links: list[tuple[Any, Any]] = []
        self._shown: Message | None = None
        self._lift_needed = False
        self._reader_lost = False
        self.clear()

    # -- the window's calls ---------------------------------------------------------------------------------
    def bind(self, flow: Enrolment) -> None:
        super().bind(flow)
        for emitter, callback in (
            (flow.events.finger, self._finger_event),
            (flow.events.confirmation, self._confirmation),
            (flow.events.message, self._said),
            (flow.events.step, lambda _event: self._changed()),
        ):
            emitter.connect(callback)
            self._links.append((emitter, callback))
        self._refresh()

    def clear(self) -> None:
        """The visit is over: stop capturing, and forget every image, score and name of the person."""
        self.live.reset()
        for emitter, callback in self._links:
            emitter.disconnect(callback)
        self._links.clear()
        self.preview.clear()
        self.quality.set_value(None)
        self.hands.clear()
        self.confirm.close_panel()
        self.exceptions.close_panel()
        for target in (self.now, self.guidance):
            self.i18n.bind(target, "text", Message("ui.empty"))
        self._shown = None
        self.say(self.status, None)
        self._lift_needed = self._reader_lost = False
        super().clear()
        self._refresh()

    def entered(self) -> None:
        if not self.live.running:
            self.preview.clear()  # (a frame from before the review, say) not what the reader sees now
        self._refresh()
        self.exception_button.setFocus()
        self._pump()

    # -- capturing ------------------------------------------------------------------------------------------
    def _wanted(self) -> Finger | None:
        """The finger to capture now; None when this is not the time (hidden, a decision pending...)."""
        flow = self.flow
        if flow is None or flow.ended or flow.step is not Step.FINGERS or not self.isVisible():
            return None
        slot = flow.current_slot
        if slot is None or slot.done or slot.last in DECIDED:
            return None
        if self.exceptions.isVisible() and self.exceptions.finger.currentData() == slot.finger:
            return None  # the clerk is recording this very finger as an exception
        if self.confirm.isVisible():
            return None
        return slot.finger

    def _pump(self) -> None:
        """Start the capture the flow's state asks for; cancel one it no longer asks for."""
        wanted = self._wanted()
        run = self.live.run
        if run is not None:
            if run.key != wanted:
                run.cancel.set()
            return
        flow = self.flow
        if wanted is None or flow is None:
            return
        if not flow.station.devices.reader_ready:
            if not self._reader_lost:  # (an unplugged reader has said so already)
                self._reader_gone(Message("enrol.no_reader"))
            return
        lift = self._lift_needed

        def job(run: Run) -> Any:
            return flow.capture_job(on_frame=run.frame, cancel=run.cancel, require_lift=lift)

        try:
            self.live.start(wanted, job, require_lift=lift)
        except KioskError as exc:
            self.say(self.status, exc.message, "error")
            self.live.rest(REST_MS)

    def _frame(self, run: Run, frame: Any) -> None:
        self.preview.show_frame(frame.image)
        waiting_for_lift = run.facts["require_lift"] and not run.saw_empty
        estimate = frame.estimate if frame.present and not waiting_for_lift else None
        self.quality.set_value(None if estimate is None else estimate.estimate)
        if not frame.present:
            self._guide(Message("ui.fingers.place", {"finger": finger_name(run.key)}))
        elif waiting_for_lift:
            self._guide(Message("ui.fingers.lift"))
        elif estimate is not None and estimate.guidance:
            self._guide(estimate.guidance[0])  # the most important first: only that one is shown
        else:
            self._guide(Message("ui.fingers.hold_still"))

    def _ended(self, run: Run, verdict: Any, error: BaseException | None) -> None:
        if verdict is not None:
            self._lift_needed = True  # the captured finger is still on the glass
            self._guide(None)  # the live advice was about that impression; the verdict's line speaks now
            self.quality.set_value(None)
        elif run.saw_empty:
            self._lift_needed = False
        if run.cancel.is_set():
            return  # stopped on purpose (left, wiped, another finger): nothing to say
        if error is not None:
            message = error.message if isinstance(error, KioskError) else None
            self.say(
                self.status, message or Message("ui.unexpected", {"error": type(error).__name__}), "error"
            )
            self.live.rest(REST_MS)
        elif verdict is None and self._fault(run.said):
            self.live.rest(REST_MS)  # a device fault: try again calmly

    def _fault(self, said: str | None) -> bool:
        """The job ended on a device fault (not a timeout, a lifted finger or an unplugged reader)."""
        return (
            said is not None and said not in QUIET and said != "enrol.finger_lifted" and not self._reader_lost
        )

    def _said(self, event: Event) -> None:
        flow = self.flow
        if flow is None or flow.step is not Step.FINGERS:
            return
        code = event.message.code
        if self.live.run is not None:
            self.live.run.said = code
        if code in QUIET:
            return
        if code == "enrol.reader_unplugged":
            self._reader_gone(event.message)
            return
        self.say(self.status, event.message, "warning")

    def _reader_gone(self, message: Message) -> None:
        self._reader_lost = True
        self.preview.clear()
        self.quality.set_value(None)
        self.i18n.bind(self.preview, "text", Message("ui.fingers.no_reader"))
        self._guide(None)
        self.say(self.status, message, "error")

    def _devices_changed(self, event: Event) -> None:
        flow = self.flow
        if flow is None or flow.ended or flow.step is not Step.FINGERS:
            return
        if flow.station.devices.reader_ready and self._reader_lost:
            self._reader_lost = False
            self.i18n.bind(self.preview, "text", Message("ui.fingers.waiting"))
            current = flow.current
            if current is not None:
                self.say(
                    self.status, Message("ui.fingers.reader_back", {"finger": finger_name(current)}), "ok"
                )
        elif not flow.station.devices.reader_ready and not self._reader_lost:
            self._reader_gone(Message("enrol.reader_unplugged"))
        self._pump()

    def _guide(self, message: Message | None) -> None:
        if message != self._shown:
            self._shown = message
            self.i18n.bind(self.guidance, "text", message or Message("ui.empty"))

    # -- what the flow says ---------------------------------------------------------------------------------
    def _finger_event(self, event: Event) -> None:
        flow = self.flow
        if flow is None:
            return
        line = verdict_line(event.slot, event.verdict, event.attempt, flow.rules)
        if line is not None:
            self.say(self.status, *line)
        self._soon.start()  # the flow announces a verdict before it moves on to the next finger

    def _confirmation(self, event: Event) -> None:
        flow = self.flow
        if flow is None or flow.step is not Step.FINGERS:
            return
        if event.decision is Decision.BELOW_THRESHOLD:
            self._ask_below()
        elif event.decision is Decision.EXCEPTION and event.values.get("finger") is not None:
            self.preview.clear()
            self.open_exception(event.finger)

    def _changed(self) -> None:
        self._refresh()
        self._pump()

    def _refresh(self) -> None:
        flow = self.flow
        slot = flow.current_slot if flow is not None and flow.step is Step.FINGERS else None
        if flow is None:
            self.hands.clear()
        else:
            self.hands.set_marks(marks(flow))
            self.quality.set_value(self.quality.value, flow.rules.min_nfiq2)
            minimum = {"minimum": flow.rules.min_nfiq2}
            self.i18n.bind(self.estimate_caption, "text", Message("ui.fingers.estimate", minimum))
        if slot is not None:
            attempt = min(slot.attempts + 1, slot.rules.attempts)
            params = {"finger": finger_name(slot.finger), "attempt": attempt, "attempts": slot.rules.attempts}
            self.i18n.bind(self.now, "text", Message("ui.fingers.now", params))
        elif flow is not None and flow.step is Step.FINGERS:
            self.i18n.bind(self.now, "text", Message("ui.fingers.all_done"))
        if slot is not None and slot.last in DECIDED:
            self._guide(None)
            self.quality.set_value(None if slot.best is None else float(slot.best.nfiq2))
        self._arrange()

    def _arrange(self) -> None:
        """The hands give their room to whichever panel is open."""
        if self.confirm.isVisible():
            self.exceptions.hide()
        panel = self.confirm.isVisible() or self.exceptions.isVisible()
        self.hands.setVisible(not panel)
        self.right.setStretch(self.right.count() - 1, 1 if panel else 0)
        flow = self.flow
        pending = flow is not None and flow.step is Step.FINGERS and any(not s.done for s in flow.slots)
        self.exception_button.setEnabled(pending and not self.confirm.isVisible())
        slot = flow.current_slot if flow is not None and flow.step is Step.FINGERS else None
        deciding = slot is not None and slot.last is Verdict.NEEDS_CONFIRMATION
        self.accept_button.setVisible(deciding and not self.confirm.isVisible())

    def _make_room(self) -> None:
        """Before a panel opens: the hands (and any other panel) go first, so the window never grows."""
        self.hands.hide()
        self.exceptions.hide()
        self.right.setStretch(self.right.count() - 1, 1)

    def _panels_changed(self) -> None:
        self._arrange()
        self._pump()

    # -- decisions ------------------------------------------------------------------------------------------
    def _ask_below(self) -> None:
        flow = self.flow
        slot = flow.current_slot if flow is not None else None
        if flow is None or slot is None or slot.last is not Verdict.NEEDS_CONFIRMATION or slot.best is None:
            return
        self.preview.show_frame(slot.best.image)  # what would be accepted
        self.quality.set_value(float(slot.best.nfiq2))
        params = {
            "finger": finger_name(slot.finger),
            "score": slot.best.nfiq2,
            "minimum": flow.rules.min_nfiq2,
        }

        def confirmed(confirmation: Any) -> None:
            if flow is not self.flow:
                return  # the visit ended while the supervisor signed in
            try:
                flow.accept_below_threshold(confirmation)
            except KioskError as exc:
                self.say(self.status, exc.message, "error")
            self._changed()

        self._make_room()
        question = Message("ui.fingers.below_question", params)
        self.confirm.ask(flow, Decision.BELOW_THRESHOLD, flow.below_threshold_subject(), question, confirmed)
        self._panels_changed()

    def _exception_now(self) -> None:
        flow = self.flow
        if flow is not None and flow.current is not None:
            self.open_exception(flow.current)

    def _finger_clicked(self, finger: Finger) -> None:
        flow = self.flow
        if flow is None or flow.step is not Step.FINGERS:
            return
        if any(s.finger == finger and not s.done for s in flow.slots):
            self.open_exception(finger)

    def open_exception(self, finger: Finger) -> None:
        flow = self.flow
        if flow is None or self.confirm.isVisible():
            return
        pending = [s.finger for s in flow.slots if not s.done]
        if finger not in pending:
            return
        self._make_room()
        self.exceptions.open_for(pending, finger)
        self._panels_changed()

    def _exception_chosen(self, finger: Finger, code: str, reason: str, note: str | None) -> None:
        flow = self.flow
        if flow is None:
            return
        about = flow.exception_subject(finger, code, reason)
        params = {
            "finger": finger_name(finger),
            "reason": Message(f"ui.exception.reason.{reason}"),
            "code": code,
        }

        def confirmed(confirmation: Any) -> None:
            if flow is not self.flow:
                return  # the visit ended while the supervisor signed in
            try:
                flow.record_exception(finger, code, reason, note, confirmation)
            except KioskError as exc:
                self.say(self.status, exc.message, "error")
            self._changed()

        self._make_room()
        self.confirm.ask(flow, Decision.EXCEPTION, about, Message("ui.exception.question", params), confirmed)
        self._panels_changed()
