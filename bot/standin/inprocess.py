"""The in-process adapter: real discord.py machinery, Discord played by :class:`~bot.standin.state.DiscordState`.

Tests build REAL ``discord.Interaction`` objects from gateway-shaped payloads and dispatch them
exactly like ``ConnectionState.parse_interaction_create`` does (command tree for slash commands and
autocomplete, the ``ViewStore`` for components / modals, plus the ``on_interaction`` event). Nothing
ever reaches the network:

* discord.py's HTTP session is replaced by one that hands each request to the route table
  (:mod:`bot.standin.routes`) over the shared state (the bot's own REST calls: ``channel.send``, edits,
  threads, ...);
* a recording ``AsyncWebhookAdapter`` is installed in ``discord.webhook.async_.async_context`` (the
  interaction callback, follow-ups and ``@original`` edits go through it, and through the same table).

Every request becomes a :class:`~bot.standin.state.Call` in ``harness.recorder.calls``; the gateway events the
state announces (a thread created, a channel changed, a role updated) reach discord.py's cache here.

All use of discord.py private names is confined to this module.

Typical use::

    h = await start(bot)
    interaction = await h.invoke("episode info", number=3)
    assert h.last_response()["data"]["flags"] & 64
    await h.click("episode:next:3")
    await close(h)
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from . import assertions
from . import payloads as p
from .commands import CommandUnavailable
from .components import ComponentDriving
from .payloads import (
    BOT_USER_ID,
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_CHANNEL_ID,
    DEFAULT_GUILD_ID,
    DEFAULT_MEMBER_PERMISSIONS,
    DEFAULT_USER_ID,
    FORUM_REQUIRE_TAG,
    GUILD_OWNER_ID,
    Payload,
)
from .state import Call, DiscordState, InteractionRecord
from .transport import HTTPSession, Recorder, WebhookAdapter, take_rule, to_exception

__all__ = [
    "DM",
    "CommandUnavailable",
    "Harness",
    "PreparedInteraction",
    "Recorder",
    "close",
    "start",
]

#: Pass as ``guild_id=`` to :meth:`Harness.invoke` for a DM (``None`` works too).
DM: None = None

#: Tasks whose coroutine ``__qualname__`` contains one of these are never waited for when a dispatch
#: settles (they sleep for minutes: view timeouts, ``delete_after``, ``Message.delete(delay=)``,
#: ``discord.ext.tasks`` loops).
DEFAULT_IGNORED_TASKS: tuple[str, ...] = (
    "__timeout_task_impl",
    ".inner_call",
    "Message.delete.<locals>.delete",
    "Loop._loop",
)

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass
class PreparedInteraction:
    """An INTERACTION_CREATE payload built but not yet sent (:meth:`Harness.prepare`), for a benchmark that
    times dispatching it, or a test that changes it first. :meth:`Harness.send` delivers it."""

    payload: Payload
    record: InteractionRecord


class _ErrorLogHandler(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(level=logging.ERROR)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self._sink.append(record)


_DEFAULT: Any = ...


class Harness(ComponentDriving):
    """Drives a ``commands.Bot`` offline. Prefer :func:`start` / :func:`close`."""

    def __init__(self, bot: commands.Bot, *, state: DiscordState | None = None) -> None:
        self.bot = bot
        self._connection = bot._connection
        app_id = self._connection.application_id or BOT_USER_ID
        self._connection.application_id = app_id
        self.application_id: int = app_id
        #: Discord as the stand-in holds it; shared with any other adapter given the same state.
        self.discord = state or DiscordState(application_id=app_id, bot_user_id=BOT_USER_ID)
        self.recorder = Recorder(self.discord)
        #: AppCommandErrors that reached ``bot.tree.on_error`` (CommandInvokeError wraps exceptions).
        self.errors: list[app_commands.AppCommandError] = []
        #: ERROR records logged by discord.py (ignored exceptions in views, dynamic items, events, ...).
        self.logged_errors: list[logging.LogRecord] = []
        #: Max seconds a dispatch may take to settle before TimeoutError.
        self.settle_timeout: float = 10.0
        self.ignored_tasks: list[str] = list(DEFAULT_IGNORED_TASKS)
        #: Refuse interactions Discord would not send (see CommandUnavailable).
        self.enforce_discord_rules: bool = True

        self.guild_id: int = DEFAULT_GUILD_ID
        self.channel_id: int = DEFAULT_CHANNEL_ID

        self._command_ids: dict[tuple[str, int | None], int] = {}
        self._collectors: list[list[asyncio.Task[Any]]] = []
        self._factory_loop: asyncio.AbstractEventLoop | None = None
        self._prev_factory: Any = None
        self._factory: Any = None
        self._closed = False

        # -- identity: what login() would have set --
        self.bot_user_payload: Payload = dict(self.discord.bot_user)
        self._connection.user = discord.ClientUser(state=self._connection, data=self.bot_user_payload)  # type: ignore[arg-type]

        # -- transports --
        self._orig_session = bot.http.__dict__.get("_HTTPClient__session")
        bot.http._HTTPClient__session = HTTPSession(self.recorder, bot.http)  # type: ignore[attr-defined]
        self._orig_global_over = bot.http._global_over
        bot.http._global_over = asyncio.Event()  # what static_login() sets up
        bot.http._global_over.set()
        bot.http.get_from_cdn = self._get_from_cdn  # type: ignore[method-assign]
        self._adapter = WebhookAdapter(self.recorder)
        self._prev_adapter = discord.webhook.async_.async_context.get()
        discord.webhook.async_.async_context.set(self._adapter)
        self.discord.listeners.append(self._apply)

        self._log_handler = _ErrorLogHandler(self.logged_errors)
        logging.getLogger("discord").addHandler(self._log_handler)

        # -- world --
        self.add_guild(
            DEFAULT_GUILD_ID,
            name="Run On Fans",
            channels=[p.channel_payload(DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, name="general")],
        )

    # ---------------------------------------------------------------------------------------------
    # the gateway: what Discord announces reaches discord.py's cache
    # ---------------------------------------------------------------------------------------------

    def _apply(self, event: str, data: Payload) -> None:
        """Apply a gateway event from the state to the bot's cache (directly, as the cache would end up;
        listeners only run for events a test delivers with :meth:`gateway`)."""
        connection = self._connection
        if event == "GUILD_CREATE":
            existing = connection._get_guild(int(data["id"]))
            if existing is not None:
                connection._remove_guild(existing)
            connection._add_guild_from_data(data)  # type: ignore[arg-type]
            return
        if event == "GUILD_UPDATE":
            connection.parse_guild_update(data)
            return
        guild = connection._get_guild(int(data.get("guild_id") or 0))
        if guild is None:
            return
        if event == "CHANNEL_CREATE":
            factory, _ = discord.channel._guild_channel_factory(data["type"])
            if factory is None:
                raise ValueError(f"unsupported channel type {data['type']}")
            guild._add_channel(factory(guild=guild, state=connection, data=data))
        elif event == "CHANNEL_UPDATE":
            connection.parse_channel_update(data)
        elif event in ("THREAD_CREATE", "THREAD_UPDATE") and not data["thread_metadata"].get("archived"):
            guild._add_thread(discord.Thread(guild=guild, state=connection, data=data))  # type: ignore[arg-type]
        elif event in ("THREAD_UPDATE", "THREAD_DELETE", "CHANNEL_DELETE"):
            thread = guild.get_thread(int(data["id"]))
            if thread is not None:
                guild._remove_thread(thread)
            channel = guild.get_channel(int(data["id"])) if event == "CHANNEL_DELETE" else None
            if channel is not None:
                guild._remove_channel(channel)
        elif event == "GUILD_ROLE_CREATE":
            guild._add_role(discord.Role(guild=guild, state=connection, data=data["role"]))
        elif event == "GUILD_ROLE_UPDATE":
            connection.parse_guild_role_update(data)

    # ---------------------------------------------------------------------------------------------
    # world building
    # ---------------------------------------------------------------------------------------------

    @property
    def guild(self) -> discord.Guild:
        guild = self.bot.get_guild(self.guild_id)
        assert guild is not None
        return guild

    def add_guild(
        self,
        guild_id: int,
        *,
        name: str = "Guild",
        owner_id: int = GUILD_OWNER_ID,
        everyone_permissions: discord.Permissions | int = DEFAULT_MEMBER_PERMISSIONS,
        locale: str = "en-US",
        channels: Sequence[Payload] = (),
        roles: Sequence[Payload] = (),
    ) -> discord.Guild:
        """Add (or replace) a guild through a GUILD_CREATE-shaped payload. The bot is a member
        with a managed role carrying DEFAULT_APP_PERMISSIONS."""
        self.discord.add_guild(
            guild_id, name=name, owner_id=owner_id, everyone_permissions=everyone_permissions, locale=locale,
            channels=channels, roles=roles,
        )  # fmt: skip
        guild = self._connection._get_guild(guild_id)
        assert guild is not None
        return guild

    def update_guild(self, guild_id: int | None = None, **changes: Any) -> None:
        """Change a server's settings (``name``, ``premium_tier``, ``preferred_locale``...), as GUILD_UPDATE."""
        self.discord.update_guild(guild_id or self.guild_id, **changes)

    def set_guild_locale(self, locale: str, *, guild_id: int | None = None) -> None:
        """The server's Discord language (Server Settings > Overview > Server Primary Language), changed as a
        GUILD_UPDATE would change it; interactions then carry it as ``guild_locale``."""
        self.update_guild(guild_id, preferred_locale=locale)

    def channel_payload(self, channel_id: int, guild_id: int | None = None, **fields: Any) -> Payload:
        """A guild channel payload, for :meth:`add_guild` (see :func:`bot.standin.payloads.channel_payload`)."""
        return p.channel_payload(channel_id, guild_id or self.guild_id, **fields)

    def add_channel(
        self,
        channel_id: int,
        *,
        name: str | None = None,
        guild_id: int | None = None,
        type: int = 0,
        parent_id: int | None = None,
        nsfw: bool = False,
        topic: str | None = None,
    ) -> Any:
        """Add a guild channel (text=0, voice=2, category=4, news=5, forum=15, threads=10/11/12)."""
        gid = guild_id or self.guild_id
        guild = self._connection._get_guild(gid) or self.add_guild(gid)
        if type in p.THREAD_TYPES:
            payload = p.thread_payload(channel_id, gid, parent_id or self.channel_id, name=name, type=type)
            self.discord.add_channel(payload)
            return guild.get_thread(channel_id)
        if discord.channel._guild_channel_factory(type)[0] is None:
            raise ValueError(f"unsupported channel type {type}")
        self.discord.add_channel(
            p.channel_payload(
                channel_id, gid, name=name, type=type, parent_id=parent_id, nsfw=nsfw, topic=topic,
                position=len(guild.channels),
            )
        )  # fmt: skip
        return guild.get_channel(channel_id)

    def set_bot_permissions(self, permissions: discord.Permissions | int, *, guild_id: int | None = None) -> None:
        """Change the bot's managed role (its server-wide permissions), as an admin would."""
        gid = guild_id or self.guild_id
        self.discord.set_role_permissions(gid, self.discord.bot_roles[gid], p.permission_value(permissions))

    def set_overwrite(
        self,
        channel_id: int,
        target_id: int = BOT_USER_ID,
        *,
        allow: discord.Permissions | int = 0,
        deny: discord.Permissions | int = 0,
        role: bool = False,
    ) -> None:
        """Set a channel permission overwrite (default: for the bot member), as staff would in Discord."""
        allow_value, deny_value = p.permission_value(allow), p.permission_value(deny)
        self.discord.set_overwrite(channel_id, target_id, allow=allow_value, deny=deny_value, role=role)

    def remove_channel(self, channel_id: int) -> None:
        """Delete a channel or thread from Discord's side (as if someone deleted it)."""
        self.discord.remove_channel(channel_id)

    def set_forum(
        self,
        channel_id: int,
        *,
        require_tag: bool | None = None,
        tags: Sequence[str | Payload] | None = None,
        gateway: bool = True,
    ) -> list[int]:
        """Change a forum channel as staff would: *Require tags* on or off, and its tags (names, or tag payloads
        such as ``{"name": "Spoilers", "moderated": True}``). Returns the ids of the forum's tags. With
        ``gateway=False`` the bot's cache is not told (a CHANNEL_UPDATE it has not received yet)."""
        changes: Payload = {}
        if require_tag is not None:
            flags = int(self.discord.channel(channel_id).get("flags") or 0)
            changes["flags"] = flags | FORUM_REQUIRE_TAG if require_tag else flags & ~FORUM_REQUIRE_TAG
        if tags is not None:
            changes["available_tags"] = [
                {"id": str(self.discord.next_id()), "moderated": False, "emoji_id": None, "emoji_name": None}
                | ({"name": tag} if isinstance(tag, str) else tag)
                for tag in tags
            ]
        payload = self.discord.update_channel(channel_id, changes, announce=gateway)
        return [int(tag["id"]) for tag in payload.get("available_tags") or []]

    def archive_thread(self, thread_id: int) -> None:
        """Archive a thread on Discord's side; the cached Thread forgets it, as the gateway would."""
        self.discord.update_channel(thread_id, {"archived": True})

    async def _get_from_cdn(self, url: str) -> bytes:
        """The CDN download behind ``Attachment.read()``. ``recorder.fail("GET", url_regex, status=404)`` makes it
        fail as discord.py's ``get_from_cdn`` does (404 NotFound, 403 Forbidden, else HTTPException)."""
        call = Call("GET", url, None)
        self.recorder.calls.append(call)
        await asyncio.sleep(0)  # a download is I/O: let other tasks run
        failure = take_rule(self.recorder.failures, "GET", url)
        if failure is not None and failure.reject is not None:
            call.status = failure.reject.status
            raise to_exception(failure.reject, "GET", url)
        return self.discord.cdn.get(url, b"fake-bytes:" + url.rsplit("/", 1)[-1].encode())

    def message_payload(
        self,
        content: str,
        *,
        author: Payload | None = None,
        channel_id: int | None = None,
        attachments: Sequence[str] = (),
    ) -> Payload:
        """A message posted by a member (stored, so the bot can fetch or delete it)."""
        channel = channel_id or self.channel_id
        message = p.message_payload(
            self.discord.next_id(), channel, (author or self.member())["user"], content=content,
            guild_id=self.guild_id, attachments=attachments,
            attachment_ids=[self.discord.next_id() for _ in attachments],
        )  # fmt: skip
        self.discord.touch(message)
        return copy.deepcopy(message)

    def add_role(
        self,
        role_id: int,
        *,
        name: str | None = None,
        permissions: discord.Permissions | int = 0,
        guild_id: int | None = None,
        position: int = 1,
        mentionable: bool = False,
    ) -> discord.Role:
        gid = guild_id or self.guild_id
        guild = self._connection._get_guild(gid) or self.add_guild(gid)
        payload = p.role_payload(
            gid, role_id, name or f"role-{role_id}", permissions, position=position, mentionable=mentionable
        )
        self.discord.add_role(gid, payload)
        role = guild.get_role(role_id)
        assert role is not None
        return role

    def member(
        self,
        user_id: int = DEFAULT_USER_ID,
        *,
        name: str = "fan",
        permissions: discord.Permissions | int = DEFAULT_MEMBER_PERMISSIONS,
        roles: Sequence[int] = (),
        nick: str | None = None,
        bot: bool = False,
    ) -> Payload:
        """A gateway member payload (``{"user": {...}, "roles": [...], "permissions": "..."}``).

        ``permissions`` is what Discord puts in the interaction (resolved channel permissions).
        Unknown role ids are created in the default guild; permissions beyond @everyone's are also
        granted through a synthetic role so ``member.guild_permissions`` agrees."""
        value = p.permission_value(permissions)
        guild = self._connection._get_guild(self.guild_id)
        role_ids = [int(r) for r in roles]
        if guild is not None:
            for role_id in role_ids:
                if guild.get_role(role_id) is None:
                    self.add_role(role_id)
            extra = value & ~guild.default_role.permissions.value
            if extra:
                synthetic = 9_000_000_000 + extra % 1_000_000_000
                if guild.get_role(synthetic) is None:
                    self.add_role(synthetic, name=f"perms-{value}", permissions=value)
                if synthetic not in role_ids:
                    role_ids.append(synthetic)
        spec = p.member_payload(user_id, name=name, permissions=value, roles=role_ids, nick=nick, bot=bot)
        self.discord.add_member(spec)
        return copy.deepcopy(spec)

    def dm_channel_id(self, user_id: int) -> int:
        """The id of the DM channel between the bot and a user (made on first use)."""
        return int(self.discord.dm_channel(user_id)["id"])

    # ---------------------------------------------------------------------------------------------
    # transports
    # ---------------------------------------------------------------------------------------------

    def _install_context(self) -> None:
        discord.webhook.async_.async_context.set(self._adapter)

    async def _ensure_ready(self) -> asyncio.AbstractEventLoop:
        if self._closed:
            raise RuntimeError("harness is closed")
        loop = asyncio.get_running_loop()
        if self.bot.loop is not loop:
            await self.bot._async_setup_hook()
        if self._factory_loop is not loop:
            self._prev_factory = loop.get_task_factory()
            prev = self._prev_factory
            collectors = self._collectors

            def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
                task = prev(loop, coro, **kwargs) if prev is not None else asyncio.Task(coro, loop=loop, **kwargs)
                for collector in collectors:
                    collector.append(task)
                return task

            loop.set_task_factory(factory)
            self._factory = factory
            self._factory_loop = loop
        self._install_context()
        self._ensure_error_hook()
        return loop

    def _ensure_error_hook(self) -> None:
        tree = self.bot.tree
        current = tree.on_error
        if getattr(current, "__harness__", None) is self:
            return

        async def on_error(interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /) -> None:
            self.errors.append(error)
            await current(interaction, error)

        on_error.__harness__ = self  # type: ignore[attr-defined]
        tree.on_error = on_error  # type: ignore[method-assign]

    def _is_ignored(self, task: asyncio.Task[Any]) -> bool:
        qualname = getattr(task.get_coro(), "__qualname__", "") or ""
        return any(pattern in qualname for pattern in self.ignored_tasks)

    async def settle(self, tasks: Sequence[asyncio.Task[Any]]) -> None:
        """Wait until ``tasks`` (and nothing ignored) are done, within :attr:`settle_timeout`; re-raise the
        first exception one of them ended with."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settle_timeout
        while True:
            for _ in range(3):
                await asyncio.sleep(0)
            pending = [t for t in tasks if not t.done() and not self._is_ignored(t)]
            if not pending:
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = ", ".join(f"{t.get_name()} ({getattr(t.get_coro(), '__qualname__', '?')})" for t in pending)
                raise TimeoutError(f"dispatch did not settle within {self.settle_timeout}s; pending: {names}")
            await asyncio.wait(pending, timeout=remaining)
        for task in tasks:
            if task.done() and not task.cancelled() and not self._is_ignored(task):
                exc = task.exception()
                if exc is not None:
                    raise exc

    async def run(self, work: Callable[[], _T], *, settle: bool = True) -> _T:
        """Call ``work`` and (with ``settle``) wait for every task it starts, and every task those start,
        as a dispatch from Discord does."""
        await self._ensure_ready()
        created: list[asyncio.Task[Any]] = []
        self._collectors.append(created)
        try:
            result = work()
            if settle:
                await self.settle(created)
        finally:
            self._collectors.remove(created)
        return result

    @contextlib.contextmanager
    def collecting(self) -> Iterator[list[asyncio.Task[Any]]]:
        """A list that receives every task started on the loop while the block runs (for a caller that times
        a dispatch itself and then :meth:`settle` s what it left behind). Needs a dispatch first (or :func:`start`)."""
        created: list[asyncio.Task[Any]] = []
        self._collectors.append(created)
        try:
            yield created
        finally:
            self._collectors.remove(created)

    @property
    def webhook_adapter(self) -> discord.webhook.async_.AsyncWebhookAdapter:
        """The transport of interaction answers and follow-ups (to time the bot's side of it)."""
        return self._adapter

    def interaction(self, payload: Payload) -> discord.Interaction[Any]:
        """A real ``discord.Interaction`` from an INTERACTION_CREATE payload, not dispatched."""
        return discord.Interaction(data=payload, state=self._connection)  # type: ignore[arg-type]

    def _deliver(self, payload: Payload) -> discord.Interaction:
        """Mirror of ConnectionState.parse_interaction_create."""
        connection = self._connection
        interaction = self.interaction(payload)
        data = payload.get("data") or {}
        if payload["type"] in (2, 4) and connection._command_tree:
            connection._command_tree._from_interaction(interaction)
        elif payload["type"] == 3:
            connection._view_store.dispatch_view(data["component_type"], data["custom_id"], interaction)
        elif payload["type"] == 5:
            connection._view_store.dispatch_modal(
                data["custom_id"], interaction, data["components"], data.get("resolved", {})
            )
        connection.dispatch("interaction", interaction)
        return interaction

    async def _dispatch(self, payload: Payload, info: InteractionRecord) -> discord.Interaction:
        """Deliver an interaction, then wait for everything it spawned."""
        self.discord.register_interaction(info)
        return await self.run(lambda: self._deliver(payload))

    async def send(
        self, prepared: PreparedInteraction, *, fresh_id: bool = False, settle: bool = True
    ) -> discord.Interaction:
        """Deliver a prepared interaction. ``fresh_id`` gives it a new id and token first (replaying one payload
        many times); ``settle=False`` returns as soon as the bot has it, without waiting for what it started."""
        payload, record = prepared.payload, prepared.record
        if fresh_id:
            new_id = self.discord.next_id()
            payload = dict(payload, id=str(new_id), token=f"itok{new_id}")
            record = InteractionRecord(**{**record.__dict__, "id": new_id, "token": f"itok{new_id}"})
        record.created_at = self.discord.clock()
        if settle:
            return await self._dispatch(payload, record)
        await self._ensure_ready()
        self.discord.register_interaction(record)
        return self._deliver(payload)

    # ---------------------------------------------------------------------------------------------
    # payload building
    # ---------------------------------------------------------------------------------------------

    def _default_channel(self, guild_id: int) -> int:
        for channel in self.discord.channels.values():
            if channel.get("guild_id") == str(guild_id) and channel["type"] in (0, 5):
                return int(channel["id"])
        return int(self.add_channel(self.discord.next_id(), guild_id=guild_id).id)

    def _base_payload(
        self,
        itype: int,
        data: Payload,
        *,
        user: Payload | None,
        guild_id: int | None,
        channel_id: int | None,
        app_permissions: discord.Permissions | int | None,
        locale: str,
        name: str | None = None,
        message: Payload | None = None,
        origin: InteractionRecord | None = None,
    ) -> tuple[Payload, InteractionRecord]:
        member = copy.deepcopy(user) if user is not None else self.member()
        if "user" not in member:  # a bare user payload was passed
            member = p.member_payload(int(member["id"])) | {"user": member, "roles": []}
        user_payload = member["user"]
        guild: Payload | None = None
        if guild_id is not None:
            if guild_id not in self.discord.guilds:
                self.add_guild(guild_id)
            guild = self.discord.guilds[guild_id]
            channel_id = channel_id or self._default_channel(guild_id)
            if channel_id not in self.discord.channels:
                self.add_channel(channel_id, guild_id=guild_id)
            channel = dict(self.discord.channels[channel_id])
            channel["permissions"] = member.get("permissions", str(DEFAULT_MEMBER_PERMISSIONS.value))
        else:
            user_id = int(user_payload["id"])
            channel_id = channel_id or self.dm_channel_id(user_id)
            channel = self.discord.channels.get(channel_id) or {
                "id": str(channel_id), "type": 1, "recipients": [user_payload], "last_message_id": None,
            }  # fmt: skip
        iid = self.discord.next_id()
        payload = p.interaction_payload(
            iid, self.application_id, itype, data, member=member, channel=channel, guild=guild, locale=locale,
            app_permissions=DEFAULT_APP_PERMISSIONS if app_permissions is None else app_permissions, message=message,
        )  # fmt: skip
        info = InteractionRecord.from_payload(payload, self.discord.clock())
        info.name, info.origin = name, origin
        return payload, info

    def _resolve_guild(self, guild_id: Any) -> int | None:
        return self.guild_id if guild_id is _DEFAULT else guild_id

    def _member_or_default(self, user: Payload | None) -> Payload:
        return copy.deepcopy(user) if user is not None else self.member()

    # ---------------------------------------------------------------------------------------------
    # public driving API
    # ---------------------------------------------------------------------------------------------

    def prepare(
        self,
        command: str,
        *,
        user: Payload | None = None,
        channel_id: int | None = None,
        guild_id: int | None = _DEFAULT,
        app_permissions: int | None = None,
        locale: str = "en-US",
        **options: Any,
    ) -> PreparedInteraction:
        """The slash-command interaction :meth:`invoke` would send, built but not sent (see :meth:`send`)."""
        gid = self._resolve_guild(guild_id)
        member = self._member_or_default(user)
        data, leaf = self._build_command_data(command, options, guild_id=gid, member=member, channel_id=channel_id)
        payload, info = self._base_payload(
            2, data, user=member, guild_id=gid, channel_id=channel_id, app_permissions=app_permissions,
            locale=locale, name=leaf.qualified_name,
        )  # fmt: skip
        return PreparedInteraction(payload, info)

    async def invoke(
        self,
        command: str,
        *,
        user: Payload | None = None,
        channel_id: int | None = None,
        guild_id: int | None = _DEFAULT,
        app_permissions: int | None = None,
        locale: str = "en-US",
        **options: Any,
    ) -> discord.Interaction:
        """Run a slash command (``"recap"``, ``"episode info"``) to completion and return the Interaction.

        Options are given by (display or Python) name; an option whose name collides with a keyword
        here can be passed with a trailing underscore (``user_=...``). ``guild_id=None`` means a DM."""
        prepared = self.prepare(
            command, user=user, channel_id=channel_id, guild_id=guild_id, app_permissions=app_permissions,
            locale=locale, **options,
        )  # fmt: skip
        return await self._dispatch(prepared.payload, prepared.record)

    def prepare_autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        *,
        user: Payload | None = None,
        channel_id: int | None = None,
        guild_id: int | None = _DEFAULT,
        locale: str = "en-US",
        **options: Any,
    ) -> PreparedInteraction:
        """The autocomplete interaction :meth:`autocomplete` would send, built but not sent."""
        gid = self._resolve_guild(guild_id)
        member = self._member_or_default(user)
        data, leaf = self._build_command_data(
            command, options, guild_id=gid, member=member, channel_id=channel_id, focused=(focused, value)
        )
        payload, info = self._base_payload(
            4, data, user=member, guild_id=gid, channel_id=channel_id, app_permissions=None, locale=locale,
            name=leaf.qualified_name,
        )  # fmt: skip
        return PreparedInteraction(payload, info)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        value: str,
        *,
        user: Payload | None = None,
        channel_id: int | None = None,
        guild_id: int | None = _DEFAULT,
        locale: str = "en-US",
        **options: Any,
    ) -> list[Payload]:
        """Type-4 interaction with ``focused`` option typed as ``value``; returns the choices sent back."""
        prepared = self.prepare_autocomplete(
            command, focused, value, user=user, channel_id=channel_id, guild_id=guild_id, locale=locale, **options
        )
        await self._dispatch(prepared.payload, prepared.record)
        choices = assertions.autocomplete_choices(self.recorder.calls, prepared.record.id)
        if choices is None:
            raise AssertionError(f"autocomplete for /{command} {focused}= sent no choices (see harness.logged_errors)")
        return choices

    async def invoke_message_menu(
        self,
        name: str,
        message: Payload,
        *,
        user: Payload | None = None,
        channel_id: int | None = None,
        app_permissions: int | None = None,
        locale: str = "en-US",
    ) -> discord.Interaction:
        """Run a message context-menu command on ``message`` (a message payload, e.g. from
        :meth:`message_payload`), to completion."""
        command = self.bot.tree.get_command(name, type=discord.AppCommandType.message)
        if command is None:
            raise CommandUnavailable(f"no message menu named {name!r}")
        member = self._member_or_default(user)
        if self.enforce_discord_rules and command.default_permissions is not None:
            have = discord.Permissions(int(member.get("permissions", "0")))
            if not have.administrator and not command.default_permissions.is_subset(have):
                raise CommandUnavailable(f"{name}: member lacks the default permissions")
        cmd_id = self._command_ids.setdefault((name, None), self.discord.next_id())
        data = {
            "id": str(cmd_id),
            "name": name,
            "type": 3,
            "target_id": str(message["id"]),
            "resolved": {"messages": {str(message["id"]): message}},
        }
        payload, info = self._base_payload(
            2, data, user=member, guild_id=self.guild_id, channel_id=channel_id or int(message["channel_id"]),
            app_permissions=app_permissions, locale=locale, name=name,
        )  # fmt: skip
        return await self._dispatch(payload, info)

    # ---------------------------------------------------------------------------------------------
    # readers (see bot.standin.assertions)
    # ---------------------------------------------------------------------------------------------

    def responses(self) -> list[Payload]:
        """Successful interaction traffic in order: ``{"kind": "callback"|"followup"|"edit_original"|
        "edit_followup", **json_body}``."""
        return assertions.responses(self.recorder.calls, self.application_id)

    def last_response(self) -> Payload:
        return assertions.last_response(self.recorder.calls, self.application_id)

    def channel_messages(self, channel_id: int | None = None) -> list[Payload]:
        """JSON bodies successfully POSTed to /channels/{id}/messages (all channels when None)."""
        return assertions.channel_messages(self.recorder.calls, channel_id)

    def messages_in(self, channel_id: int | None = None) -> list[Payload]:
        """The messages that exist in a channel now (edits applied, deleted ones gone), oldest first."""
        return assertions.messages_in(self.discord, channel_id or self.channel_id)

    def polls(self, channel_id: int | None = None) -> list[Payload]:
        """Messages with a poll the bot posted (stored as Discord keeps them), in order."""
        return assertions.polls(self.discord, channel_id)

    async def gateway(self, event: str, data: Payload) -> None:
        """Deliver a gateway dispatch (``"MESSAGE_POLL_VOTE_ADD"``, ...) to the bot's real parser, as the
        websocket does, and wait for every listener it starts."""
        await self.run(lambda: self._connection.parsers[event](copy.deepcopy(data)))

    async def vote(self, message_id: int, user_id: int, answer_id: int, *, add: bool = True) -> None:
        """A member votes on a poll (or removes the vote): Discord's results change, and the bot gets
        ``MESSAGE_POLL_VOTE_ADD`` / ``_REMOVE`` (the Guild Message Polls intent)."""
        self.discord.cast_vote(message_id, user_id, answer_id, add=add)
        message = self.discord.messages[message_id]
        payload = {
            "user_id": str(user_id),
            "channel_id": message["channel_id"],
            "message_id": str(message_id),
            "answer_id": answer_id,
        }
        if (guild_id := self.discord.guild_of(int(message["channel_id"]))) is not None:
            payload["guild_id"] = str(guild_id)
        await self.gateway("MESSAGE_POLL_VOTE_ADD" if add else "MESSAGE_POLL_VOTE_REMOVE", payload)

    # ---------------------------------------------------------------------------------------------
    # teardown
    # ---------------------------------------------------------------------------------------------

    def _stop_views(self) -> None:
        store = self._connection._view_store
        views = {item.view for items in store._views.values() for item in items.values() if item.view is not None}
        views.update(store._modals.values())
        for view in views:
            view.stop()

    def _uninstall(self) -> None:
        if self._closed:
            return
        self._closed = True
        http = self.bot.http
        http._HTTPClient__session = self._orig_session  # type: ignore[attr-defined]
        http._global_over = self._orig_global_over
        http.__dict__.pop("get_from_cdn", None)
        if discord.webhook.async_.async_context.get() is self._adapter:
            discord.webhook.async_.async_context.set(self._prev_adapter)
        loop = self._factory_loop
        if loop is not None and not loop.is_closed() and loop.get_task_factory() is self._factory:
            loop.set_task_factory(self._prev_factory)
        logging.getLogger("discord").removeHandler(self._log_handler)
        if self._apply in self.discord.listeners:
            self.discord.listeners.remove(self._apply)


async def start(bot: commands.Bot, *, ready: bool = True, state: DiscordState | None = None) -> Harness:
    """What ``login()`` would do, minus the network: loop setup, identity, recording, ``setup_hook``.

    ``setup_hook`` runs with recording active (its REST calls, e.g. ``tree.sync()``, are recorded).
    With ``ready=True`` the internal ready event is set so ``wait_until_ready()`` returns."""
    await bot._async_setup_hook()
    harness = Harness(bot, state=state)
    await harness._ensure_ready()
    await bot.setup_hook()
    if ready:
        bot._ready.set()
    return harness


async def close(harness: Harness) -> None:
    """Close the bot (unloads cogs/extensions, still recorded) and remove all instrumentation."""
    if harness._closed:
        return
    harness._install_context()
    harness._stop_views()
    try:
        await harness.bot.close()
    finally:
        harness._uninstall()
