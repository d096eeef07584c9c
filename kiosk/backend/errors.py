"""The backend's one exception: an error code from the contract's table, answered as JSON."""

from __future__ import annotations

from kiosk.api.errors import BY_CODE


class ApiError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        if code not in BY_CODE:
            raise ValueError(f"error code {code!r} is not in the contract")
        self.code = code
        self.status = BY_CODE[code].status
        self.detail = detail or BY_CODE[code].meaning
        super().__init__(f"{code}: {self.detail}")
