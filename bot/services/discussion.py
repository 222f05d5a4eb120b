"""Per-episode discussion: thread names, opening posts, and one creation at a time per episode."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable

from bot.catalog import Catalog

FORUM_TAG_LIMIT = 20  # Discord allows at most 20 tags on a forum channel
SPOILER_TEXT_LIMIT = 1800  # leaves room for the label inside Discord's 2,000-character message


def thread_name(catalog: Catalog, episode: int) -> str:
    return f"Episode {episode} discussion \N{EM DASH} spoilers for ep {episode}"


def tag_name(episode: int) -> str:
    return f"Episode {episode}"


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
