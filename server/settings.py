"""The server's settings: flags, then environment, then a JSON file, then defaults.

Every setting is also an environment variable `JUMPDESKTOP_<NAME>` and a key of
the JSON config file named by `JUMPDESKTOP_CONFIG` or `--config`.
"""

import ipaddress
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    JsonConfigSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as SourceError

DEFAULT_BASE_URL = "https://api.jumpdesktop.com/v1"
TEAM_ID_PATTERN = re.compile(r"T-[A-Za-z0-9]{20,30}")

TOKEN_HELP = (
    "no Jump Desktop API token: make one in the Jump Desktop dashboard "
    "(Security → Generate new token) and set JUMPDESKTOP_API_TOKEN, "
    "or try the built-in demo team with `jumpdesktop-mcp --demo`"
)


ENV_JSON_HELP = (
    "list and map settings are JSON in the environment, like "
    """JUMPDESKTOP_ALLOWED_HOSTS='["mcp.example"]' or """
    """JUMPDESKTOP_TEAMS='{"Lab": "T-…"}'"""
)


class SettingsError(Exception):
    """The settings cannot start a server; the message is one line for a human."""


class Settings(BaseSettings):
    """Everything the server can be told, with the defaults it starts from."""

    model_config = SettingsConfigDict(
        env_prefix="JUMPDESKTOP_",
        extra="forbid",
        hide_input_in_errors=True,
    )

    api_token: SecretStr | None = Field(
        None, description="API token of a team member (admins see everything)."
    )
    team_id: str | None = Field(
        None, description="Default team, e.g. T-01DC001CDDA14H5634420248."
    )
    teams: dict[str, str] = Field(
        default_factory=dict,
        description="Other teams this server may use, as name → team id.",
    )
    base_url: str = Field(DEFAULT_BASE_URL, description="Jump Desktop API base URL.")
    read_only: bool = Field(True, description="Leave out the tools that change a team.")
    transport: Literal["stdio", "http"] = Field("stdio", description="MCP transport.")
    host: str = Field("127.0.0.1", description="HTTP transport: address to bind.")
    port: int = Field(8787, ge=1, le=65535, description="HTTP transport: port.")
    access_key: SecretStr | None = Field(
        None, description="HTTP transport: bearer key clients must send."
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="HTTP transport: Host values accepted off loopback.",
    )
    signing_key: SecretStr | None = Field(
        None, description="Signs cursors and confirmations; share between replicas."
    )
    request_timeout: float = Field(
        15.0, gt=0, le=120, description="Seconds to wait for the Jump Desktop API."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Logging level on stderr."
    )
    demo: bool = Field(False, description="Serve the embedded sandbox team.")
    config: Path | None = Field(None, description="JSON config file.")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("team_id", mode="before")
    @classmethod
    def _blank_team_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("api_token", "access_key", "signing_key", mode="before")
    @classmethod
    def _blank_secret_is_none(cls, value: Any) -> Any:
        # A blank access key would let through anyone who sends "Bearer ".
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def token(self) -> str | None:
        return self.api_token.get_secret_value() if self.api_token else None

    @property
    def binds_loopback(self) -> bool:
        return is_loopback(self.host)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file is named by a flag or the environment, so it is only known
        # once those two have been read; it ranks below both.
        flags = getattr(init_settings, "init_kwargs", {})
        path = flags.get("config") or os.environ.get("JUMPDESKTOP_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path:
            sources.append(JsonConfigSettingsSource(settings_cls, json_file=path))
        return tuple(sources)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """`host` as a URL or a Host header spells it: an IPv6 address in brackets."""
    bare = host.strip("[]")
    return f"[{bare}]" if ":" in bare else bare


def load_settings(**flags: Any) -> Settings:
    """Read the settings, with `flags` (unset ones left out) ranking first.

    Raises SettingsError with one line a person can act on.
    """
    flags = {name: value for name, value in flags.items() if value is not None}
    _check_config_file(flags.get("config") or os.environ.get("JUMPDESKTOP_CONFIG"))

    try:
        settings = Settings(**flags)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    except SourceError as exc:  # an environment variable that must be JSON
        raise SettingsError(f"{exc}: {ENV_JSON_HELP}") from None
    except ValueError as exc:  # the JSON file did not parse
        raise SettingsError(f"the config file is not valid JSON: {exc}") from None

    check_settings(settings)
    return settings


def check_settings(settings: Settings) -> None:
    """Refuse settings that could not serve a team, or not safely."""
    if not settings.demo:
        _check_team_access(settings)

    # The demo team too: off loopback, nothing else keeps strangers out.
    guarded = settings.access_key is not None and settings.allowed_hosts
    if settings.transport == "http" and not settings.binds_loopback and not guarded:
        raise SettingsError(
            f"serving HTTP on {settings.host} needs JUMPDESKTOP_ACCESS_KEY "
            "(clients send it as a bearer token) and JUMPDESKTOP_ALLOWED_HOSTS "
            "(the Host names clients use); or bind 127.0.0.1"
        )


def _check_team_access(settings: Settings) -> None:
    if settings.token is None:
        raise SettingsError(TOKEN_HELP)

    for team_id in [settings.team_id, *settings.teams.values()]:
        if team_id is not None and not TEAM_ID_PATTERN.fullmatch(team_id):
            raise SettingsError(
                f"{team_id!r} does not look like a Jump Desktop team id "
                "(T- and 20 to 30 letters and digits, as in the dashboard URL "
                "app.jumpdesktop.com/dashboard/teams/<id>)"
            )


def _check_config_file(path: str | os.PathLike[str] | None) -> None:
    if path and not Path(path).is_file():
        raise SettingsError(f"config file {str(path)!r} does not exist")


def _describe(exc: ValidationError) -> str:
    # Only setting names and pydantic's reason: values may be secrets.
    problems = [
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
        for error in exc.errors()
    ]
    return "invalid settings: " + "; ".join(problems)
