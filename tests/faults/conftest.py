"""Fault tests: each gets its own deployment (`make_platform`), because each breaks it."""

from tests.conftest import MakePlatform

__all__ = ["MakePlatform"]
