"""/calendar server and /calendar mine: calendar files (.ics) to import into any calendar app."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import RunOnBot
from bot.errors import UserError
from bot.services import Services
from bot.services.calendar import CalendarText, Entry, Listing, to_ics
from bot.services.guild_config import format_offset

from .common import Interaction, send

RSVP_WORDS = {"going": "going", "maybe": "maybe", "declined": "not going", "waitlist": "on the wait list"}


def _episodes(entry: Entry) -> str:
    first, last = entry.first_episode, entry.last_episode
    return f"episode {first}" if first == last else f"episodes {first}-{last}"


def summary(entry: Entry) -> str:
    """Titles name episode numbers only: nothing in a calendar spoils the show."""
    if entry.party_id is not None:
        return f"Run On watch party #{entry.party_id}: {_episodes(entry)}"
    return f"Run On {'rewatch' if entry.rewatch else 'broadcast'}: {_episodes(entry)}"


def description(entry: Entry) -> str:
    lines = []
    if entry.party_id is not None:
        answer = RSVP_WORDS.get(entry.rsvp or "", "no answer yet")
        lines.append(f"Watch party for Run On {_episodes(entry)}. Your RSVP: {answer} ({entry.going} going).")
        if entry.alarms:
            lines.append("Alarms: your own reminder times, " + ", ".join(format_offset(a) for a in entry.alarms) + ".")
    elif entry.rewatch:
        lines.append(f"Run On {_episodes(entry)} on this server's rewatch.")
    else:
        lines.append(f"Run On {_episodes(entry)} airs.")
    if entry.link:
        lines.append(f"In Discord: {entry.link}")
    return "\n".join(lines)


def alarm(entry: Entry) -> str:
    return f"{summary(entry)} starts soon"


def _file(listing: Listing, name: str, filename: str, services: Services) -> discord.File:
    text = CalendarText(name=name, summary=summary, description=description, alarm=alarm)
    data = to_ics(listing.entries, text, services.clock())
    return discord.File(io.BytesIO(data), filename=filename, description=name)


HOW_TO = "Import it into your calendar app; importing a newer file again updates the events instead of copying them."


# /calendar mine works in DMs too; /calendar server says it needs a server there.
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Calendar(commands.GroupCog, group_name="calendar", group_description="Episodes and watch parties as a calendar"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="server", description="This server's upcoming episodes and watch parties (.ics)")
    async def server(self, interaction: Interaction) -> None:
        guild = interaction.guild
        if guild is None:
            raise UserError(
                "That calendar belongs to a server: run `/calendar server` there, or `/calendar mine` here."
            )
        services = self.services
        listing = await services.calendar.server(guild.id, interaction.user.id, services.clock())
        parties = sum(1 for e in listing.entries if e.party_id is not None)
        episodes = len(listing.entries) - parties
        if not listing.entries:
            paused = " The rewatch is paused: its episodes come back when it resumes." if listing.paused else ""
            await send(
                interaction, content=f"Nothing upcoming in this server: no episodes ahead and no watch parties.{paused}"
            )
            return
        note = " (the rewatch is paused, so its episodes are left out until it resumes)" if listing.paused else ""
        content = (
            f"{episodes} upcoming episode(s){note} and {parties} watch part{'y' if parties == 1 else 'ies'}. {HOW_TO}"
        )
        calendar = _file(listing, f"Run On in {guild.name}", f"runon-{guild.id}.ics", services)
        await send(interaction, content=content, file=calendar)

    @app_commands.command(name="mine", description="The watch parties you're going to, with your own reminders (.ics)")
    async def mine(self, interaction: Interaction) -> None:
        services = self.services
        listing = await services.calendar.mine(interaction.user.id, services.clock())
        if not listing.entries:
            await send(interaction, content="You're not going to any upcoming watch party. RSVP *Going* on one first.")
            return
        count = len(listing.entries)
        content = f"{count} watch part{'y' if count == 1 else 'ies'} you're going to. {HOW_TO}"
        calendar = _file(listing, "My Run On watch parties", "runon-mine.ics", services)
        await send(interaction, content=content, file=calendar)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Calendar(bot.services))
