"""The receipt on paper: one page (letter or A4) or an 80 mm thermal roll, as PDF or on a printer.

One drawing serves every output: `render` lays the receipt out for the device it is given (a
`QPdfWriter` for "save as PDF", a `QPrinter` for printing) in that device's own resolution, then paints
it with QPainter. Text is vector text in DejaVu Sans (the PDF embeds the subset it uses), so `pdftotext`
reads the folio back and a thermal printer gets sharp glyphs; the QR code (`ui.receipts.code` says what
it carries and why) is one filled vector path, so no viewer draws seams between its modules. A roll has
no fixed length: the layout is measured first, then the page is cut to it.

Everything printed comes from the receipt view (`kiosk.enrol.submit.ReceiptView`) and the catalogue, in
the language asked for. The paper names the person only by the masked CURP, as the backend's receipt
does, so a reprint (which knows nothing more) prints the same paper as the original.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from kiosk.enrol.submit import ReceiptView
from kiosk.messages import Message
from ui.qt import (
    QBuffer,
    QColor,
    QFont,
    QFontMetricsF,
    QIODevice,
    QMarginsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QRectF,
    QSizeF,
    Qt,
)
from ui.receipts.code import ReceiptCode, receipt_code
from ui.style import BAD, INK, MUTED, OK, WARN

DPI = 300
SANS = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
NO_LIGATURES = QFont.Tag("liga")


class Layout(StrEnum):
    LETTER = "letter"
    A4 = "a4"
    ROLL = "roll"  # 80 mm thermal paper


@dataclass(frozen=True)
class Sheet:
    page: QPageSize.PageSizeId | None  # None: 80 mm wide, as long as the receipt
    width_mm: float
    margin_mm: float
    text_pt: float
    qr_mm: float
    label_mm: float | None  # the label column; None: each label above its value


SHEETS = {
    Layout.LETTER: Sheet(QPageSize.PageSizeId.Letter, 215.9, 20.0, 11.0, 58.0, 46.0),
    Layout.A4: Sheet(QPageSize.PageSizeId.A4, 210.0, 20.0, 11.0, 58.0, 46.0),
    Layout.ROLL: Sheet(None, 80.0, 4.0, 8.5, 62.0, None),
}
TONES = {"acuse": OK, "provisional": WARN, "refused": BAD}
TITLES = {
    "acuse": "ui.receipt.pdf.title_acuse",
    "provisional": "ui.receipt.pdf.title_provisional",
    "refused": "ui.receipt.pdf.title_refused",
}


def local_time(iso: str | None) -> str:
    """An RFC 3339 time as the station's clock reads it (the person reads the paper locally)."""
    if not iso:
        return "-"
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return iso
    return f"{when:%Y-%m-%d %H:%M:%S} {when.tzname() or ''}".strip()


def grouped(digest: str, size: int = 8) -> str:
    """A SHA-256 in groups of eight, so a person can compare it and a line can break."""
    return " ".join(digest[i : i + size] for i in range(0, len(digest), size))


def explanation(view: ReceiptView) -> Message:
    if view.kind == "acuse":
        return Message("ui.receipt.explain_acuse" if view.verified else "ui.receipt.explain_unverified")
    if view.kind == "refused":
        reason = view.reason or Message("ui.empty")
        why = reason.params.get("why", reason) if reason.code == "enrol.refused" else reason
        return Message("ui.receipt.explain_refused", {"code": reason.params.get("code", "-"), "why": why})
    return Message("ui.receipt.explain_provisional", {"why": view.reason or Message("ui.empty")})


def status(view: ReceiptView) -> Message:
    if view.kind == "acuse":
        key = str(view.document.get("key_id", "-"))
        return Message("ui.receipt.verified" if view.verified else "ui.receipt.not_verified", {"key": key})
    return Message("ui.receipt.status_refused" if view.kind == "refused" else "ui.receipt.status_pending")


def rows(view: ReceiptView) -> list[tuple[Message, str, bool]]:
    """(label, value, monospaced) in the order the paper and the screen show them."""
    found: list[tuple[Message, str, bool]] = []
    if view.folio:
        found.append((Message("ui.receipt.folio"), view.folio, True))
    found.append((Message("ui.receipt.curp"), view.curp_masked, True))
    if view.received_at:
        found.append((Message("ui.receipt.received_at"), local_time(view.received_at), False))
    found.append((Message("ui.receipt.sealed_at"), local_time(view.sealed_at), False))
    found.append((Message("ui.receipt.station"), f"{view.station_name} ({view.station_id})", False))
    found.append((Message("ui.receipt.packet"), view.packet_id, True))
    found.append((Message("ui.receipt.digest"), grouped(view.digest), True))
    return found


