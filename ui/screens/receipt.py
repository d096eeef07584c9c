"""The receipt: what the person takes home, said as it is, on screen and on paper.

Three kinds, never mixed up (`kiosk.enrol.submit.ReceiptView`): the backend's Acuse, verified here
(folio, packet, received time, masked CURP, "verified"); the station-signed provisional receipt while
the packet waits in the outbox ("submission pending": it will be delivered and the paper is the
person's proof meanwhile); or the backend's refusal with its reason (never "pending"). The paper comes in
two layouts (a page, or the 80 mm roll) with a QR code (`ui.receipts`), saved as PDF in the station's
receipts folder or printed (`ui.printing`). An earlier Acuse can be reprinted by its folio: the outbox
keeps delivered receipts, and the reprint is verified again (`kiosk.enrol.reprint`).

"Next person" ends the visit (`flow.finish()`): the flow wipes the person, the controller clears every
screen, and this one forgets the receipt, its QR code and any reprint.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kiosk.enrol.reprint import receipt_by_folio
from kiosk.enrol.submit import ReceiptView
from kiosk.errors import KioskError
from kiosk.evented import Event
from kiosk.jobs import Job
from kiosk.messages import Message
from ui.printing import print_receipt
from ui.qt import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QImage,
    QLabel,
    QLineEdit,
    QPainter,
    QPixmap,
    QRectF,
    Qt,
    QTimer,
)
from ui.receipts.code import ReceiptCode, receipt_code
from ui.receipts.pdf import Layout, explanation, paint_code, rows, status, write_pdf
from ui.screens.base import Screen
from ui.style import restyle

log = logging.getLogger(__name__)

FLAGS = {  # kind -> (flag, tone)
    "acuse": ("ui.receipt.flag_acuse", "ok"),
    "provisional": ("ui.receipt.flag_provisional", "warn"),
    "refused": ("ui.receipt.flag_refused", "bad"),
}
TONE_ROLES = {"ok": "ok", "warn": "warning", "bad": "error"}
QR_SIDE = 210
ROW_COUNT = 7


class ReceiptScreen(Screen):
    name = "receipt"
    heading_code = "ui.receipt.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.setSpacing(10)
        top = QHBoxLayout()
        self.flag = QLabel(self)
        self.flag.setObjectName("flag")
        self.i18n.bind(self.flag, "text", Message("ui.empty"))
        top.addWidget(self.flag)
        self.test_mark = self.label(Message("ui.receipt.test_mark"), "error")
        self.test_mark.setWordWrap(False)
        top.addWidget(self.test_mark)
        top.addStretch(1)
        self.person_name = self.label(data=True)
        self.person_name.setObjectName("subheading")
        self.person_name.setWordWrap(False)
        top.addWidget(self.person_name)
        self.layout_.addLayout(top)
        self._build_card()
        self._build_outputs()
        self._build_reprint()
        self.layout_.addStretch(1)
        self.view: ReceiptView | None = None
        self.reprinted: ReceiptView | None = None
        self.clear()

    def _build_card(self) -> None:
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 14, 20, 14)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        self.status = self.label(Message("ui.empty"), "ok")
        grid.addWidget(self.status, 0, 0, 1, 2)
        self.explanation = self.label(Message("ui.empty"))
        grid.addWidget(self.explanation, 1, 0, 1, 2)
        self.row_labels: list[QLabel] = []
        self.row_values: list[QLabel] = []
        for index in range(ROW_COUNT):
            label = self.label(Message("ui.empty"), "hint")
            label.setWordWrap(False)
            value = self.label(data=True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.row_labels.append(label)
            self.row_values.append(value)
            grid.addWidget(label, 2 + index, 0)
            grid.addWidget(value, 2 + index, 1)
        grid.setColumnStretch(1, 1)
        self.code = QLabel(card)
        self.code.setFixedSize(QR_SIDE, QR_SIDE)
        self.i18n.data(self.code)
        grid.addWidget(self.code, 0, 2, 2 + ROW_COUNT, 1, Qt.AlignmentFlag.AlignTop)
        self.layout_.addWidget(card)

    def _build_outputs(self) -> None:
        row = QHBoxLayout()
        self.save_page = self.button(
            Message("ui.receipt.save_page"), slot=lambda: self.save(self.page_layout())
        )
        self.save_roll = self.button(Message("ui.receipt.save_roll"), slot=lambda: self.save(Layout.ROLL))
        self.print_button = self.button(
            Message("ui.receipt.print"), slot=lambda: self.print_(self.print_layout())
        )
        for button in (self.save_page, self.save_roll, self.print_button):
            row.addWidget(button)
        row.addStretch(1)
        self.next_person = self.button(Message("ui.receipt.next"), "primary", self.finish)
        self.next_person.setAutoDefault(True)
        row.addWidget(self.next_person)
        self.layout_.addLayout(row)
        self.output = self.label(Message("ui.empty"), "hint")
        self.output.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.output)

    def _build_reprint(self) -> None:
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 10, 20, 10)
        grid.addWidget(self.label(Message("ui.receipt.reprint_title")), 0, 0)
        self.folio = QLineEdit(card)
        self.folio.setMaxLength(40)
        self.i18n.bind(self.folio, "accessible", Message("ui.receipt.reprint_field"))
        self.i18n.bind(self.folio, "placeholder", Message("ui.receipt.reprint_field"))
        self.folio.returnPressed.connect(self.find_reprint)
        grid.addWidget(self.folio, 0, 1)
        self.find_button = self.button(Message("ui.receipt.reprint_find"), slot=self.find_reprint)
        grid.addWidget(self.find_button, 0, 2)
        self.reprint_result = self.label(Message("ui.empty"), "hint")
        grid.addWidget(self.reprint_result, 1, 0, 1, 3)
        buttons = QHBoxLayout()
        self.reprint_save = self.button(
            Message("ui.receipt.reprint_save"), slot=lambda: self.save(self.page_layout(), reprint=True)
        )
        self.reprint_print = self.button(
            Message("ui.receipt.reprint_print"), slot=lambda: self.print_(self.print_layout(), reprint=True)
        )
        buttons.addWidget(self.reprint_save)
        buttons.addWidget(self.reprint_print)
        buttons.addStretch(1)
        grid.addLayout(buttons, 2, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.layout_.addWidget(card)

    # -- the window's calls ---------------------------------------------------------------------------------
    def bind(self, flow: Any) -> None:
        super().bind(flow)
        flow.events.receipt.connect(self._received)

    def clear(self) -> None:
        super().clear()
        self.view = None
        self.i18n.bind(self.flag, "text", Message("ui.empty"))
        self.flag.hide()
        self.test_mark.hide()
        self.person_name.clear()
        self.say(self.status, None, "ok")
        self.say(self.explanation, None, "")
        for label, value in zip(self.row_labels, self.row_values, strict=True):
            self.i18n.bind(label, "text", Message("ui.empty"))
            value.clear()
        self.code.clear()
        self.say(self.output, None, "hint")
        self._forget_reprint()
        self.folio.clear()

    def entered(self) -> None:
        if self.flow is not None and self.flow.receipt is not None and self.flow.receipt is not self.view:
            self.show_receipt(self.flow.receipt)
        self.next_person.setFocus()

    def _received(self, event: Event) -> None:
        self.show_receipt(event.receipt)

    # -- showing --------------------------------------------------------------------------------------------
    def show_receipt(self, view: ReceiptView) -> None:
        self.view = view
        code, tone = FLAGS.get(view.kind, FLAGS["provisional"])
        if view.kind == "acuse" and not view.verified:
            code, tone = "ui.receipt.flag_unverified", "warn"
        self.i18n.bind(self.flag, "text", Message(code))
        self.flag.setProperty("tone", tone)
        self.flag.style().unpolish(self.flag)
        self.flag.style().polish(self.flag)
        self.flag.show()
        self.test_mark.setVisible(view.test)
        self.person_name.setText(view.person_name)
        self.say(self.status, status(view), TONE_ROLES[tone])
        self.say(self.explanation, explanation(view), "")
        shown = rows(view)
        for index, (label, value) in enumerate(zip(self.row_labels, self.row_values, strict=True)):
            if index < len(shown):
                self.i18n.bind(label, "text", Message("ui.receipt.row", {"label": shown[index][0]}))
                value.setText(shown[index][1])
                restyle(value, _value_style(shown[index][0].code, shown[index][2]))
            else:
                self.i18n.bind(label, "text", Message("ui.empty"))
                value.clear()
        if view.warning is not None:  # sealed and queued, but something for the technician
            self.say(self.output, view.warning, "warning")
        else:
            self.say(self.output, None, "hint")
        self.code.clear()
        QTimer.singleShot(0, self, lambda: self._make_code(view))  # once the screen is laid out and painted

    def _make_code(self, view: ReceiptView) -> None:
        """The code comes from a worker, started after the screen is drawn: segno chooses its mask in pure
        Python (~70 ms), which on the window's thread, or beside the window's own drawing, froze it."""
        if view is not self.view:
            return
        job: Job[ReceiptCode, ReceiptCode] = Job(
            "receipt_code", lambda: receipt_code(view), lambda code: code
        )
        self.ui.background.run(job, lambda code: self._show_code(view, code), self._no_code)

    def _show_code(self, view: ReceiptView, code: ReceiptCode) -> None:
        if view is self.view:  # not a receipt the screen has moved on from
            self.code.setPixmap(code_pixmap(code, QR_SIDE))

    def _no_code(self, exc: BaseException) -> None:
        log.warning("the receipt's code could not be drawn: %s", type(exc).__name__)

    # -- paper ----------------------------------------------------------------------------------------------
    def page_layout(self) -> Layout:
        return Layout.A4 if self.ui.options.get("paper") == "a4" else Layout.LETTER

    def print_layout(self) -> Layout:
        """The station's printer: a page printer (the default) or an 80 mm roll (option `print_layout`)."""
        return Layout.ROLL if self.ui.options.get("print_layout") == "roll" else self.page_layout()

    def receipts_dir(self) -> Path:
        folder = self.ui.options.get("receipts_dir")
        return Path(folder) if folder else self.ui.desk.station.data_dir / "receipts"

    def _paper_for(self, reprint: bool) -> ReceiptView | None:
        return self.reprinted if reprint else self.view

    def _file(self, view: ReceiptView, layout: Layout, suffix: str = "") -> Path:
        return self.receipts_dir() / f"receipt-{view.folio or view.packet_id}-{layout.value}{suffix}.pdf"

    def save(self, layout: Layout, reprint: bool = False) -> None:
        """The PDF is drawn and written on a worker (a tenth of a second of painting and a disk that may be
        slow or full): the window stays live and says where it went, or why not, when it is done."""
        view = self._paper_for(reprint)
        if view is None:
            return
        path = self._file(view, layout, "-reprint" if reprint else "")
        language = self.i18n.language
        job: Job[Path, Path] = Job(
            "receipt_pdf", lambda: write_pdf(view, path, layout, language, reprint=reprint), lambda done: done
        )
        self.ui.background.run(job, self._saved, self._not_saved)

    def _saved(self, path: Path) -> None:
        self.say(self.output, Message("ui.receipt.saved", {"path": str(path)}), "ok")

    def _not_saved(self, exc: BaseException) -> None:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
        self.say(self.output, Message("ui.receipt.output_failed", {"reason": reason}), "error")

    def print_(self, layout: Layout, reprint: bool = False) -> None:
        view = self._paper_for(reprint)
        if view is None:
            return
        fallback = self._file(view, layout, "-print")
        try:
            printed = print_receipt(view, layout, self.i18n.language, fallback, parent=self, reprint=reprint)
        except OSError as exc:
            self.say(
                self.output, Message("ui.receipt.output_failed", {"reason": exc.strerror or exc}), "error"
            )
            return
        if printed.outcome == "printer":
            self.say(self.output, Message("ui.receipt.printed", {"printer": printed.where}), "ok")
        elif printed.outcome == "file":
            self.say(self.output, Message("ui.receipt.printed_to_file", {"path": printed.where}), "ok")
        else:
            self.say(self.output, Message("ui.receipt.print_cancelled"), "hint")

    # -- reprint by folio -----------------------------------------------------------------------------------
    def find_reprint(self) -> None:
        folio = self.folio.text().strip()
        if not folio:
            return
        self._forget_reprint()
        station = self.ui.desk.station
        self.find_button.setEnabled(False)
        job: Job[Any, Any] = Job("reprint", lambda: receipt_by_folio(station, folio), lambda found: found)
        self.ui.background.run(job, lambda found: self._found(folio, found), self._reprint_failed)

    def _found(self, folio: str, found: ReceiptView | None) -> None:
        self.find_button.setEnabled(True)
        if found is None:
            self.say(self.reprint_result, Message("ui.receipt.reprint_not_found", {"folio": folio}), "error")
            return
        self.reprinted = found
        state = Message("ui.receipt.reprint_verified" if found.verified else "ui.receipt.reprint_unverified")
        message = Message(
            "ui.receipt.reprint_found", {"folio": found.folio, "curp": found.curp_masked, "state": state}
        )
        self.say(self.reprint_result, message, "ok" if found.verified else "warning")
        self.reprint_save.show()
        self.reprint_print.show()

    def _reprint_failed(self, exc: BaseException) -> None:
        self.find_button.setEnabled(True)
        why = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.reprint_result, why, "error")

    def _forget_reprint(self) -> None:
        self.reprinted = None
        self.say(self.reprint_result, None, "hint")
        self.reprint_save.hide()
        self.reprint_print.hide()

    # -- the end of the visit -------------------------------------------------------------------------------
    def finish(self) -> None:
        if self.flow is not None:
            self.flow.finish()


def code_pixmap(code: ReceiptCode, side: int) -> QPixmap:
    """The receipt's QR code as the paper prints it, for the screen."""
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        paint_code(painter, QRectF(0, 0, side, side), code)
    finally:
        painter.end()
    return QPixmap.fromImage(image)


def _value_style(code: str, mono: bool) -> str:
    if code == "ui.receipt.folio":
        return "font-family: monospace; font-size: 24px; font-weight: 700;"
    return "font-family: monospace;" if mono else ""
