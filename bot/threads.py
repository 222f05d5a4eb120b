"""The Discord side of episode discussion threads: find the server's discussion channel, open (or reopen) an
episode's thread or create it with its tag and opening post, and record it through the discussion service.

It sits beside :mod:`bot.transport`: the composition root (:mod:`bot.app`) builds one :class:`DiscordThreads` for the
client and passes it to what opens threads, the airing post and the episode poll (as their
:class:`~bot.services.discussion.ThreadOpener`) and ``/discuss`` (through :attr:`bot.app.Services.threads`).
"""

from __future__ import annotations

from typing import Final

import discord

from bot.catalog import Catalog
from bot.clock import Clock
from bot.locale import Msg, Texts, languages, msg
from bot.permissions import FEATURE_PERMISSIONS, OPTIONAL_PERMISSIONS, label
from bot.services.discussion import (
    FORUM_TAG_LIMIT,
    DiscussionService,
    NoThread,
    ThreadLink,
    ThreadProblem,
    ThreadRecord,
    fallback_tag,
)
from bot.services.guild_config import GuildConfigService
from bot.services.language import LanguageService

__all__ = ["ARCHIVE_AFTER_MINUTES", "DiscordThreads", "Parent", "Refused", "opening_post", "tag_name", "thread_name"]

ARCHIVE_AFTER_MINUTES: Final = 10080  # a week: episode threads stay open through a rewatch week
TAG_REQUIRED_CODE: Final = 40067  # Discord: "A tag is required to create a forum post in this channel"

Parent = discord.TextChannel | discord.ForumChannel


class Refused(Exception):
    """Stop making the thread, with the reason to give."""

    def __init__(self, why: NoThread) -> None:
        self.why = why


def thread_name(tr: Texts, episode: int) -> str:
    """The thread's name says which episode's spoilers it holds (in the server's language)."""
    return tr("Episode {n} discussion \N{EM DASH} spoilers for ep {n}", n=episode)


def tag_name(tr: Texts, episode: int) -> str:
    return tr("Episode {n}", n=episode)


def opening_post(tr: Texts, title: str, episode: int) -> str:
    return tr(
        "**{show}, episode {n}: discussion thread.**\nEverything up to and including episode {n} may be discussed "
        "here openly, so leave now if you haven't watched it. Anything from later episodes goes in "
        "`||spoiler tags||` (or use `/spoiler`).\nEpisode facts: `/episode info episode:{n}` \N{MIDDLE DOT} recap: "
        "`/recap episode:{n}`",
        show=title,
        n=episode,
    )


