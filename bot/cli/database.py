"""``backup`` (a consistent copy of the SQLite file, also while the bot runs) and ``migrate-db`` (copy it into an
empty PostgreSQL database)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

from bot.settings import Settings, SettingsError, database_url_of
from bot.store import DatabaseProblem, backup, backup_into, inspect
from bot.store.copy import copy_database
from bot.store.database import redact

from .common import BACKUP_FOLDER, EXIT_CONFIG, EXIT_OK, HEALTHY_WITHIN, StartupError, health_path


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
    report = await asyncio.to_thread(backup_into, source, source.parent / BACKUP_FOLDER)
    print(f"Backed up {source} (schema version {report.version}) to {report.target} first.")
    counts = await copy_database(source, target)
    width = max(len(name) for name in counts)
    print(f"Copied {source} to {redact(target)}; rows in each table (checked on both sides):")
    for name, count in counts.items():
        print(f"  {name:<{width}}  {count:>9,}")
    follow = "Start the bot" if settings.database_url is not None else "Set DATABASE_URL to that URL and start the bot"
    print(f"{follow}; it now uses PostgreSQL. Keep the backup above.")
    return EXIT_OK


def backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", help="the backup file to create, or a folder (existing, or ending in /) for a timestamped file"
    )


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    return _backup(settings, args.path)


def migrate_arguments(parser: argparse.ArgumentParser) -> None:
    # Refused with a clear message (a URL there would already be in the shell's history; argparse would echo it).
    parser.add_argument("--to", dest="url_in_argv", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("stray", nargs="*", help=argparse.SUPPRESS)


def migrate_db(settings: Settings, args: argparse.Namespace) -> int:
    if args.url_in_argv is not None or args.stray:
        raise StartupError(URL_IN_ARGV, EXIT_CONFIG)
    return asyncio.run(_migrate_db(settings))
