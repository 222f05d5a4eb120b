"""The spoiler window: from each episode's slot (the broadcast, or the server's rewatch) until some hours later, one
Discord AutoMod keyword rule blocks the episode's spoiler words everywhere in the server except where the episode is
talked about.

The rules live here; Discord lives behind :class:`AutoModPort` (built in :mod:`bot.transport`, every request through
the paced sender). Windows open and close through the durable reminder queue: each airing slot has a row at its
slot and one at the window's end (:attr:`ReminderKind.WINDOW`), and a change by staff, or a schedule moving under an
open window, queues one "now" row for the server (:attr:`ReminderKind.WINDOW_NOW`). Whatever row runs, its delivery
(:mod:`bot.deliveries.window`) asks :meth:`SpoilerWindowService.wanted` what should be in effect at that moment and
makes the rule match, so a late row, a repeated one or one left over from a moved schedule does the right thing.

Which schedule: the server's rewatch when it has one (a rewatch is what the server watches together, so its slots are
when its spoilers are fresh), else the broadcast. While a rewatch is paused, slots after the pause do not open a
window (nothing airs), and a window open when the pause began runs to its end.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from msgspec import Struct

from bot.catalog import Catalog, spoiler_word_problem
from bot.clock import epoch, instant
from bot.errors import UserError
from bot.statuses import ReminderKind, RewatchStatus
from bot.store import Database, Tx, lock_key, reminders, rewatch, windows
from bot.store.dialect import LOCK_REWATCH
from bot.store.sql import Connection

from .guild_config import GuildConfigService

__all__ = [
    "DEFAULT_HOURS",
    "MAX_EXEMPT",
    "MAX_HOURS",
    "MIN_HOURS",
    "RULE_NAME",
    "AutoModLater",
    "AutoModPort",
    "AutoModProblem",
    "AutoModRefused",
    "OpenWindow",
    "Rule",
    "RuleSpec",
    "SpoilerWindowService",
    "Window",
]

DEFAULT_HOURS = windows.DEFAULT_HOURS
MIN_HOURS, MAX_HOURS = 1, 72
MAX_EXEMPT = 20  # staff's own exempt channels (Discord allows 50 per rule; the discussion channel and threads too)
MAX_STAFF_WORDS = 50  # per episode
MIN_WORD = 2
#: Discord's limits on one keyword rule (AutoMod docs: trigger metadata, actions, rule object).
MAX_KEYWORDS = 1000
MAX_EXEMPT_CHANNELS = 50
MAX_BLOCK_MESSAGE = 150
KEYWORD_RULES_PER_SERVER = 6
#: The rule's name in Server Settings > AutoMod; with the bot as its creator, how the bot finds its own rule again.
RULE_NAME = "runon-bot: spoiler window"


# -- the Discord side ------------------------------------------------------------------------------


class Rule(Struct, frozen=True):
    """An AutoMod rule of the server, as listed."""

    id: int
    name: str
    creator_id: int
    keyword: bool  # a keyword rule (Discord allows 6 of them per server)


class RuleSpec(Struct, frozen=True):
    """The rule as it should be: a keyword rule that blocks the message, with the bot's explanation."""

    keywords: tuple[str, ...]
    exempt_channels: tuple[int, ...]
    message: str
    name: str = RULE_NAME

    def __post_init__(self) -> None:
        if not 0 < len(self.keywords) <= MAX_KEYWORDS or any(len(k) > 60 for k in self.keywords):
            raise ValueError("a keyword rule has 1 to 1000 keywords of at most 60 characters")
        if len(self.exempt_channels) > MAX_EXEMPT_CHANNELS or len(self.message) > MAX_BLOCK_MESSAGE:
            raise ValueError("at most 50 exempt channels and a block message of at most 150 characters")


class AutoModProblem(enum.StrEnum):
    """Why the bot cannot keep the rule: staff can fix each (a permission, a full list of rules)."""

    NO_PERMISSION = "missing_manage_guild"
    FULL = "rule_limit"
    OTHER = "other"


