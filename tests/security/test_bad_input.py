"""Bad input gets a clear 4xx and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from services.contracts.identity import Role
from tests.support.platform import CENTER, Platform, fresh_center, fresh_station

VALID = {"title": "健康讲座", "section": "health", "kind": "article", "summary": "讲座简介"}
FIELDS = ["title", "section", "kind", "summary", "media_url", "scope"]

BAD_BODIES: list[tuple[str, Any]] = [
    ("title is a number", {**VALID, "title": 123}),
    ("section is a number", {**VALID, "section": 5}),
    ("kind is null", {**VALID, "kind": None}),
    ("unknown section", {**VALID, "section": "sports"}),
    ("unknown field", {**VALID, "owner": "someone-else"}),
    ("empty title", {**VALID, "title": "   "}),
    ("title too long", {**VALID, "title": "长" * 121}),
    ("summary too long", {**VALID, "summary": "长" * 2001}),
    ("media url not http", {**VALID, "media_url": "javascript:alert(1)"}),
    ("scope not a site path", {**VALID, "scope": "../../etc"}),
    ("body is a list", [VALID]),
    ("missing title", {k: v for k, v in VALID.items() if k != "title"}),
    *[(f"operator in {f}", {**VALID, f: {"$ne": None}}) for f in FIELDS],
    *[(f"operator $gt in {f}", {**VALID, f: {"$gt": ""}}) for f in FIELDS],
    ("operator as key", {**VALID, "$where": "sleep(1000)"}),
]


async def stored_at(platform: Platform, site: str) -> int:
    count: int = await platform.database("catalog").content.count_documents({"site": site})
    return count


@pytest.mark.parametrize(("case", "body"), BAD_BODIES, ids=[c for c, _ in BAD_BODIES])
async def test_bad_content_is_refused_with_422_and_nothing_stored(
    platform: Platform, case: str, body: Any
) -> None:
    station = fresh_station()
    async with platform.client(Role.station_admin, station) as admin:
        response = await admin.post("/api/v1/content", json=body)
    assert response.status_code == 422, (case, response.text)
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message_zh"]
    assert error["message_en"]
    assert error["request_id"] == response.headers["x-request-id"]
    assert await stored_at(platform, station) == 0


async def test_malformed_json_is_refused(platform: Platform) -> None:
    station = fresh_station()
    async with platform.client(Role.station_admin, station) as admin:
        response = await admin.post(
            "/api/v1/content",
            content=b'{"title": "x",',
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 422
    assert await stored_at(platform, station) == 0


async def test_oversized_body_is_refused_with_413_before_any_service_sees_it(
    platform: Platform,
) -> None:
    station = fresh_station()
    async with platform.client(Role.station_admin, station) as admin:
        response = await admin.post("/api/v1/content", json={**VALID, "summary": "长" * 40_000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert await stored_at(platform, station) == 0


async def test_publishing_to_a_foreign_subtree_is_refused(platform: Platform) -> None:
    county = fresh_center()
    async with platform.client(Role.center_admin, county) as admin:
        response = await admin.post("/api/v1/content", json={**VALID, "scope": CENTER})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_outside_subtree"
    assert await stored_at(platform, county) == 0


async def test_an_upload_cannot_choose_its_own_scope(platform: Platform) -> None:
    station = fresh_station()
    async with platform.client(Role.station_admin, station) as admin:
        response = await admin.post("/api/v1/content", json={**VALID, "scope": CENTER})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "scope_needs_review"
    assert await stored_at(platform, station) == 0


@pytest.mark.parametrize(
    "content_id",
    ["not-an-id", "%24ne", "01a215ed-c285-73be-8992-2d625c4d137.*", "x" * 300],
)
async def test_bad_content_ids_are_refused(platform: Platform, content_id: str) -> None:
    async with platform.client(Role.resident, CENTER) as resident:
        response = await resident.get(f"/api/v1/content/{content_id}")
    assert response.status_code in (404, 422)
    assert "error" in response.json()


@pytest.mark.parametrize("site", ['{"$ne": null}', "320582/../..", "3205", "x" * 200])
async def test_bad_site_parameters_are_refused(platform: Platform, site: str) -> None:
    async with platform.client(Role.center_admin, CENTER) as admin:
        response = await admin.get("/api/v1/stats/site", params={"site": site})
    assert response.status_code == 422


async def test_callers_without_a_token_or_the_role_are_refused(platform: Platform) -> None:
    station = fresh_station()
    async with platform.client() as anonymous:
        response = await anonymous.post("/api/v1/content", json=VALID)
        assert response.status_code == 401
        assert (await anonymous.get("/api/v1/stats/site")).status_code == 401
    async with platform.client(Role.resident, station) as resident:
        response = await resident.post("/api/v1/content", json=VALID)
        assert response.status_code == 403
    async with platform.client() as forged:
        forged.headers["Authorization"] = "Bearer not.a.jwt"
        assert (await forged.get("/api/v1/stats/site")).status_code == 401
    assert await stored_at(platform, station) == 0
