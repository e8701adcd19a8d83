"""The same event twice, and a redelivery after a consumer crash, count once."""

from __future__ import annotations

import json

import nats

from services.contracts import subjects
from services.contracts.identity import Role
from tests.faults.conftest import MakePlatform
from tests.faults.helpers import ITEM, counted, inbox_entries
from tests.support.platform import fresh_center


async def test_an_event_published_twice_is_counted_once(make_platform: MakePlatform) -> None:
    platform = await make_platform()
    station = fresh_center()
    async with platform.client(Role.center_admin, station) as admin:
        assert (await admin.post("/api/v1/content", json=ITEM)).status_code == 201
    await platform.quiesce()
    assert await counted(platform, station) == 1

    entry = await platform.database("catalog").outbox.find_one({"envelope.site": station})
    region = platform.stack.region
    client = await nats.connect(platform.stack.nats_url)
    try:
        js = client.jetstream()
        payload = json.dumps(entry["envelope"]).encode()
        # Same Nats-Msg-Id: the stream's duplicate window drops it.
        ack = await js.publish(entry["subject"], payload, headers={"Nats-Msg-Id": entry["_id"]})
        assert ack.duplicate
        # A different message id (a relay replaying after the window): the inbox drops it.
        again = await js.publish(
            entry["subject"], payload, headers={"Nats-Msg-Id": entry["_id"] + "-late"}
        )
        assert not again.duplicate
        assert again.stream == subjects.stream_name(region, "catalog")
    finally:
        await client.close()
    await platform.quiesce()
    assert await counted(platform, station) == 1


async def test_a_redelivery_after_the_consumer_crashed_before_acking_is_a_no_op(
    make_platform: MakePlatform,
) -> None:
    platform = await make_platform(
        proc_env={
            "evaluation": {"WENMING_FAILPOINTS": "inbox.after_commit:kill", "WENMING_ACK_WAIT": "1"}
        }
    )
    station = fresh_center()
    async with platform.client(Role.center_admin, station) as admin:
        assert (await admin.post("/api/v1/content", json=ITEM)).status_code == 201
    platform.stack.procs["evaluation"].popen.wait(timeout=15)  # died after commit, before ack
    entries_after_crash = await inbox_entries(platform)
    assert entries_after_crash >= 1

    await platform.restart("evaluation", env={"WENMING_ACK_WAIT": "1"})
    await platform.quiesce()
    assert await counted(platform, station) == 1
    assert await inbox_entries(platform) == entries_after_crash

    client = await nats.connect(platform.stack.nats_url)
    try:
        js = client.jetstream()
        stream = subjects.stream_name(platform.stack.region, "catalog")
        infos = await js.consumers_info(stream)
        # The event really was delivered again after the crash.
        assert sum(info.delivered.consumer_seq for info in infos) >= 2
    finally:
        await client.close()
