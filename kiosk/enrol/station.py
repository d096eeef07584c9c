"""The station as an enrolment sees it: who it is, its rules, its keys, its outbox, log and devices.

One object per running station (the window, `kiosk enrol --simulated`), built once at start and shared
by every enrolment; the flow reads it and never reaches past it to files or settings. `status()` is the
station bar: operator-independent facts a clerk glances at (backend reachable, packets waiting, devices
ready, policy version, freeze).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.api import models
from kiosk.audit.log import AuditLog
from kiosk.client.backend import BackendClient
from kiosk.enrol.devices import StationDevices
from kiosk.messages import Message
from kiosk.outbox.freeze import freeze_reason
from kiosk.outbox.sender import Sender
from kiosk.outbox.store import OutboxStore
from kiosk.packet.keys import BackendPublicKey
from kiosk.station.keys import StationKeys


@dataclass
class StationContext:
    data_dir: Path
    station_id: str
    name: str
    keys: StationKeys
    config: models.StationConfig
    client: BackendClient | None
    outbox: OutboxStore
    audit: AuditLog
    devices: StationDevices
    sender: Sender | None = None
    test: bool = False  # demo and simulated enrolments: every packet is marked test
    online: bool = True
    clock: Any = field(default=time.time, repr=False)

    face_pool: list[Any] = field(default_factory=list, repr=False)  # analysers kept between visits
    _face_lock: Any = field(default_factory=threading.Lock, repr=False)

    @property
    def policy(self) -> models.Policy:
        return self.config.policy

    # -- the face analysers: seconds to build (mediapipe's graphs), so built once and kept ---------------
    def take_face_step(self, policy: Any) -> Any:
        """A ready FaceStep for `policy` from the pool, or None (the caller builds one off the GUI thread)."""
        with self._face_lock:
            while self.face_pool:
                step = self.face_pool.pop()
                if step.policy == policy:
                    return step
                step.close()
        return None

    def keep_face_step(self, step: Any) -> None:
        """Back to the pool once a visit is done with it (one is enough: the window has one camera)."""
        with self._face_lock:
            if not self.face_pool:
                self.face_pool.append(step)
                return
        step.close()

    def warm_up_face(self, policy: Any) -> None:
        """Build the analysers now (a worker at start-up), so the first face does not wait for them."""
        import numpy as np

        from kiosk.enrol.face import FaceStep

        step = self.take_face_step(policy) or FaceStep(policy)
        step.preview.analyze(
            np.full((480, 640, 3), 128, np.uint8)
        )  # first inferences allocate: now, not live
        step.still.analyze(np.full((720, 1280, 3), 128, np.uint8))
        step.auto.reset()
        self.keep_face_step(step)

    def close_face_steps(self) -> None:
        with self._face_lock:
            steps, self.face_pool = self.face_pool, []
        for step in steps:
            step.close()

    def recipient(self) -> BackendPublicKey:
        """The backend's current HPKE key: what a new packet is sealed to."""
        current = next(k for k in self.config.backend_keys if k.current)
        return BackendPublicKey.from_json(current.model_dump())

    def freeze(self) -> Message | None:
        return freeze_reason(self.outbox, self.policy.freeze.model_dump(), self.clock())

    def status(self) -> StationStatus:
        waiting, _oldest = self.outbox.waiting()
        return StationStatus(
            station_id=self.station_id,
            name=self.name,
            online=self.online,
            pending=waiting,
            rejected=int(self.outbox.counts().get("rejected", 0)),
            reader_ready=self.devices.reader_ready,
            camera_ready=self.devices.camera_ready,
            policy_version=self.policy.version,
            frozen=self.freeze(),
            test=self.test,
        )


@dataclass(frozen=True)
class StationStatus:
    station_id: str
    name: str
    online: bool
    pending: int
    rejected: int
    reader_ready: bool
    camera_ready: bool
    policy_version: int
    frozen: Message | None
    test: bool

    def to_json(self, language: str = "es_MX") -> dict[str, Any]:
        return {
            "station_id": self.station_id,
            "name": self.name,
            "online": self.online,
            "pending": self.pending,
            "rejected": self.rejected,
            "reader_ready": self.reader_ready,
            "camera_ready": self.camera_ready,
            "policy_version": self.policy_version,
            "frozen": self.frozen.render(language) if self.frozen else None,
            "test": self.test,
        }
