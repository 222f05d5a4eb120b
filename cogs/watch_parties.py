"""/watchparty: schedules with RSVPs, Discord scheduled events, and reminders delivered by the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot
from bot.errors import UserError
from bot.permissions import FEATURE_PERMISSIONS, label
from bot.services.personal import MAX_PERSONAL_REMINDERS
from bot.services.watch_parties import MAX_CAPACITY, NOTE_LIMIT, Party, Rsvp, Visible, may_manage
from bot.transport import DISCORD_FAILURES

from .common import (
    BRAND,
    Interaction,
    SafeButton,
    Texts,
    can_see,
    clip,
    dm_refusal_notice,
    may_send_in,
    member_texts,
    missing,
    permissions_in,
    server_permissions,
    services_of,
    ts,
    view_of,
    zone_choices,
)
from .party_cards import (
    RsvpButton,
    announce_promotions,
    host_text,
    party_embed,
    party_episodes,
    refresh_announcement,
    rsvp_view,
    server_texts,
    tell_members,
)
from .timeinput import WhenOption, unreadable_times_notice

log = logging.getLogger(__name__)

PAGE_SIZE = 5
#: Seconds /watchparty create waits for the party to be saved before it answers at all: the card is then its answer;
#: past them (a database slow under load) it answers privately first, within Discord's 3 seconds, and posts the card
#: in the channel when it is ready.
DEFER_IF_SLOW = 1.5
#: Discord's code for an interaction it no longer takes an answer to (3 seconds past, or answered already).
UNKNOWN_INTERACTION = 10062
#: /watchparty remind-me re-plans the member's DMs for every party they go to: a few changes a minute.
REMIND_ME_RATE, REMIND_ME_PER = 3, 60.0
#: /watchparty edit: a host's changes that ping members (a new time pings everyone going, a larger capacity the
#: promoted), a few in ten minutes; a refused edit, or one that pings nobody (a note), does not count.
EDIT_RATE, EDIT_PER = 3, 600.0
WHEN_EXAMPLES = "e.g. friday 8pm, tomorrow 21:00, 2026-12-02 20:30, in 2 hours"


class ListPage(SafeButton, template=r"runon:parties:page:(?P<page>\d{1,6})(?::(?P<tag>[a-z]+))?"):
    def __init__(self, page: int, label: str, *, disabled: bool = False, tag: str = "") -> None:
        custom_id = f"runon:parties:page:{page}" + (f":{tag}" if tag else "")
        super().__init__(discord.ui.Button(label=label, custom_id=custom_id, disabled=disabled))
        self.page = page

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ListPage:
        return cls(int(match["page"]), "")

    async def handle(self, interaction: Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("Watch parties belong to a server.")
        tr = member_texts(interaction)
        embed, view = await list_page(
            tr, services_of(interaction), interaction.guild_id, self.page, can_see(interaction)
        )
        await interaction.response.edit_message(embed=embed, view=view)


async def list_page(
    tr: Texts, services: Services, guild_id: int, page: int, visible: Visible
) -> tuple[discord.Embed, discord.ui.View]:
    """One page of the upcoming parties the member can see (a party announced in a private channel shows only to
    those who can read that channel)."""
    now = services.clock()
    offset = max(page, 0) * PAGE_SIZE
    total, parties = await services.parties.upcoming(guild_id, now, limit=PAGE_SIZE, offset=offset, visible=visible)
    pages = max(1, -(-total // PAGE_SIZE))
    if page >= pages:  # the page emptied since the button was drawn: show the last one
        page = pages - 1
        total, parties = await services.parties.upcoming(
            guild_id, now, limit=PAGE_SIZE, offset=page * PAGE_SIZE, visible=visible
        )
    page = max(page, 0)
    embed = discord.Embed(title=tr("Upcoming watch parties"), colour=BRAND)
    if not parties:
        embed.description = tr("None planned. Start one with `/watchparty create`.")
    for party in parties:
        going = f"{party.counts[Rsvp.GOING]}" + (f"/{party.view.capacity}" if party.view.capacity else "")
        embed.add_field(
            name=f"#{party.id} · {party_episodes(tr, party)}",
            value=f"{ts(party.starts, 'F')} ({ts(party.starts, 'R')})\n"
            + tr("Host {host} · {going} going", host=host_text(tr, party.view), going=going),
            inline=False,
        )
    embed.set_footer(text=tr("Page {page}/{pages} · {total} upcoming", page=page + 1, pages=pages, total=total))
    view = view_of(
        ListPage(max(page - 1, 0), tr("\N{LEFTWARDS ARROW} Previous"), disabled=page == 0, tag="prev"),
        ListPage(page + 1, tr("Next \N{RIGHTWARDS ARROW}"), disabled=page >= pages - 1, tag="next"),
    )
    return embed, view


def is_party_staff(interaction: Interaction) -> bool:
    """Staff for watch parties: Manage Server or Manage Events on their roles (server-wide)."""
    server = server_permissions(interaction)
    return server.manage_guild or server.manage_events


# Watch parties belong to a server: Discord never offers /watchparty in DMs. (Contexts apply to top-level
# commands only, so the marker sits on the group.)
@app_commands.guild_only()
class WatchParties(commands.GroupCog, group_name="watchparty", group_description="Watch Run On together"):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self._edit_rates: dict[int, app_commands.Cooldown] = {}  # per host: edits that pinged members
        super().__init__()

    def _edit_rate(self, interaction: Interaction) -> app_commands.Cooldown | None:
        """The host's bucket of pinging edits (staff have none): a host may not loop /watchparty edit to ping the
        attendees over and over."""
        if is_party_staff(interaction):
            return None
        if len(self._edit_rates) > 10_000:  # drop the buckets that are full again
            self._edit_rates = {k: b for k, b in self._edit_rates.items() if b.get_tokens() < b.rate}
        return self._edit_rates.setdefault(interaction.user.id, app_commands.Cooldown(EDIT_RATE, EDIT_PER))

    # -- channels that go away ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_thread_update(self, payload: discord.RawThreadUpdateEvent) -> None:
        """An archived thread leaves discord.py's cache: remember its channel, whose viewers still see its parties."""
        if payload.data.get("thread_metadata", {}).get("archived") and payload.parent_id:
            self.services.parties.note_thread_parent(payload.thread_id, payload.parent_id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        gone = {channel.id} | self.services.parties.threads_of(channel.id)  # its archived threads went with it
        await self._channels_gone(channel.guild, gone)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None:
            await self._channels_gone(guild, {payload.thread_id})

    async def _channels_gone(self, guild: discord.Guild, channel_ids: set[int]) -> None:
        """A deleted channel's upcoming parties are cancelled for everyone (their card, buttons and reminders went
        with it), with their Discord events; nothing is left that only staff could see and clear."""
        try:
            cancelled = await self.services.parties.cancel_in_channels(guild.id, channel_ids, self.services.clock())
            if not cancelled:
                return
            server = await server_texts(self.services, guild.id)
            for party in cancelled:
                await self._sync_event(server, guild, party, cancel=True)
            log.info("cancelled %d watch party(ies) whose channel was deleted", len(cancelled))
        except Exception:
            log.exception("could not cancel the watch parties of deleted channels %s", sorted(channel_ids))

    # -- helpers ----------------------------------------------------------------------------------

    async def _tell_attendees(self, party: Party, text: str) -> bool:
        """One post to the members who are going, in the announcement channel."""
        return await tell_members(self.services, party.view, await self.services.parties.going(party.id), text)

    @staticmethod
    def _event_name(tr: Texts, party: Party) -> str:
        return clip(
            tr("Run On watch party #{party}: {episodes}", party=party.id, episodes=party_episodes(tr, party)), 100
        )

    async def _event(
        self, tr: Texts, server: Texts, guild: discord.Guild, party: Party, where: discord.abc.GuildChannel | None
    ) -> tuple[int | None, str]:
        """Create the Discord scheduled event (named in the server's language, ``server``); returns its id and a
        sentence for the host (in theirs, ``tr``).

        Since 23 February 2026 Discord wants Create Events for this (Manage Events alone no longer grants
        it); a voice-channel event also needs View Channel and Connect in that channel."""
        if isinstance(where, discord.VoiceChannel):
            lacking = missing(tr, where.permissions_for(guild.me), FEATURE_PERMISSIONS["voice-channel events"])
            if lacking:
                return None, tr(
                    "I skipped the Discord event: I need {permissions} in {channel} to host it there.",
                    permissions=", ".join(lacking),
                    channel=where.mention,
                )
        elif not guild.me.guild_permissions.create_events:
            return None, tr(
                "I skipped the Discord event: I need the {permission} permission (Server Settings > Roles > my role). "
                "Since February 2026, {old} alone is not enough.",
                permission=label(tr, "create_events"),
                old=label(tr, "manage_events"),
            )
        name = self._event_name(server, party)
        description = clip(party.view.note or server.tr("Watching Run On together."), 1000)
        try:
            if isinstance(where, discord.VoiceChannel):
                event = await guild.create_scheduled_event(
                    name=name,
                    start_time=party.starts,
                    end_time=party.ends,
                    channel=where,
                    description=description,
                    privacy_level=discord.PrivacyLevel.guild_only,
                )
            else:
                announced = guild.get_channel(party.view.channel_id)
                location = f"#{announced.name}" if announced else server.tr("this server")
                event = await guild.create_scheduled_event(
                    name=name,
                    start_time=party.starts,
                    end_time=party.ends,
                    entity_type=discord.EntityType.external,
                    location=location,
                    description=description,
                    privacy_level=discord.PrivacyLevel.guild_only,
                )
        except DISCORD_FAILURES as error:
            status, detail = _failure(error)
            return None, tr(
                "I skipped the Discord event: Discord refused it ({status}: {detail}).", status=status, detail=detail
            )
        return event.id, tr("I added it to the server's Events.")

    async def _sync_event(self, tr: Texts, guild: discord.Guild, party: Party, *, cancel: bool = False) -> str:
        if party.view.event_id is None:
            return ""
        try:
            event = await guild.fetch_scheduled_event(party.view.event_id)
            if cancel:
                await event.cancel()
                return " " + tr("The Discord event was cancelled too.")
            server = await server_texts(self.services, guild.id)
            await event.edit(start_time=party.starts, end_time=party.ends, name=self._event_name(server, party))
            return " " + tr("The Discord event was updated.")
        except discord.NotFound:
            return " " + tr("(Its Discord event had been deleted.)")
        except discord.HTTPException as error:
            return " " + tr(
                "I couldn't update the Discord event ({status}: {detail}).", status=error.status, detail=error.text
            )

    async def _managed_party(self, interaction: Interaction, party_id: int) -> Party:
        assert interaction.guild_id is not None
        party = await self.services.parties.party(party_id, interaction.guild_id)
        # Server-wide Manage Events (the member's roles), not the channel-scoped one: an overwrite in one channel
        # must not let a member edit or cancel every party of the server.
        manage_events = server_permissions(interaction).manage_events
        if not may_manage(party.view, interaction.user.id, manage_events=manage_events):
            raise UserError(
                "Only the host ({host}) or members with {permission} can change that.",
                host=host_text(member_texts(interaction), party.view),
                permission=label(member_texts(interaction), "manage_events"),
            )
        return party

    # -- commands ---------------------------------------------------------------------------------

    @app_commands.command(name="create", description="Plan a watch party with RSVPs and reminders")
    @app_commands.describe(
        episodes="One episode or a range, e.g. 3 or 3-4",
        when=f"When it starts, in your time zone: {WHEN_EXAMPLES}",
        timezone="The zone you mean (default: yours from /timezone set, else the server's)",
        channel="Where to post it (text) or where you'll watch (voice); default: here",
        note="Anything attendees should know",
        capacity="Most members who can go; more join a wait list",
    )
    async def create(
        self,
        interaction: Interaction,
        episodes: app_commands.Range[str, 1, 20],
        when: WhenOption,
        timezone: str | None = None,
        channel: discord.TextChannel | discord.VoiceChannel | None = None,
        note: app_commands.Range[str, 0, NOTE_LIMIT] = "",
        capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        where = channel if isinstance(channel, discord.VoiceChannel) else None
        announce_in = channel if isinstance(channel, discord.TextChannel) else interaction.channel
        if not isinstance(announce_in, discord.TextChannel | discord.Thread):
            raise UserError("Run this in a text channel, or pick one with the `channel` option.")
        tr = member_texts(interaction)
        staff = is_party_staff(interaction)
        self._check_member_may_post(tr, interaction, staff, announce_in, where)
        perms = announce_in.permissions_for(guild.me)
        if not (perms.view_channel and perms.send_messages and perms.embed_links):
            raise UserError(
                "I can't post the announcement in {channel}: I need {permissions} there.",
                channel=announce_in.mention,
                permissions=tr.join([label(tr, p) for p in ("view_channel", "send_messages", "embed_links")]),
            )
        now = self.services.clock()
        here = announce_in.id == interaction.channel_id
        deferring: list[asyncio.Task[object]] = []
        if here:  # the card will be the answer; should saving it be slow, answer first (privately) after all
            private = interaction.response.defer
            timer = asyncio.get_running_loop().call_later(
                DEFER_IF_SLOW, lambda: deferring.append(asyncio.create_task(private(ephemeral=True, thinking=True)))
            )
        else:  # the card goes elsewhere: answer first (privately); writes and posts follow
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            config = await self.services.guilds.get(guild.id)  # within the timer: a read can be slow under load too
            party = await self.services.parties.create(
                guild_id=guild.id,
                channel_id=announce_in.id,
                host_id=interaction.user.id,
                episodes=episodes,
                starts=when.instant,
                zone=when.zone,
                note=note,
                capacity=capacity,
                offsets=config.reminder_offsets,
                now=now,
                staff=staff,
            )
        finally:
            if here:
                timer.cancel()
                if deferring:  # answered privately meanwhile: the card is posted in the channel, as for elsewhere
                    here = False
                    with contextlib.suppress(discord.HTTPException):
                        await deferring[0]
        # The card and the Discord event do not depend on each other: one round trip, not two. Here, the card is
        # the command's own public answer (one request, not a deferral, a post and a follow-up).
        server = await server_texts(self.services, guild.id)
        card, view = party_embed(server, party), rsvp_view(server, party)
        posting = self._answer_with_card(interaction, card, view) if here else self._announce(announce_in, card, view)
        sent, (event_id, event_note) = await asyncio.gather(posting, self._event(tr, server, guild, party, where))
        if sent is None:  # the answer didn't get through, or too late to count: the card is posted in the channel
            here = False
            sent = await self._announce(announce_in, card, view)
        if isinstance(sent, str):
            if event_id is not None:
                await self._drop_event(guild, event_id)
            raise UserError(
                "Watch party #{party} is planned, but Discord refused its announcement in {channel} ({detail}). "
                "Share it with `/watchparty info party:{party}`, or cancel it with `/watchparty cancel party:{party}`.",
                party=party.id,
                channel=announce_in.mention,
                detail=sent,
            )
        posted = self.services.parties.set_posted(party.id, sent, event_id, now)
        # The host hears privately only what the card doesn't say: where it went (elsewhere), how their time was
        # read (a zone they did not type: their saved one, or the server's), an event that could not be made.
        if here and timezone is not None and event_id is not None:
            await posted
            return
        await asyncio.gather(
            posted,
            interaction.followup.send(
                tr(
                    "Watch party #{party} ({episodes}) is on for {when} ({relative}), read as {zone} time. The "
                    "announcement is in {channel}.",
                    party=party.id,
                    episodes=party_episodes(tr, party),
                    when=ts(party.starts, "F"),
                    relative=ts(party.starts, "R"),
                    zone=when.zone.key,
                    channel=announce_in.mention,
                )
                + f" {event_note}",
                ephemeral=True,
            ),
        )

    @staticmethod
    def _check_member_may_post(
        tr: Texts,
        interaction: Interaction,
        staff: bool,
        announce_in: discord.TextChannel | discord.Thread,
        where: discord.VoiceChannel | None,
    ) -> None:
        """The bot posts the card, the note and the event on the member's behalf: only where the member may post
        (and, for a voice channel, join) themselves. Staff (Manage Server or Manage Events) may plan anywhere."""
        if staff:
            return
        if not may_send_in(permissions_in(interaction, announce_in), announce_in):
            needed = "send_messages_in_threads" if isinstance(announce_in, discord.Thread) else "send_messages"
            raise UserError(
                "You can't post in {channel} yourself, so I won't announce a watch party there for you (you need "
                "{permissions} there). Pick a channel where you can post, or ask staff to plan it.",
                channel=announce_in.mention,
                permissions=tr.join([label(tr, p) for p in ("view_channel", needed)]),
            )
        if where is not None:
            voice = permissions_in(interaction, where)
            if not (voice.view_channel and voice.connect):
                raise UserError(
                    "You can't join {channel} yourself, so I won't host a watch party there for you (you need "
                    "{permissions} there). Pick a voice channel you can join.",
                    channel=where.mention,
                    permissions=tr.join([label(tr, p) for p in ("view_channel", "connect")]),
                )

    @staticmethod
    async def _announce(
        channel: discord.TextChannel | discord.Thread, card: discord.Embed, view: discord.ui.View
    ) -> int | str:
        """Post the party's card: its message id, or Discord's refusal as a short text (not an exception)."""
        try:
            return (await channel.send(embed=card, view=view)).id
        except DISCORD_FAILURES as error:
            return ": ".join(_failure(error))

    @staticmethod
    async def _answer_with_card(
        interaction: Interaction, card: discord.Embed, view: discord.ui.View
    ) -> int | str | None:
        """The party's card as the command's public answer, in the channel it was run in: its message id (Discord's
        callback response names the message it made), Discord's refusal as a short text, or None when the answer
        didn't get through or came too late for Discord to take it (a rate limit, the connection, 3 seconds past)."""
        try:
            answered = await interaction.response.send_message(embed=card, view=view)
            if answered.message_id is not None:
                return answered.message_id
            return (await interaction.original_response()).id  # Discord made it without naming it: ask which
        except discord.HTTPException as error:
            if error.code == UNKNOWN_INTERACTION:
                return None
            return ": ".join(_failure(error))
        except DISCORD_FAILURES:
            return None

    async def _drop_event(self, guild: discord.Guild, event_id: int) -> None:
        try:
            await (await guild.fetch_scheduled_event(event_id)).delete()
        except DISCORD_FAILURES:
            log.info("could not delete the event %s of an unannounced party", event_id, exc_info=True)

    @create.autocomplete("timezone")
    async def zone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current, member_texts(interaction))

    @app_commands.command(name="list", description="Upcoming watch parties in this server")
    async def list_(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        tr = member_texts(interaction)
        embed, view = await list_page(tr, self.services, interaction.guild_id, 0, can_see(interaction))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="info", description="One watch party, with RSVP buttons")
    @app_commands.describe(party="The party's number (#)")
    async def info(self, interaction: Interaction, party: int) -> None:
        assert interaction.guild_id is not None
        found = await self.services.parties.party(party, interaction.guild_id, can_see(interaction))
        tr = member_texts(interaction)
        await interaction.response.send_message(embed=party_embed(tr, found), view=rsvp_view(tr, found), ephemeral=True)

    @app_commands.command(name="edit", description="Change a watch party (host or Manage Events)")
    @app_commands.describe(
        party="The party's number (#)",
        when=f"New start, in your time zone: {WHEN_EXAMPLES}",
        timezone="The zone you mean for the new time",
        episodes="New episode or range",
        note="New note (a single - clears it)",
        capacity="New capacity",
        no_limit="Remove the capacity limit",
    )
    async def edit(
        self,
        interaction: Interaction,
        party: int,
        when: WhenOption | None = None,
        timezone: str | None = None,
        episodes: app_commands.Range[str, 1, 20] | None = None,
        note: app_commands.Range[str, 1, NOTE_LIMIT] | None = None,
        capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
        no_limit: bool = False,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        tr = member_texts(interaction)
        if timezone and when is None:
            raise UserError("`timezone` says how to read a new `when`; give `when` too (the time stays as it is).")
        found = await self._managed_party(interaction, party)
        rate = self._edit_rate(interaction)
        may_ping = when is not None or capacity is not None or no_limit  # a new time, or places that open up
        if rate is not None and may_ping and rate.get_tokens() == 0:
            raise app_commands.CommandOnCooldown(rate, rate.get_retry_after())
        now = self.services.clock()
        config = await self.services.guilds.get(guild.id)
        edited, moved, promoted = await self.services.parties.edit(
            found,
            now=now,
            offsets=config.reminder_offsets,
            starts=when.instant if when else None,
            zone=when.zone if when else None,
            episodes=episodes,
            note="" if note == "-" else note,
            capacity=capacity,
            clear_capacity=no_limit,
        )
        if rate is not None and (moved or promoted):
            rate.update_rate_limit()
        await interaction.response.defer(ephemeral=True, thinking=True)
        await refresh_announcement(self.bot, self.services, edited)
        event_note = await self._sync_event(tr, guild, edited)
        server = await server_texts(self.services, guild.id)
        told = moved and await self._tell_attendees(
            edited,
            "\N{SPIRAL CALENDAR PAD}\N{VARIATION SELECTOR-16} "
            + server.tr(
                "Watch party #{party} ({episodes}) moved to {when} ({relative}).",
                party=edited.id,
                episodes=party_episodes(server, edited),
                when=ts(edited.starts, "F"),
                relative=ts(edited.starts, "R"),
            ),
        )
        await announce_promotions(self.services, edited.view, promoted)
        if moved:
            told_note = (
                tr("Attendees were told about the new time.")
                if told
                else tr("I couldn't post the new time in <#{channel}>.", channel=edited.view.channel_id)
            )
            event_note = " " + told_note + event_note
        await interaction.followup.send(
            tr(
                "Updated watch party #{party}: {episodes}, {when}.",
                party=edited.id,
                episodes=party_episodes(tr, edited),
                when=ts(edited.starts, "F"),
            )
            + event_note,
            ephemeral=True,
        )

    @app_commands.command(name="cancel", description="Cancel a watch party (host or Manage Events)")
    @app_commands.describe(party="The party's number (#)")
    async def cancel(self, interaction: Interaction, party: int) -> None:
        guild = interaction.guild
        assert guild is not None
        found = await self._managed_party(interaction, party)
        cancelled = await self.services.parties.cancel(found, self.services.clock())
        tr = member_texts(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await refresh_announcement(self.bot, self.services, cancelled)
        event_note = await self._sync_event(tr, guild, cancelled, cancel=True)
        server = await server_texts(self.services, guild.id)
        told = await self._tell_attendees(
            cancelled,
            "\N{CROSS MARK} "
            + server.tr(
                "Watch party #{party} ({episodes}) was cancelled.",
                party=cancelled.id,
                episodes=party_episodes(server, cancelled),
            ),
        )
        if told:
            text = tr("Cancelled watch party #{party}; attendees were told.", party=cancelled.id)
        else:
            text = tr(
                "Cancelled watch party #{party}; I couldn't post the notice in <#{channel}>.",
                party=cancelled.id,
                channel=cancelled.view.channel_id,
            )
        await interaction.followup.send(text + event_note, ephemeral=True)

    @app_commands.command(
        name="remind-me", description="Also get watch-party reminders by DM, at the server's times or your own"
    )
    @app_commands.checks.cooldown(REMIND_ME_RATE, REMIND_ME_PER, key=lambda i: i.user.id)
    @app_commands.describe(
        setting="on: DM me reminders for parties I'm going to; off: stop",
        offsets="Your own times before each party, up to 3, e.g. 1d, 30m (default: the server's times)",
    )
    async def remind_me(
        self,
        interaction: Interaction,
        setting: Literal["on", "off"],
        offsets: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        enabled = setting == "on"
        if not enabled and offsets is not None:
            raise UserError(
                "`offsets` go with `on`: `/watchparty remind-me setting:on offsets:1d, 30m`. Nothing changed."
            )
        own = await self.services.personal.set_party(interaction.user.id, enabled, offsets, self.services.clock())
        tr = member_texts(interaction)
        if own.offsets is not None:
            text = tr(
                "You'll get a DM {times} before each watch party you're going to, at your own times instead of "
                "copies of the server's reminders (keep DMs from server members open). The party's channel still "
                "gets the server's reminders.",
                times=", ".join(tr.offset(o) for o in own.offsets),
            )
        elif enabled:
            text = tr(
                "You'll get a DM copy of reminders for watch parties you're going to (keep DMs from server members "
                "open). Add `offsets` to choose your own times."
            )
        else:
            text = tr("No more DMs; reminders still ping you in the party's channel.")
        text += unreadable_times_notice(tr, own.replaced)
        if own.capped:
            text += "\n" + tr(
                "You now have {limit} reminder DMs waiting, the most I keep for one member: the soonest are planned, "
                "later ones are not. Choose fewer times, or turn off reminder DMs you don't need.",
                limit=MAX_PERSONAL_REMINDERS,
            )
        if enabled:
            text += await dm_refusal_notice(self.services, interaction.user.id, tr)
        await interaction.response.send_message(text, ephemeral=True)

    @info.autocomplete("party")
    @edit.autocomplete("party")
    @cancel.autocomplete("party")
    async def party_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        rows = await self.services.parties.upcoming_rows(
            interaction.guild_id, self.services.clock(), limit=25, visible=can_see(interaction)
        )
        typed = str(current).strip().lstrip("#")
        tr = member_texts(interaction)
        choices = []
        for row in rows:
            if typed and not str(row.id).startswith(typed):
                continue
            starts = dt.datetime.fromtimestamp(row.starts_at, dt.UTC)
            episodes = tr.episodes(row.first_episode, row.last_episode)
            name = f"#{row.id} · {episodes} · {tr.short_day(starts.date())} {starts:%H:%M} UTC"
            choices.append(app_commands.Choice(name=name, value=row.id))
        return choices

    @edit.autocomplete("timezone")
    async def edit_zone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current, member_texts(interaction))


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(RsvpButton, ListPage)
    await bot.add_cog(WatchParties(bot, bot.services))


def _failure(error: BaseException) -> tuple[str, str]:
    """A request that didn't get through, for the host: Discord's status and its words, else what failed."""
    if isinstance(error, discord.HTTPException):
        return str(error.status), error.text or "-"
    if isinstance(error, discord.RateLimited):
        return "429", f"rate limited for {error.retry_after:.0f} s"
    return type(error).__name__, str(error) or "-"
