"""Printing a receipt: the system's print dialog when the station has a printer, a PDF file when not.

The same drawing as "save as PDF" (`ui.receipts.pdf.render`) goes to a `QPrinter`. With a printer
installed the clerk picks it (and the paper) in Qt's print dialog; the page layout follows the paper
chosen there. A station without a printer (and the offscreen platform of the tests and CI) prints to a
PDF file instead, private to the station's user, and says where it is: the receipt is never silently
lost because no printer answered.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.enrol.submit import ReceiptView
from ui.qt import QDialog, QGuiApplication, QPageSize, QPrintDialog, QPrinter, QPrinterInfo
from ui.receipts.pdf import SHEETS, Layout, render

HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc")


@dataclass(frozen=True)
class Printed:
    outcome: str  # printer | file | cancelled
    where: str = ""  # the printer's name, or the file's path


def has_printer() -> bool:
    """A printer the clerk could choose, on a platform that can show the print dialog."""
    if QGuiApplication.platformName() in HEADLESS_PLATFORMS:
        return False
    return bool(QPrinterInfo.availablePrinterNames())


def print_receipt(
    view: ReceiptView,
    layout: Layout | str,
    language: str,
    fallback: Path,
    *,
    parent: Any = None,
    reprint: bool = False,
) -> Printed:
    """Print through the dialog, or (no printer) to the PDF file `fallback`."""
    layout = Layout(layout)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)  # the receipt keeps its own margins
    page = SHEETS[layout].page
    if page is not None:
        printer.setPageSize(QPageSize(page))
    if has_printer():
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return Printed("cancelled")
        render(printer, view, layout, language, reprint=reprint, keep_page=page is not None)
        return Printed("printer", printer.printerName())
    fallback.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(fallback, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # private before Qt writes
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(fallback))
    render(printer, view, layout, language, reprint=reprint)
    return Printed("file", str(fallback))
