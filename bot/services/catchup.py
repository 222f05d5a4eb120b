"""Catch-up digests: what happens from a member's progress to where the server is, in about two minutes.

The digest is built from the pack's recaps only. Every episode in the range gets its opening point; then,
while the reading budget lasts, its closing point (where the episode leaves its characters), then the
points in between in story order. Points are always shown in story order, an episode without a recap
says so, and nothing after the digest's last episode is ever included.
"""

from __future__ import annotations

import datetime as dt
import enum

from msgspec import Struct

from bot.catalog import Catalog, NotInPack, RecapStatus, Revealing

from .guild_config import GuildConfigService
from .progress import ProgressService
from .rewatch import RewatchService

WORDS_PER_MINUTE = 230  # an unhurried adult reading pace
BUDGET_MINUTES = 2
BUDGET_WORDS = WORDS_PER_MINUTE * BUDGET_MINUTES


def words(text: str) -> int:
    return len(text.split())


class DigestEpisode(Struct, frozen=True):
    number: int
    recap_status: RecapStatus  # 'partial': thin sources
    points: tuple[Revealing, ...]  # the highlights, in story order
    left_out: int  # recap points not shown (the full recap has them)


class Digest(Struct, frozen=True):
    first: int
    last: int
    episodes: tuple[DigestEpisode, ...]

    @property
    def words(self) -> int:
        return sum(words(p.text) for e in self.episodes for p in e.points)

    @property
    def minutes(self) -> int:
        """Reading time, rounded to whole minutes (at least one)."""
        return max(1, round(self.words / WORDS_PER_MINUTE))


def _priority(count: int) -> list[int]:
    """The order in which an episode's points are taken: opening, closing, then the rest in story order."""
    if count == 0:
        return []
    order = [0] + ([count - 1] if count > 1 else [])
    return order + list(range(1, count - 1))


def digest(catalog: Catalog, first: int, last: int, budget: int = BUDGET_WORDS) -> Digest:
    """Highlights of episodes ``first``..``last`` within ``budget`` words (each episode keeps at least its
    opening point, so a long stretch may run a little over)."""
    if not 1 <= first <= last <= catalog.episode_count:
        raise ValueError(f"no episodes {first}-{last}")
    episodes = [catalog.episode(n) for n in range(first, last + 1)]
    chosen: dict[int, set[int]] = {e.number: set() for e in episodes}
    used = 0
    rounds = max((len(e.recap) for e in episodes), default=0)
    for depth in range(rounds):
        for episode in episodes:
            order = _priority(len(episode.recap))
            if depth >= len(order):
                continue
            index = order[depth]
            size = words(episode.recap[index].text)
            if depth == 0 or used + size <= budget:
                chosen[episode.number].add(index)
                used += size
    return Digest(
        first,
        last,
        tuple(
            DigestEpisode(
                e.number,
                e.recap_status,
                tuple(e.recap[i] for i in sorted(chosen[e.number])),
                len(e.recap) - len(chosen[e.number]),
            )
            for e in episodes
        ),
    )


class Nothing(enum.Enum):
    """Why there is no digest to give (the cog says it in the member's words)."""

    NO_LINE_HERE = "no_line_here"  # outside a server, and no `to`
    LINE_AT_ZERO = "line_at_zero"  # the server assumes nothing seen, and no `to`
    CAUGHT_UP = "caught_up"  # the member has watched up to the end already


class CatchupPlan(Struct, frozen=True):
    """What ``/catchup`` covers for a member (``digest``), or why there is nothing to cover (``nothing``)."""

    horizon: int  # the member's progress
    line: int | None  # the server's spoiler line (None outside a server)
    end: int  # the last episode the digest covers (0 when there is no end)
    digest: Digest | None
    nothing: Nothing | None = None


class CatchupService:
    def __init__(
        self, catalog: Catalog, guilds: GuildConfigService, rewatch: RewatchService, progress: ProgressService
    ) -> None:
        self._catalog = catalog
        self._guilds = guilds
        self._rewatch = rewatch
        self._progress = progress

    async def server_line(self, guild_id: int, now: dt.datetime) -> int:
        """The server's spoiler line: fixed by staff, else where its rewatch has reached (0 without one)."""
        config = await self._guilds.get(guild_id)
        if config.fixed_line is not None:
            return config.fixed_line
        return await self._rewatch.automatic_line(guild_id, now)

    async def plan(self, user_id: int, guild_id: int | None, to: int | None, now: dt.datetime) -> CatchupPlan:
        """The digest from the member's progress to ``to`` or, without it, to the server's spoiler line."""
        last = self._catalog.episode_count
        if to is not None and not 1 <= to <= last:
            raise NotInPack(to)
        horizon = await self._progress.horizon(user_id)
        line = None if guild_id is None else await self.server_line(guild_id, now)
        if to is None and line is None:
            return CatchupPlan(horizon, line, 0, None, Nothing.NO_LINE_HERE)
        if to is None and line == 0:
            return CatchupPlan(horizon, line, 0, None, Nothing.LINE_AT_ZERO)
        end = to if to is not None else line
        assert end is not None
        if horizon >= end:
            return CatchupPlan(horizon, line, end, None, Nothing.CAUGHT_UP)
        return CatchupPlan(horizon, line, end, digest(self._catalog, horizon + 1, end))

    async def mark_watched(self, user_id: int, end: int, now: dt.datetime) -> tuple[int, int]:
        """Move the member's progress to ``end`` (never backwards). Returns (before, after)."""
        before = await self._progress.horizon(user_id)
        if before >= end:
            return before, before
        await self._progress.set(user_id, end, now)
        return before, end
