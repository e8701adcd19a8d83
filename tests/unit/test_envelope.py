"""The event envelope and the request/reply envelopes (DESIGN §4)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.contracts.envelope import EventEnvelope, RpcRequest, new_event_id
from services.contracts.identity import Caller, Role

SITE = "320000/320500/320582"


def event_payload(**extra: Any) -> dict[str, Any]:
    return {
        "id": new_event_id(),
        "type": "catalog.content_published",
        "version": 1,
        "occurred_at": "2025-09-01T08:00:00Z",
        "site": SITE,
        "actor": {"sub": "admin-1", "role": "center_admin"},
        "trace": {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
        "data": {"id": "c-1"},
        **extra,
    }


def test_event_envelope_ignores_unknown_fields() -> None:
    """A consumer ignores fields a newer producer added (DESIGN §4)."""
    payload = event_payload(schema_hint="v2", priority=3)
    payload["actor"]["department"] = "宣传部"
    event = EventEnvelope[dict[str, Any]].model_validate(payload)
    dumped = event.model_dump(mode="json")
    assert "schema_hint" not in dumped
    assert "priority" not in dumped
    assert "department" not in dumped["actor"]
    assert event.id == payload["id"]
    assert event.occurred_at == datetime(2025, 9, 1, 8, tzinfo=UTC)
    assert event.data == {"id": "c-1"}


def test_event_envelope_still_validates_known_fields() -> None:
    with pytest.raises(ValidationError):
        EventEnvelope[dict[str, Any]].model_validate(event_payload(site="not/a/site"))
    with pytest.raises(ValidationError):
        EventEnvelope[dict[str, Any]].model_validate(event_payload(type="Catalog.Published"))


def test_event_envelope_defaults() -> None:
    before = datetime.now(UTC)
    first = EventEnvelope[dict[str, Any]](type="catalog.x", site=SITE, data={})
    second = EventEnvelope[dict[str, Any]](type="catalog.x", site=SITE, data={})
    assert first.id != second.id
    assert uuid.UUID(first.id).version == 7
    assert first.version == 1
    assert first.occurred_at.tzinfo is not None
    assert before <= first.occurred_at <= datetime.now(UTC)
    assert first.trace == {}
    assert first.actor is None


def test_event_envelope_is_immutable() -> None:
    event = EventEnvelope[dict[str, Any]](type="catalog.x", site=SITE, data={})
    with pytest.raises(ValidationError):
        event.id = "other"  # type: ignore[misc]


def test_rpc_request_forbids_unknown_fields() -> None:
    ok = RpcRequest[dict[str, Any]].model_validate({"data": {"x": 1}})
    assert ok.caller is None
    with pytest.raises(ValidationError, match="extra"):
        RpcRequest[dict[str, Any]].model_validate({"data": {}, "admin": True})


def test_rpc_request_caller_forbids_unknown_fields_too() -> None:
    caller = {"sub": "u", "role": "resident", "site": SITE}
    parsed = RpcRequest[dict[str, Any]].model_validate({"caller": caller, "data": {}})
    assert parsed.caller == Caller(sub="u", role=Role.resident, site=SITE)
    with pytest.raises(ValidationError, match="extra"):
        RpcRequest[dict[str, Any]].model_validate(
            {"caller": {**caller, "is_superuser": True}, "data": {}}
        )


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 81, "键值键值键值键值"])
def test_rpc_request_rejects_bad_idempotency_keys(key: str) -> None:
    with pytest.raises(ValidationError):
        RpcRequest[dict[str, Any]].model_validate({"idempotency_key": key, "data": {}})


def test_rpc_request_accepts_a_good_idempotency_key() -> None:
    key = "0190b5a2-7c3e-7e1f:retry.1_A"
    assert RpcRequest[dict[str, Any]](idempotency_key=key, data={}).idempotency_key == key


def uuid7_millis(event_id: str) -> int:
    return uuid.UUID(event_id).int >> 80


def test_uuid7_ids_are_time_ordered() -> None:
    ids = [new_event_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # string order is creation order: the outbox sorts on it
    assert all(uuid.UUID(i).version == 7 for i in ids)


def test_uuid7_ids_carry_their_creation_time() -> None:
    before_ms = time.time_ns() // 1_000_000
    event_id = new_event_id()
    after_ms = time.time_ns() // 1_000_000
    assert before_ms <= uuid7_millis(event_id) <= after_ms
    time.sleep(0.003)
    later = new_event_id()
    assert later > event_id
    assert uuid7_millis(later) - uuid7_millis(event_id) >= 2
    assert timedelta(milliseconds=uuid7_millis(later) - uuid7_millis(event_id)) < timedelta(1)
