"""/setup: per-server configuration, for members with Manage Server. Answers are private, in the staff member's
own language; /setup language picks the language of the server's public posts."""

from __future__ import annotations

import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot, member_texts, report_error
from bot.errors import UserError
from bot.locale import choice_name, language_of, native_name, parse_language, shipped_languages
from bot.permissions import FEATURE_PERMISSIONS, OPTIONAL_PERMISSIONS, label
from bot.services.guild_config import MAX_SPOILER_FREE_CHANNELS, RESETTABLE, GuildConfig
from bot.services.rewatch import Airing, Position, Rewatch
from bot.services.spoiler_window import KEYWORD_RULES_PER_SERVER, MAX_HOURS, MIN_HOURS, AutoModProblem, Window
from bot.services.zones import resolve_zone

from .common import (
    BRAND,
    Interaction,
    Texts,
    clip,
    missing,
    require_manage_guild,
    send,
    services_of,
    view_of,
    zone_choices,
)

log = logging.getLogger(__name__)
RewatchProgress = tuple[Rewatch, list[Airing], Position]
OK = "\N{WHITE HEAVY CHECK MARK}"
WARN = "\N{WARNING SIGN}\N{VARIATION SELECTOR-16}"
OFF = "\N{HEAVY MINUS SIGN}"


def line_text(tr: Texts, config: GuildConfig, rewatch: RewatchProgress | None = None) -> str:
    if config.fixed_line is None:
        if rewatch is None or not rewatch[1]:
            return tr("automatic: episode 0 (nothing assumed seen; every plot point in public posts is spoiler-tagged)")
        row, schedule, at = rewatch
        first = min(a.episode for a in schedule)
        if row.paused:
            why = tr("where the rewatch stood when it was paused")
        elif at.last_aired == first - 1:
            why = (
                tr(
                    "the rewatch starts at episode {first}, so episodes 1-{before} count as seen",
                    first=first,
                    before=first - 1,
                )
                if first > 1
                else tr("the rewatch's first episode hasn't aired yet")
            )
        else:
            why = tr("the last episode whose rewatch slot has passed")
        shown = (
            tr("public posts show episodes 1-{n} plainly and tag anything later", n=at.last_aired)
            if at.last_aired
            else tr("every plot point in public posts is spoiler-tagged")
        )
        return tr("automatic: episode {n} ({why}; {shown})", n=at.last_aired, why=why, shown=shown)
    if config.fixed_line == 0:
        return tr("fixed at episode 0 (every plot point in public posts is spoiler-tagged)")
    return tr(
        "fixed at episode {n}: public posts show episodes 1-{n} plainly and tag anything later", n=config.fixed_line
    )


def airing_text(tr: Texts, config: GuildConfig) -> str:
    if config.airing_channel_id is None:
        return tr("off (set them up with `/setup airing`)")
    before = ", ".join(tr.offset(o) for o in config.airing_offsets)
    if config.airing_role_id:
        return tr(
            "in <#{channel}>, pinging <@&{role}>, {before} before and when each episode airs",
            channel=config.airing_channel_id,
            role=config.airing_role_id,
            before=before,
        )
    return tr(
        "in <#{channel}>, {before} before and when each episode airs", channel=config.airing_channel_id, before=before
    )


def pulse_text(tr: Texts, config: GuildConfig, guild: discord.Guild | None = None) -> str:
    """Whether episode polls are on, why, and what keeps them from working."""
    if not config.pulse_on:
        if config.pulse_setting is False:
            return tr("off (turned off by staff; turn them on with `/setup pulse on`)")
        return tr("off (they follow airing posts, which are off; turn them on with `/setup pulse on`)")
    if config.pulse_setting:
        text = tr(
            "on (turned on by staff): a 1-5 star poll in each episode's discussion thread when it airs, open 24 hours"
        )
    else:
        text = tr(
            "on (they follow airing posts): a 1-5 star poll in each episode's discussion thread when it airs, "
            "open 24 hours"
        )
    if config.discussion_channel_id is None:
        return f"{text}\n{WARN} " + tr(
            "no discussion channel: polls have nowhere to go. Pick one with `/setup discussion`."
        )
    channel = guild.get_channel(config.discussion_channel_id) if guild is not None else None
    if channel is not None and guild is not None:
        lacking = missing(tr, channel.permissions_for(guild.me), FEATURE_PERMISSIONS["episode polls"])
        if lacking:
            return f"{text}\n{WARN} " + tr(
                "I can't post polls in {channel}'s threads: I need {permissions} there.",
                channel=channel.mention,
                permissions=", ".join(lacking),
            )
    return text


