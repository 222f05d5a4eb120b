"""A stand-in for Discord: what the tests, the benchmarks and ``python -m bot play`` talk to instead of discord.com.

``inprocess`` drives the real discord.py command tree with real interaction objects, no network; ``loopback``
serves Discord's HTTP API and gateway on 127.0.0.1 for the real ``python -m bot run`` process.
"""

from .inprocess import (
    BOT_USER_ID,
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_CHANNEL_ID,
    DEFAULT_GUILD_ID,
    DEFAULT_MEMBER_PERMISSIONS,
    DEFAULT_USER_ID,
    DM,
    CommandUnavailable,
    Harness,
    close,
    start,
)
from .loopback import FakeDiscord

__all__ = [
    "BOT_USER_ID",
    "DEFAULT_APP_PERMISSIONS",
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_GUILD_ID",
    "DEFAULT_MEMBER_PERMISSIONS",
    "DEFAULT_USER_ID",
    "DM",
    "CommandUnavailable",
    "FakeDiscord",
    "Harness",
    "close",
    "start",
]
