"""The receipt screen: each kind said as it is, the paper saved and printed, a reprint by folio, and
"next person" leaving nothing of the person in any widget of the window."""

from __future__ import annotations

import stat
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.enrol.flow import Enrolment
from kiosk.masking import mask_curp
from tests.fixtures.enrolment import PERSON, Bench, all_fingers, face_capture, to_fingers
from tests.fixtures.receipts import answer_packets
from tests.ui.conftest import settle
from tests.ui.pdf_tools import needs_poppler, pdf_text
from tests.ui.screen_checks import unfinished
from ui.qt import QAbstractButton, QLabel, QLineEdit, Qt, QTextBrowser, QWidget
from ui.shell import Shell


def to_receipt(qtbot: QtBot, shell: Shell) -> Enrolment:
    flow = shell.desk.enrolment
    assert flow is not None
    to_fingers(flow)
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    flow.confirm_review()
    settle(qtbot, shell)
    assert shell.window.current_screen == "receipt" and flow.receipt is not None
    return flow


def next_person(qtbot: QtBot, shell: Shell, flow: Enrolment) -> Enrolment:
    qtbot.mouseClick(shell.screen("receipt").next_person, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.desk.enrolment not in (None, flow))
    assert shell.desk.enrolment is not None
    return shell.desk.enrolment


def shown(screen: QWidget) -> str:
    return " ".join(label.text() for label in screen.findChildren(QLabel) if label.isVisible())


def test_a_verified_acuse_is_shown_saved_and_printed(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    answer_packets(bench)
    flow = to_receipt(qtbot, signed_in)
    screen = signed_in.screen("receipt")
    receipt = flow.receipt
    assert receipt is not None and receipt.kind == "acuse" and receipt.folio
    assert screen.flag.text() == "ACUSE VERIFICADO" and screen.test_mark.isVisible()
    assert screen.row_values[0].text() == receipt.folio and screen.row_labels[0].text() == "Folio:"
    assert mask_curp(PERSON.curp) in shown(screen) and "Firma del IMSS verificada" in screen.status.text()
    assert screen.next_person.hasFocus()
    qtbot.waitUntil(lambda: not screen.code.pixmap().isNull())  # the code is made on a worker
    qtbot.mouseClick(screen.save_page, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    page = bench.station.data_dir / "receipts" / f"receipt-{receipt.folio}-letter.pdf"
    assert page.read_bytes().startswith(b"%PDF") and stat.S_IMODE(page.stat().st_mode) == 0o600
    assert str(page) in screen.output.text()
    qtbot.mouseClick(screen.save_roll, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    assert (page.parent / f"receipt-{receipt.folio}-roll.pdf").exists()
    qtbot.mouseClick(screen.print_button, Qt.MouseButton.LeftButton)
    printed = page.parent / f"receipt-{receipt.folio}-letter-print.pdf"
    assert printed.exists() and "No hay impresora" in screen.output.text()
    qtbot.mouseClick(signed_in.window.bar.language, Qt.MouseButton.LeftButton)
    assert screen.flag.text() == "RECEIPT VERIFIED" and screen.row_labels[0].text() == "Folio:"


def test_a_provisional_receipt_says_it_will_be_delivered(qtbot: QtBot, signed_in: Shell) -> None:
    flow = to_receipt(qtbot, signed_in)  # the bench's backend does not answer packets
    screen = signed_in.screen("receipt")
    assert flow.receipt is not None and flow.receipt.kind == "provisional"
    assert screen.flag.text() == "ENVÍO PENDIENTE"
    assert "Conserve este papel" in screen.explanation.text() and "se entregará" in screen.explanation.text()
    assert "Folio" not in shown(screen)
    screen.receipts_dir().parent.mkdir(parents=True, exist_ok=True)
    screen.receipts_dir().write_text("not a folder")  # the paper cannot be saved there: it says so
    qtbot.mouseClick(screen.save_page, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    assert "No se pudo" in screen.output.text() and screen.flag.text() == "ENVÍO PENDIENTE"


def test_a_refused_packet_is_shown_as_refused_never_pending(
    qtbot: QtBot, signed_in: Shell, bench: Bench
) -> None:
    answer_packets(bench, refuse="unregistered_device")
    flow = to_receipt(qtbot, signed_in)
    screen = signed_in.screen("receipt")
    assert flow.receipt is not None and flow.receipt.kind == "refused"
    assert screen.flag.text() == "RECHAZADO" and screen.flag.property("tone") == "bad"
    assert "unregistered_device" in screen.explanation.text()
    assert "dispositivo no registrado" in screen.explanation.text()
    assert "PENDIENTE" not in shown(screen).upper()
    qtbot.mouseClick(signed_in.window.bar.language, Qt.MouseButton.LeftButton)
    assert screen.flag.text() == "REFUSED" and "PENDING" not in shown(screen).upper()


def test_an_earlier_receipt_is_reprinted_by_its_folio(qtbot: QtBot, signed_in: Shell, bench: Bench) -> None:
    answer_packets(bench)
    first = to_receipt(qtbot, signed_in)
    assert first.receipt is not None and first.receipt.folio
    folio = first.receipt.folio
    next_person(qtbot, signed_in, first)
    second = to_receipt(qtbot, signed_in)
    assert second.receipt is not None and second.receipt.folio != folio
    screen = signed_in.screen("receipt")
    assert not screen.reprint_save.isVisible()
    qtbot.keyClicks(screen.folio, "ACU-19990101-0000001")
    qtbot.keyClick(screen.folio, Qt.Key.Key_Return)
    settle(qtbot, signed_in)
    assert (
        "no tiene un acuse entregado" in screen.reprint_result.text() and not screen.reprint_save.isVisible()
    )
    screen.folio.clear()
    qtbot.keyClicks(screen.folio, folio.lower())
    qtbot.mouseClick(screen.find_button, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    assert folio in screen.reprint_result.text() and "firma verificada" in screen.reprint_result.text()
    assert unfinished(signed_in, screen) == []
    qtbot.mouseClick(screen.reprint_save, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    saved = bench.station.data_dir / "receipts" / f"receipt-{folio}-letter-reprint.pdf"
    assert saved.exists() and screen.flag.text() == "ACUSE VERIFICADO"  # the current receipt stays
    assert screen.row_values[0].text() == second.receipt.folio
    needs_poppler()
    text = " ".join(pdf_text(saved).split())
    assert folio in text and "REIMPRESIÓN" in text and mask_curp(PERSON.curp) in text


def test_next_person_leaves_nothing_of_the_person_in_the_window(
    qtbot: QtBot, signed_in: Shell, bench: Bench, tmp_path: Path
) -> None:
    answer_packets(bench)
    flow = signed_in.desk.enrolment
    assert flow is not None
    flow.lookup(PERSON.curp)()
    flow.proceed()
    identity = signed_in.screen("identity")
    qtbot.keyClicks(identity.last_four, "QX7Z")
    qtbot.mouseClick(identity.attest, Qt.MouseButton.LeftButton)
    qtbot.keyClick(identity.last_four, Qt.Key.Key_Return)
    qtbot.mouseClick(signed_in.screen("consent").accept, Qt.MouseButton.LeftButton)
    all_fingers(flow)
    flow.offer_face(face_capture(True))
    review = signed_in.screen("review")
    assert not review.face.pixmap().isNull()
    qtbot.mouseClick(review.confirm, Qt.MouseButton.LeftButton)
    settle(qtbot, signed_in)
    receipt = flow.receipt
    assert receipt is not None and receipt.folio
    screen = signed_in.screen("receipt")
    qtbot.keyClicks(screen.folio, receipt.folio)
    qtbot.keyClick(screen.folio, Qt.Key.Key_Return)
    settle(qtbot, signed_in)
    assert PERSON.name in shown(screen) and receipt.folio in shown(screen)
    next_person(qtbot, signed_in, flow)
    assert signed_in.window.current_screen == "lookup" and flow.receipt is None
    traces = (PERSON.name, PERSON.curp, PERSON.nss, mask_curp(PERSON.curp), receipt.folio, "QX7Z")
    left: list[str] = []
    for widget in signed_in.window.findChildren(QWidget):
        texts = []
        if isinstance(widget, QLabel):
            if not widget.pixmap().isNull():
                left.append(f"{widget.objectName() or type(widget).__name__} holds a picture")
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QTextBrowser):
            texts.append(widget.toPlainText())
        texts.append(widget.accessibleName())
        left += [f"{type(widget).__name__}: {t!r}" for t in texts if any(x in t for x in traces)]
    assert left == []
