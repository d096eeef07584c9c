"""A device's newest frame on screen: painted as it came, scaled to fit, and counted.

Frames reach the GUI thread through `ui.bridge.Latest` (the newest only, never a backlog). The widget
wraps the frame's own pixels in a QImage (grey `uint8` as Grayscale8, RGB as RGB888) without copying
them, unless the rows are not contiguous; the array is kept alive as long as the QImage points into it.
`painted` counts the frames that reached the screen (a benchmark divides it by the time), and `clear()`
drops the frame: nothing of the person stays in the widget.
"""

from __future__ import annotations

import collections
import time
from typing import Any

import numpy as np

from ui.qt import QColor, QFont, QImage, QPainter, QRectF, QSizePolicy, Qt, QWidget
from ui.style import LINE, MUTED, OK, WARN

BACKDROP = "#20262b"  # the frame's surround: dark, so the image and the guides stand out


class FramePreview(QWidget):
    smooth = True  # scale with filtering (the frames are small; the cost is a few ms at most)

    def __init__(self, parent: QWidget | None = None, minimum: tuple[int, int] = (240, 300)) -> None:
        super().__init__(parent)
        self.setMinimumSize(*minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._array: np.ndarray | None = None
        self._image: QImage | None = None
        self._fresh = False
        self._text = ""  # what shows with no frame ("the reader is unplugged"); set through i18n.bind
        self.painted = 0  # frames painted
        self.paint_times: collections.deque[float] = collections.deque(maxlen=4000)  # when (benchmarks)
        self.received = 0  # frames handed to the widget (some are replaced before a paint)

    # -- what the screen calls ------------------------------------------------------------------------------
    def show_frame(self, image: np.ndarray) -> None:
        if image.ndim == 2:
            fmt = QImage.Format.Format_Grayscale8
        elif image.ndim == 3 and image.shape[2] == 3:
            fmt = QImage.Format.Format_RGB888
        else:
            raise ValueError(f"a preview frame is HxW grey or HxWx3 RGB, not {image.shape}")
        if image.dtype != np.uint8 or not image.flags.c_contiguous:
            image = np.ascontiguousarray(image, dtype=np.uint8)  # the only copy, and only when needed
        height, width = image.shape[:2]
        self._array = image
        self._image = QImage(image.data, width, height, image.strides[0], fmt)
        self._fresh = True
        self.received += 1
        self.update()

    def clear(self) -> None:
        self._image = None
        self._array = None
        self._fresh = False
        self.update()

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's spelling, so `Translator.bind` can set it)
        self._text = text
        self.update()

    def text(self) -> str:
        return self._text

    # -- painting -------------------------------------------------------------------------------------------
    def frame_rect(self) -> QRectF:
        """Where the frame sits in the widget: as large as fits, centred, its aspect kept."""
        if self._array is None:
            return QRectF()
        height, width = self._array.shape[:2]
        scale = min(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(BACKDROP))
            if self._image is None:
                self._paint_text(painter)
                return
            target = self.frame_rect()
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
            painter.drawImage(target, self._image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            self.paint_overlay(painter, target)
            if self._fresh:
                self.painted += 1
                self.paint_times.append(time.perf_counter())
                self._fresh = False
        finally:
            painter.end()

    def paint_overlay(self, painter: QPainter, target: QRectF) -> None:
        """Guides drawn over the frame (the face's oval); nothing for a fingerprint."""

    def _paint_text(self, painter: QPainter) -> None:
        if not self._text:
            return
        painter.setPen(QColor("#e8ecef"))
        font = QFont(self.font())
        font.setPixelSize(18)
        painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(self.rect().adjusted(24, 24, -24, -24), int(flags), self._text)


class QualityBar(QWidget):
    """A 0-100 score as a bar, with the policy's threshold marked: amber below it, green from it on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(30)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.value: float | None = None
        self.threshold = 40

    def set_value(self, value: float | None, threshold: int | None = None) -> None:
        self.value = value
        if threshold is not None:
            self.threshold = threshold
        self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            box = QRectF(self.rect()).adjusted(1, 3, -1, -3)
            painter.setPen(QColor(LINE))
            painter.setBrush(QColor("#eef1ef"))
            painter.drawRoundedRect(box, 6, 6)
            if self.value is not None:
                share = max(0.0, min(1.0, self.value / 100.0))
                fill = QRectF(box.x(), box.y(), box.width() * share, box.height())
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(OK if self.value >= self.threshold else WARN))
                painter.drawRoundedRect(fill, 6, 6)
            tick = box.x() + box.width() * self.threshold / 100.0
            painter.setPen(QColor(MUTED))
            painter.drawLine(int(tick), int(box.top()) - 2, int(tick), int(box.bottom()) + 2)
            if self.value is not None:
                font = QFont(self.font())
                font.setPixelSize(16)
                font.setBold(True)
                painter.setFont(font)
                painter.setPen(QColor("#1b1f23"))
                painter.drawText(
                    box.adjusted(8, 0, -8, 0), int(Qt.AlignmentFlag.AlignRight), str(round(self.value))
                )
        finally:
            painter.end()
