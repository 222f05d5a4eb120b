"""/timezone: a member's own zone, used to read the times they type."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot
from bot.services.guild_config import read_stored_zone
from bot.services.zones import resolve_zone

from .common import Interaction, member_texts, send, zone_choices


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
class Timezones(commands.GroupCog, group_name="timezone", group_description="Your time zone for times you type"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="set", description="Set your time zone (a city or IANA name, not EST/PST)")
    @app_commands.describe(zone="e.g. Asia/Seoul, America/New_York, or just type a city")
    async def set_(self, interaction: Interaction, zone: app_commands.Range[str, 1, 60]) -> None:
        resolved = resolve_zone(zone)
        now = self.services.clock()
        await self.services.members.set_timezone(interaction.user.id, resolved.key, now)
        local = now.astimezone(resolved).strftime("%H:%M")
        tr = member_texts(interaction)
        await send(
            interaction,
            content=tr(
                "Your time zone is now **{zone}** (it's {time} there). Times you type, like `friday 8pm`, are read "
                "in it.",
                zone=resolved.key,
                time=local,
            ),
        )

    @set_.autocomplete("zone")
    async def zone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current, member_texts(interaction))

    @app_commands.command(name="show", description="See the time zone the bot reads your times in")
    async def show(self, interaction: Interaction) -> None:
        member = await self.services.members.get(interaction.user.id)
        tr = member_texts(interaction)
        own = read_stored_zone(member.timezone, "member time zone")
        config = await self.services.guilds.get(interaction.guild_id) if interaction.guild_id else None
        fallback = config.timezone if config and config.timezone else "UTC"
        if own:
            text = tr("Your time zone is **{zone}**.", zone=own)
        elif member.timezone:  # stored, but no longer a zone here (removed from tzdata, or edited by hand)
            text = tr(
                "Your saved time zone ({saved}) is no longer known here, so times you type are read as **{zone}**. "
                "Set yours again with `/timezone set`.",
                saved=member.timezone[:60],
                zone=fallback,
            )
        else:
            text = tr(
                "You haven't set one, so times you type are read as **{zone}**. Set yours with `/timezone set`.",
                zone=fallback,
            )
        await send(interaction, content=text)

    @app_commands.command(name="clear", description="Forget your time zone")
    async def clear(self, interaction: Interaction) -> None:
        await self.services.members.set_timezone(interaction.user.id, None, self.services.clock())
        tr = member_texts(interaction)
        await send(interaction, content=tr("Forgot your time zone; the server's default (or UTC) applies."))


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Timezones(bot.services))
