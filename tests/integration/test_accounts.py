"""The site tree and admin accounts through the gateway and the accounts service."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
import segno

from services.contracts.accounts import SiteKind
from services.contracts.identity import Role
from tests.support.accounts import (
    PASSWORD,
    ROOT,
    Tree,
    admin_sign_in,
    as_role,
    build_tree,
    child_kind,
    client,
    create_site,
    error_of,
    last_code,
    new_phone,
    phone_sign_in,
    request_code,
    session_of,
    unique,
)
from tests.support.platform import Platform


@pytest.fixture(scope="module")
async def tree(platform: Platform) -> Tree:
    return await build_tree(platform)


def site_body(parent: str, kind: SiteKind | str, code: str | None = None) -> dict[str, str]:
    kind = kind.value if isinstance(kind, SiteKind) else kind
    return {
        "parent": parent,
        "code": code or unique(),
        "name": f"测试{kind}",
        "kind": kind,
        "region_code": "320582",
    }


# -- the site tree ----------------------------------------------------------------------------


async def test_each_level_takes_only_its_own_kind(platform: Platform) -> None:
    async with as_role(platform, Role.provincial_admin, ROOT) as admin:
        parent = ROOT
        for _ in range(5):
            expected = child_kind(parent)
            for wrong in SiteKind:
                if wrong is expected:
                    continue
                response = await admin.post("/api/v1/sites", json=site_body(parent, wrong))
                assert response.status_code == 422, (parent, wrong, response.text)
                assert error_of(response)["code"] == "wrong_site_kind"
            body = site_body(parent, expected)
            created = await admin.post("/api/v1/sites", json=body)
            assert created.status_code == 201, created.text
            site = created.json()
            assert site["path"] == f"{parent}/{body['code']}"
            assert (site["kind"], site["parent"], site["disabled"]) == (
                expected.value,
                parent,
                False,
            )

            again = await admin.post("/api/v1/sites", json=body)
            assert again.status_code == 409, again.text
            assert error_of(again)["code"] == "conflict"
            parent = site["path"]
        assert parent.count("/") == 5  # a point: the bottom of the tree
        below = await admin.post("/api/v1/sites", json=site_body(parent, SiteKind.point))
    assert below.status_code == 422
    assert error_of(below)["code"] == "site_too_deep"


async def test_no_site_under_an_unknown_parent(platform: Platform, tree: Tree) -> None:
    async with as_role(platform, Role.center_admin, tree.center) as admin:
        body = site_body(f"{tree.center}/nosuchinstitute", SiteKind.station)
        response = await admin.post("/api/v1/sites", json=body)
    assert response.status_code == 404, response.text


async def test_children_are_listed_a_page_at_a_time(platform: Platform, tree: Tree) -> None:
    institute = await create_site(platform, tree.center)
    stations = sorted([await create_site(platform, institute) for _ in range(5)])
    point = await create_site(platform, stations[0])
    async with as_role(platform, Role.institute_admin, institute) as admin:
        seen: list[str] = []
        after: str | None = None
        pages = 0
        while True:
            params: dict[str, str | int] = {"limit": 2}
            if after:
                params["after"] = after
            page = await admin.get("/api/v1/sites", params=params)
            assert page.status_code == 200, page.text
            body = page.json()
            assert len(body["items"]) <= 2
            seen += [item["path"] for item in body["items"]]
            pages += 1
            after = body["next_after"]
            if after is None:
                break
        assert seen == stations
        assert pages == 3
        assert all(item["kind"] == "station" for item in body["items"])

        whole = await admin.get("/api/v1/sites", params={"children_only": "false", "limit": 100})
        paths = {item["path"] for item in whole.json()["items"]}
        assert {*stations, point} <= paths
        assert all(p == institute or p.startswith(institute + "/") for p in paths)


async def test_a_site_is_renamed_by_a_higher_admin_only(platform: Platform, tree: Tree) -> None:
    station = await create_site(platform, tree.institute)
    async with as_role(platform, Role.station_admin, station) as own:
        response = await own.patch(
            "/api/v1/sites/detail", json={"path": station, "name": "自己改名"}
        )
        assert response.status_code == 403
    async with as_role(platform, Role.institute_admin, tree.institute) as higher:
        response = await higher.patch(
            "/api/v1/sites/detail", json={"path": station, "name": "金港镇新名字"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "金港镇新名字"
        detail = await higher.get("/api/v1/sites/detail", params={"path": station})
    assert detail.json()["name"] == "金港镇新名字"


async def test_a_disabled_site_takes_no_sign_in_and_no_new_children(
    platform: Platform, tree: Tree
) -> None:
    station = await create_site(platform, tree.institute)
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        before = session_of(await phone_sign_in(http, phone, last_code(platform, phone), station))
    assert before.body["caller"]["site"] == station

    async with as_role(platform, Role.institute_admin, tree.institute) as higher:
        disabled = await higher.patch(
            "/api/v1/sites/detail", json={"path": station, "disabled": True}
        )
        assert disabled.status_code == 200, disabled.text
        assert disabled.json()["disabled"] is True
        child = await higher.post("/api/v1/sites", json=site_body(station, SiteKind.point))
        assert child.status_code == 404, child.text
        kiosk = await higher.post(
            "/api/v1/kiosk-devices", json={"station": station, "name": "停用站"}
        )
        assert kiosk.status_code == 422
        assert error_of(kiosk)["code"] == "site_unknown"
        admin = await higher.post(
            "/api/v1/accounts",
            json={
                "username": unique("d"),
                "display_name": "停用站管理员",
                "role": "station_admin",
                "site": station,
                "password": PASSWORD,
            },
        )
        assert admin.status_code == 422
        assert error_of(admin)["code"] == "site_unknown"

    other = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, other)).status_code == 202
        refused = await phone_sign_in(http, other, last_code(platform, other), station)
        assert refused.status_code == 422, refused.text
        assert error_of(refused)["code"] == "site_unknown"
        public = await http.get("/api/v1/sites/public", params={"path": station})
        assert public.status_code == 404


async def test_a_refused_site_does_not_burn_the_code(platform: Platform, tree: Tree) -> None:
    station = await create_site(platform, tree.institute)
    async with as_role(platform, Role.institute_admin, tree.institute) as higher:
        await higher.patch("/api/v1/sites/detail", json={"path": station, "disabled": True})
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        code = last_code(platform, phone)
        assert (await phone_sign_in(http, phone, code, station)).status_code == 422
        session_of(await phone_sign_in(http, phone, code))


async def test_a_disabled_site_disables_its_subtree(platform: Platform, tree: Tree) -> None:
    station = await create_site(platform, tree.institute)
    point = await create_site(platform, station)
    async with as_role(platform, Role.institute_admin, tree.institute) as higher:
        disabled = await higher.patch(
            "/api/v1/sites/detail", json={"path": station, "disabled": True}
        )
        assert disabled.status_code == 200
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        refused = await phone_sign_in(http, phone, last_code(platform, phone), point)
        public = await http.get("/api/v1/sites/public", params={"path": point})
    assert refused.status_code == 422, refused.text
    assert public.status_code == 404


# -- admin accounts ----------------------------------------------------------------------------


def admin_body(role: Role | str, site: str, **override: str) -> dict[str, str]:
    body = {
        "username": unique("a"),
        "display_name": "测试管理员",
        "role": role.value if isinstance(role, Role) else role,
        "site": site,
        "password": PASSWORD,
    }
    body.update(override)
    return body


async def test_an_admin_creates_admins_below_only(platform: Platform, tree: Tree) -> None:
    sibling_institute = await create_site(platform, tree.sibling_center)
    async with as_role(platform, Role.center_admin, tree.center) as center:
        body = admin_body(Role.institute_admin, tree.institute)
        created = await center.post("/api/v1/accounts", json=body)
        assert created.status_code == 201, created.text
        view = created.json()
        assert (view["username"], view["role"], view["site"]) == (
            body["username"],
            "institute_admin",
            tree.institute,
        )
        assert view["locked"] is False
        assert "password" not in created.text
        assert "argon2" not in created.text

        taken = body["username"]
        refusals = [
            (admin_body(Role.institute_admin, tree.institute, username=taken), 409, "conflict"),
            (admin_body(Role.station_admin, tree.institute), 422, "role_site_mismatch"),
            (admin_body(Role.center_admin, tree.center), 403, "forbidden"),
            (admin_body(Role.municipal_admin, tree.city), 403, "forbidden"),
            (admin_body(Role.institute_admin, sibling_institute), 403, "forbidden"),
            (admin_body(Role.resident, tree.station), 422, "not_an_admin_role"),
            (admin_body(Role.ops, ROOT), 403, "forbidden"),
            (admin_body(Role.station_admin, tree.station, password="short"), 422, "invalid_input"),
            (admin_body(Role.station_admin, tree.station, username="A B"), 422, "invalid_input"),
        ]  # fmt: skip
        for refused_body, status, code in refusals:
            response = await center.post("/api/v1/accounts", json=refused_body)
            assert (response.status_code, error_of(response)["code"]) == (status, code), (
                refused_body,
                response.text,
            )

    async with client(platform) as http:
        signed = session_of(await admin_sign_in(http, body["username"], PASSWORD))
    assert signed.body["caller"] == {
        "sub": view["id"],
        "role": "institute_admin",
        "site": tree.institute,
    }
    assert signed.body["display_name"] == "测试管理员"


async def test_a_station_admin_creates_no_admin(platform: Platform, tree: Tree) -> None:
    async with as_role(platform, Role.station_admin, tree.station) as station:
        for role, site in (
            (Role.station_admin, tree.station),
            (Role.institute_admin, tree.institute),
        ):
            response = await station.post("/api/v1/accounts", json=admin_body(role, site))
            assert response.status_code == 403, response.text


async def test_only_the_provincial_admin_creates_ops(platform: Platform) -> None:
    async with as_role(platform, Role.provincial_admin, ROOT) as province:
        response = await province.post("/api/v1/accounts", json=admin_body(Role.ops, ROOT))
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "ops"


async def test_accounts_are_listed_a_page_at_a_time(platform: Platform, tree: Tree) -> None:
    station = await create_site(platform, tree.institute)
    async with as_role(platform, Role.institute_admin, tree.institute) as institute:
        made = set()
        for _ in range(3):
            created = await institute.post(
                "/api/v1/accounts", json=admin_body(Role.station_admin, station)
            )
            assert created.status_code == 201, created.text
            made.add(created.json()["id"])
        first = await institute.get("/api/v1/accounts", params={"under": station, "limit": 2})
        assert first.status_code == 200, first.text
        assert len(first.json()["items"]) == 2
        after = first.json()["next_after"]
        assert after
        rest = await institute.get(
            "/api/v1/accounts", params={"under": station, "limit": 2, "after": after}
        )
        assert rest.json()["next_after"] is None
    ids = [a["id"] for a in first.json()["items"] + rest.json()["items"]]
    assert sorted(ids) == sorted(made)


# -- QR codes and public site info -----------------------------------------------


_PATH_STEP = re.compile(r"([Mmh])\s*(-?[0-9.]+)(?:[\s,]+(-?[0-9.]+))?")


def dark_modules(svg: ET.Element) -> set[tuple[int, int]]:
    """The dark modules of a segno SVG path ("M x y", "h n", "m dx dy"), from (0, 0)."""
    found: set[tuple[int, int]] = set()
    paths = [el for el in svg.iter() if el.tag.endswith("path")]
    assert len(paths) == 1, "one path of horizontal runs, as segno draws it"
    x = y = 0.0
    for op, first, second in _PATH_STEP.findall(paths[0].attrib["d"]):
        if op == "M":
            x, y = float(first), float(second)
        elif op == "m":
            x, y = x + float(first), y + float(second)
        else:
            run = int(float(first))
            found |= {(int(x) + i, int(y)) for i in range(run)}
            x += run
    border = min(col for col, _ in found)
    return {(col - border, row - border) for col, row in found}


async def test_the_qr_code_opens_the_mobile_page_of_the_site(
    platform: Platform, tree: Tree
) -> None:
    async with as_role(platform, Role.station_admin, tree.station) as admin:
        detail = await admin.get("/api/v1/sites/detail", params={"path": tree.station})
        response = await admin.get("/api/v1/sites/qr.svg", params={"path": tree.station})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "private, max-age=300"
    name = detail.json()["name"]

    svg = ET.fromstring(response.text)  # noqa: S314 - our own gateway's answer
    assert svg.tag.endswith("svg")
    titles = [el.text for el in svg.iter() if el.tag.endswith("title")]
    assert titles == [name]

    # The dark modules drawn are those of the QR code of this site's mobile URL: that URL
    # is the payload (compared module by module, whatever the scale, border or markup).
    url = f"{platform.stack.gateway_url}/m/?site={quote(tree.station, safe='')}"
    drawn = dark_modules(svg)
    expected = segno.make(url, error="m")
    assert drawn == {
        (x, y) for y, row in enumerate(expected.matrix) for x, dark in enumerate(row) if dark
    }
    assert drawn != {
        (x, y)
        for y, row in enumerate(segno.make(url + "x", error="m").matrix)
        for x, dark in enumerate(row)
        if dark
    }

    async with client(platform) as http:
        page = await http.get(url.removeprefix(platform.stack.gateway_url))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


async def test_public_site_info_needs_no_token(platform: Platform, tree: Tree) -> None:
    async with client(platform) as anonymous:
        response = await anonymous.get("/api/v1/sites/public", params={"path": tree.station})
        unknown = await anonymous.get("/api/v1/sites/public", params={"path": f"{tree.station}/zz"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"path", "name", "kind", "trail"}
    assert (body["path"], body["kind"]) == (tree.station, "station")
    assert len(body["trail"]) == 5
    assert body["trail"][0] == "江苏省"
    assert body["trail"][-1] == body["name"]
    assert unknown.status_code == 404


# -- personal data ---------------------------------------------------------------


async def test_me_shows_the_phone_masked_and_never_in_full(platform: Platform, tree: Tree) -> None:
    phone = new_phone()
    async with client(platform) as http:
        assert (await request_code(http, phone)).status_code == 202
        signed_in = await phone_sign_in(http, phone, last_code(platform, phone), tree.station)
        session = session_of(signed_in)
        http.headers["Authorization"] = f"Bearer {session.access_token}"
        me = await http.get("/api/v1/auth/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert re.fullmatch(r"1[3-9][0-9]\*{4}[0-9]{4}", body["phone"])
    assert body["phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert body["caller"]["site"] == tree.station
    assert body["site_name"]
    for text in (me.text, signed_in.text):
        assert phone not in text
        assert phone[3:] not in text  # not even the hidden middle with the tail
