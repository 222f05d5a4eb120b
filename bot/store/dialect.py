"""The few statements whose spelling differs between SQLite and PostgreSQL, built for the connection's
dialect (both speak ``INSERT … ON CONFLICT`` and ``RETURNING``; SQLAlchemy has one construct per dialect)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def upsert(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Iterable[str],
    update: Iterable[str],
) -> Any:
    """INSERT ``values``; when a row with the same ``keys`` exists, set the ``update`` columns instead."""
    statement = insert(conn, table).values(dict(values))
    excluded = _excluded(table)
    return statement.on_conflict_do_update(index_elements=list(keys), set_={name: excluded[name] for name in update})


@functools.cache
def _excluded(table: sa.Table) -> Any:
    """The ``excluded`` row of an upsert: what ``statement.excluded`` builds (an alias of the table named
    "excluded", rendered the same by both dialects), made once per table instead of once per statement, where
    copying every column of the table cost more than running the statement."""
    return sa.alias(table, name="excluded").c


def insert_ignore(conn: AsyncConnection, table: sa.Table, values: Mapping[str, Any]) -> Any:
    """INSERT ``values`` unless the row exists."""
    return insert(conn, table).values(dict(values)).on_conflict_do_nothing()


LOCK_PARTIES = 1  # a server's watch parties (the limit of upcoming ones)
LOCK_REWATCH = 2  # a server's rewatch and airing schedule


async def lock_key(conn: AsyncConnection, namespace: int, key: int) -> None:
    """Serialize units of work about one thing (a server's parties, its rewatch) until the transaction ends.
    PostgreSQL: a transaction-level advisory lock. SQLite: nothing to do, its one writer is alone."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(namespace, _int32(key))))


def _int32(key: int) -> int:
    """Advisory locks take two 32-bit keys: fold a 64-bit id into one (a rare collision only serializes more)."""
    folded = (key ^ (key >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded
