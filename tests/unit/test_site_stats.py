"""Evaluation roll-up: which sites an item counts for, who reads which figures."""

from __future__ import annotations

import pytest

from services.contracts.identity import Caller, Role
from services.evaluation.domain.site_stats import may_read, sites_to_count

PROVINCE = "320000"
CITY = "320000/320500"
CENTER = f"{CITY}/320582"
INSTITUTE = f"{CENTER}/320582001"
INSTITUTE_TRAP = f"{CENTER}/3205820011"
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"
SIBLING_STATION = f"{CENTER}/320582102/320582102205"


def test_an_item_counts_for_its_site_and_every_site_above() -> None:
    assert sites_to_count(STATION) == [PROVINCE, CITY, CENTER, INSTITUTE, STATION]
    assert sites_to_count(PROVINCE) == [PROVINCE]


def test_an_item_never_counts_for_a_prefix_lookalike() -> None:
    assert INSTITUTE not in sites_to_count(f"{INSTITUTE_TRAP}/S1")


def test_sites_to_count_rejects_a_bad_path() -> None:
    with pytest.raises(ValueError, match="not a site path"):
        sites_to_count("320000/")


@pytest.mark.parametrize("site", [POINT, STATION, INSTITUTE, CENTER, PROVINCE])
def test_anyone_reads_their_own_site_and_those_above(site: str) -> None:
    assert may_read(Caller(sub="r", role=Role.resident, site=POINT), site) is True


@pytest.mark.parametrize("site", [SIBLING_STATION, f"{POINT}/X", INSTITUTE_TRAP])
def test_a_resident_reads_nothing_beside_or_below(site: str) -> None:
    assert may_read(Caller(sub="r", role=Role.resident, site=POINT), site) is False


@pytest.mark.parametrize("site", [INSTITUTE, STATION, POINT])
def test_an_admin_reads_every_site_in_the_subtree(site: str) -> None:
    assert may_read(Caller(sub="a", role=Role.institute_admin, site=INSTITUTE), site) is True


@pytest.mark.parametrize("site", [SIBLING_STATION, INSTITUTE_TRAP, f"{INSTITUTE_TRAP}/S1"])
def test_an_admin_reads_nothing_outside_the_subtree(site: str) -> None:
    assert may_read(Caller(sub="a", role=Role.institute_admin, site=INSTITUTE), site) is False


def test_non_admin_roles_do_not_read_below_their_site() -> None:
    for role in (Role.volunteer, Role.team_lead, Role.kiosk, Role.ops):
        assert may_read(Caller(sub="v", role=role, site=INSTITUTE), STATION) is False
