"""Episode pulse: at airtime, a native poll "How was episode N?" (1 to 5 stars, open 24 hours) in the
episode's discussion thread, opened (or created) through the thread opener like the airing post's."""

from __future__ import annotations

from bot.locale import Texts, msg
from bot.permissions import LABELS
from bot.reminders.model import Attempt, Delivered, Outcome, Outgoing, PollSpec, Sent, Skipped, outcome_of
from bot.reminders.sender import PacedSender
from bot.services.discussion import ThreadOpener
from bot.services.guild_config import GuildConfigService
from bot.services.language import LanguageService
from bot.services.pulse import POLL_HOURS, STARS, PulseService
from bot.services.rewatch import RewatchService
from bot.store import ReminderRow

#: What the staff report says could not be posted.
WHAT = msg("an episode poll (polls also need the {permission} permission)", permission=LABELS["send_polls"])


def poll_spec(tr: Texts, episode: int) -> PollSpec:
    """The poll names the episode number only: nothing in it spoils the episode."""
    answers = tuple(tr.plural("{n} star", "{n} stars", n, n=n) for n in range(1, STARS + 1))
    return PollSpec(tr("How was episode {n}?", n=episode), answers, POLL_HOURS, emoji="\N{WHITE MEDIUM STAR}")


def poll_intro(tr: Texts, episode: int) -> str:
    return "\N{BAR CHART} " + tr(
        "Rate episode {n}! The poll is open for {hours} hours; `/pulse` shows how the server rated each episode "
        "once it closes.",
        n=episode,
        hours=POLL_HOURS,
    )


class PulseReminders:
    def __init__(
        self,
        guilds: GuildConfigService,
        rewatch: RewatchService,
        threads: ThreadOpener,
        pulse: PulseService,
        sender: PacedSender,
        language: LanguageService,
    ) -> None:
        self._language = language
        self._guilds = guilds
        self._rewatch = rewatch
        self._threads = threads
        self._pulse = pulse
        self._sender = sender

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome:
        slot = await self._rewatch.slot(reminder.ref_id)
        if slot is None:
            return Skipped("the episode left the schedule")
        if not (await self._guilds.get(reminder.guild_id)).pulse_on:
            return Skipped("episode polls were turned off")
        link = await self._threads.open(reminder.guild_id, slot.episode)
        if link.thread_id is None:
            why = link.why.reason if link.why is not None else "no discussion thread"
            return Skipped(f"no discussion thread for the poll: {why}")
        tr = await self._language.server(reminder.guild_id)
        result = await self._sender.send(
            Outgoing(
                poll_intro(tr, slot.episode),
                reminder.guild_id,
                channel_id=link.thread_id,
                nonce=attempt.nonce,
                deadline=attempt.deadline,
                label=f"episode poll {reminder.id}",
                poll=poll_spec(tr, slot.episode),
            )
        )
        failed = outcome_of(result, link.thread_id, WHAT)
        if failed is not None:
            return failed
        assert isinstance(result, Delivered)
        await self._pulse.record(reminder.guild_id, slot.episode, link.thread_id, result.message_id, attempt.now)
        return Sent(result.message_id, link.thread_id)
