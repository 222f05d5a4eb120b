"""Per-member preferences: time zone, DM copies of watch-party reminders, refused DMs, the language they use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from .dialect import execute_upsert
from .schema import member_settings

t = member_settings
#: Caches of member settings listen on this topic; whoever writes them announces it (``db.bus.publish``).
CACHE_TOPIC = "member"


@dataclass(frozen=True, slots=True)
class MemberSettingsRow:
    user_id: int
    timezone: str | None
    party_dm_reminders: bool
    dm_refused_at: int | None = None


_GET = sa.select(t.c.timezone, t.c.party_dm_reminders, t.c.dm_refused_at).where(t.c.user_id == sa.bindparam("u"))


async def get(conn: AsyncConnection, user_id: int) -> MemberSettingsRow:
    record = (await conn.execute(_GET, {"u": user_id})).first()
    if record is None:
        return MemberSettingsRow(user_id, None, False)
    return MemberSettingsRow(user_id, record[0], bool(record[1]), record[2])


async def _set(conn: AsyncConnection, user_id: int, column: str, value: str | None, now: int) -> None:
    """One of the member's settings, the row created if it is their first."""
    values = {"user_id": user_id, column: value, "updated_at": now}
    await execute_upsert(conn, t, values, ("user_id",), (column, "updated_at"))


async def set_timezone(conn: AsyncConnection, user_id: int, zone: str | None, now: int) -> None:
    await _set(conn, user_id, "timezone", zone, now)


async def set_party_dm(conn: AsyncConnection, user_id: int, enabled: bool, now: int) -> None:
    values = {"user_id": user_id, "party_dm_reminders": int(enabled), "updated_at": now}
    await execute_upsert(
        conn,
        t,
        values,
        ("user_id",),
        (
            "party_dm_reminders",
            "updated_at",
        ),
    )


async def with_party_dm(conn: AsyncConnection, user_ids: Sequence[int]) -> list[int]:
    """Of ``user_ids``, those who asked for DM copies of watch-party reminders."""
    if not user_ids:
        return []
    query = sa.select(t.c.user_id).where(t.c.party_dm_reminders == 1, t.c.user_id.in_(list(user_ids)))
    return [int(u) for u in (await conn.execute(query)).scalars()]


async def note_dm_refused(conn: AsyncConnection, user_id: int, now: int) -> None:
    values = {"user_id": user_id, "dm_refused_at": now, "updated_at": now}
    await execute_upsert(
        conn,
        t,
        values,
        ("user_id",),
        (
            "dm_refused_at",
            "updated_at",
        ),
    )


async def clear_dm_refused(conn: AsyncConnection, user_ids: Sequence[int]) -> None:
    if user_ids:
        await conn.execute(
            sa.update(t)
            .where(t.c.user_id.in_(list(user_ids)), t.c.dm_refused_at.is_not(None))
            .values(dm_refused_at=None)
        )


_LANGUAGE = sa.select(t.c.language).where(t.c.user_id == sa.bindparam("u"))


async def language(conn: AsyncConnection, user_id: int) -> str | None:
    """The Discord locale of the member's last interaction, if one was remembered."""
    value = (await conn.execute(_LANGUAGE, {"u": user_id})).scalar()
    return None if value is None else str(value)


async def languages(conn: AsyncConnection, user_ids: Sequence[int]) -> dict[int, str]:
    """The remembered Discord locales of ``user_ids`` (those without one are left out)."""
    if not user_ids:
        return {}
    query = sa.select(t.c.user_id, t.c.language).where(t.c.user_id.in_(list(user_ids)), t.c.language.is_not(None))
    return {int(user_id): str(locale) for user_id, locale in (await conn.execute(query)).all()}


async def set_language(conn: AsyncConnection, user_id: int, locale: str, now: int) -> None:
    await _set(conn, user_id, "language", locale, now)
