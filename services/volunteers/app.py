"""Volunteers entrypoint. Today it answers health and keeps its stream and database ready."""

from __future__ import annotations

from services.runtime.service import ServiceHost
from services.runtime.settings import ServiceSettings

from .store import INDEXES

SERVICE = "volunteers"


def create_host(settings: ServiceSettings | None = None) -> ServiceHost:
    return ServiceHost(SERVICE, settings or ServiceSettings(), INDEXES)
