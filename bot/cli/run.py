"""``run``: log in and serve until SIGTERM or SIGINT (the default command); ``health``: whether it is connected."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import signal
from pathlib import Path

from bot.client import RunOnBot
from bot.locale import load_all
from bot.settings import Settings
from bot.store import Database, DatabaseProblem, backup_into, inspect
from bot.store.database import create_private_folders, redact

from .common import (
    BACKUP_FOLDER,
    EXIT_CONFIG,
    EXIT_OK,
    HEALTHY_WITHIN,
    HEARTBEAT_SECONDS,
    SHUTDOWN_SECONDS,
    StartupError,
    build_bot,
    discord_error,
    health_path,
    load_show_pack,
    log,
    login,
)


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
        report = await asyncio.to_thread(backup_into, path, path.parent / BACKUP_FOLDER)
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
    await login(bot, token, settings, gateway=True)
    try:
        await bot.connect()
    except Exception as error:
        await bot.close()
        raise discord_error(error, settings) or error from None


async def serve(settings: Settings) -> int:
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
        bot = build_bot(settings, catalog, db, serve=True)
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


def health(settings: Settings, args: argparse.Namespace) -> int:
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


def run(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(serve(settings))
