"""``check``: validate the settings, the show pack, the catalogues and the database; no network, writes nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import discord

from bot.catalog import Catalog, PackError, RecapStatus
from bot.client import RunOnBot
from bot.locale import CatalogueMissing, languages, load_all, native_name
from bot.settings import Settings
from bot.store import Database, DatabaseProblem, inspect, latest_version
from bot.store.copy import schema_version_of
from bot.store.database import redact

from .common import EXIT_OK, EXIT_PROBLEMS, build_bot, load_show_pack


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
        no_recap = [e.number for e in catalog.episodes if e.recap_status == RecapStatus.NONE]
        print(f"  derived air dates: {derived}; episodes without a recap: {no_recap}")
        aliases = sum(len(p.actor_aliases) + len(p.character_aliases) for p in catalog.people)
        arcs = sum(len(p.arcs) for p in catalog.people)
        print(f"Cast: {len(catalog.people)} people, {aliases} aliases, {arcs} story notes")
        for lang, translated in sorted(catalog.translations.items()):
            print(f"  {lang} texts of the pack: {len(translated)}, each checked against its English twin")
        # The command list needs the features loaded, not the real database: a throw-away one.
        async with await Database.open(":memory:") as scratch:
            bot = build_bot(settings, catalog, scratch)
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


def check(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_check(settings))
