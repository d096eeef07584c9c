"""The malloc arena limit: applied on glibc, and the environment's own setting wins."""

from __future__ import annotations

import sys

import pytest

from kiosk.process_memory import limit_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux only")
def test_the_limit_is_applied_unless_the_environment_sets_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux only")
def test_freed_memory_goes_back_to_the_system() -> None:
    """What a finished job freed leaves the resident size (glibc otherwise keeps it for later)."""
    from kiosk.process_memory import give_back

    def resident_kb() -> int:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    give_back()
    blocks = [bytearray(100_000) for _ in range(1500)]  # ~150 MB in blocks under mmap's threshold
    keep = blocks[::50]  # a few stay in use at the top and across the heap
    del blocks
    held = resident_kb()
    assert give_back() is True
    assert resident_kb() < held - 50_000
    assert len(keep) == 30
