"""python -m bot [run | sync [--guild ID | --clear-guild ID] | check | invite [--client-id ID] | backup PATH | health
| migrate-db | play]

Every failure at start-up ends with one line on stderr that starts with ``error:`` and a non-zero exit
code (see ``EXIT_*``); never a traceback, never a hang. SIGTERM and SIGINT stop a running bot cleanly
(exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import datetime as dt
import getpass
import json
import logging
import math
import os
import signal
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from dotenv import load_dotenv

from .catalog import Catalog, PackError, load_catalog
from .client import RunOnBot, ShardedRunOnBot, invite_url, required_permissions
from .locale import CatalogueMissing, languages, load_all, native_name
from .permissions import FEATURES, humanize, required_permission_names
from .settings import Settings, SettingsError, database_url_of, load_settings
from .store import Database, DatabaseProblem, backup, inspect, latest_version
from .store.copy import copy_database, schema_version_of
from .store.database import backup_name, create_private_folders, redact

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="runon-bot: the Run On fan-server bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="log in and serve (the default); migrates the database first, after a backup")
    sync = sub.add_parser("sync", help="publish the slash commands globally or to one server, then exit")
    where = sync.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, metavar="ID", help="sync only this server (instant)")
    where.add_argument(
        "--clear-guild", type=int, metavar="ID", help="remove the server-only copies from this server (after testing)"
    )
    sub.add_parser("play", help="try the bot in your terminal, without a Discord app (python -m bot play --help)")
    sub.add_parser("check", help="validate settings, the data pack and the database; no network, writes nothing")
    invite = sub.add_parser("invite", help="print the invite URL with exactly the permissions the bot needs")
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: DISCORD_APPLICATION_ID or the token)"
    )
    sub.add_parser("health", help="exit 0 if the running bot is connected to Discord (for health checks)")
    move = sub.add_parser(
        "migrate-db",
        help="copy the SQLite database into an empty PostgreSQL database (DATABASE_URL, or asked for)",
        description="Copy the SQLite file (DATABASE_PATH) into the empty PostgreSQL database named by DATABASE_URL "
        "(environment or .env); without it, the URL is asked for in the terminal. Never pass the URL as an "
        "argument: it would stay in the shell's history and show in the process list.",
    )
    # Refused with a clear message (a URL there would already be in the shell's history; argparse would echo it).
    move.add_argument("--to", dest="url_in_argv", metavar="URL", help=argparse.SUPPRESS)
    move.add_argument("stray", nargs="*", help=argparse.SUPPRESS)
    copy = sub.add_parser("backup", help="copy the database consistently, also while the bot runs")
    copy.add_argument(
        "path", help="the backup file to create, or a folder (existing, or ending in /) for a timestamped file"
    )
    return parser


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


# -- building blocks ------------------------------------------------------------------------------


def load_show_pack(settings: Settings) -> Catalog:
    """The configured pack, or the one shipped inside the package (found with importlib.resources)."""
    if settings.show_pack is not None:
        return load_catalog(settings.show_pack)
    with resources.as_file(resources.files("bot.showpack") / "run_on") as folder:
        return load_catalog(Path(folder))


def _build_bot(settings: Settings, catalog: Catalog, db: Database, *, serve: bool = False) -> RunOnBot:
    from .reminders import SenderOptions
    from .services import Services

    services = Services.build(catalog, db, sender=SenderOptions(global_limit=settings.rate_limit))
    dev_guild = settings.dev_guild_id if serve else None
    if serve and settings.shard_count is not None:
        return ShardedRunOnBot(
            services,
            dev_guild_id=dev_guild,
            background_tasks=True,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids or ()),
        )
    return RunOnBot(services, dev_guild_id=dev_guild, background_tasks=serve)


def _point_at(settings: Settings) -> None:
    """Send every REST call to DISCORD_API_BASE (a rate-limit proxy, or the tests' stand-in)."""
    if settings.api_base is not None:
        discord.http.Route.BASE = settings.api_base


def _discord_error(error: BaseException, settings: Settings) -> StartupError | None:
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


async def _login(bot: RunOnBot, token: str, settings: Settings, *, gateway: bool = False) -> None:
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
        raise _discord_error(error, settings) or error from None


# -- run ------------------------------------------------------------------------------------------


async def open_for_run(settings: Settings) -> Database:
    """Refuse an unusable database; back it up before migrating an existing one; open it."""
    if settings.database_url is not None:  # PostgreSQL: back it up with pg_dump before upgrading (README)
        db = await Database.open(settings.database_url)
        log.info("using PostgreSQL %s (schema version %d)", redact(settings.database_url), await db.version())
        return db
    path = settings.database_path
    status = inspect(path)
    refusal = status.refusal()
    if refusal:
        raise DatabaseProblem(refusal)
    if status.exists and status.version > 0 and status.pending:
        target = path.parent / BACKUP_FOLDER / backup_name(path, status.version, dt.datetime.now(dt.UTC))
        report = await asyncio.to_thread(backup, path, target)
        log.info(
            "backed up %s (schema %d) to %s before migrating to schema %d",
            path, status.version, report.target, status.latest,
        )  # fmt: skip
    db = await Database.open(path)
    if not status.exists or status.version == 0:
        log.info("created the database %s (schema version %d)", path, status.latest)
    elif status.pending:
        log.info("migrated the database %s to schema version %d", path, status.latest)
    return db


def health_path(settings: Settings) -> Path:
    """The heartbeat file, beside the database: ``var/runon.health``."""
    return settings.database_path.with_name(f"{settings.database_path.stem}.health")


def prepare_health_folder(path: Path) -> None:
    """Create the heartbeat file's missing folders ``0700``, whatever the database: with PostgreSQL nothing else
    creates ``var/``, and a heartbeat that cannot be written makes every container report unhealthy."""
    try:
        create_private_folders(path.parent)
    except OSError as error:
        where = error.filename or path.parent
        raise StartupError(
            f"cannot create {where} for the heartbeat file {path.name}: {error.strerror or error}; "
            "make the folder of DATABASE_PATH writable (the heartbeat lives there, also with DATABASE_URL)",
            EXIT_CONFIG,
        ) from None


def _write_private(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def _forget(path: Path) -> None:
    path.unlink(missing_ok=True)


async def _heartbeat(bot: RunOnBot, path: Path) -> None:
    """While the gateway connection is up, rewrite the heartbeat file; remove it when the bot stops."""
    try:
        while True:
            connected = bot.is_ready() and bot.is_connected() and math.isfinite(bot.latency)
            if connected:
                beat = {
                    "at": dt.datetime.now(dt.UTC).timestamp(),
                    "user": str(bot.user),
                    "latency_ms": round(bot.latency * 1000),
                    "guilds": len(bot.guilds),
                    "pid": os.getpid(),
                }
                try:
                    await asyncio.to_thread(_write_private, path, json.dumps(beat))
                except OSError as error:
                    log.warning("could not write the heartbeat %s: %s", path, error)
            await asyncio.sleep(HEARTBEAT_SECONDS if connected else 1.0)
    finally:
        _forget(path)  # a stopped bot has no heartbeat


class _StopSignal:
    """SIGTERM / SIGINT set an event instead of killing the process."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.name = ""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._received, sig)

    def _received(self, sig: signal.Signals) -> None:
        if self.event.is_set():
            log.info("%s again: already stopping (at most %.0f s)", sig.name, SHUTDOWN_SECONDS)
            return
        self.name = sig.name
        self.event.set()


async def _serve(bot: RunOnBot, token: str, settings: Settings) -> None:
    await _login(bot, token, settings, gateway=True)
    try:
        await bot.connect()
    except Exception as error:
        await bot.close()
        raise _discord_error(error, settings) or error from None


async def _run(settings: Settings) -> int:
    token = settings.require_token()
    stop = _StopSignal()
    catalog = load_show_pack(settings)
    load_all()  # every language's messages: a missing catalogue stops the start here, not at a member's answer
    db = await open_for_run(settings)
    try:
        # The time parser's CLDR tables (zone abbreviations from every English locale: 12 MiB, half a second) load
        # at their first use, not at every start: most interactions never read a zone abbreviation.
        heartbeat = health_path(settings)
        prepare_health_folder(heartbeat)
        bot = _build_bot(settings, catalog, db, serve=True)
        beating = asyncio.create_task(_heartbeat(bot, heartbeat), name="runon-heartbeat")
        serving = asyncio.create_task(_serve(bot, token, settings), name="runon-serve")
        stopping = asyncio.create_task(stop.event.wait(), name="runon-stop-signal")
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not stop.event.is_set():
            stopping.cancel()
            beating.cancel()
            serving.result()  # raises what ended it
            return EXIT_OK
        beating.cancel()
        started = asyncio.get_running_loop().time()
        log.info("%s received: stopping (new interactions are answered 'restarting')", stop.name)
        try:
            await asyncio.wait_for(bot.close(), timeout=SHUTDOWN_SECONDS - 1)
        except TimeoutError:
            log.warning("stopping took longer than %.0f s; closing anyway", SHUTDOWN_SECONDS - 1)
        await asyncio.wait({serving}, timeout=0.5)
        if not serving.done():
            serving.cancel()
            await asyncio.wait({serving}, timeout=0.5)
        elif not serving.cancelled() and serving.exception() is not None:
            log.debug("serve task ended with %r while stopping", serving.exception())
        log.info("stopped in %.1f s", asyncio.get_running_loop().time() - started)
        return EXIT_OK
    finally:
        await db.close()


# -- sync -----------------------------------------------------------------------------------------


def _listing(synced: list[discord.app_commands.AppCommand]) -> str:
    return "\n".join(
        f"  /{c.name}" if c.type is discord.AppCommandType.chat_input else f"  [{c.type.name} menu] {c.name}"
        for c in synced
    )


async def _sync(settings: Settings, guild_id: int | None, clear_guild: int | None) -> int:
    token = settings.require_token()
    catalog = load_show_pack(settings)
    # Syncing needs the command tree, not the members' data: an in-memory database keeps it from
    # touching (or migrating) the real one.
    async with await Database.open(":memory:") as db:
        bot = _build_bot(settings, catalog, db)  # no development-guild sync in setup_hook
        await _login(bot, token, settings)  # HTTP only: no gateway connection
        try:
            if clear_guild is not None:
                guild = discord.Object(clear_guild)
                bot.tree.clear_commands(guild=guild)
                await bot.tree.sync(guild=guild)
                print(f"Removed the server-only command copies from guild {clear_guild}.")
                print("Members there now see the global commands only (if you synced them globally).")
            elif guild_id is not None:
                guild = discord.Object(guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                print(f"Synced {len(synced)} commands to guild {guild_id} (visible there at once):")
                print(_listing(synced))
                if await bot.tree.fetch_commands():
                    print(
                        f"Note: the commands are also published globally, so members of guild {guild_id} see each "
                        f"one twice. When you are done testing: python -m bot sync --clear-guild {guild_id}"
                    )
            else:
                synced = await bot.tree.sync()
                print(f"Synced {len(synced)} commands globally (Discord may take a few minutes to show them):")
                print(_listing(synced))
                dev = settings.dev_guild_id
                if dev is not None and await bot.tree.fetch_commands(guild=discord.Object(dev)):
                    print(
                        f"Note: guild {dev} (DEV_GUILD_ID) still has its own copies, so members there see each "
                        f"command twice. Remove them with: python -m bot sync --clear-guild {dev}"
                    )
        except Exception as error:
            raise _discord_error(error, settings) or error from None
        finally:
            await bot.close()
    return EXIT_OK


# -- check ----------------------------------------------------------------------------------------


def describe_commands(bot: RunOnBot) -> list[str]:
    lines: list[str] = []

    def walk(command: Any, prefix: str) -> None:
        if isinstance(command, discord.app_commands.Group):
            for child in command.commands:
                walk(child, f"{prefix}{command.name} ")
            return
        if isinstance(command, discord.app_commands.ContextMenu):
            lines.append(f"  [{command.type.name} menu] {command.name}")
            return
        options = " ".join(f"{p.display_name}:" if p.required else f"[{p.display_name}:]" for p in command.parameters)
        lines.append(f"  /{prefix}{command.name} {options}".rstrip())

    for command in bot.tree.get_commands():
        walk(command, "")
    return lines


async def _postgres_lines(url: str) -> tuple[list[str], list[str]]:
    """check on PostgreSQL: connect and read the schema version (a SELECT; nothing is created or migrated)."""
    try:
        version = await schema_version_of(url)
    except DatabaseProblem as problem:
        return [], [str(problem)]
    latest = latest_version()
    where = f"Database: PostgreSQL {redact(url)}"
    if version > latest:
        return [], [f"{where} has schema version {version}, newer than this version of the bot ({latest})"]
    if version == 0:
        return [f"{where} is empty; run creates the schema (version {latest})"], []
    if version < latest:
        return [f"{where}: schema version {version} of {latest}; run applies {latest - version} migration(s)"], []
    return [f"{where}: schema version {version} of {latest} (up to date)"], []


def _database_lines(settings: Settings) -> tuple[list[str], list[str]]:
    """What check says about the database, and its problems. Reads only: never creates or migrates."""
    status = inspect(settings.database_path)
    lines: list[str] = []
    problems: list[str] = []
    refusal = status.refusal()
    if refusal:
        problems.append(refusal)
    elif not status.exists:
        lines.append(f"Database: {status.path} does not exist yet; run creates it (schema version {status.latest})")
    elif status.pending:
        lines.append(
            f"Database: schema version {status.version} of {status.latest}; run backs it up, then applies "
            f"{status.pending} migration(s)"
        )
    else:
        lines.append(f"Database: schema version {status.version} of {status.latest} (up to date)")
    if status.exists and not status.problem:
        mode = status.path.stat().st_mode & 0o777
        if mode & 0o077:
            lines.append(f"  note: {status.path} is readable by other users (mode {mode:o}); chmod 600 it")
    return lines, problems


async def _check(settings: Settings) -> int:
    problems: list[str] = []
    print(
        f"Settings: database {redact(settings.database)}, show pack {settings.show_pack_label}, "
        f"log level {settings.log_level}"
    )
    print(f"  DISCORD_TOKEN {'is set' if settings.token else 'is not set (needed for run and sync)'}")
    print(f"  DEV_GUILD_ID {settings.dev_guild_id or 'not set: run syncs nothing; use python -m bot sync'}")
    if settings.api_base:
        print(f"  DISCORD_API_BASE {settings.api_base} (REST calls go there instead of Discord)")
    try:
        catalog: Catalog | None = load_show_pack(settings)
    except PackError as exc:
        problems.extend(exc.problems)
        catalog = None
    if settings.database_url is not None:
        lines, db_problems = await _postgres_lines(settings.database_url)
    else:
        lines, db_problems = _database_lines(settings)
    print("\n".join(lines))
    problems.extend(db_problems)
    try:
        load_all()
        print("Languages: " + ", ".join(f"{native_name(lang)} ({lang})" for lang in languages()))
    except CatalogueMissing as exc:
        problems.append(str(exc))
    if catalog is not None:
        show = catalog.show
        print(f"Show: {show.title} ({show.title_korean}) on {show.network}, streaming on {show.streaming}")
        slots = ", ".join(f"{s.weekday_name} {s.time:%H:%M}" for s in show.slots)
        run = f"{show.first_air_date} to {show.last_air_date}"
        print(f"  {catalog.episode_count} episodes, {run}; slots {slots} {show.timezone.key}")
        derived = [e.number for e in catalog.episodes if e.date_is_derived]
        no_recap = [e.number for e in catalog.episodes if e.recap_status == "none"]
        print(f"  derived air dates: {derived}; episodes without a recap: {no_recap}")
        aliases = sum(len(p.actor_aliases) + len(p.character_aliases) for p in catalog.people)
        arcs = sum(len(p.arcs) for p in catalog.people)
        print(f"Cast: {len(catalog.people)} people, {aliases} aliases, {arcs} story notes")
        for lang, translated in sorted(catalog.translations.items()):
            print(f"  {lang} texts of the pack: {len(translated)}, each checked against its English twin")
        # The command list needs the features loaded, not the real database: a throw-away one.
        async with await Database.open(":memory:") as scratch:
            bot = _build_bot(settings, catalog, scratch)
            await bot.load_features()
            lines = describe_commands(bot)
            await bot.close()
        print(f"Commands ({len(lines)}):")
        print("\n".join(lines))
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    print("\nAll checks passed.")
    return EXIT_OK


# -- invite, backup -------------------------------------------------------------------------------


def application_id_from_token(token: str) -> int | None:
    """A bot token's first part is the bot user's id in base64; for bots that is the application id."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None


def _invite(settings: Settings, client_id: int | None) -> int:
    app_id = client_id or settings.application_id or (settings.token and application_id_from_token(settings.token))
    if not app_id:
        raise SettingsError("DISCORD_APPLICATION_ID", "is needed for the invite URL (or pass --client-id)")
    perms = required_permissions()
    print(invite_url(app_id))
    names = ", ".join(sorted(humanize(name) for name in required_permission_names()))
    print(f"Permissions ({perms.value}): {names}", file=sys.stderr)
    for feature in FEATURES:
        needed = ", ".join(sorted(humanize(name) for name in feature.permissions))
        asked = "" if feature.invite else " [not in the invite: grant per channel]"
        print(f"  {feature.name}: {needed}{asked}", file=sys.stderr)
    return EXIT_OK


def _health(settings: Settings) -> int:
    """Reads the heartbeat the running bot writes; no network, no writes."""
    path = health_path(settings)
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        age = dt.datetime.now(dt.UTC).timestamp() - float(beat["at"])
    except FileNotFoundError:
        raise StartupError(f"no heartbeat at {path}: the bot is not running, or not connected yet", 1) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StartupError(f"cannot read the heartbeat {path}: {error}", 1) from None
    if age > HEALTHY_WITHIN:
        raise StartupError(f"the last heartbeat is {age:.0f} s old: the bot is not connected to Discord", 1)
    print(
        f"healthy: connected as {beat.get('user')}, gateway latency {beat.get('latency_ms')} ms, "
        f"{beat.get('guilds')} servers, last heartbeat {max(age, 0):.0f} s ago"
    )
    return EXIT_OK


def _backup(settings: Settings, where: str) -> int:
    if settings.database_url is not None:
        raise DatabaseProblem(
            "backup copies the SQLite file; for PostgreSQL use pg_dump (README: Growing past one machine)"
        )
    target = Path(where).expanduser()
    target = target if target.is_absolute() else Path.cwd() / target
    if where.endswith(("/", os.sep)) and not target.exists() and inspect(settings.database_path).exists:
        target.mkdir(mode=0o700, parents=True)  # "backups/": a folder, created private
    report = backup(settings.database_path, target)
    print(
        f"Backed up {settings.database_path} (schema version {report.version}, {report.size / 1024:.0f} KiB) "
        f"to {report.target}"
    )
    return EXIT_OK


MIGRATE_PROMPT = "PostgreSQL URL to copy into, like postgresql://user:password@host:5432/runon (typing is hidden): "
URL_IN_ARGV = (
    "migrate-db takes no URL on the command line (it would stay in the shell's history and show in the process "
    "list); set DATABASE_URL in the environment or .env, or run migrate-db in a terminal to be asked for it"
)


def _refuse_while_running(settings: Settings) -> None:
    """A fresh heartbeat means a bot is serving from this database: a copy taken now would miss what it writes next,
    and members' later changes would be lost when the bot moves to PostgreSQL."""
    path = health_path(settings)
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        age = dt.datetime.now(dt.UTC).timestamp() - float(beat["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return  # no heartbeat (or not a readable one): no connected bot
    if age <= HEALTHY_WITHIN:
        raise DatabaseProblem(
            f"the bot is running on {settings.database_path} (its heartbeat {path} is {max(age, 0):.0f} s old); stop "
            "it first, so nothing changes during the copy, then run migrate-db again"
        )


def _migration_target(settings: Settings) -> str:
    """DATABASE_URL, or the URL typed at a hidden prompt; never argv."""
    if settings.database_url is not None:
        return settings.database_url
    if not sys.stdin.isatty():
        raise SettingsError(
            "DATABASE_URL",
            "is needed by migrate-db: set it (environment or .env) to the empty PostgreSQL database to copy into, "
            "or run migrate-db in a terminal to be asked for it",
        )
    try:
        typed = getpass.getpass(MIGRATE_PROMPT).strip()
    except EOFError:
        typed = ""
    if not typed:
        raise SettingsError("DATABASE_URL", "was not given: nothing was copied")
    return database_url_of(typed)


async def _migrate_db(settings: Settings) -> int:
    """Back up the SQLite file (DATABASE_PATH), then copy it into an empty PostgreSQL database and check the counts."""
    source = settings.database_path
    status = inspect(source)
    if not status.exists:
        raise DatabaseProblem(f"there is no SQLite database at {source} to copy (DATABASE_PATH)")
    if status.refusal():
        raise DatabaseProblem(str(status.refusal()))
    _refuse_while_running(settings)
    target = _migration_target(settings)
    copy = source.parent / BACKUP_FOLDER / backup_name(source, status.version, dt.datetime.now(dt.UTC))
    report = await asyncio.to_thread(backup, source, copy)
    print(f"Backed up {source} (schema version {report.version}) to {report.target} first.")
    counts = await copy_database(source, target)
    width = max(len(name) for name in counts)
    print(f"Copied {source} to {redact(target)}; rows in each table (checked on both sides):")
    for name, count in counts.items():
        print(f"  {name:<{width}}  {count:>9,}")
    follow = "Start the bot" if settings.database_url is not None else "Set DATABASE_URL to that URL and start the bot"
    print(f"{follow}; it now uses PostgreSQL. Keep the backup above.")
    return EXIT_OK


# -- entry point ----------------------------------------------------------------------------------


def _one_line(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["play"]:  # the playground has its own options and needs no settings: bot/play
        from .play import main as play

        return play(arguments[1:])
    args = _parser().parse_args(arguments)
    load_dotenv(Path.cwd() / ".env")  # the working directory's .env; real environment variables win
    settings: Settings | None = None
    try:
        settings = load_settings()
        _point_at(settings)
        _configure_logging(settings)
        command = args.command or "run"
        if command == "check":
            return asyncio.run(_check(settings))
        if command == "invite":
            return _invite(settings, args.client_id)
        if command == "backup":
            return _backup(settings, args.path)
        if command == "migrate-db":
            if args.url_in_argv is not None or args.stray:
                raise StartupError(URL_IN_ARGV, EXIT_CONFIG)
            return asyncio.run(_migrate_db(settings))
        if command == "health":
            return _health(settings)
        if command == "sync":
            return asyncio.run(_sync(settings, args.guild, args.clear_guild))
        return asyncio.run(_run(settings))
    except SettingsError as exc:
        return _one_line(str(exc), EXIT_CONFIG)
    except CatalogueMissing as exc:
        return _one_line(str(exc), EXIT_CONFIG)
    except PackError as exc:
        more = len(exc.problems) - 1
        rest = f" (and {more} more: python -m bot check lists them all)" if more else ""
        return _one_line(f"the show pack is invalid: {exc.problems[0]}{rest}", EXIT_CONFIG)
    except DatabaseProblem as exc:
        return _one_line(str(exc), EXIT_DATABASE)
    except StartupError as exc:
        return _one_line(str(exc), exc.code)
    except BrokenPipeError:
        # The reader went away (python -m bot check | head -2): stop quietly, and keep Python from
        # complaining while it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # Ctrl-C outside run (which stops cleanly on its own)
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.debug("unexpected error", exc_info=exc)
        hint = "" if settings and settings.log_level == "DEBUG" else " (LOG_LEVEL=DEBUG shows the details)"
        return _one_line(f"unexpected {type(exc).__name__}: {exc}{hint}", EXIT_PROBLEMS)


if __name__ == "__main__":
    sys.exit(main())
