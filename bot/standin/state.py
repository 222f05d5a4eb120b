"""The one state model of the stand-in: what Discord holds, and the rules it applies when asked to change it.

Guilds, channels, threads and forum posts, members, roles and permissions, messages, polls and their votes,
scheduled events, DMs, interactions with their responses and follow-ups, application commands, nonces and rate
limits live here, once. The route table (:mod:`bot.standin.routes`) reads and writes it for a REST request; both
adapters (:mod:`~bot.standin.inprocess`, :mod:`~bot.standin.loopback`) dispatch through that table and hear what
changed from :meth:`DiscordState.emit`, the gateway events Discord would send (each applies them its own way: the
in-process adapter to discord.py's cache, the loopback one over its websocket).
"""

from __future__ import annotations

import copy
import itertools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from . import payloads as p
from .automod import AutoModRules
from .limits import COMPONENTS_V2, DiscordLimits, message_errors
from .payloads import Payload

__all__ = [
    "NONCE_WINDOW_SECONDS",
    "Call",
    "DiscordState",
    "GatewayListener",
    "InteractionRecord",
    "Reject",
    "find_component",
    "walk_components",
]

#: How long Discord remembers a message nonce. Discord's API reference (Create Message, ``enforce_nonce``):
#: "If true and nonce is present, it will be checked for uniqueness in the past few minutes. If another message
#: was created by the same author with the same nonce, that message will be returned and no new message will be
#: created." (https://discord.com/developers/docs/resources/message#create-message). "A few minutes" is not a
#: number; five is what the stand-in takes, and a test can change :attr:`DiscordState.nonce_window`.
NONCE_WINDOW_SECONDS = 5 * 60

#: Called with a gateway event name and its payload whenever the state changes in a way Discord announces.
GatewayListener = Callable[[str, Payload], None]


@dataclass
class Call:
    """One request the bot made to the stand-in, and how it was answered."""

    method: str
    path: str  # below the API base, no query string: "/channels/600/messages"
    json: Any  # dict (or list for bulk endpoints) | None
    files: list[str] = field(default_factory=list)
    reason: str | None = None  # X-Audit-Log-Reason
    params: dict[str, Any] | None = None  # the query string
    status: int = 200  # what the stand-in answered (0: the connection was reset before an answer)
    blobs: dict[str, bytes] = field(default_factory=dict, repr=False)  # uploaded files' bytes, by file name
    result: Any = field(default=None, repr=False)  # the JSON answered
    authorized: bool = True  # the loopback adapter checks the bot token; in-process calls always are
    started: float = 0.0  # DiscordState.clock() when the request arrived
    finished: float | None = None  # ... and when it was answered

    @property
    def query(self) -> dict[str, Any]:
        return self.params or {}


