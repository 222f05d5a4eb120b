"""The spoiler window's rows: a server's window settings and the rule it keeps, its exempt channels, staff's words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from .dialect import insert, insert_ignore
from .schema import spoiler_window_exempt, spoiler_windows, spoiler_words

w = spoiler_windows
DEFAULT_HOURS = 24


@dataclass(frozen=True, slots=True)
class WindowRow:
    guild_id: int
    enabled: bool
    hours: int
    rule_id: int | None
    episode: int | None
    problem: str | None
    detail: str | None
    exempt: frozenset[int]


async def get(conn: AsyncConnection, guild_id: int) -> WindowRow:
    """The server's window (off, 24 hours, no rule when it has never been set)."""
    record = (
        await conn.execute(
            sa.select(w.c.enabled, w.c.hours, w.c.rule_id, w.c.episode, w.c.problem, w.c.detail).where(
                w.c.guild_id == guild_id
            )
        )
    ).first()
    exempt = frozenset(
        int(x)
        for (x,) in await conn.execute(
            sa.select(spoiler_window_exempt.c.channel_id).where(spoiler_window_exempt.c.guild_id == guild_id)
        )
    )
    if record is None:
        return WindowRow(guild_id, False, DEFAULT_HOURS, None, None, None, None, exempt)
    enabled, hours, rule_id, episode, problem, detail = tuple(record)
    return WindowRow(guild_id, bool(enabled), int(hours), rule_id, episode, problem, detail, exempt)


async def _ensure(conn: AsyncConnection, guild_id: int, now: int) -> None:
    await conn.execute(insert_ignore(conn, w, {"guild_id": guild_id, "updated_at": now}))


async def set_window(conn: AsyncConnection, guild_id: int, *, enabled: bool, hours: int, now: int) -> None:
    await _ensure(conn, guild_id, now)
    await conn.execute(
        sa.update(w).where(w.c.guild_id == guild_id).values(enabled=int(enabled), hours=hours, updated_at=now)
    )


async def set_rule(
    conn: AsyncConnection,
    guild_id: int,
    *,
    rule_id: int | None,
    episode: int | None,
    problem: str | None,
    detail: str | None,
    now: int,
) -> None:
    """Record the rule the bot keeps (None: none) and the last problem keeping it."""
    await _ensure(conn, guild_id, now)
    await conn.execute(
        sa.update(w)
        .where(w.c.guild_id == guild_id)
        .values(rule_id=rule_id, episode=episode, problem=problem, detail=detail, updated_at=now)
    )


async def set_exempt(conn: AsyncConnection, guild_id: int, channel_ids: Sequence[int]) -> None:
    t = spoiler_window_exempt
    await conn.execute(sa.delete(t).where(t.c.guild_id == guild_id))
    if channel_ids:
        await conn.execute(insert(conn, t), [{"guild_id": guild_id, "channel_id": c} for c in channel_ids])


async def words(conn: AsyncConnection, guild_id: int, episode: int) -> list[str]:
    t = spoiler_words
    query = sa.select(t.c.word).where(t.c.guild_id == guild_id, t.c.episode == episode).order_by(t.c.folded)
    return [str(x) for (x,) in await conn.execute(query)]


async def add_words(conn: AsyncConnection, guild_id: int, episode: int, added: Sequence[str]) -> None:
    t = spoiler_words
    for word in added:
        values = {"guild_id": guild_id, "episode": episode, "folded": word.casefold(), "word": word}
        await conn.execute(insert_ignore(conn, t, values))


async def remove_words(conn: AsyncConnection, guild_id: int, episode: int, removed: Sequence[str]) -> int:
    t = spoiler_words
    if not removed:
        return 0
    statement = sa.delete(t).where(
        t.c.guild_id == guild_id, t.c.episode == episode, t.c.folded.in_([word.casefold() for word in removed])
    )
    return (await conn.execute(statement)).rowcount
