"""The Bot subclass, the CommandTree subclass and the one error path."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from .errors import UserError
from .permissions import required_permission_names
from .reminders.transport import rest_trace
from .services import Services

log = logging.getLogger(__name__)

#: How long a stopping bot waits for interactions it is already handling (Discord wants the first
#: answer within 3 seconds; a command that defers may take a little longer).
DRAIN_SECONDS = 5.0
RESTARTING = "I'm restarting right now. Please try again in a minute."

EXTENSIONS: tuple[str, ...] = (
    "cogs.episodes",
    "cogs.cast",
    "cogs.airing",
    "cogs.progress",
    "cogs.about",
    "cogs.setup",
    "cogs.spoiler_posts",
    "cogs.discussion",
    "cogs.timezones",
    "cogs.watch_parties",
    "cogs.rewatch",
    "cogs.reminders",
    "cogs.catchup",
    "cogs.pulse",
    "cogs.calendar",
)


def intents() -> discord.Intents:
    """The minimum: guild structure, and votes on the bot's episode polls (Guild Message Polls, not privileged).
    No privileged intents (no message content, members, presences)."""
    return discord.Intents(guilds=True, guild_polls=True)


def required_permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(required_permission_names(), True))


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id,
        permissions=required_permissions(),
        scopes=("bot", "applications.commands"),
    )


def _humanize(names: list[str]) -> str:
    return ", ".join(n.replace("_", " ").replace("guild", "server").title() for n in names)


def describe_error(error: Exception) -> str | None:
    """The member-facing text for an error the member can act on; ``None`` for a bug."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, app_commands.TransformerError) and isinstance(original.__cause__, UserError):
        original = original.__cause__
    if isinstance(original, UserError):
        return str(original)
    if isinstance(original, app_commands.TransformerError):
        return (
            f"{str(original.value)[:80]!r} is not a valid value there. Pick one of the suggestions or check the format."
        )
    if isinstance(original, app_commands.MissingPermissions):
        return f"You need the {_humanize(original.missing_permissions)} permission to do that."
    if isinstance(original, app_commands.BotMissingPermissions):
        return f"I need the {_humanize(original.missing_permissions)} permission here; ask a server admin to grant it."
    if isinstance(original, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {original.retry_after:.0f} seconds."
    if isinstance(original, app_commands.NoPrivateMessage):
        return "That only works inside a server."
    if isinstance(original, app_commands.CheckFailure):
        return "You can't use that here."
    if isinstance(original, discord.Forbidden):
        return "Discord refused that: I am missing a permission in this channel. Ask a server admin to check my role."
    return None


class RunOnTree(app_commands.CommandTree["RunOnBot"]):
    async def on_error(self, interaction: discord.Interaction[RunOnBot], error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


async def report_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """The one error path: a short ephemeral message, and for bugs a logged traceback with an id."""
    message = describe_error(error)
    if message is None:
        error_id = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("error %s in %s by user %s", error_id, command, interaction.user.id, exc_info=error)
        message = f"Something went wrong on my side (error id `{error_id}`). Please pass the id to the server's admins."
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


class RunOnBot(commands.Bot):
    """The bot. Services are injected; nothing is read from the environment or disk here."""

    def __init__(
        self,
        services: Services,
        *,
        dev_guild_id: int | None = None,
        background_tasks: bool = False,
        **sharding: Any,
    ) -> None:
        # The bot never joins voice: the PyNaCl / davey warnings would only confuse admins.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=RunOnTree,
            help_command=None,
            # discord.py sleeps through rate limits up to this long; a longer one raises RateLimited and
            # the paced sender waits it out on its own, without holding up other servers.
            max_ratelimit_timeout=30.0,
            # Every REST request counts against Discord's global limit: the paced sender hears of each one.
            http_trace=rest_trace(services.sender),
            **sharding,
        )
        self.services = services
        self.dev_guild_id = dev_guild_id
        # Loops (the reminder scheduler) run only in the real process; tests call their bodies.
        self.background_tasks = background_tasks
        #: Set by :meth:`close`: new interactions are answered "restarting" instead of being handled.
        self.stopping = False
        self.drain_seconds = DRAIN_SECONDS
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._gate_interactions()

    # -- life cycle -------------------------------------------------------------------------------

    def is_connected(self) -> bool:
        """Whether the gateway connection is up (the health file says so)."""
        return self.ws is not None and self.ws.open

    def _gate_interactions(self) -> None:
        """Wrap the gateway's INTERACTION_CREATE handler: while stopping, refuse new work politely;
        otherwise note the tasks discord.py starts for the interaction so :meth:`close` can wait for them.

        discord.py has no public hook that sees every interaction before it is routed (the command tree,
        views and modals are called directly), so this wraps the parser the websocket looks up by event
        name. The handler is synchronous: the tasks that appear while it runs are exactly the ones it
        started for this interaction."""
        parsers: dict[str, Callable[[Any], None]] = self._connection.parsers
        original = parsers["INTERACTION_CREATE"]

        def gated(data: Any) -> None:
            if self.stopping:
                task = asyncio.create_task(self._refuse(data), name="runon-refuse-while-stopping")
            else:
                before = asyncio.all_tasks()
                original(data)
                for task in asyncio.all_tasks() - before:
                    self._track(task)
                return
            self._track(task)

        parsers["INTERACTION_CREATE"] = gated

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _refuse(self, data: Any) -> None:
        interaction: discord.Interaction[RunOnBot] = discord.Interaction(data=data, state=self._connection)
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            elif interaction.type is not discord.InteractionType.ping:
                await interaction.response.send_message(RESTARTING, ephemeral=True)
        except discord.HTTPException:
            log.info("could not tell user %s that the bot is restarting", interaction.user.id)

    @property
    def in_flight(self) -> int:
        """Interactions being handled right now."""
        return sum(1 for task in self._in_flight if not task.done())

    async def close(self) -> None:
        """Stop taking new work, let interactions in progress finish (bounded), then unload every
        feature (loops stop, the scheduler lets go of its work) and close the connection."""
        if not self.stopping:
            self.stopping = True
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.drain_seconds
            announced = False
            # Loop: "restarting" answers to interactions that arrive meanwhile are in-flight work too.
            while pending := {t for t in self._in_flight if not t.done() and t is not asyncio.current_task()}:
                if not announced:
                    log.info("stopping: finishing %d interaction(s) in progress", len(pending))
                    announced = True
                remaining = deadline - loop.time()
                if remaining <= 0:
                    log.warning(
                        "stopping: %d interaction(s) still running after %.0fs", len(pending), self.drain_seconds
                    )
                    break
                await asyncio.wait(pending, timeout=remaining)
        await super().close()

    async def load_features(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)

    async def setup_hook(self) -> None:
        await self.load_features()
        if self.dev_guild_id is not None:
            guild = discord.Object(self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), self.dev_guild_id)

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))


class ShardedRunOnBot(RunOnBot, commands.AutoShardedBot):
    """The bot running the shards it was given (``SHARD_COUNT`` with ``SHARD_IDS``, or a cluster's share).
    Discord sends each server's events, interactions included, to the shard that owns it, so this process
    answers exactly its shards' servers; reminders are shared with the other processes through the database."""

    def is_connected(self) -> bool:
        return bool(self.shards) and all(not shard.is_closed() for shard in self.shards.values())
