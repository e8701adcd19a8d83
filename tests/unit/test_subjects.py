"""Subject and stream names (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.contracts import subjects

Builder = Callable[[str, str, str], str]


def test_rpc_and_event_subjects() -> None:
    assert subjects.rpc("320582", "catalog", "content.create") == (
        "wm.320582.catalog.rpc.content.create"
    )
    assert subjects.evt("320000", "catalog", "content_published") == (
        "wm.320000.catalog.evt.content_published"
    )


def test_stream_binds_events_only() -> None:
    wildcard = subjects.evt_wildcard("320582", "catalog")
    assert wildcard == "wm.320582.catalog.evt.>"
    assert not subjects.rpc("320582", "catalog", "health").startswith(wildcard[:-1])
    assert subjects.evt("320582", "catalog", "x").startswith(wildcard[:-1])


def test_names_of_streams_and_consumers() -> None:
    assert subjects.stream_name("320582", "catalog") == "WM_320582_CATALOG"
    assert subjects.dead_letter_stream("320582") == "WM_320582_DEADLETTER"
    assert subjects.durable_name("evaluation", "catalog") == "evaluation--catalog"
    assert subjects.rpc_prefix("320582", "orders") == "wm.320582.orders.rpc."


@pytest.mark.parametrize(
    "region", ["", "32058", "3205820", "32058a", "abcdef", "320 582", "*", ">"]
)
@pytest.mark.parametrize("build", [subjects.rpc, subjects.evt])
def test_invalid_region_is_refused(region: str, build: Builder) -> None:
    with pytest.raises(ValueError, match="6-digit"):
        build(region, "catalog", "content.create")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "Catalog",
        "1catalog",
        "cata-log",
        "cata log",
        "catalog.",
        ".catalog",
        "content..create",
        "*",
        ">",
        "content.*",
        "content.>",
        "内容",
    ],
)
@pytest.mark.parametrize("build", [subjects.rpc, subjects.evt])
def test_invalid_tokens_are_refused(token: str, build: Builder) -> None:
    with pytest.raises(ValueError, match="bad subject token"):
        build("320582", token, "create")
    with pytest.raises(ValueError, match="bad subject token"):
        build("320582", "catalog", token)


@pytest.mark.parametrize("token", ["catalog", "content.create", "site_stats.get", "v2.x_1"])
def test_valid_tokens_are_accepted(token: str) -> None:
    assert subjects.rpc("320582", "catalog", token).endswith(f".rpc.{token}")
    assert subjects.evt("320582", token, "x") == f"wm.320582.{token}.evt.x"


@pytest.mark.parametrize(
    ("region", "action"),
    [("320582\n", "create"), ("320582", "create\n"), ("٣٢٠٥٨٢", "create")],
)
def test_newline_or_non_ascii_digits_are_refused(region: str, action: str) -> None:
    with pytest.raises(ValueError, match=r"region|token"):
        subjects.rpc(region, "catalog", action)
