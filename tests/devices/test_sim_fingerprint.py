"""The simulated reader through the generic reader: placement, settling, auto-capture, faults, replay."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.errors import Busy, DeviceTimeout, Disconnected, FingerLifted, HardwareFault
from devices.facts import Capability, fake_serial
from devices.fingerprint import FingerprintReader
from devices.frames import Frame
from devices.positions import Finger
from devices.registry import Registry
from devices.sim.fingerprint import SimFingerprintReader
from devices.sim.hardware import SimulatedHardware
from devices.synth import Condition

WAIT = 10.0


def test_facts_and_capabilities_come_from_the_class(reader: FingerprintReader) -> None:
    info = reader.info
    assert (info.driver_id, info.kind, info.ppi, info.image_size) == (
        "sim-fingerprint",
        "fingerprint",
        500,
        (400, 500),
    )
    assert {Capability.LIVE_PREVIEW, Capability.FINGER_DETECT} <= info.capabilities
    assert Capability.LEDS not in info.capabilities and Capability.FAKE_FINGER not in info.capabilities
    assert info.serial == fake_serial("sim-fingerprint:0") and info.serial.startswith("SIM-")
    assert fake_serial("sim-fingerprint:1") != info.serial


def test_capture_returns_the_settled_impression(reader: SimFingerprintReader) -> None:
    placement = reader.simulation.place(1, Finger.RIGHT_INDEX, seed=11)
    seen: list[Frame] = []
    frame = reader.capture(WAIT, on_frame=seen.append)
    assert np.array_equal(frame.image, placement.image)  # the stable frames are the impression itself
    assert frame.finger_present and frame.ppi == 500 and frame.size == (400, 500)
    assert frame.meta["capture_seconds"] > 0
    # the print appeared and settled: the first live frames differ from the capture, the last ones do not
    assert not np.array_equal(seen[0].image, frame.image)
    assert np.array_equal(seen[-1].image, frame.image)
    assert len(seen) >= reader.simulation.settle_frames + reader.stable_frames


def test_impressions_are_repeatable_per_seed_and_differ_otherwise(reader: SimFingerprintReader) -> None:
    a = reader.simulation.place(1, "right-index", seed=1).image
    b = reader.simulation.place(1, "right-index", seed=1).image
    c = reader.simulation.place(1, "right-index", seed=2).image
    d = reader.simulation.place(1, "right-index").image
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(c, d)


def test_condition_steers_the_impression(reader: SimFingerprintReader) -> None:
    good = reader.simulation.place(1, Finger.RIGHT_INDEX, Condition("good"), seed=4)
    dry = reader.simulation.place(1, Finger.RIGHT_INDEX, "dry", seed=4)
    assert "(dry)" in dry.label and not np.array_equal(good.image, dry.image)


def test_finger_lifted_early_raises_finger_lifted(reader: SimFingerprintReader) -> None:
    reader.simulation.place(1, Finger.RIGHT_INDEX, lift_early=True, seed=1)
    with pytest.raises(FingerLifted) as caught:
        reader.capture(WAIT)
    assert caught.value.code == "devices.error.finger_lifted"
    assert isinstance(caught.value, DeviceTimeout)  # callers that only know "timeout" still cope
    assert not reader.simulation.placed


def test_no_finger_times_out(reader: SimFingerprintReader) -> None:
    with pytest.raises(DeviceTimeout, match="no finger was placed"):
        reader.capture(0.2)


def test_require_lift_waits_for_a_clear_sensor(reader: SimFingerprintReader) -> None:
    reader.simulation.place(1, Finger.RIGHT_INDEX, seed=1)
    reader.capture(WAIT)
    with pytest.raises(DeviceTimeout):  # the same finger stays: no new impression
        reader.capture(0.3, require_lift=True)
    frames = 0

    def lift_then_place(frame: Frame) -> None:
        nonlocal frames
        frames += 1
        if frames == 2:
            reader.simulation.lift()
        if frames == 4:
            reader.simulation.place(1, Finger.RIGHT_INDEX, seed=9)

    again = reader.capture(WAIT, require_lift=True, on_frame=lift_then_place)
    assert again.finger_present and frames > 4


def test_stream_shows_the_finger_arrive_and_settle(reader: SimFingerprintReader) -> None:
    with reader.stream(queue_size=2) as stream:
        before = stream.read(WAIT)
        placement = reader.simulation.place(1, Finger.RIGHT_INDEX, seed=3)
        frames = [stream.read(WAIT) for _ in range(40)]
    arrived = [f for f in frames if f.finger_present]
    assert before.finger_present is False and arrived
    assert np.array_equal(arrived[-1].image, placement.image)
    assert [f.seq for f in frames] == sorted(f.seq for f in frames)


def test_one_acquisition_at_a_time(reader: SimFingerprintReader, registry: Registry) -> None:
    with reader.stream(), pytest.raises(Busy):
        reader.capture(0.1)
    with pytest.raises(Busy):  # the unit is claimed: a second client cannot open it
        registry.open("sim-fingerprint:0")


def test_unplug_mid_capture_raises_disconnected_and_reports_removal(reader: SimFingerprintReader) -> None:
    removed: list[str] = []
    reader.on_removed(lambda info, reason: removed.append(info.device_id))
    outcome: list[BaseException] = []

    def capture() -> None:
        try:
            reader.capture(WAIT)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=capture)
    worker.start()
    reader.simulation.unplug()
    worker.join(WAIT)
    assert not worker.is_alive()
    assert isinstance(outcome[0], Disconnected)
    assert removed == ["sim-fingerprint:0"]
    with pytest.raises(Disconnected):
        reader.grab()


def test_fault_and_stall_are_typed_errors(reader: SimFingerprintReader) -> None:
    reader.simulation.fail_next("lamp failure")
    with pytest.raises(HardwareFault, match="lamp failure"):
        reader.grab()
    reader.simulation.stall()
    with pytest.raises(DeviceTimeout):
        reader.grab(0.1)
    reader.simulation.stall(False)
    assert reader.grab(WAIT).finger_present is False


def test_frames_are_paced_to_the_unit_rate() -> None:
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    bench.plug("fingerprint", fps=40.0)
    registry = Registry(options={"sim-fingerprint": {"hardware": bench}}, policy=_test_policy())
    device = registry.open("sim-fingerprint:0")
    assert isinstance(device, FingerprintReader)
    with device.stream(queue_size=32) as stream:
        frames = [stream.read(WAIT) for _ in range(9)]
    registry.release(device)
    span = frames[-1].timestamp - frames[0].timestamp
    assert span >= 8 / 40.0 * 0.9  # never faster than the rate set (a lower bound, not a speed target)


def test_replay_folder_plays_real_images_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "replay"
    folder.mkdir()
    rng = np.random.default_rng(0)
    images = []
    for name in ("b.png", "a.png"):
        image = np.full((300, 260), 250, np.uint8)
        image[40:260, 30:230] = rng.integers(0, 255, (220, 200), dtype=np.uint8)
        cv2.imwrite(str(folder / name), image)
        images.append(image)
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    bench.plug("fingerprint", fps=0, replay=str(folder))
    registry = Registry(options={"sim-fingerprint": {"hardware": bench}}, policy=_test_policy())
    assert registry.scan().by_id("sim-fingerprint:0").details["replay"] == str(folder)  # type: ignore[union-attr]
    device = registry.open("sim-fingerprint:0")
    assert isinstance(device, SimFingerprintReader)
    first = device.simulation.place()
    assert first.label == "replay a.png"
    assert np.array_equal(device.capture(WAIT).image, images[1])
    assert device.simulation.place().label == "replay b.png"
    registry.release(device)


def test_replay_of_the_shared_real_prints(shared_data: Path) -> None:
    bench = SimulatedHardware(fingerprint_readers=0, cameras=0)
    bench.plug("fingerprint", fps=0, replay=str(shared_data / "fingerprints" / "nbis-rs"))
    registry = Registry(options={"sim-fingerprint": {"hardware": bench}}, policy=_test_policy())
    device = registry.open("sim-fingerprint:0")
    assert isinstance(device, SimFingerprintReader)
    device.simulation.place()
    frame = device.capture(WAIT)
    assert frame.size == (400, 500) and frame.finger_present
    registry.release(device)


def test_place_without_person_or_replay_is_refused(reader: SimFingerprintReader) -> None:
    with pytest.raises(ValueError, match="replay"):
        reader.simulation.place()


def _test_policy():  # type: ignore[no-untyped-def]
    from devices.policy import DevicePolicy

    return DevicePolicy(mode="test")
