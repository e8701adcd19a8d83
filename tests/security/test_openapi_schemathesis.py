"""Schemathesis over the whole OpenAPI document, in-process (ASGI), against the real services.

The gateway app is built here with the session platform's NATS, data dir (so its JWT
keys) and region; schemathesis starts its lifespan (the broker connects) and calls it
through ASGI. Every operation gets 15 derandomized examples; signed-in operations carry
a center admin's token (or, where a center admin is not admitted, a token of a role the
route admits: the ops routes), public ones carry none. Checks: no 5xx, and every answer
matches the schema the document declares for it. Nothing is excluded.

The run is one test, so the app's lifespan spans it (the schemathesis pytest plugin ends
ASGI lifespans after each test), and every failing operation is reported, not just the
first. What it found is pinned below by deterministic tests.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from services.contracts.identity import Role
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from tests.support.accounts import Tree, as_role, build_tree
from tests.support.gateway import access_table
from tests.support.platform import Platform

EXAMPLES = 15
CHECKS = [not_a_server_error, response_schema_conformance]
# Operations with a known bug, pinned by a deterministic test below, whose failures the
# generated run tolerates (it may or may not hit them again); none today — what the run
# found (an inverted trace-search range, the empty 202 of plays, a replay sequence past
# uint64) is fixed and its test below keeps it fixed. Any failure fails the run.
KNOWN_FAILURES: dict[str, str] = {}


@pytest.fixture(scope="module")
async def tree(platform: Platform) -> Tree:
    return await build_tree(platform)


def gateway(platform: Platform) -> FastAPI:
    settings = GatewaySettings(
        data_dir=platform.stack.data_dir,
        nats_url=platform.stack.nats_url,
        region=platform.stack.region,
        tracing=False,
        # The rate limits have their own tests (test_limits.py); here they would only turn
        # hundreds of generated calls from one test client into 429s. The per-route limits
        # (sign-in, codes) stay, and their 429 answers are checked against the schema too.
        rate_per_address="100000/minute",
        rate_per_caller="100000/minute",
    )
    return create_app(settings)


def token_for(platform: Platform, tree: Tree, roles: frozenset[Role] | None) -> str | None:
    if roles is None:
        return None
    role = Role.center_admin if Role.center_admin in roles else sorted(roles)[0]
    return platform.token(role, tree.site_of(role), sub=f"schemathesis-{role.value}")


def failure_of(operation: Any, headers: dict[str, str]) -> str | None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # report every operation, not the first
        return str(exc)[:3000]
    return None


def test_every_operation_answers_within_its_schema(platform: Platform, tree: Tree) -> None:
    app = gateway(platform)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    access = access_table(app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        # An operation the document describes badly is a failure too, not a skip.
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        operations += 1
        key = f"{operation.method.upper()} {operation.path}"
        token = token_for(platform, tree, access[key].roles)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        failure = failure_of(operation, headers)
        if failure is not None:
            failures[key] = failure
    assert operations >= 30, operations
    unexpected = {k: v for k, v in failures.items() if k not in KNOWN_FAILURES}
    assert not unexpected, "\n\n".join(f"== {k}\n{v}" for k, v in unexpected.items())


# -- what the generated run found, pinned ------------------------------------------------


async def test_a_trace_search_with_since_after_until_is_refused_cleanly(
    platform: Platform,
) -> None:
    params = {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    async with as_role(platform, Role.ops, "320000") as ops:
        response = await ops.get("/api/v1/ops/traces", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"


async def test_a_play_report_answers_as_the_document_says(platform: Platform) -> None:
    body = {"action": "like", "content_id": "0" * 36, "event_id": "0" * 36}
    async with as_role(platform, Role.resident, "320000") as resident:
        document = (await resident.get("/openapi.json")).json()
        response = await resident.post("/api/v1/plays", json=body)
    assert response.status_code == 202, response.text
    promised = document["paths"]["/api/v1/plays"]["post"]["responses"]["202"].get("content")
    if promised:
        assert response.headers.get("content-type", "").split(";")[0] in promised
        assert response.content


async def test_a_replay_beyond_uint64_is_refused(platform: Platform) -> None:
    async with as_role(platform, Role.ops, "320000") as ops:
        response = await ops.post(f"/api/v1/ops/dead-letters/{2**64}/replay")
    assert 400 <= response.status_code < 500, response.text
