"""Who is calling: roles and the site path every request and record carries."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# A site path is the chain of site codes from the province down, joined by "/":
# 320000/320500/320582/320582102/320582102003 (province/city/center/institute/station…).
SITE_PATH_PATTERN = r"^[0-9]{6}(/[0-9A-Za-z]{1,16}){0,6}$"
SitePath = Annotated[str, StringConstraints(pattern=SITE_PATH_PATTERN, max_length=120)]


class Role(StrEnum):
    resident = "resident"
    volunteer = "volunteer"
    team_lead = "team_lead"
    kiosk = "kiosk"
    station_admin = "station_admin"
    institute_admin = "institute_admin"
    center_admin = "center_admin"
    municipal_admin = "municipal_admin"
    provincial_admin = "provincial_admin"
    ops = "ops"


ADMIN_ROLES = frozenset(
    {
        Role.station_admin,
        Role.institute_admin,
        Role.center_admin,
        Role.municipal_admin,
        Role.provincial_admin,
    }
)


class Caller(BaseModel):
    """The authenticated caller, as the gateway verified it; services check it again."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sub: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    role: Role
    site: SitePath

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES
