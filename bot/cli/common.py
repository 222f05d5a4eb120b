"""What every command of the program shares: exit codes, the one start-up error, the show pack, building the bot
and logging in to Discord."""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import aiohttp
import discord
import yarl

from bot.app import App
from bot.catalog import Catalog, load_catalog
from bot.client import RunOnBot, ShardedRunOnBot
from bot.reminders import SenderOptions
from bot.settings import Settings
from bot.store import Database

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_PROBLEMS = 1  # check found problems; or something unexpected
EXIT_CONFIG = 2  # a setting, the data pack, or the token Discord refused: fix the configuration
EXIT_DATABASE = 3  # the database cannot be used
EXIT_DISCORD = 4  # Discord could not be reached (network, outage): worth retrying later
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program whose reader went away (128 + SIGPIPE)

#: From SIGTERM / SIGINT to the process exiting, at most (systemd and Docker wait 10 s by default).
SHUTDOWN_SECONDS = 8.0
#: A running, connected bot rewrites its heartbeat file this often; ``health`` calls it stale after HEALTHY_WITHIN.
HEARTBEAT_SECONDS = 20.0
HEALTHY_WITHIN = 90.0
BACKUP_FOLDER = "backups"  # beside the database: where run keeps the copy it takes before migrating


class StartupError(Exception):
    """A start-up failure already phrased for the admin; ``code`` is the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def load_show_pack(settings: Settings) -> Catalog:
    """The configured pack, or the one shipped inside the package (found with importlib.resources)."""
    if settings.show_pack is not None:
        return load_catalog(settings.show_pack)
    with resources.as_file(resources.files("bot.showpack") / "run_on") as folder:
        return load_catalog(Path(folder))


def build_bot(settings: Settings, catalog: Catalog, db: Database, *, serve: bool = False) -> RunOnBot:
    app = App(catalog, db, sender=SenderOptions(global_limit=settings.rate_limit))
    dev_guild = settings.dev_guild_id if serve else None
    if serve and settings.shard_count is not None:
        return ShardedRunOnBot(
            app,
            dev_guild_id=dev_guild,
            background_tasks=True,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids or ()),
        )
    return RunOnBot(app, dev_guild_id=dev_guild, background_tasks=serve)


def point_at(settings: Settings) -> None:
    """Send every REST call to DISCORD_API_BASE (a rate-limit proxy, or the tests' stand-in)."""
    if settings.api_base is not None:
        discord.http.Route.BASE = settings.api_base


def discord_error(error: BaseException, settings: Settings) -> StartupError | None:
    """A one-line explanation for a failure to talk to Discord at start-up, or None if it is something else."""
    where = settings.api_base or "Discord"
    if isinstance(error, discord.LoginFailure):
        return StartupError(
            "DISCORD_TOKEN was refused by Discord; copy a fresh token from the Developer Portal (see .env.example)",
            EXIT_CONFIG,
        )
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return StartupError("Discord refused the gateway intents the bot asked for (this is a bug)", EXIT_CONFIG)
    if isinstance(error, discord.ConnectionClosed) and error.code == 4004:
        return StartupError("the gateway refused DISCORD_TOKEN; copy a fresh token (see .env.example)", EXIT_CONFIG)
    if isinstance(error, discord.ConnectionClosed):
        return StartupError(f"the Discord gateway closed the connection (code {error.code})", EXIT_DISCORD)
    if isinstance(error, discord.HTTPException):
        return StartupError(
            f"{where} answered {error.status} {error.text or ''}".rstrip() + "; try again later", EXIT_DISCORD
        )
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError | discord.GatewayNotFound):
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return StartupError(f"cannot reach {where}: {reason}; check the network", EXIT_DISCORD)
    return None


async def login(bot: RunOnBot, token: str, settings: Settings, *, gateway: bool = False) -> None:
    """Log in over HTTP (this runs setup_hook, which loads every feature); with ``gateway``, also find the
    websocket URL when DISCORD_API_BASE is set. On failure the bot is closed and a StartupError raised."""
    try:
        await bot.login(token)
        if gateway and settings.api_base is not None:
            # A non-sharded discord.py client connects to its built-in gateway URL; ask the configured API
            # where the gateway is instead (as the sharded client does), so a stand-in can serve both.
            _, url, _ = await bot.http.get_bot_gateway()
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    except Exception as error:
        await bot.close()
        raise discord_error(error, settings) or error from None


def health_path(settings: Settings) -> Path:
    """The heartbeat file, beside the database: ``var/runon.health``."""
    return settings.database_path.with_name(f"{settings.database_path.stem}.health")
