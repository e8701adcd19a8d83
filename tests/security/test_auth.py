"""Sign-in, lock-out, resets, forged tokens, one-time codes, kiosks, logout and refresh —
through the running gateway and accounts service."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.contracts.identity import Caller, Role
from services.runtime import tokens
from tests.support.accounts import (
    Admin,
    Tree,
    admin_sign_in,
    as_role,
    build_tree,
    client,
    create_admin,
    create_site,
    error_of,
    last_code,
    new_phone,
    phone_sign_in,
    ping,
    refused_soon,
    request_code,
    session_of,
    signed_in,
)
from tests.support.platform import Platform

NEW_PASSWORD = "another-long-passphrase"


@pytest.fixture(scope="module")
async def tree(platform: Platform) -> Tree:
    return await build_tree(platform)


async def station_admin(platform: Platform, tree: Tree) -> Admin:
    """A real station admin at a station of their own (one per test)."""
    station = await create_site(platform, tree.institute)
    return await create_admin(platform, Role.station_admin, station)


# -- passwords and lock-out ---------------------------------------------------------------


async def test_a_wrong_password_is_refused(platform: Platform, tree: Tree) -> None:
    account = await station_admin(platform, tree)
    async with client(platform) as http:
        wrong = await admin_sign_in(http, account.username, "not-the-password")
        unknown = await admin_sign_in(http, "nobody-by-this-name", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401, response.text
        error = error_of(response)
        assert error["code"] == "wrong_credentials"
        assert error["message_zh"]
    # The same answer whether or not the username exists.
    assert error_of(wrong)["message_en"] == error_of(unknown)["message_en"]


async def test_five_wrong_passwords_lock_until_a_higher_admin_unlocks(
    platform: Platform, tree: Tree
) -> None:
    account = await station_admin(platform, tree)
    async with client(platform) as http:
        for attempt in range(4):
            response = await admin_sign_in(http, account.username, f"wrong-{attempt}")
            assert response.status_code == 401, response.text
        fifth = await admin_sign_in(http, account.username, "wrong-5")
        assert fifth.status_code == 423, fifth.text
        error = error_of(fifth)
        assert error["code"] == "account_locked"
        assert "锁定" in error["message_zh"]
        assert 0 < error["details"][0]["retry_after_s"] <= 15 * 60 + 1

        right = await admin_sign_in(http, account.username, account.password)
        assert right.status_code == 423, right.text
        assert error_of(right)["code"] == "account_locked"

        institute = account.site.rsplit("/", 1)[0]
        async with as_role(platform, Role.institute_admin, institute) as higher:
            listed = await higher.get("/api/v1/accounts", params={"under": account.site})
            assert [a["locked"] for a in listed.json()["items"]] == [True]
            unlocked = await higher.post(f"/api/v1/accounts/{account.id}/unlock")
        assert unlocked.status_code == 200, unlocked.text
        assert unlocked.json()["locked"] is False

        session_of(await admin_sign_in(http, account.username, account.password))


async def test_the_locked_admin_cannot_unlock_itself_nor_can_a_peer(
    platform: Platform, tree: Tree
) -> None:
    account = await station_admin(platform, tree)
    async with as_role(platform, Role.station_admin, account.site, sub=account.id) as itself:
        assert (await itself.post(f"/api/v1/accounts/{account.id}/unlock")).status_code == 403
    async with as_role(platform, Role.station_admin, account.site) as peer:
        assert (await peer.post(f"/api/v1/accounts/{account.id}/unlock")).status_code == 403


# -- password reset ---------------------------------------------------------------------------


async def test_a_reset_by_a_higher_admin_ends_every_session_of_the_account(
    platform: Platform, tree: Tree
) -> None:
    account = await station_admin(platform, tree)
    first = await signed_in(platform, account)
    second = await signed_in(platform, account)
    assert (await ping(platform, first.access_token)).status_code == 200

    async with as_role(platform, Role.center_admin, tree.center) as higher:
        reset = await higher.post(
            f"/api/v1/accounts/{account.id}/password", json={"new_password": NEW_PASSWORD}
        )
    assert reset.status_code == 200, reset.text
    assert reset.json()["id"] == account.id

    async with client(platform) as http:
        for session in (first, second):
            refreshed = await http.post(
                "/api/v1/auth/refresh", json={"refresh_token": session.refresh_token}
            )
            assert refreshed.status_code == 401, refreshed.text
        assert await refused_soon(platform, first.access_token) == 401
        assert await refused_soon(platform, second.access_token) == 401
        old = await admin_sign_in(http, account.username, account.password)
        assert old.status_code == 401
        session_of(await admin_sign_in(http, account.username, NEW_PASSWORD))


async def test_same_level_and_lower_admins_cannot_reset(platform: Platform, tree: Tree) -> None:
    account = await station_admin(platform, tree)
    institute_account = await create_admin(platform, Role.institute_admin, tree.institute)
    body = {"new_password": NEW_PASSWORD}
    cases: list[tuple[str, Role, str, str, set[int]]] = [
        ("a peer at the same station", Role.station_admin, account.site, account.id, {403}),
        ("the station admin itself", Role.station_admin, account.site, account.id, {403}),
        ("a lower admin, upwards", Role.station_admin, account.site, institute_account.id, {404}),
        ("a same-level admin", Role.institute_admin, tree.institute, institute_account.id, {403}),
        ("a sibling institute", Role.institute_admin, tree.sibling_institute, account.id, {404}),
    ]
    for case, role, site, target, expected in cases:
        sub = account.id if case == "the station admin itself" else None
        async with as_role(platform, role, site, sub=sub) as http:
            response = await http.post(f"/api/v1/accounts/{target}/password", json=body)
        assert response.status_code in expected, (case, response.text)
    # Nothing changed: both still sign in with their first password.
    await signed_in(platform, account)
    await signed_in(platform, institute_account)


# -- forged and misused tokens ------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(keys: tokens.TokenKeys, **override: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": keys.issuer,
        "aud": tokens.AUDIENCE,
        "sub": "forger",
        "role": Role.provincial_admin.value,  # what a forger asks for
        "site": "320000",
        "typ": "access",
        "jti": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    values.update(override)
    return values


def unsigned(header: dict[str, Any], body: dict[str, Any], signature: bytes = b"") -> str:
    head = b64(json.dumps(header).encode())
    return f"{head}.{b64(json.dumps(body).encode())}.{b64(signature)}"


def hs256(secret: bytes, body: dict[str, Any]) -> str:
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}"
    signing_input += f".{b64(json.dumps(body).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def tampered(token: str) -> str:
    head, body, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{head}.{body}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


def escalated(token: str, keys: tokens.TokenKeys) -> str:
    """A real token whose claims were swapped for ops ones, signature kept."""
    head, _, signature = token.split(".")
    return f"{head}.{b64(json.dumps(claims(keys, role='ops')).encode())}.{signature}"


def public_pem(keys: tokens.TokenKeys) -> bytes:
    return keys.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_raw(keys: tokens.TokenKeys) -> bytes:
    return keys.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signed(keys: tokens.TokenKeys, **override: Any) -> str:
    assert keys.private_key is not None
    return jwt.encode(claims(keys, **override), keys.private_key, algorithm="EdDSA")


CALLER = Caller(sub="forger", role=Role.provincial_admin, site="320000")
FORGERIES: dict[str, Callable[[tokens.TokenKeys], str]] = {
    "expired": lambda k: tokens.mint(k, CALLER, ttl_s=60, now=time.time() - 3600),
    "not yet valid": lambda k: signed(k, nbf=int(time.time()) + 3600),
    "tampered signature": lambda k: tampered(tokens.mint(k, CALLER)),
    "tampered claims": lambda k: escalated(tokens.mint(k, CALLER), k),
    "wrong issuer": lambda k: signed(k, iss="someone-else"),
    "wrong audience": lambda k: signed(k, aud="another-api"),
    "no audience": lambda k: signed(k, aud=None),
    "alg none": lambda k: unsigned({"alg": "none", "typ": "JWT"}, claims(k)),
    "alg None": lambda k: unsigned({"alg": "None", "typ": "JWT"}, claims(k)),
    "HS256 with the public key PEM": lambda k: hs256(public_pem(k), claims(k)),
    "HS256 with the raw public key": lambda k: hs256(public_raw(k), claims(k)),
    "another Ed25519 key": lambda k: jwt.encode(
        claims(k), Ed25519PrivateKey.generate(), algorithm="EdDSA"
    ),
    "a refresh token": lambda k: tokens.mint(k, CALLER, kind="refresh"),
    "no kind": lambda k: signed(k, typ=None),
    "garbage": lambda k: "not.a.jwt",
}


async def test_the_same_key_and_claims_unforged_are_accepted(platform: Platform) -> None:
    """The control: the refusals below are about the forgery, not about the keys."""
    for token in (tokens.mint(platform.keys, CALLER), signed(platform.keys)):
        async with client(platform, token) as http:
            response = await http.get("/api/v1/auth/ping")
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "provincial_admin"


@pytest.mark.parametrize("forgery", list(FORGERIES))
async def test_forged_and_misused_tokens_are_refused(platform: Platform, forgery: str) -> None:
    token = FORGERIES[forgery](platform.keys)
    async with client(platform, token) as http:
        for path in ("/api/v1/auth/ping", "/api/v1/auth/me", "/api/v1/sites"):
            response = await http.get(path)
            assert response.status_code == 401, (forgery, path, response.text)
            assert error_of(response)["code"] == "invalid_token"


async def test_an_access_token_is_no_refresh_token(platform: Platform, tree: Tree) -> None:
    account = await station_admin(platform, tree)
    session = await signed_in(platform, account)
    async with client(platform) as http:
        response = await http.post(
            "/api/v1/auth/refresh", json={"refresh_token": session.access_token}
        )
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


# -- one-time codes -----------------------------------------------------------------------------


async def test_a_code_signs_in_once_and_its_reuse_is_refused(platform: Platform) -> None:
    phone = new_phone()
    async with client(platform) as http:
        sent = await request_code(http, phone)
        assert sent.status_code == 202, sent.text
        assert sent.json() == {"sent": True, "retry_after_s": 60, "expires_in_s": 300}
        code = last_code(platform, phone)
        first = await phone_sign_in(http, phone, code)
        session_of(first)
        assert first.json()["caller"]["role"] == "resident"
        again = await phone_sign_in(http, phone, code)
    assert again.status_code == 401, again.text
    assert error_of(again)["code"] == "code_refused"
    assert "used" in error_of(again)["message_en"]


async def test_five_wrong_codes_burn_the_code(platform: Platform) -> None:
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        code = last_code(platform, phone)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _ in range(5):
            response = await phone_sign_in(http, phone, wrong)
            assert response.status_code == 401
            assert error_of(response)["message_en"].endswith("wrong")
        right = await phone_sign_in(http, phone, code)
    assert right.status_code == 401, right.text
    assert error_of(right)["code"] == "code_refused"
    assert error_of(right)["message_en"].endswith("too_many_tries")


async def test_a_code_for_a_phone_that_asked_for_none_is_refused(platform: Platform) -> None:
    async with client(platform) as http:
        response = await phone_sign_in(http, new_phone(), "123456")
    assert response.status_code == 401
    assert error_of(response)["code"] == "code_refused"


async def test_a_second_code_within_a_minute_is_refused_with_its_wait(platform: Platform) -> None:
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        again = await request_code(http, phone)
    assert again.status_code == 429, again.text
    error = error_of(again)
    assert error["code"] == "code_rate_limited"
    assert error["message_zh"]
    assert 0 < error["details"][0]["retry_after_s"] <= 61


async def test_a_second_code_within_a_minute_carries_retry_after(platform: Platform) -> None:
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        again = await request_code(http, phone)
    assert again.status_code == 429
    assert 0 < int(again.headers["retry-after"]) <= 61


# -- kiosks ----------------------------------------------------------------------------------------


async def test_a_revoked_kiosk_is_refused_at_once_everywhere(
    platform: Platform, tree: Tree
) -> None:
    account = await station_admin(platform, tree)
    admin = await signed_in(platform, account)
    async with client(platform, admin.access_token) as station_admin_http:
        issued = await station_admin_http.post(
            "/api/v1/kiosk-devices", json={"station": account.site, "name": "大厅一体机"}
        )
        assert issued.status_code == 201, issued.text
        device_id = issued.json()["device"]["id"]
        device_token = issued.json()["device_token"]

        async with client(platform) as kiosk_http:
            kiosk = session_of(
                await kiosk_http.post(
                    "/api/v1/auth/kiosk/sign-in", json={"device_token": device_token}
                )
            )
            me = await ping(platform, kiosk.access_token)
            assert me.json() == {"sub": f"kiosk-{device_id}", "role": "kiosk", "site": account.site}

            revoked = await station_admin_http.delete(f"/api/v1/kiosk-devices/{device_id}")
            assert revoked.status_code == 200, revoked.text
            assert revoked.json()["revoked"] is True

            again = await kiosk_http.post(
                "/api/v1/auth/kiosk/sign-in", json={"device_token": device_token}
            )
            assert again.status_code == 401
            assert error_of(again)["code"] == "kiosk_refused"
            refreshed = await kiosk_http.post(
                "/api/v1/auth/refresh", json={"refresh_token": kiosk.refresh_token}
            )
            assert refreshed.status_code == 401
    assert await refused_soon(platform, kiosk.access_token) == 401


# -- logout and refresh ------------------------------------------------------------------------


async def test_after_logout_the_same_access_token_is_refused(
    platform: Platform, tree: Tree
) -> None:
    account = await station_admin(platform, tree)
    session = await signed_in(platform, account)
    async with client(platform, session.access_token) as http:
        assert (await http.get("/api/v1/auth/ping")).status_code == 200
        assert (await http.post("/api/v1/auth/logout")).status_code == 204
        after = await http.get("/api/v1/auth/ping")
        assert after.status_code == 401
        assert error_of(after)["code"] == "invalid_token"
        refreshed = await http.post(
            "/api/v1/auth/refresh", json={"refresh_token": session.refresh_token}
        )
        assert refreshed.status_code == 401


async def test_a_reused_refresh_token_ends_the_whole_session(
    platform: Platform, tree: Tree
) -> None:
    account = await station_admin(platform, tree)
    first = await signed_in(platform, account)
    async with client(platform) as http:
        rotated = session_of(
            await http.post("/api/v1/auth/refresh", json={"refresh_token": first.refresh_token})
        )
        assert rotated.refresh_token != first.refresh_token
        assert (await ping(platform, rotated.access_token)).status_code == 200

        replayed = await http.post(
            "/api/v1/auth/refresh", json={"refresh_token": first.refresh_token}
        )
        assert replayed.status_code == 401
        assert error_of(replayed)["code"] == "session_ended"
        newest = await http.post(
            "/api/v1/auth/refresh", json={"refresh_token": rotated.refresh_token}
        )
        assert newest.status_code == 401
    assert await refused_soon(platform, rotated.access_token) == 401
    assert await refused_soon(platform, first.access_token) == 401


async def test_a_refresh_keeps_who_the_caller_is(platform: Platform, tree: Tree) -> None:
    account = await station_admin(platform, tree)
    first = await signed_in(platform, account)
    async with client(platform) as http:
        rotated = session_of(
            await http.post("/api/v1/auth/refresh", json={"refresh_token": first.refresh_token})
        )
    assert rotated.body["caller"] == {
        "sub": account.id,
        "role": "station_admin",
        "site": account.site,
    }
    assert rotated.body["expires_in"] == tokens.ACCESS_TTL_S
