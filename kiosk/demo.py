"""The person at a demo station: a synthetic person who puts fingers on the simulated reader and stands
in front of the simulated camera when asked.

A demo has no real person and no real reader, so somebody must play them. This object does, only
through the simulators' own controls (what the device layer's tests steer too): it never touches the
enrolment flow, so what the window shows is the flow reacting to devices, as at a real window. The
demo window's side panel and the autopilot press its buttons.
"""

from __future__ import annotations

import threading
from typing import Any

from devices.positions import Finger
from kiosk.enrol.station import StationContext
from kiosk.synthetic_people import SyntheticPerson, people

DEMO_PEOPLE = 20


class DemoPerson:
    def __init__(self, station: StationContext, count: int = DEMO_PEOPLE) -> None:
        self.station = station
        self.people = people(count)
        self.by_curp = {p.curp: p for p in self.people}
        self.person: SyntheticPerson = self.people[0]
        self.next_index = 0
        self.fingers_ready = threading.Event()  # the simulator has grown this person's ten fingers

    def next_person(self) -> SyntheticPerson:
        """The next synthetic person in the queue (the demo's "next person" at the window)."""
        self.person = self.people[self.next_index % len(self.people)]
        self.next_index += 1
        self._grow_fingers(self.person)
        return self.person

    def comes(self, curp: str) -> None:
        """The clerk looked this CURP up: that synthetic person is the one at the window now."""
        found = self.by_curp.get(curp.strip().upper())
        if found is not None and found is not self.person:
            self.person = found
            self._grow_fingers(found)

    def _grow_fingers(self, person: SyntheticPerson) -> None:
        """A synthetic finger takes a quarter of a second to grow: grow this person's ten while the clerk
        types, not when the demo's button is pressed (that is the simulator's cost, not the kiosk's)."""
        from devices.sim import prints

        ready = self.fingers_ready = threading.Event()
        maker = prints.current()  # in the demo, a process of its own (see devices.sim.prints)

        def grow() -> None:
            for finger in Finger:  # one at a time: a touch asked for meanwhile waits for one finger only
                maker.grow(person.finger_seed, finger)
            maker.forget_filters()  # the ten are cached: the filters are not needed until the next person
            ready.set()

        threading.Thread(target=grow, name="demo-fingers", daemon=True).start()

    @property
    def reader(self) -> Any:
        return self.station.devices.reader

    @property
    def camera(self) -> Any:
        return self.station.devices.camera

    def place(
        self, finger: Finger | None, condition: str | None = None, *, other: Finger | None = None
    ) -> None:
        """Put `finger` (or, to show the duplicate check, `other`) on the glass, possibly dry or partial."""
        reader = self.reader
        if reader is None or finger is None:
            return
        reader.simulation.place(self.person.finger_seed, other or finger, condition)

    def lift(self) -> None:
        reader = self.reader
        if reader is not None:
            reader.simulation.lift()

    def scene(self, name: str) -> None:
        """normal, dark, too_far, off_centre, two_faces, no_face (see devices.sim.scene)."""
        camera = self.camera
        if camera is not None:
            camera.simulation.set_scene(name)

    def unplug_reader(self) -> None:
        """Pull the reader's cable (to show that nothing is lost and the session goes on)."""
        reader = self.reader
        if reader is not None:
            self._unplugged = reader.unit
            reader.simulation.unplug()

    def replug_reader(self) -> None:
        unit = getattr(self, "_unplugged", None)
        if unit is not None:
            unit.bench.replug(unit.unit_id)
            self._unplugged = None