class Reject(Exception):
    """Discord refuses a request: an HTTP status and Discord's JSON error code and message."""

    def __init__(self, status: int, code: int, message: str, errors: Payload | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors  # Discord's per-field ``errors`` object, for an Invalid Form Body

    @property
    def body(self) -> Payload:
        body: Payload = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def check_message(message: Payload) -> None:
    """Refuse, as Discord does (``400 Invalid Form Body``), a message that breaks its rules (see
    :func:`~bot.standin.limits.message_errors`)."""
    errors = message_errors(message)
    if errors:
        raise Reject(400, 50035, "Invalid Form Body", errors)


@dataclass
class InteractionRecord:
    """An interaction Discord sent to the bot: what it answers to, and whether (and when) it was answered."""

    id: int
    type: int
    token: str
    channel_id: int
    guild_id: int | None
    user: Payload
    name: str | None = None
    message_id: int | None = None  # the message a component interaction was attached to
    origin: InteractionRecord | None = None  # for modal submits: the interaction that opened the modal
    created_at: float = 0.0  # DiscordState.clock() when Discord sent it (the 3-second deadline runs from here)
    answered: bool = False
    answered_at: float | None = None  # clock time of the first answer (for latency measurements)

    @classmethod
    def from_payload(cls, payload: Payload, created_at: float) -> InteractionRecord:
        user = payload.get("member", {}).get("user") or payload.get("user") or {}
        message = payload.get("message")
        return cls(
            id=int(payload["id"]),
            type=int(payload["type"]),
            token=str(payload["token"]),
            channel_id=int(payload.get("channel_id") or 0),
            guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None,
            user=user,
            name=(payload.get("data") or {}).get("name"),
            message_id=int(message["id"]) if message else None,
            created_at=created_at,
        )


def walk_components(components: Iterable[Payload]) -> Iterator[Payload]:
    """Every component of a message, nested ones (action rows, sections, containers) included."""
    for comp in components or ():
        yield comp
        if comp.get("components"):
            yield from walk_components(comp["components"])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


def find_component(message: Payload, custom_id: str) -> Payload | None:
    for comp in walk_components(message.get("components") or []):
        if comp.get("custom_id") == custom_id:
            return comp
    return None


def _now() -> datetime:
    return datetime.now(UTC)


class DiscordState:
    """Everything the stand-in's Discord knows. Adapters and tests read it; routes and the world-building
    methods change it and announce the change through :meth:`emit`."""

    def __init__(
        self,
        *,
        application_id: int = p.BOT_USER_ID,
        bot_user_id: int | None = None,
        bot_name: str = p.BOT_USER_NAME,
        first_id: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.application_id = application_id
        self.bot_user_id = bot_user_id or application_id
        #: The bot's own user, as ``GET /users/@me`` and the READY event give it.
        self.bot_user: Payload = p.user_payload(self.bot_user_id, bot_name, bot=True) | {
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
        }
        #: Monotonic seconds: interaction deadlines, nonce windows, rate limits and Call timings run on it.
        self.clock = clock
        self._ids = itertools.count(first_id or discord.utils.time_snowflake(_now()))
        self.guilds: dict[int, Payload] = {}  # GUILD_CREATE payloads
        self.channels: dict[int, Payload] = {}  # guild channels, threads and DM channels
        self.members: dict[int, Payload] = {}  # member payloads by user id (the member's last known shape)
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.bot_roles: dict[int, int] = {}  # guild id -> the bot's managed role
        #: Messages that exist, id -> payload, least recently touched first.
        self.messages: dict[int, Payload] = {}
        #: Goes up whenever a message is stored or deleted (readers cache views of :attr:`messages` on it).
        self.messages_revision = 0
        self.cdn: dict[str, bytes] = {}  # attachment URL -> bytes the CDN serves
        self.events: dict[int, Payload] = {}  # scheduled events by id
        #: Poll votes: message id -> answer id -> the members who chose it, in order.
        self.poll_votes: dict[int, dict[int, list[int]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.tokens: dict[str, InteractionRecord] = {}
        self.originals: dict[str, int] = {}  # interaction token -> message id of @original
        #: Application commands by guild id (None: global), as the last PUT left them.
        self.commands: dict[int | None, list[Payload]] = {}
        #: (author id, nonce) -> (clock time, message id), for ``enforce_nonce``.
        self.nonces: dict[tuple[int, str], tuple[float, int]] = {}
        self.nonce_window: float = NONCE_WINDOW_SECONDS
        self.duplicates_prevented = 0
        #: Seconds Discord waits for the first answer to an interaction before it shows "did not respond".
        self.interaction_deadline: float = 3.0
        #: Discord takes one first answer per interaction (benchmarks replaying one payload turn this off).
        self.single_answer = True
        #: Discord's rate limits, once :meth:`rate_limits` turns them on.
        self.limits: DiscordLimits | None = None
        #: Where ``GET /gateway/bot`` sends the bot (the loopback adapter's websocket).
        self.gateway_url = "wss://gateway.discord.gg"
        self.listeners: list[GatewayListener] = []
        #: Every guild's AutoMod rules (:mod:`bot.standin.automod`).
        self.automod = AutoModRules(self)

    # -- basics -----------------------------------------------------------------------------------

    def next_id(self) -> int:
        """A fresh, realistic snowflake."""
        return next(self._ids)

    def emit(self, event: str, data: Payload) -> None:
        """Announce a change as the gateway would (each listener gets its own copy)."""
        for listener in list(self.listeners):
            listener(event, copy.deepcopy(data))

    def rate_limits(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> DiscordLimits:
        """Answer like Discord's rate limiter from now on (the bot's REST calls; interaction answers are not
        subject to the global limit, as on Discord)."""
        self.limits = DiscordLimits(
            global_per_second=global_per_second, channel_messages=channel_messages, channel_window=channel_window
        )
        return self.limits

    def answer_latencies(self) -> list[float]:
        """Seconds from each interaction's arrival to its first answer (what the member waits for)."""
        return [i.answered_at - i.created_at for i in self.interactions.values() if i.answered_at is not None]

    # -- lookups ----------------------------------------------------------------------------------

    def user(self, user_id: int) -> Payload:
        if user_id == self.bot_user_id:
            return {k: copy.deepcopy(v) for k, v in self.bot_user.items() if k in p.user_payload(0)}
        member = self.members.get(user_id)
        if member is not None:
            return copy.deepcopy(member["user"])
        return p.user_payload(user_id)

    def guild(self, guild_id: int) -> Payload:
        guild = self.guilds.get(guild_id)
        if guild is None:
            raise Reject(404, 10004, "Unknown Guild")
        return guild

    def channel(self, channel_id: int) -> Payload:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise Reject(404, 10003, "Unknown Channel")
        return channel

    def message(self, message_id: int | None) -> Payload:
        message = self.messages.get(message_id) if message_id is not None else None
        if message is None:
            raise Reject(404, 10008, "Unknown Message")
        return message

    def member(self, user_id: int) -> Payload:
        member = self.members.get(user_id)
        if member is None:
            raise Reject(404, 10007, "Unknown Member")
        return member

    def role(self, guild_id: int, role_id: int) -> Payload | None:
        roles: list[Payload] = self.guilds.get(guild_id, {}).get("roles", [])
        return next((role for role in roles if int(role["id"]) == role_id), None)

    def guild_of(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        return int(channel["guild_id"]) if channel and channel.get("guild_id") else None

    def last_message_with(self, custom_id: str) -> Payload | None:
        """The most recently touched message carrying a component with ``custom_id``."""
        for message in reversed(list(self.messages.values())):
            if find_component(message, custom_id) is not None:
                return message
        return None

    # -- world building (what staff and members do in Discord's own client) --------------------------

    def add_guild(
        self,
        guild_id: int,
        *,
        name: str = "Guild",
        owner_id: int = p.GUILD_OWNER_ID,
        everyone_permissions: discord.Permissions | int = p.DEFAULT_MEMBER_PERMISSIONS,
        locale: str = "en-US",
        channels: Sequence[Payload] = (),
        roles: Sequence[Payload] = (),
    ) -> Payload:
        """Add (or replace) a guild with the bot in it, holding a managed role with DEFAULT_APP_PERMISSIONS."""
        bot_role = self.bot_roles.setdefault(guild_id, self.next_id())
        bot_member = {
            "user": self.user(self.bot_user_id) | {"public_flags": 0},
            "roles": [str(bot_role)],
            "joined_at": p.iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        everyone = p.role_payload(guild_id, guild_id, "@everyone", everyone_permissions, position=0)
        managed = p.role_payload(
            guild_id, bot_role, str(self.bot_user["username"]), p.DEFAULT_APP_PERMISSIONS, position=1, managed=True,
            tags={"bot_id": str(self.bot_user_id)},
        )  # fmt: skip
        payload = p.guild_payload(
            guild_id, name=name, owner_id=owner_id, locale=locale, roles=[everyone, managed, *roles],
            channels=channels, members=[bot_member],
        )  # fmt: skip
        self.guilds[guild_id] = payload
        for channel in payload["channels"]:
            self.channels[int(channel["id"])] = channel
        self.emit("GUILD_CREATE", payload)
        return payload

    def update_guild(self, guild_id: int, **changes: Any) -> Payload:
        """Change a guild's settings (``preferred_locale``, ``premium_tier``, ``name``...): GUILD_UPDATE."""
        payload = self.guild(guild_id)
        payload.update(changes)
        # GUILD_UPDATE carries the guild's settings and roles, not its channels, members or threads.
        lists = ("channels", "members", "threads", "presences", "voice_states", "stage_instances")
        self.emit("GUILD_UPDATE", {k: v for k, v in payload.items() if k not in lists})
        return payload

    def add_channel(self, payload: Payload) -> Payload:
        """A new guild channel (CHANNEL_CREATE) or thread (THREAD_CREATE)."""
        self.channels[int(payload["id"])] = payload
        self.emit("THREAD_CREATE" if payload["type"] in p.THREAD_TYPES else "CHANNEL_CREATE", payload)
        return payload

    def update_channel(self, channel_id: int, changes: Payload, *, announce: bool = True) -> Payload:
        """Change a channel or thread as ``PATCH /channels/{id}`` does (thread settings go to its metadata);
        ``announce=False`` keeps the CHANNEL_UPDATE from the gateway (a change the bot has not heard of yet)."""
        payload = copy.deepcopy(self.channel(channel_id))
        is_thread = payload["type"] in p.THREAD_TYPES
        for key, value in changes.items():
            if is_thread and key in ("archived", "locked", "auto_archive_duration", "invitable"):
                payload["thread_metadata"][key] = value
            elif key == "available_tags":
                payload[key] = [dict(tag, id=str(tag.get("id") or self.next_id())) for tag in value]
            else:
                payload[key] = value
        self.channels[channel_id] = payload
        if announce:
            self.emit("THREAD_UPDATE" if is_thread else "CHANNEL_UPDATE", payload)
        return payload

    def remove_channel(self, channel_id: int) -> Payload | None:
        """Someone deleted a channel or thread."""
        payload = self.channels.pop(channel_id, None)
        if payload is not None and payload.get("guild_id"):
            self.emit("THREAD_DELETE" if payload["type"] in p.THREAD_TYPES else "CHANNEL_DELETE", payload)
        return payload

    def set_overwrite(self, channel_id: int, target_id: int, *, allow: int, deny: int, role: bool) -> Payload:
        current = self.channel(channel_id).get("permission_overwrites", [])
        overwrites = [o for o in current if int(o["id"]) != target_id]
        overwrites.append({"id": str(target_id), "type": 0 if role else 1, "allow": str(allow), "deny": str(deny)})
        return self.update_channel(channel_id, {"permission_overwrites": overwrites})

    def add_role(self, guild_id: int, payload: Payload) -> Payload:
        self.guild(guild_id)["roles"].append(payload)
        self.emit("GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": payload})
        return payload

    def set_role_permissions(self, guild_id: int, role_id: int, permissions: int) -> None:
        role = self.role(guild_id, role_id)
        if role is None:
            raise KeyError(f"guild {guild_id} has no role {role_id}")
        role["permissions"] = str(permissions)
        self.emit("GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": role})

    def add_member(self, member: Payload) -> Payload:
        self.members[int(member["user"]["id"])] = member
        return member

    def dm_channel(self, user_id: int) -> Payload:
        """The DM channel between the bot and a user (made on first use, as ``POST /users/@me/channels``)."""
        if user_id not in self.dm_channels:
            channel_id = self.next_id()
            self.dm_channels[user_id] = channel_id
            self.channels[channel_id] = {
                "id": str(channel_id), "type": 1, "recipients": [self.user(user_id)], "last_message_id": None,
            }  # fmt: skip
        return self.channels[self.dm_channels[user_id]]

    def permissions(self, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
        """Discord's permission computation: @everyone and the member's roles, then the channel's overwrites
        (@everyone, roles, member); the owner and administrators have everything."""
        guild = self.guild(guild_id)
        everything = discord.Permissions.all().value
        if int(guild["owner_id"]) == user_id:
            return everything
        if user_id == self.bot_user_id:
            member_roles = {int(r) for m in guild["members"] if int(m["user"]["id"]) == user_id for r in m["roles"]}
        else:
            member_roles = {int(r) for r in self.members.get(user_id, {}).get("roles", [])}
        value = 0
        for role in guild["roles"]:
            if int(role["id"]) == guild_id or int(role["id"]) in member_roles:
                value |= int(role["permissions"])
        if value & discord.Permissions.administrator.flag:
            return everything
        channel = self.channels.get(channel_id) if channel_id is not None else None
        if channel is not None and channel.get("type") in p.THREAD_TYPES:
            channel = self.channels.get(int(channel["parent_id"]))
        if channel is None:
            return value
        overwrites = {int(o["id"]): o for o in channel.get("permission_overwrites", [])}
        layers = [[overwrites.get(guild_id)], [overwrites.get(r) for r in member_roles], [overwrites.get(user_id)]]
        for layer in layers:
            allow = deny = 0
            for overwrite in filter(None, layer):
                allow |= int(overwrite["allow"])
                deny |= int(overwrite["deny"])
            value = (value & ~deny) | allow
        return value

    # -- messages ---------------------------------------------------------------------------------

    def touch(self, message: Payload) -> Payload:
        """Store a message as the most recently touched one."""
        mid = int(message["id"])
        self.messages.pop(mid, None)
        self.messages[mid] = message
        self.messages_revision += 1
        return message

    def _attachments(self, channel_id: int, body: Payload, files: Sequence[str]) -> list[Payload]:
        out: list[Payload] = []
        for index, att in enumerate(body.get("attachments") or []):
            att_id = int(att.get("id", index))
            if att_id < 1_000_000 and "url" not in att:  # a new upload (File.to_dict(index))
                filename = att.get("filename") or (files[att_id] if att_id < len(files) else f"file{att_id}")
                new_id = self.next_id()
                url = f"https://cdn.discordapp.com/attachments/{channel_id}/{new_id}/{filename}"
                entry = {"id": str(new_id), "filename": filename, "size": 0, "url": url, "proxy_url": url}
                if att.get("description"):
                    entry["description"] = att["description"]
                out.append(entry)
            else:
                out.append(att)
        return out

    def create_message(
        self,
        channel_id: int,
        body: Payload,
        files: Sequence[str] = (),
        *,
        flags: int = 0,
        interaction: InteractionRecord | None = None,
        message_id: int | None = None,
    ) -> Payload:
        """A message by the bot (or by its interaction webhook, with ``interaction``)."""
        mid = message_id or self.next_id()
        message: Payload = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(channel_id, body, files),
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": copy.deepcopy(body.get("components") or []),
            "pinned": False,
            "flags": flags,
            "timestamp": p.iso(),
            "edited_timestamp": None,
            "author": self.user(self.bot_user_id),
        }
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        if body.get("poll"):
            message["poll"] = self._poll(body["poll"])
        ref = body.get("message_reference")
        if ref and ref.get("message_id"):
            message["type"] = 19
            message["message_reference"] = {
                "message_id": str(ref["message_id"]),
                "channel_id": str(ref.get("channel_id") or channel_id),
                **({"guild_id": str(ref["guild_id"])} if ref.get("guild_id") else {}),
            }
        check_message(message)
        if interaction is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            if interaction.type == 2:
                message["type"] = 20
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": copy.deepcopy(interaction.user),
                "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)},
                **({"name": interaction.name} if interaction.name else {}),
                **({"interacted_message_id": str(interaction.message_id)} if interaction.message_id else {}),
            }
        return self.touch(message)

    def post_message(self, channel_id: int, body: Payload, files: Sequence[str] = ()) -> Payload:
        """``POST /channels/{id}/messages``, with Discord's nonce rule (see :data:`NONCE_WINDOW_SECONDS`):
        with ``enforce_nonce``, a nonce the same author used within the window returns that message."""
        nonce = body.get("nonce")
        key = (self.bot_user_id, str(nonce)) if nonce is not None and body.get("enforce_nonce") else None
        now = self.clock()
        if key is not None and (seen := self.nonces.get(key)) is not None:
            at, existing = seen
            if now - at < self.nonce_window and existing in self.messages:
                self.duplicates_prevented += 1
                return self.messages[existing]
        message = self.create_message(channel_id, body, files, flags=int(body.get("flags") or 0))
        if key is not None:
            self.nonces[key] = (now, int(message["id"]))
        return message

    def edit_message(self, message_id: int, body: Payload, files: Sequence[str] = ()) -> Payload:
        stored = self.message(message_id)
        message = copy.deepcopy(stored)  # changed only once Discord's rules hold for the edited message
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = copy.deepcopy(body[key]) if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            # neither flag can be taken off by an edit (Discord keeps a Components V2 message one)
            message["flags"] = int(body["flags"]) | (int(message.get("flags") or 0) & (p.EPHEMERAL | COMPONENTS_V2))
        if "attachments" in body:
            message["attachments"] = self._attachments(int(message["channel_id"]), body, files)
        message["flags"] = int(message.get("flags") or 0) & ~p.LOADING
        check_message(message)
        stored.clear()
        stored.update(message)
        stored["edited_timestamp"] = p.iso()
        return self.touch(stored)

    def delete_message(self, message_id: int | None) -> None:
        if message_id is not None and self.messages.pop(message_id, None) is not None:
            self.messages_revision += 1

    # -- polls ------------------------------------------------------------------------------------

    def _poll(self, poll: Payload) -> Payload:
        hours = float(poll.get("duration") or 24)
        answers = [dict(a, answer_id=i) for i, a in enumerate(poll.get("answers") or [], start=1)]
        return {
            "question": poll.get("question") or {"text": ""},
            "answers": answers,
            "expiry": p.iso(_now() + timedelta(hours=hours)),
            "allow_multiselect": bool(poll.get("allow_multiselect")),
            "layout_type": poll.get("layout_type", 1),
            "results": {"is_finalized": False, "answer_counts": []},
        }

    def poll_message(self, message_id: int) -> Payload:
        message = self.message(message_id)
        if "poll" not in message:
            raise Reject(404, 10008, "Unknown Message")
        return message

    def cast_vote(self, message_id: int, user_id: int, answer_id: int, *, add: bool = True) -> None:
        """A member votes (or takes a vote back) on a poll: its live results change as Discord's would."""
        message = self.messages[message_id]
        if not any(a["answer_id"] == answer_id for a in message["poll"]["answers"]):
            raise ValueError(f"poll {message_id} has no answer {answer_id}")
        voters = self.poll_votes.setdefault(message_id, {}).setdefault(answer_id, [])
        if add and user_id not in voters:
            voters.append(user_id)
        elif not add and user_id in voters:
            voters.remove(user_id)
        self._poll_results(message_id, finalized=bool(message["poll"]["results"]["is_finalized"]))

    def end_poll(self, message_id: int, *, at: datetime | None = None, finalized: bool = True) -> Payload:
        """The poll ends (its expiry passes, or End Poll): voting closes and, once ``finalized``, the counts
        are Discord's exact final tally."""
        message = self.poll_message(message_id)
        message["poll"]["expiry"] = p.iso(at or _now())
        self._poll_results(message_id, finalized=finalized)
        return message

    def _poll_results(self, message_id: int, *, finalized: bool) -> None:
        votes = self.poll_votes.get(message_id, {})
        counts = [
            {"id": answer_id, "count": len(users), "me_voted": self.bot_user_id in users}
            for answer_id, users in sorted(votes.items())
            if users
        ]
        self.messages[message_id]["poll"]["results"] = {"is_finalized": finalized, "answer_counts": counts}

    def poll_voters(self, message_id: int, answer_id: int, params: Payload) -> Payload:
        """Answer voters: users by ascending id, ``limit`` (1-100, default 25) after ``after``."""
        self.poll_message(message_id)
        limit = max(1, min(int(params.get("limit") or 25), 100))
        after = int(params.get("after") or 0)
        users = sorted(u for u in self.poll_votes.get(message_id, {}).get(answer_id, []) if u > after)[:limit]
        return {"users": [self.user(u) for u in users]}

    # -- interactions -----------------------------------------------------------------------------

    def register_interaction(self, record: InteractionRecord) -> InteractionRecord:
        """Discord sent this interaction: it may now be answered (within :attr:`interaction_deadline`)."""
        self.interactions[record.id] = record
        self.tokens[record.token] = record
        return record

    def webhook_message_id(self, token: str, which: str) -> int | None:
        """``@original`` or a message id, in the webhook routes of an interaction token."""
        return self.originals.get(token) if which == "@original" else int(which)

    def interaction_callback(self, interaction_id: int, token: str, body: Payload, files: Sequence[str]) -> Payload:
        """The first answer to an interaction, as ``InteractionCallbackResponse`` (``with_response``)."""
        info = self.interactions.get(interaction_id)
        if info is None:
            raise Reject(404, 10062, "Unknown interaction")
        if info.answered and self.single_answer:
            raise Reject(400, 40060, "Interaction has already been acknowledged.")
        now = self.clock()
        if now - info.created_at > self.interaction_deadline:
            raise Reject(404, 10062, "Unknown interaction")  # Discord gave up after 3 seconds
        info.answered, info.answered_at = True, now
        cb_type = int(body.get("type", 0))
        data = body.get("data") or {}
        summary: Payload = {
            "id": str(interaction_id),
            "type": info.type,
            "response_message_id": None,
            "response_message_loading": False,
            "response_message_ephemeral": False,
        }
        result: Payload = {"interaction": summary}
        message: Payload | None = None
        if cb_type in (4, 5):
            flags = int(data.get("flags") or 0) | (p.LOADING if cb_type == 5 else 0)
            message = self.create_message(
                info.channel_id, data if cb_type == 4 else {}, files, flags=flags, interaction=info
            )
            self.originals[token] = int(message["id"])
        elif cb_type in (6, 7) and info.message_id is not None:
            self.originals[token] = info.message_id
            if cb_type == 7 and info.message_id in self.messages:
                message = self.edit_message(info.message_id, data, files)
            summary["response_message_id"] = str(info.message_id)
        if message is not None:
            summary["response_message_id"] = message["id"]
            summary["response_message_loading"] = cb_type == 5
            summary["response_message_ephemeral"] = bool(int(message.get("flags") or 0) & p.EPHEMERAL)
            result["resource"] = {"type": cb_type, "message": message}
        return result

    def followup(self, token: str, body: Payload, files: Sequence[str]) -> Payload:
        """``POST /webhooks/{app}/{token}``: the first follow-up after a "thinking" defer fills that message."""
        info = self.tokens.get(token)
        original = self.originals.get(token)
        if original is not None and int(self.messages.get(original, {}).get("flags", 0)) & p.LOADING:
            return self.edit_message(original, body, files)
        channel_id = info.channel_id if info else 0
        return self.create_message(channel_id, body, files, flags=int(body.get("flags") or 0), interaction=info)

    # -- threads and forum posts ------------------------------------------------------------------

    def start_thread(
        self, channel_id: int, body: Payload, *, message_id: int | None = None, files: Sequence[str] = ()
    ) -> Payload:
        """A thread from a message, a thread without one, or a forum / media post (its starter message has
        the thread's id). Forum posts get Discord's tag checks."""
        parent = self.channels.get(channel_id)
        if parent is not None and parent.get("type") in p.FORUM_TYPES:
            self._check_forum_post(parent, body)
        guild_id = int(parent["guild_id"]) if parent and parent.get("guild_id") else p.DEFAULT_GUILD_ID
        thread_id = message_id or self.next_id()
        payload = p.thread_payload(
            thread_id, guild_id, channel_id, name=body.get("name", "thread"), owner_id=self.bot_user_id,
            type=11 if message_id is not None else int(body.get("type") or 11),
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
            rate_limit_per_user=body.get("rate_limit_per_user") or 0, invitable=bool(body.get("invitable", True)),
        )  # fmt: skip
        if "message" in body:
            payload["message"] = self.create_message(thread_id, body["message"], files, message_id=thread_id)
        self.add_channel(payload)
        return payload

    @staticmethod
    def _check_forum_post(forum: Payload, body: Payload) -> None:
        """Discord's checks on a new forum post's tags: known tag ids only, and at least one when the forum
        has *Require tags* on (``400``, JSON code ``40067``)."""
        applied = [str(tag) for tag in body.get("applied_tags") or []]
        known = {str(tag.get("id")) for tag in forum.get("available_tags") or []}
        if any(tag not in known for tag in applied):
            raise Reject(400, 50035, "Invalid Form Body (applied_tags: unknown tag)")
        if not applied and int(forum.get("flags") or 0) & p.FORUM_REQUIRE_TAG:
            raise Reject(400, 40067, "A tag is required to create a forum post in this channel")

    # -- scheduled events -------------------------------------------------------------------------

    def create_scheduled_event(self, guild_id: int, body: Payload) -> Payload:
        """Discord's rule since 23 February 2026: Create Events (server-wide for an external event; in the
        channel, with View Channel and Connect, for a voice event). Manage Events alone is refused."""
        if guild_id in self.guilds:
            channel_id = int(body["channel_id"]) if body.get("channel_id") else None
            perms = discord.Permissions(self.permissions(guild_id, self.bot_user_id, channel_id))
            if channel_id is not None and channel_id in self.channels:
                allowed = perms.create_events and perms.view_channel and perms.connect
            else:
                allowed = perms.create_events
            if not allowed:
                raise Reject(403, 50013, "Missing Permissions")
        event = {
            "id": str(self.next_id()),
            "guild_id": str(guild_id),
            "creator_id": str(self.bot_user_id),
            "channel_id": body.get("channel_id"),
            "name": body.get("name", ""),
            "description": body.get("description"),
            "scheduled_start_time": body.get("scheduled_start_time") or p.iso(),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": 1,
            "entity_type": body.get("entity_type", 3),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
        }
        self.events[int(event["id"])] = event
        return event

    def scheduled_event(self, event_id: int) -> Payload:
        event = self.events.get(event_id)
        if event is None:
            raise Reject(404, 10070, "Unknown Guild Scheduled Event")
        return event

    # -- application commands ---------------------------------------------------------------------

    def put_commands(self, guild_id: int | None, body: Any) -> list[Payload]:
        """``PUT`` replaces the whole set (global or one guild's) and answers it with ids, after Discord's
        checks on names and descriptions."""
        if not isinstance(body, list):
            raise Reject(400, 50035, "Invalid Form Body")
        seen: set[tuple[int, str]] = set()
        for command in body:
            kind, name = int(command.get("type", 1)), str(command.get("name", ""))
            if (kind, name) in seen:
                raise Reject(400, 50035, f"Invalid Form Body: duplicate command name {name!r}")
            seen.add((kind, name))
            if kind == 1 and not re.fullmatch(r"[-_a-z0-9]{1,32}", name):
                raise Reject(400, 50035, f"Invalid Form Body: bad command name {name!r}")
            if kind == 1 and not 1 <= len(command.get("description", "")) <= 100:
                raise Reject(400, 50035, f"Invalid Form Body: bad description for {name!r}")
        stored = []
        for command in body:
            entry: Payload = {"description": "", "options": [], "default_member_permissions": None, "nsfw": False}
            entry.update(command, id=str(self.next_id()), application_id=str(self.application_id), version="1")
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        self.commands[guild_id] = stored
        return stored
