"""The playground's server and what happens in it: the real bot against the in-process stand-in for Discord.

:class:`Playground` builds the bot as ``python -m bot run`` does (the shipped show pack and catalogues, a fresh
SQLite database, the paced sender), but connects it to :mod:`bot.standin` instead of Discord and gives it a clock
the person moves with ``time +1h``. Each line becomes what Discord would send: a slash command, a button press, a
menu choice. What the bot did in answer comes back as :class:`Happened` events for :mod:`bot.play.render`.

Everything this module knows about the stand-in goes through :func:`bot.standin.start` and the
:class:`~bot.standin.Harness` it returns.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.app import App
from bot.catalog import Catalog, load_catalog
from bot.client import RunOnBot, required_permissions, translate_command_string
from bot.permissions import humanize
from bot.reminders import SenderOptions
from bot.standin import DEFAULT_CHANNEL_ID, DEFAULT_MEMBER_PERMISSIONS, CommandUnavailable, Harness, close, start
from bot.store import Database
from bot.store import reminders as reminder_rows

from .lines import (
    As,
    Click,
    Help,
    In,
    Lang,
    Line,
    LineError,
    Nothing,
    Pick,
    Progress,
    Quit,
    Reveal,
    Slash,
    Time,
    Word,
    gather,
)

__all__ = ["Channel", "Happened", "Member", "Playground", "Shown"]

log = logging.getLogger(__name__)

#: When a script starts: a Saturday, 21:00 in Seoul. Fixed, so a script prints the same transcript every time.
SCRIPT_START = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)

EPHEMERAL = 64
STAFF_PERMISSIONS = discord.Permissions(
    DEFAULT_MEMBER_PERMISSIONS.value,
    manage_guild=True,
    manage_events=True,
    manage_messages=True,
    manage_threads=True,
    manage_channels=True,
)


@dataclass
class Member:
    id: int
    name: str
    about: str
    permissions: int
    locale: str = "en-US"


@dataclass(frozen=True)
class Channel:
    id: int
    name: str
    kind: str  # "text", "voice", "forum"
    about: str

    @property
    def type(self) -> int:
        return {"text": 0, "voice": 2, "forum": 15}[self.kind]


MEMBERS = (
    Member(2001, "mina", "a fan, rewatching Run On", DEFAULT_MEMBER_PERMISSIONS.value),
    Member(2002, "jun", "staff: Manage Server, Manage Events", STAFF_PERMISSIONS.value),
    Member(2003, "leo", "new here, hasn't watched yet", DEFAULT_MEMBER_PERMISSIONS.value),
)
CHANNELS = (
    Channel(DEFAULT_CHANNEL_ID, "general", "text", "where you start"),
    Channel(601, "spoilers", "text", "anything goes"),
    Channel(602, "episode-talk", "forum", "a forum, for /setup discussion"),
    Channel(603, "staff", "text", "for /setup staff"),
    Channel(604, "Watch Party", "voice", "a voice channel for watch parties"),
)
ROLES = ((701, "rewatchers"),)


@dataclass
class Shown:
    """A message the bot posted or changed, as it stands after the line ran."""

    message: dict[str, Any]
    where: str  # "#general", "a DM to mina", "thread Episode 3 (in #episode-talk)"
    only_for: str | None  # the member who alone sees it (an ephemeral answer), else None
    edited: bool  # it existed before this line: the bot changed it
    answer: bool  # an answer to the member's interaction (not a post of the bot's own)
    #: Buttons and menus, numbered for ``click N`` / ``pick N`` (only on the last message shown with any).
    buttons: list[dict[str, Any]] = field(default_factory=list)
    menus: list[dict[str, Any]] = field(default_factory=list)
    reveal: bool = False  # drawn with its spoilers uncovered (``reveal``)
    #: When it was posted or changed: ``<t:…:R>`` reads relative to this, as it did for a member watching then.
    at: dt.datetime | None = None


@dataclass
class Happened:
    """Everything one line brought about, in order: :class:`Shown` messages and short notes."""

    items: list[Shown | Note] = field(default_factory=list)
    problem: str | None = None  # the line could not be run: why, and how to write it
    quit: bool = False


@dataclass
class Note:
    text: str
    kind: str = "info"  # "info", "event" (a thread, a Discord event, a deletion), "time", "help"


class _Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def show_pack() -> Catalog:
    """The show pack shipped inside the package, as ``python -m bot run`` loads it without a SHOW_PACK setting."""
    with resources.as_file(resources.files("bot.showpack") / "run_on") as folder:
        return load_catalog(Path(folder))


class Playground:
    """A server with channels and members, the real bot in it, and a clock; :meth:`run` plays one line."""

    def __init__(
        self,
        harness: Harness,
        db: Database,
        clock: _Clock,
        folder: tempfile.TemporaryDirectory[str],
        *,
        reveal_spoilers: bool = False,
    ) -> None:
        self.harness = harness
        self.bot: RunOnBot = harness.bot  # type: ignore[assignment]
        self.db = db
        self.clock = clock
        self._folder = folder
        self.members = {m.name: copy.copy(m) for m in MEMBERS}
        self.channels = {c.name.lower(): c for c in CHANNELS}
        self.roles = {name: role_id for role_id, name in ROLES}
        self.member = self.members["mina"]
        self.channel = self.channels["general"]
        #: Spoiler-tagged text drawn uncovered (``--reveal-spoilers``).
        self.reveal_spoilers = reveal_spoilers
        self.target: Shown | None = None  # the last message shown with buttons or menus
        self.last: Shown | None = None  # the last message shown
        self.threads: dict[int, tuple[str, int]] = {}  # thread id -> (name, parent id)
        self.dm_channels: dict[int, int] = {}  # DM channel id -> member id

    @classmethod
    async def open(cls, now: dt.datetime, *, reveal_spoilers: bool = False) -> Playground:
        folder = tempfile.TemporaryDirectory(prefix="runon-play-")  # the database lives as long as the session
        try:
            db = await Database.open(Path(folder.name) / "bot.sqlite3")
        except BaseException:
            folder.cleanup()
            raise
        clock = _Clock(now)
        try:
            bot = RunOnBot(App(show_pack(), db, clock, sender=SenderOptions()))
            harness = await start(bot)
        except BaseException:
            await db.close()
            folder.cleanup()
            raise
        # A member's machine may be slow (or busy running tests): the playground does not hold the bot to Discord's
        # 3-second answer window (the tests do), so a slow line still shows its answer.
        harness.recorder.interaction_deadline = 120.0
        harness.settle_timeout = 120.0
        # Invited with the invite URL's permissions, as an admin would.
        harness.set_bot_permissions(required_permissions())
        for channel in CHANNELS:
            if channel.id != DEFAULT_CHANNEL_ID:
                harness.add_channel(channel.id, name=channel.name, type=channel.type)
        for role_id, name in ROLES:
            harness.add_role(role_id, name=name, mentionable=True)
        playground = cls(harness, db, clock, folder, reveal_spoilers=reveal_spoilers)
        for member in playground.members.values():
            playground._payload(member)
        return playground

    async def close(self) -> None:
        try:
            await close(self.harness)
        finally:
            await self.db.close()
            self._folder.cleanup()

    # -- names ----------------------------------------------------------------------------------------------------

    def _payload(self, member: Member) -> dict[str, Any]:
        return self.harness.member(member.id, name=member.name, permissions=member.permissions)

    def user_name(self, user_id: int) -> str:
        if self.bot.user is not None and user_id == self.bot.user.id:
            return "runon-bot"
        for member in self.members.values():
            if member.id == user_id:
                return member.name
        return f"user {user_id}"

    def channel_name(self, channel_id: int) -> str:
        for channel in self.channels.values():
            if channel.id == channel_id:
                return ("🔊 " if channel.kind == "voice" else "#") + channel.name
        if channel_id in self.threads:
            return "#" + self.threads[channel_id][0]
        if channel_id in self.dm_channels:
            return "a DM to " + self.user_name(self.dm_channels[channel_id])
        return f"#unknown-{channel_id}"

    def role_name(self, role_id: int) -> str:
        for name, known in self.roles.items():
            if known == role_id:
                return name
        return "everyone" if role_id == self.harness.guild_id else f"role {role_id}"

    def where(self, channel_id: int) -> str:
        if channel_id in self.threads:
            name, parent = self.threads[channel_id]
            return f"thread “{name}” in {self.channel_name(parent)}"
        return self.channel_name(channel_id)

    # -- one line -------------------------------------------------------------------------------------------------

    async def run(self, line: Line) -> Happened:
        try:
            return await self._run(line)
        except LineError as problem:
            return Happened(problem=str(problem))
        except CommandUnavailable as refused:
            return Happened(problem=f"Discord would not send that: {refused}")
        except Exception as error:  # a bug in the bot or here: say so, keep the session going
            log.exception("the line %r failed", line)
            return Happened(problem=f"this line failed inside the bot ({type(error).__name__}: {error}); see the log")

    async def _run(self, line: Line) -> Happened:
        if isinstance(line, Nothing):
            return Happened()
        if isinstance(line, Quit):
            return Happened(quit=True)
        if isinstance(line, Help):
            return Happened([Note(self.help(line.topic), "help")])
        if isinstance(line, Slash) and not line.words:
            raise LineError("name a command after the slash, like `/recap episode:5`")
        if isinstance(line, As):
            return self._switch_member(line.name)
        if isinstance(line, In):
            return self._switch_channel(line.channel)
        if isinstance(line, Lang):
            self.member.locale = line.locale
            language = "한국어" if line.locale == "ko" else "English"
            return Happened([Note(f"{self.member.name}'s Discord is in {language} now.")])
        if isinstance(line, Reveal):
            return self._reveal()
        if isinstance(line, Time):
            return await self._time(line.delta)
        if isinstance(line, Progress):
            # as if typed: `/progress set episode:N`, checked as Discord's client checks it
            typed = Slash((Word("progress"), Word("set"), Word(str(line.episode), "episode")))
            path, options = self.resolve(typed)
            return await self._traffic(self._invoke(path, options), "/" + path)
        if isinstance(line, Slash):
            path, options = self.resolve(line)
            return await self._traffic(self._invoke(path, options), "/" + path)
        if isinstance(line, Click):
            return await self._click(line.number)
        if isinstance(line, Pick):
            return await self._pick(line.menu, line.choices)
        raise AssertionError(line)  # pragma: no cover

    def _switch_member(self, name: str) -> Happened:
        member = self.members.get(name.lower())
        if member is None:
            raise LineError(f"nobody here is called {name}: the members are {self._member_list()}")
        self.member = member
        return Happened([Note(f"You are {member.name} now ({member.about}).")])

    def _switch_channel(self, name: str) -> Happened:
        channel = self.channels.get(name.lower())
        texts = ", ".join("#" + c.name for c in CHANNELS if c.kind == "text")
        if channel is None:
            everything = ", ".join(self.channel_name(c.id) for c in CHANNELS)
            raise LineError(
                f"there is no #{name} channel in this server; its channels are {everything} "
                f"(commands are typed in a text channel: {texts})"
            )
        if channel.kind != "text":
            raise LineError(
                f"{self.channel_name(channel.id)} is a {channel.kind} channel: "
                f"commands are typed in a text channel: {texts}"
            )
        self.channel = channel
        return Happened([Note(f"{self.member.name} is in #{channel.name} now.")])

    def _member_list(self) -> str:
        return ", ".join(f"{m.name} ({m.about})" for m in self.members.values())

    def _reveal(self) -> Happened:
        if self.last is None:
            raise LineError("nothing is shown yet: `reveal` uncovers the spoilers of the last message shown")
        if not _has_spoilers(self.last.message):
            raise LineError("the last message shown has no spoilers: there is nothing to reveal")
        shown = copy.copy(self.last)
        shown.reveal = True
        return Happened([shown])

    # -- slash commands -------------------------------------------------------------------------------------------

    # Discord shows a member the command, option and choice names in their own language and sends the English
    # ones: the playground reads either, and shows the member's.

    def translated(self, text: str, where: Where) -> str:
        if self.member.locale.startswith("en"):
            return text
        return translate_command_string(text, self.member.locale, where) or text

    def local(self, node: Any) -> str:
        """A command's, group's or option's name as the member's Discord shows it."""
        if isinstance(node, app_commands.Parameter):
            return self.translated(node.display_name, Where.parameter_name)
        if isinstance(node, app_commands.Group):
            return self.translated(node.name, Where.group_name)
        return self.translated(node.name, Where.command_name)

    def local_path(self, node: Any) -> str:
        names: list[str] = []
        while node is not None:
            names.insert(0, self.local(node))
            node = node.parent
        return " ".join(names)

    def options_of(self, command: app_commands.Command[Any, ..., Any]) -> dict[str, app_commands.Parameter]:
        """Option names as typed (English or the member's language, lower case) -> the option."""
        names: dict[str, app_commands.Parameter] = {}
        for param in command.parameters:
            names[param.display_name.lower()] = param
            names.setdefault(self.local(param).lower(), param)
        return names

    def _roots(self) -> list[Any]:
        return list(self.bot.tree.get_commands(type=discord.AppCommandType.chat_input))

    def command_names(self) -> list[str]:
        return sorted(self.local(c) for c in self._roots())

    def all_command_names(self) -> frozenset[str]:
        return frozenset(name for c in self._roots() for name in (c.name, self.local(c)))

    def find(self, words: list[str]) -> tuple[Any, list[str]]:
        """The command or group named by ``words`` (as far as they name one), and the words left over."""
        node: Any = None
        rest = list(words)
        while rest:
            name = rest[0].lower()
            if node is None:
                children = self._roots()
            elif isinstance(node, app_commands.Group):
                children = list(node.commands)
            else:
                break
            child = next((c for c in children if name in (c.name.lower(), self.local(c).lower())), None)
            if child is None:
                break
            node, rest = child, rest[1:]
        return node, rest

    def resolve(self, line: Slash) -> tuple[str, dict[str, Any]]:
        """``/name sub option:value ...`` -> the command's path and its options, converted and checked as Discord's
        client checks them before it sends anything."""
        words = list(line.words)
        path_words: list[str] = []
        while words and words[0].key is None and not words[0].quoted:
            path_words.append(words.pop(0).text)
        if not path_words:
            raise LineError("name a command after the slash, like `/recap episode:5`")
        node, extra = self.find(path_words)
        if node is None:
            known = sorted(self.all_command_names())
            guess = difflib.get_close_matches(path_words[0].lower(), known, n=1)
            hint = f"; did you mean /{guess[0]}?" if guess else "; `help` lists the commands"
            raise LineError(f"there is no /{path_words[0]} command{hint}")
        if isinstance(node, app_commands.Group):
            subs = ", ".join(self.local(c) for c in node.commands)
            wrong = f"`{extra[0]}` is not one of them; " if extra else ""
            raise LineError(f"/{self.local_path(node)} needs a subcommand: {wrong}write one of {subs}")
        command: app_commands.Command[Any, ..., Any] = node
        self._check_permissions(command)
        params = self.options_of(command)
        shown = [self.local(p) for p in command.parameters]
        usage = self.usage(command)
        if extra:
            raise LineError(
                f"`{extra[0]}`: name the option it is for, like `{shown[0]}:{extra[0]}` (write {usage})"
                if shown
                else f"/{self.local_path(command)} takes no options: write {usage}"
            )
        names = {typed: param.display_name for typed, param in params.items()}
        texts = {p.display_name for p in command.parameters if p.type is discord.AppCommandOptionType.string}
        raw = gather(words, names, "/" + self.local_path(command), usage, texts)
        options: dict[str, Any] = {}
        for param in command.parameters:
            name = param.display_name
            if name not in raw:
                if param.required:
                    raise LineError(f"/{self.local_path(command)} needs `{self.local(param)}:` (write {usage})")
                continue
            options[name] = self._convert(command, param, raw[name][0])
        return command.qualified_name, options

    def _check_permissions(self, command: app_commands.Command[Any, ..., Any]) -> None:
        """Discord hides a command whose default permissions the member lacks (staff can change that per server)."""
        root = command.root_parent or command
        required = root.default_permissions
        have = discord.Permissions(self.member.permissions)
        if required is None or have.administrator or required.is_subset(have):
            return
        missing = " and ".join(humanize(name) for name, on in required if on and not getattr(have, name))
        able = [m.name for m in self.members.values() if required.is_subset(discord.Permissions(m.permissions))]
        hint = f"; {able[0]} has it: `as {able[0]}`" if able else ""
        raise LineError(f"{self.member.name} doesn't see /{root.name} in Discord: it needs {missing}{hint}")

    def usage(self, command: app_commands.Command[Any, ..., Any]) -> str:
        parts = [f"{self.local(p)}:…" if p.required else f"[{self.local(p)}:…]" for p in command.parameters]
        return "`" + " ".join(["/" + self.local_path(command), *parts]) + "`"

    def convert(self, command: app_commands.Command[Any, ..., Any], name: str, text: str) -> Any:
        """One option's value as typed, converted as :meth:`resolve` converts it (:class:`LineError` if it can't)."""
        for param in command.parameters:
            if param.display_name == name:
                return self._convert(command, param, text)
        raise LineError(f"/{command.qualified_name} has no option `{name}:`")

    def _convert(self, command: app_commands.Command[Any, ..., Any], param: app_commands.Parameter, text: str) -> Any:
        name, kind = self.local(param), param.type
        what = f"/{self.local_path(command)} {name}:"
        if text == "":
            raise LineError(f"{what} is empty: give it a value or leave the option out")
        if param.choices:
            for choice in param.choices:
                names = (str(choice.value), choice.name, self.translated(choice.name, Where.choice_name))
                if text.lower() in (n.lower() for n in names):
                    return choice.value
            listed = ", ".join(str(c.value) for c in param.choices)
            raise LineError(f"{what} is one of {listed}; `{text}` is not")
        Opt = discord.AppCommandOptionType
        if kind in (Opt.integer, Opt.number):
            try:
                value: float = int(text) if kind is Opt.integer else float(text)
            except ValueError:
                raise LineError(f"{what} takes a number, like `{name}:3`; `{text}` is not one") from None
            low, high = param.min_value, param.max_value
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = f"from {low} to {high}" if low is not None and high is not None else ""
                bounds = bounds or (f"at least {low}" if low is not None else f"at most {high}")
                raise LineError(f"{what} must be {bounds}; Discord won't send {text}")
            return value
        if kind is Opt.boolean:
            if text.lower() in ("true", "yes", "on"):
                return True
            if text.lower() in ("false", "no", "off"):
                return False
            raise LineError(f"{what} is True or False; `{text}` is neither")
        if kind is Opt.string:
            low, high = param.min_value, param.max_value
            if (low is not None and len(text) < low) or (high is not None and len(text) > high):
                raise LineError(f"{what} takes {low or 0} to {high} characters; yours has {len(text)}")
            return text
        if kind is Opt.channel:
            channel = self.channels.get(text.lstrip("#").lower().removeprefix("🔊").strip())
            allowed = [t.value for t in param.channel_types] if param.channel_types else None
            if channel is None or (allowed is not None and channel.type not in allowed):
                fits = [c for c in CHANNELS if allowed is None or c.type in allowed]
                listed = ", ".join(self.channel_name(c.id) for c in fits)
                raise LineError(f"{what} takes one of this server's channels: {listed}")
            return channel.id
        if kind in (Opt.user, Opt.mentionable):
            member = self.members.get(text.lstrip("@").lower())
            if member is not None:
                return self._payload(member)
            if kind is Opt.mentionable and text.lstrip("@").lower() in self.roles:
                return self.roles[text.lstrip("@").lower()]
            raise LineError(f"{what} takes a member: {', '.join('@' + n for n in self.members)}")
        if kind is Opt.role:
            role = self.roles.get(text.lstrip("@").lower())
            if role is None:
                raise LineError(f"{what} takes a role: {', '.join('@' + n for n in self.roles)}")
            return role
        if kind is Opt.attachment:
            return {"filename": text, "size": 1000, "content_type": _content_type(text)}
        return text

    def _invoke(self, path: str, options: dict[str, Any]) -> Any:
        member = self.member
        keywords = {f"{k}_" if k in _INVOKE_KEYWORDS else k: v for k, v in options.items()}
        return self.harness.invoke(
            path, user=self._payload(member), channel_id=self.channel.id, locale=member.locale, **keywords
        )

    async def complete(self, path: str, focused: str, typed: str, given: dict[str, Any]) -> list[tuple[str, str]]:
        """The bot's own autocomplete for ``focused`` (typed so far: ``typed``), as Discord asks it while a member
        types: ``(value, name)`` pairs, best first. Nothing when the bot offers nothing."""
        member = self.member
        keywords = {f"{k}_" if k in _INVOKE_KEYWORDS else k: v for k, v in given.items()}
        try:
            choices = await self.harness.autocomplete(
                path,
                focused,
                typed,
                user=self._payload(member),
                channel_id=self.channel.id,
                locale=member.locale,
                **keywords,
            )
        except Exception:  # a half-typed line: Discord would simply show no suggestions
            return []
        return [(str(c["value"]), str(c.get("name", c["value"]))) for c in choices]

    # -- buttons and menus ----------------------------------------------------------------------------------------

    def _target(self, what: str) -> Shown:
        """The last message shown with buttons or menus, as it is now (someone else's click may have changed it)."""
        target = self.target
        if target is None:
            raise LineError(f"no message with {what} is shown yet")
        if target.only_for is not None and target.only_for != self.member.name:
            raise LineError(
                f"only {target.only_for} can see that message: `as {target.only_for}` first, or use a message "
                "everyone sees"
            )
        fresh = self._shown(int(target.message["id"]), edited=False, answer=target.answer)
        if fresh is None:
            raise LineError("that message is gone (the bot deleted it)")
        if not fresh.buttons and not fresh.menus:
            raise LineError(f"the last message with {what} has none any more (the bot changed it)")
        return fresh

    def _current_message(self, target: Shown) -> dict[str, Any]:
        stored = self.harness.recorder.messages.get(int(target.message["id"]))
        if stored is None:
            raise LineError("that message is gone (the bot deleted it)")
        return copy.deepcopy(stored)

    async def _click(self, number: int) -> Happened:
        target = self._target("buttons")
        if not 1 <= number <= len(target.buttons):
            count = len(target.buttons)
            raise LineError(
                f"the last message has {count} button{'s' if count != 1 else ''}: write `click 1`"
                + (f" to `click {count}`" if count > 1 else "")
                if count
                else "the last message shown has no buttons (only menus: use `pick`)"
            )
        button = target.buttons[number - 1]
        label = button.get("label") or button.get("emoji", {}).get("name") or "button"
        if button.get("url"):
            return Happened([Note(f"“{label}” is a link: it opens {button['url']}")])
        if button.get("disabled"):
            raise LineError(f"“{label}” is greyed out: Discord won't let you press it")
        member = self.member
        pressed = self.harness.click(
            button["custom_id"],
            message=self._current_message(target),
            user=self._payload(member),
            locale=member.locale,
        )
        return await self._traffic(pressed, f"“{label}”")

    async def _pick(self, number: int, choices: tuple[str, ...]) -> Happened:
        target = self._target("menus")
        if not 1 <= number <= len(target.menus):
            count = len(target.menus)
            raise LineError(
                f"the last message has {count} menu{'s' if count != 1 else ''}: `pick 1 …`"
                if count
                else "the last message shown has no menus (only buttons: use `click`)"
            )
        menu = target.menus[number - 1]
        if menu.get("disabled"):
            raise LineError("that menu is greyed out: Discord won't let you use it")
        values = self._menu_values(menu, choices)
        low, high = int(menu.get("min_values", 1)), int(menu.get("max_values", 1))
        if not low <= len(values) <= high:
            many = f"{low}" if low == high else f"{low} to {high}"
            raise LineError(f"that menu takes {many} choice{'s' if high != 1 else ''}; you gave {len(values)}")
        member = self.member
        picked = self.harness.select(
            menu["custom_id"],
            values,
            message=self._current_message(target),
            user=self._payload(member),
            locale=member.locale,
        )
        return await self._traffic(picked, menu.get("placeholder") or "the menu")

    def _menu_values(self, menu: dict[str, Any], choices: tuple[str, ...]) -> list[str]:
        kind = int(menu.get("type", 3))
        values: list[str] = []
        for choice in choices:
            if kind == 3:
                options = menu.get("options") or []
                found = None
                if choice.isdigit() and 1 <= int(choice) <= len(options):
                    found = options[int(choice) - 1]
                else:
                    found = next(
                        (o for o in options if choice.lower() in (o["label"].lower(), str(o["value"]).lower())), None
                    )
                if found is None:
                    raise LineError(f"`{choice}` is not in that menu: give an option's number (1 to {len(options)})")
                values.append(str(found["value"]))
            elif kind == 8:
                channel = self.channels.get(choice.lstrip("#").lower())
                if channel is None:
                    listed = ", ".join(self.channel_name(c.id) for c in CHANNELS)
                    raise LineError(f"`{choice}` is not a channel here: {listed}")
                values.append(str(channel.id))
            else:
                member = self.members.get(choice.lstrip("@").lower())
                role = self.roles.get(choice.lstrip("@").lower())
                if member is not None and kind in (5, 7):
                    values.append(str(member.id))
                elif role is not None and kind in (6, 7):
                    values.append(str(role))
                else:
                    raise LineError(f"`{choice}` is not someone this menu takes")
        return values

    # -- time -----------------------------------------------------------------------------------------------------

    async def _time(self, delta: dt.timedelta | None) -> Happened:
        if delta is None:
            return Happened([Note(f"It is {_utc(self.clock.now)}.", "time")])
        target = self.clock.now + delta
        happened = Happened([Note(f"⏩ {_utc(self.clock.now)} → {_utc(target)}", "time")])
        services = self.bot.services
        # What the reminder loop does while the bot runs: wake at each due row's time, deliver, sleep again.
        last_due: int | None = None
        while True:
            async with self.db.read() as conn:
                due = await reminder_rows.next_due(conn)
            if due is None or due > target.timestamp() or due == last_due:
                break  # nothing more before the target (or a row waiting for a retry: the last tick takes it)
            last_due = due
            self.clock.now = max(self.clock.now, dt.datetime.fromtimestamp(due, dt.UTC))
            more = await self._traffic(services.reminders.tick(), None)
            if more.items:
                happened.items += [Note(f"· {_utc(self.clock.now)}", "time"), *more.items]
        self.clock.now = target
        more = await self._traffic(services.reminders.tick(), None)
        if more.items:
            happened.items += [Note(f"· {_utc(self.clock.now)}", "time"), *more.items]
        if len(happened.items) == 1:
            happened.items.append(Note("Nothing was due in that time.", "time"))
        return happened

    # -- what the bot did -----------------------------------------------------------------------------------------

    async def _traffic(self, action: Any, answering: str | None) -> Happened:
        """Run ``action`` (a coroutine) and collect what the bot did on Discord meanwhile."""
        recorder = self.harness.recorder
        known = set(recorder.messages)
        mark = len(recorder.calls)
        await action
        happened = Happened()
        touched: dict[int, bool] = {}  # message id -> an answer to an interaction
        for call in recorder.calls[mark:]:
            if call.status >= 300:
                continue
            happened.items += self._notes_of(call)
            for message_id, answer in self._messages_of(call):
                if message_id not in touched:
                    touched[message_id] = answer
                    happened.items.append(Note(str(message_id), "message"))
        # Each message once, as it stands now, where it first changed.
        items: list[Shown | Note] = []
        for entry in happened.items:
            if isinstance(entry, Note) and entry.kind == "message":
                message_id = int(entry.text)
                shown = self._shown(message_id, edited=message_id in known, answer=touched[message_id])
                if shown is not None:
                    shown.at = self.clock.now
                    items.append(shown)
            else:
                items.append(entry)
        happened.items = items
        for entry in items:
            if isinstance(entry, Shown):
                self.last = entry
                if entry.buttons or entry.menus:
                    self.target = entry
        return happened

    def _messages_of(self, call: Any) -> Iterator[tuple[int, bool]]:
        path, method, result = call.path, call.method, call.result
        if method not in ("POST", "PATCH") or not isinstance(result, dict):
            return
        if path.startswith("/interactions/"):
            body = call.json if isinstance(call.json, dict) else {}
            if body.get("type") in (4, 5, 7):  # a message, "thinking…", or the clicked message updated
                message = (result.get("resource") or {}).get("message")
                if message is not None:
                    yield int(message["id"]), True
        elif path.startswith("/webhooks/"):
            if "id" in result and "channel_id" in result:
                yield int(result["id"]), True
        elif re.fullmatch(r"/channels/\d+/messages(/\d+)?", path):
            if "id" in result:
                yield int(result["id"]), False
        elif re.fullmatch(r"/channels/\d+/threads", path) and isinstance(result.get("message"), dict):
            yield int(result["message"]["id"]), False

    def _notes_of(self, call: Any) -> Iterator[Note]:
        path, method, body, result = call.path, call.method, call.json, call.result
        body = body if isinstance(body, dict) else {}
        if method == "POST" and path.startswith("/interactions/") and body.get("type") == 9:
            title = (body.get("data") or {}).get("title", "")
            yield Note(f"runon-bot opened a form, “{title}”: the playground can't fill in forms yet", "event")
        elif method == "POST" and path == "/users/@me/channels" and isinstance(result, dict):
            self.dm_channels[int(result["id"])] = int(body["recipient_id"])
        elif method == "POST" and re.fullmatch(r"/channels/\d+(/messages/\d+)?/threads", path):
            if isinstance(result, dict):
                parent = int(result["parent_id"])
                self.threads[int(result["id"])] = (str(result["name"]), parent)
                kind = "post" if "message" in result else "thread"
                yield Note(f"🧵 runon-bot opened the {kind} “{result['name']}” in {self.channel_name(parent)}", "event")
        elif method == "PATCH" and re.fullmatch(r"/channels/\d+", path) and isinstance(result, dict):
            if int(result["id"]) in self.threads:
                changes = ", ".join(f"{k}: {v}" for k, v in body.items() if k in ("archived", "locked", "name"))
                yield Note(
                    f"🧵 runon-bot changed the thread {self.channel_name(int(result['id']))} ({changes})", "event"
                )
        elif method == "DELETE" and re.fullmatch(r"/channels/\d+/messages/\d+", path):
            yield Note(f"🗑 runon-bot deleted a message in {self.channel_name(int(path.split('/')[2]))}", "event")
        elif re.fullmatch(r"/guilds/\d+/scheduled-events(/\d+)?", path) and method in ("POST", "PATCH"):
            yield Note(self._event_text(method, body, result), "event")

    def _event_text(self, method: str, body: dict[str, Any], result: Any) -> str:
        event = result if isinstance(result, dict) else body
        if method == "PATCH" and body.get("status") in (3, 4):
            return f"📅 runon-bot {'ended' if body['status'] == 3 else 'cancelled'} the server event “{event['name']}”"
        start = event.get("scheduled_start_time")
        when = f" · <t:{int(dt.datetime.fromisoformat(start).timestamp())}:F>" if start else ""
        if event.get("channel_id"):
            place = " · " + self.channel_name(int(event["channel_id"]))
        else:
            place = " · " + str((event.get("entity_metadata") or {}).get("location", ""))
        verb = "added" if method == "POST" else "updated"
        return f"📅 runon-bot {verb} a server event: “{event['name']}”{when}{place}"

    def _shown(self, message_id: int, *, edited: bool, answer: bool) -> Shown | None:
        stored = self.harness.recorder.messages.get(message_id)
        if stored is None:
            return None
        message = copy.deepcopy(stored)
        flags = int(message.get("flags") or 0)
        only_for = None
        meta = message.get("interaction_metadata") or {}
        if flags & EPHEMERAL:
            only_for = self.user_name(int(meta["user"]["id"])) if meta.get("user") else self.member.name
        shown = Shown(message, self.where(int(message["channel_id"])), only_for, edited, answer)
        for component in _walk(message.get("components") or []):
            if component.get("type") == 2:
                shown.buttons.append(component)
            elif component.get("type") in (3, 5, 6, 7, 8):
                shown.menus.append(component)
        return shown

    # -- help -----------------------------------------------------------------------------------------------------

    def world(self) -> str:
        channels = "\n".join(f"  {self.channel_name(c.id):<16} {c.about}" for c in CHANNELS)
        members = "\n".join(f"  {m.name:<16} {m.about}" for m in self.members.values())
        return (
            f"Server “{self.harness.guild.name}”, {_utc(self.clock.now)}. The bot is runon-bot.\n"
            f"Channels:\n{channels}\nMembers:\n{members}\n"
            f"You are {self.member.name}, in #{self.channel.name}. Type `help` for what you can do."
        )

    def help(self, topic: str | None) -> str:
        if topic:
            node, _ = self.find(topic.split())
            if node is None:
                raise LineError(f"there is no /{topic} command; `help` lists them")
            return self._command_help(node)
        lines = [HELP.strip(), "", "Commands (`help NAME` for one):"]
        for command in self._roots():
            lines.append(f"  /{self.local(command):<12} {self._description(command)}")
        return "\n".join(lines)

    def _description(self, node: Any) -> str:
        where = Where.parameter_description if isinstance(node, app_commands.Parameter) else Where.command_description
        return self.translated(str(node.description), where)

    def _command_help(self, node: Any) -> str:
        if isinstance(node, app_commands.Group):
            lines = [f"/{self.local_path(node)}: {self._description(node)}"]
            leaves = [c for c in node.walk_commands() if isinstance(c, app_commands.Command)]
            lines += [f"  {self.usage(c)}  {self._description(c)}" for c in leaves]
            return "\n".join(lines)
        lines = [f"{self.usage(node)}  {self._description(node)}"]
        for param in node.parameters:
            extra = ""
            if param.choices:
                extra = " (one of " + ", ".join(str(c.value) for c in param.choices) + ")"
            elif param.autocomplete:
                extra = " (Tab suggests)"
            lines.append(f"  {self.local(param)}: {self._description(param)}{extra}")
        return "\n".join(lines)


HELP = """
Type as a member would in Discord, one command a line:
  /recap episode:5                     a slash command; options as name:value
  /watchparty create episodes:3-4 when:"friday 8pm"
                                       quote a value to keep `x:` in it; Tab completes names and values
  click N                              press button N of the last message shown with buttons
  pick N CHOICE...                     choose in menu N of that message (option numbers or labels)
  as NAME                              be another member (mina, jun, leo)
  in CHANNEL                           type in another channel (#general, #spoilers, #staff)
  progress N                           tell the bot you've watched up to episode N
  lang ko | lang en                    your Discord language (the bot answers in it)
  time +1h | +30m | +2d                move the clock on: due reminders and airing posts go out
  reveal                               uncover the spoilers of the last message shown
  help [COMMAND]                       this, or one command's options
  quit                                 leave (Ctrl-D works too)
"""


_INVOKE_KEYWORDS = {"command", "user", "channel_id", "guild_id", "app_permissions", "locale"}


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                yield from _walk([component[key]])


_SPOILER = re.compile(r"\|\|.+?\|\|", re.DOTALL)


def _has_spoilers(message: Any) -> bool:
    """Whether a message (or any part of it: content, embeds, polls, components) has a spoiler tag or a spoiler
    attachment."""
    if isinstance(message, str):
        return _SPOILER.search(message) is not None
    if isinstance(message, dict):
        if str(message.get("filename", "")).startswith("SPOILER_"):
            return True
        return any(_has_spoilers(value) for value in message.values())
    if isinstance(message, list):
        return any(_has_spoilers(value) for value in message)
    return False


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%a %Y-%m-%d %H:%M UTC")


def _content_type(name: str) -> str:
    lower = name.lower()
    for ending, kind in ((".png", "image/png"), (".jpg", "image/jpeg"), (".jpeg", "image/jpeg"), (".gif", "image/gif")):
        if lower.endswith(ending):
            return kind
    return "application/octet-stream"
