"""Watch-party reminders: a post in the party's channel pinging exactly the members going, and DM copies
for those who asked."""

from __future__ import annotations

from bot.clock import instant
from bot.locale import Texts, msg
from bot.reminders.model import (
    Attempt,
    Delivered,
    DmResults,
    Outcome,
    Outgoing,
    Sent,
    Skipped,
    chunks,
    nonce_for,
    outcome_of,
    timestamp,
)
from bot.reminders.sender import PacedSender
from bot.services.language import LanguageService
from bot.services.members import MemberService
from bot.services.personal import PersonalReminderService
from bot.services.watch_parties import PartyStatus, PartyView, WatchPartyService
from bot.store import ReminderRow

from .dms import dm_copies, texts_for_members

MENTIONS_PER_MESSAGE = 80  # keeps a reminder under Discord's 2,000 characters and 100 allowed mentions
WHAT = msg("a watch-party reminder")  # what the staff report says could not be posted


def reminder_text(tr: Texts, party: PartyView, offset_seconds: int, *, late: bool) -> str:
    """The reminder post, in the server's language. It names episode numbers only: nothing in it spoils them."""
    start = instant(party.starts_at)
    episodes = tr.episodes(party.first_episode, party.last_episode)
    if offset_seconds == 0:
        return "\N{CLAPPER BOARD} " + tr(
            "**Watch party #{party}** ({episodes}) is starting now!", party=party.id, episodes=episodes
        )
    text = "\N{ALARM CLOCK} " + tr(
        "**Watch party #{party}** ({episodes}) starts {relative} ({when}).",
        party=party.id,
        episodes=episodes,
        relative=timestamp(start, "R"),
        when=timestamp(start, "F"),
    )
    if late:
        text += " " + tr("*(Sent late: the bot was offline or Discord was slow at the planned time.)*")
    return text


class PartyReminders:
    def __init__(
        self,
        parties: WatchPartyService,
        members: MemberService,
        sender: PacedSender,
        language: LanguageService,
        personal: PersonalReminderService,
    ) -> None:
        self._parties = parties
        self._members = members
        self._sender = sender
        self._language = language
        self._personal = personal  # members with their own times get their own DMs, not copies

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome:
        party = await self._parties.get_row(reminder.ref_id)
        if party is None or party.status != PartyStatus.SCHEDULED:
            return Skipped("the party was cancelled")
        going = await self._parties.going(party.id)
        tr = await self._language.server(party.guild_id)
        text = reminder_text(tr, party, reminder.offset_seconds, late=attempt.late)
        first_id: int | None = None
        for index, chunk in enumerate(chunks(going, MENTIONS_PER_MESSAGE)):
            mentions = " ".join(f"<@{u}>" for u in chunk)
            result = await self._sender.send(
                Outgoing(
                    f"{text}\n{mentions}".strip() if index == 0 else mentions,
                    party.guild_id,
                    channel_id=party.channel_id,
                    nonce=nonce_for(reminder.id, index),
                    mention_users=tuple(chunk),
                    deadline=attempt.deadline,
                    label=f"reminder {reminder.id}" + (f" part {index + 1}" if index else ""),
                )
            )
            failed = outcome_of(result, party.channel_id, WHAT)
            if failed is not None:
                if first_id is None:
                    return failed
                break  # the reminder itself went out; a later part of the ping list did not
            assert isinstance(result, Delivered)
            first_id = first_id or result.message_id
        dms = await self._dm_copies(tr, reminder, party, going, text, attempt)
        return Sent(first_id, party.channel_id, dms.summary(), tuple(dms.refused), tuple(dms.delivered))

    async def _dm_copies(
        self, tr: Texts, reminder: ReminderRow, party: PartyView, going: list[int], text: str, attempt: Attempt
    ) -> DmResults:
        wanting = await self._members.with_party_dm(going)
        if wanting:
            own = await self._personal.with_own_party_times(wanting)
            wanting = [u for u in wanting if u not in own]

        def copy(reader: Texts) -> str:
            own = text if reader is tr else reminder_text(reader, party, reminder.offset_seconds, late=attempt.late)
            return f"{own}\n" + reader.tr(
                "(From the server's watch-party channel <#{channel}>.)", channel=party.channel_id
            )

        texts = await texts_for_members(self._language, wanting, party.guild_id, copy)
        return await dm_copies(
            self._sender, reminder_id=reminder.id, guild_id=party.guild_id, members=wanting, texts=texts,
            deadline=attempt.deadline, label=f"reminder {reminder.id}",
        )  # fmt: skip
