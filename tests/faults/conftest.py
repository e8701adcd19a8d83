"""Fault tests: each gets its own deployment, because each one breaks it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.support.platform import Platform

MakePlatform = Callable[..., Awaitable[Platform]]


@pytest.fixture
async def make_platform(tmp_path: Path) -> AsyncIterator[MakePlatform]:
    started: list[Platform] = []

    async def make(
        env: dict[str, str] | None = None, proc_env: dict[str, dict[str, str]] | None = None
    ) -> Platform:
        platform = Platform.create(tmp_path / f"p{len(started)}", env=env, proc_env=proc_env)
        started.append(platform)
        await platform.start()
        return platform

    yield make
    for platform in started:
        await platform.stop()
