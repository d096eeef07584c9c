"""Starting the window: this station's (`kiosk run`) or the demo's (`kiosk demo`).

Both open the station through `kiosk.enrol.runner.open_station` (keys, backend, policy, outbox, audit,
devices), start the outbox sender and the hot-plug monitor, and put a `Desk` behind the `Shell`. The
demo adds a reference backend in the scratch folder next to the station's, registers the simulated
devices, signs the demo clerk in, and adds the panel that plays the person at the window.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

STARTED = time.perf_counter()


def _application() -> Any:
    """The QApplication, created only after the station opened its devices: Qt's GLib dispatcher takes
    GLib's default context for the GUI thread, and libfprint's probe (in a worker) would then wait for a
    GUI thread that is itself waiting for the scan. Later scans run off the GUI thread (hot-plug)."""
    from ui.app import application

    return application()


def _check_display() -> None:
    from ui.app import has_display

    if not has_display():
        raise KioskError("ui.no_display")


def _start_services(station: Any, ctx: Any) -> None:
    if station.sender is not None:
        station.sender.start(idle_interval=float(ctx.config["outbox.send_interval"]))
    station.devices.watch(float(ctx.config["devices.poll_interval"]))
    _warm_up(station)


def _warm_up(station: Any) -> None:
    """Load the capture libraries and build the face analysers while the operator signs in."""
    import threading

    from kiosk.enrol.flow import _face_policy

    def warm() -> None:
        from kiosk.process_memory import give_back
        from kiosk.quality import live, matching, nfiq2  # noqa: F401 (imported for their start-up cost)

        # Building an NFIQ 2 extractor parses its forest through 70-130 MB of temporaries: one at a time,
        # each given back before the next, and before anything else holds memory (the first capture used
        # to build both on top of the live frames: the station's peak).
        for compute_nfiq2 in (True, False):
            nfiq2.extractor(compute_nfiq2)
            give_back()
        live.warm_up()
        station.warm_up_face(_face_policy(station.policy))
        give_back()

    threading.Thread(target=warm, name="warm-up", daemon=True).start()


def run_station(ctx: Any, *, kiosk_mode: bool, screenshot: Path | None, quit_after: int | None) -> int:
    from kiosk.enrol.desk import Desk
    from kiosk.enrol.runner import close_station, open_station
    from ui.shell import Shell

    _check_display()
    enrolment_file = ctx.config["backend.enrolment_file"] or None
    from kiosk.station.setup import needed

    if needed(Path(ctx.data_dir)):
        return _first_station_run(ctx, kiosk_mode, enrolment_file, quit_after)
    station = open_station(
        ctx.data_dir,
        enrolment_file=Path(enrolment_file) if enrolment_file else None,
        timeout=ctx.config["backend.timeout"],
        mode=ctx.config["mode"],
        reader_id=ctx.config["devices.fingerprint"] or None,
        camera_id=ctx.config["devices.camera"] or None,
        priority=ctx.config["devices.priority"],
    )
    try:
        _start_services(station, ctx)
        app = _application()
        shell = Shell(Desk(station), ctx.language, kiosk_mode=kiosk_mode or ctx.config["ui.fullscreen"])
        return _show(app, shell, screenshot, quit_after)
    finally:
        close_station(station)


def _station_options(ctx: Any) -> dict[str, Any]:
    return {
        "timeout": ctx.config["backend.timeout"],
        "mode": ctx.config["mode"],
        "reader_id": ctx.config["devices.fingerprint"] or None,
        "camera_id": ctx.config["devices.camera"] or None,
        "priority": ctx.config["devices.priority"],
    }


def _first_station_run(ctx: Any, kiosk_mode: bool, enrolment_file: str | None, quit_after: int | None) -> int:
    """No registration yet: the set-up wizard first, then the station's window over the open station."""
    from kiosk.enrol.desk import Desk
    from kiosk.enrol.runner import open_station
    from ui.first_run import FirstRun
    from ui.qt import QTimer
    from ui.shell import Shell

    options = _station_options(ctx)
    app = _application()

    def build(station: Any) -> Any:
        _start_services(station, ctx)
        return Shell(Desk(station), ctx.language, kiosk_mode=kiosk_mode or ctx.config["ui.fullscreen"])

    first = FirstRun(
        Path(ctx.data_dir),
        lambda folder: open_station(folder, **options),
        build,
        language=ctx.language,
        timeout=float(options["timeout"]),
        enrolment_file=Path(enrolment_file) if enrolment_file else None,
    )
    try:
        first.show()
        if quit_after is not None:
            QTimer.singleShot(quit_after, app.quit)
        return int(app.exec())
    finally:
        first.close()


def demo_folder(ctx: Any) -> Path:
    """The demo's station folder: the one given (`--data-dir`), else a new scratch folder that is kept."""
    if ctx.config.source("data_dir") != "default":
        return Path(ctx.data_dir)
    return Path(tempfile.mkdtemp(prefix="kiosk-demo-")) / "station"


