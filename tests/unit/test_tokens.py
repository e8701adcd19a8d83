"""Caller tokens: EdDSA only, and every forged, stale or misdirected token refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.contracts.identity import Caller, Role
from services.runtime import tokens

STATION = "320000/320500/320582/320582001/320582001001"
CALLER = Caller(sub="admin-7", role=Role.station_admin, site=STATION)


def make_keys(issuer: str = "wenming") -> tokens.TokenKeys:
    private = Ed25519PrivateKey.generate()
    return tokens.TokenKeys(private_key=private, public_key=private.public_key(), issuer=issuer)


@pytest.fixture(scope="module")
def keys() -> tokens.TokenKeys:
    return make_keys()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64_json(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def claims_of(keys: tokens.TokenKeys, **override: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": keys.issuer,
        "aud": tokens.AUDIENCE,
        "sub": CALLER.sub,
        "role": Role.provincial_admin.value,  # what a forger would ask for
        "site": "320000",
        "typ": "access",
        "jti": "forged-1",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(override)
    return claims


def hs256(secret: bytes, claims: dict[str, Any]) -> str:
    signing_input = f"{b64_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64_json(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_mint_then_verify_round_trip(keys: tokens.TokenKeys) -> None:
    now = time.time()
    token = tokens.mint(keys, CALLER, ttl_s=120, now=now)
    verified = tokens.verify(keys, token)
    assert verified.caller == CALLER
    assert verified.kind == "access"
    assert verified.expires_at == int(now) + 120
    assert verified.token_id == verified.claims["jti"]
    assert verified.claims["iss"] == "wenming"
    assert verified.claims["aud"] == tokens.AUDIENCE
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"


def test_every_token_gets_its_own_id(keys: tokens.TokenKeys) -> None:
    first = tokens.verify(keys, tokens.mint(keys, CALLER))
    second = tokens.verify(keys, tokens.mint(keys, CALLER))
    assert first.token_id != second.token_id


def test_another_kind_is_verified_only_as_that_kind(keys: tokens.TokenKeys) -> None:
    refresh = tokens.mint(keys, CALLER, kind="refresh")
    assert tokens.verify(keys, refresh, kind="refresh").kind == "refresh"
    with pytest.raises(jwt.InvalidTokenError, match="expected a access token"):
        tokens.verify(keys, refresh)
    with pytest.raises(jwt.InvalidTokenError, match="expected a refresh token"):
        tokens.verify(keys, tokens.mint(keys, CALLER), kind="refresh")


def test_expired_token_is_refused(keys: tokens.TokenKeys) -> None:
    token = tokens.mint(keys, CALLER, ttl_s=60, now=time.time() - 3600)
    with pytest.raises(jwt.ExpiredSignatureError):
        tokens.verify(keys, token)


def test_token_from_the_future_is_refused(keys: tokens.TokenKeys) -> None:
    token = tokens.mint(keys, CALLER, now=time.time() + 3600)
    with pytest.raises(jwt.ImmatureSignatureError):
        tokens.verify(keys, token)


def test_tampered_signature_is_refused(keys: tokens.TokenKeys) -> None:
    head, payload, signature = tokens.mint(keys, CALLER).split(".")
    middle = len(signature) // 2  # not the last char: its low bits are only padding
    flipped = "A" if signature[middle] != "A" else "B"
    forged = f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.verify(keys, forged)


def test_tampered_claims_are_refused(keys: tokens.TokenKeys) -> None:
    head, _, signature = tokens.mint(keys, CALLER).split(".")
    payload = b64_json(claims_of(keys))  # promoted to provincial admin
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.verify(keys, f"{head}.{payload}.{signature}")


def test_token_signed_by_another_key_is_refused(keys: tokens.TokenKeys) -> None:
    stranger = make_keys()
    with pytest.raises(jwt.InvalidSignatureError):
        tokens.verify(keys, tokens.mint(stranger, CALLER))


def test_wrong_issuer_is_refused(keys: tokens.TokenKeys) -> None:
    impostor = tokens.TokenKeys(keys.private_key, keys.public_key, issuer="someone-else")
    with pytest.raises(jwt.InvalidIssuerError):
        tokens.verify(keys, tokens.mint(impostor, CALLER))


def test_wrong_audience_is_refused(keys: tokens.TokenKeys) -> None:
    token = tokens.mint(keys, CALLER, extra={"aud": "another-api"})
    with pytest.raises(jwt.InvalidAudienceError):
        tokens.verify(keys, token)


@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "sub", "aud", "iss"])
def test_token_missing_a_required_claim_is_refused(keys: tokens.TokenKeys, claim: str) -> None:
    claims = claims_of(keys)
    del claims[claim]
    assert keys.private_key is not None
    token = jwt.encode(claims, keys.private_key, algorithm="EdDSA")
    with pytest.raises(jwt.InvalidTokenError):
        tokens.verify(keys, token)


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
@pytest.mark.parametrize("signature", ["", "c2lnbmF0dXJl"])
def test_alg_none_is_refused(keys: tokens.TokenKeys, alg: str, signature: str) -> None:
    unsigned = f"{b64_json({'alg': alg, 'typ': 'JWT'})}.{b64_json(claims_of(keys))}.{signature}"
    with pytest.raises(jwt.InvalidTokenError):
        tokens.verify(keys, unsigned)


@pytest.mark.parametrize("encoding", ["pem", "raw", "openssh"])
def test_hs256_signed_with_the_public_key_is_refused(keys: tokens.TokenKeys, encoding: str) -> None:
    """Key confusion: the public key is public, so an HMAC keyed with it is forgeable."""
    formats = {
        "pem": (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        "raw": (serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        "openssh": (serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
    }
    public_bytes = keys.public_key.public_bytes(*formats[encoding])
    forged = hs256(public_bytes, claims_of(keys))
    with pytest.raises(jwt.InvalidAlgorithmError):
        tokens.verify(keys, forged)


def test_a_correctly_signed_eddsa_forgery_would_pass(keys: tokens.TokenKeys) -> None:
    """Control for the forgeries above: the same claims, signed with the real key, pass —
    so each refusal is the defence, not a flaw in how the test builds tokens."""
    assert keys.private_key is not None
    token = jwt.encode(claims_of(keys), keys.private_key, algorithm="EdDSA")
    assert tokens.verify(keys, token).caller.role is Role.provincial_admin


def test_minting_needs_the_private_key(keys: tokens.TokenKeys) -> None:
    verifier_only = tokens.TokenKeys(None, keys.public_key, keys.issuer)
    with pytest.raises(ValueError, match="no signing key"):
        tokens.mint(verifier_only, CALLER)


def test_garbage_is_refused(keys: tokens.TokenKeys) -> None:
    for garbage in ("", "abc", "a.b.c", "a.b"):
        with pytest.raises(jwt.InvalidTokenError):
            tokens.verify(keys, garbage)
