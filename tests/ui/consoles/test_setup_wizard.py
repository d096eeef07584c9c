"""The set-up wizard's screen over the real backend: a new station from its enrolment file to a verified
test receipt; a used token and a wrong pin each say what to check and keep the wizard on its step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from devices.sim.hardware import SimulatedHardware
from kiosk.backend.server import Running
from kiosk.enrol.runner import close_station
from kiosk.station.setup import Setup, SetupStep
from tests.fixtures.backend import TECH_PASSWORD, join
from tests.fixtures.setup import opener, wrongly_pinned
from ui.background import Background
from ui.consoles.setup import SetupWizard
from ui.i18n import Translator
from ui.qt import QApplication, Qt

SHOTS = Path("/tmp/tech-shots/tests")


@pytest.fixture
def wizard(qtbot: QtBot, tmp_path: Path) -> Iterator[SetupWizard]:
    setup = Setup(tmp_path / "new-station", opener(SimulatedHardware()), keystore="file")
    background = Background()
    done: list = []
    shown = SetupWizard(Translator("es_MX"), background, setup, on_done=done.append)
    shown.done = done  # type: ignore[attr-defined]
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    background.wait(20_000)
    setup.abandon()
    if setup.station is not None:
        close_station(setup.station)


def settle(qtbot: QtBot, wizard: SetupWizard) -> None:
    qtbot.waitUntil(lambda: wizard.background.running == 0, timeout=30_000)


def click(qtbot: QtBot, wizard: SetupWizard, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settle(qtbot, wizard)


def shot(wizard: SetupWizard, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    wizard.grab().save(str(SHOTS / f"{name}.png"))


def test_from_the_enrolment_file_to_a_verified_test_receipt(
    qtbot: QtBot, wizard: SetupWizard, backend: Running
) -> None:
    assert wizard.pages.currentWidget() is wizard.page_of[SetupStep.JOIN]
    qtbot.keyClicks(wizard.file, str(backend.enrolment_file))
    click(qtbot, wizard, wizard.join)
    assert wizard.setup.step is SetupStep.SIGN_IN, wizard.problem.text()
    qtbot.keyClicks(wizard.username, "tecnico")
    qtbot.keyClicks(wizard.password, TECH_PASSWORD)
    click(qtbot, wizard, wizard.sign_in)
    assert wizard.setup.step is SetupStep.DEVICES
    assert "SIM-" in wizard.found.text()
    click(qtbot, wizard, wizard.register)
    assert wizard.setup.step is SetupStep.TEST
    assert wizard.registered.text().count("registrado ahora") == 2
    click(qtbot, wizard, wizard.run_test)
    assert wizard.setup.step is SetupStep.DONE, wizard.problem.text()
    assert "ACU-" in wizard.receipt.text() and "verificado" in wizard.receipt.text()
    shot(wizard, "setup-done")
    click(qtbot, wizard, wizard.finish)
    assert wizard.done == [wizard.setup.station]  # type: ignore[attr-defined]
    assert wizard.password.text() == ""


def test_a_used_token_says_to_ask_for_a_new_one(
    qtbot: QtBot, wizard: SetupWizard, backend: Running, tmp_path: Path
) -> None:
    document = json.loads(backend.enrolment_file.read_text(encoding="utf-8"))
    join(backend, tmp_path / "first")  # another station took this token
    used = tmp_path / "used.json"
    used.write_text(json.dumps(document), encoding="utf-8")
    qtbot.keyClicks(wizard.file, str(used))
    click(qtbot, wizard, wizard.join)
    assert wizard.setup.step is SetupStep.JOIN
    assert wizard.problem.text().startswith("Revise la clave de alta")
    shot(wizard, "setup-token-used")
    qtbot.keyClicks(wizard.token, backend.backend.issue_token())
    click(qtbot, wizard, wizard.join)
    assert wizard.setup.step is SetupStep.SIGN_IN
    assert wizard.problem.text() == ""


def test_a_wrong_pin_says_to_check_the_certificate(
    qtbot: QtBot, wizard: SetupWizard, backend: Running, tmp_path: Path
) -> None:
    qtbot.keyClicks(wizard.file, str(wrongly_pinned(backend.enrolment_file, tmp_path)))
    click(qtbot, wizard, wizard.join)
    assert wizard.setup.step is SetupStep.JOIN
    assert wizard.problem.text().startswith("Revise el certificado fijado")
    wizard.i18n.set_language("en")
    assert wizard.problem.text().startswith("Check the pinned certificate")
