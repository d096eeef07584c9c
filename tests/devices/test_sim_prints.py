"""The demo's prints made in a child process are the prints made here, and the demo survives the child."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import pytest

from devices.positions import Finger
from devices.sim import prints
from devices.synth import Condition


@pytest.fixture(scope="module")
def child() -> Iterator[prints.ChildPrints]:
    made = prints.ChildPrints.start()
    yield made
    made.close()


@pytest.mark.parametrize("condition", [None, Condition("dry"), Condition("partial", 0.5)])
def test_the_child_presses_the_same_print_and_hands_the_generator_on(
    child: prints.ChildPrints, condition: Condition | None
) -> None:
    here, there = np.random.default_rng(41), np.random.default_rng(41)
    image, params = prints.LocalPrints().press(1234, Finger.LEFT_RING, here, condition)
    child_image, child_params = child.press(1234, Finger.LEFT_RING, there, condition)
    assert child_image.dtype == np.uint8 and child_image.shape == image.shape
    assert np.array_equal(child_image, image) and child_params == params
    assert there.integers(1 << 30) == here.integers(1 << 30)  # both generators moved on the same way


def test_growing_and_forgetting_filters_are_answered(child: prints.ChildPrints) -> None:
    child.grow(77, Finger.RIGHT_THUMB)
    child.forget_filters()
    assert child.alive


def test_the_child_s_own_error_is_raised_where_it_was_asked_and_the_child_goes_on(
    child: prints.ChildPrints,
) -> None:
    with pytest.raises(ValueError, match="unknown request 'polish'"):
        child._ask(("polish",))
    assert child.alive
    child.grow(5, Finger.LEFT_INDEX)


def test_the_child_is_up_and_measurable_once_started(child: prints.ChildPrints) -> None:
    from pathlib import Path

    status = Path(f"/proc/{child.pid}/status")
    if not status.exists():
        pytest.skip("no /proc on this system")
    assert child.process.poll() is None
    hwm = next(int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
    assert hwm > 10_000  # kB: numpy and the synthesiser are loaded before it says ready


def test_a_dead_child_is_replaced_by_prints_made_here_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    made = prints.ChildPrints.start()
    made.process.kill()
    made.process.wait()
    caplog.set_level(logging.WARNING, logger="devices.sim.prints")
    try:
        first = made.press(9, Finger.RIGHT_INDEX, np.random.default_rng(3), None)
        second = made.press(9, Finger.RIGHT_INDEX, np.random.default_rng(3), None)
        made.grow(9, Finger.LEFT_THUMB)
        made.forget_filters()
    finally:
        made.close()
    local = prints.LocalPrints().press(9, Finger.RIGHT_INDEX, np.random.default_rng(3), None)
    assert np.array_equal(first[0], local[0]) and np.array_equal(second[0], local[0])
    assert not made.alive
    warnings = [r for r in caplog.records if "print simulator" in r.getMessage()]
    assert len(warnings) == 1


def test_a_child_that_dies_before_its_first_word_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(RuntimeError, match="did not start"):
        prints.ChildPrints.start()


def test_use_swaps_where_prints_come_from_and_gives_back_the_previous(child: prints.ChildPrints) -> None:
    before = prints.current()
    assert isinstance(before, prints.LocalPrints)
    assert prints.use(child) is before
    try:
        assert prints.current() is child
    finally:
        assert prints.use(before) is child


def test_the_simulated_reader_places_the_same_finger_through_the_child(child: prints.ChildPrints) -> None:
    from devices.policy import DevicePolicy
    from devices.registry import Registry
    from devices.sim.hardware import SimulatedHardware

    placements = []
    for source in (prints.LocalPrints(), child):
        bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
        bench.plug("fingerprint", seed=8)
        registry = Registry(
            policy=DevicePolicy(mode="test"), options={"sim-fingerprint": {"hardware": bench}}
        )
        reader = registry.open("sim-fingerprint:0")
        previous = prints.use(source)
        try:
            placements.append(reader.simulation.place(31, Finger.LEFT_MIDDLE, "wet"))  # type: ignore[attr-defined]
        finally:
            prints.use(previous)
            registry.release(reader)
    local, remote = placements
    assert np.array_equal(local.image, remote.image)
    assert local.shift == remote.shift and local.params == remote.params and local.label == remote.label


def test_the_child_refuses_to_be_started_by_hand(capsys: pytest.CaptureFixture[str]) -> None:
    assert prints.main([]) == 2
    assert "started by the demo" in capsys.readouterr().err
