"""Payload factories: the JSON Discord sends for users, members, roles, channels, threads, guilds, messages and
interactions, shaped as the API documents them. Pure functions over their arguments; no state.

Both adapters and the world-building methods of :class:`bot.standin.Harness` build every object with these, so a
test, a benchmark or ``python -m bot play`` that needs a payload of its own gets the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

__all__ = [
    "ATTACHMENT_SIZE_LIMIT",
    "BOT_USER_ID",
    "BOT_USER_NAME",
    "DEFAULT_APP_PERMISSIONS",
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_GUILD_ID",
    "DEFAULT_MEMBER_PERMISSIONS",
    "DEFAULT_USER_ID",
    "EPHEMERAL",
    "FORUM_REQUIRE_TAG",
    "GUILD_OWNER_ID",
    "LOADING",
    "Payload",
    "application_payload",
    "channel_payload",
    "guild_payload",
    "interaction_payload",
    "iso",
    "member_payload",
    "message_payload",
    "permission_value",
    "role_payload",
    "thread_payload",
    "user_payload",
]

#: A JSON object as Discord sends it.
Payload = dict[str, Any]

BOT_USER_ID = 1000
BOT_USER_NAME = "runon-bot"
DEFAULT_GUILD_ID = 500
DEFAULT_CHANNEL_ID = 600
DEFAULT_USER_ID = 2000
GUILD_OWNER_ID = 1
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

#: Message flags: EPHEMERAL (only the member sees it) and LOADING (a "thinking..." deferred answer).
EPHEMERAL = 64
LOADING = 128
#: ChannelFlags.REQUIRE_TAG: a forum (or media) channel whose posts must carry a tag.
FORUM_REQUIRE_TAG = 1 << 4

THREAD_TYPES = (10, 11, 12)
FORUM_TYPES = (15, 16)
DM_TYPES = (1, 3)

DEFAULT_MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    use_external_emojis=True,
    read_message_history=True,
    use_application_commands=True,
    change_nickname=True,
    create_instant_invite=True,
    connect=True,
    speak=True,
)

DEFAULT_APP_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    create_public_threads=True,
    send_messages_in_threads=True,
    manage_threads=True,
    create_events=True,  # what Discord wants since 23 February 2026; Manage Events alone no longer creates events
    connect=True,
    manage_messages=True,
)


def iso(moment: datetime | None = None) -> str:
    """An ISO 8601 timestamp as Discord writes them (now when ``moment`` is None)."""
    return (moment or datetime.now(UTC)).isoformat()


def permission_value(permissions: discord.Permissions | int) -> int:
    return permissions.value if isinstance(permissions, discord.Permissions) else int(permissions)


def user_payload(
    user_id: int, name: str | None = None, *, bot: bool = False, global_name: str | None = None
) -> Payload:
    return {
        "id": str(user_id),
        "username": name or f"user{user_id}",
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member_payload(
    user_id: int = DEFAULT_USER_ID,
    *,
    name: str = "fan",
    permissions: discord.Permissions | int = DEFAULT_MEMBER_PERMISSIONS,
    roles: Sequence[int] = (),
    nick: str | None = None,
    bot: bool = False,
) -> Payload:
    """A guild member as an interaction carries it: ``permissions`` are the member's resolved channel permissions."""
    return {
        "user": user_payload(user_id, name, bot=bot, global_name=name),
        "roles": [str(role) for role in roles],
        "permissions": str(permission_value(permissions)),
        "joined_at": iso(datetime.now(UTC) - timedelta(days=30)),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "nick": nick,
        "avatar": None,
        "communication_disabled_until": None,
    }


def role_payload(
    guild_id: int,
    role_id: int,
    name: str,
    permissions: discord.Permissions | int,
    *,
    position: int,
    managed: bool = False,
    mentionable: bool = False,
    tags: Mapping[str, Any] | None = None,
) -> Payload:
    payload: Payload = {
        "id": str(role_id),
        "name": name,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permission_value(permissions)),
        "managed": managed,
        "mentionable": mentionable,
        "flags": 0,
    }
    if tags is not None:
        payload["tags"] = dict(tags)
    return payload


def channel_payload(
    channel_id: int,
    guild_id: int,
    *,
    name: str | None = None,
    type: int = 0,
    parent_id: int | None = None,
    nsfw: bool = False,
    topic: str | None = None,
    position: int = 0,
) -> Payload:
    """A guild channel (text=0, voice=2, category=4, news=5, stage=13, forum=15, media=16)."""
    payload: Payload = {
        "id": str(channel_id),
        "type": type,
        "guild_id": str(guild_id),
        "name": name or f"channel-{channel_id}",
        "position": position,
        "permission_overwrites": [],
        "nsfw": nsfw,
        "topic": topic,
        "rate_limit_per_user": 0,
        "parent_id": str(parent_id) if parent_id else None,
        "last_message_id": None,
        "flags": 0,
    }
    if type in FORUM_TYPES:
        payload.update(available_tags=[], default_reaction_emoji=None, default_sort_order=None, default_forum_layout=0)
    if type in (2, 13):
        payload.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
    return payload


