"""What the fault tests read back: the catalog's books and the evaluation's count."""

from __future__ import annotations

from services.contracts.identity import Role
from tests.support.platform import Platform

ITEM = {"title": "故障演练内容", "section": "science", "kind": "article"}


async def catalog_items(platform: Platform, site: str) -> int:
    count: int = await platform.database("catalog").content.count_documents({"site": site})
    return count


async def counted(platform: Platform, site: str) -> int:
    async with platform.client(Role.provincial_admin, "320000") as admin:
        response = await admin.get("/api/v1/stats/site", params={"site": site})
    assert response.status_code == 200, response.text
    value: int = response.json()["published_content"]
    return value


async def inbox_entries(platform: Platform) -> int:
    count: int = await platform.database("evaluation").inbox.count_documents({})
    return count
