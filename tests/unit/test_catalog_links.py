"""The link checker: the pure verdict (`judge`), the HTTP prober against a local server,
and one pass (`check_now`) over an in-memory store."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

import pytest

from services.catalog.domain import links
from services.catalog.domain.content import Content
from services.catalog.domain.links import Probe, judge
from services.catalog.link_probe import MAX_SNIPPET, LinkProber, decode
from services.catalog.read_model import PublishedContent
from services.catalog.settings import CatalogSettings
from services.catalog.store import ContentStore
from services.catalog.usecases import links as checker
from services.catalog.usecases.context import Context
from services.contracts import catalog as c
from services.contracts.catalog import ContentKind, ContentStatus, LinkState, Section
from services.runtime.service import ServiceHost

HTML = "text/html; charset=utf-8"
FILLER = "新时代文明实践活动在社区广泛开展，志愿者为老年人讲解健康知识。" * 80  # a long article


def page(title: str, body: str) -> str:
    return f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"


ARTICLE_WITH_FOOTER_LOGIN = page(
    "柔力球入门教学 - 张家港文明实践",
    '<header><a href="/">首页</a> <form action="/search"><input name="q"></form>'
    '<a href="/vip">开通VIP</a></header>'
    f"<article><h1>柔力球入门教学</h1><p>{FILLER}</p></article>"
    '<footer><a href="/login">登录</a> | <a href="/register">注册</a> 版权所有</footer>',
)
SHORT_ARTICLE_WITH_FOOTER_LOGIN = page(
    "重阳节敬老活动通知",
    "<p>本周六上午九点在社区活动室举行重阳节敬老活动，欢迎居民参加。</p>"
    '<footer><a href="/user/login">登录</a> <a href="/login">login</a></footer>',
)
ARTICLE_WITH_HIDDEN_LOGIN_MODAL = page(
    "防范电信诈骗知识讲座",
    f"<p>{FILLER}</p>"
    '<div style="display:none"><form><input type="text" name="u">'
    '<input type="password" name="p"><button>登录</button></form></div>',
)
VIDEO_PAGE_WITH_LOGIN_MODAL = page(
    "锡剧选段《珍珠塔》",
    '<video src="/v.mp4" controls></video><div class="modal"><form>'
    '<input type="password"><button>登录</button></form></div>',
)
CHINESE_TRIAL_OVER = page(
    "锡剧《双推磨》全集",
    '<div class="player">试看结束，开通会员后观看完整版</div><a href="/vip">开通VIP</a>',
)
CHINESE_PAY_TO_WATCH = page(
    "健康讲座：预防糖尿病",
    "<div>该内容需付费，购买后观看。</div><button>立即购买 ¥9.9</button>",
)
CHINESE_LOGIN_PAGE = page(
    "用户登录 - 某某视频",
    '<form method="post"><input name="phone" placeholder="手机号">'
    '<input type="password" name="pwd"><button>登录</button></form><p>扫码登录</p>',
)
CHINESE_LOGIN_FIRST = page(
    "资料下载",
    "<p>请先登录再下载资料。</p>",
)
ENGLISH_LOGIN_PAGE = page(
    "Sign in – Example Media",
    '<form action="/session" method="post"><label>Email<input type="email" name="email">'
    '</label><label>Password<input type="password" name="password"></label>'
    "<button>Sign in</button></form>",
)
ENGLISH_ACCOUNT_FORM = page(
    "Example Media",
    '<h2>Welcome back</h2><form><input name="user"><input type=password name="pw">'
    "<button>Log in</button></form>",
)
ENGLISH_PAYWALL = page(
    "Healthy ageing | Example Times",
    "<p>Older adults benefit from daily walks.</p><div>Subscribe to continue reading.</div>",
)
ENGLISH_ARTICLE = page(
    "Healthy ageing | Example Times",
    '<nav><a href="/login">Log in</a> <a href="/subscribe">Subscribe</a></nav>'
    f"<article>{'Older adults benefit from daily walks and good sleep. ' * 60}</article>",
)
TITLE_MENTIONS_LOGIN = page(
    "如何登录个人所得税APP办理退税",
    f"<p>打开个人所得税APP，点击登录，输入密码。{FILLER}</p>",
)
LONG_ARTICLE_ABOUT_PAID_READING = page(
    "数字阅读发展报告",
    f"<p>近年来付费阅读和会员专享模式快速发展。{FILLER}</p>",
)


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # media: never inspected
        (Probe(200, "video/mp4"), LinkState.ok),
        (Probe(200, "audio/mpeg"), LinkState.ok),
        (Probe(200, "application/vnd.apple.mpegurl"), LinkState.ok),
        (Probe(200, "application/octet-stream", snippet="请登录后观看"), LinkState.ok),
        (Probe(206, "video/mp4"), LinkState.ok),
        # ordinary pages: login/VIP words in the chrome do not make them paywalled
        (Probe(200, HTML, ARTICLE_WITH_FOOTER_LOGIN), LinkState.ok),
        (Probe(200, HTML, SHORT_ARTICLE_WITH_FOOTER_LOGIN), LinkState.ok),
        (Probe(200, HTML, ARTICLE_WITH_HIDDEN_LOGIN_MODAL), LinkState.ok),
        (Probe(200, HTML, VIDEO_PAGE_WITH_LOGIN_MODAL), LinkState.ok),
        (Probe(200, HTML, TITLE_MENTIONS_LOGIN), LinkState.ok),
        (Probe(200, HTML, LONG_ARTICLE_ABOUT_PAID_READING), LinkState.ok),
        (Probe(200, HTML, ENGLISH_ARTICLE), LinkState.ok),
        (Probe(200, "text/html", ""), LinkState.ok),
        # login and pay gates
        (Probe(401), LinkState.paywalled),
        (Probe(402), LinkState.paywalled),
        (Probe(403, HTML, "Forbidden"), LinkState.paywalled),
        (Probe(200, HTML, CHINESE_TRIAL_OVER), LinkState.paywalled),
        (Probe(200, HTML, CHINESE_PAY_TO_WATCH), LinkState.paywalled),
        (Probe(200, HTML, CHINESE_LOGIN_PAGE), LinkState.paywalled),
        (Probe(200, HTML, CHINESE_LOGIN_FIRST), LinkState.paywalled),
        (Probe(200, "TEXT/HTML; charset=GBK", CHINESE_LOGIN_PAGE), LinkState.paywalled),
        (Probe(200, "", CHINESE_TRIAL_OVER), LinkState.paywalled),  # sniffed as HTML
        (Probe(200, HTML, page("付费观看：锡剧全集", "")), LinkState.paywalled),
        (Probe(200, "application/xhtml+xml", ENGLISH_LOGIN_PAGE), LinkState.paywalled),
        (Probe(200, HTML, ENGLISH_ACCOUNT_FORM), LinkState.paywalled),
        (Probe(200, HTML, ENGLISH_PAYWALL), LinkState.paywalled),
        # dead
        (Probe(None, error="timeout after 10s"), LinkState.broken),
        (Probe(None), LinkState.broken),
        (Probe(404, HTML, CHINESE_LOGIN_PAGE), LinkState.broken),
        (Probe(410), LinkState.broken),
        (Probe(500), LinkState.broken),
        (Probe(503), LinkState.broken),
        (Probe(302), LinkState.broken),
        (Probe(200, HTML, page("404 Not Found", "<h1>Not Found</h1>")), LinkState.broken),
        (Probe(200, HTML, page("页面不存在 - 某某网", "")), LinkState.broken),
        (Probe(200, HTML, page("某某网", "<p>抱歉，您访问的页面不存在。</p>")), LinkState.broken),
        (Probe(200, HTML, page("某某视频", "<p>该视频已下架</p>")), LinkState.broken),
        # no verdict
        (Probe(429), links.INCONCLUSIVE),
    ],
)
def test_judge(probe: Probe, expected: LinkState) -> None:
    state, detail = judge(probe)
    assert state is expected, detail
    assert detail


@pytest.mark.parametrize(
    ("final_url", "expected"),
    [
        ("https://passport.example.com/login?next=%2Fv%2F1", LinkState.paywalled),
        ("https://www.example.com/account/login", LinkState.paywalled),
        ("https://www.example.com/user/signin?from=v", LinkState.paywalled),
        ("https://sso.example.gov.cn/cas?service=x", LinkState.paywalled),
        ("https://www.example.com/v/1", LinkState.ok),  # http → https
        ("https://cdn.example.net/media/1.mp4", LinkState.ok),
        ("https://www.example.com/author/li-lei", LinkState.ok),
        ("https://www.example.com/login-tips-article", LinkState.ok),
    ],
)
def test_redirects(final_url: str, expected: LinkState) -> None:
    probe = Probe(200, "video/mp4", url="http://www.example.com/v/1", final_url=final_url)
    assert judge(probe)[0] is expected


def test_a_login_page_without_redirect_is_judged_by_its_content() -> None:
    url = "https://example.com/login"
    assert judge(Probe(200, "video/mp4", url=url, final_url=url))[0] is LinkState.ok


def test_details_say_why() -> None:
    assert judge(Probe(None, error="timeout after 1s")) == (LinkState.broken, "timeout after 1s")
    assert judge(Probe(404)) == (LinkState.broken, "HTTP 404")
    assert "试看结束" in judge(Probe(200, HTML, CHINESE_TRIAL_OVER))[1]


# -- SSRF hygiene ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://example.com/a.mp4", False),
        ("HTTPS://example.com/a", False),
        ("ftp://example.com/a.mp4", True),
        ("file:///etc/passwd", True),
        ("javascript:alert(1)", True),
        ("gopher://127.0.0.1:6379/_", True),
        ("http:///nohost", True),
    ],
)
def test_only_http_is_fetched(url: str, refused: bool) -> None:
    assert (links.refused_scheme(url) is not None) is refused


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.10", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # shared address space
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("not-an-ip", True),
        ("114.114.114.114", False),
        ("2400:3200::1", False),
    ],
)
def test_private_addresses_are_refused_in_production(address: str, refused: bool) -> None:
    assert links.address_refused(address, allow_private=False) is refused
    assert links.address_refused(address, allow_private=True) is False


# -- what a change means ------------------------------------------------------------------


def test_changes_and_their_consequences() -> None:
    ok, broken, paid, unchecked = (
        LinkState.ok,
        LinkState.broken,
        LinkState.paywalled,
        LinkState.unchecked,
    )
    assert links.change_of(ok, ok) is None
    assert links.change_of(broken, broken) is None
    assert links.change_of(broken, links.INCONCLUSIVE) is None
    first = links.change_of(unchecked, ok)
    assert first is not None
    assert (first.event, first.notice_kind) == (None, None)
    for before, after in ((unchecked, broken), (ok, broken), (ok, paid), (broken, paid)):
        change = links.change_of(before, after)
        assert change is not None
        assert change.event == c.EVT_MEDIA_LINK_BROKEN
        assert change.notice_kind == "link_broken"
        assert change.action == f"link_{after.value}"
    fixed = links.change_of(paid, ok)
    assert fixed is not None
    assert (fixed.event, fixed.notice_kind, fixed.action) == (
        c.EVT_MEDIA_LINK_FIXED,
        "link_fixed",
        "link_fixed",
    )


def test_notice_texts_are_chinese_and_name_the_item() -> None:
    url = "http://v.example.com/1"
    assert "外链失效" in links.notice_text("锡剧", url, LinkState.broken, "HTTP 404")
    assert "登录或付费" in links.notice_text("锡剧", url, LinkState.paywalled, "HTTP 402")
    fixed = links.notice_text("锡剧", url, LinkState.ok, "HTTP 200")
    assert "已恢复" in fixed
    assert "《锡剧》" in fixed
    assert url in fixed


def test_decode_uses_declared_then_meta_charset() -> None:
    text = "<html><head><meta charset='gb2312'><title>用户登录</title>"
    assert "用户登录" in decode(text.encode("gbk"), None)
    assert "用户登录" in decode(text.encode("utf-8"), "utf-8")
    assert "用户登录" in decode("用户登录".encode("gb18030"), "GBK")
    assert decode(b"\xff\xfe broken", "no-such-charset")  # never raises


# -- the prober against a local server ----------------------------------------------------


@dataclass
class Route:
    status: int = 200
    content_type: str = "video/mp4"
    body: bytes = b"\x00\x00\x00\x18ftypmp42"
    delay_s: float = 0.0
    location: str | None = None


@dataclass
class LinkServer:
    """A threaded HTTP server on a free loopback port answering from a route table that
    a test may change while it runs (e.g. "fix" a dead link)."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    user_agents: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> LinkServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                owner.hits[path] += 1
                owner.user_agents.append(self.headers.get("User-Agent", ""))
                route = owner.routes.get(path, Route(404, "text/plain", b"not found"))
                time.sleep(route.delay_s)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    if route.location is not None:
                        self.send_header("Location", route.location)
                    self.end_headers()
                    self.wfile.write(route.body)
                except ConnectionError:
                    pass  # the checker stopped reading (timeout or enough bytes)

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        self._server = server
        return self

    def __exit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


