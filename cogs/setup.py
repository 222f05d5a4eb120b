"""/setup: per-server configuration, for members with Manage Server."""

from __future__ import annotations

import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import RunOnBot, report_error
from bot.errors import UserError
from bot.permissions import FEATURE_PERMISSIONS, OPTIONAL_PERMISSIONS
from bot.services import Services
from bot.services.guild_config import MAX_SPOILER_FREE_CHANNELS, RESETTABLE, GuildConfig, format_offset
from bot.services.rewatch import Airing, Position, RewatchRow
from bot.services.zones import resolve_zone

from .common import (
    BRAND,
    Interaction,
    clip,
    missing,
    require_manage_guild,
    send,
    services_of,
    view_of,
    zone_choices,
)

RewatchProgress = tuple[RewatchRow, list[Airing], Position]
OK = "\N{WHITE HEAVY CHECK MARK}"
WARN = "\N{WARNING SIGN}\N{VARIATION SELECTOR-16}"
OFF = "\N{HEAVY MINUS SIGN}"
STAFF_ONLY = "Only members with the Manage Server permission can change the bot's setup."


def line_text(config: GuildConfig, rewatch: RewatchProgress | None = None) -> str:
    if config.fixed_line is None:
        if rewatch is None or not rewatch[1]:
            return "automatic: episode 0 (nothing assumed seen; every plot point in public posts is spoiler-tagged)"
        row, schedule, at = rewatch
        first = min(a.episode for a in schedule)
        if row.status == "paused":
            why = "where the rewatch stood when it was paused"
        elif at.last_aired == first - 1:
            why = (
                f"the rewatch starts at episode {first}, so episodes 1-{first - 1} count as seen"
                if first > 1
                else "the rewatch's first episode hasn't aired yet"
            )
        else:
            why = "the last episode whose rewatch slot has passed"
        shown = (
            f"public posts show episodes 1-{at.last_aired} plainly and tag anything later"
            if at.last_aired
            else "every plot point in public posts is spoiler-tagged"
        )
        return f"automatic: episode {at.last_aired} ({why}; {shown})"
    if config.fixed_line == 0:
        return "fixed at episode 0 (every plot point in public posts is spoiler-tagged)"
    return (
        f"fixed at episode {config.fixed_line}: public posts show episodes 1-{config.fixed_line} plainly "
        f"and tag anything later"
    )


def airing_text(config: GuildConfig) -> str:
    if config.airing_channel_id is None:
        return "off (set them up with `/setup airing`)"
    before = ", ".join(format_offset(o) for o in config.airing_offsets)
    role = f", pinging <@&{config.airing_role_id}>" if config.airing_role_id else ""
    return f"in <#{config.airing_channel_id}>{role}, {before} before and when each episode airs"


def pulse_text(config: GuildConfig, guild: discord.Guild | None = None) -> str:
    """Whether episode polls are on, why, and what keeps them from working."""
    if not config.pulse_on:
        why = "turned off by staff" if config.pulse_setting is False else "they follow airing posts, which are off"
        return f"off ({why}; turn them on with `/setup pulse on`)"
    why = "turned on by staff" if config.pulse_setting else "they follow airing posts"
    text = f"on ({why}): a 1-5 star poll in each episode's discussion thread when it airs, open 24 hours"
    if config.discussion_channel_id is None:
        return f"{text}\n{WARN} no discussion channel: polls have nowhere to go. Pick one with `/setup discussion`."
    channel = guild.get_channel(config.discussion_channel_id) if guild is not None else None
    if channel is not None:
        lacking = missing(channel.permissions_for(guild.me), FEATURE_PERMISSIONS["episode polls"]) if guild else []
        if lacking:
            return (
                f"{text}\n{WARN} I can't post polls in {channel.mention}'s threads: I need {', '.join(lacking)} there."
            )
    return text


def offsets_text(config: GuildConfig) -> str:
    before = ", ".join(format_offset(o) for o in config.party_offsets)
    return f"{before} before, and when it starts"


def _channel_report(guild: discord.Guild, channel_id: int, feature: str) -> str:
    channel = guild.get_channel(channel_id)
    if channel is None:
        return f"{WARN} <#{channel_id}> no longer exists or I can't see it. Pick another with `/setup discussion`."
    perms = channel.permissions_for(guild.me)
    lacking = missing(perms, FEATURE_PERMISSIONS[feature])
    kind = "forum" if isinstance(channel, discord.ForumChannel) else "text channel"
    if isinstance(channel, discord.ForumChannel):
        lacking = [p.replace("Create Public Threads", "Create Posts") for p in lacking]
    lines = [f"{channel.mention} ({kind})"]
    if lacking:
        lines.append(f"{WARN} cannot create threads in {channel.mention}: I need {', '.join(lacking)} there.")
    else:
        lines.append(f"{OK} I can create and reopen episode threads there.")
    if isinstance(channel, discord.ForumChannel):
        tagless = missing(perms, OPTIONAL_PERMISSIONS["forum episode tags"])
        if tagless:
            lines.append(
                f"{WARN} I can't create \"Episode N\" tags there (needs Manage Channels); I'll use tags staff "
                "create with those names, or post untagged."
            )
    return "\n".join(lines)


def _needs(perms: discord.Permissions, feature: str) -> list[str]:
    return missing(perms, FEATURE_PERMISSIONS[feature])


def feature_report(config: GuildConfig, guild: discord.Guild, here: Any) -> str:
    """One line per feature: can the bot do it, and if not, exactly which permission is missing where."""
    me = guild.me
    lines: list[str] = []
    in_channel = isinstance(here, discord.abc.GuildChannel | discord.Thread)
    if in_channel:
        lacking = _needs(here.permissions_for(me), "watch parties")
        lines.append(
            f"{WARN} Watch parties: I can't post their cards and reminders in {here.mention}: "
            f"I need {', '.join(lacking)}."
            if lacking
            else f"{OK} Watch parties: I can post their cards and reminders in {here.mention}."
        )
    if _needs(me.guild_permissions, "watch-party events"):
        lines.append(
            f"{WARN} Watch-party events: I need the Create Events permission to add parties to the server's "
            "Events (Server Settings > Roles > my role). Since February 2026, Manage Events alone is not enough."
        )
    else:
        lines.append(
            f"{OK} Watch-party events: I can add parties to the server's Events (a voice-channel party also needs "
            "View Channel and Connect in that channel)."
        )
    if config.airing_channel_id is not None:
        channel = guild.get_channel(config.airing_channel_id)
        lacking = _needs(channel.permissions_for(me), "airing posts") if channel is not None else ["the channel"]
        lines.append(
            f"{WARN} Airing posts: I can't post in <#{config.airing_channel_id}>: I need {', '.join(lacking)} there."
            if lacking
            else f"{OK} Airing posts: I can post in <#{config.airing_channel_id}>."
        )
    if in_channel:
        lacking = _needs(here.permissions_for(me), "spoiler-tag this")
        lines.append(
            f'{OFF} "Spoiler-tag this" is off in {here.mention} (optional): to turn it on there, give me '
            f"{', '.join(lacking)} in that channel."
            if lacking
            else f'{OK} "Spoiler-tag this" works in {here.mention}.'
        )
    return clip("\n".join(lines), 1024)


def setup_embed(
    config: GuildConfig, guild: discord.Guild, here: Any, rewatch: RewatchProgress | None = None
) -> discord.Embed:
    embed = discord.Embed(title=f"runon-bot setup for {guild.name}", colour=BRAND)
    if config.discussion_channel_id is None:
        discussion = f"{WARN} not set: `/discuss` can't open threads. Set one with `/setup discussion`."
    else:
        discussion = _channel_report(guild, config.discussion_channel_id, "discussion threads")
    embed.add_field(name="Discussion channel", value=discussion, inline=False)
    embed.add_field(name="Spoiler line for public posts", value=line_text(config, rewatch), inline=False)
    free = config.spoiler_free_channel_ids
    embed.add_field(
        name="Spoiler-free channels",
        value=(", ".join(f"<#{c}>" for c in sorted(free)) + "\nPlot points are always spoiler-tagged there.")
        if free
        else "none",
        inline=False,
    )
    embed.add_field(name="Server time zone", value=config.timezone or "UTC (not set)", inline=True)
    embed.add_field(name="Watch-party reminders", value=offsets_text(config), inline=True)
    if config.staff_channel_id is None:
        staff = "not set: delivery problems are only logged"
    else:
        channel = guild.get_channel(config.staff_channel_id)
        staff = f"<#{config.staff_channel_id}>"
        if channel is None:
            staff += f" {WARN} no longer exists"
        elif missing(channel.permissions_for(guild.me), frozenset({"view_channel", "send_messages"})):
            staff += f" {WARN} I can't post there (need View Channel and Send Messages)"
    embed.add_field(name="Staff channel", value=staff, inline=False)
    embed.add_field(name="Airing posts", value=airing_text(config), inline=False)
    embed.add_field(name="Episode polls", value=pulse_text(config, guild), inline=False)
    embed.add_field(name="What I can do, feature by feature", value=feature_report(config, guild, here), inline=False)
    embed.set_footer(text="Change a setting with /setup …; undo one with /setup reset")
    return embed