class DiscordThreads:
    """Opens episode discussion threads through the client (a :class:`~bot.services.discussion.ThreadOpener`)."""

    def __init__(
        self,
        client: discord.Client,
        catalog: Catalog,
        guilds: GuildConfigService,
        language: LanguageService,
        discussion: DiscussionService,
        clock: Clock,
    ) -> None:
        self._client = client
        self._catalog = catalog
        self._guilds = guilds
        self._language = language
        self._discussion = discussion
        self._clock = clock

    async def open(self, guild_id: int, episode: int) -> ThreadLink:
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return ThreadLink(None, NoThread(ThreadProblem.CHANNEL_GONE, msg("I'm not in that server any more.")))
        found = await self.ensure_thread(guild, episode)
        return ThreadLink(None, found) if isinstance(found, NoThread) else ThreadLink(found.id)

    async def ensure_thread(self, guild: discord.Guild, episode: int) -> discord.Thread | NoThread:
        """The episode's thread, opened or created, for other features (airing posts); or why there is none."""
        parent = await self.parent(guild)
        if isinstance(parent, NoThread):
            return parent
        async with self._discussion.locks((guild.id, episode)):
            try:
                thread, _created, _note = await self.thread_for(guild, parent, episode)
            except Refused as refused:
                return refused.why
        return thread

    async def parent(self, guild: discord.Guild) -> Parent | NoThread:
        """The server's discussion channel, if the bot can create threads in it; else why not."""
        config = await self._guilds.get(guild.id)
        if config.discussion_channel_id is None:
            return NoThread(
                ThreadProblem.NO_CHANNEL,
                msg(
                    "This server has no discussion channel yet. Someone with Manage Server can pick one with "
                    "`/setup discussion`."
                ),
            )
        parent = guild.get_channel(config.discussion_channel_id)
        if not isinstance(parent, discord.TextChannel | discord.ForumChannel):
            return NoThread(
                ThreadProblem.CHANNEL_GONE,
                msg("The discussion channel is gone. Ask staff to pick a new one with `/setup discussion`."),
            )
        needed = FEATURE_PERMISSIONS["discussion threads"]
        if [p for p in needed if not getattr(parent.permissions_for(guild.me), p)]:
            return NoThread(
                ThreadProblem.MISSING_PERMISSIONS,
                msg(
                    "I can't create threads in {channel}: I need {permissions} there.",
                    channel=parent.mention,
                    permissions=_Permissions(parent.permissions_for(guild.me), needed),
                ),
            )
        return parent

    async def open_cached(self, guild: discord.Guild, parent: Parent, episode: int) -> discord.Thread | None:
        """The episode's thread if it is known, in the gateway cache and open; else None."""
        row = await self._discussion.thread(guild.id, episode)
        if row is None or row.parent_id != parent.id:
            return None
        thread = guild.get_thread(row.thread_id)
        return thread if thread is not None and not thread.archived else None

    async def _existing(self, guild: discord.Guild, row: ThreadRecord) -> discord.Thread | None:
        thread = guild.get_thread(row.thread_id)
        if thread is None:
            try:
                fetched = await guild.fetch_channel(row.thread_id)
            except (discord.NotFound, discord.Forbidden):
                return None
            thread = fetched if isinstance(fetched, discord.Thread) else None
        if thread is not None and thread.archived:
            try:
                thread = await thread.edit(archived=False)
            except discord.Forbidden:
                raise Refused(
                    NoThread(
                        ThreadProblem.LOCKED,
                        msg(
                            "The episode thread {thread} is archived and locked; ask staff to reopen it.",
                            thread=thread.mention,
                        ),
                    )
                ) from None
        return thread

    async def thread_for(
        self, guild: discord.Guild, parent: Parent, episode: int
    ) -> tuple[discord.Thread, bool, Msg | None]:
        """The thread, whether it was just created, and a note for the member (a fallback tag was used). Its name,
        tag and opening post are in the server's language."""
        row = await self._discussion.thread(guild.id, episode)
        if row is not None and row.parent_id == parent.id:
            try:
                existing = await self._existing(guild, row)
            except discord.HTTPException as error:  # Discord failing to look it up or reopen it: try later
                raise Refused(self._refused(parent, error)) from None
            if existing is not None:
                return existing, False, None
        show = self._catalog.show
        tr = await self._language.server(guild.id, guild.preferred_locale)
        name = thread_name(tr, episode)
        title = show.title_for(tr)
        note: Msg | None = None
        try:
            if isinstance(parent, discord.ForumChannel):
                tag, note = await self._episode_tag(tr, guild, parent, episode)
                made = await parent.create_thread(
                    name=name,
                    content=opening_post(tr, title, episode),
                    applied_tags=[tag] if tag else [],
                    auto_archive_duration=ARCHIVE_AFTER_MINUTES,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
                thread = made.thread
            else:
                thread = await parent.create_thread(
                    name=name, type=discord.ChannelType.public_thread, auto_archive_duration=ARCHIVE_AFTER_MINUTES
                )
                await thread.send(opening_post(tr, title, episode), allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            raise Refused(
                NoThread(
                    ThreadProblem.MISSING_PERMISSIONS,
                    msg(
                        "Discord refused to open the thread in {channel}. Please ask staff to check that I have "
                        "{permissions} there.",
                        channel=parent.mention,
                        permissions=_Permissions(None, FEATURE_PERMISSIONS["discussion threads"]),
                    ),
                )
            ) from None
        except discord.HTTPException as error:
            if error.code == TAG_REQUIRED_CODE:
                raise Refused(self._tag_required(tr, parent, episode)) from None
            raise Refused(self._refused(parent, error)) from None
        await self._discussion.record(guild.id, episode, thread.id, parent.id, self._clock())
        return thread, True, note

    @staticmethod
    def _refused(parent: Parent, error: discord.HTTPException) -> NoThread:
        detail = f"{error.status}: {error.text}" if error.text else str(error.status)
        return NoThread(
            ThreadProblem.REFUSED,
            msg(
                "Discord refused to open the thread in {channel} ({detail}). Try again in a moment.",
                channel=parent.mention,
                detail=detail,
            ),
        )

    @staticmethod
    def _tag_required(tr: Texts, forum: Parent, episode: int) -> NoThread:
        return NoThread(
            ThreadProblem.TAG_REQUIRED,
            msg(
                '{forum} requires a tag on every post and I can\'t add one: ask staff to create an "{tag}" tag there, '
                "or to give me {permission} in it so I can.",
                forum=forum.mention,
                tag=tag_name(tr, episode),
                permission=_Permissions(None, frozenset({"manage_channels"})),
            ),
        )

    async def _episode_tag(
        self, tr: Texts, guild: discord.Guild, forum: discord.ForumChannel, episode: int
    ) -> tuple[discord.ForumTag | None, Msg | None]:
        """The tag for the episode's post, and a note when it is not "Episode N" (in the server's language ``tr``;
        a tag named in another language the bot speaks is used too, e.g. after the server changed its language).

        "Episode N" if it exists, else created when the bot may (Manage Channels, fewer than 20 tags). A forum that
        requires a tag then gets an existing one the bot may apply, preferably about discussion or episodes; a
        forum that does not get an untagged post. Raises :class:`Refused` when a tag is required and none works.
        """
        perms = forum.permissions_for(guild.me)
        usable = [tag for tag in forum.available_tags if not tag.moderated or perms.manage_threads]
        wanted = tag_name(tr, episode)
        names = {tag_name(self._language.texts(lang), episode).casefold() for lang in languages()}
        for preferred in (True, False):
            for tag in usable:
                if tag.name.casefold() == wanted.casefold() or (not preferred and tag.name.casefold() in names):
                    return tag, None
        can_manage = not [p for p in OPTIONAL_PERMISSIONS["forum episode tags"] if not getattr(perms, p)]
        if can_manage and len(forum.available_tags) < FORUM_TAG_LIMIT:
            try:
                return await forum.create_tag(name=wanted), None
            except discord.HTTPException:
                pass  # a tag that another bot or staff just added, a limit: fall back below
        if not forum.flags.require_tag:
            return None, None
        index = fallback_tag([tag.name for tag in usable])
        if index is None:
            raise Refused(self._tag_required(tr, forum, episode))
        fallback = usable[index]
        return fallback, msg(
            'I tagged it "{used}": staff can add an "{tag}" tag (or give me {permission} there).',
            used=fallback.name,
            tag=wanted,
            permission=_Permissions(None, frozenset({"manage_channels"})),
        )


class _Permissions:
    """Permission names rendered in the reader's language: the ones of ``needed`` that ``have`` lacks (all of them
    when ``have`` is None)."""

    def __init__(self, have: discord.Permissions | None, needed: frozenset[str]) -> None:
        self.names = sorted(p for p in needed if have is None or not getattr(have, p))

    def render(self, tr: Texts) -> str:
        return ", ".join(sorted(label(tr, p) for p in self.names))