def html_route(text: str, status: int = 200) -> Route:
    return Route(status, "text/html; charset=utf-8", text.encode())


@pytest.fixture
def server() -> Any:
    with LinkServer() as running:
        running.routes.update(
            {
                "/v.mp4": Route(),
                "/login": html_route(CHINESE_LOGIN_PAGE),
                "/article": html_route(ARTICLE_WITH_FOOTER_LOGIN),
                "/gbk": Route(200, "text/html", CHINESE_TRIAL_OVER.encode("gbk")),
                "/slow": Route(delay_s=3.0),
                "/to-login": Route(302, "text/plain", b"", location="/login?next=/v"),
                "/huge": Route(200, "text/html", b"<html>" + b"a" * 2_000_000),
                "/big.mp4": Route(200, "video/mp4", b"\x00" * 2_000_000),
                **{f"/r{i}": Route(302, "text/plain", location=f"/r{i + 1}") for i in range(7)},
            }
        )
        yield running


async def test_prober_sees_what_a_kiosk_would(server: LinkServer) -> None:
    async with LinkProber(timeout_s=1.0).session() as probe:
        media = await probe(server.url("/v.mp4"))
        assert (media.status, media.content_type, media.snippet) == (200, "video/mp4", "")
        assert judge(media)[0] is LinkState.ok
        assert judge(await probe(server.url("/nothing")))[0] is LinkState.broken
        assert judge(await probe(server.url("/login")))[0] is LinkState.paywalled
        assert judge(await probe(server.url("/article")))[0] is LinkState.ok
        assert judge(await probe(server.url("/gbk")))[0] is LinkState.paywalled
        to_login = await probe(server.url("/to-login"))
        assert to_login.final_url.endswith("/login?next=/v")
        assert judge(to_login)[0] is LinkState.paywalled
        loop = await probe(server.url("/r0"))
        assert loop.status is None
        assert "redirects" in loop.error
        assert (server.hits["/r5"], server.hits["/r6"]) == (1, 0)  # 5 hops, then stop
        huge = await probe(server.url("/huge"))
        assert len(huge.snippet) <= MAX_SNIPPET
        assert (await probe(server.url("/big.mp4"))).status == 200
    assert all(ua.startswith("Mozilla/5.0") for ua in server.user_agents)


async def test_prober_gives_up_at_the_deadline(server: LinkServer) -> None:
    async with LinkProber(timeout_s=0.5).session() as probe:
        started = time.monotonic()
        slow = await probe(server.url("/slow"))
    assert time.monotonic() - started < 1.5
    assert slow.status is None
    assert "timeout" in slow.error
    assert judge(slow)[0] is LinkState.broken


async def test_prober_refuses_loopback_when_private_addresses_are_not_allowed(
    server: LinkServer,
) -> None:
    async with LinkProber(timeout_s=1.0, allow_private=False).session() as probe:
        refused = await probe(server.url("/v.mp4"))
        by_name = await probe(server.url("/v.mp4").replace("127.0.0.1", "localhost"))
        other_scheme = await probe("file:///etc/passwd")
    assert refused.status is None
    assert refused.error.startswith("refused")
    assert by_name.error.startswith("refused")
    assert other_scheme.status is None
    assert other_scheme.error.startswith("refused")
    assert server.hits["/v.mp4"] == 0


# -- one pass over an in-memory catalog ---------------------------------------------------

NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
SITE = "320000/320500/320582"


class FakeCollection:
    def __init__(self) -> None:
        self.docs: list[dict[str, Any]] = []

    async def insert_one(self, doc: dict[str, Any], session: Any = None) -> None:
        self.docs.append(doc)


class FakeMongo:
    def __init__(self) -> None:
        self.collections: dict[str, FakeCollection] = {}
        self.transactions = 0

    def collection(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, FakeCollection())

    async def transaction(self, work: Any) -> Any:
        self.transactions += 1
        return await work(object())


class FakeStore:
    def __init__(self, items: list[Content]) -> None:
        self.items = {i.id: i for i in items}
        self.mongo = FakeMongo()
        self.audits: list[tuple[str, str, dict[str, str]]] = []

    async def linked(self) -> list[Content]:
        return [
            i
            for i in self.items.values()
            if i.status is ContentStatus.published and i.external_url is not None
        ]

    async def get(self, content_id: str) -> Content | None:
        return self.items.get(content_id)

    async def save(self, session: Any, item: Content) -> None:
        assert self.items[item.id].version == item.version - 1
        self.items[item.id] = item

    async def audit(
        self, session: Any, content_id: str, action: str, actor: Any, at: Any, **details: str
    ) -> None:
        self.audits.append((content_id, action, details))


class FakeOutbox:
    def __init__(self) -> None:
        self.wakes = 0

    def committed(self) -> None:
        self.wakes += 1


class FakeHost:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.outbox = FakeOutbox()
        self.settings = CatalogSettings()

    async def emit(self, session: Any, event: str, data: Any, **_: Any) -> None:
        self.events.append((event, data.model_dump(mode="json")))


def item(n: int, url: str | None, state: LinkState = LinkState.unchecked) -> Content:
    return Content(
        id=f"00000000-0000-0000-0000-{n:012d}",
        title=f"外链内容{n}",
        section=Section.culture,
        kind=ContentKind.link,
        summary="",
        site=SITE,
        scope=SITE,
        status=ContentStatus.published,
        created_by="admin",
        created_at=NOW,
        published_at=NOW,
        media_url=url,
        link_state=state,
    )


def context(items: list[Content]) -> tuple[Context, FakeStore, FakeHost]:
    store, host = FakeStore(items), FakeHost()
    read = PublishedContent()
    read.load(items)
    ctx = Context(
        host=cast(ServiceHost, host),
        store=cast(ContentStore, store),
        read=read,
        retire_notice=timedelta(days=14),
        clock=lambda: NOW,
    )
    return ctx, store, host


SETTINGS = CatalogSettings(WENMING_LINK_CHECK_CONCURRENCY=2)


class ScriptedProbe:
    """Answers by URL, records calls and the most probes in flight at once."""

    def __init__(self, answers: dict[str, Probe | Exception]) -> None:
        self.answers = answers
        self.calls: Counter[str] = Counter()
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, url: str) -> Probe:
        self.calls[url] += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            answer = self.answers[url]
            if isinstance(answer, Exception):
                raise answer
            return answer
        finally:
            self.in_flight -= 1


