"""The review: every kept print and the face, with what was decided about each, before anything is sealed.

The clerk goes over it with the person: ten thumbnails (right hand above, left hand below) with each
finger's state and NFIQ 2 score, exceptions with their code and reason, prints accepted below the
threshold in amber with who confirmed them; the face token with its score and, when it was accepted
without passing every check, which checks it failed and who confirmed it. A finger or the face can be
sent back to be taken again (`retake_finger`, `retake_face`); "seal and send" is `confirm_review`.

The pictures are small copies held only while this step shows: they are dropped when the flow leaves the
review (the flow wipes its own once sealed) and on `clear()`.
"""

from __future__ import annotations

from typing import Any

from devices.positions import Finger
from kiosk.enrol.flow import Step
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.messages import Message
from ui.qt import QFrame, QGridLayout, QHBoxLayout, QLabel, QSize, Qt, QVBoxLayout
from ui.screens.base import Screen
from ui.style import STATE_COLOURS
from ui.widgets.finger_tile import FingerTile
from ui.widgets.thumbnails import rgb_pixmap

FACE = QSize(150, 200)


class ReviewScreen(Screen):
    name = "review"
    heading_code = "ui.review.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.setSpacing(10)
        self.layout_.addWidget(self.label(Message("ui.review.explained"), "subheading"))
        body = QHBoxLayout()
        hands = QGridLayout()
        hands.setSpacing(8)
        self.tiles: dict[Finger, FingerTile] = {}
        for finger in Finger:
            tile = FingerTile(ui, finger, self)
            tile.retake.clicked.connect(lambda _checked=False, f=finger: self.retake_finger(f))
            self.tiles[finger] = tile
            hands.addWidget(tile, 0 if finger.value <= 5 else 1, (finger.value - 1) % 5)
        body.addLayout(hands, 1)
        body.addWidget(self._build_face())
        self.layout_.addLayout(body, 1)
        row = QHBoxLayout()
        self.error = self.label(Message("ui.empty"), "error")
        row.addWidget(self.error, 1)
        self.confirm = self.button(Message("ui.review.confirm"), "primary", self.confirm_review)
        self.confirm.setAutoDefault(True)
        row.addWidget(self.confirm)
        self.layout_.addLayout(row)
        self.clear()

    def _build_face(self) -> QFrame:
        self.face_card = QFrame(self)
        self.face_card.setObjectName("card")
        self.face_card.setFixedWidth(FACE.width() + 40)
        column = QVBoxLayout(self.face_card)
        column.setContentsMargins(12, 10, 12, 10)
        column.addWidget(self.label(Message("ui.review.face")))
        self.face = QLabel(self.face_card)
        self.face.setFixedSize(FACE)
        self.face.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.i18n.data(self.face)
        column.addWidget(self.face, 0, Qt.AlignmentFlag.AlignHCenter)
        self.face_score = self.label(Message("ui.empty"))
        self.face_state = self.label(Message("ui.empty"))
        self.face_who = self.label(Message("ui.empty"), "hint")
        for label in (self.face_score, self.face_state, self.face_who):
            column.addWidget(label)
        column.addStretch(1)
        self.retake_face_button = self.button(Message("ui.review.retake_face"), slot=self.retake_face)
        self.i18n.bind(
            self.retake_face_button, "text", Message("ui.review.retake")
        )  # short: the card is narrow
        column.addWidget(self.retake_face_button)
        return self.face_card

    # -- the window's calls ---------------------------------------------------------------------------------
    def bind(self, flow: Any) -> None:
        super().bind(flow)
        flow.events.step.connect(self._step)

    def clear(self) -> None:
        super().clear()
        self._drop_pictures()
        self.say(self.error, None, "error")

    def entered(self) -> None:
        self.say(self.error, None, "error")
        self.show_state()
        self.confirm.setFocus()

    def _step(self, event: Event) -> None:
        if event.previous == Step.REVIEW and event.step != Step.REVIEW:
            self._drop_pictures()  # sent back to capture, or sealed: the copies go now

    def _drop_pictures(self) -> None:
        for tile in self.tiles.values():
            tile.clear()  # emptied, not hidden: showing ten tiles again froze the window ~45 ms
        self._drop_face()

    # -- showing --------------------------------------------------------------------------------------------
    def show_state(self) -> None:
        flow = self.flow
        if flow is None:
            return
        slots = {slot.finger: slot for slot in flow.slots}
        for finger, tile in self.tiles.items():
            slot = slots.get(finger)
            if slot is not None:
                tile.show_slot(slot)
            if tile.isHidden() == (slot is not None):  # only a change costs Qt a new layout
                tile.setVisible(slot is not None)
        self._show_face()

    def _show_face(self) -> None:
        assert self.flow is not None
        slot = self.flow.face
        best = slot.best
        if best is None:
            self._drop_face()
            return
        below = slot.accepted_below_threshold
        colour = STATE_COLOURS["below_threshold" if below else "accepted"]
        self.face.setStyleSheet(f"border: 3px solid {colour};")
        self.face.setPixmap(rgb_pixmap(best.token, FACE))
        self.i18n.bind(self.face_score, "text", Message("ui.review.face_score", {"score": round(best.score)}))
        failed = [Message(f"quality.face.measure.{name}") for name in best.failed]
        state = (
            Message("ui.review.face_below", {"failed": failed}) if below else Message("ui.review.face_passed")
        )
        self.i18n.bind(self.face_state, "text", state)
        self.face_state.setStyleSheet(f"color: {colour}; font-weight: 600;")
        who = Message("ui.review.confirmed_by", {"who": slot.confirmed_by}) if below else Message("ui.empty")
        self.i18n.bind(self.face_who, "text", who)

    def _drop_face(self) -> None:
        self.face.clear()
        self.face.setStyleSheet("")
        for label in (self.face_score, self.face_state, self.face_who):
            self.i18n.bind(label, "text", Message("ui.empty"))

    # -- acting ---------------------------------------------------------------------------------------------
    def _act(self, action: Any, *args: Any) -> None:
        if self.flow is None:
            return
        try:
            action(*args)
        except KioskError as exc:
            self.say(self.error, exc.message, "error")

    def retake_finger(self, finger: Finger) -> None:
        if self.flow is not None:
            self._act(self.flow.retake_finger, finger)

    def retake_face(self) -> None:
        if self.flow is not None:
            self._act(self.flow.retake_face)

    def confirm_review(self) -> None:
        if self.flow is not None:
            self._act(self.flow.confirm_review)
