"""Watch-party cards and their RSVP buttons, shared by /watchparty and /progress forget.

Posts the bot makes about a party on its own (promotions, moves, cancellations) go through the paced sender.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref

import discord

from bot.app import Services
from bot.errors import UserError
from bot.locale import msg
from bot.reminders import Delivered, Outgoing
from bot.services.watch_parties import ANSWERS, NoSuchParty, Party, PartyStatus, PartyView, Rsvp

from .common import BRAND, Interaction, OutOfDate, SafeButton, Texts, member_texts, services_of, ts, view_of

log = logging.getLogger(__name__)

MENTIONS_PER_MESSAGE = 80  # keeps a post under Discord's 2,000 characters and 100 allowed mentions
RSVP_LABELS = {Rsvp.GOING: msg("Going"), Rsvp.MAYBE: msg("Maybe"), Rsvp.DECLINED: msg("Can't go")}
RSVP_STYLES = {
    Rsvp.GOING: discord.ButtonStyle.success,
    Rsvp.MAYBE: discord.ButtonStyle.secondary,
    Rsvp.DECLINED: discord.ButtonStyle.danger,
}


def host_text(tr: Texts, row: PartyView) -> str:
    return tr("a former member") if row.host_left else f"<@{row.host_id}>"


def party_episodes(tr: Texts, party: Party | PartyView) -> str:
    row = party.view if isinstance(party, Party) else party
    return tr.episodes(row.first_episode, row.last_episode)


def party_embed(tr: Texts, party: Party) -> discord.Embed:
    """The party's card: posted in the channel, so in the server's language."""
    row = party.view
    cancelled = row.status == PartyStatus.CANCELLED
    title = tr("Watch party #{party}: {episodes}", party=row.id, episodes=party_episodes(tr, party))
    embed = discord.Embed(
        title=tr("~~{title}~~ (cancelled)", title=title) if cancelled else title,
        colour=discord.Colour.dark_grey() if cancelled else BRAND,
        description=row.note or None,
    )
    embed.add_field(name=tr("When"), value=f"{ts(party.starts, 'F')} ({ts(party.starts, 'R')})", inline=False)
    embed.add_field(name=tr("Host"), value=host_text(tr, row))
    going = f"{party.counts[Rsvp.GOING]}" + (f" / {row.capacity}" if row.capacity else "")
    embed.add_field(name=tr.render(RSVP_LABELS[Rsvp.GOING]), value=going)
    embed.add_field(name=tr.render(RSVP_LABELS[Rsvp.MAYBE]), value=str(party.counts[Rsvp.MAYBE]))
    if party.counts[Rsvp.WAITLIST]:
        embed.add_field(name=tr("Wait list"), value=str(party.counts[Rsvp.WAITLIST]))
    ends = party.ends.strftime("%H:%M")
    embed.set_footer(text=tr("Ends about {time} UTC · times show in your own zone · #{party}", time=ends, party=row.id))
    return embed


def rsvp_view(tr: Texts, party: Party) -> discord.ui.View:
    if party.view.status != PartyStatus.SCHEDULED:
        return discord.ui.View(timeout=None)
    return view_of(*(RsvpButton(party.id, status, tr) for status in ANSWERS))


async def server_texts(services: Services, guild_id: int) -> Texts:
    """The language of the server's public posts (its cards, announcements and reminders)."""
    return await services.language.server(guild_id)


