"""Bad input on every catalog endpoint: a clear 4xx and nothing stored or changed."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from services.contracts.identity import Role
from tests.support.platform import CENTER, Platform, fresh_center

OTHER_COUNTY = "320000/320500/320581"
ANY_ID = str(uuid.uuid4())

# (method, path, body or query, expected status, expected code or None)
CASES: list[tuple[str, str, dict[str, Any], int, str | None]] = [
    (
        "POST",
        "/api/v1/content",
        {"title": "x", "section": "opera", "kind": "article"},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/content",
        {"title": "x", "section": "health", "kind": "article", "tags": ["a"] * 9},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/content",
        {"title": "x", "section": "health", "kind": "article", "episode": 0},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/content",
        {"title": "x", "section": "health", "kind": "article", "publish_at": "2026-01-01T00:00:00"},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/content",
        {"title": "x", "section": "health", "kind": "article", "media_id": "../../etc/passwd"},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/content",
        {"title": "x", "section": "health", "kind": "article", "scope": OTHER_COUNTY},
        403,
        "scope_outside_subtree",
    ),
    ("POST", f"/api/v1/content/{ANY_ID}/review", {"approve": "yes please"}, 422, "invalid_input"),
    ("POST", f"/api/v1/content/{ANY_ID}/review", {"approve": True}, 404, "not_found"),
    (
        "POST",
        f"/api/v1/content/{ANY_ID}/retirement",
        {"retire_at": "tomorrow", "reason": "r"},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/catalog/picks",
        {"week": "2026-49", "content_ids": [ANY_ID]},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/catalog/picks",
        {"week": "2026-W49", "content_ids": []},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/catalog/picks",
        {"week": "2026-W49", "content_ids": [ANY_ID]},
        422,
        "pick_unknown",
    ),
    (
        "POST",
        "/api/v1/plays",
        {"event_id": "1", "content_id": ANY_ID, "action": "play"},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/plays",
        {"event_id": ANY_ID, "content_id": ANY_ID, "action": "rewind"},
        422,
        "invalid_input",
    ),
    (
        "POST",
        "/api/v1/plays",
        {"event_id": ANY_ID, "content_id": ANY_ID, "action": "play", "position_s": -5},
        422,
        "invalid_input",
    ),
    ("GET", "/api/v1/catalog/hot", {"section": "opera"}, 422, "invalid_input"),
    ("GET", "/api/v1/catalog/hot", {"site": '{"$ne": null}'}, 422, "invalid_input"),
    ("GET", "/api/v1/catalog/hot", {"limit": 51}, 422, "invalid_input"),
    ("GET", "/api/v1/catalog/search", {"q": "x", "level": "galaxy"}, 422, "invalid_input"),
    (
        "GET",
        "/api/v1/catalog/calendar",
        {"since": "2026-11-01T00:00:00+00:00", "until": "2027-11-01T00:00:00+00:00"},
        422,
        "bad_range",
    ),
    ("GET", "/api/v1/content", {"limit": 101}, 422, "invalid_input"),
    ("GET", "/api/v1/content", {"section": "opera"}, 422, "invalid_input"),
]


async def content_count(platform: Platform) -> int:
    count: int = await platform.database("catalog").content.count_documents({})
    return count


@pytest.mark.parametrize(
    ("method", "path", "data", "status", "code"),
    CASES,
    ids=[f"{m} {p} {s}" for m, p, _, s, _ in CASES],
)
async def test_bad_catalog_input_is_refused_and_changes_nothing(
    platform: Platform,
    method: str,
    path: str,
    data: dict[str, Any],
    status: int,
    code: str | None,
) -> None:
    county = fresh_center()
    before = await content_count(platform)
    async with platform.client(Role.center_admin, county) as admin:
        if method == "GET":
            response = await admin.get(path, params=data)
        else:
            response = await admin.post(path, json=data)
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["message_zh"]
    if code is not None:
        assert body["code"] == code
    assert await content_count(platform) == before


async def test_a_foreign_site_cannot_be_acted_on(platform: Platform) -> None:
    async with platform.client(Role.center_admin, CENTER) as owner:
        item = (
            await owner.post(
                "/api/v1/content",
                json={"title": "只属于本中心", "section": "culture", "kind": "article"},
            )
        ).json()
    async with platform.client(Role.center_admin, OTHER_COUNTY) as stranger:
        for response in (
            await stranger.get(f"/api/v1/content/{item['id']}/audit"),
            await stranger.get(f"/api/v1/content/{item['id']}/fresh"),
            await stranger.post(
                f"/api/v1/content/{item['id']}/retirement",
                json={"retire_at": "2099-01-01T00:00:00+00:00", "reason": "不属于你"},
            ),
        ):
            assert response.status_code == 404, response.text
    async with platform.client(Role.resident, f"{OTHER_COUNTY}/X/Y") as far_resident:
        assert (await far_resident.get(f"/api/v1/content/{item['id']}")).status_code == 404
        assert (await far_resident.get(f"/api/v1/content/{item['id']}/resume")).status_code == 404
