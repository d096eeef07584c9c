"""Is there room on the station's disk for one more enrolment?

With a full disk an enrolment used to fail at the end, after the person's fingers and face were taken,
and the logging machinery printed tracebacks on the way. The flow asks here before a session starts,
with the policy's minimum, and refuses cleanly when the room is not there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.messages import Message

MIB = 1024 * 1024
DEFAULT_MINIMUM_MB = 200  # a sealed packet is ~1 MB; the outbox may hold 200 before the freeze


def free_mb(path: Path) -> int:
    """Free space (MiB, for an unprivileged user) on the file system holding `path` (or its nearest
    existing parent, so a data folder not made yet is measured where it will be)."""
    probe = Path(path).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return int(shutil.disk_usage(probe).free // MIB)


def free_space_problem(path: Path, minimum_mb: int = DEFAULT_MINIMUM_MB) -> Message | None:
    """`station.disk_low` when less than `minimum_mb` MiB are free where `path` lives, else None.

    A file system that cannot even be measured is reported the same way (0 MiB free): enrolling onto
    a disk nobody can vouch for is what this check exists to prevent."""
    try:
        free = free_mb(path)
    except OSError:
        free = 0
    if free < minimum_mb:
        return Message("station.disk_low", {"path": str(path), "free_mb": free, "minimum_mb": minimum_mb})
    return None
