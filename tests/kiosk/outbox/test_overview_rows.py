"""The outbox overview row by row: each field of a packet as the supervisor's table shows it, the age
of the oldest waiting packet, the freeze on the overview's clock, what problems() and the JSON say,
and who may look (every role of the station, nobody unknown)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kiosk.api import models
from kiosk.errors import KioskError
from kiosk.messages import Message
from kiosk.outbox.overview import OutboxView, PacketRow, for_station, look
from kiosk.outbox.store import OutboxStore, Packet
from kiosk.packet.ids import new_packet_id
from kiosk.policy import default_policy
from tests.kiosk.outbox.helpers import add_fake, fake_blob

NOW = 1_800_000_000.0
LOOSE = {"max_undelivered": 100, "max_oldest_undelivered_s": 72 * 3600}


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[OutboxStore]:
    store = OutboxStore(tmp_path / "outbox.db")
    yield store
    store.close()


def rows_by_id(view: OutboxView) -> dict[str, PacketRow]:
    return {r.packet_id: r for r in view.rows}


def test_states_codes_folios_and_flags(outbox: OutboxStore, tmp_path: Path) -> None:
    sealed, sending, delivered, refused, exported = add_fake(outbox, 5, created_at=NOW - 100)
    for _ in range(4):
        claimed = outbox.claim_due(NOW)
        assert claimed is not None
        if claimed.packet_id == delivered:
            outbox.delivered(delivered, "{}", "ACU-1", NOW)
        elif claimed.packet_id == refused:
            outbox.reject(refused, "bad_signature")
        elif claimed.packet_id == sealed:
            outbox.retry_later(sealed, "backend.timeout", NOW + 600)
    outbox.mark_exported([exported], NOW)
    view = look(outbox, tmp_path, LOOSE, 3600, NOW)
    rows = rows_by_id(view)
    assert rows[sealed] == PacketRow(sealed, "sealed", 100.0, 1, "backend.timeout", None, False, False, True)
    assert rows[sending] == PacketRow(sending, "sending", 99.0, 1, None, None, False, False, True)
    assert rows[delivered] == PacketRow(delivered, "delivered", 98.0, 1, None, "ACU-1", False, False, True)
    assert rows[refused] == PacketRow(refused, "rejected", 97.0, 1, "bad_signature", None, False, False, True)
    assert rows[refused].retryable
    assert rows[exported].exported and not rows[sealed].exported
    assert [r.packet_id for r in view.rows] == [exported, refused, delivered, sending, sealed]  # newest first
    assert view.counts == {"sealed": 2, "sending": 1, "delivered": 1, "rejected": 1, "purged": 0}
    assert view.oldest_pending_age_s == 100.0  # rejected and delivered packets wait for nobody
    assert view.rejected_retention_s == 3600
    assert view.by_state("sending") == [rows[sending]]


def test_a_test_packet_and_ages_to_a_tenth_of_a_second(outbox: OutboxStore, tmp_path: Path) -> None:
    ahead, behind = new_packet_id(), new_packet_id()
    for packet_id, created_at in ((ahead, NOW + 30), (behind, NOW - 12.34)):
        blob = fake_blob(packet_id)
        outbox.add(
            packet_id, blob, hashlib.sha256(blob).hexdigest(), test=packet_id == ahead, created_at=created_at
        )
    rows = rows_by_id(look(outbox, tmp_path, LOOSE, 3600, NOW))
    assert rows[ahead].test and rows[ahead].age_s == 0.0  # sealed ahead of this clock: no negative age
    assert not rows[behind].test and rows[behind].age_s == 12.3


def test_only_a_waiting_packet_shows_its_last_error(outbox: OutboxStore, tmp_path: Path) -> None:
    old = new_packet_id()
    blob = fake_blob(old)
    salvaged = Packet(
        old, "purged", None, hashlib.sha256(blob).hexdigest(), len(blob), NOW - 10, 3, 0.0,
        "backend.timeout", None, "{}", "ACU-9", False, None, NOW - 5,
    )  # fmt: skip
    assert outbox.restore([salvaged]) == 1
    (refused,) = add_fake(outbox, 1, created_at=NOW - 5)
    outbox.claim_due(NOW)
    outbox.reject(refused, "")
    rows = rows_by_id(look(outbox, tmp_path, LOOSE, 3600, NOW))
    assert rows[old].code is None and rows[old].folio == "ACU-9" and not rows[old].keeps_bytes
    assert rows[refused].code is None


def test_the_freeze_is_judged_on_the_overview_s_clock(outbox: OutboxStore, tmp_path: Path) -> None:
    add_fake(outbox, 1, created_at=NOW)
    rules = {"max_undelivered": 100, "max_oldest_undelivered_s": 3600}
    assert look(outbox, tmp_path, rules, 3600, NOW + 3600).freeze is None
    frozen = look(outbox, tmp_path, rules, 3600, NOW + 2 * 3600 + 1).freeze
    assert frozen == Message("outbox.frozen_age", {"hours": 2, "limit": 1})


class Health:
    def __init__(self, problem: Message | None) -> None:
        self.problem = problem

    def message(self) -> Message | None:
        return self.problem

    def to_json(self, language: str) -> dict[str, Any]:
        return {"language": language}


def view(health: Health, freeze: Message | None, rows: list[PacketRow] | None = None) -> OutboxView:
    return OutboxView(rows or [], {"sealed": len(rows or [])}, health, freeze, 12.5, 3600)  # type: ignore[arg-type]


def test_problems_put_damage_before_the_freeze() -> None:
    damage = Message("outbox.corrupt", {"path": "x"})
    frozen = Message("outbox.frozen_count", {"count": 5, "limit": 3})
    assert view(Health(damage), frozen).problems() == [damage, frozen, Message("outbox.freeze_how_to_clear")]
    assert view(Health(None), None).problems() == []
    assert view(Health(damage), None).problems() == [damage]


def test_the_json_of_the_overview() -> None:
    row = PacketRow("p-1", "sealed", 12.5, 1, None, None, False, False, True)
    frozen = Message("outbox.frozen_count", {"count": 5, "limit": 3})
    data = view(Health(None), frozen, [row]).to_json()
    assert data == {
        "counts": {"sealed": 1},
        "oldest_pending_age_s": 12.5,
        "health": {"language": "en"},
        "freeze": frozen.render("en"),
        "rejected_retention_s": 3600,
        "packets": [row.__dict__],
    }
    spanish = view(Health(None), frozen).to_json("es_MX")
    assert spanish["health"] == {"language": "es_MX"} and spanish["freeze"] == frozen.render("es_MX")
    assert view(Health(None), None).to_json()["freeze"] is None


def station(outbox: OutboxStore, tmp_path: Path) -> Any:
    document = default_policy(1, datetime.fromtimestamp(NOW, UTC))
    document["freeze"]["max_oldest_undelivered_s"] = 3600
    document["outbox"]["rejected_retention_s"] = 7200
    return SimpleNamespace(
        outbox=outbox,
        data_dir=tmp_path,
        policy=models.Policy.model_validate(document),
        clock=lambda: NOW + 2 * 3600,
        audit=SimpleNamespace(directory=tmp_path / "audit"),
    )


def test_a_station_s_overview_uses_its_policy_and_clock(outbox: OutboxStore, tmp_path: Path) -> None:
    add_fake(outbox, 1, created_at=NOW)
    seen = for_station(station(outbox, tmp_path), "clerk")
    assert seen.rejected_retention_s == 7200 and seen.rows[0].age_s == 7200.0
    assert seen.freeze is not None and seen.freeze.code == "outbox.frozen_age"
    earlier = for_station(station(outbox, tmp_path), "technician", now=NOW + 60)
    assert earlier.freeze is None and earlier.rows[0].age_s == 60.0


def test_an_unknown_role_may_not_look(outbox: OutboxStore, tmp_path: Path) -> None:
    with pytest.raises(KioskError) as caught:
        for_station(station(outbox, tmp_path), "visitor")
    assert caught.value.message.code == "roles.forbidden"
