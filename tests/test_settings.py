import json
from pathlib import Path

import pytest

from server.settings import DEFAULT_BASE_URL, SettingsError, load_settings, url_host

TEAM = "T-01DC001CDDA14H5634420248"
OTHER_TEAM = "T-01HZX4M2K9QWERTY12345678"


def write_config(tmp_path: Path, **values: object) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(values))
    return path


def test_load_settings_defaults_are_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUMPDESKTOP_API_TOKEN", "tok-123")

    settings = load_settings()

    assert settings.read_only is True
    assert settings.host == "127.0.0.1"
    assert settings.transport == "stdio"
    assert settings.base_url == DEFAULT_BASE_URL


def test_load_settings_flags_beat_environment_beat_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = write_config(tmp_path, api_token="file-tok", port=1111, team_id=TEAM)
    monkeypatch.setenv("JUMPDESKTOP_CONFIG", str(config))
    monkeypatch.setenv("JUMPDESKTOP_PORT", "2222")
    monkeypatch.setenv("JUMPDESKTOP_TEAM_ID", OTHER_TEAM)

    settings = load_settings(port=3333)

    assert settings.port == 3333
    assert settings.team_id == OTHER_TEAM
    assert settings.token == "file-tok"


def test_load_settings_reads_the_file_named_by_the_flag(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, api_token="file-tok", teams={"Lab": OTHER_TEAM}, read_only=False
    )

    settings = load_settings(config=str(config))

    assert settings.teams == {"Lab": OTHER_TEAM}
    assert settings.read_only is False


def test_load_settings_without_a_token_says_how_to_get_one() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "Security → Generate new token" in message
    assert "--demo" in message
    assert "\n" not in message


def test_load_settings_demo_needs_no_token() -> None:
    assert load_settings(demo=True).demo is True


@pytest.mark.parametrize(
    "team_id",
    [
        pytest.param("01DC001CDDA14H5634420248", id="no-prefix"),
        pytest.param("T-short", id="too-short"),
        pytest.param("T-01DC001CDDA14H5634420248/../x", id="path"),
    ],
)
def test_load_settings_refuses_a_malformed_team_id(
    monkeypatch: pytest.MonkeyPatch, team_id: str
) -> None:
    monkeypatch.setenv("JUMPDESKTOP_API_TOKEN", "tok-123")
    monkeypatch.setenv("JUMPDESKTOP_TEAM_ID", team_id)

    with pytest.raises(SettingsError, match="does not look like a Jump Desktop team"):
        load_settings()


def test_load_settings_never_shows_the_token_in_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUMPDESKTOP_API_TOKEN", "secret-tok-9f8e")
    monkeypatch.setenv("JUMPDESKTOP_PORT", "secret-tok-9f8e")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    assert "secret-tok-9f8e" not in str(caught.value)
    assert "port" in str(caught.value)


def test_settings_repr_hides_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUMPDESKTOP_API_TOKEN", "secret-tok-9f8e")

    settings = load_settings()

    assert "secret-tok-9f8e" not in repr(settings)
    assert "secret-tok-9f8e" not in settings.model_dump_json()


def test_load_settings_refuses_http_off_loopback_without_a_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUMPDESKTOP_API_TOKEN", "tok-123")

    with pytest.raises(SettingsError, match="JUMPDESKTOP_ACCESS_KEY"):
        load_settings(transport="http", host="0.0.0.0")


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param({"JUMPDESKTOP_API_TOKEN": "tok-123"}, id="real-team"),
        pytest.param({"JUMPDESKTOP_DEMO": "true"}, id="demo-team"),
    ],
)
@pytest.mark.parametrize(
    "blank", [pytest.param("", id="empty"), pytest.param("  ", id="spaces")]
)
def test_load_settings_blank_access_key_off_loopback_is_refused(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], blank: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("JUMPDESKTOP_ACCESS_KEY", blank)
    monkeypatch.setenv("JUMPDESKTOP_ALLOWED_HOSTS", '["mcp.example"]')

    with pytest.raises(SettingsError, match="JUMPDESKTOP_ACCESS_KEY"):
        load_settings(transport="http", host="0.0.0.0")


def test_load_settings_demo_off_loopback_needs_a_key() -> None:
    with pytest.raises(SettingsError, match="JUMPDESKTOP_ACCESS_KEY"):
        load_settings(demo=True, transport="http", host="0.0.0.0")


def test_load_settings_environment_list_not_json_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUMPDESKTOP_API_TOKEN", "tok-123")
    monkeypatch.setenv("JUMPDESKTOP_ALLOWED_HOSTS", "mcp.example")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert "allowed_hosts" in str(raised.value)
    assert """JUMPDESKTOP_ALLOWED_HOSTS='["mcp.example"]'""" in str(raised.value)
    assert "config file" not in str(raised.value)


def test_load_settings_config_file_not_json_says_so(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"api_token": "t",')

    with pytest.raises(SettingsError, match="config file is not valid JSON"):
        load_settings(config=str(config))


def test_load_settings_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(config=str(tmp_path / "nope.json"))


def test_load_settings_unknown_config_key_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path, api_token="t", colour="blue")

    with pytest.raises(SettingsError, match="colour"):
        load_settings(config=str(config))


def test_example_config_holds_every_setting_and_no_secret() -> None:
    from server.settings import Settings

    example = json.loads(Path("config.example.json").read_text())

    assert set(example) == set(Settings.model_fields) - {"config"}
    assert example["api_token"] is None
    assert example["access_key"] is None


@pytest.mark.parametrize(
    ("host", "spelled"),
    [
        pytest.param("127.0.0.1", "127.0.0.1", id="ipv4"),
        pytest.param("localhost", "localhost", id="name"),
        pytest.param("::1", "[::1]", id="ipv6"),
        pytest.param("[::1]", "[::1]", id="ipv6-bracketed"),
    ],
)
def test_url_host_brackets_ipv6_once(host: str, spelled: str) -> None:
    assert url_host(host) == spelled
