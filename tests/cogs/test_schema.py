"""What Discord sees of the command tree, snapshotted so any change shows up in review, and checked against
Discord's rules in every language the bot speaks.

The payload is built exactly as ``tree.sync`` builds it: with the tree's translator, through discord.py's
``get_translated_payload`` (``to_dict`` plus ``name_localizations`` / ``description_localizations``).

Set UPDATE_SNAPSHOTS=1 to accept a deliberate change."""

import json
import os
import re
from pathlib import Path

import discord
import pytest

from bot.client import EXTENSIONS, CatalogueTranslator

SNAPSHOT = Path(__file__).parent / "snapshots" / "commands.json"

# Discord's rules (developer docs, "Application Command Naming" and the object's field limits).
NAME = re.compile(r"^[-_'\w\u0900-\u097f\u0e00-\u0e7f]{1,32}$")  # ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$
LOCALES = {locale.value for locale in discord.Locale}
MAX_OPTIONS = 25
MAX_COMBINED = 4000


async def translated_schema(bot) -> list[dict]:
    """The payload ``tree.sync`` sends (the bot's translator set, as ``setup_hook`` does)."""
    tree = bot.tree
    if tree.translator is None:
        await tree.set_translator(CatalogueTranslator())
    commands = [c for kind in discord.AppCommandType for c in tree.get_commands(type=kind)]
    payload = [await c.get_translated_payload(tree, tree.translator) for c in commands]
    return sorted(payload, key=lambda c: c["name"])


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
    schema = await translated_schema(h.bot)
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


def _nodes(command: dict, path: str = ""):
    """Every command, subcommand and option of a payload, with its path."""
    here = f"{path} {command['name']}".strip()
    yield here, command
    for option in command.get("options", []):
        if option["type"] in (1, 2):  # subcommand, subcommand group
            yield from _nodes(option, here)
        else:
            yield f"{here} {option['name']}", option


def _in(node: dict, key: str, locale: str | None) -> str:
    """A name or description as members with ``locale`` see it (the default where there is no localization)."""
    if locale is None:
        return node[key]
    return (node.get(f"{key}_localizations") or {}).get(locale, node[key])


def _combined(node: dict, locale: str | None) -> int:
    """Discord's 4,000-character budget: names, descriptions and choice names and values, all levels."""
    total = len(_in(node, "name", locale))
    if node.get("description"):
        total += len(_in(node, "description", locale))
    for choice in node.get("choices", []):
        total += len(_in(choice, "name", locale)) + len(str(choice["value"]))
    return total + sum(_combined(option, locale) for option in node.get("options", []))


async def test_the_localized_schema_follows_discords_rules(h):
    schema = await translated_schema(h.bot)
    for command in schema:
        chat_input = command["type"] == 1
        for locale in (None, "ko"):
            assert _combined(command, locale) <= MAX_COMBINED, (command["name"], locale)
        for path, node in _nodes(command):
            for key in ("name_localizations", "description_localizations"):
                assert set(node.get(key) or {}) <= LOCALES, (path, key)
            for locale in (None, *sorted(node.get("name_localizations") or {})):
                name = _in(node, "name", locale)
                assert 1 <= len(name) <= 32, (path, locale, name)
                if chat_input:  # slash commands and options: Discord's pattern, lowercase where letters have case
                    assert NAME.match(name), (path, locale, name)
                    assert name == name.lower(), (path, locale, name)
            if "description" in node:
                for locale in (None, *sorted(node.get("description_localizations") or {})):
                    assert 1 <= len(_in(node, "description", locale)) <= 100, (path, locale)
            options = node.get("options") or []
            assert len(options) <= MAX_OPTIONS, path
            for locale in (None, "ko"):  # names must be unique among siblings in every language
                names = [_in(o, "name", locale) for o in options]
                assert len(names) == len(set(names)), (path, locale, names)
            for option in options:
                for choice in option.get("choices", []):
                    for locale in (None, *sorted(choice.get("name_localizations") or {})):
                        assert 1 <= len(_in(choice, "name", locale)) <= 100, (path, choice)
    for locale in (None, "ko"):  # top-level names unique per type, in every language
        for kind in (1, 2, 3):
            names = [_in(c, "name", locale) for c in schema if c["type"] == kind]
            assert len(names) == len(set(names)), (locale, kind)


async def test_every_command_string_is_in_korean(h):
    """Every name and description, option and choice has a Korean localization (none falls back to English)."""
    schema = await translated_schema(h.bot)
    missing = []
    for command in schema:
        for path, node in _nodes(command):
            if "ko" not in (node.get("name_localizations") or {}):
                missing.append(f"{path}: name")
            if node.get("description") and "ko" not in (node.get("description_localizations") or {}):
                missing.append(f"{path}: description")
            for choice in node.get("choices", []):
                if "ko" not in (choice.get("name_localizations") or {}):
                    missing.append(f"{path}: choice {choice['name']}")
    assert not missing


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "ja", "fr"])
async def test_other_locales_fall_back_to_english(h, locale):
    """Discord shows the default (English) names to everyone the bot has no translation for."""
    schema = await translated_schema(h.bot)
    for command in schema:
        for path, node in _nodes(command):
            assert locale not in (node.get("name_localizations") or {}), path


async def test_sync_sends_the_localized_names(h):
    """The payload ``tree.sync`` puts on the wire carries the Korean names (as the harness records it)."""
    await h.bot.tree.set_translator(CatalogueTranslator())
    await h.bot.tree.sync()
    [call] = [c for c in h.recorder.calls if c.method == "PUT"]
    by_name = {c["name"]: c for c in call.json}
    assert by_name["watchparty"]["name_localizations"] == {"ko": "같이보기"}
    create = next(o for o in by_name["watchparty"]["options"] if o["name"] == "create")
    when = next(o for o in create["options"] if o["name"] == "when")
    assert when["name_localizations"] == {"ko": "언제"}
    assert by_name["Spoiler-tag this"]["name_localizations"] == {"ko": "스포일러로 가리기"}
