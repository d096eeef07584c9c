"""Two hands, ten fingers, each in the colour of its state: what is done, what is next, what is left.

Drawn with QPainter from simple shapes (no pictures), seen from above with the palms down, as people
hold their hands over a reader: left hand on the left, thumbs towards the middle. Each finger shows its
state from the flow's slots (pending, live, accepted, below threshold, exception) in the colours of
`ui.style.STATE_COLOURS`; an accepted finger carries its NFIQ 2 score, an exception its code (XX, UP).
Fingers the policy does not ask for are drawn as outlines only. A click on a finger emits `clicked`
with its position: the screen decides what that means (an exception ahead of time for a pending one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devices.positions import Finger
from ui.i18n import Translator
from ui.qt import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPointF,
    QRectF,
    QSizePolicy,
    Qt,
    QTransform,
    QWidget,
    Signal,
)
from ui.style import INK, LINE, MUTED, STATE_COLOURS

# One hand in a 200 x 240 box, the left hand (thumb on its right): (finger, x centre, top, bottom, width).
# The thumb grows from the palm's lower corner, tilted outwards.
LEFT_HAND = (
    (Finger.LEFT_LITTLE, 50.0, 70.0, 140.0, 26.0),
    (Finger.LEFT_RING, 82.0, 38.0, 140.0, 28.0),
    (Finger.LEFT_MIDDLE, 115.0, 24.0, 140.0, 29.0),
    (Finger.LEFT_INDEX, 148.0, 40.0, 140.0, 28.0),
)
THUMB = (Finger.LEFT_THUMB, 146.0, 212.0, 86.0, 30.0)  # base (x, y) inside the palm, length, width
THUMB_TILT = 42.0  # degrees, the tip leaning away from the palm
PALM = QRectF(34.0, 118.0, 130.0, 106.0)
BOX = (200.0, 240.0)
GAP = 60.0  # between the hands, in the same units
LEGEND = ("pending", "live", "accepted", "below_threshold", "exception")
MIRROR = {f: Finger(f.value - 5) for f in Finger if f.value > 5}  # left finger -> the right one


@dataclass(frozen=True)
class FingerMark:
    state: str  # pending, live, accepted, below_threshold, exception, or "" (not asked)
    text: str = ""  # the score or the exception code


class HandsDiagram(QWidget):
    clicked = Signal(object)  # the Finger clicked

    def __init__(self, tr: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.i18n = tr
        self.setMinimumSize(420, 290)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.marks: dict[Finger, FingerMark] = {}
        self._shapes: dict[Finger, QPainterPath] = {}
        tr.changed.connect(lambda _language: self.update())

    def set_marks(self, marks: dict[Finger, FingerMark]) -> None:
        self.marks = dict(marks)
        self.update()

    def clear(self) -> None:
        self.set_marks({})

    # -- geometry -------------------------------------------------------------------------------------------
    def _layout(self) -> tuple[float, QPointF]:
        """Scale and origin that fit both hands and the legend in the widget."""
        legend = 34.0
        width = 2 * BOX[0] + GAP
        height = BOX[1] + 28.0  # the hands' names under them
        scale = min(self.width() / width, (self.height() - legend) / height)
        origin = QPointF((self.width() - width * scale) / 2, 4.0)
        return scale, origin

    def shapes(self) -> dict[Finger, tuple[QPainterPath, QPointF]]:
        """Each finger's outline in widget coordinates (what a click is tested against) and its tip."""
        scale, origin = self._layout()
        shapes: dict[Finger, tuple[QPainterPath, QPointF]] = {}
        for hand in ("left", "right"):
            dx = 0.0 if hand == "left" else BOX[0] + GAP
            place = _placing(hand, dx, scale, origin)
            for finger, x, top, bottom, w in LEFT_HAND:
                path = QPainterPath()
                path.addRoundedRect(QRectF(x - w / 2, top, w, bottom - top), w / 2, w / 2)
                shapes[_on(hand, finger)] = (place.map(path), place.map(QPointF(x, top + w / 2 + 2)))
            finger, x, y, length, w = THUMB
            turn = QTransform()
            turn.translate(x, y)
            turn.rotate(THUMB_TILT)
            path = QPainterPath()
            path.addRoundedRect(QRectF(-w / 2, -length, w, length), w / 2, w / 2)
            tip = turn.map(QPointF(0.0, -length + w / 2 + 2))
            shapes[_on(hand, finger)] = (place.map(turn.map(path)), place.map(tip))
        return shapes

    def finger_at(self, point: QPointF) -> Finger | None:
        for finger, (path, _tip) in self.shapes().items():
            if path.contains(point):
                return finger
        return None

    def centre_of(self, finger: Finger) -> QPointF:
        return self.shapes()[finger][0].boundingRect().center()

    # -- events ---------------------------------------------------------------------------------------------
    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        finger = self.finger_at(event.position())
        if finger is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(finger)
            return
        super().mousePressEvent(event)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            scale, origin = self._layout()
            self._paint_palms(painter, scale, origin)
            font = QFont(self.font())
            font.setPixelSize(max(11, round(13 * scale)))
            font.setBold(True)
            painter.setFont(font)
            for finger, (path, tip) in self.shapes().items():
                self._paint_finger(painter, path, tip, self.marks.get(finger, FingerMark("")))
            self._paint_legend(painter)
        finally:
            painter.end()

    def _paint_palms(self, painter: QPainter, scale: float, origin: QPointF) -> None:
        font = QFont(self.font())
        font.setPixelSize(15)
        for hand in ("left", "right"):
            dx = 0.0 if hand == "left" else BOX[0] + GAP
            palm = QPainterPath()
            palm.addRoundedRect(PALM, 30.0, 30.0)
            painter.setPen(QPen(QColor("#c3cbc7"), 1.5))
            painter.setBrush(QColor("#e2e7e4"))
            painter.drawPath(_placing(hand, dx, scale, origin).map(palm))
            label = QRectF(origin.x() + dx * scale, origin.y() + (BOX[1] - 6) * scale, BOX[0] * scale, 26)
            painter.setFont(font)
            painter.setPen(QColor(MUTED))
            painter.drawText(label, int(Qt.AlignmentFlag.AlignCenter), self.i18n(f"ui.hands.{hand}"))

    def _paint_finger(self, painter: QPainter, path: QPainterPath, tip: QPointF, mark: FingerMark) -> None:
        if not mark.state:  # not asked by the policy
            painter.setPen(QPen(QColor(LINE), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(QColor("#f6f7f5"))
            painter.drawPath(path)
            return
        colour = QColor(STATE_COLOURS[mark.state])
        outline = QPen(colour.darker(140), 4.0 if mark.state == "live" else 1.5)
        painter.setPen(outline)
        painter.setBrush(colour)
        painter.drawPath(path)
        if mark.text:
            painter.setPen(QColor("white"))
            painter.drawText(
                QRectF(tip.x() - 30, tip.y() - 12, 60, 24), int(Qt.AlignmentFlag.AlignCenter), mark.text
            )

    def _paint_legend(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPixelSize(14)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        entries = [(state, self.i18n(f"ui.hands.state.{state}")) for state in LEGEND]
        total = sum(22 + metrics.horizontalAdvance(text) + 18 for _, text in entries)
        x = max(4.0, (self.width() - total) / 2)
        y = self.height() - 26.0
        for state, text in entries:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(STATE_COLOURS[state]))
            painter.drawEllipse(QRectF(x, y + 3, 14, 14))
            painter.setPen(QColor(INK))
            painter.drawText(QRectF(x + 20, y, metrics.horizontalAdvance(text) + 4, 20), 0, text)
            x += 22 + metrics.horizontalAdvance(text) + 18


def _on(hand: str, finger: Finger) -> Finger:
    return finger if hand == "left" else MIRROR[finger]


def _placing(hand: str, dx: float, scale: float, origin: QPointF) -> QTransform:
    """From the left hand's box to the widget: mirrored for the right hand, shifted, scaled."""
    move = QTransform()
    move.translate(origin.x(), origin.y())
    move.scale(scale, scale)
    move.translate(dx, 0.0)
    if hand == "right":
        move.translate(BOX[0], 0.0)
        move.scale(-1.0, 1.0)
    return move
