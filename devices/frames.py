"""A frame: the image a device delivered plus what the rest of the kiosk needs to know about it.

Fingerprint frames are greyscale `uint8` HxW; camera frames are RGB `uint8` HxWx3 everywhere in the
project (drivers convert from BGR or YUV before a frame leaves them), so no consumer ever guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, eq=False)
class Frame:
    image: Image
    timestamp: float  # time.monotonic() when the device delivered it
    seq: int  # per device, counts every frame the device produced (gaps mean frames lost)
    ppi: int | None = None  # fingerprint readers; None for cameras
    finger_present: bool | None = None  # None when neither the hardware nor the image could tell
    dropped: int = 0  # frames lost in this stream so far (queue overflow or device gaps)
    device_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.image.dtype != np.uint8:
            raise TypeError(f"frame images are uint8, not {self.image.dtype}")
        if self.image.ndim not in (2, 3) or (self.image.ndim == 3 and self.image.shape[2] != 3):
            raise ValueError(f"frame images are HxW (grey) or HxWx3 (RGB), not {self.image.shape}")

    @property
    def size(self) -> tuple[int, int]:
        """(width, height), the order people and drivers quote resolutions in."""
        return int(self.image.shape[1]), int(self.image.shape[0])

    @property
    def is_colour(self) -> bool:
        return self.image.ndim == 3

    def with_dropped(self, dropped: int) -> Frame:
        return replace(self, dropped=dropped)
