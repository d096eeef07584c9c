"""The committed contract: the OpenAPI document the reference backend must serve, byte for byte,
and the error table rendered as `docs/errors.md`. `python -m kiosk.backend.contract` rewrites both
after a deliberate change to the API; a test fails when either is stale.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from kiosk.api.errors import CODES
from kiosk.messages import msg, render
from kiosk.resources import resource_path

OPENAPI_FILE = ("api", "openapi-v1.json")


def generated_openapi() -> dict[str, Any]:
    from kiosk.backend.app import create_app
    from kiosk.backend.service import Backend

    with tempfile.TemporaryDirectory() as scratch:
        backend = Backend(Path(scratch))
        try:
            return dict(create_app(backend).openapi())
        finally:
            backend.close()


def committed_openapi() -> dict[str, Any]:
    return dict(json.loads(resource_path(*OPENAPI_FILE).read_text(encoding="utf-8")))


def errors_markdown() -> str:
    lines = [
        "# Backend error codes",
        "",
        'Every error answer of the v1 API is `{"error": {"code": ..., "message": ...}}` with one of',
        "these codes (generated from `kiosk/api/errors.py`; run `python -m kiosk.backend.contract`).",
        "The operator's message is what the station shows (es_MX / en), from",
        "`resources/messages/backend.toml`.",
        "Retryable codes are tried again by the station; the others are final for that request.",
        "",
        "| code | HTTP | retryable | meaning | operator's message (es_MX) | operator's message (en) |",
        "|---|---|---|---|---|---|",
    ]
    for c in CODES:
        m = msg(f"backend.error.{c.code}")
        lines.append(
            f"| `{c.code}` | {c.status} | {'yes' if c.retryable else 'no'} | {c.meaning} | "
            f"{render(m, 'es_MX')} | {render(m, 'en')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    path = resource_path(*OPENAPI_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generated_openapi(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "docs" / "errors.md").write_text(errors_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
