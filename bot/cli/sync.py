"""``sync``: publish the slash commands globally or to one server (or remove a server's copies), then exit."""

from __future__ import annotations

import argparse
import asyncio

import discord

from bot.settings import Settings
from bot.store import Database

from .common import EXIT_OK, build_bot, discord_error, load_show_pack, login


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
        bot = build_bot(settings, catalog, db)  # no development-guild sync in setup_hook
        await login(bot, token, settings)  # HTTP only: no gateway connection
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
            raise discord_error(error, settings) or error from None
        finally:
            await bot.close()
    return EXIT_OK


def arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--guild", type=int, metavar="ID", help="sync only this server (instant)")
    where.add_argument(
        "--clear-guild", type=int, metavar="ID", help="remove the server-only copies from this server (after testing)"
    )


def sync(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_sync(settings, args.guild, args.clear_guild))
