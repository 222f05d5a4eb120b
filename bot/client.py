"""The Bot subclass, the CommandTree subclass and the one error path."""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import logging
import math
import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from .app import App, Services
from .errors import UserError
from .locale import SOURCE, Texts, language_of, msg, texts
from .permissions import label, required_permission_names
from .transport import rest_trace

log = logging.getLogger(__name__)

#: How long a stopping bot waits for interactions it is already handling (Discord wants the first
#: answer within 3 seconds; a command that defers may take a little longer).
DRAIN_SECONDS = 5.0
#: Seconds after READY when what the start made is set aside from the collector (see :meth:`RunOnBot.on_ready`).
FREEZE_AFTER_READY = 3.0
#: ``python -m bot run`` starts with the collector held back (bot/__main__.py); it resumes with that freeze, or after
#: this many seconds if READY never comes (a gateway that keeps failing), so garbage cycles cannot pile up for good.
COLLECTOR_HELD_AT_MOST = 120.0
#: If interactions are being answered then (the first ones of every server), a quiet moment is awaited, checked each
#: second, for at most this long: what they hold would otherwise be frozen too, and their peak kept.
FREEZE_WAIT_FOR_QUIET = 60.0
#: After READY, every this many seconds: if at least TRIM_AFTER interactions were answered since the C heap's free pages
#: were last handed back and none is in flight, they are handed back (:func:`give_back_free_memory`).
TRIM_CHECK = 5.0
TRIM_AFTER = 100
RESTARTING = msg("I'm restarting right now. Please try again in a minute.")
OUT_OF_DATE = msg("This button is out of date. Run the command again for a fresh one.")
#: The prefix of every button and menu id the bot makes; one it does not recognise is from an older version or forged.
OWN_IDS = "runon:"

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


def permission_names(tr: Texts, names: list[str]) -> str:
    """Discord's names of permissions, as its client shows them in the reader's language."""
    return tr.join([label(tr, name) for name in names])


