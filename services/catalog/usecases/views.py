"""Domain items → contract views."""

from __future__ import annotations

from services.catalog.domain.content import Content
from services.catalog.read_model import PublishedContent
from services.contracts.catalog import ContentPublished, ContentView

MEDIA_PATH = "/media/"


def media_url(item: Content) -> str | None:
    return f"{MEDIA_PATH}{item.media_id}" if item.media_id else item.media_url


def to_view(item: Content, read: PublishedContent | None = None) -> ContentView:
    return ContentView(
        id=item.id,
        title=item.title,
        section=item.section,
        kind=item.kind,
        summary=item.summary,
        tags=list(item.tags),
        media_url=media_url(item),
        series_id=item.series_id,
        episode=item.episode,
        episodes=read.episode_count(item.id) if read is not None else 0,
        site=item.site,
        source_level=item.source_level,
        scope=item.scope,
        status=item.status,
        link_state=item.link_state,
        publish_at=item.publish_at,
        published_at=item.published_at,
        retire_at=item.retire_at,
        reject_reason=item.reject_reason,
    )


def published_event(item: Content) -> ContentPublished:
    assert item.published_at is not None
    return ContentPublished(
        id=item.id,
        title=item.title,
        section=item.section,
        kind=item.kind,
        site=item.site,
        scope=item.scope,
        published_at=item.published_at,
    )
