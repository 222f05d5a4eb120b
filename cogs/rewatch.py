"""/rewatch: a server watches Run On again on its original Wed/Thu 21:00 KST rhythm (or its own slots)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.catalog import Slot
from bot.client import RunOnBot
from bot.errors import UserError
from bot.reminders import Delivered, Outgoing
from bot.services.rewatch import Airing, Position, parse_slots, paused_since, position

from .common import (
    BRAND,
    Interaction,
    Texts,
    join_clipped,
    member_texts,
    send,
    staff_only,
    texts_for,
    ts,
    zone_choices,
)
from .timeinput import StartDayOption

log = logging.getLogger(__name__)


def slots_text(tr: Texts, slots: Sequence[Slot]) -> str:
    """``Wed 21:00, Thu 21:00`` / ``수요일 21:00, 목요일 21:00``."""
    return ", ".join(tr.weekly_time(s.weekday, s.time) for s in slots)


def schedule_lines(tr: Texts, schedule: Sequence[Airing], at: Position, until: dt.datetime) -> list[str]:
    """The schedule with ✅ for what aired by ``until`` and ▶️ for the next episode."""
    lines = []
    for airing in schedule:
        if airing.airs_at <= until:
            mark = "\N{WHITE HEAVY CHECK MARK}"
        elif at.next is not None and airing.episode == at.next.episode:
            mark = "\N{BLACK RIGHT-POINTING TRIANGLE}\N{VARIATION SELECTOR-16}"
        else:
            mark = "\N{WHITE LARGE SQUARE}"
        lines.append(
            f"{mark} " + tr("Episode {n} \N{MIDDLE DOT} {when}", n=airing.episode, when=ts(airing.airs_at, "F"))
        )
    return lines


def next_sentence(tr: Texts, schedule: Sequence[Airing], now: dt.datetime) -> str:
    upcoming = position(schedule, now).next
    if upcoming is None:
        return ""
    return " " + tr("Next: episode {n} {when}.", n=upcoming.episode, when=ts(upcoming.airs_at, "F"))


# Every subcommand is about one server's rewatch: Discord never offers /rewatch in DMs. (Contexts apply to
# top-level commands only, so the marker sits on the group.)
@app_commands.guild_only()
class Rewatch(commands.GroupCog, group_name="rewatch", group_description="Watch Run On again on a weekly rhythm"):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        super().__init__()

    async def _tell_server(self, interaction: Interaction, text: str) -> None:
        """Say a change once, in the server's language (``text``): in the airing channel when one is set, else as
        the public reply here."""
        assert interaction.guild_id is not None
        config = await self.services.guilds.get(interaction.guild_id)
        channel_id = config.airing_channel_id
        if channel_id is not None and channel_id != interaction.channel_id:
            await interaction.response.defer(ephemeral=True, thinking=True)
            result = await self.services.sender.send(
                Outgoing(text, interaction.guild_id, channel_id=channel_id, label="rewatch announcement")
            )
            if isinstance(result, Delivered):
                tr = member_texts(interaction)
                await interaction.followup.send(
                    tr("Done. Announced in <#{channel}>.", channel=channel_id), ephemeral=True
                )
            else:
                server = await texts_for(interaction, public=True)
                why = getattr(result, "detail", "")
                note = server.tr("(I couldn't post this in <#{channel}>: {detail}.)", channel=channel_id, detail=why)
                await interaction.followup.send(f"{text}\n{note}")
            return
        await interaction.response.send_message(text)

    @staff_only()
    @app_commands.command(name="start", description="Start a rewatch on weekly slots (Manage Server)")
    @app_commands.rename(from_="from")
    @app_commands.describe(
        from_="First day: 2026-12-02, today, next wednesday…",
        episode="Episode to start from (default 1)",
        slots="Weekly slots (default Wed 21:00, Thu 21:00)",
        timezone="Zone of the slots (default Asia/Seoul, as broadcast)",
    )
    async def start(
        self,
        interaction: Interaction,
        from_: StartDayOption,
        episode: app_commands.Range[int, 1, 16] = 1,
        slots: app_commands.Range[str, 1, 100] | None = None,
        timezone: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        zone = from_.zone  # the timezone option, read once with the day (the broadcast's zone by default)
        weekly = parse_slots(slots) if slots else self.services.catalog.show.slots
        now = self.services.clock()
        schedule = await self.services.rewatch.start(interaction.guild_id, from_.day, episode, weekly, zone, now)
        first, last = schedule[0], schedule[-1]
        server = await texts_for(interaction, public=True)
        await self._tell_server(
            interaction,
            "\N{CLAPPER BOARD} "
            + server.tr(
                "**Rewatch started!** Episode {first} {when} ({relative}), then every {slots} ({zone}) until episode "
                "{last} on {last_day}. See it all with `/rewatch show`.",
                first=first.episode,
                when=ts(first.airs_at, "F"),
                relative=ts(first.airs_at, "R"),
                slots=slots_text(server, weekly),
                zone=zone.key,
                last=last.episode,
                last_day=ts(last.airs_at, "D"),
            ),
        )

    @start.autocomplete("timezone")
    async def zone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current, member_texts(interaction))

    @app_commands.command(name="show", description="The server's rewatch schedule and where it is now")
    async def show(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        now = self.services.clock()
        found = await self.services.rewatch.progress(interaction.guild_id, now)
        if found is None:
            raise UserError("This server has no rewatch. Staff can start one with `/rewatch start`.")
        row, schedule, at = found
        paused_at = paused_since(row)
        tr = member_texts(interaction)
        embed = discord.Embed(title=tr("Run On rewatch"), colour=BRAND)
        embed.description = join_clipped(schedule_lines(tr, schedule, at, min(now, paused_at or now)), 4096, tr)
        if row.paused:
            since = ts(paused_at, "F") if paused_at else tr("earlier")
            status = tr("Paused since {when}: `/rewatch resume` to go on.", when=since)
        elif at.next is None:
            status = tr("Finished: every episode has aired.")
        elif at.last_aired == 0:
            status = tr(
                "Next: episode {n} {relative}. Nothing has aired yet.",
                n=at.next.episode,
                relative=ts(at.next.airs_at, "R"),
            )
        else:
            status = tr(
                "Next: episode {n} {relative}. Watched so far: up to {last}.",
                n=at.next.episode,
                relative=ts(at.next.airs_at, "R"),
                last=at.last_aired,
            )
        embed.add_field(name=tr("Now"), value=status, inline=False)
        slots = slots_text(tr, parse_slots(row.slots, stored=True))
        embed.set_footer(text=tr("Slots: {slots} ({zone}) · times show in your own zone", slots=slots, zone=row.zone))
        await send(interaction, embed=embed)

    @staff_only()
    @app_commands.command(name="skip-week", description="Move every episode still to come one week on")
    async def skip_week(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        now = self.services.clock()
        moved = await self.services.rewatch.skip_week(interaction.guild_id, now)
        server = await texts_for(interaction, public=True)
        where = next_sentence(server, moved, now)
        await self._tell_server(
            interaction,
            "\N{SPIRAL CALENDAR PAD}\N{VARIATION SELECTOR-16} " + server.tr("The rewatch skips a week.") + where,
        )

    @staff_only()
    @app_commands.command(name="pause", description="Pause the rewatch (no airing posts until resumed)")
    async def pause(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        await self.services.rewatch.pause(interaction.guild_id, self.services.clock())
        server = await texts_for(interaction, public=True)
        await self._tell_server(
            interaction, "\N{DOUBLE VERTICAL BAR}\N{VARIATION SELECTOR-16} " + server.tr("The rewatch is paused.")
        )

    @staff_only()
    @app_commands.command(name="resume", description="Resume on the next slots")
    async def resume(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        now = self.services.clock()
        resumed = await self.services.rewatch.resume(interaction.guild_id, now)
        server = await texts_for(interaction, public=True)
        where = next_sentence(server, resumed, now)
        await self._tell_server(
            interaction,
            "\N{BLACK RIGHT-POINTING TRIANGLE}\N{VARIATION SELECTOR-16} "
            + server.tr("The rewatch is back on.")
            + where,
        )

    @staff_only()
    @app_commands.command(name="stop", description="End the rewatch and its airing posts")
    async def stop(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        await self.services.rewatch.stop(interaction.guild_id, self.services.clock())
        server = await texts_for(interaction, public=True)
        await self._tell_server(
            interaction, "\N{BLACK SQUARE FOR STOP}\N{VARIATION SELECTOR-16} " + server.tr("The rewatch has ended.")
        )


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Rewatch(bot, bot.services))
