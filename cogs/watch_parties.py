"""/watchparty: schedules with RSVPs, Discord scheduled events, and reminders delivered by the scheduler."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import RunOnBot
from bot.errors import UserError
from bot.permissions import FEATURE_PERMISSIONS
from bot.services import Services
from bot.services.scheduler import Failed, Outcome, Sent
from bot.services.timeparse import parse_when, preview
from bot.services.watch_parties import MAX_CAPACITY, NOTE_LIMIT, REMINDER_KIND, Party, episodes_label, may_manage
from bot.services.zones import resolve_zone
from bot.store import PartyRow, ReminderRow

from .common import BRAND, Interaction, SafeButton, clip, missing, services_of, ts, view_of, zone_choices
from .delivery import dm_copies, post, tell_staff

log = logging.getLogger(__name__)

PAGE_SIZE = 5
MENTIONS_PER_MESSAGE = 80  # keeps a reminder under Discord's 2,000 characters and 100 allowed mentions
RSVP_LABELS = {"going": "Going", "maybe": "Maybe", "declined": "Can't go"}
RSVP_STYLES = {
    "going": discord.ButtonStyle.success,
    "maybe": discord.ButtonStyle.secondary,
    "declined": discord.ButtonStyle.danger,
}
WHEN_EXAMPLES = "e.g. friday 8pm, tomorrow 21:00, 2026-12-02 20:30, in 2 hours"


async def member_zone(services: Services, user_id: int, guild_id: int | None, typed: str | None) -> ZoneInfo:
    """The zone a member's typed time means: the option, their own default, the server's, else UTC."""
    if typed:
        return resolve_zone(typed)
    member = await services.members.get(user_id)
    if member.timezone:
        return ZoneInfo(member.timezone)
    if guild_id is not None:
        config = await services.guilds.get(guild_id)
        if config.timezone:
            return ZoneInfo(config.timezone)
    return ZoneInfo("UTC")


def party_embed(party: Party) -> discord.Embed:
    row = party.row
    cancelled = row.status == "cancelled"
    title = f"Watch party #{row.id}: {party.episodes}"
    embed = discord.Embed(
        title=f"~~{title}~~ (cancelled)" if cancelled else title,
        colour=discord.Colour.dark_grey() if cancelled else BRAND,
        description=row.note or None,
    )
    embed.add_field(name="When", value=f"{ts(party.starts, 'F')} ({ts(party.starts, 'R')})", inline=False)
    embed.add_field(name="Host", value=f"<@{row.host_id}>")
    going = f"{party.counts['going']}" + (f" / {row.capacity}" if row.capacity else "")
    embed.add_field(name="Going", value=going)
    embed.add_field(name="Maybe", value=str(party.counts["maybe"]))
    if party.counts["waitlist"]:
        embed.add_field(name="Wait list", value=str(party.counts["waitlist"]))
    embed.set_footer(text=f"Ends about {party.ends:%H:%M} UTC · times show in your own zone · #{row.id}")
    return embed


def rsvp_view(party: Party) -> discord.ui.View:
    if party.row.status != "scheduled":
        return discord.ui.View(timeout=None)
    return view_of(*(RsvpButton(party.id, status) for status in RSVP_LABELS))


class RsvpButton(SafeButton, template=r"runon:party:(?P<id>\d+):(?P<status>going|maybe|declined)"):
    def __init__(self, party_id: int, status: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=RSVP_LABELS[status], style=RSVP_STYLES[status], custom_id=f"runon:party:{party_id}:{status}"
            )
        )
        self.party_id = party_id
        self.status = status

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RsvpButton:
        return cls(int(match["id"]), match["status"])

    async def handle(self, interaction: Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("RSVPs work inside the server.")
        services = services_of(interaction)
        party = await services.parties.party(self.party_id, interaction.guild_id)
        party, change = await services.parties.rsvp(party, interaction.user.id, self.status, services.clock())
        await interaction.response.edit_message(embed=party_embed(party), view=rsvp_view(party))
        if change.status == "waitlist":
            place = (await services.parties.waitlist(party.id)).index(interaction.user.id) + 1
            text = (
                f"Watch party #{party.id} is full: you're #{place} on the wait list. You'll be told if a place opens."
            )
        elif change.status == "going":
            text = f"You're going to watch party #{party.id}, {ts(party.starts, 'F')}. Reminders will ping you."
        elif change.status == "maybe":
            text = f"Marked as maybe for watch party #{party.id}."
        else:
            text = f"Marked as can't go for watch party #{party.id}."
        await interaction.followup.send(text, ephemeral=True)
        cog = interaction.client.get_cog("WatchParties")
        if isinstance(cog, WatchParties):
            if interaction.message is not None and interaction.message.id != party.row.announcement_message_id:
                await cog.refresh_announcement(party)
            await cog.announce_promotions(party, change.promoted)


class ListPage(SafeButton, template=r"runon:parties:page:(?P<page>\d+)(?::(?P<tag>[a-z]+))?"):
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
        embed, view = await list_page(services_of(interaction), interaction.guild_id, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


async def list_page(services: Services, guild_id: int, page: int) -> tuple[discord.Embed, discord.ui.View]:
    now = services.clock()
    total = await services.parties.count_upcoming(guild_id, now)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    parties = await services.parties.upcoming(guild_id, now, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    embed = discord.Embed(title="Upcoming watch parties", colour=BRAND)
    if not parties:
        embed.description = "None planned. Start one with `/watchparty create`."
    for party in parties:
        going = f"{party.counts['going']}" + (f"/{party.row.capacity}" if party.row.capacity else "")
        embed.add_field(
            name=f"#{party.id} · {party.episodes}",
            value=f"{ts(party.starts, 'F')} ({ts(party.starts, 'R')})\nHost <@{party.row.host_id}> · {going} going",
            inline=False,
        )
    embed.set_footer(text=f"Page {page + 1}/{pages} · {total} upcoming")
    view = view_of(
        ListPage(max(page - 1, 0), "← Previous", disabled=page == 0, tag="prev"),
        ListPage(page + 1, "Next →", disabled=page >= pages - 1, tag="next"),
    )
    return embed, view


def reminder_text(party: PartyRow, offset_seconds: int, *, late: bool) -> str:
    """The reminder post. It names episode numbers only: nothing in it spoils them."""
    start = dt.datetime.fromtimestamp(party.starts_at, dt.UTC)
    episodes = (
        f"episode {party.first_episode}"
        if party.first_episode == party.last_episode
        else f"episodes {party.first_episode}-{party.last_episode}"
    )
    if offset_seconds == 0:
        text = f"\N{CLAPPER BOARD} **Watch party #{party.id}** ({episodes}) is starting now!"
    else:
        text = f"\N{ALARM CLOCK} **Watch party #{party.id}** ({episodes}) starts {ts(start, 'R')} ({ts(start, 'F')})."
        if late:
            text += " *(Sent late: the bot was offline at the planned time.)*"
    return text


class PartyDelivery:
    """Delivers watch-party reminders for the scheduler: a channel post pinging exactly the members
    who are going, and DM copies for those who asked."""

    def __init__(self, bot: RunOnBot) -> None:
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    async def deliver(self, reminder: ReminderRow, *, nonce: str, now: dt.datetime, late: bool) -> Outcome:
        party = await self.services.parties.get_row(reminder.ref_id)
        if party is None or party.status != "scheduled":
            return Failed("other", "the party no longer exists or was cancelled")
        going = await self.services.parties.going(party.id)
        text = reminder_text(party, reminder.offset_seconds, late=late)
        chunks = [going[i : i + MENTIONS_PER_MESSAGE] for i in range(0, len(going), MENTIONS_PER_MESSAGE)] or [[]]
        first_id: int | None = None
        for index, chunk in enumerate(chunks):
            mentions = " ".join(f"<@{u}>" for u in chunk)
            sent = await post(
                self.bot,
                party.guild_id,
                party.channel_id,
                f"{text}\n{mentions}".strip() if index == 0 else mentions,
                nonce=nonce if index == 0 else f"{nonce}-{index}",
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(u) for u in chunk]
                ),
            )
            if not isinstance(sent, discord.Message):
                return sent
            first_id = first_id or sent.id
        dm_text = f"{text}\n(From the server's watch-party channel <#{party.channel_id}>.)"
        wanting = await self.services.members.with_party_dm(going)
        return Sent(first_id, await dm_copies(self.bot, wanting, dm_text, nonce))

    async def report_problem(self, guild_id: int, failure: Failed) -> None:
        await tell_staff(self.bot, guild_id, "a watch-party reminder", failure)


# Watch parties belong to a server: Discord never offers /watchparty in DMs. (Contexts apply to top-level
# commands only, so the marker sits on the group.)
@app_commands.guild_only()
class WatchParties(commands.GroupCog, group_name="watchparty", group_description="Watch Run On together"):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        super().__init__()

    async def cog_load(self) -> None:
        self.services.scheduler.register(REMINDER_KIND, PartyDelivery(self.bot))

    # -- helpers ----------------------------------------------------------------------------------

    async def refresh_announcement(self, party: Party) -> None:
        """Bring the posted announcement card up to date (best effort: it may have been deleted)."""
        if party.row.announcement_message_id is None:
            return
        channel = self.bot.get_partial_messageable(party.row.channel_id, guild_id=party.row.guild_id)
        try:
            await channel.get_partial_message(party.row.announcement_message_id).edit(
                embed=party_embed(party), view=rsvp_view(party)
            )
        except discord.HTTPException:
            log.info("could not refresh the announcement of party %s", party.id, exc_info=True)

    async def announce_promotions(self, party: Party, promoted: tuple[int, ...]) -> None:
        if not promoted:
            return
        channel = self.bot.get_partial_messageable(party.row.channel_id, guild_id=party.row.guild_id)
        mentions = " ".join(f"<@{u}>" for u in promoted)
        try:
            await channel.send(
                f"{mentions} a place opened up at watch party #{party.id}: you're going now!",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in promoted]),
            )
        except discord.HTTPException:
            log.info("could not announce promotions for party %s", party.id, exc_info=True)

    async def _tell_attendees(self, party: Party, text: str) -> None:
        """One message to the members who are going, in the announcement channel."""
        going = await self.services.parties.going(party.id)
        channel = self.bot.get_partial_messageable(party.row.channel_id, guild_id=party.row.guild_id)
        mentions = " ".join(f"<@{u}>" for u in going[:MENTIONS_PER_MESSAGE])
        try:
            await channel.send(
                f"{text}\n{mentions}".strip(),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(u) for u in going[:MENTIONS_PER_MESSAGE]]
                ),
            )
        except discord.HTTPException:
            log.info("could not tell attendees of party %s", party.id, exc_info=True)

    async def _event(
        self, guild: discord.Guild, party: Party, where: discord.abc.GuildChannel | None
    ) -> tuple[int | None, str]:
        """Create the Discord scheduled event; returns its id and a sentence for the host.

        Since 23 February 2026 Discord wants Create Events for this (Manage Events alone no longer grants
        it); a voice-channel event also needs View Channel and Connect in that channel."""
        if isinstance(where, discord.VoiceChannel):
            lacking = missing(where.permissions_for(guild.me), FEATURE_PERMISSIONS["voice-channel events"])
            if lacking:
                return None, (
                    f"I skipped the Discord event: I need {', '.join(lacking)} in {where.mention} to host it there."
                )
        elif not guild.me.guild_permissions.create_events:
            return None, (
                "I skipped the Discord event: I need the Create Events permission (Server Settings > Roles > my "
                "role). Since February 2026, Manage Events alone is not enough."
            )
        name = clip(f"Run On watch party #{party.id}: {party.episodes}", 100)
        description = clip(party.row.note or "Watching Run On together.", 1000)
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
                announced = guild.get_channel(party.row.channel_id)
                location = f"#{announced.name}" if announced else "this server"
                event = await guild.create_scheduled_event(
                    name=name,
                    start_time=party.starts,
                    end_time=party.ends,
                    entity_type=discord.EntityType.external,
                    location=location,
                    description=description,
                    privacy_level=discord.PrivacyLevel.guild_only,
                )
        except discord.HTTPException as error:
            return None, f"I skipped the Discord event: Discord refused it ({error.status}: {error.text})."
        return event.id, "I added it to the server's Events."

    async def _sync_event(self, guild: discord.Guild, party: Party, *, cancel: bool = False) -> str:
        if party.row.event_id is None:
            return ""
        try:
            event = await guild.fetch_scheduled_event(party.row.event_id)
            if cancel:
                await event.cancel()
                return " The Discord event was cancelled too."
            await event.edit(start_time=party.starts, end_time=party.ends, name=clip(
                f"Run On watch party #{party.id}: {party.episodes}", 100))  # fmt: skip
            return " The Discord event was updated."
        except discord.NotFound:
            return " (Its Discord event had been deleted.)"
        except discord.HTTPException as error:
            return f" I couldn't update the Discord event ({error.status}: {error.text})."

    async def _managed_party(self, interaction: Interaction, party_id: int) -> Party:
        assert interaction.guild_id is not None
        party = await self.services.parties.party(party_id, interaction.guild_id)
        if not may_manage(party.row, interaction.user.id, manage_events=interaction.permissions.manage_events):
            raise UserError(f"Only the host (<@{party.row.host_id}>) or members with Manage Events can change that.")
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
        when: app_commands.Range[str, 1, 100],
        timezone: str | None = None,
        channel: discord.TextChannel | discord.VoiceChannel | None = None,
        note: app_commands.Range[str, 0, NOTE_LIMIT] = "",
        capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        now = self.services.clock()
        zone = await member_zone(self.services, interaction.user.id, guild.id, timezone)
        starts = parse_when(when, zone, now)
        where = channel if isinstance(channel, discord.VoiceChannel) else None
        announce_in = channel if isinstance(channel, discord.TextChannel) else interaction.channel
        if not isinstance(announce_in, discord.TextChannel | discord.Thread):
            raise UserError("Run this in a text channel, or pick one with the `channel` option.")
        perms = announce_in.permissions_for(guild.me)
        if not (perms.view_channel and perms.send_messages and perms.embed_links):
            raise UserError(f"I can't post the announcement in {announce_in.mention}: I need View Channel, "
                            "Send Messages and Embed Links there.")  # fmt: skip
        config = await self.services.guilds.get(guild.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        party = await self.services.parties.create(
            guild_id=guild.id,
            channel_id=announce_in.id,
            host_id=interaction.user.id,
            episodes=episodes,
            starts=starts,
            zone=zone,
            note=note,
            capacity=capacity,
            offsets=config.reminder_offsets,
            now=now,
        )
        message = await announce_in.send(embed=party_embed(party), view=rsvp_view(party))
        event_id, event_note = await self._event(guild, party, where)
        await self.services.parties.set_posted(party.id, message.id, event_id, now)
        await interaction.followup.send(
            f"Watch party #{party.id} ({party.episodes}) is on for {ts(party.starts, 'F')} ({ts(party.starts, 'R')}), "
            f"read as {zone.key} time. The announcement is in {announce_in.mention}. {event_note}",
            ephemeral=True,
        )

    async def _when_choices(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        """One choice that previews how the typed time is read, in the member's zone."""
        typed = getattr(interaction.namespace, "timezone", None)
        try:
            zone = await member_zone(self.services, interaction.user.id, interaction.guild_id, typed)
        except UserError:
            zone = ZoneInfo("UTC")
        shown = preview(current, zone, self.services.clock())
        value = current.strip() or "in 1 hour"
        return [app_commands.Choice(name=clip(shown, 100), value=value[:100])]

    @create.autocomplete("when")
    async def when_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._when_choices(interaction, current)

    @create.autocomplete("timezone")
    async def zone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    @app_commands.command(name="list", description="Upcoming watch parties in this server")
    async def list_(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        embed, view = await list_page(self.services, interaction.guild_id, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="info", description="One watch party, with RSVP buttons")
    @app_commands.describe(party="The party's number (#)")
    async def info(self, interaction: Interaction, party: int) -> None:
        assert interaction.guild_id is not None
        found = await self.services.parties.party(party, interaction.guild_id)
        await interaction.response.send_message(embed=party_embed(found), view=rsvp_view(found), ephemeral=True)

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
        when: app_commands.Range[str, 1, 100] | None = None,
        timezone: str | None = None,
        episodes: app_commands.Range[str, 1, 20] | None = None,
        note: app_commands.Range[str, 1, NOTE_LIMIT] | None = None,
        capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
        no_limit: bool = False,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        found = await self._managed_party(interaction, party)
        now = self.services.clock()
        zone = await member_zone(self.services, interaction.user.id, guild.id, timezone) if when or timezone else None
        starts = parse_when(when, zone or ZoneInfo(found.row.timezone), now) if when else None
        config = await self.services.guilds.get(guild.id)
        edited, moved, promoted = await self.services.parties.edit(
            found,
            now=now,
            offsets=config.reminder_offsets,
            starts=starts,
            zone=zone if when else None,
            episodes=episodes,
            note="" if note == "-" else note,
            capacity=capacity,
            clear_capacity=no_limit,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.refresh_announcement(edited)
        event_note = await self._sync_event(guild, edited)
        if moved:
            await self._tell_attendees(
                edited,
                f"\N{SPIRAL CALENDAR PAD}\N{VARIATION SELECTOR-16} Watch party #{edited.id} ({edited.episodes}) "
                f"moved to {ts(edited.starts, 'F')} ({ts(edited.starts, 'R')}).",
            )
        await self.announce_promotions(edited, promoted)
        await interaction.followup.send(
            f"Updated watch party #{edited.id}: {edited.episodes}, {ts(edited.starts, 'F')}."
            + (" Attendees were told about the new time." if moved else "")
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
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.refresh_announcement(cancelled)
        event_note = await self._sync_event(guild, cancelled, cancel=True)
        await self._tell_attendees(
            cancelled, f"\N{CROSS MARK} Watch party #{cancelled.id} ({cancelled.episodes}) was cancelled."
        )
        await interaction.followup.send(
            f"Cancelled watch party #{cancelled.id}; attendees were told.{event_note}", ephemeral=True
        )

    @app_commands.command(name="remind-me", description="Also get watch-party reminders by DM")
    @app_commands.describe(setting="on: DM me a copy of reminders for parties I'm going to; off: stop")
    async def remind_me(self, interaction: Interaction, setting: Literal["on", "off"]) -> None:
        enabled = setting == "on"
        now = int(self.services.clock().timestamp())
        await self.services.members.set_party_dm(interaction.user.id, enabled, now)
        text = (
            "You'll get a DM copy of reminders for watch parties you're going to (keep DMs from server members open)."
            if enabled
            else "No more DM copies; reminders still ping you in the party's channel."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @info.autocomplete("party")
    @edit.autocomplete("party")
    @cancel.autocomplete("party")
    async def party_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        rows = await self.services.parties.upcoming_rows(interaction.guild_id, self.services.clock(), limit=25)
        typed = str(current).strip().lstrip("#")
        choices = []
        for row in rows:
            if typed and not str(row.id).startswith(typed):
                continue
            starts = dt.datetime.fromtimestamp(row.starts_at, dt.UTC)
            episodes = episodes_label(row.first_episode, row.last_episode)
            label = f"#{row.id} · {episodes} · {starts:%a %d %b %H:%M} UTC"
            choices.append(app_commands.Choice(name=label, value=row.id))
        return choices

    @edit.autocomplete("timezone")
    async def edit_zone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    @edit.autocomplete("when")
    async def edit_when_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._when_choices(interaction, current)


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(RsvpButton, ListPage)
    await bot.add_cog(WatchParties(bot, bot.services))
