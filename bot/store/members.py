"""Per-member preferences: time zone, DM copies of watch-party reminders, refused DMs, the language they use."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from .dialect import upsert_sql
from .sql import Connection, flag, marks

#: Caches of member settings listen on this topic; whoever writes them announces it (``db.bus.publish``).
CACHE_TOPIC = "member"


class MemberSettingsRow(Struct, frozen=True):
    user_id: int
    timezone: str | None
    party_dm_reminders: bool
    dm_refused_at: int | None = None


_GET = "SELECT timezone, party_dm_reminders, dm_refused_at FROM member_settings WHERE user_id = ?"


async def get(conn: Connection, user_id: int) -> MemberSettingsRow:
    record = (await conn.execute(_GET, (user_id,))).first()
    if record is None:
        return MemberSettingsRow(user_id, None, False)
    return MemberSettingsRow(user_id, record[0], flag(record[1]), record[2])


def _upsert(*columns: str) -> str:
    return upsert_sql("member_settings", ("user_id", *columns, "updated_at"), ("user_id",), (*columns, "updated_at"))


_SET = {name: _upsert(name) for name in ("timezone", "language", "party_dm_reminders", "dm_refused_at")}


async def _set(conn: Connection, user_id: int, column: str, value: object, now: int) -> None:
    """One of the member's settings, the row created if it is their first."""
    await conn.execute(_SET[column], (user_id, value, now))


async def set_timezone(conn: Connection, user_id: int, zone: str | None, now: int) -> None:
    await _set(conn, user_id, "timezone", zone, now)


async def set_party_dm(conn: Connection, user_id: int, enabled: bool, now: int) -> None:
    await _set(conn, user_id, "party_dm_reminders", int(enabled), now)


async def with_party_dm(conn: Connection, user_ids: Sequence[int]) -> list[int]:
    """Of ``user_ids``, those who asked for DM copies of watch-party reminders."""
    if not user_ids:
        return []
    sql = f"SELECT user_id FROM member_settings WHERE party_dm_reminders = 1 AND user_id IN ({marks(len(user_ids))})"
    return [int(u) for u in (await conn.execute(sql, tuple(user_ids))).scalars()]


async def note_dm_refused(conn: Connection, user_id: int, now: int) -> None:
    await _set(conn, user_id, "dm_refused_at", now, now)


async def clear_dm_refused(conn: Connection, user_ids: Sequence[int]) -> None:
    if user_ids:
        await conn.execute(
            "UPDATE member_settings SET dm_refused_at = NULL "
            f"WHERE user_id IN ({marks(len(user_ids))}) AND dm_refused_at IS NOT NULL",
            tuple(user_ids),
        )


async def language(conn: Connection, user_id: int) -> str | None:
    """The Discord locale of the member's last interaction, if one was remembered."""
    value = (await conn.execute("SELECT language FROM member_settings WHERE user_id = ?", (user_id,))).scalar()
    return None if value is None else str(value)


async def languages(conn: Connection, user_ids: Sequence[int]) -> dict[int, str]:
    """The remembered Discord locales of ``user_ids`` (those without one are left out)."""
    if not user_ids:
        return {}
    sql = (
        f"SELECT user_id, language FROM member_settings WHERE user_id IN ({marks(len(user_ids))}) "
        "AND language IS NOT NULL"
    )
    return {int(user_id): str(locale) for user_id, locale in await conn.execute(sql, tuple(user_ids))}


async def set_language(conn: Connection, user_id: int, locale: str, now: int) -> None:
    await _set(conn, user_id, "language", locale, now)
