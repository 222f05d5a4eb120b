"""What Discord sees of the command tree, snapshotted so any change shows up in review.

Set UPDATE_SNAPSHOTS=1 to accept a deliberate change."""

import json
import os
from pathlib import Path

import discord

from bot.client import EXTENSIONS

SNAPSHOT = Path(__file__).parent / "snapshots" / "commands.json"


def _schema(bot):
    commands = [
        command.to_dict(bot.tree) for kind in discord.AppCommandType for command in bot.tree.get_commands(type=kind)
    ]
    return sorted(commands, key=lambda c: c["name"])


async def test_every_cog_loads(h):
    assert sorted(h.bot.extensions) == sorted(EXTENSIONS)
    cogs = [
        "About", "Airing", "Calendar", "Cast", "Catchup", "Discussion", "Episodes", "Progress", "Pulse", "Reminders",
        "Rewatch", "Setup", "SpoilerPosts", "Timezones", "WatchParties",
    ]  # fmt: skip
    assert sorted(h.bot.cogs) == cogs
    slash = [
        "about", "airing", "calendar", "cast", "catchup", "discuss", "episode", "progress", "pulse", "recap",
        "rewatch", "setup", "spoiler", "timezone", "watchparty",
    ]  # fmt: skip
    assert sorted(c.name for c in h.bot.tree.get_commands(type=discord.AppCommandType.chat_input)) == slash
    menus = h.bot.tree.get_commands(type=discord.AppCommandType.message)
    assert [m.name for m in menus] == ["Spoiler-tag this"]


async def test_no_background_loop_runs_in_tests(h):
    reminders = h.bot.services.reminders
    assert reminders._loop_task is None  # tests call tick() themselves


async def test_no_command_syncs_without_a_dev_guild(h):
    assert not [call for call in h.recorder.calls if call.method == "PUT"]


async def test_command_schema_snapshot(h):
    schema = _schema(h.bot)
    text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8"), "command schema changed: rerun with UPDATE_SNAPSHOTS=1"


async def test_every_option_is_described(h):
    def options(node):
        for option in node.get("options", []):
            yield option
            yield from options(option)

    for command in _schema(h.bot):
        if command["type"] != 1:
            continue  # context menus have no description
        assert command["description"]
        for option in options(command):
            assert option["description"], (command["name"], option["name"])
            assert option["description"] != "…", (command["name"], option["name"])
