"""The console: a column of the pages the signed-in role may open, and the page shown beside it.

Which pages, and whether "back to enrolment" is offered, come from the core (`kiosk.station.consoles`
through `ui.consoles.pages.specs_for`); the host only lays them out. Pages are built fresh for each
operator who opens the console and destroyed when they leave or sign out, so nothing one operator saw
waits in a hidden widget for the next. A page may define `entered()` (it became visible) and `clear()`
(it is being torn down: stop live work, forget what it showed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.messages import Message
from kiosk.station import consoles
from ui.consoles.pages import PageSpec, specs_for
from ui.qt import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget
from ui.screens.base import Screen

log = logging.getLogger(__name__)


class ConsoleHost(Screen):
    name = "console"
    heading_code = "ui.console.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.on_back: Callable[[], None] | None = None  # set by the controller: back to the clerk's flow
        self.role: str | None = None
        self.pages: dict[str, QWidget] = {}
        self.tabs: dict[str, QPushButton] = {}
        self.current: str | None = None
        body = QHBoxLayout()
        body.setSpacing(18)
        self.column = QVBoxLayout()
        self.column.setSpacing(8)
        self.tab_box = QVBoxLayout()
        self.tab_box.setSpacing(8)
        self.column.addLayout(self.tab_box)
        self.column.addStretch(1)
        self.back = self.button(Message("ui.console.back_to_enrolment"), slot=self._back)
        self.column.addWidget(self.back)
        self.back.hide()
        body.addLayout(self.column)
        self.stack = QStackedWidget(self)
        body.addWidget(self.stack, 1)
        self.layout_.addLayout(body, 1)

    # -- what the controller calls --------------------------------------------------------------------------
    def open_for(self, role: str) -> None:
        """Build the pages `role` may open (afresh) and show the first."""
        self.close_pages()
        self.role = role
        for spec in specs_for(role):
            self._add(spec)
        self.back.setVisible(consoles.may_enrol(role))
        if self.tabs:
            self.show_page(next(iter(self.tabs)))

    def show_page(self, key: str) -> QWidget:
        if self.role is None or key not in self.pages:
            raise KeyError(key)
        consoles.require_page(self.role, key)
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        self.current = key
        for name, tab in self.tabs.items():
            tab.setObjectName("primary" if name == key else "")
            tab.style().unpolish(tab)
            tab.style().polish(tab)
        entered = getattr(page, "entered", None)
        if callable(entered):
            entered()
        return page

    def page(self, key: str) -> Any:
        return self.pages[key]

    def clear(self) -> None:
        """The operator left (signed out, or back to enrolment): nothing stays behind."""
        super().clear()
        self.close_pages()

    def close_pages(self) -> None:
        for key, page in list(self.pages.items()):
            forget = getattr(page, "clear", None)
            if callable(forget):
                try:
                    forget()
                except Exception:  # one page's teardown must not keep the others alive
                    log.exception("console page %s failed to clear", key)
            self.stack.removeWidget(page)
            page.deleteLater()
        for tab in self.tabs.values():
            self.tab_box.removeWidget(tab)
            tab.deleteLater()
        self.pages.clear()
        self.tabs.clear()
        self.current = None
        self.role = None

    # -- building -------------------------------------------------------------------------------------------
    def _add(self, spec: PageSpec) -> None:
        try:
            page = spec.build(self.ui)
        except Exception as exc:  # a broken page is a line on its own tab, not a window that fails
            log.exception("console page %s failed to build", spec.key)
            page = QLabel(self)
            page.setObjectName("error")
            page.setWordWrap(True)
            self.i18n.bind(page, "text", Message("ui.console.page_failed", {"error": type(exc).__name__}))
        self.pages[spec.key] = page
        self.stack.addWidget(page)
        tab = QPushButton(self)
        self.i18n.control(tab, Message(spec.title))
        tab.clicked.connect(lambda _checked=False, key=spec.key: self.show_page(key))
        self.tabs[spec.key] = tab
        self.tab_box.addWidget(tab)

    def _back(self) -> None:
        if self.on_back is not None:
            self.on_back()
