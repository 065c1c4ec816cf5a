import logging
from datetime import UTC, datetime

import pytest

from server.jumpdesktop import (
    AccessGroup,
    Device,
    DeviceEvent,
    HistoryPage,
    Team,
    User,
)
from server.jumpdesktop.models import epoch_to_datetime, parse_records

NOV_14_2023 = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(1_700_000_000, NOV_14_2023, id="seconds"),
        pytest.param(1_700_000_000_000, NOV_14_2023, id="milliseconds"),
        pytest.param(1_700_000_000.0, NOV_14_2023, id="float-seconds"),
        pytest.param("1700000000000", NOV_14_2023, id="numeric-text"),
        pytest.param("2023-11-14T22:13:20Z", NOV_14_2023, id="iso-text"),
        pytest.param(None, None, id="none"),
        pytest.param(0, None, id="zero"),
        pytest.param(-5, None, id="negative"),
        pytest.param("soon", None, id="garbage-text"),
        pytest.param(True, None, id="bool"),
        pytest.param(float("nan"), None, id="nan"),
        pytest.param(10**30, None, id="too-far"),
        pytest.param({"t": 1}, None, id="object"),
    ],
)
def test_epoch_to_datetime_reads_seconds_or_milliseconds(value, expected):
    assert epoch_to_datetime(value) == expected


def test_epoch_to_datetime_result_is_aware_utc():
    parsed = epoch_to_datetime(1_700_000_000)

    assert parsed.tzinfo is UTC


def test_device_last_online_at_garbage_keeps_device():
    device = Device.model_validate({"id": "D-1", "lastOnlineAt": "yesterday"})

    assert device.id == "D-1"
    assert device.last_online_at is None


@pytest.mark.parametrize(
    "users",
    [
        pytest.param(
            [{"id": "U-1", "email": "ann@example.com"}, {"id": "U-2"}], id="list"
        ),
        pytest.param(
            {"U-1": {"email": "ann@example.com"}, "U-2": {}}, id="map-keyed-by-id"
        ),
    ],
)
def test_team_users_list_or_map_gives_users(users):
    team = Team.model_validate({"id": "T-1", "users": users})

    assert [user.id for user in team.users] == ["U-1", "U-2"]
    assert team.users[0].email == "ann@example.com"


def test_team_map_record_with_own_id_keeps_it():
    team = Team.model_validate({"devices": {"key": {"id": "D-9", "name": "lab"}}})

    assert team.devices[0].id == "D-9"


def test_team_groups_map_gives_access_groups():
    groups = {"G-1": {"name": "Office", "users": ["U-1"], "devices": ["D-1"]}}

    team = Team.model_validate({"groups": groups})

    assert team.groups == [
        AccessGroup(id="G-1", name="Office", users=["U-1"], devices=["D-1"])
    ]


def test_team_odd_user_is_dropped_and_the_rest_kept(caplog):
    users = [
        {"id": "U-1"},
        {"id": {"secret": "ann@example.com"}},
        "not a user",
        {"id": "U-4"},
    ]

    with caplog.at_level(logging.WARNING):
        team = Team.model_validate({"users": users})

    assert [user.id for user in team.users] == ["U-1", "U-4"]
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == [
        "Dropped users[1]: not a valid User",
        "Dropped users[2]: not a valid User",
    ]
    assert "ann@example.com" not in caplog.text


def test_parse_records_wrong_shape_gives_empty_list(caplog):
    with caplog.at_level(logging.WARNING):
        records = parse_records(User, "nobody", label="users")

    assert records == []
    assert "expected a list or a map" in caplog.text


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        pytest.param(["G-1", "G-2"], ["G-1", "G-2"], id="list"),
        pytest.param("G-1", ["G-1"], id="single-string"),
        pytest.param("", [], id="empty-string"),
        pytest.param(None, [], id="null"),
        pytest.param([7, "G-2"], ["7", "G-2"], id="numeric-id"),
        pytest.param(["G-1", None, {"id": "x"}], ["G-1"], id="odd-items-dropped"),
        pytest.param({"G-1": True}, [], id="object"),
    ],
)
def test_device_groups_shapes_give_id_list(groups, expected):
    device = Device.model_validate({"id": "D-1", "groups": groups})

    assert device.groups == expected


