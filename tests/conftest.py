"""Shared fixtures: one real platform (NATS + nx-27017 + services + gateway) per session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.support.platform import Platform


@pytest.fixture(scope="session")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    running = Platform.create(tmp_path_factory.mktemp("platform"))
    try:
        await running.start()
        yield running
    finally:
        await running.stop()


MakePlatform = Callable[..., Awaitable[Platform]]


@pytest.fixture
async def make_platform(tmp_path: Path) -> AsyncIterator[MakePlatform]:
    """A deployment of the test's own, for tests that break it or move its clock."""
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
