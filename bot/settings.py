"""Settings: the only module that reads the process environment.

Every value is validated up front. A bad or missing value raises :class:`SettingsError` whose
message is one line naming the variable and pointing at ``.env.example``; the entry point turns it
into exit code 2 without a traceback. The token is never part of any message or ``repr``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = PROJECT_ROOT / "var" / "runon.sqlite3"
DEFAULT_PACK = PROJECT_ROOT / "data" / "run_on"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """A setting is missing or malformed. ``str(error)`` is the one line shown to the admin."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem} (see .env.example)")


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None = field(repr=False)
    database_path: Path
    show_pack: Path
    dev_guild_id: int | None
    log_level: str
    application_id: int | None

    def require_token(self) -> str:
        if not self.token:
            raise SettingsError("DISCORD_TOKEN", "is not set; put the bot token in .env")
        return self.token

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))


def _snowflake(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        raise SettingsError(name, f"must be a Discord ID (15-21 digits), got {raw[:30]!r}")
    return int(raw)


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: ``os.environ``). Validates every value."""
    env = os.environ if env is None else env
    token = env.get("DISCORD_TOKEN", "").strip() or None
    if token is not None and (len(token) < 50 or token.count(".") != 2 or any(c.isspace() for c in token)):
        raise SettingsError("DISCORD_TOKEN", "does not look like a bot token (three dot-separated parts)")
    level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if level not in _LEVELS:
        raise SettingsError("LOG_LEVEL", f"must be one of {', '.join(_LEVELS)}")
    return Settings(
        token=token,
        database_path=_path(env, "DATABASE_PATH", DEFAULT_DATABASE),
        show_pack=_path(env, "SHOW_PACK", DEFAULT_PACK),
        dev_guild_id=_snowflake(env, "DEV_GUILD_ID"),
        log_level=level,
        application_id=_snowflake(env, "DISCORD_APPLICATION_ID"),
    )
