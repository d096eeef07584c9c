"""The whole window over the enrolment bench (tests/fixtures/enrolment.py): real screens, real flow,
simulated devices, a backend stand-in. `signed_in` starts with a clerk at the lookup screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.enrol.desk import Desk
from tests.fixtures.enrolment import Bench
from ui.shell import Shell


@pytest.fixture
def shell(qtbot: QtBot, bench: Bench) -> Iterator[Shell]:
    desk = Desk(bench.station)
    desk.auth.verify = bench.verify  # type: ignore[method-assign]  # the stand-in's supervisor check
    built = Shell(desk, "es_MX")
    qtbot.addWidget(built.window)
    built.window.show()
    yield built
    built.controller.ticker.stop()
    built.window.bar.timer.stop()
    if desk.signed_in:
        desk.logout("test_end")
    built.background.wait(10_000)


@pytest.fixture
def signed_in(shell: Shell, bench: Bench) -> Shell:
    shell.desk._signed_in(bench.login())
    return shell


def settle(qtbot: QtBot, shell: Shell, timeout: int = 20_000) -> None:
    """Wait until no background job is in flight (and its callbacks ran)."""
    qtbot.waitUntil(lambda: shell.background.running == 0, timeout=timeout)
