"""The SBI service's HTTP verbs on 127.0.0.1: MOSIPDISC, MOSIPDINFO, RCAPTURE, STREAM.

SBI uses custom HTTP methods with JSON bodies; `requests` sends any method name. Discovery tries each
port of the configured range (4501–4600 by default); a refused connection costs microseconds, so the
whole range is scanned in well under a second when nothing listens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import requests

HOST = "127.0.0.1"
PORTS = range(4501, 4601)
CONNECT_SECONDS = 0.3


class SbiClient:
    def __init__(self, port: int, host: str = HOST) -> None:
        self.port, self.host = port, host
        self.base = f"http://{host}:{port}"

    def call(self, verb: str, path: str, body: dict[str, Any] | None, read_seconds: float) -> Any:
        response = requests.request(
            verb, self.base + path, json=body, timeout=(CONNECT_SECONDS, read_seconds)
        )
        response.raise_for_status()
        return response.json()

    def stream(self, body: dict[str, Any], read_seconds: float) -> requests.Response:
        response = requests.request(
            "STREAM", self.base + "/stream", json=body, timeout=(CONNECT_SECONDS, read_seconds), stream=True
        )
        response.raise_for_status()
        return response


def discover(
    ports: Iterable[int], host: str = HOST, device_type: str = "Finger"
) -> list[tuple[int, dict[str, Any]]]:
    """(port, device) for every device an SBI service on these ports reports."""
    found = []
    for port in ports:
        try:
            answer = SbiClient(port, host).call("MOSIPDISC", "/device", {"type": device_type}, 2.0)
        except (requests.RequestException, ValueError):
            continue
        for device in answer if isinstance(answer, list) else []:
            if isinstance(device, dict):
                found.append((port, device))
    return found


def port_range(option: Any) -> Iterable[int]:
    """`ports` option: "4501-4600", [4501, 4502] or a single port."""
    if option is None:
        return PORTS
    if isinstance(option, str) and "-" in option:
        low, high = (int(p) for p in option.split("-", 1))
        return range(low, high + 1)
    if isinstance(option, int | str):
        return [int(option)]
    return [int(p) for p in option]
