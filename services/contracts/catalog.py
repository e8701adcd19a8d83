"""Catalog contracts: content, series, review, calendar, hot lists, search, plays,
the service menu and venues, and the events about them (DESIGN §7 catalog)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final, Literal

from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from services.contracts.identity import SitePath

SERVICE: Final = "catalog"
MAX_PAGE: Final = 100


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
    series = "series"  # a course series: ordered episodes


KIND_LABELS: Final = {
    ContentKind.video: "视频",
    ContentKind.audio: "音频",
    ContentKind.article: "图文",
    ContentKind.link: "外部链接",
    ContentKind.series: "系列课程",
}


class SourceLevel(StrEnum):
    """The level of the site that published an item (its source)."""

    province = "province"
    city = "city"
    county_center = "center"  # `center` would shadow str.center
    institute = "institute"
    station = "station"


SOURCE_LEVEL_LABELS: Final = {
    SourceLevel.province: "省级",
    SourceLevel.city: "市级",
    SourceLevel.county_center: "中心",
    SourceLevel.institute: "实践所",
    SourceLevel.station: "实践站",
}


class ContentStatus(StrEnum):
    pending_review = "pending_review"  # uploaded by a station/institute, waits for the level above
    rejected = "rejected"
    scheduled = "scheduled"  # approved, publishes at publish_at
    published = "published"
    retired = "retired"


class LinkState(StrEnum):
    unchecked = "unchecked"
    ok = "ok"
    broken = "broken"  # no answer / error status
    paywalled = "paywalled"  # answers with a login or pay page


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)]
ContentId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")]
MediaId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]
WeekId = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-W[0-9]{2}$")]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- content -----------------------------------------------------------------------


class ContentCreate(Frozen):
    """Publish (center and above) or upload for review (station, institute)."""

    title: Title
    section: Section
    kind: ContentKind
    summary: Summary = ""
    tags: list[Tag] = Field(default_factory=list, max_length=8)
    media_url: AnyHttpUrl | None = Field(default=None, description="external media (a link)")
    media_id: MediaId | None = Field(default=None, description="an uploaded file (POST /media)")
    series_id: ContentId | None = Field(default=None, description="episode of this series")
    episode: int | None = Field(default=None, ge=1, le=999)
    scope: SitePath | None = Field(
        default=None, description="publish to this subtree; defaults to the publisher's site"
    )
    publish_at: AwareDatetime | None = Field(default=None, description="schedule the release")


class ContentGet(Frozen):
    id: ContentId


class ContentView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    section: Section
    kind: ContentKind
    summary: str
    tags: list[str] = Field(default_factory=list)
    media_url: str | None = Field(description="what a player opens: /media/… or an external URL")
    series_id: str | None = None
    episode: int | None = None
    episodes: int = Field(default=0, description="number of episodes (series only)")
    site: SitePath
    source_level: SourceLevel
    scope: SitePath
    status: ContentStatus
    link_state: LinkState = LinkState.unchecked
    publish_at: datetime | None = None
    published_at: datetime | None = None
    retire_at: datetime | None = None
    reject_reason: str | None = None


class ContentList(Frozen):
    section: Section | None = None
    kind: ContentKind | None = None
    series_id: ContentId | None = None
    status: ContentStatus | None = Field(default=None, description="admins only")
    mine: bool = Field(default=False, description="admins: items owned in my subtree")
    limit: int = Field(default=20, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=10_000)


class ContentPage(BaseModel):
    items: list[ContentView]
    total: int


# -- review (hierarchical: the level above reviews) ---------------------------------


class ReviewDecision(Frozen):
    id: ContentId
    approve: bool
    scope: SitePath | None = Field(
        default=None, description="approve: publish to this subtree (uploader's site up to yours)"
    )
    reason: Reason | None = Field(default=None, description="reject: why (the uploader sees it)")


class AuditEntry(BaseModel):
    at: datetime
    action: str
    actor: str
    actor_role: str
    details: dict[str, str] = Field(default_factory=dict)


class AuditTrail(BaseModel):
    content_id: str
    entries: list[AuditEntry]


# -- release calendar ---------------------------------------------------------------


class RetireAnnounce(Frozen):
    id: ContentId
    retire_at: AwareDatetime
    reason: Reason


class CalendarQuery(Frozen):
    since: AwareDatetime
    until: AwareDatetime


class CalendarEntry(BaseModel):
    at: datetime
    kind: Literal["release", "retirement", "picks_deadline"]
    content_id: str | None
    title: str
    scope: SitePath
    note: str = ""


class Calendar(BaseModel):
    entries: list[CalendarEntry]


class Announcement(BaseModel):
    content_id: str
    title: str
    retire_at: datetime
    reason: str
    scope: SitePath
    announced_at: datetime


class Announcements(BaseModel):
    items: list[Announcement]


class PicksPublish(Frozen):
    """Next week's picks of a region (a center), due Thursday 18:00 of the week before."""

    week: WeekId
    content_ids: list[ContentId] = Field(min_length=1, max_length=20)
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class PicksGet(Frozen):
    week: WeekId | None = Field(default=None, description="default: next week")


