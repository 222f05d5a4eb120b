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
from babel import UnknownLocaleError
from babel.dates import format_datetime
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.app import App
from bot.catalog import Catalog, load_catalog
from bot.client import RunOnBot, required_permissions, translate_command_string
from bot.locale import AllOf, Msg, Texts, language_of, msg, plural_msg, texts
from bot.permissions import LABELS, humanize
from bot.reminders import SenderOptions
from bot.standin import DEFAULT_CHANNEL_ID, DEFAULT_MEMBER_PERMISSIONS, CommandUnavailable, Harness, close, start
from bot.store import Database
from bot.store import reminders as reminder_rows

from .lines import (
    As,
    Click,
    Help,
    In,
    Joined,
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
    about: Msg
    permissions: int
    locale: str = "en-US"


@dataclass(frozen=True)
class Channel:
    id: int
    name: str
    kind: str  # "text", "voice", "forum"
    about: Msg

    @property
    def type(self) -> int:
        return {"text": 0, "voice": 2, "forum": 15}[self.kind]


MEMBERS = (
    Member(2001, "mina", msg("a fan, rewatching Run On"), DEFAULT_MEMBER_PERMISSIONS.value),
    Member(2002, "jun", msg("staff: Manage Server, Manage Events"), STAFF_PERMISSIONS.value),
    Member(2003, "leo", msg("new here, hasn't watched yet"), DEFAULT_MEMBER_PERMISSIONS.value),
)
CHANNELS = (
    Channel(DEFAULT_CHANNEL_ID, "general", "text", msg("where you start")),
    Channel(601, "spoilers", "text", msg("anything goes")),
    Channel(602, "episode-talk", "forum", msg("a forum, for {command}", command="/setup discussion")),
    Channel(603, "staff", "text", msg("for {command}", command="/setup staff")),
    Channel(604, "Watch Party", "voice", msg("a voice channel for watch parties")),
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
            return self.tr("a DM to {name}", name=self.user_name(self.dm_channels[channel_id]))
        return f"#unknown-{channel_id}"

    def role_name(self, role_id: int) -> str:
        for name, known in self.roles.items():
            if known == role_id:
                return name
        return "everyone" if role_id == self.harness.guild_id else f"role {role_id}"

    def where(self, channel_id: int) -> str:
        if channel_id in self.threads:
            name, parent = self.threads[channel_id]
            return self.tr("thread “{name}” in {channel}", name=name, channel=self.channel_name(parent))
        return self.channel_name(channel_id)

    # -- one line -------------------------------------------------------------------------------------------------

    async def run(self, line: Line) -> Happened:
        try:
            return await self._run(line)
        except LineError as problem:
            return self.refused(problem)
        except CommandUnavailable as refused:
            return Happened(problem=self.tr("Discord would not send that: {reason}", reason=str(refused)))
        except Exception as error:  # a bug in the bot or here: say so, keep the session going
            log.exception("the line %r failed", line)
            failure = f"{type(error).__name__}: {error}"
            return Happened(problem=self.tr("this line failed inside the bot ({error}); see the log", error=failure))

    def _utc(self, moment: dt.datetime) -> str:
        return _utc(moment, self.tr.lang.replace("-", "_"))

    def refused(self, problem: LineError) -> Happened:
        """A line that could not be run, answered in the current member's language."""
        return Happened(problem=self.tr.render(problem.message))

    @property
    def tr(self) -> Texts:
        """The playground's own words in the current member's language, as their Discord client shows its own."""
        return texts(language_of(self.member.locale))

    async def _run(self, line: Line) -> Happened:
        if isinstance(line, Nothing):
            return Happened()
        if isinstance(line, Quit):
            return Happened(quit=True)
        if isinstance(line, Help):
            return Happened([Note(self.help(line.topic), "help")])
        if isinstance(line, Slash) and not line.words:
            raise LineError(msg("name a command after the slash, like `/recap episode:5`"))
        if isinstance(line, As):
            return self._switch_member(line.name)
        if isinstance(line, In):
            return self._switch_channel(line.channel)
        if isinstance(line, Lang):
            self.member.locale = line.locale
            language = "한국어" if line.locale == "ko" else "English"
            note = self.tr("{name}'s Discord is in {language} now.", name=self.member.name, language=language)
            return Happened([Note(note)])
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
            raise LineError(
                msg("nobody here is called {name}: the members are {members}", name=name, members=self._members())
            )
        self.member = member
        tr = self.tr
        return Happened([Note(tr("You are {name} now ({about}).", name=member.name, about=tr.render(member.about)))])

    def _switch_channel(self, name: str) -> Happened:
        channel = self.channels.get(name.lower())
        texts = ", ".join("#" + c.name for c in CHANNELS if c.kind == "text")
        if channel is None:
            everything = ", ".join(self.channel_name(c.id) for c in CHANNELS)
            raise LineError(
                msg(
                    "there is no #{name} channel in this server; its channels are {channels} "
                    "(commands are typed in a text channel: {texts})",
                    name=name,
                    channels=everything,
                    texts=texts,
                )
            )
        if channel.kind == "forum":
            raise LineError(
                msg(
                    "{channel} is a forum channel: commands are typed in a text channel: {texts}",
                    channel=self.channel_name(channel.id),
                    texts=texts,
                )
            )
        if channel.kind != "text":
            raise LineError(
                msg(
                    "{channel} is a voice channel: commands are typed in a text channel: {texts}",
                    channel=self.channel_name(channel.id),
                    texts=texts,
                )
            )
        self.channel = channel
        return Happened([Note(self.tr("{name} is in #{channel} now.", name=self.member.name, channel=channel.name))])

    def _members(self) -> _Listed:
        return _Listed([(m.name, m.about) for m in self.members.values()])

    def _reveal(self) -> Happened:
        if self.last is None:
            raise LineError(msg("nothing is shown yet: `reveal` uncovers the spoilers of the last message shown"))
        if not _has_spoilers(self.last.message):
            raise LineError(msg("the last message shown has no spoilers: there is nothing to reveal"))
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
            raise LineError(msg("name a command after the slash, like `/recap episode:5`"))
        node, extra = self.find(path_words)
        if node is None:
            known = sorted(self.all_command_names())
            guess = difflib.get_close_matches(path_words[0].lower(), known, n=1)
            if guess:
                raise LineError(
                    msg("there is no /{name} command; did you mean /{guess}?", name=path_words[0], guess=guess[0])
                )
            raise LineError(msg("there is no /{name} command; `help` lists the commands", name=path_words[0]))
        if isinstance(node, app_commands.Group):
            subs = ", ".join(self.local(c) for c in node.commands)
            group = f"/{self.local_path(node)}"
            if extra:
                raise LineError(
                    msg(
                        "{group} needs a subcommand: `{word}` is not one of them; write one of {subs}",
                        group=group,
                        word=extra[0],
                        subs=subs,
                    )
                )
            raise LineError(msg("{group} needs a subcommand: write one of {subs}", group=group, subs=subs))
        command: app_commands.Command[Any, ..., Any] = node
        self._check_permissions(command)
        params = self.options_of(command)
        shown = [self.local(p) for p in command.parameters]
        usage = self.usage(command)
        if extra:
            path = "/" + self.local_path(command)
            if shown:
                example = f"{shown[0]}:{extra[0]}"
                raise LineError(
                    msg(
                        "`{word}`: name the option it is for, like `{example}` (write {usage})",
                        word=extra[0],
                        example=example,
                        usage=usage,
                    )
                )
            raise LineError(msg("{command} takes no options: write {usage}", command=path, usage=usage))
        names = {typed: param.display_name for typed, param in params.items()}
        texts = {p.display_name for p in command.parameters if p.type is discord.AppCommandOptionType.string}
        raw = gather(words, names, "/" + self.local_path(command), usage, texts)
        options: dict[str, Any] = {}
        for param in command.parameters:
            name = param.display_name
            if name not in raw:
                if param.required:
                    path, needed = "/" + self.local_path(command), self.local(param) + ":"
                    raise LineError(
                        msg(
                            "{command} needs `{option}` (write {usage})",
                            command=path,
                            option=needed,
                            usage=usage,
                        )
                    )
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
        missing = [LABELS.get(name) or humanize(name) for name, on in required if on and not getattr(have, name)]
        able = [m.name for m in self.members.values() if required.is_subset(discord.Permissions(m.permissions))]
        hidden = "/" + self.local(root)
        needs = msg(
            "{name} doesn't see {command} in Discord: it needs {permissions}",
            name=self.member.name,
            command=hidden,
            permissions=AllOf(missing),
        )
        if able:
            switch = "as " + able[0]
            raise LineError(Joined([needs, msg("{name} has it: `{line}`", name=able[0], line=switch)]))
        raise LineError(needs)

    def usage(self, command: app_commands.Command[Any, ..., Any]) -> str:
        parts = [f"{self.local(p)}:…" if p.required else f"[{self.local(p)}:…]" for p in command.parameters]
        return "`" + " ".join(["/" + self.local_path(command), *parts]) + "`"

    def convert(self, command: app_commands.Command[Any, ..., Any], name: str, text: str) -> Any:
        """One option's value as typed, converted as :meth:`resolve` converts it (:class:`LineError` if it can't)."""
        for param in command.parameters:
            if param.display_name == name:
                return self._convert(command, param, text)
        path, option = "/" + command.qualified_name, name + ":"
        raise LineError(msg("{command} has no option `{option}`", command=path, option=option))

    def _convert(self, command: app_commands.Command[Any, ..., Any], param: app_commands.Parameter, text: str) -> Any:
        name, kind = self.local(param), param.type
        what = f"/{self.local_path(command)} {name}:"
        if text == "":
            raise LineError(msg("{option} is empty: give it a value or leave the option out", option=what))
        if param.choices:
            for choice in param.choices:
                names = (str(choice.value), choice.name, self.translated(choice.name, Where.choice_name))
                if text.lower() in (n.lower() for n in names):
                    return choice.value
            listed = ", ".join(str(c.value) for c in param.choices)
            raise LineError(
                msg("{option} is one of {choices}; `{text}` is not", option=what, choices=listed, text=text)
            )
        Opt = discord.AppCommandOptionType
        if kind in (Opt.integer, Opt.number):
            try:
                value: float = int(text) if kind is Opt.integer else float(text)
            except ValueError:
                example = name + ":3"
                raise LineError(
                    msg(
                        "{option} takes a number, like `{example}`; `{text}` is not one",
                        option=what,
                        example=example,
                        text=text,
                    )
                ) from None
            low, high = param.min_value, param.max_value
            if (low is not None and value < low) or (high is not None and value > high):
                if low is not None and high is not None:
                    bounds = msg("from {low} to {high}", low=low, high=high)
                elif low is not None:
                    bounds = msg("at least {low}", low=low)
                else:
                    bounds = msg("at most {high}", high=high)
                raise LineError(
                    msg("{option} must be {bounds}; Discord won't send {text}", option=what, bounds=bounds, text=text)
                )
            return value
        if kind is Opt.boolean:
            if text.lower() in ("true", "yes", "on"):
                return True
            if text.lower() in ("false", "no", "off"):
                return False
            raise LineError(msg("{option} is True or False; `{text}` is neither", option=what, text=text))
        if kind is Opt.string:
            low, high = param.min_value, param.max_value
            if (low is not None and len(text) < low) or (high is not None and len(text) > high):
                raise LineError(
                    msg(
                        "{option} takes {low} to {high} characters; yours has {count}",
                        option=what,
                        low=low or 0,
                        high=high,
                        count=len(text),
                    )
                )
            return text
        if kind is Opt.channel:
            channel = self.channels.get(text.lstrip("#").lower().removeprefix("🔊").strip())
            allowed = [t.value for t in param.channel_types] if param.channel_types else None
            if channel is None or (allowed is not None and channel.type not in allowed):
                fits = [c for c in CHANNELS if allowed is None or c.type in allowed]
                listed = ", ".join(self.channel_name(c.id) for c in fits)
                raise LineError(
                    msg("{option} takes one of this server's channels: {channels}", option=what, channels=listed)
                )
            return channel.id
        if kind in (Opt.user, Opt.mentionable):
            member = self.members.get(text.lstrip("@").lower())
            if member is not None:
                return self._payload(member)
            if kind is Opt.mentionable and text.lstrip("@").lower() in self.roles:
                return self.roles[text.lstrip("@").lower()]
            members = ", ".join("@" + n for n in self.members)
            raise LineError(msg("{option} takes a member: {members}", option=what, members=members))
        if kind is Opt.role:
            role = self.roles.get(text.lstrip("@").lower())
            if role is None:
                roles = ", ".join("@" + n for n in self.roles)
                raise LineError(msg("{option} takes a role: {roles}", option=what, roles=roles))
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

    def _target(self, buttons: bool) -> Shown:
        """The last message shown with buttons (or menus), as it is now (someone else's click may have changed
        it)."""
        target = self.target
        if target is None:
            raise LineError(
                msg("no message with buttons is shown yet") if buttons else msg("no message with menus is shown yet")
            )
        if target.only_for is not None and target.only_for != self.member.name:
            raise LineError(
                msg(
                    "only {name} can see that message: `{line}` first, or use a message everyone sees",
                    name=target.only_for,
                    line="as " + target.only_for,
                )
            )
        fresh = self._shown(int(target.message["id"]), edited=False, answer=target.answer)
        if fresh is None:
            raise LineError(msg("that message is gone (the bot deleted it)"))
        if not fresh.buttons and not fresh.menus:
            raise LineError(
                msg("the last message with buttons has none any more (the bot changed it)")
                if buttons
                else msg("the last message with menus has none any more (the bot changed it)")
            )
        return fresh

    def _current_message(self, target: Shown) -> dict[str, Any]:
        stored = self.harness.recorder.messages.get(int(target.message["id"]))
        if stored is None:
            raise LineError(msg("that message is gone (the bot deleted it)"))
        return copy.deepcopy(stored)

    async def _click(self, number: int) -> Happened:
        target = self._target(buttons=True)
        if not 1 <= number <= len(target.buttons):
            count = len(target.buttons)
            if not count:
                raise LineError(msg("the last message shown has no buttons (only menus: use `pick`)"))
            if count == 1:
                raise LineError(msg("the last message has 1 button: write `click 1`"))
            raise LineError(
                msg(
                    "the last message has {count} buttons: write `click 1` to `{last}`",
                    count=count,
                    last="click " + str(count),
                )
            )
        button = target.buttons[number - 1]
        label = button.get("label") or button.get("emoji", {}).get("name") or self.tr("button")
        if button.get("url"):
            return Happened([Note(self.tr("“{label}” is a link: it opens {url}", label=label, url=button["url"]))])
        if button.get("disabled"):
            raise LineError(msg("“{label}” is greyed out: Discord won't let you press it", label=label))
        member = self.member
        pressed = self.harness.click(
            button["custom_id"],
            message=self._current_message(target),
            user=self._payload(member),
            locale=member.locale,
        )
        return await self._traffic(pressed, f"“{label}”")

    async def _pick(self, number: int, choices: tuple[str, ...]) -> Happened:
        target = self._target(buttons=False)
        if not 1 <= number <= len(target.menus):
            count = len(target.menus)
            if not count:
                raise LineError(msg("the last message shown has no menus (only buttons: use `click`)"))
            raise LineError(
                plural_msg(
                    "the last message has {count} menu: `pick 1 …`",
                    "the last message has {count} menus: `pick 1 …`",
                    count,
                    count=count,
                )
            )
        menu = target.menus[number - 1]
        if menu.get("disabled"):
            raise LineError(msg("that menu is greyed out: Discord won't let you use it"))
        values = self._menu_values(menu, choices)
        low, high = int(menu.get("min_values", 1)), int(menu.get("max_values", 1))
        if not low <= len(values) <= high:
            if low == high:
                raise LineError(
                    plural_msg(
                        "that menu takes {low} choice; you gave {count}",
                        "that menu takes {low} choices; you gave {count}",
                        low,
                        low=low,
                        count=len(values),
                    )
                )
            raise LineError(
                msg("that menu takes {low} to {high} choices; you gave {count}", low=low, high=high, count=len(values))
            )
        member = self.member
        picked = self.harness.select(
            menu["custom_id"],
            values,
            message=self._current_message(target),
            user=self._payload(member),
            locale=member.locale,
        )
        return await self._traffic(picked, menu.get("placeholder") or "menu")

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
                    raise LineError(
                        msg(
                            "`{choice}` is not in that menu: give an option's number (1 to {count})",
                            choice=choice,
                            count=len(options),
                        )
                    )
                values.append(str(found["value"]))
            elif kind == 8:
                channel = self.channels.get(choice.lstrip("#").lower())
                if channel is None:
                    listed = ", ".join(self.channel_name(c.id) for c in CHANNELS)
                    raise LineError(msg("`{choice}` is not a channel here: {channels}", choice=choice, channels=listed))
                values.append(str(channel.id))
            else:
                member = self.members.get(choice.lstrip("@").lower())
                role = self.roles.get(choice.lstrip("@").lower())
                if member is not None and kind in (5, 7):
                    values.append(str(member.id))
                elif role is not None and kind in (6, 7):
                    values.append(str(role))
                else:
                    raise LineError(msg("`{choice}` is not someone this menu takes", choice=choice))
        return values

    # -- time -----------------------------------------------------------------------------------------------------

    async def _time(self, delta: dt.timedelta | None) -> Happened:
        if delta is None:
            return Happened([Note(self.tr("It is {now}.", now=self._utc(self.clock.now)), "time")])
        target = self.clock.now + delta
        happened = Happened([Note(f"⏩ {self._utc(self.clock.now)} → {self._utc(target)}", "time")])
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
                happened.items += [Note(f"· {self._utc(self.clock.now)}", "time"), *more.items]
        self.clock.now = target
        more = await self._traffic(services.reminders.tick(), None)
        if more.items:
            happened.items += [Note(f"· {self._utc(self.clock.now)}", "time"), *more.items]
        if len(happened.items) == 1:
            happened.items.append(Note(self.tr("Nothing was due in that time."), "time"))
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
            yield Note(
                self.tr("runon-bot opened a form, “{title}”: the playground can't fill in forms yet", title=title),
                "event",
            )
        elif method == "POST" and path == "/users/@me/channels" and isinstance(result, dict):
            self.dm_channels[int(result["id"])] = int(body["recipient_id"])
        elif method == "POST" and re.fullmatch(r"/channels/\d+(/messages/\d+)?/threads", path):
            if isinstance(result, dict):
                parent = int(result["parent_id"])
                self.threads[int(result["id"])] = (str(result["name"]), parent)
                where = self.channel_name(parent)
                opened = (
                    self.tr("🧵 runon-bot opened the post “{name}” in {channel}", name=result["name"], channel=where)
                    if "message" in result
                    else self.tr(
                        "🧵 runon-bot opened the thread “{name}” in {channel}", name=result["name"], channel=where
                    )
                )
                yield Note(opened, "event")
        elif method == "PATCH" and re.fullmatch(r"/channels/\d+", path) and isinstance(result, dict):
            if int(result["id"]) in self.threads:
                changes = ", ".join(f"{k}: {v}" for k, v in body.items() if k in ("archived", "locked", "name"))
                changed = self.tr(
                    "🧵 runon-bot changed the thread {thread} ({changes})",
                    thread=self.channel_name(int(result["id"])),
                    changes=changes,
                )
                yield Note(changed, "event")
        elif method == "DELETE" and re.fullmatch(r"/channels/\d+/messages/\d+", path):
            where = self.channel_name(int(path.split("/")[2]))
            yield Note(self.tr("🗑 runon-bot deleted a message in {channel}", channel=where), "event")
        elif re.fullmatch(r"/guilds/\d+/scheduled-events(/\d+)?", path) and method in ("POST", "PATCH"):
            yield Note(self._event_text(method, body, result), "event")

    def _event_text(self, method: str, body: dict[str, Any], result: Any) -> str:
        event = result if isinstance(result, dict) else body
        tr = self.tr
        if method == "PATCH" and body.get("status") == 3:
            return tr("📅 runon-bot ended the server event “{name}”", name=event["name"])
        if method == "PATCH" and body.get("status") == 4:
            return tr("📅 runon-bot cancelled the server event “{name}”", name=event["name"])
        start = event.get("scheduled_start_time")
        when = f" · <t:{int(dt.datetime.fromisoformat(start).timestamp())}:F>" if start else ""
        if event.get("channel_id"):
            place = " · " + self.channel_name(int(event["channel_id"]))
        else:
            place = " · " + str((event.get("entity_metadata") or {}).get("location", ""))
        if method == "POST":
            return tr("📅 runon-bot added a server event: “{name}”", name=event["name"]) + when + place
        return tr("📅 runon-bot updated a server event: “{name}”", name=event["name"]) + when + place

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
    # Help is lines of text; a line with a tab is a row of a two-column table (what to type, TAB, what it does),
    # which the renderer fits to the terminal's width with a hanging indent.

    def world(self) -> str:
        tr = self.tr
        channels = "\n".join(f"  {self.channel_name(c.id):<16} {tr.render(c.about)}" for c in CHANNELS)
        members = "\n".join(f"  {m.name:<16} {tr.render(m.about)}" for m in self.members.values())
        return "\n".join(
            [
                tr(
                    "Server “{server}”, {now}. The bot is runon-bot.",
                    server=self.harness.guild.name,
                    now=self._utc(self.clock.now),
                ),
                tr("Channels:"),
                channels,
                tr("Members:"),
                members,
                tr(
                    "You are {name}, in #{channel}. Type `help` for what you can do.",
                    name=self.member.name,
                    channel=self.channel.name,
                ),
            ]
        )

    def help(self, topic: str | None) -> str:
        if topic:
            node, _ = self.find(topic.split())
            if node is None:
                raise LineError(msg("there is no /{name} command; `help` lists the commands", name=topic))
            return self._command_help(node)
        tr = self.tr
        members = ", ".join(self.members)
        channels = ", ".join("#" + c.name for c in CHANNELS if c.kind == "text")
        when = '"' + tr("friday 8pm") + '"'
        rows = [
            (self._typed("recap", episode="5"), tr("a slash command; options as name:value")),
            (
                self._typed("watchparty create", episodes="3-4", when=when),
                tr("quote a value to keep `x:` in it; Tab completes names and values"),
            ),
            ("click N", tr("press button N of the last message shown with buttons")),
            ("pick N CHOICE...", tr("choose in menu N of that message (option numbers or labels)")),
            ("as NAME", tr("be another member ({members})", members=members)),
            ("in CHANNEL", tr("type in another channel ({channels})", channels=channels)),
            ("progress N", tr("tell the bot you've watched up to episode N")),
            ("lang ko | lang en", tr("your Discord language (the bot answers in it)")),
            (tr("time +1h | +30m | +2d"), tr("move the clock on: due reminders and airing posts go out")),
            ("reveal", tr("uncover the spoilers of the last message shown")),
            ("help [COMMAND]", tr("this, or one command's options")),
            ("quit", tr("leave (Ctrl-D works too)")),
        ]
        lines = [tr("Type as a member would in Discord, one command a line:")]
        lines += [f"  {left}\t{right}" for left, right in rows]
        lines += ["", tr("Commands (`help NAME` for one):")]
        lines += [f"  /{self.local(command)}\t{self._description(command)}" for command in self._roots()]
        return "\n".join(lines)

    def _typed(self, path: str, **options: str) -> str:
        """A command line as the member types it, with the names their Discord shows (``/줄거리 회차:5``)."""
        node, _ = self.find(path.split())
        params = {p.display_name: p for p in node.parameters}
        return " ".join(["/" + self.local_path(node), *(f"{self.local(params[k])}:{v}" for k, v in options.items())])

    def _description(self, node: Any) -> str:
        where = Where.parameter_description if isinstance(node, app_commands.Parameter) else Where.command_description
        return self.translated(str(node.description), where)

    def _command_help(self, node: Any) -> str:
        if isinstance(node, app_commands.Group):
            lines = [f"/{self.local_path(node)}: {self._description(node)}"]
            leaves = [c for c in node.walk_commands() if isinstance(c, app_commands.Command)]
            lines += [f"  {self.usage(c).strip('`')}\t{self._description(c)}" for c in leaves]
            return "\n".join(lines)
        lines = [self.usage(node).strip("`"), f"  {self._description(node)}"]
        for param in node.parameters:
            extra = ""
            if param.choices:
                listed = ", ".join(str(c.value) for c in param.choices)
                extra = " " + self.tr("(one of {choices})", choices=listed)
            elif param.autocomplete:
                extra = " " + self.tr("(Tab suggests)")
            lines.append(f"  {self.local(param)}:\t{self._description(param)}{extra}")
        return "\n".join(lines)


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
    """Whether a message (or any part of it: content, embeds, polls, components) has a spoiler tag, a spoiler
    attachment or a spoiler container (a blurred block of a layout message)."""
    if isinstance(message, str):
        return _SPOILER.search(message) is not None
    if isinstance(message, dict):
        if str(message.get("filename", "")).startswith("SPOILER_"):
            return True
        if message.get("type") == 17 and message.get("spoiler"):
            return True
        return any(_has_spoilers(value) for value in message.values())
    if isinstance(message, list):
        return any(_has_spoilers(value) for value in message)
    return False


@dataclass(frozen=True)
class _Listed:
    """``mina (a fan, rewatching Run On), jun (...)``: names with what they are, in the reader's language."""

    items: list[tuple[str, Msg]]

    def render(self, tr: Texts) -> str:
        return ", ".join(f"{name} ({tr.render(about)})" for name, about in self.items)


def _utc(moment: dt.datetime, lang: str = "en") -> str:
    """The clock, as the playground shows it: ``Sat 2026-11-21 12:00 UTC`` (``토 2026-11-21 12:00 UTC``)."""
    try:
        shown = format_datetime(moment.astimezone(dt.UTC), "EEE y-MM-dd HH:mm", tzinfo=dt.UTC, locale=lang)
    except (UnknownLocaleError, ValueError):  # a language CLDR doesn't know (a pseudo-locale): English's
        shown = format_datetime(moment.astimezone(dt.UTC), "EEE y-MM-dd HH:mm", tzinfo=dt.UTC, locale="en")
    return shown + " UTC"


def _content_type(name: str) -> str:
    lower = name.lower()
    for ending, kind in ((".png", "image/png"), (".jpg", "image/jpeg"), (".jpeg", "image/jpeg"), (".gif", "image/gif")):
        if lower.endswith(ending):
            return kind
    return "application/octet-stream"
