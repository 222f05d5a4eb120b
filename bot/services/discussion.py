"""Per-episode discussion: thread names, opening posts, and one creation at a time per episode."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Sequence
from typing import Protocol

from msgspec import Struct

from bot.clock import epoch
from bot.locale import Msg
from bot.services.timeparse.lexicon import parser_words
from bot.store import Database, ThreadRow, guilds

__all__ = ["DiscussionService", "NoThread", "ThreadLink", "ThreadOpener", "ThreadProblem", "ThreadRecord"]

from .cache import Cache
from .locks import KeyedLocks

FORUM_TAG_LIMIT = 20  # Discord allows at most 20 tags on a forum channel
SPOILER_TEXT_LIMIT = 1800  # leaves room for the label inside Discord's 2,000-character message


@functools.cache
def _fallback_words() -> re.Pattern[str]:
    """Words of a forum tag about discussion or episodes, from the time lexicons (``[parsers.tags]``): "spoiler",
    "ep" as a whole word, "토론", an episode number with its word ("3화")."""
    words = parser_words()
    found = [re.escape(word) for word in words.tag_words]
    found += [rf"\b{re.escape(word)}\b" for word in words.tag_whole_words]
    found += [rf"\d+{re.escape(word)}" for word in words.episode_after]
    return re.compile("|".join(found) or "(?!)", re.IGNORECASE)


def fallback_tag(names: Sequence[str]) -> int | None:
    """When a forum requires a tag and "Episode N" can't be had: the index of the existing tag to use instead,
    preferring one about discussion or episodes, else the first one; None when there is none."""
    for index, name in enumerate(names):
        if _fallback_words().search(name):
            return index
    return 0 if names else None


class ThreadProblem(enum.Enum):
    """Why an episode's discussion thread could not be had."""

    NO_CHANNEL = "no_channel"  # the server has not picked a discussion channel
    CHANNEL_GONE = "channel_gone"  # the picked channel was deleted or is hidden from the bot
    MISSING_PERMISSIONS = "missing_permissions"  # the bot lacks a permission there
    TAG_REQUIRED = "tag_required"  # a forum requires a tag on every post and the bot can't add one
    LOCKED = "locked"  # the thread is archived and locked
    REFUSED = "refused"  # Discord refused for another reason (or failed): trying again may work


class NoThread(Struct, frozen=True):
    """No thread, and why: ``reason`` is one sentence for people, saying what to change (rendered in the
    language of whoever reads it: the member who asked, or the server's airing post)."""

    problem: ThreadProblem
    reason: Msg


class ThreadRecord(Struct, frozen=True):
    """An episode's discussion thread in a server, as recorded: the thread and the channel it was opened in."""

    guild_id: int
    episode: int
    thread_id: int
    parent_id: int


class ThreadLink(Struct, frozen=True):
    """An episode's discussion thread, or why there is none."""

    thread_id: int | None
    why: NoThread | None = None


class ThreadOpener(Protocol):
    """Opens an episode's discussion thread on Discord (:class:`bot.threads.DiscordThreads`): what the airing post and
    the episode poll link to."""

    async def open(self, guild_id: int, episode: int) -> ThreadLink:
        """The episode's thread in the server, opened or created, or why there is none."""
        ...


class DiscussionService:
    """Which thread belongs to which episode in each server, one creation at a time per episode.

    Opening a thread is Discord I/O (a :class:`ThreadOpener`, built beside the transport); it records what it opened
    here and takes :attr:`locks` around each creation."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: Cache[tuple[int, int], ThreadRecord | None] = Cache(db.bus, "thread")
        self.locks = KeyedLocks()

    async def thread(self, guild_id: int, episode: int) -> ThreadRecord | None:
        return await self._cache.get((guild_id, episode), lambda: self._load(guild_id, episode))

    async def _load(self, guild_id: int, episode: int) -> ThreadRecord | None:
        async with self._db.read() as conn:
            row = await guilds.get_thread(conn, guild_id, episode)
        return None if row is None else ThreadRecord(row.guild_id, row.episode, row.thread_id, row.parent_id)

    async def record(self, guild_id: int, episode: int, thread_id: int, parent_id: int, now: dt.datetime) -> None:
        row = ThreadRow(guild_id, episode, thread_id, parent_id)
        async with self._db.transaction() as tx:
            await guilds.put_thread(tx.conn, row, epoch(now))
            await self._cache.changed(tx, (row.guild_id, row.episode))

    async def count(self, guild_id: int) -> int:
        async with self._db.read() as conn:
            return await guilds.count_threads(conn, guild_id)
