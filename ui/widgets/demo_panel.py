"""The demo's side panel: the buttons with which a visitor (or the autopilot) plays the person at the
window on the simulated devices. Only in `kiosk demo`; a real station has no such panel."""

from __future__ import annotations

import threading
from typing import Any

from kiosk.demo import DemoPerson
from kiosk.enrol.desk import Desk
from kiosk.messages import Message
from ui.i18n import Translator
from ui.qt import QComboBox, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

SCENES = ("normal", "dark", "too_far", "off_centre", "two_faces", "no_face")


class DemoPanel(QFrame):
    def __init__(self, tr: Translator, desk: Desk, person: DemoPerson, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.i18n, self.desk, self.person = tr, desk, person
        self.setObjectName("demopanel")
        self.setFixedWidth(226)
        column = QVBoxLayout(self)
        title = QLabel(self)
        title.setObjectName("subheading")
        title.setWordWrap(True)
        tr.bind(title, "text", Message("ui.demo.title"))
        column.addWidget(title)
        self.who = QLabel(self)
        self.who.setWordWrap(True)
        tr.data(self.who)
        column.addWidget(self.who)
        self.place = self._button(column, "ui.demo.place", lambda: self._place(None))
        self.place_dry = self._button(column, "ui.demo.place_dry", lambda: self._place("dry"))
        self.place_partial = self._button(column, "ui.demo.place_partial", lambda: self._place("partial"))
        self.place_other = self._button(column, "ui.demo.place_other", self._place_other)
        self.lift = self._button(column, "ui.demo.lift", person.lift)
        self.scene = QComboBox(self)
        tr.bind(self.scene, "accessible", Message("ui.demo.scene"))
        for name in SCENES:
            self.scene.addItem(tr(f"ui.demo.scene.{name}"), name)
        self.scene.currentIndexChanged.connect(lambda _i: person.scene(str(self.scene.currentData())))
        tr.changed.connect(lambda _l: self._scene_names())
        column.addWidget(self.scene)
        self.unplug = self._button(column, "ui.demo.unplug", person.unplug_reader)
        self.replug = self._button(column, "ui.demo.replug", person.replug_reader)
        column.addStretch(1)
        self.refresh()

    def _button(self, column: QVBoxLayout, code: str, slot: Any) -> QPushButton:
        button = QPushButton(self)
        button.setMinimumWidth(0)
        button.setMinimumHeight(38)
        self.i18n.control(button, Message(code))
        button.clicked.connect(slot)
        column.addWidget(button)
        return button

    def _scene_names(self) -> None:
        for index, name in enumerate(SCENES):
            self.scene.setItemText(index, self.i18n(f"ui.demo.scene.{name}"))

    def _current_finger(self) -> Any:
        flow = self.desk.enrolment
        return None if flow is None else flow.current

    def _place(self, condition: str | None) -> None:
        finger = self._current_finger()  # the person acts on their own (a thread): the window goes on
        threading.Thread(target=self.person.place, args=(finger, condition), daemon=True).start()

    def _place_other(self) -> None:
        """A finger already taken (the first accepted one): the duplicate check names it."""
        flow = self.desk.enrolment
        if flow is None:
            return
        taken = [s.finger for s in flow.slots if s.accepted]
        if taken:
            finger = self._current_finger()
            threading.Thread(target=lambda: self.person.place(finger, other=taken[0]), daemon=True).start()

    def refresh(self) -> None:
        flow = self.desk.enrolment
        person = self.person.person
        if flow is not None and flow.person is not None:
            self.person.comes(flow.person.curp)
            person = self.person.person
        self.who.setText(f"{person.name}\nCURP {person.curp}")
