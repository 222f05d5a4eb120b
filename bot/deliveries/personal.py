"""Members' own reminders: one DM per member and time, before a watch party they are going to or before an
episode of a server whose airing DMs they asked for. Each is its own queue row (``party-dm``, ``airing-dm``),
so it is claimed, paced and marked once, and the member's current choice is checked again before sending."""

from __future__ import annotations

from bot.catalog import Catalog
from bot.clock import instant
from bot.reminders.model import Attempt, Delivered, Outcome, Outgoing, Refusal, Refused, Sent, Skipped, outcome_of
from bot.reminders.sender import PacedSender
from bot.services.guild_config import GuildConfigService
from bot.services.language import LanguageService
from bot.services.personal import PersonalReminderService
from bot.services.rewatch import RewatchService
from bot.services.watch_parties import PartyStatus, WatchPartyService
from bot.store import ReminderRow

from .airing import airing_text
from .party import reminder_text

__all__ = ["PersonalAiringReminders", "PersonalPartyReminders"]


async def _dm(
    sender: PacedSender, personal: PersonalReminderService, reminder: ReminderRow, attempt: Attempt, user_id: int,
    text: str, what: str,
) -> Outcome:  # fmt: skip
    result = await sender.send(
        Outgoing(
            text,
            reminder.guild_id,
            user_id=user_id,
            nonce=attempt.nonce,
            deadline=attempt.deadline,
            label=f"personal reminder {reminder.id}",
        )
    )
    if isinstance(result, Delivered):
        return Sent(result.message_id, dms_delivered=(user_id,))
    if isinstance(result, Refused) and result.problem == Refusal.DMS_CLOSED:
        await personal.note_dm_refused(user_id, attempt.now)  # the member is told the next time they ask for DMs
    failed = outcome_of(result, None, what)
    assert failed is not None
    return failed


class PersonalPartyReminders:
    def __init__(
        self,
        personal: PersonalReminderService,
        parties: WatchPartyService,
        sender: PacedSender,
        language: LanguageService,
    ) -> None:
        self._personal = personal
        self._parties = parties
        self._sender = sender
        self._language = language

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome:
        row = await self._personal.row(reminder.ref_id)
        if row is None:
            return Skipped("the member's reminder was deleted")
        party = await self._parties.get_row(row.target_id)
        if party is None or party.status != PartyStatus.SCHEDULED:
            return Skipped("the party was cancelled")
        times = await self._personal.party_times(row.user_id)
        if not times.on or times.offsets is None or reminder.offset_seconds not in times.offsets:
            return Skipped("the member changed their reminder times")
        if row.user_id not in await self._parties.going(party.id):
            return Skipped("the member is no longer going")
        tr = await self._language.for_member(row.user_id, party.guild_id)  # their last interaction's language
        text = f"{reminder_text(tr, party, reminder.offset_seconds, late=attempt.late)}\n" + tr(
            "(Your own reminder, for the party in <#{channel}>. `/watchparty remind-me` changes it.)",
            channel=party.channel_id,
        )
        return await _dm(self._sender, self._personal, reminder, attempt, row.user_id, text, "a personal DM")


class PersonalAiringReminders:
    def __init__(
        self,
        catalog: Catalog,
        personal: PersonalReminderService,
        guilds: GuildConfigService,
        rewatch: RewatchService,
        sender: PacedSender,
        language: LanguageService,
    ) -> None:
        self._catalog = catalog
        self._personal = personal
        self._guilds = guilds
        self._rewatch = rewatch
        self._sender = sender
        self._language = language

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome:
        row = await self._personal.row(reminder.ref_id)
        if row is None:
            return Skipped("the member's reminder was deleted")
        slot = await self._rewatch.slot(row.target_id)
        config = await self._guilds.get(row.guild_id)
        if slot is None or config.airing_channel_id is None:
            return Skipped("the episode left the schedule or airing posts were turned off")
        times = await self._personal.airing_times(row.guild_id, row.user_id)
        if not times.on or times.offsets is None or reminder.offset_seconds not in times.offsets:
            return Skipped("the member changed their reminder times")
        rewatch, _ = await self._rewatch.current(row.guild_id)
        tr = await self._language.for_member(row.user_id, row.guild_id)  # their last interaction's language
        text = airing_text(tr, self._catalog, slot.episode, instant(slot.airs_at), reminder.offset_seconds,
                           rewatch=rewatch is not None, thread="")  # fmt: skip
        text += "\n" + tr(
            "(Your own reminder from the airing posts in <#{channel}>. `/airing remind-me` there changes it.)",
            channel=config.airing_channel_id,
        )
        return await _dm(self._sender, self._personal, reminder, attempt, row.user_id, text, "a personal DM")
