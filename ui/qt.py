"""The one door to Qt: every Qt import in the project goes through here (Anki's lesson).

Keeping them in one module makes a Qt upgrade or a binding change a one-file affair.
"""

import sys

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QEventLoop,
    QIODevice,
    QMarginsF,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    QSizeF,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QGuiApplication,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPalette,
    QPdfWriter,
    QPen,
    QPixmap,
    QShortcut,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTransform,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QAbstractButton",
    "QAction",
    "QApplication",
    "QBrush",
    "QBuffer",
    "QButtonGroup",
    "QByteArray",
    "QCheckBox",
    "QColor",
    "QComboBox",
    "QDialog",
    "QDialogButtonBox",
    "QEvent",
    "QEventLoop",
    "QFileDialog",
    "QFont",
    "QFontMetrics",
    "QFontMetricsF",
    "QFormLayout",
    "QFrame",
    "QGridLayout",
    "QGroupBox",
    "QGuiApplication",
    "QHBoxLayout",
    "QHeaderView",
    "QIODevice",
    "QIcon",
    "QImage",
    "QKeyEvent",
    "QKeySequence",
    "QLabel",
    "QLineEdit",
    "QMainWindow",
    "QMarginsF",
    "QMessageBox",
    "QMouseEvent",
    "QObject",
    "QPageLayout",
    "QPageSize",
    "QPagedPaintDevice",
    "QPainter",
    "QPainterPath",
    "QPalette",
    "QPdfWriter",
    "QPen",
    "QPixmap",
    "QPoint",
    "QPointF",
    "QPrintDialog",
    "QPrinter",
    "QPrinterInfo",
    "QProgressBar",
    "QPushButton",
    "QRadioButton",
    "QRect",
    "QRectF",
    "QRunnable",
    "QScrollArea",
    "QShortcut",
    "QSize",
    "QSizeF",
    "QSizePolicy",
    "QStackedWidget",
    "QStatusBar",
    "QTableWidget",
    "QTableWidgetItem",
    "QTest",
    "QTextBlockFormat",
    "QTextBrowser",
    "QTextCharFormat",
    "QTextCursor",
    "QTextDocument",
    "QThread",
    "QThreadPool",
    "QTimer",
    "QTransform",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
    "qInstallMessageHandler",
]


def _read_sources_without_keeping_them() -> bool:
    """PySide6 looks at every module imported after it for the word "PySide6" (to scope its optional
    `__feature__` switches, PYSIDE-2029) through `inspect.getsource`, which leaves each module's whole
    source in `linecache`: ~950 modules, 33 MB of the station's memory, and an import on the window's
    thread paid the reading (a 78 ms stall). The same question answered from the file's bytes, kept
    nowhere. Applied only where PySide6 has this very hook (pinned in uv.lock; a test checks both agree)."""
    global PYSIDE_FEATURE_CHECK
    feature = sys.modules.get("shibokensupport.feature")
    theirs = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(theirs):
        return False
    PYSIDE_FEATURE_CHECK = theirs
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 (a private name of PySide6's)
    return True


def uses_pyside(module: object) -> bool:
    """Whether a module's source file mentions PySide6 (False when there is no source, as inspect says)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


PYSIDE_FEATURE_CHECK = None  # PySide6's own, kept for the test that both answer alike
FEATURE_CHECK_REPLACED = _read_sources_without_keeping_them()
