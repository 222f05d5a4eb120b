"""The spoiler window's AutoMod rule: each due row (a window opening or closing at a slot, or a "now" row after a
change) makes the server's one rule match what should be in effect at that moment (:meth:`SpoilerWindowService.wanted`):
created when a window opens, edited when the next episode's opens (never a second rule), deleted when the last one
closes. The bot finds its rule again by name and creator, so a restart or a second process reuses it; two processes
that both created one keep the older and delete the other. Every request goes through the paced sender
(:class:`~bot.services.spoiler_window.AutoModPort`). Problems staff can fix (no Manage Server, a server already at
Discord's 6 keyword rules) are reported once to the staff channel, in the server's language."""

from __future__ import annotations

import datetime as dt
import logging

from bot.locale import Texts, msg
from bot.permissions import label
from bot.reminders.model import Attempt, Delivered, Failed, Outcome, Outgoing, Postponed, Refusal, Sent, Skipped
from bot.reminders.sender import PacedSender
from bot.services.discussion import DiscussionService, ThreadOpener
from bot.services.guild_config import GuildConfigService
from bot.services.language import LanguageService
from bot.services.locks import KeyedLocks
from bot.services.spoiler_window import (
    KEYWORD_RULES_PER_SERVER,
    MAX_BLOCK_MESSAGE,
    MAX_EXEMPT_CHANNELS,
    AutoModLater,
    AutoModPort,
    AutoModProblem,
    AutoModRefused,
    OpenWindow,
    RuleSpec,
    SpoilerWindowService,
)
from bot.store import ReminderRow

log = logging.getLogger(__name__)
WHAT = msg("the spoiler window's AutoMod rule")
WARN = "\N{WARNING SIGN}\N{VARIATION SELECTOR-16} "


def block_message(tr: Texts, episode: int, *, thread: bool) -> str:
    """What a member whose message was blocked reads (Discord allows 150 characters): the episode, and where to
    talk about it. It names the episode number only."""
    if thread:
        text = tr("Episode {n} just aired: please keep its spoilers to its discussion thread for now.", n=episode)
    else:
        text = tr("Episode {n} just aired: please hold its spoilers here for now.", n=episode)
    return text if len(text) <= MAX_BLOCK_MESSAGE else text[: MAX_BLOCK_MESSAGE - 1] + "\N{HORIZONTAL ELLIPSIS}"


def staff_report(tr: Texts, problem: AutoModProblem, episode: int, detail: str) -> str:
    if problem is AutoModProblem.NO_PERMISSION:
        return WARN + tr(
            "The spoiler window for episode {n} isn't working: I need the {permission} permission to keep its AutoMod "
            "rule (Server Settings > Roles > my role). `/setup show` says when it works again.",
            n=episode,
            permission=label(tr, "manage_guild"),
        )
    if problem is AutoModProblem.FULL:
        return WARN + tr(
            "The spoiler window for episode {n} isn't working: this server already has Discord's maximum of {limit} "
            "keyword rules in AutoMod. Delete one in Server Settings > AutoMod, or turn the window off with "
            "`/setup spoiler-window`.",
            n=episode,
            limit=KEYWORD_RULES_PER_SERVER,
        )
    return WARN + tr("Discord refused the spoiler window's AutoMod rule: {detail}", detail=detail[:300])