class Picks(BaseModel):
    region: SitePath
    week: str
    items: list[ContentView]
    note: str
    published_at: datetime | None
    deadline: datetime
    late: bool


class Notice(BaseModel):
    """A message to admins (late picks, broken links, review results)."""

    id: str
    at: datetime
    kind: str
    site: SitePath
    text: str
    content_id: str | None = None


class Notices(BaseModel):
    items: list[Notice]


# -- plays, resume, hot -------------------------------------------------------------


class PlayAction(StrEnum):
    play = "play"
    progress = "progress"
    complete = "complete"
    like = "like"


class PlayReport(Frozen):
    """What a player sends (through the gateway's play API)."""

    event_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")] = Field(
        description="client-made UUID: a resend is counted once"
    )
    content_id: ContentId
    action: PlayAction
    position_s: float = Field(default=0, ge=0, le=86_400)
    duration_s: float | None = Field(default=None, ge=0, le=86_400)


class PlayRecorded(BaseModel):
    """Event data of `gateway.play_reported`: the report plus who and where."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    content_id: str
    action: PlayAction
    position_s: float
    duration_s: float | None
    viewer: str
    viewer_site: SitePath


class Resume(BaseModel):
    content_id: str
    position_s: float
    completed: bool
    next: ContentView | None = Field(description="the next episode (continuous play)")


class HotQuery(Frozen):
    site: SitePath | None = Field(default=None, description="whose region; default the caller's")
    section: Section | None = None
    week: bool = Field(default=False, description="this week's list instead of decayed heat")
    limit: int = Field(default=10, ge=1, le=50)


class HotItem(BaseModel):
    content: ContentView
    score: float
    plays_week: int
    why: str = Field(description="why it is hot, e.g. 本周播放 128 次")


class HotList(BaseModel):
    region: SitePath
    items: list[HotItem]


# -- search ---------------------------------------------------------------------------


class SearchQuery(Frozen):
    q: Annotated[str, StringConstraints(max_length=200)]
    section: Section | None = None
    kind: ContentKind | None = None
    level: SourceLevel | None = None
    limit: int = Field(default=20, ge=1, le=50)
    offset: int = Field(default=0, ge=0, le=1000)
    record: bool = Field(
        default=True, description="count the query in the week's hot terms (false: as-you-type)"
    )


class SearchHit(BaseModel):
    content: ContentView
    why: str


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int
    query: str
    notes: list[str] = Field(default_factory=list)


class SuggestQuery(Frozen):
    prefix: Annotated[str, StringConstraints(max_length=64)]
    limit: int = Field(default=8, ge=1, le=20)


class Suggestions(BaseModel):
    items: list[str]


class HotTermsQuery(Frozen):
    limit: int = Field(default=10, ge=1, le=50)


class HotTerm(BaseModel):
    term: str
    count: int


class HotTerms(BaseModel):
    week: str
    items: list[HotTerm]


# -- media -------------------------------------------------------------------------------


class MediaRegister(Frozen):
    """An upload the gateway stored in the media bucket, for the catalog to accept."""

    media_id: MediaId
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    mime: Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]+$")]
    size: int = Field(ge=1)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class MediaView(BaseModel):
    media_id: str
    mime: str
    size: int
    url: str
    owner_site: SitePath


# -- service menu (供单) and venues (seed 003) -------------------------------------------


class ProviderKind(StrEnum):
    team = "team"  # 志愿服务队
    department = "department"  # 部门
    venue = "venue"  # 场馆


class GeoPoint(Frozen):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)


class MenuItemCreate(Frozen):
    title: Title
    section: Section
    description: Summary = ""
    provider: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    provider_kind: ProviderKind
    delivery_scope: SitePath | None = Field(default=None, description="where it can be delivered")
    lead_time_days: int = Field(default=3, ge=0, le=90)
    location: GeoPoint | None = None


class MenuItemUpdate(Frozen):
    id: ContentId
    title: Title | None = None
    description: Summary | None = None
    lead_time_days: int | None = Field(default=None, ge=0, le=90)
    active: bool | None = None


class MenuItemView(BaseModel):
    id: str
    title: str
    section: Section
    description: str
    provider: str
    provider_kind: ProviderKind
    site: SitePath
    delivery_scope: SitePath
    lead_time_days: int
    location: GeoPoint | None
    active: bool
    distance_km: float | None = None


class OpeningHours(Frozen):
    weekday: int = Field(ge=1, le=7, description="1 = Monday")
    opens: Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    closes: Annotated[str, StringConstraints(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]


class VenueCreate(Frozen):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    location: GeoPoint
    opening_hours: list[OpeningHours] = Field(default_factory=list, max_length=21)
    area_m2: float = Field(ge=0, le=1_000_000)
    capacity: int = Field(ge=0, le=100_000)
    equipment: list[Tag] = Field(default_factory=list, max_length=30)


class VenueUpdate(Frozen):
    id: ContentId
    opening_hours: list[OpeningHours] | None = Field(default=None, max_length=21)
    capacity: int | None = Field(default=None, ge=0, le=100_000)
    equipment: list[Tag] | None = Field(default=None, max_length=30)
    active: bool | None = None


class VenueView(BaseModel):
    id: str
    name: str
    address: str
    site: SitePath
    location: GeoPoint
    opening_hours: list[OpeningHours]
    area_m2: float
    capacity: int
    equipment: list[str]
    active: bool
    distance_km: float | None = None
    open_now: bool | None = Field(
        default=None, description="open at the time of the answer (Beijing time); None: no hours"
    )


class NearQuery(Frozen):
    near: GeoPoint | None = Field(default=None, description="default: the caller's site")
    radius_km: float = Field(default=10, gt=0, le=200)
    section: Section | None = None
    limit: int = Field(default=20, ge=1, le=MAX_PAGE)


class OfferList(Frozen):
    """Admins list the menu items or venues owned in their subtree."""

    section: Section | None = Field(default=None, description="menu items only")
    active: bool | None = None
    limit: int = Field(default=20, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=10_000)


class MenuPage(BaseModel):
    items: list[MenuItemView]


class VenuePage(BaseModel):
    items: list[VenueView]


# -- event data --------------------------------------------------------------------------


class ContentPublished(BaseModel):
    """Event data of `catalog.content_published` (also _updated)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    section: Section
    kind: ContentKind
    site: SitePath
    scope: SitePath
    published_at: datetime