def _simulated_prints_apart() -> tuple[Any, Any]:
    """The demo reader's fingers are grown in a process of their own (as a real sensor is not in the
    station's memory); returns (the child or None, the source it replaced). A frozen build has no
    `python -m` to start it with, and one that cannot start is no reason to stop the demo: then the
    prints are made here."""
    import logging

    from devices.sim import prints

    if getattr(sys, "frozen", False):
        return None, prints.current()
    try:
        child = prints.ChildPrints.start()
    except (OSError, RuntimeError) as exc:
        logging.getLogger(__name__).warning("print simulator not started (%s): prints made here", exc)
        return None, prints.current()
    return child, prints.use(child)


def _simulated_prints_back(child: Any, previous: Any) -> None:
    from devices.sim import prints

    prints.use(previous)
    if child is not None:
        child.close()


def _process_peaks(backend: Any) -> dict[str, float]:
    """Each process's peak resident memory (MB): the station's own, and the demo's two stand-ins (its
    backend and its print simulator), which are other programs in the field and are reported apart."""
    from devices.sim import prints
    from kiosk.process_memory import peak_mb

    maker = prints.current()
    process = getattr(backend, "process", None)
    return {
        "station_peak_mb": peak_mb(os.getpid()),
        "backend_process_peak_mb": peak_mb(process.pid) if process is not None else 0.0,
        "print_simulator_peak_mb": peak_mb(maker.pid) if hasattr(maker, "pid") else 0.0,
    }


def open_demo(data_dir: Path) -> tuple[Any, Any, Any]:
    """The embedded backend, the station joined to it with its simulated devices registered."""
    from kiosk.demo import DemoPerson
    from kiosk.enrol import embedded
    from kiosk.enrol.headless import backend_dir
    from kiosk.enrol.runner import SIM_DRIVERS, Credentials, open_station, register_devices

    # its own process: the backend's libraries and work stay out of the station's memory and window
    backend = embedded.start(backend_dir(data_dir), "reference-process")
    person = None
    try:
        from kiosk.demo import DEMO_PEOPLE
        from kiosk.synthetic_people import people

        backend.add_people(people(DEMO_PEOPLE))
        station = open_station(
            data_dir,
            enrolment_file=backend.enrolment_file,
            url=backend.url,
            mode="demo",
            test=True,
            allowed_drivers=SIM_DRIVERS,  # a demo plays on the simulators only
        )
        technician = backend.account("technician")
        register_devices(station, Credentials(technician.username, technician.password))
        person = DemoPerson(station)
    except BaseException:
        backend.stop()
        raise
    return backend, station, person


def run_demo(
    ctx: Any,
    *,
    autopilot: bool,
    screenshots: Path | None,
    as_json: bool,
    screenshot: Path | None,
    quit_after: int | None,
    role: str = "clerk",
) -> int:
    _check_display()
    data_dir = demo_folder(ctx)
    child, previous = _simulated_prints_apart()
    try:
        if autopilot and role == "technician":
            from kiosk.station.setup import needed

            if needed(data_dir):
                folder = screenshots or data_dir.parent / "screenshots"
                return _technician_first_run(ctx, data_dir, folder, as_json)
        return _run_demo_window(ctx, data_dir, autopilot, screenshots, as_json, screenshot, quit_after, role)
    finally:
        _simulated_prints_back(child, previous)


def _run_demo_window(
    ctx: Any,
    data_dir: Path,
    autopilot: bool,
    screenshots: Path | None,
    as_json: bool,
    screenshot: Path | None,
    quit_after: int | None,
    role: str,
) -> int:
    from kiosk.enrol.desk import Desk
    from kiosk.enrol.runner import close_station
    from ui.shell import Shell
    from ui.widgets.demo_panel import DemoPanel

    backend, station, person = open_demo(data_dir)
    try:
        _start_services(station, ctx)
        app = _application()
        desk = Desk(station)
        shell = Shell(desk, ctx.language, demo=person)
        panel = DemoPanel(shell.tr, desk, person, shell.window)
        shell.window.add_side_panel(panel)
        desk.events.enrolment.connect(lambda _e: panel.refresh())
        _no_person_for_consoles(desk, panel)
        startup_ms = (time.perf_counter() - STARTED) * 1000
        if autopilot and role != "clerk":
            folder = screenshots or data_dir.parent / "screenshots"
            pilot = _pilot(shell, backend, folder)
            code = _role_autopilot(ctx, role, pilot, data_dir, as_json)
            shell.close()
            return code
        if autopilot:
            from ui.autopilot import Autopilot

            folder = screenshots or data_dir.parent / "screenshots"
            summary = Autopilot(shell, backend.account("clerk"), backend.account("supervisor"), folder).run()
            summary["startup_ms"] = round(startup_ms, 1)
            summary["figures"] = {**summary.get("figures", {}), **_process_peaks(backend)}
            summary["data_dir"] = str(data_dir)
            summary["screenshots"] = str(folder)
            if as_json:
                json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
                sys.stdout.write("\n")
            else:
                sys.stdout.write(ctx.text(_demo_line(summary)) + "\n")
            shell.close()
            return 0 if summary.get("receipt_verified") else 1
        clerk = backend.account("clerk")
        desk.password_job(clerk.username, clerk.password)()
        sys.stdout.write(ctx.text(_where(data_dir)) + "\n")
        sys.stdout.flush()
        return _show(app, shell, screenshot, quit_after)
    finally:
        close_station(station)
        backend.stop()