class AutoModRefused(Exception):
    """Discord said no to an AutoMod request, for good."""

    def __init__(self, problem: AutoModProblem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail


class AutoModLater(Exception):
    """The request did not go through now (the bot is stopping, or Discord stayed busy): try again later."""


class AutoModPort(Protocol):
    """A server's AutoMod rules on Discord (:class:`bot.transport.DiscordAutoMod`); raises :class:`AutoModRefused`
    or :class:`AutoModLater`."""

    @property
    def bot_id(self) -> int: ...

    async def rules(self, guild_id: int) -> list[Rule]: ...

    async def create(self, guild_id: int, spec: RuleSpec) -> int: ...

    async def edit(self, guild_id: int, rule_id: int, spec: RuleSpec) -> None: ...

    async def delete(self, guild_id: int, rule_id: int) -> None:
        """Delete the rule (one already gone is fine)."""
        ...


# -- what the service hands out --------------------------------------------------------------------


class Window(Struct, frozen=True):
    """A server's spoiler window settings, and the rule it keeps."""

    guild_id: int
    on: bool
    hours: int
    exempt: frozenset[int]  # staff's own exempt channels
    rule_id: int | None
    episode: int | None  # the episode the rule is for, while it exists
    problem: AutoModProblem | None
    detail: str | None


class OpenWindow(Struct, frozen=True):
    """What should be in effect now: the episodes whose windows are open (the latest last), their words, and the
    channels exempt besides their threads."""

    episodes: tuple[int, ...]
    closes_at: dt.datetime  # the latest episode's window ends
    words: tuple[str, ...]
    exempt: tuple[int, ...]  # staff's channels and the discussion channel

    @property
    def episode(self) -> int:
        return self.episodes[-1]


def _window(row: windows.WindowRow) -> Window:
    problem = AutoModProblem(row.problem) if row.problem in tuple(AutoModProblem) else None
    return Window(row.guild_id, row.enabled, row.hours, row.exempt, row.rule_id, row.episode, problem, row.detail)


_SPLIT = re.compile(r"[,;\n、，]")


def parse_words(text: str | None) -> list[str]:
    """``"word one, word two"`` -> the words, trimmed, each once (case aside)."""
    found: dict[str, str] = {}
    for part in _SPLIT.split(text or ""):
        word = " ".join(part.split())
        if word:
            found.setdefault(word.casefold(), word)
    return list(found.values())


#: Plans the server's schedule again inside a unit of work (the rewatch service: it lays the broadcast's slots when
#: the server has no rewatch, then runs every planner, :meth:`SpoilerWindowService.plan` among them).
ScheduleChanged = Callable[[Tx, int, dt.datetime], Awaitable[None]]


class SpoilerWindowService:
    def __init__(
        self, catalog: Catalog, db: Database, guilds: GuildConfigService, *, replan: ScheduleChanged | None = None
    ) -> None:
        self._catalog = catalog
        self._db = db
        self._guilds = guilds
        self._replan: ScheduleChanged = replan or self.plan

    async def get(self, guild_id: int) -> Window:
        async with self._db.read() as conn:
            return _window(await windows.get(conn, guild_id))

    # -- staff's settings ------------------------------------------------------------------------

    async def configure(
        self,
        guild_id: int,
        now: dt.datetime,
        *,
        on: bool | None = None,
        hours: int | None = None,
        exempt: int | None = None,
    ) -> Window:
        """Turn the window on or off, set its length, exempt a channel (or, when it already is, take it back); the
        rule follows at once (a "now" row in the queue)."""
        if hours is not None and not MIN_HOURS <= hours <= MAX_HOURS:
            raise UserError(
                "The window lasts {low} to {high} hours; you gave {hours}.", low=MIN_HOURS, high=MAX_HOURS, hours=hours
            )
        async with self._db.transaction() as tx:
            await lock_key(tx.conn, LOCK_REWATCH, guild_id)  # two staff at once: the second reads the first's change
            row = await windows.get(tx.conn, guild_id)
            channels = set(row.exempt) ^ ({exempt} if exempt is not None else set())
            if len(channels) > MAX_EXEMPT:
                raise UserError(
                    "At most {limit} channels can be exempt; pick an exempt one again to take it back first.",
                    limit=MAX_EXEMPT,
                )
            enabled = row.enabled if on is None else on
            await windows.set_window(tx.conn, guild_id, enabled=enabled, hours=hours or row.hours, now=epoch(now))
            if channels != set(row.exempt):
                await windows.set_exempt(tx.conn, guild_id, sorted(channels))
            await self._changed(tx, guild_id, now)
            return _window(await windows.get(tx.conn, guild_id))

    async def try_again(self, guild_id: int, now: dt.datetime) -> None:
        """Bring the rule up to date now (what kept it from working, a permission, is back)."""
        async with self._db.transaction(one_statement=True) as tx:
            await reminders.due_again(tx.conn, ReminderKind.WINDOW_NOW, guild_id, guild_id, epoch(now))

    async def channel_gone(self, guild_id: int, channel_id: int, now: dt.datetime) -> bool:
        """A channel was deleted: it is no longer exempt (nobody could pick it again to take it back, and it would
        count toward the limit for good). Returns whether it was."""
        if channel_id not in (await self.get(guild_id)).exempt:  # most deleted channels never were: a read only
            return False
        async with self._db.transaction() as tx:
            await lock_key(tx.conn, LOCK_REWATCH, guild_id)
            row = await windows.get(tx.conn, guild_id)
            if channel_id not in row.exempt:
                return False
            await windows.set_exempt(tx.conn, guild_id, sorted(row.exempt - {channel_id}))
            await self._changed(tx, guild_id, now)
            return True

    async def words(self, guild_id: int, episode: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Episode ``episode``'s spoiler words: the show pack's (every language) and staff's own."""
        self._check_episode(episode)
        async with self._db.read() as conn:
            own = await windows.words(conn, guild_id, episode)
        return self._catalog.spoiler_words(episode), tuple(own)

    async def change_words(
        self, guild_id: int, episode: int, add: str | None, remove: str | None, now: dt.datetime
    ) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
        """Add and remove staff's own words for ``episode``; returns the pack's words, staff's words and the removed
        words that were not there."""
        self._check_episode(episode)
        added, removed = parse_words(add), parse_words(remove)
        for word in added:
            problem = spoiler_word_problem(word)
            if problem is not None or len(word) < MIN_WORD:
                raise UserError(
                    "{word} can't be a spoiler word: use {low} to 60 characters, whole words, without `*`.",
                    word=repr(word[:70]),
                    low=MIN_WORD,
                )
        pack = {w.casefold() for w in self._catalog.spoiler_words(episode)}
        async with self._db.transaction() as tx:
            await lock_key(tx.conn, LOCK_REWATCH, guild_id)
            before = await windows.words(tx.conn, guild_id, episode)
            known = {w.casefold() for w in before}
            missing = [w for w in removed if w.casefold() not in known]
            new = [w for w in added if w.casefold() not in pack]
            after = (known - {w.casefold() for w in removed}) | {w.casefold() for w in new}  # remove, then add
            if len(after) > MAX_STAFF_WORDS:
                raise UserError("At most {limit} words of your own per episode.", limit=MAX_STAFF_WORDS)
            await windows.remove_words(tx.conn, guild_id, episode, removed)
            await windows.add_words(tx.conn, guild_id, episode, new)
            own = await windows.words(tx.conn, guild_id, episode)
            await self._changed(tx, guild_id, now)
        return self._catalog.spoiler_words(episode), tuple(own), missing

    def _check_episode(self, episode: int) -> None:
        last = self._catalog.episode_count
        if not 1 <= episode <= last:
            raise UserError("Pick an episode from 1 to {last}; you gave {episode}.", last=last, episode=episode)

    # -- planning (a rewatch planner, and after each change by staff) -----------------------------

    async def _changed(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        """Staff changed the window: its slots are planned again (the broadcast's laid first when the server has no
        rewatch) and the rule is brought up to date now."""
        await self._replan(tx, guild_id, now)
        await reminders.due_again(tx.conn, ReminderKind.WINDOW_NOW, guild_id, guild_id, epoch(now))

    async def plan(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        """Queue each slot's window (open at the slot, close at its end) while the window is on; and bring the rule
        up to date now when a rule is kept or a window is open (the schedule may have moved under it)."""
        conn = tx.conn
        row = await windows.get(conn, guild_id)
        schedule = await rewatch.get(conn, guild_id)
        paused_at = schedule.paused_at if schedule is not None and schedule.status == RewatchStatus.PAUSED else None
        length = row.hours * 3600
        for slot in await rewatch.slots(conn, guild_id):
            end = slot.airs_at + length
            if not row.enabled or end <= epoch(now) or (paused_at is not None and slot.airs_at > paused_at):
                await reminders.cancel(conn, ReminderKind.WINDOW, slot.id, "no window (off, over or paused)")
            else:
                await reminders.schedule(conn, ReminderKind.WINDOW, guild_id, slot.id, end, (length, 0))
        if row.rule_id is not None or (row.enabled and await self._open_in(conn, guild_id, now, row, schedule)):
            await reminders.due_again(conn, ReminderKind.WINDOW_NOW, guild_id, guild_id, epoch(now))

    async def _open_in(
        self,
        conn: Connection,
        guild_id: int,
        now: dt.datetime,
        row: windows.WindowRow,
        schedule: rewatch.RewatchRow | None,
    ) -> list[tuple[int, int]]:
        """The windows open at ``now``: (the slot's epoch seconds, the episode), earliest first. ``schedule`` is the
        server's rewatch, as the caller read it (None: the broadcast)."""
        if schedule is None:
            slots = [(e.number, epoch(e.airs_at)) for e in self._catalog.episodes]
            cutoff = epoch(now)
        else:
            slots = [(s.episode, s.airs_at) for s in await rewatch.slots(conn, guild_id)]
            paused = schedule.status == RewatchStatus.PAUSED and schedule.paused_at is not None
            cutoff = min(epoch(now), schedule.paused_at) if paused and schedule.paused_at is not None else epoch(now)
        length = row.hours * 3600
        return sorted((at, n) for n, at in slots if at <= cutoff and epoch(now) < at + length)

    # -- what should be in effect, and what is ------------------------------------------------------

    async def wanted(self, guild_id: int, now: dt.datetime) -> OpenWindow | None:
        """The rule that should be in effect at ``now``, or None (the window is off, or no window is open)."""
        async with self._db.read() as conn:
            row = await windows.get(conn, guild_id)
            if not row.enabled:
                return None
            open_ = await self._open_in(conn, guild_id, now, row, await rewatch.get(conn, guild_id))
            if not open_:
                return None
            episodes = [n for _at, n in open_]
            aired = open_[-1][0]
            own = {n: await windows.words(conn, guild_id, n) for n in episodes}
        config = await self._guilds.get(guild_id)
        words: dict[str, str] = {}
        for n in reversed(episodes):  # the latest episode's words first, should the list ever be cut
            for word in (*self._catalog.spoiler_words(n), *own[n]):
                words.setdefault(word.casefold(), word)
        exempt = sorted(row.exempt | ({config.discussion_channel_id} if config.discussion_channel_id else set()))
        return OpenWindow(
            episodes=tuple(episodes),
            closes_at=instant(aired + row.hours * 3600),
            words=tuple(words.values())[:MAX_KEYWORDS],
            exempt=tuple(exempt),
        )

    async def record(
        self,
        guild_id: int,
        now: dt.datetime,
        *,
        rule_id: int | None,
        episode: int | None,
        problem: AutoModProblem | None = None,
        detail: str | None = None,
    ) -> AutoModProblem | None:
        """Record the rule as it now is and the problem keeping it; returns the problem when it is new (to be
        reported to staff once), None otherwise."""
        async with self._db.transaction() as tx:
            before = await windows.get(tx.conn, guild_id)
            await windows.set_rule(
                tx.conn, guild_id, rule_id=rule_id, episode=episode, problem=problem, detail=detail, now=epoch(now)
            )
        return problem if problem is not None and before.problem != problem else None

    @staticmethod
    def own_rules(rules: Sequence[Rule], bot_id: int) -> list[Rule]:
        """The bot's own window rules among the server's (by name and creator), oldest first."""
        return sorted((r for r in rules if r.name == RULE_NAME and r.creator_id == bot_id), key=lambda r: r.id)
