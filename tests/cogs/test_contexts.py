"""Where each command may be used, as Discord applies it: contexts on top-level commands only.

The harness refuses a command in a DM exactly when Discord would not offer it there (``contexts`` of the
top-level command), so these tests see what a member sees."""

import discord
import pytest

from bot.standin import DM, CommandUnavailable

from .conftest import EPHEMERAL, data, labels, set_progress, text_of

# Every leaf command, with options that make a valid call. A new command must be added here, with a
# decision: does it work in DMs, or is its top-level command server-only?
DM_COMMANDS: dict[str, dict] = {
    "episode info": {"episode": 3},
    "episode list": {},
    "recap": {"episode": 3},
    "cast lookup": {"name": "Oh Mi-ju"},
    "cast list": {},
    "airing info": {},
    "progress set": {"episode": 4},
    "progress show": {},
    "progress forget": {},
    "about": {},
    "timezone set": {"zone": "Asia/Seoul"},
    "timezone show": {},
    "timezone clear": {},
    "catchup": {"to": 5},
    "calendar mine": {},
}
SERVER_ONLY_ROOTS = {"setup", "discuss", "spoiler", "rewatch", "watchparty", "pulse"}
#: In a group that works in DMs, but about one server: a clear answer in a DM, never an error id.
SERVER_SUBCOMMANDS = {"airing remind-me": {"setting": "on"}, "calendar server": {}}


def _leaves(tree: discord.app_commands.CommandTree) -> set[str]:
    names: set[str] = set()
    for command in tree.get_commands(type=discord.AppCommandType.chat_input):
        if isinstance(command, discord.app_commands.Group):
            names |= {f"{command.name} {child.name}" for child in command.walk_commands()}
        else:
            names.add(command.name)
    return names


async def test_every_command_has_a_decision(h):
    roots_in_table = {name.split()[0] for name in [*DM_COMMANDS, *SERVER_SUBCOMMANDS]}
    assert not roots_in_table & SERVER_ONLY_ROOTS
    decided = set(DM_COMMANDS) | set(SERVER_SUBCOMMANDS)
    undecided = {
        leaf for leaf in _leaves(h.bot.tree) if leaf not in decided and leaf.split()[0] not in SERVER_ONLY_ROOTS
    }
    assert undecided == set()


async def test_contexts_are_set_on_top_level_commands(h):
    for command in h.bot.tree.get_commands():
        spec = command.to_dict(h.bot.tree)
        if command.name in SERVER_ONLY_ROOTS or command.name == "Spoiler-tag this":
            assert spec["contexts"] == [0], command.name
        else:
            assert spec["contexts"] == [0, 1], command.name  # guild and the bot's DM; never group DMs
        for option in spec.get("options", []):
            assert "contexts" not in option  # Discord ignores contexts below the top level


@pytest.mark.parametrize("command", sorted(DM_COMMANDS))
async def test_catalogue_commands_answer_in_dms(h, command):
    await h.invoke(command, guild_id=DM, **DM_COMMANDS[command])
    answer = data(h)
    assert answer["flags"] & EPHEMERAL
    assert "error id" not in text_of(answer)
    assert "only works inside a server" not in text_of(answer)


@pytest.mark.parametrize("root", sorted(SERVER_ONLY_ROOTS))
async def test_server_commands_are_not_offered_in_dms(h, root):
    command = h.bot.tree.get_command(root)
    leaf = root
    if isinstance(command, discord.app_commands.Group):
        leaf = f"{root} {next(iter(command.walk_commands())).name}"
    with pytest.raises(CommandUnavailable, match="cannot be used in DMs"):
        await h.invoke(leaf, guild_id=DM)


async def test_the_message_menu_is_not_offered_in_dms(h):
    [menu] = h.bot.tree.get_commands(type=discord.AppCommandType.message)
    assert menu.to_dict(h.bot.tree)["contexts"] == [0]


async def test_airing_remind_me_in_a_dm_says_to_use_it_in_the_server(h):
    await h.invoke("airing remind-me", guild_id=DM, **SERVER_SUBCOMMANDS["airing remind-me"])
    answer = data(h)
    assert answer["flags"] & EPHEMERAL
    assert answer["content"] == (
        "Airing reminders belong to a server: run `/airing remind-me` in the server whose reminders you want."
    )


async def test_recap_in_a_dm_uses_the_members_own_progress(h):
    await set_progress(h, 6)
    await h.invoke("recap", episode=5, guild_id=DM)
    private = text_of(data(h))
    assert "||" not in private  # watched: plain, privately
    await h.invoke("recap", episode=9, guild_id=DM)
    assert "you've watched up to episode 6" in text_of(data(h))


async def test_public_answers_in_a_dm_use_line_0(h):
    await set_progress(h, 16)
    await h.invoke("recap", episode=5, public=True, guild_id=DM)
    answer = data(h)
    assert not answer.get("flags", 0) & EPHEMERAL
    assert labels(answer) == ["Spoilers: episode 5"]


async def test_progress_set_in_a_dm_counts_in_the_server(h):
    await h.invoke("progress set", episode=7, guild_id=DM)
    await h.invoke("progress show")
    assert "episode 7" in text_of(data(h))
