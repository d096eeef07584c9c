"""The fence between the station and the reference backend covers every station module: a new module
under `kiosk/` is either named in the import contract's station list or is one of the packages that
are not the station's runtime (the backend itself, the benchmarks, the model-fitting tools)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_STATION = {"kiosk.backend", "kiosk.benches", "kiosk.fitting"}


def _contract(name_start: str) -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"].startswith(name_start))


def test_every_station_module_is_inside_the_fence() -> None:
    contract = _contract("station code never imports the reference backend")
    fenced = set(contract["source_modules"])  # type: ignore[arg-type]
    assert {"kiosk.backend", "fastapi", "uvicorn"} <= set(contract["forbidden_modules"])  # type: ignore[arg-type]
    modules = {
        f"kiosk.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "kiosk").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }
    assert modules - NOT_STATION <= fenced, sorted(modules - NOT_STATION - fenced)
    assert not fenced & NOT_STATION and {"ui", "devices"} <= fenced


def test_the_station_layers_are_declared() -> None:
    assert _contract("station layers")["layers"] == [
        "kiosk.cli",
        "kiosk.enrol",
        "kiosk.outbox",
        "kiosk.packet",
        "kiosk.records",
    ]
