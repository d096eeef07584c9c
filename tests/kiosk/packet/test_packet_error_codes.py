"""PacketError carries one of the documented codes (docs/packet-format.md section 7), never another.

Codes are part of the contract with every backend: a misspelt code must fail where it is raised,
naming itself, instead of reaching a backend as a reason nobody can map.
"""

from __future__ import annotations

import pytest

from kiosk.packet import CODES, PacketError


def test_a_documented_code_keeps_its_code_message_and_parameters() -> None:
    error = PacketError("record_mismatch", reason="face: length or digest differs")
    assert error.code == "record_mismatch"
    assert error.message.code == "packet.record_mismatch"
    assert error.message.params == {"reason": "face: length or digest differs"}


@pytest.mark.parametrize("code", ["", "Truncated", "bad magic", "packet.truncated", "tampered"])
def test_an_undocumented_code_is_refused_and_named(code: str) -> None:
    with pytest.raises(ValueError) as caught:
        PacketError(code)
    assert str(caught.value) == f"unknown packet error code {code!r}"


def test_every_documented_code_can_be_raised() -> None:
    assert all(PacketError(code).code == code for code in CODES)
