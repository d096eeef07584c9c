"""The delivery's wiring that the kill tests only reach in a child process: the `after_send` crash
point is armed on the packet upload and nothing else, and a stored receipt that is not even JSON is
never taken for a verified one."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kiosk.outbox import delivery, faults


def fake_client() -> Any:
    return SimpleNamespace(http=SimpleNamespace(http=SimpleNamespace(hooks={"response": []})))


def answer(method: str, path: str) -> Any:
    return SimpleNamespace(request=SimpleNamespace(method=method, path_url=path))


def test_the_after_send_point_is_reached_on_the_packet_upload_only(monkeypatch: pytest.MonkeyPatch) -> None:
    reached: list[str] = []
    monkeypatch.setattr(faults, "hit", reached.append)
    client = fake_client()
    delivery._arm_after_send(client)
    (hook,) = client.http.http.hooks["response"]
    upload = answer("POST", "/api/v1/packets")
    assert hook(upload) is upload and reached == ["after_send"]
    for method, path in (
        ("GET", "/api/v1/packets"),
        ("POST", "/api/v1/sessions"),
        ("POST", "/api/v1/packets/x"),
    ):
        other = answer(method, path)
        assert hook(other) is other
    assert reached == ["after_send"]


def test_the_point_is_armed_only_when_a_fault_is_planned(monkeypatch: pytest.MonkeyPatch) -> None:
    client = fake_client()
    monkeypatch.setattr(faults, "active", lambda: False)
    delivery.deliver_with(client)
    assert client.http.http.hooks["response"] == []
    monkeypatch.setattr(faults, "active", lambda: True)
    delivery.deliver_with(client)
    assert len(client.http.http.hooks["response"]) == 1


@pytest.mark.parametrize("kept", ["not json", "[]", '{"body": {}}', '{"envelope": {"x": 1}}'])
def test_a_stored_receipt_that_cannot_be_read_is_not_verified(kept: str) -> None:
    assert delivery.verify_stored_receipt(fake_client(), "packet-1", "0" * 64, kept) is False