class ContentRetired(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    site: SitePath
    scope: SitePath
    retired_at: datetime


class RetirementAnnounced(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    scope: SitePath
    retire_at: datetime
    reason: str


class LinkChanged(BaseModel):
    """`catalog.media_link_broken` / `catalog.media_link_fixed`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    title: str
    site: SitePath
    url: str
    state: LinkState
    detail: str


class MenuItemChanged(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    item: MenuItemView


class VenueChanged(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    venue: VenueView


class PicksLate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    region: SitePath
    week: str
    deadline: datetime


EVT_CONTENT_PUBLISHED: Final = "content_published"
EVT_CONTENT_UPDATED: Final = "content_updated"
EVT_CONTENT_RETIRED: Final = "content_retired"
EVT_RETIREMENT_ANNOUNCED: Final = "retirement_announced"
EVT_MEDIA_LINK_BROKEN: Final = "media_link_broken"
EVT_MEDIA_LINK_FIXED: Final = "media_link_fixed"
EVT_MENU_ITEM_PUBLISHED: Final = "menu_item_published"
EVT_MENU_ITEM_CHANGED: Final = "menu_item_changed"
EVT_VENUE_PUBLISHED: Final = "venue_published"
EVT_VENUE_CHANGED: Final = "venue_changed"
EVT_PICKS_LATE: Final = "picks_late"

RPC_CONTENT_CREATE: Final = "content.create"
RPC_CONTENT_GET: Final = "content.get"
RPC_CONTENT_GET_FRESH: Final = "content.get_fresh"
RPC_CONTENT_LIST: Final = "content.list"
RPC_REVIEW_DECIDE: Final = "review.decide"
RPC_AUDIT_GET: Final = "audit.get"
RPC_RETIRE_ANNOUNCE: Final = "retire.announce"
RPC_CALENDAR: Final = "calendar.get"
RPC_ANNOUNCEMENTS: Final = "announcements.list"
RPC_PICKS_PUBLISH: Final = "picks.publish"
RPC_PICKS_GET: Final = "picks.get"
RPC_NOTICES: Final = "notices.list"
RPC_RESUME: Final = "resume.get"
RPC_HOT: Final = "hot.list"
RPC_SEARCH: Final = "search"
RPC_SUGGEST: Final = "search.suggest"
RPC_HOT_TERMS: Final = "search.hot_terms"
RPC_MEDIA_REGISTER: Final = "media.register"
RPC_MENU_CREATE: Final = "menu.create"
RPC_MENU_UPDATE: Final = "menu.update"
RPC_MENU_NEAR: Final = "menu.near"
RPC_MENU_MINE: Final = "menu.mine"
RPC_VENUE_CREATE: Final = "venue.create"
RPC_VENUE_UPDATE: Final = "venue.update"
RPC_VENUE_NEAR: Final = "venue.near"
RPC_VENUE_MINE: Final = "venue.mine"

# Play reports travel as events on the gateway's own stream (no database there):
GATEWAY_SERVICE: Final = "gateway"
EVT_PLAY_REPORTED: Final = "play_reported"
MEDIA_BUCKET_PREFIX: Final = "WM_MEDIA_"
