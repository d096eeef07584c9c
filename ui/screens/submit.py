"""Sealing and sending: the flow's submit job, off the GUI thread, with its stages as they happen.

When the screen is shown it runs `flow.submit_job()` through the background helper; the job names each
stage as it starts (sealed, safe in the outbox, sent to the backend) and the screen ticks them off.
When it is done the flow moves to the receipt. When it fails (a full disk: the flow says why and keeps
the person's data in memory), the screen says so, says that nothing was lost, and offers to try again.
"""

from __future__ import annotations

from typing import Any

from kiosk.enrol.submit import STAGES
from kiosk.errors import KioskError
from kiosk.messages import Message
from ui.qt import QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar
from ui.screens.base import Screen
from ui.style import BAD, MUTED, NOW, OK

MARKS = {"pending": "○", "current": "●", "done": "✓", "failed": "✗"}
COLOURS = {"pending": MUTED, "current": NOW, "done": OK, "failed": BAD}


class SubmitScreen(Screen):
    name = "submit"
    heading_code = "ui.submit.heading"

    def __init__(self, ui: Any) -> None:
        super().__init__(ui)
        self.layout_.addWidget(self.label(Message("ui.submit.explained"), "subheading"))
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(24, 18, 24, 18)
        grid.setVerticalSpacing(12)
        self.marks: dict[str, QLabel] = {}
        self.state: dict[str, str] = {}
        self.stages: dict[str, QLabel] = {}
        for line, stage in enumerate(STAGES):
            mark = self.label(data=True)
            mark.setFixedWidth(32)
            self.marks[stage] = mark
            self.stages[stage] = self.label(Message(f"ui.submit.stage.{stage}"))
            grid.addWidget(mark, line, 0)
            grid.addWidget(self.stages[stage], line, 1)
        self.progress = QProgressBar(card)
        self.progress.setRange(0, len(STAGES))
        self.progress.setTextVisible(False)
        grid.addWidget(self.progress, len(STAGES), 0, 1, 2)
        self.layout_.addWidget(card)
        self.error = self.label(Message("ui.empty"), "error")
        self.layout_.addWidget(self.error)
        self.nothing_lost = self.label(Message("ui.submit.nothing_lost"), "hint")
        self.layout_.addWidget(self.nothing_lost)
        row = QHBoxLayout()
        row.addStretch(1)
        self.retry = self.button(Message("ui.submit.retry"), "primary", self.start)
        self.retry.setAutoDefault(True)
        row.addWidget(self.retry)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)
        self.running = False
        self._run = 0  # which run the stage reports belong to (a stale report is ignored)
        self.clear()

    # -- the window's calls ---------------------------------------------------------------------------------
    def clear(self) -> None:
        super().clear()
        self._run += 1
        self.running = False
        self._reset()

    def entered(self) -> None:
        if self.flow is not None and not self.running:
            self.start()

    # -- the job --------------------------------------------------------------------------------------------
    def start(self) -> None:
        flow = self.flow
        if flow is None or self.running:
            return
        self._reset()
        self._run += 1
        run, bridge = self._run, self.ui.bridge
        try:
            job = flow.submit_job(on_stage=lambda stage: bridge.post(lambda s: self._stage(run, s), stage))
        except KioskError as exc:
            self._failed(exc)
            return
        self.running = True
        self.ui.background.run(job, lambda _view: self._done(run), lambda exc: self._failed(exc, run))

    def _reset(self) -> None:
        for stage in STAGES:
            self._mark(stage, "pending")
        self.progress.setValue(0)
        self.say(self.error, None, "error")
        self.nothing_lost.hide()
        self.retry.hide()

    def _mark(self, stage: str, state: str) -> None:
        self.state[stage] = state
        self.marks[stage].setText(MARKS[state])
        weight = 600 if state in ("current", "failed") else 400
        for label in (self.marks[stage], self.stages[stage]):
            label.setStyleSheet(f"font-size: 19px; font-weight: {weight}; color: {COLOURS[state]};")

    def _stage(self, run: int, stage: str) -> None:
        if run != self._run or stage not in STAGES:
            return
        reached = STAGES.index(stage)
        for index, name in enumerate(STAGES):
            if index < reached:
                self._mark(name, "done")
            elif index == reached:
                self._mark(name, "current")
        self.progress.setValue(reached)

    def _done(self, run: int) -> None:
        if run != self._run:
            return
        self.running = False
        for stage in STAGES:
            self._mark(stage, "done")
        self.progress.setValue(len(STAGES))

    def _failed(self, exc: BaseException, run: int | None = None) -> None:
        if run is not None and run != self._run:
            return
        self.running = False
        for stage in STAGES:
            if self.state.get(stage) == "current":
                self._mark(stage, "failed")
        why = (
            exc.message
            if isinstance(exc, KioskError)
            else Message("ui.unexpected", {"error": type(exc).__name__})
        )
        self.say(self.error, Message("ui.submit.failed", {"why": why}), "error")
        self.nothing_lost.show()
        self.retry.show()
        self.retry.setFocus()
