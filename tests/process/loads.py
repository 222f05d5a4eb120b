"""Workloads for tests and benchmarks that run real bot processes on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from bot.store import Database
from bot.store.sql import marks
from tests.conftest import wipe_postgres


async def due_party_reminders(
    url: str, count: int, now: dt.datetime, *, base_channel: int, spread: int = 30, lead: int = 60
) -> None:
    """Wipe the database, then ``count`` watch parties (one channel each, spread over 100 servers), each with a
    reminder due ``lead`` seconds before its start; the reminders fall due over ``spread`` seconds from now (so
    a drain that takes longer than ``lead`` finds later ones stale, as a real bot would)."""
    await wipe_postgres(url)
    db = await Database.open(url, listen=False)
    try:
        base = int(now.timestamp()) + lead
        parties, queue = [], []
        for index in range(count):
            starts = base + index * spread // count
            guild = 700_000_000_000_000_000 + index % 100
            parties.append(
                {
                    "id": index + 1,
                    "guild_id": guild,
                    "channel_id": base_channel + index,
                    "host_id": 1,
                    "first_episode": 1,
                    "last_episode": 1,
                    "starts_at": starts,
                    "ends_at": starts + 4200,
                    "timezone": "UTC",
                    "note": "",
                    "created_at": 0,
                    "updated_at": 0,
                }
            )
            queue.append(
                {
                    "kind": "party",
                    "guild_id": guild,
                    "ref_id": index + 1,
                    "offset_seconds": lead,
                    "event_at": starts,
                    "due_at": starts - lead,
                }
            )
        async with db.transaction() as tx:
            for table, rows in (("watch_parties", parties), ("reminders", queue)):
                names = list(rows[0])
                await tx.conn.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks(len(names))})",
                    [tuple(row[name] for name in names) for row in rows],
                )
            await tx.conn.execute(f"SELECT setval('watch_parties_id_seq', {count + 1}, false)")
    finally:
        await db.close()
