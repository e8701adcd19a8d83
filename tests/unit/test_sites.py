"""Site paths: the subtree arithmetic every scope check stands on."""

from __future__ import annotations

import pytest

from services.runtime import sites

PROVINCE = "320000"
CITY = "320000/320500"
CENTER = "320000/320500/320582"
INSTITUTE = f"{CENTER}/320582001"
INSTITUTE_TRAP = f"{CENTER}/3205820011"
STATION = f"{INSTITUTE}/320582001001"
POINT = f"{STATION}/P01"


def test_ancestors_run_from_the_province_down_to_the_path_itself() -> None:
    assert sites.ancestors(STATION) == [PROVINCE, CITY, CENTER, INSTITUTE, STATION]
    assert sites.ancestors(PROVINCE) == [PROVINCE]


def test_ancestors_of_a_point_include_its_station() -> None:
    chain = sites.ancestors(POINT)
    assert chain[-2:] == [STATION, POINT]
    assert len(chain) == 6


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        (STATION, STATION),
        (STATION, INSTITUTE),
        (POINT, CENTER),
        (POINT, PROVINCE),
    ],
)
def test_is_within_the_scope_or_below_it(path: str, scope: str) -> None:
    assert sites.is_within(path, scope) is True


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        (INSTITUTE, STATION),  # above is not within
        (f"{INSTITUTE_TRAP}/S1", INSTITUTE),  # "320582001" is a string prefix of "3205820011"
        (INSTITUTE_TRAP, INSTITUTE),
        (INSTITUTE, INSTITUTE_TRAP),
        (f"{CENTER}/320582102", INSTITUTE),  # sibling
        ("320100/320500/320582", CENTER),  # same codes under another province
    ],
)
def test_is_within_refuses_everything_else(path: str, scope: str) -> None:
    assert sites.is_within(path, scope) is False


def test_parent_and_depth() -> None:
    assert sites.parent(STATION) == INSTITUTE
    assert sites.parent(CITY) == PROVINCE
    assert sites.parent(PROVINCE) is None
    assert sites.depth(PROVINCE) == 0
    assert sites.depth(CENTER) == 2
    assert sites.depth(POINT) == 5


def test_within_query_is_a_multikey_match_on_site_path() -> None:
    assert sites.within_query(INSTITUTE) == {"site_path": INSTITUTE}
    assert sites.within_query(CENTER, field="owner_path") == {"owner_path": CENTER}


def test_validate_returns_a_good_path() -> None:
    assert sites.validate(POINT) == POINT


BAD_PATHS = [
    "",
    "32000",  # province code of five digits
    "3200000",  # seven
    "32000a",
    "320000/",
    "/320000",
    "320000//320500",
    "320000/320-500",
    "320000/320 500",
    "320000/../320500",
    "320000/" + "1" * 17,  # a segment of at most 16
    "320000" + "/1" * 7,  # at most six levels below the province
    "320000/320500/*",
    "320000/320500/>",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_validate_rejects_bad_paths(path: str) -> None:
    with pytest.raises(ValueError, match="not a site path"):
        sites.validate(path)


@pytest.mark.parametrize("path", BAD_PATHS)
def test_functions_that_validate_reject_bad_paths(path: str) -> None:
    for function in (sites.ancestors, sites.depth, sites.within_query):
        with pytest.raises(ValueError, match="not a site path"):
            function(path)


def test_the_deepest_allowed_path_is_valid() -> None:
    deepest = "320000" + "/1" * 6
    assert sites.depth(deepest) == 6
    assert len(sites.ancestors(deepest)) == 7


@pytest.mark.parametrize("path", ["320000\n", f"{CENTER}\n"])
def test_validate_rejects_a_trailing_newline(path: str) -> None:
    with pytest.raises(ValueError, match="not a site path"):
        sites.validate(path)