class SpoilerFreePicker(
    discord.ui.DynamicItem[discord.ui.ChannelSelect[discord.ui.View]], template=r"runon:setup:spoiler-free"
):
    def __init__(self, current: list[int] | None = None) -> None:
        select: discord.ui.ChannelSelect[discord.ui.View] = discord.ui.ChannelSelect(
            custom_id="runon:setup:spoiler-free",
            channel_types=[discord.ChannelType.text, discord.ChannelType.forum, discord.ChannelType.news],
            placeholder="Pick the spoiler-free channels (none = clear)",
            min_values=0,
            max_values=MAX_SPOILER_FREE_CHANNELS,
            default_values=[discord.Object(c, type=discord.abc.GuildChannel) for c in current or []],
        )
        super().__init__(select)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SpoilerFreePicker:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            require_manage_guild(interaction)
            assert interaction.guild_id is not None
            chosen = frozenset(channel.id for channel in self.item.values)
            config = await services_of(interaction).guilds.set_spoiler_free_channels(interaction.guild_id, chosen)
            listed = ", ".join(f"<#{c}>" for c in sorted(config.spoiler_free_channel_ids)) or "none"
            await interaction.response.edit_message(content=f"Saved. Spoiler-free channels: {listed}", view=None)
        except Exception as error:
            await report_error(interaction, error)


Setting = Literal[
    "discussion channel", "spoiler line", "spoiler-free channels", "time zone", "reminder times", "staff channel",
    "airing posts", "episode polls", "everything",
]  # fmt: skip


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(commands.GroupCog, group_name="setup", group_description="Configure runon-bot for this server"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        # Discord hides the commands from members without Manage Server, but server admins can
        # override that in Integrations: the rule is enforced here too.
        require_manage_guild(interaction)
        return True

    async def _config(self, interaction: Interaction) -> GuildConfig:
        assert interaction.guild_id is not None
        return await self.services.guilds.get(interaction.guild_id)

    @app_commands.command(name="show", description="The whole configuration and what I can and can't do")
    async def show(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        config = await self._config(interaction)
        rewatch = await self.services.rewatch.progress(interaction.guild.id, self.services.clock())
        await send(interaction, embed=setup_embed(config, interaction.guild, interaction.channel, rewatch))

    @app_commands.command(name="discussion", description="Where per-episode discussion threads live")
    @app_commands.describe(channel="A text channel (threads) or a forum channel (posts)")
    async def discussion(self, interaction: Interaction, channel: discord.TextChannel | discord.ForumChannel) -> None:
        assert interaction.guild is not None
        assert interaction.guild_id is not None
        await self.services.guilds.set_discussion_channel(interaction.guild_id, channel.id, self.services.clock())
        report = _channel_report(interaction.guild, channel.id, "discussion threads")
        await send(interaction, content=f"Discussion channel set to {channel.mention}.\n{report}")

    @app_commands.command(name="spoilers", description="The last episode everyone here is assumed to have seen")
    @app_commands.describe(line="Episode 0-16; public posts show up to it plainly and tag anything later")
    async def spoilers(self, interaction: Interaction, line: app_commands.Range[int, 0, 16]) -> None:
        assert interaction.guild_id is not None
        config = await self.services.guilds.set_spoiler_line(interaction.guild_id, line, self.services.clock())
        await send(interaction, content=f"Spoiler line set: {line_text(config)}.")

    @app_commands.command(name="spoiler-free", description="Channels where plot points are always spoiler-tagged")
    async def spoiler_free(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        current = sorted(config.spoiler_free_channel_ids)
        listed = ", ".join(f"<#{c}>" for c in current) or "none"
        await send(
            interaction,
            content=f"Spoiler-free channels now: {listed}.\nPick the full list below (deselect all to clear).",
            view=view_of(SpoilerFreePicker(current)),
        )

    @app_commands.command(name="timezone", description="The zone members' typed times mean when they set none")
    @app_commands.describe(zone="e.g. Asia/Seoul, America/New_York, or type a city")
    async def timezone(self, interaction: Interaction, zone: app_commands.Range[str, 1, 60]) -> None:
        assert interaction.guild_id is not None
        resolved = resolve_zone(zone)
        await self.services.guilds.set_timezone(interaction.guild_id, resolved.key, self.services.clock())
        await send(interaction, content=f"Server time zone set to **{resolved.key}**.")

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    @app_commands.command(name="reminders", description="When watch-party reminders go out before the start")
    @app_commands.describe(before="Up to 5 times, e.g. 1h, 10m (a reminder at the start is always sent)")
    async def reminders(self, interaction: Interaction, before: app_commands.Range[str, 1, 60]) -> None:
        assert interaction.guild_id is not None
        config = await self.services.guilds.set_party_offsets(interaction.guild_id, before, self.services.clock())
        await send(
            interaction,
            content=f"Watch-party reminders: {offsets_text(config)}. Parties created from now on use them.",
        )

    @app_commands.command(name="staff", description="Where I report problems delivering reminders")
    @app_commands.describe(channel="A staff-only text channel")
    async def staff(self, interaction: Interaction, channel: discord.TextChannel) -> None:
        assert interaction.guild_id is not None
        await self.services.guilds.set_staff_channel(interaction.guild_id, channel.id, self.services.clock())
        await send(interaction, content=f"I'll report delivery problems in {channel.mention}.")

    @app_commands.command(name="airing", description="Where airing reminders go, whom they ping, and when")
    @app_commands.describe(
        channel="The channel for airing posts",
        role="A role to ping (it must be mentionable by me)",
        offsets="Times before airtime, e.g. 24h, 30m (default); a post at airtime is always made",
    )
    async def airing(
        self,
        interaction: Interaction,
        channel: discord.TextChannel,
        role: discord.Role | None = None,
        offsets: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        perms = channel.permissions_for(guild.me)
        lacking = missing(perms, frozenset({"view_channel", "send_messages"}))
        if lacking:
            raise UserError(
                f"I can't post in {channel.mention}: I need {', '.join(lacking)} there. Nothing was changed."
            )
        if role is not None and not (role.mentionable or perms.mention_everyone):
            raise UserError(
                f"I can't ping {role.mention}: it isn't mentionable. Turn on *Allow anyone to @mention this role* in "
                f"Server Settings > Roles > {role.name}, or give me *Mention @everyone, @here and All Roles* in "
                f"{channel.mention}. Nothing was changed."
            )
        if role is not None and role.is_default():
            raise UserError("Pick a role rather than @everyone. Nothing was changed.")
        config = await self.services.guilds.set_airing(
            guild.id, channel.id, role.id if role else None, offsets, self.services.clock()
        )
        await send(interaction, content=f"Airing posts: {airing_text(config)}.")

    @app_commands.command(
        name="pulse", description="Episode polls: a 1-5 star poll in each episode's thread at airtime"
    )
    @app_commands.describe(setting="on or off (by default they are on when airing posts are on)")
    async def pulse(self, interaction: Interaction, setting: Literal["on", "off"]) -> None:
        guild = interaction.guild
        assert guild is not None
        config = await self.services.guilds.set_pulse(guild.id, setting == "on", self.services.clock())
        await send(interaction, content=f"Episode polls: {pulse_text(config, guild)}.")

    @app_commands.command(name="reset", description="Put a setting back to its default")
    @app_commands.describe(setting="What to reset")
    async def reset(self, interaction: Interaction, setting: Setting) -> None:
        assert interaction.guild_id is not None
        names = RESETTABLE if setting == "everything" else frozenset({setting})
        now = self.services.clock()
        config = await self.services.guilds.reset(interaction.guild_id, names, now)
        progress = await self.services.rewatch.progress(interaction.guild_id, now)
        described = {
            "discussion channel": "discussion channel: not set",
            "spoiler line": f"spoiler line: {line_text(config, progress)}",
            "spoiler-free channels": "spoiler-free channels: none",
            "time zone": "time zone: UTC",
            "reminder times": f"reminder times: {offsets_text(config)}",
            "staff channel": "staff channel: not set",
            "airing posts": "airing posts: off",
            "episode polls": f"episode polls: {pulse_text(config)}",
        }
        done = [text for name, text in described.items() if name in names]
        await send(interaction, content="Reset. " + "; ".join(done) + ".")


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(SpoilerFreePicker)
    await bot.add_cog(Setup(bot.services))
