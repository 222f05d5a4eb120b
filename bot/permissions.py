"""The Discord permissions each feature needs, declared once. The invite URL is computed from it."""

from __future__ import annotations

# Permission flag names as discord.py's ``Permissions`` spells them, per feature.
FEATURE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Slash-command answers go through the interaction webhook and need no channel permission, but
    # the bot must see the channel to offer buttons there and embed links to render its cards.
    "catalogue answers": frozenset({"view_channel", "embed_links"}),
    # Public answers posted in channels and threads.
    "public posts": frozenset({"send_messages", "send_messages_in_threads", "read_message_history"}),
}


def required_permission_names() -> frozenset[str]:
    names: set[str] = set()
    for needed in FEATURE_PERMISSIONS.values():
        names |= needed
    return frozenset(names)
