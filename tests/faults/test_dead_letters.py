"""Bounded redelivery ends in the dead-letter stream; an admin lists and replays it."""

from __future__ import annotations

import json

import nats

from services.contracts import subjects
from services.contracts.identity import Role
from services.runtime import deadletter
from tests.faults.conftest import MakePlatform
from tests.faults.helpers import ITEM, counted
from tests.support.platform import eventually, fresh_center


async def test_failing_effect_is_dead_lettered_then_replayed_once(
    make_platform: MakePlatform,
) -> None:
    platform = await make_platform(
        env={"WENMING_MAX_DELIVER": "3"},
        proc_env={"evaluation": {"WENMING_FAILPOINTS": "inbox.effect:raise"}},
    )
    region = platform.stack.region
    station = fresh_center()
    async with platform.client(Role.center_admin, station) as admin:
        assert (await admin.post("/api/v1/content", json=ITEM)).status_code == 201

    client = await nats.connect(platform.stack.nats_url)
    try:
        js = client.jetstream()
        letters = await eventually(
            lambda: deadletter.list_dead_letters(js, region), lambda found: len(found) == 1
        )
        assert len(letters) == 1
        letter = letters[0]
        assert letter.reason == "max_deliver"
        assert letter.deliveries == 3
        assert letter.event_type == "catalog.content_published"
        assert letter.stream == subjects.stream_name(region, "catalog")
        assert letter.available
        assert await counted(platform, station) == 0

        await platform.restart("evaluation", env={})
        await deadletter.replay(js, region, letter.sequence)
        await platform.quiesce()
        assert await counted(platform, station) == 1
        assert await deadletter.list_dead_letters(js, region) == []
    finally:
        await client.close()


async def test_an_undecodable_event_is_terminated_into_the_dead_letters(
    make_platform: MakePlatform,
) -> None:
    platform = await make_platform()
    region = platform.stack.region
    client = await nats.connect(platform.stack.nats_url)
    try:
        js = client.jetstream()
        poison = json.dumps({"id": "not-an-envelope", "data": {"$ne": None}}).encode()
        await js.publish(subjects.evt(region, "catalog", "content_published"), poison)
        letters = await eventually(
            lambda: deadletter.list_dead_letters(js, region), lambda found: len(found) == 1
        )
        assert [letter.reason for letter in letters] == ["terminated"]
        assert letters[0].deliveries == 1
    finally:
        await client.close()
    assert await counted(platform, "320000") == 0
