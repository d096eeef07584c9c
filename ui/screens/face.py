"""The face photo: the camera's live image with the oval where the face goes, one piece of guidance at a
time, a ring that fills towards the automatic photo, and the decision the flow asks for at the end.

The analysis and the automatic photo run in the flow's face job (a worker thread): every analysed frame
comes with its result, its progress towards the photo and the one thing to tell the person, and the
screen paints the newest of them. The flow judges the still: accepted, it moves on to the review by
itself; failed with attempts left, the screen says why and starts again; failed with none left, the
clerk may accept the best one below the checks, with the confirmation the policy names. The screen runs
the job only while it is visible, one at a time, and cancels it when the visit ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.enrol.confirm import Decision
from kiosk.enrol.face import FaceVerdict
from kiosk.enrol.flow import Enrolment, Step
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.messages import Message
from kiosk.quality.face import FacePolicy
from ui.qt import QHBoxLayout, QVBoxLayout
from ui.screens.live_capture import LiveCaptureScreen
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.face_preview import FacePreview
from ui.widgets.live_job import LiveJob, Run

REST_MS = 1500  # after a failed job (a camera fault), before the next one


def measures(names: tuple[str, ...] | list[str]) -> list[Message]:
    """The failed measures in plain words ("head tilt up or down"), for the clerk."""
    return [Message(f"quality.face.measure.{name}") for name in names]


class FaceScreen(LiveCaptureScreen):
    name = "face"
    heading_code = "ui.face.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        body = QHBoxLayout()
        body.setSpacing(20)
        left = QVBoxLayout()
        self.preview = FacePreview(FacePolicy(), self)
        self.i18n.bind(self.preview, "accessible", Message("ui.face.preview"))
        self.i18n.bind(self.preview, "text", Message("ui.face.starting"))
        left.addWidget(self.preview, 1)
        self.guidance = self.label(Message("ui.empty"), "guidance")
        left.addWidget(self.guidance)
        body.addLayout(left, 3)
        right = QVBoxLayout()
        self.status = self.label(Message("ui.empty"), "hint")
        right.addWidget(self.status)
        self.confirm = ConfirmPanel(ui, self)
        self.confirm.who.setWordWrap(True)  # (its one long line would widen the whole window)
        self.confirm.cancel.clicked.connect(lambda _checked=False: self._changed())
        right.addWidget(self.confirm)
        self.accept_button = self.button(Message("ui.face.accept_best"), "primary", self._ask_below)
        right.addWidget(self.accept_button)
        right.addStretch(1)
        body.addLayout(right, 2)
        self.layout_.addLayout(body, 1)
        self.live = LiveJob(ui.background, self._frame, self._ended, self._pump)
        ui.bridge.relay(ui.desk.station.devices.events.changed, self._devices_changed)
        self._links: list[tuple[Any, Any]] = []
        self._shown: Message | None = None
        self._camera_lost = False
        self._said_with_verdict: Message | None = None
        self.clear()

    @property
    def analysed(self) -> int:
        """Frames analysed by the face jobs so far (for the analysis-rate benchmark)."""
        return self.live.delivered

    # -- the window's calls ---------------------------------------------------------------------------------
    def bind(self, flow: Enrolment) -> None:
        super().bind(flow)
        self.preview.policy = flow.face_policy
        for emitter, callback in (
            (flow.events.face, self._face_event),
            (flow.events.confirmation, self._confirmation),
            (flow.events.message, self._said),
            (flow.events.step, lambda _event: self._changed()),
        ):
            emitter.connect(callback)
            self._links.append((emitter, callback))

    def clear(self) -> None:
        """The visit is over: stop the camera job and forget every frame and photo of the person."""
        self.live.reset()
        for emitter, callback in self._links:
            emitter.disconnect(callback)
        self._links.clear()
        self.preview.clear()
        self.confirm.close_panel()
        self._shown = self._said_with_verdict = None
        self.i18n.bind(self.guidance, "text", Message("ui.empty"))
        self.say(self.status, None)
        self._camera_lost = False
        super().clear()
        self._refresh()

    def entered(self) -> None:
        self._refresh()
        self._pump()
        if self.accept_button.isVisible():
            self.accept_button.setFocus()

    # -- the live job ---------------------------------------------------------------------------------------
    def _wanted(self) -> bool:
        flow = self.flow
        if flow is None or flow.ended or flow.step is not Step.FACE or not self.isVisible():
            return False
        return not flow.face.done and flow.face.last is not FaceVerdict.NEEDS_CONFIRMATION

    def _pump(self) -> None:
        wanted = self._wanted()
        if self.live.run is not None:
            if not wanted:
                self.live.cancel()
            return
        flow = self.flow
        if not wanted or flow is None:
            return
        if not flow.station.devices.camera_ready:
            if not self._camera_lost:
                self._camera_gone(Message("enrol.no_camera"))
            return

        def job(run: Run) -> Any:
            return flow.face_job(on_frame=run.frame, cancel=run.cancel)

        try:
            if self.live.start("face", job) is not None and not self.preview.has_frame:
                self.i18n.bind(self.preview, "text", Message("ui.face.starting"))
        except KioskError as exc:
            self.say(self.status, exc.message, "error")
            self.live.rest(REST_MS)

    def _frame(self, run: Run, frame: Any) -> None:
        self.preview.set_progress(frame.progress, bool(frame.result is not None and frame.result.passed))
        self.preview.show_frame(frame.image)
        self._guide(frame.guidance or Message("ui.face.taking"))

    def _ended(self, run: Run, verdict: Any, error: BaseException | None) -> None:
        self.preview.set_progress(0.0, False)
        if run.cancel.is_set():
            return  # stopped on purpose (left, wiped, a decision pending): nothing to say
        if error is not None:
            message = error.message if isinstance(error, KioskError) else None
            self.say(
                self.status, message or Message("ui.unexpected", {"error": type(error).__name__}), "error"
            )
            self.live.rest(REST_MS)
        elif verdict is None and run.said not in (None, "enrol.face_not_found"):
            self.live.rest(REST_MS)  # a camera fault: try again calmly

    def _said(self, event: Event) -> None:
        flow = self.flow
        if flow is None or flow.step is not Step.FACE:
            return
        if self.live.run is not None:
            self.live.run.said = event.message.code
        if event.message == self._said_with_verdict:
            return  # the still's own guidance, already in the verdict's line
        self.say(self.status, event.message, "warning")

    def _camera_gone(self, message: Message) -> None:
        self._camera_lost = True
        self.preview.clear()
        self.i18n.bind(self.preview, "text", Message("ui.face.no_camera"))
        self._guide(None)
        self.say(self.status, message, "error")

    def _devices_changed(self, event: Event) -> None:
        flow = self.flow
        if flow is None or flow.ended or flow.step is not Step.FACE:
            return
        if flow.station.devices.camera_ready and self._camera_lost:
            self._camera_lost = False
            self.i18n.bind(self.preview, "text", Message("ui.face.starting"))
            self.say(self.status, Message("ui.face.camera_back"), "ok")
        self._pump()

    def _guide(self, message: Message | None) -> None:
        if message != self._shown:
            self._shown = message
            self.i18n.bind(self.guidance, "text", message or Message("ui.empty"))

    # -- what the flow says ---------------------------------------------------------------------------------
    def _face_event(self, event: Event) -> None:
        flow = self.flow
        if flow is None:
            return
        slot, verdict, capture = event.slot, event.verdict, event.capture
        if verdict is FaceVerdict.ACCEPTED and slot.best is not None:
            self._show_token(slot.best.token)
            self.say(self.status, Message("ui.face.accepted", {"score": round(slot.best.score)}), "ok")
        elif verdict in (FaceVerdict.RETRY, FaceVerdict.NEEDS_CONFIRMATION) and capture is not None:
            params = {
                "failed": measures(capture.failed),
                "attempt": slot.attempts,
                "attempts": slot.rules.attempts,
            }
            line = Message("ui.face.retry", params)
            if verdict is FaceVerdict.RETRY and capture.guidance is not None:
                self._said_with_verdict = capture.guidance  # the flow says it next: once is enough
                line = Message("ui.face.retry_advice", params | {"advice": capture.guidance})
            self.say(self.status, line, "warning")
        self._changed()

    def _confirmation(self, event: Event) -> None:
        flow = self.flow
        if flow is not None and flow.step is Step.FACE and event.decision is Decision.FACE_BELOW_THRESHOLD:
            self._ask_below()

    def _changed(self) -> None:
        self._refresh()
        self._pump()

    def _refresh(self) -> None:
        flow = self.flow
        if self.preview.still and (flow is None or flow.face.best is None):  # (a retake wiped the photo)
            self.preview.clear()
        deciding = (
            flow is not None and flow.step is Step.FACE and flow.face.last is FaceVerdict.NEEDS_CONFIRMATION
        )
        self.accept_button.setVisible(deciding and not self.confirm.isVisible())
        if deciding and flow is not None and flow.face.best is not None:  # the photo to accept, large
            self._guide(None)
            self.preview.show_still(flow.face.best.token)

    def _show_token(self, token: np.ndarray) -> None:
        """The photo as it will be sealed (the ISO/IEC 19794-5 token image), where the live image was."""
        self.preview.show_still(token)

    def _ask_below(self) -> None:
        flow = self.flow
        best = flow.face.best if flow is not None else None
        if flow is None or best is None or flow.face.last is not FaceVerdict.NEEDS_CONFIRMATION:
            return
        self._show_token(best.token)
        question = Message("ui.face.below_question", {"failed": measures(best.failed)})

        def confirmed(confirmation: Any) -> None:
            if flow is not self.flow:
                return  # the visit ended while the supervisor signed in
            try:
                flow.accept_face_below_threshold(confirmation)
            except KioskError as exc:
                self.say(self.status, exc.message, "error")
            self._changed()

        self.accept_button.hide()
        self.confirm.ask(flow, Decision.FACE_BELOW_THRESHOLD, flow.face_subject(), question, confirmed)
        self._refresh()