def _no_person_for_consoles(desk: Any, panel: Any) -> None:
    """The demo's person at the window is not there for a technician (who never sees a person)."""
    from kiosk.station.consoles import may_enrol

    desk.events.login.connect(lambda e: panel.setVisible(may_enrol(e.login.session.role)))
    desk.events.logout.connect(lambda _e: panel.setVisible(True))


def _pilot(shell: Any, backend: Any, folder: Path) -> Any:
    from ui.autopilot import Autopilot

    pilot = Autopilot(shell, backend.account("clerk"), backend.account("supervisor"), folder)
    pilot.accounts = {a.role: a for a in backend.accounts.values()}
    pilot.backend = backend
    return pilot


def _role_autopilot(ctx: Any, role: str, pilot: Any, data_dir: Path, as_json: bool) -> int:
    """Another role's run (`ui/autopilots/<role>.py`) over the same driver as the clerk's."""
    from ui.autopilots import drive

    summary = drive(pilot, role)
    summary["startup_ms"] = round((time.perf_counter() - STARTED) * 1000 - summary["total_ms"], 1)
    summary["data_dir"] = str(data_dir)
    summary["screenshots"] = str(pilot.folder)
    _print_summary(ctx, summary, as_json)
    return 0 if summary.get("passed") else 1


def _technician_first_run(ctx: Any, data_dir: Path, folder: Path, as_json: bool) -> int:
    """A new demo station: the embedded backend only; the technician's run sets the station up through
    the wizard (with the backend's enrolment file), then goes on in the station's window."""
    from kiosk.demo import DEMO_PEOPLE, DemoPerson
    from kiosk.enrol import embedded
    from kiosk.enrol.desk import Desk
    from kiosk.enrol.headless import backend_dir
    from kiosk.enrol.runner import SIM_DRIVERS, open_station
    from kiosk.synthetic_people import people
    from ui.first_run import FirstRun
    from ui.shell import Shell

    backend = embedded.start(backend_dir(data_dir))
    first = None
    try:
        backend.add_people(people(DEMO_PEOPLE))
        app = _application()  # noqa: F841 (the wizard needs it; the autopilot runs its event loop)

        def opener(folder: Path) -> Any:
            return open_station(folder, url=backend.url, mode="demo", test=True, allowed_drivers=SIM_DRIVERS)

        def build(station: Any) -> Any:
            _start_services(station, ctx)
            return Shell(Desk(station), ctx.language, demo=DemoPerson(station))

        first = FirstRun(data_dir, opener, build, language=ctx.language, name="Estación de demostración")
        pilot = _pilot(None, backend, folder)
        pilot.setup_window = first.wizard
        first.on_shell = lambda shell: setattr(pilot, "shell", shell)
        first.show()
        return _role_autopilot(ctx, "technician", pilot, data_dir, as_json)
    finally:
        if first is not None:
            first.close()
        backend.stop()


def _print_summary(ctx: Any, summary: dict[str, Any], as_json: bool) -> None:
    from kiosk.messages import Message

    if as_json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif summary.get("passed"):
        line = Message("ui.demo.role_done", {"role": summary["role"], "pictures": summary["screenshots"]})
        sys.stdout.write(ctx.text(line) + "\n")
    else:
        raise KioskError("ui.demo.autopilot_failed", step=summary.get("failed_at", "?"))


def _show(app: Any, shell: Any, screenshot: Path | None, quit_after: int | None) -> int:
    from ui.qt import QTimer

    shell.show()
    probe = os.environ.get("KIOSK_STARTUP_PROBE")  # `kiosk bench`: when was the first screen up?
    if probe:
        QTimer.singleShot(0, lambda: _report_startup(float(probe)))
    if screenshot:
        QTimer.singleShot(300, lambda: shell.window.grab().save(str(screenshot)))
    if quit_after is not None:
        QTimer.singleShot(quit_after, shell.close)
        QTimer.singleShot(quit_after + 50, app.quit)
    code = int(app.exec())
    shell.close()
    return code


def _report_startup(started: float) -> None:
    sys.stderr.write(json.dumps({"startup_ms": round((time.time() - started) * 1000, 1)}) + "\n")
    sys.stderr.flush()


def _where(data_dir: Path) -> Any:
    from kiosk.messages import Message

    return Message("ui.demo.where", {"dir": str(data_dir)})


def _demo_line(summary: dict[str, Any]) -> Any:
    from kiosk.messages import Message

    if not summary.get("receipt_verified"):
        raise KioskError("ui.demo.autopilot_failed", step=summary.get("failed_at", "?"))
    return Message(
        "ui.demo.autopilot_done",
        {
            "folio": summary.get("folio"),
            "pictures": summary.get("screenshots"),
            "dir": summary.get("data_dir"),
        },
    )
