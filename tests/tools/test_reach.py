from server.jumpdesktop import AccessGroup, Device, User
from tools.reach import Reach

ANA = User(id="U-1", email="ana@x.example")
BO = User(id="U-2", email="bo@x.example")
CY = User(id="U-3", email="cy@x.example")


def test_reach_counts_direct_and_group_users_once() -> None:
    device = Device(id="D-1", users=["U-1"], groups=["G-1"])
    group = AccessGroup(id="G-1", name="Office", users=["U-1", "U-2"], devices=[])
    reach = Reach([ANA, BO, CY], [device], [group])

    routes = reach.routes_to(device)

    assert set(routes) == {"U-1", "U-2"}
    assert routes["U-1"].describe() == "direct, group Office"
    assert routes["U-2"].describe() == "group Office"


def test_reach_reads_groups_that_name_the_device_themselves() -> None:
    device = Device(id="D-1")
    group = AccessGroup(id="G-1", name="Farm", users=["U-3"], devices=["D-1"])
    reach = Reach([CY], [device], [group])

    assert reach.routes_from(CY) == {"D-1": reach.routes_to(device)["U-3"]}
    assert [g.id for g in reach.groups_of(device)] == ["G-1"]


def test_reach_ignores_groups_it_does_not_know() -> None:
    device = Device(id="D-1", groups=["G-gone"])
    reach = Reach([ANA], [device], [])

    assert reach.routes_to(device) == {}
    assert reach.routes_from(ANA) == {}
