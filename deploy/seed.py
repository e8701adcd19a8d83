"""`wenming seed`: load the demo data through the public API, idempotently.

It signs in as the bootstrap admin, builds the site tree and the admin accounts of
one city, issues a kiosk device, and publishes a few content items — each call
either creates or finds what a previous seed made (409 / Idempotency-Key).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy import demo, demo_media


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
        if site.path in demo.LOCATIONS:
            lat, lng = demo.LOCATIONS[site.path]
            body["location"] = {"lat": lat, "lng": lng}
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


class Sessions:
    """Signed-in demo admins, by username."""

    def __init__(self, client: httpx.Client, bootstrap_password: str) -> None:
        self.client = client
        self.bootstrap_password = bootstrap_password
        self._headers: dict[str, dict[str, str]] = {}

    def __call__(self, username: str) -> dict[str, str]:
        if username not in self._headers:
            is_root = username == demo.BOOTSTRAP_ADMIN
            password = self.bootstrap_password if is_root else demo.DEMO_PASSWORD
            self._headers[username] = sign_in(self.client, username, password)
        return self._headers[username]


def seed_kiosk(client: httpx.Client, sessions: Sessions, data_dir: Path) -> str:
    saved = data_dir / "demo-kiosk-token.txt"
    if saved.exists():
        return saved.read_text().strip()
    response = client.post(
        "/api/v1/kiosk-devices",
        json={"station": demo.KIOSK_STATION, "name": demo.KIOSK_NAME},
        headers=sessions("huayuan"),
    )
    created_or_exists(response, "kiosk")
    token: str = response.json()["device_token"]
    saved.write_text(token)
    saved.chmod(0o600)
    return token


def upload_tone(client: httpx.Client, headers: dict[str, str], key: str, pitch: float) -> str:
    response = client.post(
        "/api/v1/media",
        files={"file": (f"{key}.wav", demo_media.tone(pitch_hz=pitch), "audio/wav")},
        headers={**headers, "Idempotency-Key": f"demo-media-{key}"},
    )
    created_or_exists(response, f"media {key}")
    media_id: str = response.json()["media_id"]
    return media_id


def publish(
    client: httpx.Client, headers: dict[str, str], key: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/content",
        json=body,
        headers={**headers, "Idempotency-Key": f"demo-seed-content-{key}"},
    )
    created_or_exists(response, body["title"])
    created: dict[str, Any] = response.json()
    return created


def seed_content(client: httpx.Client, sessions: Sessions) -> dict[str, str]:
    """Publish the demo items and episodes; their ids by title."""
    ids: dict[str, str] = {}
    for number, item in enumerate(demo.CONTENT, start=1):
        headers = sessions(item.publisher)
        body: dict[str, Any] = {
            "title": item.title,
            "section": item.section,
            "kind": item.kind,
            "summary": item.summary,
        }
        if item.media == "tone":
            body["media_id"] = upload_tone(client, headers, f"{number:03d}", 330 + 20 * number)
        elif item.media is not None:
            body["media_url"] = item.media
        created = publish(client, headers, f"{number:03d}", body)
        ids[item.title] = created["id"]
        for episode, title in enumerate(item.episodes, start=1):
            key = f"{number:03d}-{episode:02d}"
            ids[title] = publish(
                client,
                headers,
                key,
                {
                    "title": title,
                    "section": item.section,
                    "kind": "audio",
                    "series_id": created["id"],
                    "episode": episode,
                    "media_id": upload_tone(client, headers, key, 300 + 30 * episode),
                },
            )["id"]
    return ids


PLAYS = {
    "血糖高和血压高预防和健康生活方式": 9,
    "锡剧经典选段欣赏": 6,
    "防范电信诈骗十条提醒": 4,
    "柔力球入门教学（分解动作）": 12,
    "第一讲：拿稳手机": 3,
}


def seed_plays(client: httpx.Client, kiosk_token: str, ids: dict[str, str]) -> None:
    """Some plays from the demo kiosk, so the hot list has something to say."""
    signed = client.post("/api/v1/auth/kiosk/sign-in", json={"device_token": kiosk_token})
    created_or_exists(signed, "kiosk sign-in")
    headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    for title, plays in PLAYS.items():
        content_id = ids[title]
        for n in range(plays):
            event = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-play/{content_id}/{n}")
            client.post(
                "/api/v1/plays",
                headers=headers,
                json={"event_id": str(event), "content_id": content_id, "action": "play"},
            )


def seed_offers(client: httpx.Client, sessions: Sessions) -> None:
    for username, name, site, area, capacity, equipment in demo.VENUES:
        lat, lng = demo.LOCATIONS[site]
        response = client.post(
            "/api/v1/venues",
            headers=sessions(username),
            json={
                "name": name,
                "location": {"lat": lat, "lng": lng},
                "area_m2": area,
                "capacity": capacity,
                "equipment": list(equipment),
                "opening_hours": [
                    {"weekday": d, "opens": "08:30", "closes": "20:30"} for d in range(1, 8)
                ],
            },
        )
        created_or_exists(response, name)
    for username, title, section, provider, kind, lead in demo.MENU:
        response = client.post(
            "/api/v1/menu",
            headers=sessions(username),
            json={
                "title": title,
                "section": section,
                "provider": provider,
                "provider_kind": kind,
                "lead_time_days": lead,
            },
        )
        created_or_exists(response, title)


def seed(gateway_url: str, data_dir: Path, bootstrap_password: str) -> SeedResult:
    with httpx.Client(base_url=gateway_url, timeout=30.0) as client:
        root = sign_in(client, demo.BOOTSTRAP_ADMIN, bootstrap_password)
        seed_sites(client, root)
        seed_admins(client, root)
        sessions = Sessions(client, bootstrap_password)
        token = seed_kiosk(client, sessions, data_dir)
        ids = seed_content(client, sessions)
        seed_plays(client, token, ids)
        if not (data_dir / "demo-offers-seeded").exists():
            seed_offers(client, sessions)
            (data_dir / "demo-offers-seeded").touch()
    return SeedResult(content=len(ids), kiosk_token=token)
