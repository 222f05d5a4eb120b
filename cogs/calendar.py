"""/calendar server and /calendar mine: calendar files (.ics) to import into any calendar app."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands
from msgspec.structs import replace

from bot.app import Services
from bot.client import RunOnBot
from bot.errors import UserError
from bot.locale import Msg, msg
from bot.services.calendar import CalendarText, Entry, Listing, to_ics
from bot.services.watch_parties import Rsvp

from .common import Interaction, Texts, can_see, member_texts, send

#: Each calendar file is built anew: a member gets a couple a minute of each kind.
CALENDAR_RATE, CALENDAR_PER = 2, 60.0

RSVP_WORDS: dict[Rsvp, Msg] = {
    Rsvp.GOING: msg("going"),
    Rsvp.MAYBE: msg("maybe"),
    Rsvp.DECLINED: msg("not going"),
    Rsvp.WAITLIST: msg("on the wait list"),
}


def summary(tr: Texts, entry: Entry) -> str:
    """Titles name episode numbers only: nothing in a calendar spoils the show."""
    episodes = tr.episodes(entry.first_episode, entry.last_episode)
    if entry.party_id is not None:
        return tr("Run On watch party #{party}: {episodes}", party=entry.party_id, episodes=episodes)
    if entry.rewatch:
        return tr("Run On rewatch: {episodes}", episodes=episodes)
    return tr("Run On broadcast: {episodes}", episodes=episodes)


def description(tr: Texts, entry: Entry) -> str:
    episodes = tr.episodes(entry.first_episode, entry.last_episode)
    lines = []
    if entry.party_id is not None:
        word = None if entry.rsvp is None else RSVP_WORDS[entry.rsvp]
        lines.append(
            tr(
                "Watch party for Run On {episodes}. Your RSVP: {answer} ({going} going).",
                episodes=episodes,
                answer=tr.render(word) if word else tr("no answer yet"),
                going=entry.going,
            )
        )
        if entry.alarms:
            times = ", ".join(tr.offset(a) for a in entry.alarms)
            lines.append(tr("Alarms: your own reminder times, {times}.", times=times))
    elif entry.rewatch:
        lines.append(tr("Run On {episodes} on this server's rewatch.", episodes=episodes))
    else:
        lines.append(tr("Run On {episodes} airs.", episodes=episodes))
    if entry.link:
        lines.append(tr("In Discord: {link}", link=entry.link))
    return "\n".join(lines)


def alarm(tr: Texts, entry: Entry) -> str:
    return tr("{title} starts soon", title=summary(tr, entry))


def _file(tr: Texts, listing: Listing, name: str, filename: str, services: Services) -> discord.File:
    text = CalendarText(
        name=name,
        summary=lambda entry: summary(tr, entry),
        description=lambda entry: description(tr, entry),
        alarm=lambda entry: alarm(tr, entry),
    )
    data = to_ics(listing.entries, text, services.clock())
    return discord.File(io.BytesIO(data), filename=filename, description=name)


def how_to(tr: Texts) -> str:
    return tr(
        "Import it into your calendar app; importing a newer file again updates the events instead of copying them."
    )


# /calendar mine works in DMs too; /calendar server says it needs a server there.
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Calendar(commands.GroupCog, group_name="calendar", group_description="Episodes and watch parties as a calendar"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="server", description="This server's upcoming episodes and watch parties (.ics)")
    @app_commands.checks.cooldown(CALENDAR_RATE, CALENDAR_PER, key=lambda i: i.user.id)
    async def server(self, interaction: Interaction) -> None:
        guild = interaction.guild
        if guild is None:
            raise UserError(
                "That calendar belongs to a server: run `/calendar server` there, or `/calendar mine` here."
            )
        services = self.services
        tr = member_texts(interaction)
        listing = await services.calendar.server(guild.id, interaction.user.id, services.clock())
        # Parties announced in a channel the member cannot see are not theirs to know about.
        visible = can_see(interaction)
        listing = replace(
            listing, entries=tuple(e for e in listing.entries if e.party_id is None or visible(e.channel_id or 0))
        )
        parties = sum(1 for e in listing.entries if e.party_id is not None)
        episodes = len(listing.entries) - parties
        if not listing.entries:
            content = tr("Nothing upcoming in this server: no episodes ahead and no watch parties.")
            if listing.paused:
                content += " " + tr("The rewatch is paused: its episodes come back when it resumes.")
            await send(interaction, content=content)
            return
        counted = tr(
            "{episodes} and {parties}.",
            episodes=tr.plural("{n} upcoming episode", "{n} upcoming episodes", episodes, n=episodes),
            parties=tr.plural("{n} watch party", "{n} watch parties", parties, n=parties),
        )
        if listing.paused:
            counted += " " + tr("The rewatch is paused, so its episodes are left out until it resumes.")
        name = tr("Run On in {server}", server=guild.name)
        calendar = _file(tr, listing, name, f"runon-{guild.id}.ics", services)
        await send(interaction, content=f"{counted} {how_to(tr)}", file=calendar)

    @app_commands.command(name="mine", description="The watch parties you're going to, with your own reminders (.ics)")
    @app_commands.checks.cooldown(CALENDAR_RATE, CALENDAR_PER, key=lambda i: i.user.id)
    async def mine(self, interaction: Interaction) -> None:
        services = self.services
        tr = member_texts(interaction)
        listing = await services.calendar.mine(interaction.user.id, services.clock())
        if not listing.entries:
            content = tr("You're not going to any upcoming watch party. RSVP *Going* on one first.")
            await send(interaction, content=content)
            return
        count = len(listing.entries)
        content = tr.plural("{n} watch party you're going to.", "{n} watch parties you're going to.", count, n=count)
        calendar = _file(tr, listing, tr("My Run On watch parties"), "runon-mine.ics", services)
        await send(interaction, content=f"{content} {how_to(tr)}", file=calendar)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Calendar(bot.services))
