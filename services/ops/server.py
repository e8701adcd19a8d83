"""The receiver's HTTP server: an embedded `uvicorn.Server` inside the FastStream process.

Why not FastStream's ASGI mode (the app served by uvicorn) or a second process:
`ServiceHost` keeps owning the process — broker, database, health reply, shutdown —
exactly as for every other service, and the receiver is one more task on the same
event loop, writing through the same `Mongo` client. uvicorn's httptools parser does
the HTTP. Signal handling stays with FastStream (`capture_signals` is a no-op here);
the host's shutdown stops the server, then the writer flushes what it buffered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn

from .receiver import TRACES_PATH, OtlpApp

log = logging.getLogger(__name__)


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The hosting FastStream app owns SIGINT/SIGTERM and stops this server itself.
        yield


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket up front, so a taken port fails the start loudly."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class OtlpServer:
    def __init__(self, app: OtlpApp, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.port = port

    async def start(self) -> None:
        sock = bind(self._host, self._port)
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self._app,
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=3,
        )
        server = _EmbeddedServer(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]), name="otlp-receiver")
        while not server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the OTLP receiver stopped during start-up")
            await asyncio.sleep(0.01)
        log.info("OTLP/HTTP receiver on http://%s:%d%s", self._host, self.port, TRACES_PATH)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._task, timeout=5.0)