def test_device_missing_lists_default_to_empty():
    device = Device()

    assert device.users == []
    assert device.groups == []


def test_device_os_properties_read_client_info():
    device = Device.model_validate(
        {
            "clientInfo": {
                "osInfo": {
                    "hostname": "lab-1",
                    "platform": "mac",
                    "version": "14.1",
                    "publicIP": "203.0.113.7",
                }
            }
        }
    )

    assert device.hostname == "lab-1"
    assert device.platform == "mac"
    assert device.version == "14.1"
    assert device.public_ip == "203.0.113.7"


@pytest.mark.parametrize(
    "client_info",
    [
        pytest.param(None, id="no-client-info"),
        pytest.param({}, id="no-os-info"),
        pytest.param({"osInfo": None}, id="null-os-info"),
    ],
)
def test_device_os_properties_without_info_are_none(client_info):
    device = Device.model_validate({"clientInfo": client_info})

    assert device.hostname is None
    assert device.platform is None
    assert device.version is None
    assert device.public_ip is None


def test_models_unknown_fields_are_kept_at_every_level():
    team = Team.model_validate(
        {
            "id": "T-1",
            "region": "eu",
            "devices": [{"id": "D-1", "tags": ["lab"], "clientInfo": {"cpu": "m3"}}],
        }
    )

    assert team.model_extra == {"region": "eu"}
    assert team.devices[0].model_extra == {"tags": ["lab"]}
    assert team.devices[0].client_info.model_extra == {"cpu": "m3"}


def test_models_dump_by_alias_gives_api_names():
    user = User.model_validate({"id": "U-1", "firstName": "Ann", "nickname": "A"})

    dumped = user.model_dump(by_alias=True, exclude_none=True)

    assert dumped == {"id": "U-1", "firstName": "Ann", "nickname": "A"}


def test_models_accept_python_names():
    user = User(first_name="Ann", remote_access="disabled")

    assert user.first_name == "Ann"
    assert not user.remote_access_enabled


def test_models_numeric_id_becomes_text():
    user = User.model_validate({"id": 42})

    assert user.id == "42"


def test_team_limited_view_lists_missing_sections():
    team = Team.model_validate({"id": "T-1", "name": "Acme", "users": [], "groups": []})

    assert team.missing_sections() == [
        "devices",
        "deviceConfigs",
        "userInvites",
        "billing",
        "planFeatures",
        "saml",
        "security",
    ]


def test_team_full_view_has_no_missing_sections():
    sections = ["users", "devices", "groups", "deviceConfigs", "userInvites"]
    answer = {key: [] for key in sections} | {
        "billing": {"seats": 5},
        "planFeatures": {},
        "saml": None,
        "security": {"twoFactor": True},
    }

    team = Team.model_validate(answer)

    assert team.missing_sections() == []
    assert team.billing == {"seats": 5}


def test_team_section_of_wrong_type_becomes_none(caplog):
    with caplog.at_level(logging.WARNING):
        team = Team.model_validate({"billing": ["not", "an", "object"]})

    assert team.billing is None
    assert "Ignored billing" in caplog.text


def test_team_device_configs_read_connect_downloads():
    config = {
        "id": "C-1",
        "name": "Default",
        "connectDownloads": {"macpkg": "m", "winexe": "e", "winmsi": "i"},
    }

    team = Team.model_validate({"deviceConfigs": [config]})

    downloads = team.device_configs[0].connect_downloads
    assert (downloads.macpkg, downloads.winexe, downloads.winmsi) == ("m", "e", "i")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"firstName": " Ann ", "lastName": "Lee"}, "Ann Lee", id="full"),
        pytest.param({"firstName": "Ann"}, "Ann", id="first-only"),
        pytest.param({"lastName": "Lee", "email": "a@x"}, "Lee", id="last-only"),
        pytest.param(
            {"email": "ann@example.com", "id": "U-1"}, "ann@example.com", id="email"
        ),
        pytest.param({"firstName": " ", "id": "U-1"}, "U-1", id="id"),
        pytest.param({}, "", id="nothing"),
    ],
)
def test_user_name_falls_back_to_email_then_id(fields, expected):
    assert User.model_validate(fields).name == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param("admin", True, id="admin"),
        pytest.param("Admin", True, id="capitalised"),
        pytest.param("user", False, id="user"),
        pytest.param(None, False, id="unknown"),
    ],
)
def test_user_is_admin_only_for_admin_role(role, expected):
    assert User(role=role).is_admin is expected


