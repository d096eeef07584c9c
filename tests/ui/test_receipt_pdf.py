"""The paper receipt: both layouts read back with pdftotext, the QR code decoded from the rendered page
and verified against the backend's key, and printing that falls back to a PDF file without a printer."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pytestqt.qtbot import QtBot

from kiosk.api.envelopes import b64, open_document, sign_document, unb64
from kiosk.enrol.submit import ReceiptView
from kiosk.messages import Message
from tests.ui.pdf_tools import decode_qr, needs_poppler, pdf_info, pdf_png, pdf_text, run
from ui import printing
from ui.qt import QDialog
from ui.receipts.code import MAX_VERSION, envelope_of, receipt_code
from ui.receipts.pdf import Layout, write_pdf

KEY = Ed25519PrivateKey.generate()
KEY_ID = "sig-0a1b2c3d"
BODY = {
    "folio": "ACU-20260504-0000042",
    "packet_id": "0196a1b2-7c3d-7e8f-9a0b-1c2d3e4f5a6b",
    "station_id": "ST-TEST-0001",
    "curp_masked": "VAVA************56",
    "received_at": "2026-05-04T17:21:09Z",
    "digest": "9f2c41d0" * 8,
    "test": True,
}
BASE: dict[str, Any] = {
    "packet_id": BODY["packet_id"],
    "digest": BODY["digest"],
    "station_id": "ST-TEST-0001",
    "station_name": "Ventanilla 3",
    "curp_masked": BODY["curp_masked"],
    "person_name": "ARTURO VAZQUEZ VAZQUEZ",
    "sealed_at": "2026-05-04T17:21:05Z",
    "test": True,
}


def acuse() -> ReceiptView:
    envelope = sign_document(BODY, KEY, KEY_ID)
    return ReceiptView(
        kind="acuse",
        folio=BODY["folio"],
        received_at=BODY["received_at"],
        verified=True,
        document=envelope,
        **BASE,
    )


def provisional() -> ReceiptView:
    return ReceiptView(kind="provisional", reason=Message("enrol.pending_backend"), **BASE)


def refused() -> ReceiptView:
    why = Message("backend.error.unregistered_device")
    return ReceiptView(
        kind="refused", reason=Message("enrol.refused", {"code": "unregistered_device", "why": why}), **BASE
    )


@pytest.mark.parametrize("layout", [Layout.LETTER, Layout.ROLL])
def test_an_acuse_prints_its_folio_and_a_code_that_proves_it(
    qapp: Any, tmp_path: Path, layout: Layout
) -> None:
    needs_poppler()
    path = write_pdf(acuse(), tmp_path / f"acuse-{layout}.pdf", layout, "es_MX")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = " ".join(pdf_text(path).split())
    assert BODY["folio"] in text and BODY["curp_masked"] in text and BODY["packet_id"] in text
    assert "Acuse de registro biométrico" in text and "PRUEBA" in text and "ARTURO" not in text
    assert "Firma del IMSS verificada" in text
    info = pdf_info(path)
    if layout is Layout.LETTER:
        assert "612 x 792 pts (letter)" in info
    else:
        assert "Page size:       227 x " in info  # 80 mm wide (226.8 pt), as long as the receipt
    scanned = decode_qr(pdf_png(path))
    envelope = envelope_of(scanned)
    assert envelope is not None
    assert open_document(envelope, {KEY_ID: KEY.public_key()}) == BODY  # what the backend signed
    forged = json.loads(unb64(envelope["payload"]))
    forged["folio"] = "ACU-20260504-9999999"
    with pytest.raises(ValueError):
        open_document({**envelope, "payload": b64(json.dumps(forged).encode())}, {KEY_ID: KEY.public_key()})


def test_the_receipt_speaks_the_operator_s_language(qapp: Any, tmp_path: Path) -> None:
    needs_poppler()
    text = " ".join(pdf_text(write_pdf(acuse(), tmp_path / "en.pdf", Layout.A4, "en")).split())
    assert "Biometric enrolment receipt" in text and "IMSS signature verified" in text
    assert "595 x 842 pts (A4)" in pdf_info(tmp_path / "en.pdf")
    fonts = run("pdffonts", str(tmp_path / "en.pdf"))
    assert "DejaVuSans " in fonts and all(" yes " in line for line in fonts.splitlines()[2:])  # embedded


def test_a_provisional_receipt_says_pending_and_names_the_packet(qapp: Any, tmp_path: Path) -> None:
    needs_poppler()
    path = write_pdf(provisional(), tmp_path / "pending.pdf", Layout.ROLL, "es_MX")
    text = " ".join(pdf_text(path).split())
    assert "envío pendiente" in text and "Conserve este papel" in text and "Folio" not in text
    code = json.loads(decode_qr(pdf_png(path)))
    assert code == {"v": 1, "t": "provisional", "f": None, "i": BODY["packet_id"], "d": BODY["digest"]}


def test_a_refused_packet_prints_as_refused_with_the_reason(qapp: Any, tmp_path: Path) -> None:
    needs_poppler()
    path = write_pdf(refused(), tmp_path / "refused.pdf", Layout.LETTER, "es_MX")
    text = " ".join(pdf_text(path).split())
    assert "RECHAZADO" in text and "unregistered_device" in text
    assert "dispositivo no registrado" in text and "pendiente" not in text.lower()
    assert json.loads(decode_qr(pdf_png(path)))["t"] == "refused"


def test_an_acuse_too_big_for_a_printable_code_falls_back_to_folio_packet_and_digest() -> None:
    full = receipt_code(acuse())
    assert full.signed and full.version <= MAX_VERSION and len(full.text) < 700
    small = receipt_code(acuse(), max_version=full.version - 1)
    assert not small.signed and json.loads(small.text)["f"] == BODY["folio"]
    assert envelope_of(small.text) is None
    modules = small.modules()
    assert len(modules) == 17 + 4 * small.version and all(len(row) == len(modules) for row in modules)


def test_printing_without_a_printer_writes_a_private_pdf(qapp: Any, tmp_path: Path) -> None:
    needs_poppler()
    assert not printing.has_printer()  # offscreen: no dialog can be shown
    printed = printing.print_receipt(acuse(), Layout.ROLL, "es_MX", tmp_path / "out" / "print.pdf")
    assert printed.outcome == "file" and Path(printed.where).exists()
    assert stat.S_IMODE(Path(printed.where).stat().st_mode) == 0o600
    assert BODY["folio"] in pdf_text(Path(printed.where))


def test_with_a_printer_the_dialog_decides(
    qapp: Any, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_poppler()
    chosen = tmp_path / "chosen.pdf"

    class Dialog:
        answer = QDialog.DialogCode.Rejected

        def __init__(self, printer: Any, parent: Any = None) -> None:
            printer.setOutputFileName(str(chosen))  # the clerk picked "print to file"

        def exec(self) -> QDialog.DialogCode:
            return self.answer

    monkeypatch.setattr(printing, "has_printer", lambda: True)
    monkeypatch.setattr(printing, "QPrintDialog", Dialog)
    assert (
        printing.print_receipt(acuse(), Layout.LETTER, "en", tmp_path / "unused.pdf").outcome == "cancelled"
    )
    Dialog.answer = QDialog.DialogCode.Accepted
    printed = printing.print_receipt(acuse(), Layout.LETTER, "en", tmp_path / "unused.pdf")
    assert printed.outcome == "printer" and not (tmp_path / "unused.pdf").exists()
    assert BODY["folio"] in pdf_text(chosen) and "612 x 792" in pdf_info(chosen)
