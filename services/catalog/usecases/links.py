"""Dead and paid links (seed 000: kiosks kept showing 无效链接或付费内容).

Every `link_check_interval_s` (first pass shortly after start-up) the catalog opens
each distinct external media URL of published items once — at most
`link_check_concurrency` at a time, each within `link_check_timeout_s` — and judges
what came back (`domain.links.judge`). For every item whose link state changed it
saves the item, writes an audit entry, emits `media_link_broken`/`media_link_fixed`
and leaves a notice for the owner site, in one transaction. Broken and paywalled
items leave residents' lists, search and hot lists until a pass finds them working.
An unchanged state writes nothing; a probe that fails never stops the pass.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from services.catalog.domain import content as rules
from services.catalog.domain import links
from services.catalog.domain.content import Content
from services.catalog.link_probe import LinkProber, ProbeFn
from services.catalog.settings import CatalogSettings
from services.catalog.store import NoticeStore
from services.catalog.usecases.content import committed, emit_state
from services.catalog.usecases.context import Context
from services.contracts import catalog as c
from services.contracts.catalog import LinkState
from services.contracts.identity import Caller, Role
from services.runtime.mongo import Session
from services.runtime.service import ServiceHost

log = logging.getLogger(__name__)

FIRST_PASS_AFTER_S = 10.0
LINK_CHECKER = Caller(sub="catalog-link-checker", role=Role.provincial_admin, site="320000")


@dataclass
class Report:
    """One pass: what was checked, what each item's link was found to be, what changed."""

    urls: int = 0
    items: int = 0
    ok: int = 0
    broken: int = 0
    paywalled: int = 0
    inconclusive: int = 0  # e.g. HTTP 429: the last state stays
    failed: int = 0  # a probe or a write failed; retried next pass
    changed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, state: LinkState, items: int) -> None:
        if state is LinkState.ok:
            self.ok += items
        elif state is LinkState.broken:
            self.broken += items
        elif state is LinkState.paywalled:
            self.paywalled += items
        else:
            self.inconclusive += items


def register(host: ServiceHost, ctx: Context, settings: CatalogSettings) -> None:
    """Start the periodic link checker with the host."""

    @host.on_startup
    async def start_checker() -> None:
        host.background(lambda: run_periodically(ctx, settings))


async def run_periodically(ctx: Context, settings: CatalogSettings) -> None:
    await asyncio.sleep(min(settings.link_check_interval_s, FIRST_PASS_AFTER_S))
    while True:
        try:
            report = await check_now(ctx, settings=settings)
            log.info(
                "link check: %d urls, %d items (ok %d, broken %d, paywalled %d), "
                "%d changed, %d failed in %.1fs",
                report.urls,
                report.items,
                report.ok,
                report.broken,
                report.paywalled,
                len(report.changed),
                report.failed,
                report.seconds,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("link check pass failed")
        await asyncio.sleep(settings.link_check_interval_s)


async def check_now(
    ctx: Context, probe: ProbeFn | None = None, settings: CatalogSettings | None = None
) -> Report:
    """One pass over every published external link; `probe` replaces the HTTP prober."""
    if settings is None:
        own = ctx.host.settings
        settings = own if isinstance(own, CatalogSettings) else CatalogSettings()
    if probe is not None:
        return await _pass(ctx, probe, settings.link_check_concurrency)
    prober = LinkProber(settings.link_check_timeout_s, settings.link_check_allow_private)
    async with prober.session() as http_probe:
        return await _pass(ctx, http_probe, settings.link_check_concurrency)


async def _pass(ctx: Context, probe: ProbeFn, concurrency: int) -> Report:
    started = time.monotonic()
    items = await ctx.store.linked()
    groups = links.group_by_url(items)
    report = Report(urls=len(groups), items=sum(len(g) for g in groups.values()))
    gate = asyncio.Semaphore(concurrency)
    notices = NoticeStore(ctx.store.mongo)

    async def check(url: str, group: list[Content]) -> None:
        async with gate:
            try:
                seen = await probe(url)
            except Exception:
                log.warning("probing %s failed", url, exc_info=True)
                report.failed += len(group)
                return
        state, detail = links.judge(seen)
        report.count(state, len(group))
        for item in group:
            try:
                if await apply(ctx, notices, item.id, url, state, detail):
                    report.changed.append(item.id)
            except Exception:
                log.warning("saving link state of %s failed", item.id, exc_info=True)
                report.failed += 1

    await asyncio.gather(*(check(url, group) for url, group in groups.items()))
    report.seconds = time.monotonic() - started
    return report


async def apply(
    ctx: Context, notices: NoticeStore, item_id: str, url: str, state: LinkState, detail: str
) -> bool:
    """Record a new verdict for one item; False when nothing changed (nothing written)."""
    before = await ctx.store.get(item_id)  # fresh: an admin may have edited it meanwhile
    if before is None or not links.still_linked(before, url):
        return False
    change = links.change_of(before.link_state, state)
    if change is None:
        return False
    after = rules.with_link_state(before, state)
    now = ctx.now()

    async def write(session: Session) -> None:
        await ctx.store.save(session, after)
        await ctx.store.audit(
            session,
            after.id,
            change.action,
            LINK_CHECKER,
            now,
            url=url,
            detail=detail,
            before=before.link_state.value,
        )
        if change.event is None or change.notice_kind is None:
            await emit_state(ctx, session, before, after, None)  # replicas refresh
            return
        event = c.LinkChanged(
            id=after.id, title=after.title, site=after.site, url=url, state=state, detail=detail
        )
        await ctx.host.emit(session, change.event, event, site=after.site, actor=None)
        await notices.add(
            session,
            f"link|{after.id}|{after.version}",
            change.notice_kind,
            after.site,
            links.notice_text(after.title, url, state, detail),
            now,
            content_id=after.id,
        )

    await ctx.store.mongo.transaction(write)
    committed(ctx, after)
    return True
