"""Airing reminders: "episode N airs in …" before each episode and "… is on now" at airtime (with the link to
the episode's discussion thread), pinging the server's role, and DM copies for subscribers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot.catalog import Catalog
from bot.clock import instant
from bot.locale import Texts, msg
from bot.reminders.model import Attempt, Delivered, DmResults, Outcome, Outgoing, Sent, Skipped, outcome_of, timestamp
from bot.reminders.sender import PacedSender
from bot.services.discussion import ThreadLink, ThreadOpener, ThreadProblem
from bot.services.guild_config import GuildConfigService
from bot.services.language import LanguageService
from bot.services.personal import PersonalReminderService
from bot.services.rewatch import RewatchService
from bot.store import ReminderRow

from .dms import dm_copies, texts_for_members

log = logging.getLogger(__name__)
WHAT = msg("an airing reminder")  # what the staff report says could not be posted


def airing_text(
    tr: Texts, catalog: Catalog, episode: int, airs_at: dt.datetime, offset: int, *, rewatch: bool, thread: str
) -> str:
    """The airing post, in the server's language. It names the episode number only: nothing in it spoils episode N."""
    show = catalog.show
    if offset == 0:
        if rewatch:
            text = tr("**Rewatch: episode {n} is on now** on {service}!", n=episode, service=tr.pack(show.streaming))
        else:
            text = tr(
                "**Episode {n} is on now** on {network}, and on {service} the same day!",
                n=episode,
                network=show.network,
                service=tr.pack(show.streaming),
            )
        return f"\N{TELEVISION} {text} {thread}".strip()
    relative, when = timestamp(airs_at, "R"), timestamp(airs_at, "F")
    if rewatch:
        text = tr(
            "**Rewatch: episode {n}** airs {relative} ({when}), on {service}.",
            n=episode,
            relative=relative,
            when=when,
            service=tr.pack(show.streaming),
        )
    else:
        text = tr(
            "**Episode {n}** airs {relative} ({when}), on {network}, and on {service} the same day.",
            n=episode,
            relative=relative,
            when=when,
            network=show.network,
            service=tr.pack(show.streaming),
        )
    return f"\N{ALARM CLOCK} {text}"


class AiringReminders:
    def __init__(
        self,
        catalog: Catalog,
        guilds: GuildConfigService,
        rewatch: RewatchService,
        threads: ThreadOpener,
        sender: PacedSender,
        language: LanguageService,
        personal: PersonalReminderService,
    ) -> None:
        self._catalog = catalog
        self._guilds = guilds
        self._rewatch = rewatch
        self._threads = threads
        self._sender = sender
        self._language = language
        self._personal = personal  # subscribers with their own times get their own DMs, not copies

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome:
        slot = await self._rewatch.slot(reminder.ref_id)
        config = await self._guilds.get(reminder.guild_id)
        if slot is None or config.airing_channel_id is None:
            return Skipped("the episode left the schedule or airing posts were turned off")
        rewatch, _ = await self._rewatch.current(reminder.guild_id)
        tr = await self._language.server(reminder.guild_id)
        link = None
        if reminder.offset_seconds == 0:
            link = await self._threads.open(reminder.guild_id, slot.episode)
            if link.thread_id is None and link.why is not None and link.why.problem is not ThreadProblem.NO_CHANNEL:
                log.info("guild %s: no thread for episode %s: %s", reminder.guild_id, slot.episode, link.why.reason)

        def render(reader: Texts) -> str:
            thread = self._thread_sentence(reader, slot.episode, link)
            return airing_text(reader, self._catalog, slot.episode, instant(slot.airs_at), reminder.offset_seconds,
                               rewatch=rewatch is not None, thread=thread)  # fmt: skip

        text = render(tr)
        role = config.airing_role_id
        result = await self._sender.send(
            Outgoing(
                f"<@&{role}> {text}" if role else text,
                reminder.guild_id,
                channel_id=config.airing_channel_id,
                nonce=attempt.nonce,
                mention_roles=(role,) if role else (),
                deadline=attempt.deadline,
                label=f"airing reminder {reminder.id}",
            )
        )
        failed = outcome_of(result, config.airing_channel_id, WHAT)
        if failed is not None:
            return failed
        assert isinstance(result, Delivered)
        dms = await self._dm_copies(reminder, tr, text, render, attempt)
        return Sent(
            result.message_id, config.airing_channel_id, dms.summary(), tuple(dms.refused), tuple(dms.delivered)
        )

    def _thread_sentence(self, tr: Texts, episode: int, link: ThreadLink | None) -> str:
        if link is None:
            return ""
        if link.thread_id is not None:
            return tr(
                "Talk about it in <#{thread}> (spoilers for episode {n} there).", thread=link.thread_id, n=episode
            )
        if link.why is None or link.why.problem is ThreadProblem.NO_CHANNEL:
            return ""  # no discussion channel: /discuss could not help either
        return tr("(No discussion thread: {reason})", reason=link.why.reason)

    async def _dm_copies(
        self, reminder: ReminderRow, tr: Texts, text: str, render: Callable[[Texts], str], attempt: Attempt
    ) -> DmResults:
        subscribers = await self._rewatch.subscribers(reminder.guild_id)
        if subscribers:
            own = await self._personal.with_own_airing_times(reminder.guild_id)
            subscribers = [u for u in subscribers if u not in own]
        texts = await texts_for_members(
            self._language, subscribers, reminder.guild_id, lambda reader: text if reader is tr else render(reader)
        )
        return await dm_copies(
            self._sender, reminder_id=reminder.id, guild_id=reminder.guild_id, members=subscribers, texts=texts,
            deadline=attempt.deadline, label=f"airing reminder {reminder.id}",
        )  # fmt: skip
