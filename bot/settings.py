"""Settings: the only module that reads the process environment.

Every value is validated up front. A bad or missing value raises :class:`SettingsError` whose
message is one line naming the variable and pointing at ``.env.example``; the entry point turns it
into exit code 2 without a traceback. The token is never part of any message or ``repr``.

Nothing here depends on where the code is installed: relative paths are read against the working
directory (where ``.env`` is read from too), the database defaults to ``var/runon.sqlite3`` under
the working directory, and the show pack defaults to the copy shipped inside the package.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE = Path("var") / "runon.sqlite3"  # relative to the working directory
API_VERSION_PATH = "/api/v10"  # the API version discord.py 2.7 speaks
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: Every variable this module reads. Tests strip them so a developer's shell cannot change results.
VARIABLES = (
    "DISCORD_TOKEN",
    "DISCORD_APPLICATION_ID",
    "DEV_GUILD_ID",
    "DATABASE_PATH",
    "SHOW_PACK",
    "LOG_LEVEL",
    "DISCORD_API_BASE",
    "DISCORD_RATE_LIMIT",
    "DATABASE_URL",
    "SHARD_COUNT",
    "SHARD_IDS",
    "CLUSTER_COUNT",
    "CLUSTER_INDEX",
)


class SettingsError(Exception):
    """A setting is missing or malformed. ``str(error)`` is the one line shown to the admin."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} {problem} (see .env.example)")


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None = field(repr=False)
    database_path: Path
    #: ``None``: the show pack shipped with the package (``bot.showpack``, read with importlib.resources).
    show_pack: Path | None
    dev_guild_id: int | None
    log_level: str
    application_id: int | None
    #: ``None``: Discord itself. Otherwise an HTTP base such as a rate-limit proxy's ``http://proxy:8080/api/v10``.
    api_base: str | None = None
    #: Discord's global limit for this bot, requests a second (50 unless Discord raised it for a large bot). The
    #: bot's own posts (reminders, announcements) are paced at 90 % of it, leaving room for command answers.
    rate_limit: float = 50.0
    #: ``postgresql://user:password@host/db``: use PostgreSQL instead of the SQLite file (several processes).
    database_url: str | None = field(default=None, repr=False)
    #: Sharding: how many shards the bot has in all, and the ones this process runs (None: unsharded).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def database(self) -> str:
        """What the bot opens: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or str(self.database_path)

    def require_token(self) -> str:
        if not self.token:
            raise SettingsError("DISCORD_TOKEN", "is not set; put the bot token in .env")
        return self.token

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))

    @property
    def show_pack_label(self) -> str:
        return str(self.show_pack) if self.show_pack is not None else "the pack shipped with the bot"


def _snowflake(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 15 <= len(raw) <= 21:
        raise SettingsError(name, f"must be a Discord ID (15-21 digits), got {raw[:30]!r}")
    return int(raw)


def _path(env: Mapping[str, str], name: str, cwd: Path) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    return path if path.is_absolute() else cwd / path


def _api_base(env: Mapping[str, str]) -> str | None:
    raw = env.get("DISCORD_API_BASE", "").strip().rstrip("/")
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            "DISCORD_API_BASE", "must be an http:// or https:// URL, e.g. http://127.0.0.1:8080/api/v10"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingsError("DISCORD_API_BASE", "must not contain a query, a fragment or credentials")
    if not parts.path.endswith(API_VERSION_PATH):
        raise SettingsError("DISCORD_API_BASE", f"must end with {API_VERSION_PATH}, the API version the bot speaks")
    return raw


def _rate_limit(env: Mapping[str, str]) -> float:
    raw = env.get("DISCORD_RATE_LIMIT", "").strip()
    if not raw:
        return 50.0
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 1 <= value <= 10_000:
        raise SettingsError("DISCORD_RATE_LIMIT", f"must be requests per second from 1 to 10000, got {raw[:20]!r}")
    return value


POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")
_URL_EXAMPLE = "postgresql://user:password@host:5432/runon"


def _database_url(env: Mapping[str, str]) -> str | None:
    """A PostgreSQL URL as the bot's driver (SQLAlchemy with asyncpg) reads it. Messages never quote it: it may
    hold a password (``user:password@`` or ``?password=``)."""
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return None
    import sqlalchemy as sa  # the driver's own parser, so what is checked here is what connects

    def refuse(problem: str) -> SettingsError:
        return SettingsError("DATABASE_URL", f"{problem} (or leave it empty to use the SQLite file)")

    scheme, found, rest = raw.partition("://")
    if not found or scheme not in POSTGRES_SCHEMES:
        raise refuse(f"must be a PostgreSQL URL like {_URL_EXAMPLE}")
    try:
        url = sa.engine.make_url(f"postgresql+asyncpg://{rest}")
        port = url.port if url.port is not None else _query_int(url.query.get("port"))
    except (sa.exc.ArgumentError, ValueError):
        raise refuse(f"cannot be read; write it like {_URL_EXAMPLE}") from None
    host = url.host or url.query.get("host")
    if not host:
        raise refuse("names no host: add @host (or ?host=/path/to/socket-folder for a local socket)")
    if "@" in (url.host or ""):
        raise refuse("has an @ in its host part: write an @ in the user name or password as %40")
    if port is not None and not 0 < port < 65536:
        raise refuse("has a port outside 1-65535")
    if not (url.database or url.query.get("database")):
        raise refuse(f"names no database: end it with /DATABASE, like {_URL_EXAMPLE}")
    unknown = sorted(set(url.query) - _driver_options())
    if unknown:
        hint = " (for TLS write ?ssl=require or ?ssl=verify-full)" if any(k.startswith("ssl") for k in unknown) else ""
        raise refuse(f"has ?{unknown[0]}=, which the PostgreSQL driver (asyncpg) does not take{hint}")
    return raw


def _driver_options() -> set[str]:
    """The query settings that reach the driver: SQLAlchemy passes each one to ``asyncpg.connect`` by name."""
    import inspect

    import asyncpg

    taken = set(inspect.signature(asyncpg.connect).parameters) - {"dsn", "loop", "connection_class", "record_class"}
    return taken | {"prepared_statement_cache_size"}


def database_url_of(raw: str) -> str:
    """A PostgreSQL URL typed at a prompt, checked as DATABASE_URL is (a SettingsError names DATABASE_URL)."""
    url = _database_url({"DATABASE_URL": raw})
    if url is None:
        raise SettingsError("DATABASE_URL", "was not given")
    return url


def _query_int(value: str | tuple[str, ...] | None) -> int | None:
    if value is None:
        return None
    return int(value if isinstance(value, str) else value[-1])


def _count(env: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(name, f"must be a whole number from {low} to {high}, got {raw[:20]!r}")
    return int(raw)


def _shard_list(raw: str, count: int) -> tuple[int, ...]:
    """``0,1,2`` or ``0-3`` (or both: ``0-3,8``)."""
    found: set[int] = set()
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise SettingsError("SHARD_IDS", f"must list shard numbers like 0,1 or 0-3, got {raw[:30]!r}")
        first, last = int(low), int(high or low)
        if first > last or last >= count:
            raise SettingsError("SHARD_IDS", f"lists shards from 0 to {count - 1} (SHARD_COUNT is {count})")
        found.update(range(first, last + 1))
    if not found:
        raise SettingsError("SHARD_IDS", "lists no shard")
    return tuple(sorted(found))


def _sharding(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    count = _count(env, "SHARD_COUNT", 1, 10_000)
    ids_raw = env.get("SHARD_IDS", "").strip()
    clusters = _count(env, "CLUSTER_COUNT", 1, 1_000)
    index = _count(env, "CLUSTER_INDEX", 0, 999)
    if count is None:
        if ids_raw or clusters is not None or index is not None:
            raise SettingsError("SHARD_COUNT", "is needed with SHARD_IDS or CLUSTER_COUNT / CLUSTER_INDEX")
        return None, None
    if ids_raw and (clusters is not None or index is not None):
        raise SettingsError("SHARD_IDS", "and CLUSTER_COUNT / CLUSTER_INDEX say the same thing: give one of them")
    if ids_raw:
        return count, _shard_list(ids_raw, count)
    if clusters is not None or index is not None:
        if clusters is None or index is None:
            raise SettingsError("CLUSTER_INDEX", "and CLUSTER_COUNT go together")
        if index >= clusters:
            raise SettingsError("CLUSTER_INDEX", f"must be below CLUSTER_COUNT ({clusters})")
        if clusters > count:
            raise SettingsError("CLUSTER_COUNT", f"cannot exceed SHARD_COUNT ({count}): a process needs a shard")
        return count, tuple(shard for shard in range(count) if shard % clusters == index)
    return count, tuple(range(count))


def load_settings(env: Mapping[str, str] | None = None, *, cwd: Path | None = None) -> Settings:
    """Build settings from ``env`` (default: ``os.environ``). Validates every value.

    Relative paths are resolved against ``cwd`` (default: the working directory)."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    token = env.get("DISCORD_TOKEN", "").strip() or None
    if token is not None and (len(token) < 50 or token.count(".") != 2 or any(c.isspace() for c in token)):
        raise SettingsError("DISCORD_TOKEN", "does not look like a bot token (three dot-separated parts)")
    level = (env.get("LOG_LEVEL", "").strip() or "INFO").upper()
    if level not in _LEVELS:
        raise SettingsError("LOG_LEVEL", f"must be one of {', '.join(_LEVELS)}")
    database = _path(env, "DATABASE_PATH", cwd) or cwd / DEFAULT_DATABASE
    shard_count, shard_ids = _sharding(env)
    return Settings(
        token=token,
        database_path=database,
        show_pack=_path(env, "SHOW_PACK", cwd),
        dev_guild_id=_snowflake(env, "DEV_GUILD_ID"),
        log_level=level,
        application_id=_snowflake(env, "DISCORD_APPLICATION_ID"),
        api_base=_api_base(env),
        rate_limit=_rate_limit(env),
        database_url=_database_url(env),
        shard_count=shard_count,
        shard_ids=shard_ids,
    )
