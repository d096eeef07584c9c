"""The camera's preview with the guide for the person: an oval where the face should be, and a ring that
fills as the automatic photo comes closer.

The oval follows the checks, not taste: it is centred where the centring check wants the face (the
frame's centre) and sized for the policy's recommended distance between the eyes (ICAO's 120 px on the
still, scaled to the preview by frame height, as the inter-eye check scales its own limit). Around those
eyes the face is laid out as in the ISO/IEC 19794-5 token image, whose width W is four eye distances: a
head about 0.6 W wide and 0.8 W from chin to crown, raised a little because the hair above the forehead
is part of the head but not of the landmarks the centring check measures.
"""

from __future__ import annotations

from typing import Any

from ui.qt import QColor, QPainter, QPainterPath, QPen, QRectF, Qt, QWidget
from ui.style import OK
from ui.widgets.preview import FramePreview

TOKEN_EYES = 4.0  # token width in eye distances (eyes at 0.375 W and 0.625 W)
HEAD_WIDTH = 0.6  # of the token width
HEAD_HEIGHT = 0.8  # of the token width, chin to crown
HAIR_RAISE = 0.3  # eye distances the oval's centre sits above the frame's centre
RING = 9.0  # pixels between the oval and the progress ring


def guide_oval(width: int, height: int, policy: Any) -> QRectF:
    """The oval (in frame pixels) a face at the recommended distance fills, for a frame of this size."""
    eyes = policy.ideal_inter_eye_px * height / policy.still_height
    token = TOKEN_EYES * eyes
    w, h = HEAD_WIDTH * token, min(HEAD_HEIGHT * token, 0.92 * height)
    cx, cy = width / 2, height / 2 - HAIR_RAISE * eyes
    return QRectF(cx - w / 2, cy - h / 2, w, h)


class FacePreview(FramePreview):
    def __init__(self, policy: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent, minimum=(400, 300))
        self.policy = policy
        self.progress = 0.0  # 0-1 towards the automatic photo
        self.passing = False  # the last analysed frame passed every check
        self.still = False  # showing a photo taken, not the live image

    def show_frame(self, image: Any) -> None:
        self.still = False
        super().show_frame(image)

    def show_still(self, image: Any) -> None:
        """A photo taken (the token image), shown without the guide."""
        self.still = True
        self.progress, self.passing = 0.0, False
        super().show_frame(image)

    def set_progress(self, progress: float, passing: bool) -> None:
        self.progress, self.passing = max(0.0, min(1.0, progress)), passing

    def clear(self) -> None:
        self.progress, self.passing, self.still = 0.0, False, False
        super().clear()

    def oval_rect(self, target: QRectF) -> QRectF:
        """The guide oval in widget coordinates, over the frame drawn in `target`."""
        if self._array is None:
            return QRectF()
        height, width = self._array.shape[:2]
        oval = guide_oval(width, height, self.policy)
        scale = target.width() / width
        return QRectF(
            target.x() + oval.x() * scale,
            target.y() + oval.y() * scale,
            oval.width() * scale,
            oval.height() * scale,
        )

    def paint_overlay(self, painter: QPainter, target: QRectF) -> None:
        if self.still:
            return
        oval = self.oval_rect(target)
        outside = QPainterPath()
        outside.addRect(target)
        inside = QPainterPath()
        inside.addEllipse(oval)
        painter.fillPath(outside.subtracted(inside), QColor(0, 0, 0, 95))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(OK if self.passing else "#ffffff"), 3.0, Qt.PenStyle.DashLine))
        painter.drawEllipse(oval)
        if self.progress > 0:
            ring = oval.adjusted(-RING, -RING, RING, RING)
            painter.setPen(QPen(QColor(255, 255, 255, 70), 8.0))
            painter.drawEllipse(ring)
            pen = QPen(QColor(OK), 8.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawArc(ring, 90 * 16, -round(self.progress * 360 * 16))  # from the top, clockwise
