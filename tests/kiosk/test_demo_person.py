"""The demo's person grows the next person's ten fingers ahead, wherever the demo's prints are made."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from devices.positions import Finger
from devices.sim import prints
from kiosk.demo import DemoPerson


class Recording:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def press(self, person_seed: int, finger: Finger, rng: np.random.Generator, condition: Any) -> Any:
        self.calls.append(("press", person_seed, finger))
        return np.zeros((4, 4), np.uint8), {}

    def grow(self, person_seed: int, finger: Finger) -> None:
        self.calls.append(("grow", person_seed, finger))

    def forget_filters(self) -> None:
        self.calls.append(("forget",))


def test_the_next_person_s_ten_fingers_are_grown_by_the_current_source_then_its_filters_dropped() -> None:
    source = Recording()
    previous = prints.use(source)
    try:
        demo = DemoPerson(SimpleNamespace(devices=SimpleNamespace(reader=None, camera=None)), count=3)  # type: ignore[arg-type]
        person = demo.next_person()
        assert demo.fingers_ready.wait(10)
    finally:
        prints.use(previous)
    assert source.calls == [*(("grow", person.finger_seed, f) for f in Finger), ("forget",)]


def test_a_looked_up_person_gets_their_fingers_grown_and_someone_unknown_changes_nothing() -> None:
    source = Recording()
    previous = prints.use(source)
    try:
        demo = DemoPerson(SimpleNamespace(devices=SimpleNamespace(reader=None, camera=None)), count=3)  # type: ignore[arg-type]
        other = demo.people[2]
        demo.comes(f"  {other.curp.lower()} ")
        assert demo.person is other and demo.fingers_ready.wait(10)
        grown = len(source.calls)
        demo.comes("XXXX000000XXXXXX00")
        assert demo.person is other and len(source.calls) == grown
    finally:
        prints.use(previous)
    assert ("grow", other.finger_seed, Finger.LEFT_LITTLE) in source.calls
