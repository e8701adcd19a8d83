"""The volunteers service's collections (its own database)."""

from __future__ import annotations

from pymongo import IndexModel

INDEXES: dict[str, list[IndexModel]] = {}
