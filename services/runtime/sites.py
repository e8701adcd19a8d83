"""Site paths: province/city/center/institute/station/point, joined by "/".

Scoping is done inside queries: a record stores `site_path` (every ancestor of its
site, itself included), so "within the caller's subtree" is `{"site_path": caller.site}`
and "visible from a site" is `{"scope": {"$in": ancestors(site)}}`.
"""

from __future__ import annotations

import re

from services.contracts.identity import SITE_PATH_PATTERN

_SITE = re.compile(SITE_PATH_PATTERN)


def validate(path: str) -> str:
    if not _SITE.fullmatch(path):
        raise ValueError(f"not a site path: {path!r}")
    return path


def ancestors(path: str) -> list[str]:
    """Every prefix path from the province down to `path` itself."""
    parts = validate(path).split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def is_within(path: str, scope: str) -> bool:
    """True when `path` is `scope` or lies below it."""
    return path == scope or path.startswith(scope + "/")


def depth(path: str) -> int:
    return validate(path).count("/")


def parent(path: str) -> str | None:
    head, sep, _ = path.rpartition("/")
    return head if sep else None


def within_query(scope: str, field: str = "site_path") -> dict[str, str]:
    """The Mongo filter restricting a query to `scope`'s subtree (multikey index friendly)."""
    return {field: validate(scope)}
