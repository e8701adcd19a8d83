"""Media through the real platform: upload → media bucket → catalog → content → player.

The session platform serves most tests; the size limit gets a second gateway of its
own (a small WENMING_MAX_UPLOAD_BYTES) on the same bus, which also shows a gateway
replica finding the bucket another process created.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import nats
import pytest
from nats.js.api import ObjectMeta
from nats.js.errors import NotFoundError

from deploy.health import wait_http
from deploy.ports import free_port
from services.contracts import subjects
from services.contracts.identity import Role
from services.runtime.media_bucket import MediaBucket
from tests.support import media_samples as samples
from tests.support.platform import (
    CENTER,
    INSTITUTE,
    SIBLING_STATION,
    STATION,
    Platform,
    eventually,
    fresh_center,
)

BUCKET = "WM_MEDIA_320582"
SMALL_LIMIT = 64 * 1024
UPLOAD = "/api/v1/media"


async def upload(
    http: httpx.AsyncClient,
    data: bytes,
    filename: str = "clip.mp4",
    content_type: str = "video/mp4",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await http.post(
        UPLOAD, files={"file": (filename, data, content_type)}, headers=headers or {}
    )


async def uploaded(platform: Platform, data: bytes, filename: str = "clip.mp4") -> str:
    async with platform.client(Role.station_admin, STATION) as admin:
        response = await upload(admin, data, filename)
    assert response.status_code == 201, response.text
    media_id: str = response.json()["media_id"]
    return media_id


async def bucket_names(platform: Platform) -> set[str]:
    client = await nats.connect(platform.stack.nats_url)
    try:
        store = await client.jetstream().object_store(BUCKET)
        try:
            return {info.name for info in await store.list(ignore_deletes=True)}
        except NotFoundError:
            return set()
    finally:
        await client.close()


async def media_records(platform: Platform) -> int:
    count: int = await platform.database("catalog").media.count_documents({})
    return count


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- upload and download -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename", "mime"),
    [
        (lambda: samples.mp4(300_000), "社区讲座.mp4", "video/mp4"),
        (lambda: samples.mp3(50_000), "戏曲.mp3", "audio/mpeg"),
        (lambda: samples.png(2_000), "海报.png", "image/png"),
        (lambda: samples.pdf(5_000), "通知.pdf", "application/pdf"),
    ],
)
async def test_upload_and_download_whole_file(
    platform: Platform, make: Any, filename: str, mime: str
) -> None:
    data: bytes = make()
    async with platform.client(Role.station_admin, STATION) as admin:
        response = await upload(admin, data, filename, "application/octet-stream")
    assert response.status_code == 201, response.text
    view = response.json()
    assert view["mime"] == mime
    assert view["size"] == len(data)
    assert view["owner_site"] == STATION
    assert view["url"] == f"/media/{view['media_id']}"
    assert len(view["media_id"]) == 32

    record = await platform.database("catalog").media.find_one({"_id": view["media_id"]})
    assert record["sha256"] == sha(data)
    assert record["filename"] == filename
    assert record["site_path"][-1] == STATION
    assert record["uploaded_by"] == "test-station_admin"

    async with httpx.AsyncClient(base_url=platform.stack.gateway_url) as anyone:
        got = await anyone.get(view["url"])
    assert got.status_code == 200
    assert sha(got.content) == sha(data)
    assert got.headers["content-type"] == mime
    assert got.headers["content-length"] == str(len(data))
    assert got.headers["accept-ranges"] == "bytes"
    assert got.headers["etag"] == f'"{sha(data)}"'
    assert "immutable" in got.headers["cache-control"]
    assert "filename*=UTF-8''" in got.headers["content-disposition"]


async def test_type_is_told_by_content_not_by_name(platform: Platform) -> None:
    async with platform.client(Role.center_admin, CENTER) as admin:
        response = await upload(admin, samples.png(), "movie.mp4", "video/mp4")
    assert response.status_code == 201, response.text
    assert response.json()["mime"] == "image/png"


async def test_wrong_type_by_content_is_415_and_stores_nothing(platform: Platform) -> None:
    objects, records = await bucket_names(platform), await media_records(platform)
    async with platform.client(Role.station_admin, STATION) as admin:
        response = await upload(admin, samples.text(20_000), "movie.mp4", "video/mp4")
        not_multipart = await admin.post(UPLOAD, json={"file": "x"})
        empty = await upload(admin, b"", "empty.mp4")
    assert response.status_code == 415, response.text
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "MP4 视频" in error["message_zh"]
    assert "允许" in error["message_zh"]
    assert not_multipart.status_code == 415
    assert "multipart/form-data" in not_multipart.json()["error"]["message_zh"]
    assert empty.status_code == 422
    assert await bucket_names(platform) == objects
    assert await media_records(platform) == records


async def test_only_admins_upload(platform: Platform) -> None:
    for role in (Role.resident, Role.volunteer, Role.ops):
        async with platform.client(role, f"{STATION}/P01" if role != Role.ops else "320000") as c:
            refused = await upload(c, samples.mp4())
        assert refused.status_code == 403, (role, refused.text)
    async with platform.client() as nobody:
        anonymous = await upload(nobody, samples.mp4())
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"


async def test_retry_with_the_same_idempotency_key_keeps_one_object(platform: Platform) -> None:
    headers = {"Idempotency-Key": "media-retry-0001"}
    before = await bucket_names(platform)
    async with platform.client(Role.station_admin, STATION) as admin:
        first = await upload(admin, samples.mp3(10_000), "a.mp3", headers=headers)
        second = await upload(admin, samples.mp3(10_000), "a.mp3", headers=headers)
    assert first.status_code == second.status_code == 201, second.text
    assert first.json() == second.json()
    assert await bucket_names(platform) - before == {first.json()["media_id"]}


# -- ranges ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def video(platform: Platform) -> tuple[str, bytes]:
    """A video of a little over three 128 KiB chunks."""
    data = samples.mp4(3 * 128 * 1024 + 5_000)
    return await uploaded(platform, data, "长视频.mp4"), data


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=131000-263000", 131000, 263000),  # across two chunk boundaries
        ("bytes=300000-", 300000, None),  # starts in the third chunk: found without its bytes
        ("bytes=-100", -100, None),
        ("bytes=131072-131072", 131072, 131072),  # the first byte of the second chunk
    ],
)
async def test_range_requests(
    platform: Platform, video: tuple[str, bytes], header: str, start: int, end: int | None
) -> None:
    media_id, data = video
    expected = data[start:] if end is None else data[start : end + 1]
    first = start if start >= 0 else len(data) + start
    async with httpx.AsyncClient(base_url=platform.stack.gateway_url) as kiosk:
        got = await kiosk.get(f"/media/{media_id}", headers={"Range": header})
    assert got.status_code == 206, got.text
    assert got.content == expected
    assert got.headers["content-length"] == str(len(expected))
    last = first + len(expected) - 1
    assert got.headers["content-range"] == f"bytes {first}-{last}/{len(data)}"


async def test_ranges_of_uploads_stored_side_by_side(platform: Platform) -> None:
    """Two uploads at once interleave their chunks in the bucket: ranges still line up."""
    first, second = samples.mp4(600_000), samples.mp4(600_000, brand=b"mp42")
    ids = await asyncio.gather(uploaded(platform, first), uploaded(platform, second))
    async with httpx.AsyncClient(base_url=platform.stack.gateway_url) as kiosk:
        for media_id, data in zip(ids, (first, second), strict=True):
            for header, start in (("bytes=400000-", 400000), ("bytes=-70000", len(data) - 70000)):
                got = await kiosk.get(f"/media/{media_id}", headers={"Range": header})
                assert got.status_code == 206
                assert got.content == data[start:]


async def test_bucket_reads_ranges_by_arithmetic_and_by_walking_chunks(
    platform: Platform,
) -> None:
    """`MediaBucket.read` on the real bus: the fast path and the headers-only walk agree."""
    data = samples.mp4(5 * 128 * 1024 + 777)
    client = await nats.connect(platform.stack.nats_url)
    try:
        bucket = MediaBucket(client.jetstream, "320582")
        stored = await bucket.put(
            "d" * 32, io.BytesIO(data), mime="video/mp4", sha256=sha(data), filename="d.mp4"
        )
        assert stored.chunks == 6
        assert stored.evenly_chunked
        walked = replace(stored, chunks=stored.chunks + 1)  # not evenly chunked: walk
        assert not walked.evenly_chunked
        for start, end in ((0, 10), (131071, 131072), (300000, 600000), (655000, len(data) - 1)):
            for media in (stored, walked):
                got = b"".join([piece async for piece in bucket.read(media, start, end)])
                assert got == data[start : end + 1], (start, end, media.chunks)
    finally:
        await bucket.delete("d" * 32)
        await client.close()


async def test_unsatisfiable_ranges_and_validators(
    platform: Platform, video: tuple[str, bytes]
) -> None:
    media_id, data = video
    url = f"/media/{media_id}"
    async with httpx.AsyncClient(base_url=platform.stack.gateway_url) as kiosk:
        beyond = await kiosk.get(url, headers={"Range": f"bytes={len(data)}-"})
        cached = await kiosk.get(url, headers={"If-None-Match": f'"{sha(data)}"'})
        stale = await kiosk.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
        probe = await kiosk.head(url, headers={"Range": "bytes=10-19"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"
    assert beyond.json()["error"]["code"] == "range_not_satisfiable"
    assert cached.status_code == 304
    assert stale.status_code == 200
    assert stale.content == data
    assert probe.status_code == 206
    assert probe.headers["content-range"] == f"bytes 10-19/{len(data)}"
    assert probe.content == b""


async def test_unknown_media_is_404(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.stack.gateway_url) as anyone:
        unknown = await anyone.get("/media/" + "0" * 32)
        malformed = await anyone.get("/media/not-an-id")
    for response in (unknown, malformed):
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "not_found"
        assert error["message_zh"] == "媒体文件不存在"


# -- the catalog decides -----------------------------------------------------------------------


async def register_directly(platform: Platform, data: dict[str, Any]) -> dict[str, Any]:
    caller = {"sub": "test-direct", "role": "station_admin", "site": STATION}
    client = await nats.connect(platform.stack.nats_url)
    try:
        reply = await client.request(
            subjects.rpc("320582", "catalog", "media.register"),
            json.dumps({"caller": caller, "data": data}).encode(),
            timeout=5,
        )
    finally:
        await client.close()
    body: dict[str, Any] = json.loads(reply.data)
    return body


async def test_catalog_rechecks_the_stored_object(platform: Platform) -> None:
    """The catalog reads the bucket itself: a false type or size, or no object, is refused."""
    fake = samples.text(1_000)
    client = await nats.connect(platform.stack.nats_url)
    try:
        store = await client.jetstream().object_store(BUCKET)
        meta = ObjectMeta(headers={"Content-Type": ["video/mp4"], "Wenming-Sha256": [sha(fake)]})
        await store.put("f" * 32, fake, meta=meta)
    finally:
        await client.close()
    command = {
        "media_id": "f" * 32,
        "filename": "fake.mp4",
        "mime": "video/mp4",
        "size": len(fake),
        "sha256": sha(fake),
    }
    lied_type = await register_directly(platform, command)
    lied_size = await register_directly(platform, {**command, "size": 999})
    missing = await register_directly(platform, {**command, "media_id": "e" * 32})
    assert lied_type["error"]["status"] == 415
    assert lied_size["error"]["code"] == "media_mismatch"
    assert missing["error"]["status"] == 404
    assert await platform.database("catalog").media.count_documents({"_id": "f" * 32}) == 0


async def test_media_of_another_subtree_cannot_be_attached(platform: Platform) -> None:
    media_id = await uploaded(platform, samples.mp4())
    item = {"title": "别处的视频", "section": "culture", "kind": "video", "media_id": media_id}
    for role, site in (
        (Role.center_admin, fresh_center()),
        (Role.station_admin, SIBLING_STATION),
    ):
        async with platform.client(role, site) as stranger:
            response = await stranger.post("/api/v1/content", json=item)
        assert response.status_code == 404, (site, response.text)
        assert response.json()["error"]["message_zh"] == "上传的媒体文件不存在"


async def test_station_upload_is_reviewed_then_played_by_a_resident(platform: Platform) -> None:
    data = samples.mp4(200_000)
    media_id = await uploaded(platform, data, "广场舞教学.mp4")
    item = {"title": "广场舞教学", "section": "health", "kind": "video", "media_id": media_id}
    async with platform.client(Role.station_admin, STATION) as station:
        created = await station.post("/api/v1/content", json=item)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending_review"
    assert created.json()["media_url"] == f"/media/{media_id}"
    content_id = created.json()["id"]

    async with platform.client(Role.institute_admin, INSTITUTE) as institute:
        approved = await institute.post(
            f"/api/v1/content/{content_id}/review", json={"approve": True}
        )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"

    async with platform.client(Role.resident, f"{STATION}/P01") as resident:

        async def read() -> httpx.Response:
            return await resident.get(f"/api/v1/content/{content_id}")

        shown = await eventually(read, lambda r: r.status_code == 200)
        assert shown.status_code == 200, shown.text
        assert shown.json()["media_url"] == f"/media/{media_id}"
        played = await resident.get(shown.json()["media_url"], headers={"Range": "bytes=0-"})
    assert played.status_code == 206
    assert sha(played.content) == sha(data)


# -- the size limit, on a gateway of its own ---------------------------------------------------


@pytest.fixture(scope="module")
async def small_gateway(platform: Platform) -> AsyncIterator[str]:
    name = "gateway-small-uploads"
    spec = platform.stack.spec("gateway")
    port = free_port()
    env = {
        **spec.env,
        "WENMING_GATEWAY_PORT": str(port),
        "WENMING_MAX_UPLOAD_BYTES": str(SMALL_LIMIT),
    }
    log_path = spec.log_path.with_name(f"{name}.log")
    platform.stack.procs[name] = replace(spec, name=name, env=env, port=port, log_path=log_path)
    platform.stack.start(name)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_http(url + "/readyz", timeout_s=60)
        yield url
    finally:
        platform.stack.stop(name)


async def test_uploads_over_the_limit_are_413_and_store_nothing(
    platform: Platform, small_gateway: str
) -> None:
    objects, records = await bucket_names(platform), await media_records(platform)
    token = platform.token(Role.station_admin, STATION)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=small_gateway, headers=headers, timeout=15) as admin:
        at_limit = await upload(admin, samples.mp4(SMALL_LIMIT))
        just_over = await upload(admin, samples.mp4(SMALL_LIMIT + 1))
        far_over = await upload(admin, samples.mp4(SMALL_LIMIT * 4))  # refused by its length

        body = b"".join(
            [
                b"--b0undary\r\n",
                b'Content-Disposition: form-data; name="file"; filename="big.mp4"\r\n',
                b"Content-Type: video/mp4\r\n\r\n",
                samples.mp4(SMALL_LIMIT + 10_000),
                b"\r\n--b0undary--\r\n",
            ]
        )

        async def chunked() -> AsyncIterator[bytes]:
            for offset in range(0, len(body), 8192):
                yield body[offset : offset + 8192]

        streamed = await admin.post(
            UPLOAD,
            content=chunked(),
            headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
        )
    assert at_limit.status_code == 201, at_limit.text
    for response in (just_over, far_over, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "payload_too_large"
        assert "过大" in response.json()["error"]["message_zh"]
    assert streamed.request.headers["transfer-encoding"] == "chunked"
    assert await bucket_names(platform) - objects == {at_limit.json()["media_id"]}
    assert await media_records(platform) == records + 1