class SpoilerWindowRules:
    """The delivery of :attr:`ReminderKind.WINDOW` rows, or of :attr:`ReminderKind.WINDOW_NOW` rows: one of each,
    sharing ``locks`` (one server's rule is changed by one delivery at a time in this process)."""

    def __init__(
        self,
        window: SpoilerWindowService,
        automod: AutoModPort,
        threads: ThreadOpener,
        discussion: DiscussionService,
        guilds: GuildConfigService,
        sender: PacedSender,
        language: LanguageService,
        locks: KeyedLocks,
    ) -> None:
        self._window = window
        self._automod = automod
        self._threads = threads
        self._discussion = discussion
        self._guilds = guilds
        self._sender = sender
        self._language = language
        self._locks = locks

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome:
        guild_id = reminder.guild_id
        async with self._locks(guild_id):
            outcome: Outcome = Skipped("nothing to do")
            for _ in range(3):  # staff may change the window while the rule is being changed: follow them
                wanted = await self._window.wanted(guild_id, attempt.now)
                outcome = await self._keep(guild_id, wanted, attempt.now)
                if isinstance(outcome, Postponed | Failed):
                    break
                if await self._window.wanted(guild_id, attempt.now) == wanted:
                    break
            return outcome

    async def _keep(self, guild_id: int, wanted: OpenWindow | None, now: dt.datetime) -> Outcome:
        state = await self._window.get(guild_id)
        spec = await self._spec(guild_id, wanted) if wanted is not None else None
        # Even with no rule recorded, the server's rules are listed: one created just before the process stopped (not
        # recorded yet) is found and deleted when the window is turned off.
        automod = self._automod
        try:
            rules = await automod.rules(guild_id)
            own = self._window.own_rules(rules, automod.bot_id)
            if spec is None:
                for rule in own:
                    await automod.delete(guild_id, rule.id)
                await self._window.record(guild_id, now, rule_id=None, episode=None)
                return Sent(None, detail=f"no window open: {len(own)} rule(s) deleted")
            assert wanted is not None
            if own:
                rule_id = own[0].id
                await automod.edit(guild_id, rule_id, spec)
                for extra in own[1:]:
                    await automod.delete(guild_id, extra.id)
                done = "edited"
            else:
                if sum(rule.keyword for rule in rules) >= KEYWORD_RULES_PER_SERVER:
                    raise AutoModRefused(
                        AutoModProblem.FULL, f"the server already has {KEYWORD_RULES_PER_SERVER} keyword rules"
                    )
                rule_id = await automod.create(guild_id, spec)
                # Another process may have created one at the same moment: both keep the older one.
                again = self._window.own_rules(await automod.rules(guild_id), automod.bot_id)
                for extra in again[1:]:
                    await automod.delete(guild_id, extra.id)
                rule_id = again[0].id if again else rule_id
                done = "created"
        except AutoModLater as later:
            return Postponed(str(later))
        except AutoModRefused as refused:
            if spec is None and state.rule_id is None and not state.on:
                return Skipped(f"the spoiler window is off, and the rules could not be read: {refused.detail}")
            episode = wanted.episode if wanted is not None else (state.episode or 0)
            new = await self._window.record(
                guild_id, now, rule_id=state.rule_id, episode=state.episode, problem=refused.problem,
                detail=refused.detail[:500],
            )  # fmt: skip
            if new is not None:
                await self._report(guild_id, refused.problem, episode, refused.detail)
            problem = Refusal.MISSING_PERMISSIONS if refused.problem is AutoModProblem.NO_PERMISSION else Refusal.OTHER
            return Failed(problem, f"{refused.problem}: {refused.detail}", None, WHAT)
        await self._window.record(guild_id, now, rule_id=rule_id, episode=wanted.episode)
        return Sent(None, detail=f"rule {rule_id} {done} for episode {wanted.episode}")

    async def _spec(self, guild_id: int, wanted: OpenWindow) -> RuleSpec | None:
        if not wanted.words:
            return None  # nothing to block (an episode without words): no rule
        threads: list[int] = []
        config = await self._guilds.get(guild_id)
        if config.discussion_channel_id is not None:
            link = await self._threads.open(guild_id, wanted.episode)  # the airing post links the same thread
            if link.thread_id is not None:
                threads.append(link.thread_id)
            for episode in wanted.episodes[:-1]:
                record = await self._discussion.thread(guild_id, episode)
                if record is not None:
                    threads.append(record.thread_id)
        # Discord applies a channel's exemption to the threads in it; the episode's thread is named as well.
        exempt = tuple(dict.fromkeys((*threads, *wanted.exempt)))[:MAX_EXEMPT_CHANNELS]
        tr = await self._language.server(guild_id)
        return RuleSpec(wanted.words, exempt, block_message(tr, wanted.episode, thread=bool(threads)))

    async def _report(self, guild_id: int, problem: AutoModProblem, episode: int, detail: str) -> None:
        config = await self._guilds.get(guild_id)
        tr = await self._language.server(guild_id)
        text = staff_report(tr, problem, episode, detail)
        if config.staff_channel_id is None:
            log.warning("guild %s: %s (no staff channel set)", guild_id, text)
            return
        result = await self._sender.send(
            Outgoing(
                text,
                guild_id,
                channel_id=config.staff_channel_id,
                label=f"spoiler window report for guild {guild_id}",
            )
        )
        if not isinstance(result, Delivered):
            log.warning("guild %s: could not report a spoiler window problem to staff: %s", guild_id, text)
