"""The spoiler window's rows: a server's window settings and the rule it keeps, its exempt channels, staff's words."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from .dialect import insert_ignore_sql
from .sql import Connection, flag, marks

DEFAULT_HOURS = 24


class WindowRow(Struct, frozen=True):
    guild_id: int
    enabled: bool
    hours: int
    rule_id: int | None
    episode: int | None
    problem: str | None
    detail: str | None
    exempt: frozenset[int]


async def get(conn: Connection, guild_id: int) -> WindowRow:
    """The server's window (off, 24 hours, no rule when it has never been set)."""
    record = (
        await conn.execute(
            "SELECT enabled, hours, rule_id, episode, problem, detail FROM spoiler_windows WHERE guild_id = ?",
            (guild_id,),
        )
    ).first()
    found = await conn.execute("SELECT channel_id FROM spoiler_window_exempt WHERE guild_id = ?", (guild_id,))
    exempt = frozenset(int(x) for x in found.scalars())
    if record is None:
        return WindowRow(guild_id, False, DEFAULT_HOURS, None, None, None, None, exempt)
    enabled, hours, rule_id, episode, problem, detail = record
    return WindowRow(guild_id, flag(enabled), int(hours), rule_id, episode, problem, detail, exempt)


_ENSURE = insert_ignore_sql("spoiler_windows", ("guild_id", "updated_at"))


async def _ensure(conn: Connection, guild_id: int, now: int) -> None:
    await conn.execute(_ENSURE, (guild_id, now))


async def set_window(conn: Connection, guild_id: int, *, enabled: bool, hours: int, now: int) -> None:
    await _ensure(conn, guild_id, now)
    await conn.execute(
        "UPDATE spoiler_windows SET enabled = ?, hours = ?, updated_at = ? WHERE guild_id = ?",
        (int(enabled), hours, now, guild_id),
    )


async def set_rule(
    conn: Connection,
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
        "UPDATE spoiler_windows SET rule_id = ?, episode = ?, problem = ?, detail = ?, updated_at = ? "
        "WHERE guild_id = ?",
        (rule_id, episode, problem, detail, now, guild_id),
    )


async def set_exempt(conn: Connection, guild_id: int, channel_ids: Sequence[int]) -> None:
    await conn.execute("DELETE FROM spoiler_window_exempt WHERE guild_id = ?", (guild_id,))
    if channel_ids:
        await conn.executemany(
            "INSERT INTO spoiler_window_exempt (guild_id, channel_id) VALUES (?, ?)",
            [(guild_id, c) for c in channel_ids],
        )


async def words(conn: Connection, guild_id: int, episode: int) -> list[str]:
    found = await conn.execute(
        "SELECT word FROM spoiler_words WHERE guild_id = ? AND episode = ? ORDER BY folded", (guild_id, episode)
    )
    return [str(x) for x in found.scalars()]


_ADD_WORD = insert_ignore_sql("spoiler_words", ("guild_id", "episode", "folded", "word"))


async def add_words(conn: Connection, guild_id: int, episode: int, added: Sequence[str]) -> None:
    if added:
        await conn.executemany(_ADD_WORD, [(guild_id, episode, word.casefold(), word) for word in added])


async def remove_words(conn: Connection, guild_id: int, episode: int, removed: Sequence[str]) -> int:
    if not removed:
        return 0
    folded = [word.casefold() for word in removed]
    sql = f"DELETE FROM spoiler_words WHERE guild_id = ? AND episode = ? AND folded IN ({marks(len(folded))})"
    return (await conn.execute(sql, (guild_id, episode, *folded))).rowcount