def offsets_text(tr: Texts, config: GuildConfig) -> str:
    before = ", ".join(tr.offset(o) for o in config.party_offsets)
    return tr("{before} before, and when it starts", before=before)


def language_text(tr: Texts, config: GuildConfig, guild: discord.Guild | None, guild_locale: object) -> str:
    """The language of the server's public posts, and where it comes from."""
    if config.language is not None:
        return tr("{language} (chosen with `/setup language`)", language=native_name(config.language))
    automatic = language_of(getattr(guild, "preferred_locale", None) or guild_locale)
    return tr(
        "{language}: the server's Discord language (Server Settings > Community > Overview); change it with "
        "`/setup language`",
        language=native_name(automatic),
    )


def _channel_report(tr: Texts, guild: discord.Guild, channel_id: int, feature: str) -> str:
    channel = guild.get_channel(channel_id)
    if channel is None:
        return f"{WARN} " + tr(
            "<#{channel}> no longer exists or I can't see it. Pick another with `/setup discussion`.",
            channel=channel_id,
        )
    perms = channel.permissions_for(guild.me)
    forum = isinstance(channel, discord.ForumChannel)
    lacking = missing(tr, perms, FEATURE_PERMISSIONS[feature])
    if forum:
        threads, posts = label(tr, "create_public_threads"), label(tr, "create_posts")
        lacking = list(dict.fromkeys(posts if name == threads else name for name in lacking))
    kind = tr("forum") if forum else tr("text channel")
    lines = [f"{channel.mention} ({kind})"]
    if lacking:
        lines.append(
            f"{WARN} "
            + tr(
                "cannot create threads in {channel}: I need {permissions} there.",
                channel=channel.mention,
                permissions=", ".join(lacking),
            )
        )
    else:
        lines.append(f"{OK} " + tr("I can create and reopen episode threads there."))
    if forum:
        tagless = missing(tr, perms, OPTIONAL_PERMISSIONS["forum episode tags"])
        if tagless:
            lines.append(
                f"{WARN} "
                + tr(
                    "I can't create \"{tag}\" tags there (needs {permission}); I'll use tags staff create with those "
                    "names, or post untagged.",
                    tag=tr("Episode N"),
                    permission=", ".join(tagless),
                )
            )
    return "\n".join(lines)


def window_text(tr: Texts, window: Window, guild: discord.Guild | None) -> str:
    """The spoiler window: on or off, how long, what it exempts, whether the bot can keep its AutoMod rule."""
    if not window.on:
        return f"{OFF} " + tr(
            "off. `/setup spoiler-window setting:on` blocks each new episode's spoiler words (AutoMod) for a while "
            "after it airs, except in its discussion thread."
        )
    lines = [
        f"{OK} "
        + tr(
            "on: for {hours} hours from each episode's slot, its spoiler words are blocked everywhere except its "
            "discussion thread, the discussion channel and the exempt channels.",
            hours=window.hours,
        )
    ]
    if window.exempt:
        lines.append(tr("Exempt: {channels}", channels=", ".join(f"<#{c}>" for c in sorted(window.exempt))))
    if window.rule_id is not None and window.episode is not None:
        lines.append(tr("Now blocking episode {n}'s spoiler words.", n=window.episode))
    if guild is not None and not guild.me.guild_permissions.manage_guild:
        lines.append(
            f"{WARN} "
            + tr(
                "I need the {permission} permission (server-wide) to keep the AutoMod rule: without it the window "
                "does nothing.",
                permission=label(tr, "manage_guild"),
            )
        )
    elif window.problem is AutoModProblem.FULL:
        lines.append(
            f"{WARN} "
            + tr(
                "The last window couldn't start: the server already has Discord's maximum of {limit} keyword rules "
                "in AutoMod. Delete one in Server Settings > AutoMod.",
                limit=KEYWORD_RULES_PER_SERVER,
            )
        )
    elif window.problem not in (None, AutoModProblem.NO_PERMISSION):  # that one is read from the permission itself
        detail = (window.detail or "")[:200]
        lines.append(f"{WARN} " + tr("The last change to the rule failed: {detail}", detail=detail))
    return "\n".join(lines)


def _needs(tr: Texts, perms: discord.Permissions, feature: str) -> list[str]:
    return missing(tr, perms, FEATURE_PERMISSIONS[feature])


def feature_report(tr: Texts, config: GuildConfig, guild: discord.Guild, here: Any) -> str:
    """One line per feature: can the bot do it, and if not, exactly which permission is missing where."""
    me = guild.me
    lines: list[str] = []
    in_channel = isinstance(here, discord.abc.GuildChannel | discord.Thread)
    if in_channel:
        lacking = _needs(tr, here.permissions_for(me), "watch parties")
        lines.append(
            f"{WARN} "
            + tr(
                "Watch parties: I can't post their cards and reminders in {channel}: I need {permissions}.",
                channel=here.mention,
                permissions=", ".join(lacking),
            )
            if lacking
            else f"{OK} "
            + tr("Watch parties: I can post their cards and reminders in {channel}.", channel=here.mention)
        )
    if _needs(tr, me.guild_permissions, "watch-party events"):
        lines.append(
            f"{WARN} "
            + tr(
                "Watch-party events: I need the {permission} permission to add parties to the server's Events "
                "(Server Settings > Roles > my role). Since February 2026, {old} alone is not enough.",
                permission=label(tr, "create_events"),
                old=label(tr, "manage_events"),
            )
        )
    else:
        lines.append(
            f"{OK} "
            + tr(
                "Watch-party events: I can add parties to the server's Events (a voice-channel party also needs "
                "{view} and {connect} in that channel).",
                view=label(tr, "view_channel"),
                connect=label(tr, "connect"),
            )
        )
    if config.airing_channel_id is not None:
        channel = guild.get_channel(config.airing_channel_id)
        lacking = (
            _needs(tr, channel.permissions_for(me), "airing posts") if channel is not None else [tr("the channel")]
        )
        lines.append(
            f"{WARN} "
            + tr(
                "Airing posts: I can't post in <#{channel}>: I need {permissions} there.",
                channel=config.airing_channel_id,
                permissions=", ".join(lacking),
            )
            if lacking
            else f"{OK} " + tr("Airing posts: I can post in <#{channel}>.", channel=config.airing_channel_id)
        )
    if in_channel:
        lacking = _needs(tr, here.permissions_for(me), "spoiler-tag this")
        menu = tr("Spoiler-tag this")
        lines.append(
            f"{OFF} "
            + tr(
                '"{menu}" is off in {channel} (optional): to turn it on there, give me {permissions} in that channel.',
                menu=menu,
                channel=here.mention,
                permissions=", ".join(lacking),
            )
            if lacking
            else f"{OK} " + tr('"{menu}" works in {channel}.', menu=menu, channel=here.mention)
        )
    return clip("\n".join(lines), 1024)


