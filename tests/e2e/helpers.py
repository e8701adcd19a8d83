"""Helpers of the browser tests: pages that record script errors, polling, the SMS outbox."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, ConsoleMessage, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Counts every pointer, mouse, touch and wheel event the page sees: the remote sends none.
COUNT_POINTER_EVENTS = """
window.__pointerEvents = 0;
for (const type of ["pointerdown", "pointerup", "pointermove", "mousedown", "mouseup",
                    "mousemove", "touchstart", "touchend", "wheel", "contextmenu"]) {
  window.addEventListener(type, () => { window.__pointerEvents += 1; }, true);
}
"""


@dataclass
class Watched:
    """A page and the script errors / CSP violations it reported."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.problems == [], self.problems


async def open_page(browser: Browser, width: int, height: int, **options: Any) -> Watched:
    context = await browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", **options
    )
    page = await context.new_page()
    watched = Watched(page)
    page.on("pageerror", lambda error: watched.problems.append(f"page error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            watched.problems.append(f"CSP: {message.text}")

    page.on("console", on_console)
    return watched


async def until(page: Page, expression: str, timeout_s: float = 10.0) -> Any:
    """Poll a page expression until it is truthy (wait_for_function would need eval: CSP)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await page.evaluate(expression)
        if value or time.monotonic() > deadline:
            assert value, f"still falsy after {timeout_s}s: {expression}"
            return value
        await asyncio.sleep(0.1)


async def focused(page: Page) -> str | None:
    """The data-id of the focused element (kiosk tiles and keys carry one)."""
    value: str | None = await page.evaluate("document.activeElement?.dataset?.id ?? null")
    return value


async def shot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def sms_code(outbox: Path, phone: str, timeout_s: float = 10.0) -> str:
    """The last sign-in code the dev SMS sender wrote for `phone`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if outbox.exists():
            for line in reversed(outbox.read_text(encoding="utf-8").splitlines()):
                message = json.loads(line)
                if message["phone"] == phone:
                    found = re.search(r"\d{6}", message["text"])
                    assert found, message
                    return found.group(0)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no SMS for {phone} in {outbox}")
