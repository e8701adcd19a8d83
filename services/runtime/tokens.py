"""Signed caller tokens: EdDSA JWTs carrying role and site path.

Only `EdDSA` is accepted (an allow-list of one), so `alg: none` and HS/RS key-confusion
tokens are refused. The gateway verifies; the runner, the seed and the tests mint.
Keys come from files named in the settings; the development default generates a key
pair in the data directory once and keeps it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.contracts.envelope import new_event_id
from services.contracts.identity import Caller

ALGORITHMS: Final = ["EdDSA"]
AUDIENCE: Final = "wenming-api"
ACCESS_TTL_S: Final = 15 * 60


@dataclass(frozen=True)
class TokenKeys:
    private_key: Ed25519PrivateKey | None
    public_key: Ed25519PublicKey
    issuer: str


@dataclass(frozen=True)
class VerifiedToken:
    caller: Caller
    token_id: str
    kind: str
    expires_at: int
    claims: dict[str, Any]


def generate_key_files(directory: Path) -> tuple[Path, Path]:
    """Create (once) the development key pair under `directory`; returns their paths."""
    private_path, public_path = directory / "jwt-ed25519.pem", directory / "jwt-ed25519.pub"
    if not private_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        private_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        private_path.chmod(0o600)
        public_path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private_path, public_path


def load_keys(private_file: Path | None, public_file: Path | None, issuer: str) -> TokenKeys:
    private_key: Ed25519PrivateKey | None = None
    if private_file is not None:
        loaded = serialization.load_pem_private_key(private_file.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError("the JWT private key must be an Ed25519 key")
        private_key = loaded
    if public_file is not None:
        public = serialization.load_pem_public_key(public_file.read_bytes())
        if not isinstance(public, Ed25519PublicKey):
            raise ValueError("the JWT public key must be an Ed25519 key")
    elif private_key is not None:
        public = private_key.public_key()
    else:
        raise ValueError("no JWT key configured")
    return TokenKeys(private_key=private_key, public_key=public, issuer=issuer)


def mint(
    keys: TokenKeys,
    caller: Caller,
    *,
    ttl_s: int = ACCESS_TTL_S,
    kind: str = "access",
    extra: dict[str, Any] | None = None,
    now: float | None = None,
) -> str:
    if keys.private_key is None:
        raise ValueError("this process holds no signing key")
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": keys.issuer,
        "aud": AUDIENCE,
        "sub": caller.sub,
        "role": caller.role.value,
        "site": caller.site,
        "typ": kind,
        "jti": new_event_id(),
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_s,
        **(extra or {}),
    }
    return jwt.encode(claims, keys.private_key, algorithm="EdDSA")


def verify(keys: TokenKeys, token: str, *, kind: str = "access") -> VerifiedToken:
    """Decode and check signature, algorithm, issuer, audience, expiry and kind.

    Raises `jwt.InvalidTokenError` (or a subclass) on any failure.
    """
    claims = jwt.decode(
        token,
        keys.public_key,
        algorithms=ALGORITHMS,
        audience=AUDIENCE,
        issuer=keys.issuer,
        options={"require": ["exp", "iat", "sub", "jti", "aud", "iss"]},
        leeway=5,
    )
    if claims.get("typ") != kind:
        raise jwt.InvalidTokenError(f"expected a {kind} token")
    caller = Caller(sub=claims["sub"], role=claims["role"], site=claims["site"])
    return VerifiedToken(
        caller=caller,
        token_id=claims["jti"],
        kind=kind,
        expires_at=int(claims["exp"]),
        claims=claims,
    )