def setup_embed(
    tr: Texts,
    config: GuildConfig,
    guild: discord.Guild,
    here: Any,
    rewatch: RewatchProgress | None = None,
    guild_locale: object = None,
    window: Window | None = None,
) -> discord.Embed:
    embed = discord.Embed(title=tr("runon-bot setup for {server}", server=guild.name), colour=BRAND)
    if config.discussion_channel_id is None:
        discussion = f"{WARN} " + tr("not set: `/discuss` can't open threads. Set one with `/setup discussion`.")
    else:
        discussion = _channel_report(tr, guild, config.discussion_channel_id, "discussion threads")
    embed.add_field(name=tr("Discussion channel"), value=discussion, inline=False)
    embed.add_field(name=tr("Spoiler line for public posts"), value=line_text(tr, config, rewatch), inline=False)
    free = config.spoiler_free_channel_ids
    embed.add_field(
        name=tr("Spoiler-free channels"),
        value=(", ".join(f"<#{c}>" for c in sorted(free)) + "\n" + tr("Plot points are always spoiler-tagged there."))
        if free
        else tr("none"),
        inline=False,
    )
    embed.add_field(
        name=tr("Language of public posts"), value=language_text(tr, config, guild, guild_locale), inline=False
    )
    embed.add_field(name=tr("Server time zone"), value=config.timezone or tr("UTC (not set)"), inline=True)
    embed.add_field(name=tr("Watch-party reminders"), value=offsets_text(tr, config), inline=True)
    if config.unreadable:  # stored by an older bot or edited by hand: the defaults apply meanwhile
        notes = {
            "reminder times": tr("Reminder times: stored in a form I can't read; the defaults apply until you set them "
                                 "again with `/setup reminders`."),
            "airing posts": tr("Airing reminder times: stored in a form I can't read; the defaults apply until you "
                               "set them again with `/setup airing`."),
            "time zone": tr("Server time zone: stored as a zone this system no longer knows; UTC applies until you "
                            "set it again with `/setup timezone`."),
        }  # fmt: skip
        embed.add_field(
            name=tr("Settings to set again"),
            value="\n".join(f"{WARN} {notes[name]}" for name in config.unreadable if name in notes),
            inline=False,
        )
    if config.staff_channel_id is None:
        staff = tr("not set: delivery problems are only logged")
    else:
        channel = guild.get_channel(config.staff_channel_id)
        staff = f"<#{config.staff_channel_id}>"
        if channel is None:
            staff += f" {WARN} " + tr("no longer exists")
        elif missing(tr, channel.permissions_for(guild.me), frozenset({"view_channel", "send_messages"})):
            staff += f" {WARN} " + tr(
                "I can't post there (need {view} and {send})",
                view=label(tr, "view_channel"),
                send=label(tr, "send_messages"),
            )
    embed.add_field(name=tr("Staff channel"), value=staff, inline=False)
    embed.add_field(name=tr("Airing posts"), value=airing_text(tr, config), inline=False)
    embed.add_field(name=tr("Episode polls"), value=pulse_text(tr, config, guild), inline=False)
    if window is not None:
        embed.add_field(name=tr("Spoiler window"), value=clip(window_text(tr, window, guild), 1024), inline=False)
    embed.add_field(
        name=tr("What I can do, feature by feature"), value=feature_report(tr, config, guild, here), inline=False
    )
    embed.set_footer(text=tr("Change a setting with /setup …; undo one with /setup reset"))
    return embed


