"""`wenming seed`: load the demo data through the public API, idempotently.

It signs in as the bootstrap admin, builds the site tree and the admin accounts of
one city, issues a kiosk device, and publishes a few content items — each call
either creates or finds what a previous seed made (409 / Idempotency-Key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy import demo


class SeedError(RuntimeError):
    pass


@dataclass(frozen=True)
class SeedResult:
    content: int
    kiosk_token: str | None


def sign_in(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/admin/sign-in", json={"username": username, "password": password}
    )
    if response.status_code != 200:
        raise SeedError(f"sign-in as {username} failed: {response.status_code} {response.text}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def created_or_exists(response: httpx.Response, what: str) -> None:
    if response.status_code not in (200, 201, 409):
        raise SeedError(f"{what}: {response.status_code} {response.text}")


def seed_sites(client: httpx.Client, root: dict[str, str]) -> None:
    for site in demo.SITES[1:]:
        parent, _, code = site.path.rpartition("/")
        body: dict[str, Any] = {
            "parent": parent,
            "code": code,
            "name": site.name,
            "kind": site.kind,
            "region_code": site.path.split("/")[2] if site.path.count("/") >= 2 else "320500",
        }
        created_or_exists(client.post("/api/v1/sites", json=body, headers=root), site.name)


def seed_admins(client: httpx.Client, root: dict[str, str]) -> None:
    for admin in demo.ADMINS:
        body = {
            "username": admin.username,
            "display_name": admin.name,
            "role": admin.role.value,
            "site": admin.site,
            "password": demo.DEMO_PASSWORD,
        }
        created_or_exists(client.post("/api/v1/accounts", json=body, headers=root), admin.name)


def seed_kiosk(client: httpx.Client, data_dir: Path) -> str:
    saved = data_dir / "demo-kiosk-token.txt"
    if saved.exists():
        return saved.read_text().strip()
    station_admin = sign_in(client, "huayuan", demo.DEMO_PASSWORD)
    response = client.post(
        "/api/v1/kiosk-devices",
        json={"station": demo.KIOSK_STATION, "name": demo.KIOSK_NAME},
        headers=station_admin,
    )
    created_or_exists(response, "kiosk")
    token: str = response.json()["device_token"]
    saved.write_text(token)
    saved.chmod(0o600)
    return token


def seed_content(client: httpx.Client, bootstrap_password: str) -> int:
    sessions: dict[str, dict[str, str]] = {}
    for number, (username, section, kind, title, summary) in enumerate(demo.CONTENT, start=1):
        if username not in sessions:
            is_root = username == demo.BOOTSTRAP_ADMIN
            password = bootstrap_password if is_root else demo.DEMO_PASSWORD
            sessions[username] = sign_in(client, username, password)
        body = {"title": title, "section": section, "kind": kind, "summary": summary}
        if kind in ("video", "audio", "link"):
            body["media_url"] = f"{demo.MEDIA_BASE}{number:03d}"
        response = client.post(
            "/api/v1/content",
            json=body,
            headers={**sessions[username], "Idempotency-Key": f"demo-seed-content-{number:03d}"},
        )
        created_or_exists(response, title)
    return len(demo.CONTENT)


def seed(gateway_url: str, data_dir: Path, bootstrap_password: str) -> SeedResult:
    with httpx.Client(base_url=gateway_url, timeout=30.0) as client:
        root = sign_in(client, demo.BOOTSTRAP_ADMIN, bootstrap_password)
        seed_sites(client, root)
        seed_admins(client, root)
        token = seed_kiosk(client, data_dir)
        count = seed_content(client, bootstrap_password)
    return SeedResult(content=count, kiosk_token=token)
