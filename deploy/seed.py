"""`wenming seed`: load the demo data through the public API, idempotently.

Every create carries a fixed Idempotency-Key, so seeding twice changes nothing.
Demo callers get signed tokens minted with the deployment's own key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy import demo
from services.contracts.identity import Caller
from services.runtime import tokens

DEMO_TOKEN_TTL_S = 30 * 24 * 3600


@dataclass(frozen=True)
class DemoLogin:
    user: demo.DemoUser
    token: str


def signing_keys(data_dir: Path, issuer: str = "wenming") -> tokens.TokenKeys:
    private, public = tokens.generate_key_files(data_dir / "secrets")
    return tokens.load_keys(private, public, issuer)


def demo_logins(data_dir: Path) -> list[DemoLogin]:
    keys = signing_keys(data_dir)
    return [
        DemoLogin(
            user,
            tokens.mint(
                keys, Caller(sub=user.sub, role=user.role, site=user.site), ttl_s=DEMO_TOKEN_TTL_S
            ),
        )
        for user in demo.USERS
    ]


def seed(gateway_url: str, data_dir: Path) -> int:
    """Create the demo content; returns how many items the gateway acknowledged."""
    logins = {login.user.sub: login.token for login in demo_logins(data_dir)}
    created = 0
    with httpx.Client(base_url=gateway_url, timeout=10.0) as client:
        for number, (sub, section, kind, title, summary) in enumerate(demo.CONTENT, start=1):
            body = {"title": title, "section": section, "kind": kind, "summary": summary}
            if kind in ("video", "audio", "link"):
                body["media_url"] = f"{demo.MEDIA_BASE}{number:03d}"
            response = client.post(
                "/api/v1/content",
                json=body,
                headers={
                    "Authorization": f"Bearer {logins[sub]}",
                    "Idempotency-Key": f"demo-seed-content-{number:03d}",
                },
            )
            response.raise_for_status()
            created += 1
    return created


def write_logins(data_dir: Path, logins: list[DemoLogin]) -> Path:
    path = data_dir / "demo-logins.txt"
    lines = [f"# {u.user.name} · {u.user.role.value} · {u.user.site}\n{u.token}\n" for u in logins]
    path.write_text("\n".join(lines))
    path.chmod(0o600)
    return path