class SpoilerFreePicker(
    discord.ui.DynamicItem[discord.ui.ChannelSelect[discord.ui.View]], template=r"runon:setup:spoiler-free"
):
    def __init__(self, current: list[int] | None = None, tr: Texts | None = None) -> None:
        select: discord.ui.ChannelSelect[discord.ui.View] = discord.ui.ChannelSelect(
            custom_id="runon:setup:spoiler-free",
            channel_types=[discord.ChannelType.text, discord.ChannelType.forum, discord.ChannelType.news],
            placeholder=tr("Pick the spoiler-free channels (none = clear)") if tr else None,
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
            tr = member_texts(interaction)
            chosen = frozenset(channel.id for channel in self.item.values)
            config = await services_of(interaction).guilds.set_spoiler_free_channels(interaction.guild_id, chosen)
            listed = ", ".join(f"<#{c}>" for c in sorted(config.spoiler_free_channel_ids)) or tr("none")
            content = tr("Saved. Spoiler-free channels: {channels}", channels=listed)
            await interaction.response.edit_message(content=content, view=None)
        except Exception as error:
            await report_error(interaction, error)


Setting = Literal[
    "discussion channel", "spoiler line", "spoiler-free channels", "time zone", "reminder times", "staff channel",
    "airing posts", "episode polls", "language", "everything",
]  # fmt: skip

#: Every language of the package (a new catalogue is a new choice), then "automatic".
LANGUAGE_CHOICES = [
    *(app_commands.Choice(name=choice_name(lang), value=lang) for lang in shipped_languages()),
    app_commands.Choice(name="Automatic: the server's Discord language", value="auto"),
]


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

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        try:
            await self.services.spoiler_window.channel_gone(channel.guild.id, channel.id, self.services.clock())
        except Exception:
            log.exception("could not take the deleted channel %s off the spoiler window's exempt list", channel.id)

    async def _config(self, interaction: Interaction) -> GuildConfig:
        assert interaction.guild_id is not None
        return await self.services.guilds.get(interaction.guild_id)

    @app_commands.command(name="show", description="The whole configuration and what I can and can't do")
    async def show(self, interaction: Interaction) -> None:
        assert interaction.guild is not None
        config = await self._config(interaction)
        rewatch = await self.services.rewatch.progress(interaction.guild.id, self.services.clock())
        window = await self.services.spoiler_window.get(interaction.guild.id)
        if (
            window.on
            and window.problem is AutoModProblem.NO_PERMISSION
            and interaction.guild.me.guild_permissions.manage_guild
        ):
            # Staff gave the permission back (the report told them /setup show says when it works): try now.
            await self.services.spoiler_window.try_again(interaction.guild.id, self.services.clock())
        tr = member_texts(interaction)
        embed = setup_embed(
            tr, config, interaction.guild, interaction.channel, rewatch, interaction.guild_locale, window
        )
        await send(interaction, embed=embed)

    @app_commands.command(name="discussion", description="Where per-episode discussion threads live")
    @app_commands.describe(channel="A text channel (threads) or a forum channel (posts)")
    async def discussion(self, interaction: Interaction, channel: discord.TextChannel | discord.ForumChannel) -> None:
        assert interaction.guild is not None
        assert interaction.guild_id is not None
        await self.services.guilds.set_discussion_channel(interaction.guild_id, channel.id, self.services.clock())
        tr = member_texts(interaction)
        report = _channel_report(tr, interaction.guild, channel.id, "discussion threads")
        await send(
            interaction, content=tr("Discussion channel set to {channel}.", channel=channel.mention) + f"\n{report}"
        )

    @app_commands.command(name="spoilers", description="The last episode everyone here is assumed to have seen")
    @app_commands.describe(line="Episode 0-16; public posts show up to it plainly and tag anything later")
    async def spoilers(self, interaction: Interaction, line: app_commands.Range[int, 0, 16]) -> None:
        assert interaction.guild_id is not None
        config = await self.services.guilds.set_spoiler_line(interaction.guild_id, line, self.services.clock())
        tr = member_texts(interaction)
        await send(interaction, content=tr("Spoiler line set: {line}.", line=line_text(tr, config)))

    @app_commands.command(name="spoiler-free", description="Channels where plot points are always spoiler-tagged")
    async def spoiler_free(self, interaction: Interaction) -> None:
        config = await self._config(interaction)
        tr = member_texts(interaction)
        current = sorted(config.spoiler_free_channel_ids)
        listed = ", ".join(f"<#{c}>" for c in current) or tr("none")
        await send(
            interaction,
            content=tr(
                "Spoiler-free channels now: {channels}.\nPick the full list below (deselect all to clear).",
                channels=listed,
            ),
            view=view_of(SpoilerFreePicker(current, tr)),
        )

    @app_commands.command(name="timezone", description="The zone members' typed times mean when they set none")
    @app_commands.describe(zone="e.g. Asia/Seoul, America/New_York, or type a city")
    async def timezone(self, interaction: Interaction, zone: app_commands.Range[str, 1, 60]) -> None:
        assert interaction.guild_id is not None
        resolved = resolve_zone(zone)
        await self.services.guilds.set_timezone(interaction.guild_id, resolved.key, self.services.clock())
        tr = member_texts(interaction)
        await send(interaction, content=tr("Server time zone set to **{zone}**.", zone=resolved.key))

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return zone_choices(current, member_texts(interaction))

    @app_commands.command(name="language", description="The language of the bot's public posts in this server")
    @app_commands.describe(language="Private answers always follow each member's own Discord language")
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def language(self, interaction: Interaction, language: app_commands.Choice[str]) -> None:
        assert interaction.guild_id is not None
        chosen = parse_language(language.value)
        config = await self.services.guilds.set_language(interaction.guild_id, chosen, self.services.clock())
        tr = member_texts(interaction)
        current = language_text(tr, config, interaction.guild, interaction.guild_locale)
        await send(
            interaction,
            content=tr(
                "Public posts here (shared answers, watch-party cards, reminders, airing posts and announcements) "
                "are now in: {language}. Private answers follow each member's own Discord language.",
                language=current,
            ),
        )

    @app_commands.command(name="reminders", description="When watch-party reminders go out before the start")
    @app_commands.describe(before="Up to 5 times, e.g. 1h, 10m (a reminder at the start is always sent)")
    async def reminders(self, interaction: Interaction, before: app_commands.Range[str, 1, 60]) -> None:
        assert interaction.guild_id is not None
        config = await self.services.guilds.set_party_offsets(interaction.guild_id, before, self.services.clock())
        tr = member_texts(interaction)
        await send(
            interaction,
            content=tr(
                "Watch-party reminders: {times}. Parties created from now on use them.", times=offsets_text(tr, config)
            ),
        )

    @app_commands.command(name="staff", description="Where I report problems delivering reminders")
    @app_commands.describe(channel="A staff-only text channel")
    async def staff(self, interaction: Interaction, channel: discord.TextChannel) -> None:
        assert interaction.guild_id is not None
        await self.services.guilds.set_staff_channel(interaction.guild_id, channel.id, self.services.clock())
        tr = member_texts(interaction)
        await send(interaction, content=tr("I'll report delivery problems in {channel}.", channel=channel.mention))

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
        tr = member_texts(interaction)
        perms = channel.permissions_for(guild.me)
        lacking = missing(tr, perms, frozenset({"view_channel", "send_messages"}))
        if lacking:
            raise UserError(
                "I can't post in {channel}: I need {permissions} there. Nothing was changed.",
                channel=channel.mention,
                permissions=", ".join(lacking),
            )
        if role is not None and not (role.mentionable or perms.mention_everyone):
            raise UserError(
                "I can't ping {role}: it isn't mentionable. Turn on *Allow anyone to @mention this role* in Server "
                "Settings > Roles > {name}, or give me *Mention @everyone, @here, and All Roles* in {channel}. "
                "Nothing was changed.",
                role=role.mention,
                name=role.name,
                channel=channel.mention,
            )
        if role is not None and role.is_default():
            raise UserError("Pick a role rather than @everyone. Nothing was changed.")
        config = await self.services.guilds.set_airing(
            guild.id, channel.id, role.id if role else None, offsets, self.services.clock()
        )
        await send(interaction, content=tr("Airing posts: {setting}.", setting=airing_text(tr, config)))

    @app_commands.command(
        name="pulse", description="Episode polls: a 1-5 star poll in each episode's thread at airtime"
    )
    @app_commands.describe(setting="on or off (by default they are on when airing posts are on)")
    async def pulse(self, interaction: Interaction, setting: Literal["on", "off"]) -> None:
        guild = interaction.guild
        assert guild is not None
        config = await self.services.guilds.set_pulse(guild.id, setting == "on", self.services.clock())
        tr = member_texts(interaction)
        await send(interaction, content=tr("Episode polls: {setting}", setting=pulse_text(tr, config, guild)))

    @app_commands.command(
        name="spoiler-window", description="Block a new episode's spoiler words (AutoMod) for a while after it airs"
    )
    @app_commands.describe(
        setting="on or off",
        hours="How long each window lasts after the episode's slot (1-72, default 24)",
        exempt="A channel where the words stay allowed (pick an exempt one again to take it back)",
    )
    async def spoiler_window(
        self,
        interaction: Interaction,
        setting: Literal["on", "off"] | None = None,
        hours: app_commands.Range[int, MIN_HOURS, MAX_HOURS] | None = None,
        exempt: discord.TextChannel | discord.ForumChannel | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        window = await self.services.spoiler_window.configure(
            guild.id,
            self.services.clock(),
            on=None if setting is None else setting == "on",
            hours=hours,
            exempt=exempt.id if exempt else None,
        )
        tr = member_texts(interaction)
        text = tr("Spoiler window: {setting}", setting=window_text(tr, window, guild))
        if exempt is not None:
            text += "\n" + (
                tr("{channel} is now exempt.", channel=exempt.mention)
                if exempt.id in window.exempt
                else tr("{channel} is no longer exempt.", channel=exempt.mention)
            )
        if window.on and guild.me.guild_permissions.manage_guild:
            text += "\n" + tr("If an episode's window is open now, its AutoMod rule is being set up; `/setup show` "
                              "tells how it went.")  # fmt: skip
        await send(interaction, content=clip(text, 2000))

    @app_commands.command(name="spoiler-words", description="An episode's spoiler words, and your own for it")
    @app_commands.describe(
        episode="The episode (1-16)",
        add="Words or phrases to block too, separated by commas",
        remove="Your own words to take back, separated by commas",
    )
    async def spoiler_words(
        self,
        interaction: Interaction,
        episode: app_commands.Range[int, 1, 16],
        add: app_commands.Range[str, 1, 400] | None = None,
        remove: app_commands.Range[str, 1, 400] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        words = self.services.spoiler_window
        if add is None and remove is None:
            pack, own = await words.words(interaction.guild_id, episode)
            missing_words: list[str] = []
        else:
            pack, own, missing_words = await words.change_words(
                interaction.guild_id, episode, add, remove, self.services.clock()
            )
        tr = member_texts(interaction)

        def listed(found: tuple[str, ...]) -> str:  # spoiler-tagged: they give the episode away
            return ", ".join(f"||{discord.utils.escape_markdown(w)}||" for w in found) or tr("none")

        lines = [
            tr("Episode {n}'s spoiler words (blocked while its window is open):", n=episode),
            tr("From the show pack: {words}", words=listed(pack)),
            tr("Your own: {words}", words=listed(own)),
        ]
        if missing_words:
            lines.append(
                f"{WARN} " + tr("Not in your list, so not removed: {words}", words=listed(tuple(missing_words)))
            )
        await send(interaction, content=clip("\n".join(lines), 2000))

    @app_commands.command(name="reset", description="Put a setting back to its default")
    @app_commands.describe(setting="What to reset")
    async def reset(self, interaction: Interaction, setting: Setting) -> None:
        assert interaction.guild_id is not None
        names = RESETTABLE if setting == "everything" else frozenset({setting})
        now = self.services.clock()
        config = await self.services.guilds.reset(interaction.guild_id, names, now)
        progress = await self.services.rewatch.progress(interaction.guild_id, now)
        tr = member_texts(interaction)
        described = {
            "discussion channel": tr("discussion channel: not set"),
            "spoiler line": tr("spoiler line: {line}", line=line_text(tr, config, progress)),
            "spoiler-free channels": tr("spoiler-free channels: none"),
            "time zone": tr("time zone: UTC"),
            "reminder times": tr("reminder times: {times}", times=offsets_text(tr, config)),
            "staff channel": tr("staff channel: not set"),
            "airing posts": tr("airing posts: off"),
            "episode polls": tr("episode polls: {setting}", setting=pulse_text(tr, config)),
            "language": tr(
                "language of public posts: {language}",
                language=language_text(tr, config, interaction.guild, interaction.guild_locale),
            ),
        }
        done = [text for name, text in described.items() if name in names]
        await send(interaction, content=tr("Reset. {settings}.", settings="; ".join(done)))


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(SpoilerFreePicker)
    await bot.add_cog(Setup(bot.services))