def thread_payload(
    thread_id: int,
    guild_id: int,
    parent_id: int,
    *,
    name: str | None = None,
    type: int = 11,
    owner_id: int = BOT_USER_ID,
    auto_archive_duration: int = 1440,
    rate_limit_per_user: int = 0,
    invitable: bool | None = None,
) -> Payload:
    """A thread (announcement=10, public=11, private=12) or a forum post."""
    metadata: Payload = {
        "archived": False,
        "auto_archive_duration": auto_archive_duration,
        "archive_timestamp": iso(),
        "locked": False,
    }
    if invitable is not None:
        metadata["invitable"] = invitable
    return {
        "id": str(thread_id),
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name or f"thread-{thread_id}",
        "type": type,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": rate_limit_per_user,
        "flags": 0,
        "last_message_id": None,
        "thread_metadata": metadata,
    }


def guild_payload(
    guild_id: int,
    *,
    name: str = "Guild",
    owner_id: int = GUILD_OWNER_ID,
    locale: str = "en-US",
    roles: Sequence[Payload] = (),
    channels: Sequence[Payload] = (),
    members: Sequence[Payload] = (),
) -> Payload:
    """A GUILD_CREATE payload. ``roles`` must start with @everyone (its id is the guild's)."""
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": locale,
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "unavailable": False,
        "large": False,
        "member_count": max(len(members), 1) + 1,
        "joined_at": iso(),
        "emojis": [],
        "stickers": [],
        "voice_states": [],
        "presences": [],
        "threads": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "roles": list(roles),
        "channels": [dict(channel, guild_id=str(guild_id)) for channel in channels],
        "members": list(members),
    }


def message_payload(
    message_id: int,
    channel_id: int,
    author: Payload,
    *,
    content: str = "",
    guild_id: int | None = None,
    attachments: Sequence[str] = (),
    attachment_ids: Sequence[int] = (),
) -> Payload:
    """A message a member posted; ``attachments`` are file names (their ids from ``attachment_ids``)."""
    message: Payload = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 0,
        "content": content,
        "author": author,
        "timestamp": iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [
            {
                "id": str(attachment_id),
                "filename": name,
                "size": 1000,
                "url": f"https://cdn.discordapp.com/attachments/{channel_id}/{message_id}/{name}",
                "proxy_url": f"https://media.discordapp.net/attachments/{channel_id}/{message_id}/{name}",
                "content_type": "image/png" if name.endswith(".png") else "application/octet-stream",
            }
            for name, attachment_id in zip(attachments, attachment_ids, strict=True)
        ],
        "embeds": [],
        "pinned": False,
        "flags": 0,
        "components": [],
    }
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
    return message


def application_payload(application_id: int, name: str = BOT_USER_NAME) -> Payload:
    """``GET /oauth2/applications/@me``."""
    return {
        "id": str(application_id),
        "name": name,
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": {"id": str(GUILD_OWNER_ID), "username": "owner", "discriminator": "0", "avatar": None},
        "verify_key": "0" * 64,
        "flags": 0,
        "team": None,
    }


def interaction_payload(
    interaction_id: int,
    application_id: int,
    kind: int,
    data: Payload,
    *,
    member: Payload,
    channel: Payload,
    guild: Payload | None = None,
    app_permissions: discord.Permissions | int = DEFAULT_APP_PERMISSIONS,
    locale: str = "en-US",
    message: Payload | None = None,
) -> Payload:
    """INTERACTION_CREATE: ``kind`` 2 command, 3 component, 4 autocomplete, 5 modal submit. In a guild
    (``guild`` given) ``member`` is a member payload and ``channel`` carries the member's permissions; in a DM
    ``member`` may be a bare user."""
    payload: Payload = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "data": data,
        "token": f"itok{interaction_id}",
        "version": 1,
        "locale": locale,
        "app_permissions": str(permission_value(app_permissions)),
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "channel_id": channel["id"],
    }
    if guild is not None:
        guild_locale = guild.get("preferred_locale", "en-US")
        payload.update(
            guild_id=guild["id"],
            guild={"id": guild["id"], "locale": guild_locale, "features": guild.get("features", [])},
            guild_locale=guild_locale,
            channel=channel,
            member=member,
            authorizing_integration_owners={"0": guild["id"]},
            context=0,
        )
    else:
        payload.update(
            channel=dict(channel, flags=0),
            user=member.get("user", member),
            authorizing_integration_owners={"0": "0"},
            context=1,
        )
    if message is not None:
        payload["message"] = message
    return payload