# -- layout ------------------------------------------------------------------------------------------------
@dataclass
class _Text:
    rect: QRectF
    font: QFont
    colour: str
    flags: int
    text: str


@dataclass
class _Composer:
    """Places the receipt's pieces top to bottom in device pixels, measuring text on the device itself."""

    device: QPagedPaintDevice
    sheet: Sheet
    language: str
    texts: list[_Text] = field(default_factory=list)
    boxes: list[tuple[QRectF, str]] = field(default_factory=list)
    code: tuple[QRectF, ReceiptCode] | None = None
    y: float = 0.0

    def __post_init__(self) -> None:
        self.dpi = float(self.device.logicalDpiY())
        self.left = self.px(self.sheet.margin_mm)
        self.width = self.px(self.sheet.width_mm - 2 * self.sheet.margin_mm)
        self.y = self.left

    def px(self, mm: float) -> float:
        return mm / 25.4 * self.dpi

    def font(self, scale: float = 1.0, *, bold: bool = False, mono: bool = False) -> QFont:
        font = QFont(MONO if mono else SANS)
        font.setPointSizeF(self.sheet.text_pt * scale)
        font.setBold(bold)
        font.setFeature(
            NO_LIGATURES, 0
        )  # "fi" stays two letters: the paper's text can be searched and copied
        return font

    def text(
        self,
        text: str,
        font: QFont,
        colour: str = INK,
        *,
        x: float | None = None,
        width: float | None = None,
        centred: bool = False,
        advance: bool = True,
    ) -> float:
        """Place wrapped text at the current line; returns its height."""
        left = self.left if x is None else x
        wide = self.width if width is None else width
        flags = int(Qt.TextFlag.TextWordWrap) | int(
            Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft
        )
        box = QFontMetricsF(font, self.device).boundingRect(QRectF(0, 0, wide, 1e6), flags, text)
        height = box.height()
        self.texts.append(_Text(QRectF(left, self.y, wide, height), font, colour, flags, text))
        if advance:
            self.y += height
        return height

    def say(self, message: Message) -> str:
        return message.render(self.language)

    def gap(self, mm: float) -> None:
        self.y += self.px(mm)

    def compose(self, view: ReceiptView, code: ReceiptCode, reprint: bool, printed_at: datetime) -> float:
        tone = TONES.get(view.kind, WARN)
        self.text(self.say(Message("ui.receipt.pdf.institution")), self.font(0.95, bold=True), MUTED)
        self.text(self.say(Message("ui.receipt.pdf.subtitle")), self.font(0.95), MUTED)
        self.gap(3)
        self.text(self.say(Message(TITLES.get(view.kind, TITLES["provisional"]))), self.font(1.7, bold=True))
        if view.test:
            self.text(self.say(Message("ui.receipt.test_mark")), self.font(1.1, bold=True), BAD)
        if reprint:
            self.text(self.say(Message("ui.receipt.pdf.reprint")), self.font(1.0, bold=True), MUTED)
        self.gap(3)
        self._status_box(view, tone)
        self.gap(4)
        for label, value, mono in rows(view):
            self._row(self.say(label), value, mono, big=label.code == "ui.receipt.folio")
        self.gap(4)
        side = self.px(self.sheet.qr_mm)
        self.code = (QRectF(self.left + (self.width - side) / 2, self.y, side, side), code)
        self.y += side + self.px(1)
        caption = "ui.receipt.pdf.qr_signed" if code.signed else "ui.receipt.pdf.qr_reference"
        self.text(self.say(Message(caption)), self.font(0.8), MUTED, centred=True)
        self.gap(4)
        printed = Message(
            "ui.receipt.pdf.printed",
            {"when": local_time(printed_at.isoformat()), "station": view.station_name},
        )
        self.text(self.say(printed), self.font(0.8), MUTED)
        return self.y + self.left

    def _status_box(self, view: ReceiptView, tone: str) -> None:
        pad = self.px(3)
        top = self.y
        self.y += pad
        inner_x, inner_w = self.left + pad, self.width - 2 * pad
        self.text(self.say(status(view)), self.font(1.05, bold=True), tone, x=inner_x, width=inner_w)
        self.gap(1)
        self.text(self.say(explanation(view)), self.font(), INK, x=inner_x, width=inner_w)
        self.y += pad
        self.boxes.append((QRectF(self.left, top, self.width, self.y - top), tone))

    def _row(self, label: str, value: str, mono: bool, big: bool) -> None:
        value_font = self.font(1.35 if big else 1.0, bold=big, mono=mono)
        if self.sheet.label_mm is None:
            self.text(label, self.font(0.85), MUTED)
            self.text(value, value_font)
        else:
            column = self.px(self.sheet.label_mm)
            left = self.text(label, self.font(0.95), MUTED, width=column, advance=False)
            right = self.text(
                value, value_font, x=self.left + column, width=self.width - column, advance=False
            )
            self.y += max(left, right)
        self.gap(1.6)

    def paint(self, painter: QPainter) -> None:
        for rect, tone in self.boxes:
            pen = QPen(QColor(tone))
            pen.setWidthF(self.px(0.6))
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, self.px(1.5), self.px(1.5))
        for item in self.texts:
            painter.setFont(item.font)
            painter.setPen(QColor(item.colour))
            painter.drawText(item.rect, item.flags, item.text)
        if self.code is not None:
            paint_code(painter, *self.code)


