"""A stand-in for Discord: what the tests, the benchmarks and ``python -m bot play`` talk to instead of discord.com.

Shaped like dpytest: one state model (:mod:`.state`), a declarative route table (:mod:`.routes`), payload
factories (:mod:`.payloads`), assertions (:mod:`.assertions`), and two adapters over the same state:

* :mod:`.inprocess` (:class:`Harness`) drives the real discord.py command tree with real interaction objects,
  no network (its HTTP session and webhook adapter are :mod:`.transport`'s, answering through the route table);
* :mod:`.loopback` (:class:`FakeDiscord`) serves Discord's HTTP API and gateway on 127.0.0.1 for the real
  ``python -m bot run`` process.

Everything a test, a benchmark or the playground uses is exported here (``__all__``). The package models
Discord, not this bot: it imports nothing from ``bot.*``, ``cogs`` or ``tests``.
"""

from . import assertions, payloads
from .commands import CommandUnavailable
from .inprocess import DM, Harness, PreparedInteraction, Recorder, close, start
from .limits import DiscordLimits
from .loopback import APPLICATION_ID as LOOPBACK_APPLICATION_ID
from .loopback import TOKEN as LOOPBACK_TOKEN
from .loopback import FakeDiscord, Session
from .payloads import (
    BOT_USER_ID,
    DEFAULT_APP_PERMISSIONS,
    DEFAULT_CHANNEL_ID,
    DEFAULT_GUILD_ID,
    DEFAULT_MEMBER_PERMISSIONS,
    DEFAULT_USER_ID,
    EPHEMERAL,
    Payload,
)
from .routes import ROUTES, Route
from .state import NONCE_WINDOW_SECONDS, Call, DiscordState, InteractionRecord, Reject

__all__ = [
    "BOT_USER_ID",
    "DEFAULT_APP_PERMISSIONS",
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_GUILD_ID",
    "DEFAULT_MEMBER_PERMISSIONS",
    "DEFAULT_USER_ID",
    "DM",
    "EPHEMERAL",
    "LOOPBACK_APPLICATION_ID",
    "LOOPBACK_TOKEN",
    "NONCE_WINDOW_SECONDS",
    "ROUTES",
    "Call",
    "CommandUnavailable",
    "DiscordLimits",
    "DiscordState",
    "FakeDiscord",
    "Harness",
    "InteractionRecord",
    "Payload",
    "PreparedInteraction",
    "Recorder",
    "Reject",
    "Route",
    "Session",
    "assertions",
    "close",
    "payloads",
    "start",
]
