"""Open an external media link the way a kiosk would and say what came back (a `Probe`).

One GET (servers mishandle HEAD), redirects followed up to 5 hops, a browser-like
User-Agent, a whole-request deadline, and at most 32 KB of an HTML body read for
`domain.links.judge`; media bodies are not read at all. Every failure becomes a
`Probe` with `status=None` and an error text; nothing raises.

SSRF hygiene: only http(s) is fetched. With `allow_private=False` (production) every
connection — also each redirect hop — goes through `GuardedBackend`, which resolves
the host itself, refuses loopback/private/link-local/reserved addresses, and connects
to the address it checked (no second lookup an attacker's DNS could answer
differently). Proxy variables from the environment are ignored.
"""

from __future__ import annotations

import asyncio
import codecs
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Final

import httpcore
import httpx

from services.catalog.domain.links import HTML_TYPES, Probe, address_refused, refused_scheme

ProbeFn = Callable[[str], Awaitable[Probe]]

MAX_SNIPPET: Final = 32 * 1024
MAX_REDIRECTS: Final = 5
USER_AGENT: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 WenmingLinkChecker/1.0"
)
HEADERS: Final = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.6",
}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


class RefusedAddress(Exception):
    """The link leads to an address the checker must not connect to."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connect only to public addresses, resolving the host exactly once."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = [str(info[4][0]) for info in infos]
        if not addresses or any(address_refused(a, allow_private=False) for a in addresses):
            raise RefusedAddress(f"{host} resolves to a private or reserved address")
        failure = httpcore.ConnectError(f"cannot connect to {host}")
        for address in dict.fromkeys(addresses):  # the checked addresses, in resolver order
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise RefusedAddress("unix sockets are not links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport() -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx offers no public hook for the network backend: swap the (still unused) pool.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=GuardedBackend(),
    )
    return transport


@dataclass(frozen=True)
class LinkProber:
    timeout_s: float
    allow_private: bool = True
    max_bytes: int = MAX_SNIPPET

    @asynccontextmanager
    async def session(self) -> AsyncIterator[ProbeFn]:
        """A probe function sharing one HTTP client (one pass of the checker)."""
        transport = None if self.allow_private else guarded_transport()
        async with httpx.AsyncClient(
            headers=HEADERS,
            timeout=httpx.Timeout(self.timeout_s),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            trust_env=False,
            transport=transport,
        ) as client:

            async def probe(url: str) -> Probe:
                return await fetch(client, url, self.timeout_s, self.max_bytes)

            yield probe


async def fetch(client: httpx.AsyncClient, url: str, timeout_s: float, max_bytes: int) -> Probe:
    refusal = refused_scheme(url)
    if refusal is not None:
        return Probe(None, error=refusal, url=url)
    try:
        async with asyncio.timeout(timeout_s), client.stream("GET", url) as response:
            kind = response.headers.get("content-type", "").lower()
            snippet = ""
            if response.is_success and wants_body(kind):
                snippet = await read_snippet(response, max_bytes)
            return Probe(response.status_code, kind, snippet, url=url, final_url=str(response.url))
    except (TimeoutError, httpx.TimeoutException):
        return Probe(None, error=f"timeout after {timeout_s:g}s", url=url)
    except httpx.TooManyRedirects:
        return Probe(None, error=f"more than {MAX_REDIRECTS} redirects", url=url)
    except RefusedAddress as exc:
        return Probe(None, error=f"refused: {exc}", url=url)
    except httpx.UnsupportedProtocol as exc:
        return Probe(None, error=f"refused: {exc}", url=url)
    except httpx.HTTPError as exc:
        return Probe(None, error=f"{type(exc).__name__}: {exc}"[:300], url=url)


def wants_body(content_type: str) -> bool:
    """Read the body of pages only: media is never downloaded."""
    return not content_type or content_type.startswith((*HTML_TYPES, "text/plain"))


async def read_snippet(response: httpx.Response, max_bytes: int) -> str:
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= max_bytes:
            break
    return decode(bytes(data[:max_bytes]), response.charset_encoding)


def decode(data: bytes, declared: str | None) -> str:
    """Text of a page head: the declared charset, else a <meta charset>, else UTF-8 —
    or GB18030 when the bytes are not UTF-8 (older Chinese sites often declare nothing)."""
    found = META_CHARSET.search(data[:4096])
    for name in (declared, found.group(1).decode("ascii") if found else None):
        if not name:
            continue
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if codec in ("gb2312", "gbk"):
            codec = "gb18030"  # what browsers do: a superset
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # only the cut at the snippet's end
            return data.decode("utf-8", errors="replace")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")
