"""nats-server restarted (kill -9) in the middle of a stream of creates."""

from __future__ import annotations

import asyncio

import httpx

from services.contracts.identity import Role
from tests.faults.conftest import MakePlatform
from tests.faults.helpers import catalog_items, counted
from tests.support.platform import fresh_center

CREATES = 40


async def create_until_accepted(client: httpx.AsyncClient, number: int) -> None:
    """What a careful client does: retry with the same Idempotency-Key until accepted."""
    body = {"title": f"连续发布第{number}条", "section": "culture", "kind": "article"}
    headers = {"Idempotency-Key": f"nats-restart-{number:04d}"}
    for _ in range(200):
        try:
            response = await client.post("/api/v1/content", json=body, headers=headers)
        except httpx.TransportError:
            await asyncio.sleep(0.1)
            continue
        if response.status_code == 201:
            return
        assert response.status_code in (503, 504), response.text
        await asyncio.sleep(0.1)
    raise AssertionError(f"create {number} never accepted")


async def test_nothing_lost_nothing_doubled_across_a_nats_restart(
    make_platform: MakePlatform,
) -> None:
    # Acks in flight when the server dies are lost: those events come back after
    # ack_wait (shortened here) and the inbox drops them.
    platform = await make_platform(env={"WENMING_RPC_TIMEOUT": "2", "WENMING_ACK_WAIT": "2"})
    station = fresh_center()
    async with platform.client(Role.center_admin, station) as client:
        for number in range(CREATES):
            if number == CREATES // 2:
                platform.stack.kill("nats")
                platform.stack.start("nats")
                platform.stack.wait_port("nats")
            await create_until_accepted(client, number)

    await platform.quiesce(timeout_s=60)
    assert await catalog_items(platform, station) == CREATES
    assert await counted(platform, station) == CREATES
