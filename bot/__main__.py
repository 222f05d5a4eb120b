"""python -m bot [run | sync [--guild ID] | check | invite [--client-id ID]]"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import logging
import sys
from collections.abc import Sequence
from typing import Any

import discord
from dotenv import load_dotenv

from .catalog import Catalog, PackError, load_catalog
from .client import RunOnBot, invite_url, required_permissions
from .permissions import humanize, required_permission_names
from .settings import PROJECT_ROOT, Settings, SettingsError, load_settings
from .store import Database, StoreError, inspect

log = logging.getLogger("bot")
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="runon-bot: the Run On fan-server bot")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="log in and serve (the default)")
    sync = sub.add_parser("sync", help="sync slash commands globally or to one guild, then exit")
    sync.add_argument("--guild", type=int, help="sync only this guild (instant); without it, sync globally")
    sub.add_parser("check", help="validate settings, the data pack and the database without network")
    invite = sub.add_parser("invite", help="print the invite URL with exactly the permissions the bot needs")
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: DISCORD_APPLICATION_ID or the token)"
    )
    return parser


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


async def _open(settings: Settings) -> tuple[Catalog, Database]:
    catalog = load_catalog(settings.show_pack)
    db = await Database.open(settings.database_path)
    return catalog, db


def _build_bot(settings: Settings, catalog: Catalog, db: Database, *, serve: bool = False) -> RunOnBot:
    from .services import Services

    return RunOnBot(Services.build(catalog, db), dev_guild_id=settings.dev_guild_id, background_tasks=serve)


async def _run(settings: Settings) -> int:
    token = settings.require_token()
    catalog, db = await _open(settings)
    from .services.timeparse import warm_up

    warm_up()  # load the time parser's language data now, not on a member's first keystroke
    async with db:
        bot = _build_bot(settings, catalog, db, serve=True)
        async with bot:
            await bot.start(token)
    return 0


async def _sync(settings: Settings, guild_id: int | None) -> int:
    token = settings.require_token()
    catalog, db = await _open(settings)
    async with db:
        bot = _build_bot(settings, catalog, db)
        async with bot:
            await bot.login(token)  # HTTP only: no gateway connection
            await bot.load_features()
            if guild_id is not None:
                guild = discord.Object(guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                where = f"guild {guild_id}"
            else:
                synced = await bot.tree.sync()
                where = "globally (may take up to an hour to appear everywhere)"
            print(f"Synced {len(synced)} commands {where}:")
            for command in synced:
                print(f"  /{command.name}")
    return 0


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


async def _check(settings: Settings) -> int:
    problems: list[str] = []
    print(
        f"Settings: database {settings.database_path}, show pack {settings.show_pack}, log level {settings.log_level}"
    )
    print(f"  DISCORD_TOKEN {'is set' if settings.token else 'is not set (needed for run and sync)'}")
    print(f"  DEV_GUILD_ID {settings.dev_guild_id or 'not set: run syncs nothing; use python -m bot sync'}")
    try:
        catalog = load_catalog(settings.show_pack)
    except PackError as exc:
        problems.extend(exc.problems)
        catalog = None
    try:
        status = await inspect(settings.database_path)  # read-only: check never creates or migrates
    except StoreError as exc:
        problems.append(str(exc))
    else:
        print(f"Database: {status.describe()}")
        if status.state == "ahead":
            problems.append(f"database {settings.database_path}: {status.describe()}")
    db = await Database.open(":memory:")  # the commands are listed from a bot over a throw-away database
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
        bot = _build_bot(settings, catalog, db)
        await bot.load_features()
        lines = describe_commands(bot)
        print(f"Commands ({len(lines)}):")
        print("\n".join(lines))
    if db is not None:
        await db.close()
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("\nAll checks passed.")
    return 0


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
    names = ", ".join(sorted(humanize(name) for name in required_permission_names()))
    print(invite_url(app_id))
    print(f"Permissions ({perms.value}): {names}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(PROJECT_ROOT / ".env")
    try:
        settings = load_settings()
        _configure_logging(settings)
        command = args.command or "run"
        if command == "check":
            return asyncio.run(_check(settings))
        if command == "invite":
            return _invite(settings, args.client_id)
        if command == "sync":
            return asyncio.run(_sync(settings, args.guild))
        return asyncio.run(_run(settings))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except discord.LoginFailure:
        print(
            "error: DISCORD_TOKEN was refused by Discord; copy a fresh token (see .env.example)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