@pytest.mark.parametrize(
    ("remote_access", "expected"),
    [
        pytest.param("enabled", True, id="enabled"),
        pytest.param("disabled", False, id="disabled"),
        pytest.param(None, True, id="unknown"),
        pytest.param("paused", True, id="other"),
    ],
)
def test_user_remote_access_enabled_unless_disabled(remote_access, expected):
    assert User(remote_access=remote_access).remote_access_enabled is expected


@pytest.mark.parametrize(
    ("body_name", "kind"),
    [
        pytest.param("incomingConnectionEvent", "incoming_connection", id="incoming"),
        pytest.param("incomingConnectionRequest", "connection_request", id="request"),
        pytest.param("authSucceededEvent", "auth_succeeded", id="auth-succeeded"),
        pytest.param("authFailedEvent", "auth_failed", id="auth-failed"),
        pytest.param("connectionClosedEvent", "connection_closed", id="closed"),
    ],
)
def test_device_event_kind_follows_present_body(body_name, kind):
    body = {"connectionID": "C-1", "peerInfo": {"email": "ann@example.com"}}

    event = DeviceEvent.model_validate({"timestamp": 1_700_000_000, body_name: body})

    assert event.kind == kind
    assert event.body.connection_id == "C-1"
    assert event.peer_email == "ann@example.com"
    assert event.timestamp == NOV_14_2023


def test_device_event_without_body_is_unknown():
    event = DeviceEvent.model_validate({"deviceID": "D-1", "somethingNew": {}})

    assert event.kind == "unknown"
    assert event.body is None
    assert event.peer_email is None


def test_device_event_body_reads_all_fields():
    event = DeviceEvent.model_validate(
        {
            "computerHostName": "lab-1",
            "connectionClosedEvent": {
                "connectionID": "C-1",
                "peerInfo": {"email": "ann@example.com", "ipAddress": "198.51.100.4"},
                "peerID": "P-1",
                "sourceType": 2,
                "tunnelID": "X-1",
                "associatedIncomingConnectionEvent": {"connectionID": "C-0"},
            },
        }
    )

    body = event.body
    assert event.computer_host_name == "lab-1"
    assert body.peer_info.ip_address == "198.51.100.4"
    assert (body.peer_id, body.source_type, body.tunnel_id) == ("P-1", "2", "X-1")
    assert body.associated_incoming_connection_event == {"connectionID": "C-0"}


@pytest.mark.parametrize(
    ("answer", "has_more", "next_offset"),
    [
        pytest.param({}, False, None, id="empty"),
        pytest.param({"hasMoreEvents": True, "nextOffset": 50}, True, 50, id="more"),
        pytest.param(
            {"hasMoreEvents": None, "nextOffset": None}, False, None, id="nulls"
        ),
        pytest.param(
            {"hasMoreEvents": "false", "nextOffset": "20"}, False, 20, id="text"
        ),
    ],
)
def test_history_page_paging_fields(answer, has_more, next_offset):
    page = HistoryPage.model_validate(answer)

    assert page.device_events == []
    assert page.has_more_events is has_more
    assert page.next_offset == next_offset


def test_history_page_odd_event_is_dropped():
    events = [{"deviceID": "D-1"}, {"authFailedEvent": "broken"}, {"deviceID": "D-3"}]

    page = HistoryPage.model_validate({"deviceEvents": events})

    assert [event.device_id for event in page.device_events] == ["D-1", "D-3"]