def describe_error(error: Exception, tr: Texts) -> str | None:
    """The member-facing text for an error the member can act on, in their language; ``None`` for a bug."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, app_commands.TransformerError) and isinstance(original.__cause__, UserError):
        original = original.__cause__
    if isinstance(original, UserError):
        return tr.render(original.message)
    if isinstance(original, app_commands.TransformerError):
        return tr(
            "{value} is not a valid value there. Pick one of the suggestions or check the format.",
            value=repr(str(original.value)[:80]),
        )
    if isinstance(original, app_commands.MissingPermissions):
        return tr(
            "You need the {permissions} permission to do that.",
            permissions=permission_names(tr, original.missing_permissions),
        )
    if isinstance(original, app_commands.BotMissingPermissions):
        return tr(
            "I need the {permissions} permission here; ask a server admin to grant it.",
            permissions=permission_names(tr, original.missing_permissions),
        )
    if isinstance(original, app_commands.CommandOnCooldown):
        seconds = max(math.ceil(original.retry_after), 1)  # never "try again in 0 seconds"
        return tr("Slow down a little: try again in {seconds} seconds.", seconds=seconds)
    if isinstance(original, app_commands.NoPrivateMessage):
        return tr("That only works inside a server.")
    if isinstance(original, app_commands.CheckFailure):
        return tr("You can't use that here.")
    if isinstance(original, discord.Forbidden):
        return tr(
            "Discord refused that: I am missing a permission in this channel. Ask a server admin to check my role."
        )
    return None


def member_texts(interaction: discord.Interaction[Any]) -> Texts:
    """The member's own language (their Discord client's), for private answers."""
    services = getattr(interaction.client, "services", None)
    if isinstance(services, Services):
        return services.language.member(interaction.locale)
    return texts(language_of(interaction.locale))


# -- commands in every language ------------------------------------------------------------------

#: The catalogue context of each place a command string appears (``msgctxt`` in the .po files).
CONTEXTS: dict[app_commands.TranslationContextLocation, str] = {
    app_commands.TranslationContextLocation.command_name: "command name",
    app_commands.TranslationContextLocation.group_name: "command name",
    app_commands.TranslationContextLocation.command_description: "command description",
    app_commands.TranslationContextLocation.group_description: "command description",
    app_commands.TranslationContextLocation.parameter_name: "option name",
    app_commands.TranslationContextLocation.parameter_description: "option description",
    app_commands.TranslationContextLocation.choice_name: "choice name",
}


class CatalogueTranslator(app_commands.Translator):
    """Command, option and choice names and descriptions from the message catalogues (``tree.sync`` asks it
    for every Discord locale; the bot answers for the languages it speaks and leaves the rest to English)."""

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        return translate_command_string(string.message, locale, context.location)


def translate_command_string(
    text: str, locale: discord.Locale | str, location: app_commands.TranslationContextLocation
) -> str | None:
    lang = language_of(locale)
    where = CONTEXTS.get(location)
    if lang == SOURCE or where is None:
        return None
    translated = texts(lang).ctx(where, text)
    return None if translated == text else translated


def command_strings(tree: app_commands.CommandTree[Any]) -> Iterator[tuple[str, str, str]]:
    """Every string Discord shows for the tree: ``(catalogue context, English text, where)``."""
    for kind in discord.AppCommandType:
        for command in tree.get_commands(type=kind):
            yield from _strings(command, "")


def _strings(command: Any, prefix: str) -> Iterator[tuple[str, str, str]]:
    where = f"{prefix}{command.name}"
    yield "command name", command.name, where
    if isinstance(command, app_commands.ContextMenu):
        return
    yield "command description", command.description, where
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from _strings(child, f"{where} ")
        return
    for parameter in command.parameters:
        yield "option name", parameter.display_name, f"{where} {parameter.display_name}"
        yield "option description", str(parameter.description), f"{where} {parameter.display_name}"
        for choice in parameter.choices:
            yield "choice name", choice.name, f"{where} {parameter.display_name}"


class RunOnTree(app_commands.CommandTree["RunOnBot"]):
    async def on_error(self, interaction: discord.Interaction[RunOnBot], error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


async def report_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """The one error path: a short ephemeral message in the member's language, and for bugs a logged traceback
    with an id."""
    tr = member_texts(interaction)
    message = describe_error(error, tr)
    if message is None:
        error_id = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("error %s in %s by user %s", error_id, command, interaction.user.id, exc_info=error)
        message = tr(
            "Something went wrong on my side (error id `{error_id}`). Please pass the id to the server's admins.",
            error_id=error_id,
        )
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


class RunOnBot(commands.Bot):
    """The bot. Its services come from the composition root (:class:`bot.app.App`), built with the bot in hand;
    nothing is read from the environment or disk here."""

    def __init__(
        self,
        app: App,
        *,
        dev_guild_id: int | None = None,
        background_tasks: bool = False,
        **sharding: Any,
    ) -> None:
        # The bot never joins voice: the PyNaCl / davey warnings would only confuse admins.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        #: Every service, built once by the root for this client (what talks to Discord keeps a reference to it).
        self.services: Services = app.attach_discord(self)
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
            http_trace=rest_trace(self.services.sender),
            **sharding,
        )
        self.dev_guild_id = dev_guild_id
        # Loops (the reminder scheduler) run only in the real process; tests call their bodies.
        self.background_tasks = background_tasks
        #: Set by :meth:`close`: new interactions are answered "restarting" instead of being handled.
        self.stopping = False
        self.drain_seconds = DRAIN_SECONDS
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._id_templates: dict[type[discord.ui.DynamicItem[Any]], re.Pattern[str]] = {}
        self._frozen = False
        self._answered_since_trim = 0
        self._gate_interactions()

    # -- components nobody claims ------------------------------------------------------------------

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        super().add_dynamic_items(*items)
        self._id_templates.update({item: item.__discord_ui_compiled_template__ for item in items})

    def remove_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        super().remove_dynamic_items(*items)
        for item in items:
            self._id_templates.pop(item, None)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event_name, *args, **kwargs)
        if event_name == "interaction":
            self._beside_interaction(args[0])

    def _beside_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Beside every interaction's own handler (never before it): answer a button or menu nobody claims, then
        remember the member's Discord language for what the bot writes to them later (reminder DMs). Most
        interactions need neither (a member's command in the language remembered already): those start no task."""
        unclaimed = self._unclaimed(interaction)
        if unclaimed is None and self.services.language.remembered(interaction.user.id, interaction.locale):
            return
        # Called while the gateway's INTERACTION_CREATE is parsed: the task is tracked with the interaction's own.
        asyncio.get_running_loop().create_task(self._after_interaction(interaction, unclaimed), name="runon-beside")

    async def _after_interaction(self, interaction: discord.Interaction[Any], unclaimed: str | None) -> None:
        if unclaimed is not None:
            try:
                await self._answer_unclaimed(interaction, unclaimed)
            except Exception:  # the member's button only spins: never a reason to skip the language
                log.exception("could not answer the unknown component %r", unclaimed[:100])
        try:  # a write happens only when the language changed
            await self.services.language.remember(
                interaction.user.id, interaction.locale, interaction.id, self.services.clock()
            )
        except Exception:  # a failed write only means a DM in the server's language
            log.warning("could not remember the language of user %s", interaction.user.id, exc_info=True)

    def _unclaimed(self, interaction: discord.Interaction[Any]) -> str | None:
        """The custom id of a button or menu with one of the bot's ids that no feature recognises (forged, or left on
        an old message by an earlier version), else None. Every ``runon:`` component is a persistent
        :class:`discord.ui.DynamicItem` registered through :meth:`add_dynamic_items`, so its template says whether a
        feature will answer."""
        if interaction.type is not discord.InteractionType.component:
            return None
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if not custom_id.startswith(OWN_IDS):
            return None
        if any(template.fullmatch(custom_id) for template in self._id_templates.values()):
            return None
        return custom_id

    async def _answer_unclaimed(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """Answer it privately instead of letting it spin until Discord gives up."""
        try:
            await interaction.response.send_message(member_texts(interaction).render(OUT_OF_DATE), ephemeral=True)
        except discord.HTTPException:
            log.info("could not answer the unknown component %r", custom_id[:100])

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
            self._answered_since_trim += 1
            if self.stopping:
                self._track(asyncio.create_task(self._refuse(data), name="runon-refuse-while-stopping"))
                return
            # The tasks it starts are caught as they are created (a task factory for the length of the call), not
            # found by comparing every task of the process before and after: that cost grows with the servers.
            loop = asyncio.get_running_loop()
            previous = loop.get_task_factory()

            def noted(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Future[Any]:
                task = (
                    previous(loop, coro, **kwargs) if previous is not None else asyncio.Task(coro, loop=loop, **kwargs)
                )
                if isinstance(task, asyncio.Task):
                    self._track(task)
                return task

            loop.set_task_factory(noted)
            try:
                original(data)
            finally:
                loop.set_task_factory(previous)

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
                await interaction.response.send_message(member_texts(interaction).render(RESTARTING), ephemeral=True)
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
        # Before anything syncs: command names and descriptions go to Discord in every language the bot speaks.
        await self.tree.set_translator(CatalogueTranslator())
        await self.load_features()
        if self.dev_guild_id is not None:
            guild = discord.Object(self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), self.dev_guild_id)
        if self.background_tasks:
            asyncio.get_running_loop().call_later(COLLECTOR_HELD_AT_MOST, resume_collector)

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))
        if self.background_tasks and not self._frozen:
            # What exists now (the modules, the show pack, the catalogues, the servers) lives as long as the process:
            # out of the collector's sight, so its full collections no longer walk it during members' interactions.
            # A little later, not now: the full collection first (30-50 ms) would hold up the first answers.
            self._frozen = True
            loop = asyncio.get_running_loop()
            loop.call_later(FREEZE_AFTER_READY, self._freeze_when_quiet, loop.time() + FREEZE_WAIT_FOR_QUIET)
            loop.call_later(TRIM_CHECK, self._trim_after_busy_stretch)

    def _freeze_when_quiet(self, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        if self.in_flight and loop.time() < deadline:
            loop.call_later(1.0, self._freeze_when_quiet, deadline)
            return
        self._freeze()

    def _freeze(self) -> None:
        gc.collect()
        gc.freeze()
        gc.enable()  # held back while the bot started (bot/__main__.py)
        self._answered_since_trim = 0
        give_back_free_memory()

    def _trim_after_busy_stretch(self) -> None:
        """A busy stretch (a burst of interactions, a start-up in many servers) leaves the C heap holding the pages
        its answers used at their peak; at the next quiet moment they are handed back (a few milliseconds, at most
        once every :data:`TRIM_CHECK` seconds, and only after :data:`TRIM_AFTER` interactions)."""
        if self.stopping or self.is_closed():
            return
        if self._answered_since_trim >= TRIM_AFTER and not self.in_flight:
            self._answered_since_trim = 0
            give_back_free_memory()
        asyncio.get_running_loop().call_later(TRIM_CHECK, self._trim_after_busy_stretch)


def resume_collector() -> None:
    """The collector back on, if the start still holds it back: one full collection first, now, rather than a first
    young-generation pass that walks everything the start made at whatever moment it comes."""
    if not gc.isenabled():
        gc.collect()
        gc.enable()


def give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc's ``malloc_trim``), once the start-up or a busy
    stretch is over.

    Starting in many servers at once peaks: every GUILD_CREATE parsed and the first interactions of every server
    answered together; so does a burst of interactions. Python frees those objects, but glibc keeps the pages for
    reuse, so the process would hold the peak for good (15 MiB at 1,000 servers after the warm-up of
    ``bench.light``: 124.8 → 109.5 MiB). Elsewhere than glibc (musl, macOS) it does nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, looked up once (None: the C library the interpreter runs on has none)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


class ShardedRunOnBot(RunOnBot, commands.AutoShardedBot):
    """The bot running the shards it was given (``SHARD_COUNT`` with ``SHARD_IDS``, or a cluster's share).
    Discord sends each server's events, interactions included, to the shard that owns it, so this process
    answers exactly its shards' servers; reminders are shared with the other processes through the database."""

    def is_connected(self) -> bool:
        return bool(self.shards) and all(not shard.is_closed() for shard in self.shards.values())
