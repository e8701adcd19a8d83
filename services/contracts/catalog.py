"""Catalog contracts: content items and the events about them (DESIGN §7 catalog)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from services.contracts.identity import SitePath

SERVICE: Final = "catalog"


class Section(StrEnum):
    """The five sections of seed 000 (五大版块)."""

    theory = "theory"  # 理论宣讲
    culture = "culture"  # 文化服务
    health = "health"  # 健康健身
    science = "science"  # 科技科普
    education = "education"  # 教育服务


SECTION_LABELS: Final = {
    Section.theory: "理论宣讲",
    Section.culture: "文化服务",
    Section.health: "健康健身",
    Section.science: "科技科普",
    Section.education: "教育服务",
}


class ContentKind(StrEnum):
    video = "video"
    audio = "audio"
    article = "article"
    link = "link"
    series = "series"


class ContentStatus(StrEnum):
    published = "published"
    retired = "retired"


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
ContentId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")]


class ContentCreate(BaseModel):
    """What an admin sends to publish a content item."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Title
    section: Section
    kind: ContentKind
    summary: Summary = ""
    media_url: AnyHttpUrl | None = Field(default=None)
    scope: SitePath | None = Field(
        default=None, description="publish to this subtree; defaults to the admin's own site"
    )


class ContentGet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ContentId


class ContentView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    section: Section
    kind: ContentKind
    summary: str
    media_url: str | None
    site: SitePath
    scope: SitePath
    status: ContentStatus
    published_at: datetime


class ContentPublished(BaseModel):
    """Event data of `catalog.content_published`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    section: Section
    kind: ContentKind
    site: SitePath
    scope: SitePath
    published_at: datetime


EVT_CONTENT_PUBLISHED: Final = "content_published"
RPC_CONTENT_CREATE: Final = "content.create"
RPC_CONTENT_GET: Final = "content.get"
RPC_CONTENT_GET_FRESH: Final = "content.get_fresh"