def paint_code(painter: QPainter, rect: QRectF, code: ReceiptCode) -> None:
    """The QR code in `rect` (quiet zone included), as one path of horizontal runs of dark modules."""
    modules = code.modules()
    count = len(modules) + 2 * QUIET_ZONE
    unit = min(rect.width(), rect.height()) / count
    path = QPainterPath()
    for row, line in enumerate(modules):
        column = 0
        while column < len(line):
            if not line[column]:
                column += 1
                continue
            start = column
            while column < len(line) and line[column]:
                column += 1
            x = rect.left() + (QUIET_ZONE + start) * unit
            y = rect.top() + (QUIET_ZONE + row) * unit
            path.addRect(QRectF(x, y, (column - start) * unit, unit))
    path.setFillRule(Qt.FillRule.WindingFill)
    painter.fillRect(rect, QColor("white"))
    painter.fillPath(path, QColor("black"))


# -- output -----------------------------------------------------------------------------------------------
def render(
    device: QPagedPaintDevice,
    view: ReceiptView,
    layout: Layout | str,
    language: str,
    *,
    reprint: bool = False,
    printed_at: datetime | None = None,
    keep_page: bool = False,
) -> None:
    """Lay the receipt out for `device` (a PDF writer or a printer) and paint it on one page.

    `keep_page`: a page layout keeps the paper the device already has (chosen in a print dialog).
    """
    sheet = SHEETS[Layout(layout)]
    keep_page = keep_page and sheet.page is not None
    if keep_page:
        sheet = replace(sheet, width_mm=device.pageLayout().fullRect(QPageLayout.Unit.Millimeter).width())
    composer = _Composer(device, sheet, language)
    height_px = composer.compose(view, receipt_code(view), reprint, printed_at or datetime.now().astimezone())
    if keep_page:
        pass
    elif sheet.page is not None:
        size = QPageSize(sheet.page)
        device.setPageLayout(_layout(size))
    else:
        length_mm = height_px / composer.dpi * 25.4
        size = QPageSize(
            QSizeF(sheet.width_mm, length_mm),
            QPageSize.Unit.Millimeter,
            "80 mm roll",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
        device.setPageLayout(_layout(size))
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the receipt's page could not be opened for painting")
    try:
        composer.paint(painter)
    finally:
        painter.end()


def _layout(size: QPageSize) -> QPageLayout:
    return QPageLayout(
        size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter
    )


def pdf_bytes(view: ReceiptView, layout: Layout | str, language: str, *, reprint: bool = False) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setCreator("kiosk")
    writer.setTitle(
        Message("ui.receipt.pdf.document_title", {"id": view.folio or view.packet_id}).render(language)
    )
    render(writer, view, layout, language, reprint=reprint)
    del writer  # flushes the document into the buffer
    data = bytes(buffer.data().data())
    buffer.close()
    return data


def write_pdf(
    view: ReceiptView, path: Path, layout: Layout | str, language: str, *, reprint: bool = False
) -> Path:
    """The receipt as a PDF file, readable by its owner only (it names a packet and a masked CURP)."""
    data = pdf_bytes(view, layout, language, reprint=reprint)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path
