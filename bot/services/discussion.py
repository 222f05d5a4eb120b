"""Per-episode discussion: thread names, opening posts, and one creation at a time per episode."""

from __future__ import annotations

import asyncio
import enum
import re
import weakref
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from bot.catalog import Catalog

FORUM_TAG_LIMIT = 20  # Discord allows at most 20 tags on a forum channel
SPOILER_TEXT_LIMIT = 1800  # leaves room for the label inside Discord's 2,000-character message


def thread_name(catalog: Catalog, episode: int) -> str:
    return f"Episode {episode} discussion \N{EM DASH} spoilers for ep {episode}"


def tag_name(episode: int) -> str:
    return f"Episode {episode}"


_FALLBACK_WORDS = re.compile(r"discuss|episode|\bep\b|spoiler|watch", re.IGNORECASE)


def fallback_tag(names: Sequence[str]) -> int | None:
    """When a forum requires a tag and "Episode N" can't be had: the index of the existing tag to use instead,
    preferring one about discussion or episodes, else the first one; None when there is none."""
    for index, name in enumerate(names):
        if _FALLBACK_WORDS.search(name):
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


@dataclass(frozen=True, slots=True)
class NoThread:
    """No thread, and why: ``reason`` is one sentence for people, saying what to change."""

    problem: ThreadProblem
    reason: str


def opening_post(catalog: Catalog, episode: int) -> str:
    return (
        f"**{catalog.show.title}, episode {episode}: discussion thread.**\n"
        f"Everything up to and including episode {episode} may be discussed here openly, so leave now if you "
        f"haven't watched it. Anything from later episodes goes in `||spoiler tags||` (or use `/spoiler`).\n"
        f"Episode facts: `/episode info episode:{episode}` \N{MIDDLE DOT} recap: `/recap episode:{episode}`"
    )


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = weakref.WeakValueDictionary()

    def __call__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock
