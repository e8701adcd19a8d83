"""What a link check means: ok, broken, or behind a login/pay page (seed 000: kiosks
kept showing 无效链接或付费内容).

`judge` reads a `Probe` (what the checker saw) and never does I/O. It avoids false
alarms: navigation chrome ("登录", "开通VIP" in a header or footer) does not make a
page paywalled; only a page that *is* a login or pay gate does — its title says so,
a gate phrase stands on a short page, a short page carries a password form, or the
link redirected to a login address. A page that says it is gone (soft 404) is broken.
"""

from __future__ import annotations

import html
import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from services.contracts import catalog as c
from services.contracts.catalog import LinkState

from .content import HIDDEN_LINKS, Content

HTML_TYPES: Final = ("text/html", "application/xhtml")
SHORT_PAGE: Final = 1500  # visible characters: a gate page is short, an article is not
INCONCLUSIVE: Final = LinkState.unchecked  # judge's "no verdict": keep the last state

# A title segment (split at - | _ : ·) that *is* one of these names a login page.
LOGIN_TITLES: Final = frozenset(
    {
        "登录", "登陆", "用户登录", "会员登录", "账号登录", "帐号登录", "请登录", "登录页",
        "统一身份认证", "统一认证", "扫码登录", "sign in", "sign-in", "signin", "log in",
        "login", "log-in", "member login", "user login",
    }
)  # fmt: skip
# Phrases that say *this* content is gated (not merely that the site has accounts).
GATE_PHRASES: Final = (
    "请登录后", "请先登录", "登录后观看", "登录后查看", "登录后阅读", "登录后继续", "需要登录",
    "付费观看", "付费收看", "付费阅读", "付费后观看", "购买后观看", "购买后收看", "购买后阅读",
    "试看结束", "试看已结束", "试读结束", "会员专享", "vip专享", "会员才能观看", "开通会员后观看",
    "开通会员即可观看", "开通vip后观看", "此内容需付费", "该内容需付费",
    "sign in to continue", "log in to continue", "login to continue", "sign in to watch",
    "subscribe to continue", "subscribe to read", "subscribe to watch", "subscribers only",
    "members only", "for subscribers", "to continue reading", "purchase to watch",
    "this content is for members",
)  # fmt: skip
LOGIN_WORDS: Final = ("登录", "登陆", "密码", "login", "log in", "sign in", "password")
# Pages that answer 200 but say the thing is gone.
GONE_TITLES: Final = frozenset(
    {
        "404", "404 not found", "not found", "page not found", "页面不存在", "页面未找到",
        "找不到页面", "内容不存在", "视频不存在", "资源不存在", "视频已下架", "内容已下架",
        "视频已删除", "内容已删除", "链接已失效", "出错了", "error 404",
    }
)  # fmt: skip
GONE_PHRASES: Final = (
    "您访问的页面不存在", "你访问的页面不存在", "页面不存在", "页面未找到", "视频不存在",
    "该视频已删除", "该视频已被删除", "视频已下架", "该视频已下架", "内容已下架", "内容已删除",
    "资源不存在", "链接已失效", "page not found", "video unavailable",
    "this video is unavailable", "no longer available",
)  # fmt: skip
MEDIA_TAGS = re.compile(r"<(video|audio)\b|<article\b", re.I)
LOGIN_URL = re.compile(
    r"(^|[/.])(login|signin|sign-in|sign_in|passport|sso|cas|auth|oauth|logon)([/.?#]|$)", re.I
)
PASSWORD_INPUT = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password", re.I)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
INVISIBLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
TAG = re.compile(r"<[^>]+>")
SEPARATORS = re.compile(r"\s*[-|_:·–—｜：]\s*")


@dataclass(frozen=True)
class Probe:
    """What the checker saw: a status (None: no answer), the content type, a snippet."""

    status: int | None
    content_type: str = ""
    snippet: str = ""
    error: str = ""
    url: str = ""
    final_url: str = ""  # after redirects


def judge(probe: Probe) -> tuple[LinkState, str]:
    """ok / broken / paywalled with a short reason; `INCONCLUSIVE` keeps the last state."""
    if probe.status is None:
        return LinkState.broken, probe.error or "no answer"
    if probe.status in (401, 402, 403):
        return LinkState.paywalled, f"HTTP {probe.status}"
    if probe.status == 429:
        return INCONCLUSIVE, "HTTP 429 (rate limited)"
    if probe.status >= 400:
        return LinkState.broken, f"HTTP {probe.status}"
    if probe.status >= 300:
        return LinkState.broken, f"HTTP {probe.status} without a usable redirect"
    if redirected_to_login(probe):
        return LinkState.paywalled, f"redirected to a login page ({probe.final_url})"
    if is_html(probe):
        verdict = judge_page(probe.snippet)
        if verdict is not None:
            return verdict
    return LinkState.ok, f"HTTP {probe.status}"


def is_html(probe: Probe) -> bool:
    kind = probe.content_type.lower()
    if any(kind.startswith(t) for t in HTML_TYPES):
        return True
    head = probe.snippet.lstrip()[:64].lower()
    return not kind and head.startswith(("<!doctype html", "<html"))


def redirected_to_login(probe: Probe) -> bool:
    if not probe.final_url or not probe.url or probe.final_url == probe.url:
        return False
    parts = urlsplit(probe.final_url)
    return LOGIN_URL.search(f"{parts.hostname or ''}{parts.path}") is not None


@dataclass(frozen=True)
class Page:
    title: str
    text: str  # visible text, lower case, whitespace collapsed
    password_form: bool
    has_media: bool

    @property
    def short(self) -> bool:
        return len(self.text) < SHORT_PAGE

    def title_parts(self) -> set[str]:
        return {p.strip() for p in SEPARATORS.split(self.title) if p.strip()}


def read_page(snippet: str) -> Page:
    found = TITLE.search(snippet)
    title = " ".join(html.unescape(TAG.sub(" ", found.group(1))).split()) if found else ""
    body = TAG.sub(" ", INVISIBLE.sub(" ", snippet))
    text = " ".join(html.unescape(body).split()).lower()
    return Page(
        title=title.lower(),
        text=text,
        password_form=PASSWORD_INPUT.search(snippet) is not None,
        has_media=MEDIA_TAGS.search(snippet) is not None,
    )


def judge_page(snippet: str) -> tuple[LinkState, str] | None:
    """A verdict for an HTML page, or None when it looks like ordinary content."""
    page = read_page(snippet)
    parts = page.title_parts()
    if parts & GONE_TITLES or any(p.startswith("404 ") for p in parts):
        return LinkState.broken, f"page says it is gone ({page.title})"
    if page.short and (gone := _first(GONE_PHRASES, page.text)):
        return LinkState.broken, f"page says it is gone ({gone})"
    if parts & LOGIN_TITLES:
        return LinkState.paywalled, f"login page ({page.title})"
    if gate := _first(GATE_PHRASES, page.title):
        return LinkState.paywalled, f"login/pay page ({gate})"
    if page.short and (gate := _first(GATE_PHRASES, page.text)):
        return LinkState.paywalled, f"login/pay page ({gate})"
    login = _first(LOGIN_WORDS, page.text)
    if page.password_form and page.short and not page.has_media and login:
        return LinkState.paywalled, f"login form ({login})"
    return None


def _first(phrases: Iterable[str], text: str) -> str | None:
    return next((p for p in phrases if p in text), None)


# -- what the checker may fetch (SSRF hygiene) ---------------------------------------


def refused_scheme(url: str) -> str | None:
    """Why `url` is not fetched at all, or None (only http and https with a host)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return f"refused: scheme {parts.scheme or '(none)'!r} is not http(s)"
    if not parts.hostname:
        return "refused: no host"
    return None


def address_refused(address: str, allow_private: bool) -> bool:
    """True for an address the checker must not connect to when private ones are refused:
    loopback, private, link-local (cloud metadata), shared, reserved, multicast."""
    if allow_private:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


# -- what a change of state means ------------------------------------------------------


@dataclass(frozen=True)
class LinkChange:
    action: str  # audit action
    event: str | None  # None: no link event (first check found the link fine)
    notice_kind: str | None


def change_of(before: LinkState, after: LinkState) -> LinkChange | None:
    """The consequence of a new verdict; None when nothing changed (nothing is written)."""
    if after is before or after is INCONCLUSIVE:
        return None
    if after in HIDDEN_LINKS:
        return LinkChange(f"link_{after.value}", c.EVT_MEDIA_LINK_BROKEN, "link_broken")
    if before in HIDDEN_LINKS:
        return LinkChange("link_fixed", c.EVT_MEDIA_LINK_FIXED, "link_fixed")
    return LinkChange("link_ok", None, None)


def notice_text(title: str, url: str, state: LinkState, detail: str) -> str:
    if state is LinkState.broken:
        return (
            f"外链失效：《{title}》的链接 {url} 无法正常打开（{detail}），"
            "已暂停向群众展示，请更换有效链接。"
        )
    if state is LinkState.paywalled:
        return (
            f"外链需登录或付费：《{title}》的链接 {url} 打开后是登录或付费页面（{detail}），"
            "已暂停向群众展示，请更换为免费可看的链接。"
        )
    return f"外链已恢复：《{title}》的链接 {url} 现在可以正常打开，已恢复向群众展示。"


def group_by_url(items: Iterable[Content]) -> dict[str, list[Content]]:
    """Items by external URL: each URL is fetched once per pass however many items share it."""
    groups: dict[str, list[Content]] = defaultdict(list)
    for item in items:
        if item.external_url:
            groups[item.external_url].append(item)
    return dict(groups)


def still_linked(item: Content, url: str) -> bool:
    """The item (read again before writing) is still published with this link."""
    return item.status is c.ContentStatus.published and item.external_url == url
