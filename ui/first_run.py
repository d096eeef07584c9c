"""A station's first start: the set-up wizard before the station's window (`kiosk run` on a new folder,
`kiosk demo --autopilot --role technician` on a fresh one).

The wizard (`ui.consoles.setup`) registers the station and opens it; when the technician finishes,
the station's window is built over that open station exactly as `kiosk run` builds it, and the wizard
goes away. Closing the wizard before the end leaves the folder as it was found, or registered but
without its test receipt (the technician then signs in and finishes from the console's devices page).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.enrol.station import StationContext
from kiosk.station.setup import Setup

Build = Callable[[StationContext], Any]  # the station's window (a Shell) over the open station


class FirstRun:
    """The wizard, then the window: `shell` is None until the set-up is done."""

    def __init__(
        self,
        data_dir: Path,
        open_station: Callable[[Path], StationContext],
        build: Build,
        *,
        language: str,
        name: str = "Estación",
        timeout: float = 10.0,
        enrolment_file: Path | None = None,
    ) -> None:
        from ui.background import Background
        from ui.consoles.setup import SetupWizard
        from ui.i18n import Translator

        self.setup = Setup(data_dir, open_station, name=name, timeout=timeout)
        self.background = Background()
        self.build = build
        self.shell: Any = None
        self.on_shell: Callable[[Any], None] | None = None
        self.wizard = SetupWizard(
            Translator(language), self.background, self.setup, self._done, enrolment_file=enrolment_file
        )

    def show(self) -> None:
        self.wizard.show()

    def _done(self, station: StationContext) -> None:
        self.shell = self.build(station)
        self.shell.show()
        self.wizard.hide()
        if self.on_shell is not None:
            self.on_shell(self.shell)

    def close(self) -> None:
        """Whatever was reached: sign out, close the window and the station."""
        from kiosk.enrol.runner import close_station

        self.background.wait(20_000)
        self.setup.abandon()
        if self.shell is not None:
            self.shell.close()
        self.wizard.close()
        if self.setup.station is not None:
            close_station(self.setup.station)
