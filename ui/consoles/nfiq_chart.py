"""NFIQ 2 of the day as a picture: one column per finger position (or per reader), painted.

A supervisor should see at a glance which finger or which reader drags quality down, so each column
shows the mean as a bar (green at or above the policy's threshold, amber below), the range of the
day's kept scores as a whisker, every score as a dot, and how many fingers it counts; the threshold is
a dashed line across. Labels come from the catalogue at paint time, so the picture follows the
language button like any text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kiosk.station.day_summary import Scores
from ui import style
from ui.i18n import Translator
from ui.qt import QColor, QFont, QPainter, QPen, QPointF, QRectF, QSize, Qt, QWidget

TOP, BOTTOM, LEFT, RIGHT = 30, 40, 40, 10
TICKS = (0, 20, 40, 60, 80, 100)


class NfiqChart(QWidget):
    def __init__(
        self,
        tr: Translator,
        title_code: str,
        label: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.words = tr
        self.title_code = title_code
        self.label = label  # column key -> its short caption (rendered now, in the current language)
        self.columns: list[tuple[str, Scores]] = []
        self.threshold = 40
        self.setMinimumSize(QSize(320, 220))
        tr.changed.connect(lambda _language: self._described())
        self._described()

    def show_scores(
        self, scores: Mapping[str, Scores], order: Sequence[str] = (), threshold: int = 40
    ) -> None:
        """The columns in `order` first (finger positions in the policy's order), then the rest by name."""
        keys = [k for k in order if k in scores] + sorted(k for k in scores if k not in order)
        self.columns = [(k, scores[k]) for k in keys]
        self.threshold = threshold
        self._described()
        self.update()

    def _described(self) -> None:
        """Screen readers (and tests) get the figures the picture shows."""
        self.setAccessibleName(self.words(self.title_code))
        parts = [
            self.words(
                "ui.sup.chart_column", name=self.label(k), mean=s.mean, low=s.low, high=s.high, count=s.count
            )
            for k, s in self.columns
        ]
        self.setAccessibleDescription("; ".join(parts) or self.words("ui.sup.chart_empty"))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(max(420, LEFT + RIGHT + 64 * len(self.columns)), 280)

    # -- painting -------------------------------------------------------------------------------------------
    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(style.CARD))
        font = QFont(painter.font())
        font.setPixelSize(15)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(style.ACCENT_DARK))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, TOP - 6), Qt.AlignmentFlag.AlignLeft, self.words(self.title_code)
        )
        font.setBold(False)
        font.setPixelSize(12)
        painter.setFont(font)
        plot = QRectF(LEFT, TOP, self.width() - LEFT - RIGHT, self.height() - TOP - BOTTOM)
        self._axes(painter, plot)
        if not self.columns:
            painter.setPen(QColor(style.MUTED))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.words("ui.sup.chart_empty"))
        else:
            width = plot.width() / len(self.columns)
            for index, (key, scores) in enumerate(self.columns):
                self._column(
                    painter,
                    plot,
                    QRectF(plot.left() + index * width, plot.top(), width, plot.height()),
                    key,
                    scores,
                )
        self._threshold(painter, plot)
        painter.end()

    def _y(self, plot: QRectF, value: float) -> float:
        return plot.bottom() - plot.height() * max(0.0, min(100.0, value)) / 100.0

    def _axes(self, painter: QPainter, plot: QRectF) -> None:
        for tick in TICKS:
            y = self._y(plot, tick)
            painter.setPen(QPen(QColor(style.LINE), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(style.MUTED))
            painter.drawText(
                QRectF(0, y - 9, LEFT - 6, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(tick),
            )

    def _threshold(self, painter: QPainter, plot: QRectF) -> None:
        y = self._y(plot, self.threshold)
        pen = QPen(QColor(style.BAD), 2)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(style.BAD))
        text = self.words("ui.sup.chart_threshold", threshold=self.threshold)
        painter.drawText(QRectF(plot.right() - 220, y - 18, 218, 16), Qt.AlignmentFlag.AlignRight, text)

    def _column(self, painter: QPainter, plot: QRectF, cell: QRectF, key: str, scores: Scores) -> None:
        base = QFont(painter.font())
        bar_w = min(36.0, cell.width() * 0.55)
        centre = cell.center().x()
        top = self._y(plot, scores.mean)
        colour = QColor(style.OK if scores.mean >= self.threshold else style.WARN)
        fill = QColor(colour)
        fill.setAlpha(150)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRect(QRectF(centre - bar_w / 2, top, bar_w, plot.bottom() - top))
        painter.setPen(QPen(QColor(style.INK), 2))  # the day's range
        low, high = self._y(plot, scores.low), self._y(plot, scores.high)
        painter.drawLine(QPointF(centre, low), QPointF(centre, high))
        for y in (low, high):
            painter.drawLine(QPointF(centre - 6, y), QPointF(centre + 6, y))
        painter.setBrush(QColor(style.INK))  # every kept score, spread a little so equal ones show
        painter.setPen(Qt.PenStyle.NoPen)
        for n, value in enumerate(scores.values):
            offset = ((n % 5) - 2) * 3.0
            painter.drawEllipse(QPointF(centre + offset, self._y(plot, value)), 2.5, 2.5)
        painter.setPen(QColor(style.INK))
        painter.drawText(
            QRectF(cell.left(), high - 18, cell.width(), 16),
            Qt.AlignmentFlag.AlignHCenter,
            f"{scores.mean:g}",
        )
        small = QFont(painter.font())
        small.setPixelSize(11)
        painter.setFont(small)
        if plot.bottom() - top > 18:  # how many fingers, inside the bar (the description always has it)
            painter.setPen(QColor("white"))
            count = self.words("ui.sup.chart_count", count=scores.count)
            painter.drawText(
                QRectF(cell.left(), plot.bottom() - 16, cell.width(), 14),
                Qt.AlignmentFlag.AlignHCenter,
                count,
            )
        painter.setPen(QColor(style.MUTED))
        small = QFont(painter.font())
        small.setPixelSize(11)
        painter.setFont(small)
        caption = QRectF(cell.left() + 1, plot.bottom() + 4, cell.width() - 2, BOTTOM - 6)
        text = self.label(key)
        painter.drawText(
            caption,
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            text,
        )
        painter.setFont(base)
