"""The Discord permissions each feature needs, declared once.

The invite URL is computed from ``FEATURE_PERMISSIONS``; ``/setup show`` checks the same sets
against the bot's effective permissions in each configured channel.
"""

from __future__ import annotations

# Permission flag names as discord.py's ``Permissions`` spells them, per feature.
FEATURE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Slash-command answers go through the interaction webhook and need no channel permission, but
    # the bot must see the channel to offer buttons there and embed links to render its cards.
    "catalogue answers": frozenset({"view_channel", "embed_links"}),
    # /discuss: a public thread per episode in a text channel, or a post in a forum channel.
    "discussion threads": frozenset(
        {"view_channel", "send_messages", "create_public_threads", "send_messages_in_threads", "read_message_history"}
    ),
    # "Spoiler-tag this": re-post a member's message (with attachments) tagged, then delete the original.
    "spoiler-tag this": frozenset(
        {"view_channel", "send_messages", "attach_files", "read_message_history", "manage_messages"}
    ),
    # Watch parties: the announcement card and reminders in a channel, and a Discord scheduled event.
    "watch parties": frozenset({"view_channel", "send_messages", "embed_links", "manage_events"}),
}

# Features that work without these, but better with them. Not requested by the invite URL.
OPTIONAL_PERMISSIONS: dict[str, frozenset[str]] = {
    # Creating an "Episode N" tag on a forum channel needs Manage Channels. Without it the bot uses
    # tags staff created themselves, or posts untagged.
    "forum episode tags": frozenset({"manage_channels"}),
}


def required_permission_names() -> frozenset[str]:
    names: set[str] = set()
    for needed in FEATURE_PERMISSIONS.values():
        names |= needed
    return frozenset(names)


def humanize(name: str) -> str:
    """``create_public_threads`` -> ``Create Public Threads`` (as Discord's settings name it)."""
    special = {"view_channel": "View Channel", "read_message_history": "Read Message History"}
    return special.get(name, name.replace("_", " ").title())
