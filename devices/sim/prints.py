"""Where the simulated reader's prints are made: here, or in a process of their own.

Growing a synthetic finger runs ridge filter banks (~130 MB on the way) and one person's ten master prints
take ~58 MB; a real reader's sensor does none of that in the station's memory, and the demo's station
should not either. So the demo starts `ChildPrints`: a child (`python -m devices.sim.prints FD`) that
grows and presses the fingers and hands back only the 8-bit impression. Tests and the headless commands
use `LocalPrints`, the same work in this process.

Both give the same image for the same generator: the child draws from the caller's generator state and
hands the advanced state back, so a seeded placement is the same frame wherever it was made. If the child
dies, prints are made here again, with one warning in the log: the demo goes on, only heavier.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.connection
import os
import subprocess
import sys
import threading
from typing import Any, Protocol

import numpy as np

from devices.positions import Finger

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
Pressed = tuple[np.ndarray, dict[str, Any]]


class Prints(Protocol):
    def press(self, person_seed: int, finger: Finger, rng: np.random.Generator, condition: Any) -> Pressed:
        """One impression of a person's finger (uint8 HxW, white glass) and the parameters applied."""

    def grow(self, person_seed: int, finger: Finger) -> None:
        """Have the master print ready, so the first touch is not the one that pays for it."""

    def forget_filters(self) -> None:
        """Drop the growth's filter banks: a person's ten fingers are grown."""


class LocalPrints:
    """The prints made in this process (tests, the headless commands, and the fallback)."""

    def press(self, person_seed: int, finger: Finger, rng: np.random.Generator, condition: Any) -> Pressed:
        from devices.synth import impression, master_print

        made = impression(master_print(person_seed, finger), rng, condition)
        return np.ascontiguousarray(made.image, dtype=np.uint8), dict(made.params)

    def grow(self, person_seed: int, finger: Finger) -> None:
        from devices.synth import master_print

        master_print(person_seed, finger)

    def forget_filters(self) -> None:
        from devices.synth.ridges import forget_filters

        forget_filters()


class ChildPrints:
    """The prints made by a child process; every call falls back to `LocalPrints` once the child is gone."""

    def __init__(
        self, process: subprocess.Popen[bytes], channel: multiprocessing.connection.Connection
    ) -> None:
        self.process = process
        self._channel = channel
        self._lock = threading.Lock()  # one question and its answer at a time (the demo's threads share it)
        self._local: LocalPrints | None = None

    @classmethod
    def start(cls) -> ChildPrints:
        """A child that has imported its libraries and said so (its peak memory is meaningful from here)."""
        ours, theirs = multiprocessing.Pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "devices.sim.prints", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # the demo's standard output is its JSON summary
            )
        finally:
            theirs.close()
        if not _said_ready(ours):
            process.kill()
            process.wait()
            ours.close()
            raise RuntimeError(f"the print simulator did not start (exit {process.poll()})")
        return cls(process, ours)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self._local is None

    def press(self, person_seed: int, finger: Finger, rng: np.random.Generator, condition: Any) -> Pressed:
        state = rng.bit_generator.state
        answer = self._ask(("press", person_seed, int(finger), condition, state))
        if answer is _GONE:
            return self._fallback().press(person_seed, finger, rng, condition)
        image, params, state = answer
        rng.bit_generator.state = state
        return image, params

    def grow(self, person_seed: int, finger: Finger) -> None:
        if self._ask(("grow", person_seed, int(finger))) is _GONE:
            self._fallback().grow(person_seed, finger)

    def forget_filters(self) -> None:
        if self._ask(("forget",)) is _GONE:
            self._fallback().forget_filters()

    def close(self) -> None:
        """Ask the child to leave (its input closing does it too), then make sure it has."""
        with self._lock:
            with contextlib.suppress(OSError, ValueError):
                self._channel.send(("stop",))
            self._channel.close()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _ask(self, request: tuple[Any, ...]) -> Any:
        with self._lock:
            if self._local is not None:
                return _GONE
            try:
                self._channel.send(request)
                kind, value = self._channel.recv()
            except (EOFError, OSError, ValueError) as exc:
                log.warning("the print simulator process is gone (%s): prints are made in this process", exc)
                self._local = LocalPrints()
                return _GONE
        if kind == "raised":  # the child's own error about this request (a bad condition, a finger)
            raise value
        return value

    def _fallback(self) -> LocalPrints:
        assert self._local is not None
        return self._local


_GONE = object()  # the child did not answer: make this one here


def _said_ready(channel: multiprocessing.connection.Connection) -> bool:
    try:
        return bool(channel.poll(STARTUP_TIMEOUT_S)) and channel.recv()[0] == "ready"
    except (EOFError, OSError):  # the child died before its first word
        return False


_current: Prints = LocalPrints()


def current() -> Prints:
    """Where this process's simulated readers get their prints."""
    return _current


def use(prints: Prints) -> Prints:
    """Make `prints` the source from now on; returns the one it replaces (to put it back)."""
    global _current
    previous, _current = _current, prints
    return previous


# -- the child ----------------------------------------------------------------------------------------------
def serve(channel: multiprocessing.connection.Connection) -> None:
    """Answer the station's requests until it says stop or its end of the pipe closes."""
    local = LocalPrints()
    import devices.synth  # noqa: F401 (loaded before saying ready: the first touch should not pay for it)

    channel.send(("ready", os.getpid()))
    while True:
        try:
            request = channel.recv()
        except EOFError:
            return
        op = request[0]
        if op == "stop":
            return
        try:
            channel.send(("ok", _answer(local, request)))
        except Exception as exc:  # said back to the station, which raises it where it asked
            channel.send(("raised", exc))


def _answer(local: LocalPrints, request: tuple[Any, ...]) -> Any:
    op = request[0]
    if op == "press":
        _, person_seed, finger, condition, state = request
        rng = np.random.Generator(getattr(np.random, state["bit_generator"])())
        rng.bit_generator.state = state
        image, params = local.press(person_seed, Finger(finger), rng, condition)
        return image, params, rng.bit_generator.state
    if op == "grow":
        local.grow(request[1], Finger(request[2]))
        return None
    if op == "forget":
        local.forget_filters()
        return None
    raise ValueError(f"unknown request {op!r}")


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1 or not args[0].isdigit():
        sys.stderr.write("usage: python -m devices.sim.prints FD (started by the demo, not by hand)\n")
        return 2
    channel = multiprocessing.connection.Connection(int(args[0]))
    try:
        serve(channel)
    finally:
        channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
