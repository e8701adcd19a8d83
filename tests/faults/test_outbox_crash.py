"""Catalog dies after its transaction commits and before the event is published."""

from __future__ import annotations

from services.contracts.identity import Role
from tests.faults.conftest import MakePlatform
from tests.faults.helpers import ITEM, catalog_items, counted
from tests.support.platform import fresh_center


async def test_event_committed_before_a_crash_is_delivered_once_after_restart(
    make_platform: MakePlatform,
) -> None:
    platform = await make_platform(
        env={"WENMING_RPC_TIMEOUT": "2"},
        proc_env={"catalog": {"WENMING_FAILPOINTS": "outbox.after_commit:kill"}},
    )
    station = fresh_center()
    async with platform.client(Role.center_admin, station) as admin:
        response = await admin.post("/api/v1/content", json=ITEM)
    # The catalog died before answering: the caller sees a clear 503/504, not a hang.
    assert response.status_code in (503, 504)
    assert response.json()["error"]["code"] in ("service_unavailable", "service_timeout")
    assert not platform.stack.procs["catalog"].alive()

    # The transaction had committed: the item and its unsent event are in the books.
    assert await catalog_items(platform, station) == 1
    outbox = platform.database("catalog").outbox
    assert await outbox.count_documents({"sent": False}) == 1
    assert await counted(platform, station) == 0

    await platform.restart("catalog", env={})
    await platform.quiesce()
    assert await outbox.count_documents({"sent": False}) == 0
    assert await counted(platform, station) == 1