async def test_a_pass_hides_dead_and_paid_links_and_tells_the_owner() -> None:
    shared = "http://a.example/shared"
    items = [
        item(1, shared),
        item(2, shared),
        item(3, "http://a.example/ok", LinkState.ok),
        item(4, "http://a.example/paid", LinkState.ok),
        item(5, "http://a.example/crash", LinkState.ok),
        item(6, "http://a.example/new"),
        replace(item(7, "http://a.example/retired"), status=ContentStatus.retired),
    ]
    ctx, store, host = context(items)
    probe = ScriptedProbe(
        {
            shared: Probe(404),
            "http://a.example/ok": Probe(200, "video/mp4"),
            "http://a.example/paid": Probe(402),
            "http://a.example/crash": RuntimeError("bug in a probe"),
            "http://a.example/new": Probe(200, "video/mp4"),
        }
    )
    report = await checker.check_now(ctx, probe=probe, settings=SETTINGS)

    assert probe.calls[shared] == 1  # two items, one fetch
    assert "http://a.example/retired" not in probe.calls
    assert probe.most_in_flight <= 2
    assert (report.urls, report.items) == (5, 6)
    assert (report.ok, report.broken, report.paywalled, report.failed) == (2, 2, 1, 1)
    assert sorted(report.changed) == [items[i].id for i in (0, 1, 3, 5)]
    assert store.items[items[0].id].link_state is LinkState.broken
    assert store.items[items[3].id].link_state is LinkState.paywalled
    assert store.items[items[4].id].link_state is LinkState.ok  # the crash changed nothing
    assert store.items[items[5].id].link_state is LinkState.ok
    assert store.items[items[0].id].version == 2
    assert store.items[items[2].id].version == 1  # unchanged: nothing written

    broken = [d for e, d in host.events if e == c.EVT_MEDIA_LINK_BROKEN]
    assert {d["id"] for d in broken} == {items[i].id for i in (0, 1, 3)}
    assert {(d["state"], d["url"]) for d in broken if d["id"] == items[3].id} == {
        ("paywalled", "http://a.example/paid")
    }
    # the first check of a working link: no link event, only the replicas' refresh
    assert [e for e, d in host.events if d["id"] == items[5].id] == [c.EVT_CONTENT_UPDATED]
    notices = store.mongo.collection("notices").docs
    assert {(n["kind"], n["content_id"], n["site"]) for n in notices} == {
        ("link_broken", items[i].id, SITE) for i in (0, 1, 3)
    }
    assert all("已暂停向群众展示" in n["text"] for n in notices)
    assert {(a[0], a[1]) for a in store.audits} == {
        (items[0].id, "link_broken"),
        (items[1].id, "link_broken"),
        (items[3].id, "link_paywalled"),
        (items[5].id, "link_ok"),
    }
    assert store.mongo.transactions == host.outbox.wakes == 4
    assert [ctx.read.has(items[i].id) for i in (0, 3, 2, 5)] == [False, False, True, True]


async def test_a_second_pass_writes_nothing_and_a_fixed_link_comes_back() -> None:
    url = "http://a.example/v"
    items = [item(1, url, LinkState.broken), item(2, "http://a.example/busy", LinkState.broken)]
    ctx, store, host = context(items)
    answers: dict[str, Probe | Exception] = {url: Probe(404), "http://a.example/busy": Probe(429)}
    await checker.check_now(ctx, probe=ScriptedProbe(answers), settings=SETTINGS)
    assert (store.mongo.transactions, host.events, store.audits) == (0, [], [])

    answers[url] = Probe(200, "video/mp4")
    report = await checker.check_now(ctx, probe=ScriptedProbe(answers), settings=SETTINGS)
    assert report.changed == [items[0].id]
    assert report.inconclusive == 1
    assert [e for e, _ in host.events] == [c.EVT_MEDIA_LINK_FIXED]
    assert store.items[items[1].id].link_state is LinkState.broken  # 429 keeps the state
    notice = store.mongo.collection("notices").docs[0]
    assert (notice["kind"], notice["content_id"]) == ("link_fixed", items[0].id)
    assert ctx.read.has(items[0].id)
    assert not ctx.read.has(items[1].id)


async def test_an_item_edited_during_the_pass_is_left_alone() -> None:
    url = "http://a.example/old"
    original = item(1, url)
    ctx, store, _ = context([original])

    async def probe(seen: str) -> Probe:
        store.items[original.id] = replace(original, media_url="http://a.example/new", version=2)
        return Probe(404)

    report = await checker.check_now(ctx, probe=probe, settings=SETTINGS)
    assert report.changed == []
    assert store.items[original.id].link_state is LinkState.unchecked
