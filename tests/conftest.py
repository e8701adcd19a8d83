"""Shared fixtures: one real platform (NATS + nx-27017 + services + gateway) per session."""

from __future__ import annotations

from collections.abc import AsyncIterator

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
