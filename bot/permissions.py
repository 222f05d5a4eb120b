"""The Discord permissions each feature needs, declared once.

The invite URL asks for the union of the features marked ``invite``; ``/setup show`` checks the same
sets against the bot's effective permissions where each feature acts. Names are discord.py's
``Permissions`` flag names.

Since 23 February 2026 Discord requires **Create Events** for a bot to create scheduled events
(Manage Events alone no longer grants it). Create Events also lets the bot edit and cancel the
events it created itself, so the bot does not ask for Manage Events.

Not requested, on purpose:

* **Manage Messages** server-wide, for the optional "Spoiler-tag this" moderator menu. Staff grant it
  (with Attach Files) to the bot only in the channels where they want the menu.
* **Manage Server**, for the optional spoiler window (Discord wants it for any AutoMod rule). Staff who want the
  window grant it to the bot's role; ``/setup show`` says whether the bot has it.
* Stage-channel events: Discord wants Manage Channels, Mute Members and Move Members for them, far
  more than a watch party needs, so the bot offers voice-channel and external events only.
"""

from __future__ import annotations

from msgspec import Struct

from bot.locale import Msg, Texts, ctx_msg


class Feature(Struct, frozen=True):
    name: str
    permissions: frozenset[str]
    #: True: the invite URL asks for these server-wide. False: staff grant them per channel if they want it.
    invite: bool
    #: What an admin reads about it (README and ``python -m bot invite``).
    why: str
    #: For a feature not in the invite: how staff grant it if they want it.
    grant: str = "grant per channel"


FEATURES: tuple[Feature, ...] = (
    # Slash-command answers go through the interaction webhook and need no channel permission, but
    # the bot must see the channel to offer buttons there and embed links to render its cards.
    Feature("catalogue answers", frozenset({"view_channel", "embed_links"}), True, "answer commands with cards"),
    # /discuss: a public thread per episode in a text channel, or a post in a forum channel.
    Feature(
        "discussion threads",
        frozenset(
            {
                "view_channel",
                "send_messages",
                "create_public_threads",
                "send_messages_in_threads",
                "read_message_history",
            }
        ),
        True,
        "open and reopen /discuss threads",
    ),
    # Watch parties: the announcement card and the reminders in a text channel.
    Feature(
        "watch parties",
        frozenset({"view_channel", "send_messages", "embed_links"}),
        True,
        "post watch-party cards and reminders",
    ),
    # A Discord event per party: external events need Create Events server-wide.
    Feature("watch-party events", frozenset({"create_events"}), True, "add each watch party to the server's Events"),
    # A party in a voice channel: Discord also wants View Channel and Connect in that channel.
    Feature(
        "voice-channel events",
        frozenset({"view_channel", "connect", "create_events"}),
        True,
        "host a party's event in a voice channel (the bot never joins voice)",
    ),
    # Episode pulse: a native poll in each episode's discussion thread at airtime (Create Polls, since
    # 2024 a permission of its own), and reading it back once it closed (View Channel, Read Message History).
    Feature(
        "episode polls",
        frozenset({"view_channel", "send_messages_in_threads", "send_polls", "read_message_history"}),
        True,
        "post the episode pulse poll in each episode's discussion thread and read its result",
    ),
    # Airing posts: "Episode N airs in 24 hours" in the channel staff pick.
    Feature("airing posts", frozenset({"view_channel", "send_messages"}), True, "post airing reminders"),
    # "Spoiler-tag this": re-post a member's message (with attachments) tagged, then delete the original.
    Feature(
        "spoiler-tag this",
        frozenset({"view_channel", "send_messages", "attach_files", "read_message_history", "manage_messages"}),
        False,
        'the "Spoiler-tag this" moderator menu, only in channels where staff grant Manage Messages',
    ),
    # The spoiler window: one AutoMod keyword rule the bot creates, updates and deletes. Discord wants Manage Server
    # for any AutoMod rule, a broad permission, so the invite leaves it out: servers that want the window grant it.
    Feature(
        "spoiler window",
        frozenset({"manage_guild"}),
        False,
        "keep the spoiler window's AutoMod rule (/setup spoiler-window), only where staff grant Manage Server",
        grant="optional: grant Manage Server to the bot's role to use /setup spoiler-window",
    ),
)

FEATURE_PERMISSIONS: dict[str, frozenset[str]] = {feature.name: feature.permissions for feature in FEATURES}

# Features that work without these, but better with them. Not requested by the invite URL.
OPTIONAL_PERMISSIONS: dict[str, frozenset[str]] = {
    # Creating an "Episode N" tag on a forum channel needs Manage Channels. Without it the bot uses
    # tags staff created themselves, or posts untagged.
    "forum episode tags": frozenset({"manage_channels"}),
}


def required_permission_names() -> frozenset[str]:
    """What the invite URL asks for: the union of the features marked ``invite``."""
    names: set[str] = set()
    for feature in FEATURES:
        if feature.invite:
            names |= feature.permissions
    return frozenset(names)


#: The permissions the bot talks about, named as Discord's client names them today (translated in the catalogues),
#: including the 2025 renames: Send Messages and Create Posts, Send Messages in Threads and Posts, Manage Threads
#: and Posts.
LABELS: dict[str, Msg] = {
    "view_channel": ctx_msg("permission", "View Channel"),
    "send_messages": ctx_msg("permission", "Send Messages and Create Posts"),
    "embed_links": ctx_msg("permission", "Embed Links"),
    "attach_files": ctx_msg("permission", "Attach Files"),
    "read_message_history": ctx_msg("permission", "Read Message History"),
    "create_public_threads": ctx_msg("permission", "Create Public Threads"),
    "send_messages_in_threads": ctx_msg("permission", "Send Messages in Threads and Posts"),
    "manage_messages": ctx_msg("permission", "Manage Messages"),
    "manage_channels": ctx_msg("permission", "Manage Channels"),
    "manage_threads": ctx_msg("permission", "Manage Threads and Posts"),
    "manage_guild": ctx_msg("permission", "Manage Server"),
    "manage_events": ctx_msg("permission", "Manage Events"),
    "create_events": ctx_msg("permission", "Create Events"),
    "mention_everyone": ctx_msg("permission", "Mention @everyone, @here, and All Roles"),
    "connect": ctx_msg("permission", "Connect"),
    "create_posts": ctx_msg("permission", "Send Messages and Create Posts"),  # a forum post is a message
    "send_polls": ctx_msg("permission", "Create Polls"),
}


def humanize(name: str) -> str:
    """A permission's English name as Discord's client shows it today (``send_messages`` -> ``Send Messages and
    Create Posts``, since the 2025 renames), for the console and the invite listing; a flag the bot never names
    reads as its words (``create_public_threads`` -> ``Create Public Threads``)."""
    known = LABELS.get(name)
    return known.id if known is not None else name.replace("_", " ").title()


def label(tr: Texts, name: str) -> str:
    """A permission's name in the reader's language (Discord's own English name for any the bot never names)."""
    known = LABELS.get(name)
    return tr.render(known) if known is not None else humanize(name)