class RsvpButton(SafeButton, template=rf"runon:party:(?P<id>\d+):(?P<status>{'|'.join(ANSWERS)})"):
    def __init__(self, party_id: int, status: Rsvp, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=tr.render(RSVP_LABELS[status]) if tr else status,
                style=RSVP_STYLES[status],
                custom_id=f"runon:party:{party_id}:{status}",
            )
        )
        self.party_id = party_id
        self.status = status

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RsvpButton:
        return cls(int(match["id"]), Rsvp(match["status"]))

    async def handle(self, interaction: Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("RSVPs work inside the server.")
        services = services_of(interaction)
        card = await texts_of_card(interaction, services)
        # Clicks on one party are answered one at a time, from the recorded answer to the card edit: the card Discord
        # keeps is the one of the last answer recorded, never an older snapshot edited later.
        async with _card_lock(self.party_id):
            try:
                result = await services.parties.rsvp(
                    self.party_id, interaction.guild_id, interaction.user.id, self.status, services.clock()
                )
            except NoSuchParty:
                raise OutOfDate() from None  # a party that was deleted, or an id that never was one
            party, change = result.party, result.change
            if buttons_read_right(interaction.message, card):  # they never change while the party is open
                await interaction.response.edit_message(embed=party_embed(card, party))
            else:  # a card in another language (the server's changed since): its buttons follow
                await interaction.response.edit_message(embed=party_embed(card, party), view=rsvp_view(card, party))
        tr = member_texts(interaction)
        if change.status == Rsvp.WAITLIST:
            text = tr(
                "Watch party #{party} is full: you're #{place} on the wait list. You'll be told if a place opens.",
                party=party.id,
                place=result.waitlist_place,
            )
        elif change.status == Rsvp.GOING:
            text = tr(
                "You're going to watch party #{party}, {when}. Reminders will ping you.",
                party=party.id,
                when=ts(party.starts, "F"),
            )
        elif change.status == Rsvp.MAYBE:
            text = tr("Marked as maybe for watch party #{party}.", party=party.id)
        else:
            text = tr("Marked as can't go for watch party #{party}.", party=party.id)
        await interaction.followup.send(text, ephemeral=True)
        if interaction.message is not None and interaction.message.id != party.view.announcement_message_id:
            await refresh_announcement(interaction.client, services, party)
        await announce_promotions(services, party.view, change.promoted)


def buttons_read_right(message: discord.Message | None, tr: Texts) -> bool:
    """Whether the clicked card's RSVP buttons are the ones :func:`rsvp_view` draws in ``tr`` (same ids and labels,
    so an edit of its embed alone keeps them as they should be)."""
    if message is None or len(message.components) != 1:
        return False
    row = message.components[0]
    buttons = getattr(row, "children", ())
    if len(buttons) != len(ANSWERS):
        return False
    return all(
        isinstance(button, discord.Button)
        and button.label == tr.render(RSVP_LABELS[status])
        and (button.custom_id or "").endswith(f":{status}")
        for button, status in zip(buttons, ANSWERS, strict=True)
    )


_CARD_LOCKS: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def _card_lock(party_id: int) -> asyncio.Lock:
    """The lock of one party's card in this process (dropped when no click holds it)."""
    lock = _CARD_LOCKS.get(party_id)
    if lock is None:
        lock = _CARD_LOCKS[party_id] = asyncio.Lock()
    return lock


async def texts_of_card(interaction: Interaction, services: Services) -> Texts:
    """The card's language: the server's when the card is a public post; the member's when it is their private copy
    (``/watchparty info``)."""
    message = interaction.message
    if interaction.guild_id is None or (message is not None and message.flags.ephemeral):
        return member_texts(interaction)
    return await services.language.server(interaction.guild_id, interaction.guild_locale)


async def refresh_announcement(client: discord.Client, services: Services, party: Party) -> None:
    """Bring the posted announcement card up to date (best effort: it may have been deleted)."""
    if party.view.announcement_message_id is None:
        return
    tr = await server_texts(services, party.view.guild_id)
    channel = client.get_partial_messageable(party.view.channel_id, guild_id=party.view.guild_id)
    try:
        await channel.get_partial_message(party.view.announcement_message_id).edit(
            embed=party_embed(tr, party), view=rsvp_view(tr, party)
        )
    except discord.HTTPException:
        log.info("could not refresh the announcement of party %s", party.id, exc_info=True)


async def announce_promotions(services: Services, party: PartyView, promoted: tuple[int, ...]) -> bool:
    """Tell members moved from the wait list that they are going (pinging exactly them), in the server's language."""
    if not promoted:
        return True
    tr = await server_texts(services, party.guild_id)
    text = tr("a place opened up at watch party #{party}: you're going now!", party=party.id)
    return await tell_members(services, party, list(promoted), text, mentions_first=True)


async def tell_members(
    services: Services, party: PartyView, members: list[int], text: str, *, mentions_first: bool = False
) -> bool:
    """One post in the party's channel pinging ``members`` (split when there are many). False if it failed."""
    delivered = True
    for index in range(0, max(len(members), 1), MENTIONS_PER_MESSAGE):
        chunk = members[index : index + MENTIONS_PER_MESSAGE]
        mentions = " ".join(f"<@{u}>" for u in chunk)
        first_line = f"{mentions} {text}" if mentions_first else f"{text}\n{mentions}"
        content = first_line if index == 0 else mentions
        result = await services.sender.send(
            Outgoing(
                content.strip(),
                party.guild_id,
                channel_id=party.channel_id,
                mention_users=tuple(chunk),
                label=f"party {party.id} announcement",
            )
        )
        delivered = delivered and isinstance(result, Delivered)
    if not delivered:
        log.info("could not tell the members of party %s: %s", party.id, text)
    return delivered


async def refresh_after_changes(
    client: discord.Client, services: Services, changed: tuple[tuple[PartyView, tuple[int, ...]], ...]
) -> None:
    """After RSVPs changed outside a button (a member deleted their data): cards and promotions follow."""
    for row, promoted in changed:
        party = await services.parties.current(row.id)
        if party is not None:
            await refresh_announcement(client, services, party)
            await announce_promotions(services, party.view, promoted)


async def forget_notes(
    client: discord.Client, services: Services, hosted: tuple[PartyView, ...], *, refreshed: frozenset[int]
) -> None:
    """After a host deleted their data: their parties' cards (unless in ``refreshed`` already) and Discord events
    lose the note they wrote (the event's description goes back to the bot's own words)."""
    for row in hosted:
        party = await services.parties.current(row.id)
        if party is None:
            continue
        if row.id not in refreshed:
            await refresh_announcement(client, services, party)
        guild = client.get_guild(row.guild_id)
        if row.event_id is None or guild is None:
            continue
        tr = await server_texts(services, row.guild_id)
        try:
            event = await guild.fetch_scheduled_event(row.event_id)
            await event.edit(description=tr("Watching Run On together."))
        except discord.HTTPException:
            log.info("could not clear the description of the event of party %s", row.id, exc_info=True)
