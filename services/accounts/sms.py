"""Pluggable SMS senders for sign-in codes.

`dev` (the default) writes the message to the log and to `<data dir>/sms/outbox.log`,
one JSON line each, so a developer or a test can read the code. `http` posts
`{"phone": …, "text": …}` to `WENMING_SMS_URL` (an SMS gateway adapter).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Protocol

import httpx

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    async def send(self, phone: str, text: str) -> None: ...


class DevSmsSender:
    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        outbox.parent.mkdir(parents=True, exist_ok=True)

    async def send(self, phone: str, text: str) -> None:
        log.warning("DEV SMS to %s: %s", phone, text)
        line = json.dumps({"phone": phone, "text": text, "at": time.time()}, ensure_ascii=False)
        await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        with self.outbox.open("a", encoding="utf-8") as file:
            file.write(line + "\n")


class HttpSmsSender:
    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def send(self, phone: str, text: str) -> None:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.post(
                self.url, json={"phone": phone, "text": text}, headers=self.headers
            )
            response.raise_for_status()
