"""Documents → contract views (personal data masked on the way out)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.contracts.accounts import AccountView, KioskDeviceView, Location, SiteView
from services.runtime.mongo import Document
from services.runtime.pii import PiiCipher, mask_phone


def site_view(doc: Document) -> SiteView:
    location = doc.get("location")
    return SiteView(
        path=doc["_id"],
        code=doc["code"],
        name=doc["name"],
        kind=doc["kind"],
        region_code=doc["region_code"],
        address=doc.get("address", ""),
        location=Location(**location) if location else None,
        parent=doc.get("parent"),
        disabled=bool(doc.get("disabled")),
    )


def admin_view(doc: Document, now: float) -> AccountView:
    return AccountView(
        id=doc["_id"],
        username=doc["username"],
        display_name=doc["display_name"],
        role=doc["role"],
        site=doc["site"],
        locked=doc.get("attempts", {}).get("locked_until", 0.0) > now,
        created_at=doc["created_at"],
    )


def person_view(doc: Document, cipher: PiiCipher) -> AccountView:
    return AccountView(
        id=doc["_id"],
        username=None,
        display_name=doc["display_name"],
        role=doc["role"],
        site=doc["site"],
        locked=False,
        phone=mask_phone(cipher.decrypt(doc["phone_enc"])),
        created_at=doc["created_at"],
    )


def kiosk_view(doc: Document) -> KioskDeviceView:
    seen = doc.get("last_seen_at")
    return KioskDeviceView(
        id=doc["_id"],
        name=doc["name"],
        station=doc["station"],
        revoked=bool(doc.get("revoked")),
        created_at=doc["created_at"],
        last_seen_at=datetime.fromtimestamp(seen, UTC) if seen else None,
    )
