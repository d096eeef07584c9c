"""The rotated windows of the live estimate read the pixels the rotation table names, at any frame width."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.quality import ridge_blocks

ACROSS = ((10, 26), (2, 34))


@pytest.mark.parametrize("width", [100, 173, 400, 1280])
def test_a_window_reads_the_tabled_pixel_inside_and_the_window_s_corner_outside(width: int) -> None:
    height = 3 * ridge_blocks.BLOCK
    image = np.arange(height * width, dtype=np.float64).reshape(height, width)  # each pixel its own index
    flat = np.append(image.ravel(), 0.0)
    cols = width // ridge_blocks.BLOCK
    chosen = np.array([0, cols + 1])  # the first block and one inside
    theta = np.array([0.3, -2.0])
    got = ridge_blocks._gather(flat, width, ACROSS, theta, chosen, cols)

    table = ridge_blocks._window_table(*ACROSS)
    index = np.clip(
        ((theta + np.pi) / (2 * np.pi) * ridge_blocks.ANGLES).astype(int), 0, ridge_blocks.ANGLES - 1
    )
    for n, block in enumerate(chosen):
        corner = (block // cols) * ridge_blocks.BLOCK * width + (block % cols) * ridge_blocks.BLOCK
        here = table[index[n]]
        wy, wx = np.divmod(here, ridge_blocks.WINDOW)
        expected = np.where(here >= 0, corner + wy * width + wx, corner)
        assert np.array_equal(got[n], expected)
    assert (table[index] < 0).any()  # the case outside the window was exercised


def test_one_table_serves_every_width() -> None:
    ridge_blocks._window_parts.cache_clear()
    for width in (120, 333, 400, 640):
        ridge_blocks.measure(np.random.default_rng(width).integers(0, 255, (200, width), dtype=np.uint8))
    assert ridge_blocks._window_parts.cache_info().currsize == 2  # across and along, not per width
