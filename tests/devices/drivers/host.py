"""Runs the device layer in a process of its own and answers one JSON command per line on stdin.

Drivers bound to process-wide state (libfprint's one context and GLib loop, the environment variables it
reads, umockdev's preloaded USB) are tested in their own process, never inside pytest's, which also
hosts Qt. The test sends `{"op": ..., "id": n}` lines and reads one JSON answer per command, tagged
with its id; a capture runs in a thread of its own, so the test can ask other things while it waits.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from typing import Any

from devices.device import Device
from devices.errors import DeviceError
from devices.fingerprint import FingerprintReader
from devices.policy import DevicePolicy
from devices.registry import Registry


class Session:
    def __init__(self) -> None:
        self.registry = Registry(policy=DevicePolicy(mode="test"))
        self.device: Device | None = None
        self.removed: list[str] = []
        self.out = threading.Lock()

    def handle(self, command: dict[str, Any]) -> None:
        try:
            answer = {"ok": True, "result": self.run(command["op"], command)}
        except DeviceError as exc:
            answer = {"ok": False, "type": type(exc).__name__, **exc.to_json()}
        with self.out:
            print(json.dumps({"id": command.get("id"), **answer}), flush=True)

    def run(self, op: str, command: dict[str, Any]) -> Any:
        if op == "list":
            return self.registry.scan().to_json()
        if op == "open":
            self.device = self.registry.open(command["id_"])
            self.device.on_removed(lambda _info, reason: self.removed.append(reason))
            return self.device.info.to_json()
        if op == "capture":
            assert isinstance(self.device, FingerprintReader)
            frame = self.device.capture(float(command.get("timeout", 5.0)))
            return {
                "width": frame.size[0],
                "height": frame.size[1],
                "ppi": frame.ppi,
                "image": base64.b64encode(frame.image.tobytes()).decode(),
            }
        if op == "finger":
            return {
                "present": bool(getattr(self.device, "finger_present", False)),
                "needed": bool(getattr(self.device, "finger_needed", False)),
            }
        if op == "removed":
            return self.removed
        if op == "close" and self.device is not None:
            self.registry.release(self.device)
            self.device = None
        return None


def main() -> None:
    session = Session()
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "capture":
            threading.Thread(target=session.handle, args=(command,), daemon=True).start()
        else:
            session.handle(command)


if __name__ == "__main__":
    main()
