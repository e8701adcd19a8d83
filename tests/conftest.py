"""Shared fixtures: one real platform (NATS + nx-27017 + services + gateway) per session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.support.otlp import OtlpReceiver
from tests.support.platform import Platform


@pytest.fixture(scope="session")
def otlp() -> Iterator[OtlpReceiver]:
    receiver = OtlpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
async def platform(
    tmp_path_factory: pytest.TempPathFactory, otlp: OtlpReceiver
) -> AsyncIterator[Platform]:
    running = Platform.create(
        tmp_path_factory.mktemp("platform"), env={"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.url}
    )
    try:
        await running.start()
        yield running
    finally:
        await running.stop()
