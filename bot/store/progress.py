"""Member watch progress."""

from __future__ import annotations

from .database import Database


class ProgressRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> int | None:
        async with self._db.conn.execute("SELECT episode FROM member_progress WHERE user_id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        return None if row is None else int(row["episode"])

    async def set(self, user_id: int, episode: int, now_epoch: int) -> None:
        await self._db.conn.execute(
            "INSERT INTO member_progress (user_id, episode, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET episode = excluded.episode, updated_at = excluded.updated_at",
            (user_id, episode, now_epoch),
        )


# Every table that holds data about a member, with the column naming the member.
# A migration that adds such a table must add it here: /progress forget deletes from all of them.
USER_DATA: tuple[tuple[str, str], ...] = (
    ("member_progress", "user_id"),
    ("member_settings", "user_id"),
    ("rsvps", "user_id"),
    ("airing_subscribers", "user_id"),
)


class UserDataRepository:
    """Red-style per-user deletion across every table that stores member data."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def forget(self, user_id: int) -> int:
        removed = 0
        await self._db.conn.execute("BEGIN")
        try:
            for table, column in USER_DATA:
                cur = await self._db.conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))
                removed += cur.rowcount
            await self._db.conn.execute("COMMIT")
        except BaseException:
            await self._db.conn.execute("ROLLBACK")
            raise
        return removed
