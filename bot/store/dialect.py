"""The statements both dialects spell alike but repositories build by shape (upserts), and the few that differ.

SQLite and PostgreSQL both speak ``INSERT … ON CONFLICT (…) DO UPDATE SET x = excluded.x`` and ``RETURNING``; they
differ in locks: PostgreSQL serializes units of work with advisory locks and row locks (``FOR UPDATE``, ``SKIP
LOCKED``), SQLite has one writer and no such clauses (:func:`for_update`)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .sql import Connection


@functools.cache
def upsert_sql(table: str, columns: Sequence[str], keys: Sequence[str], update: Sequence[str]) -> str:
    """INSERT ``columns`` (one ``?`` each, in order); when a row with the same ``keys`` exists, set the ``update``
    columns to the new values instead. Built once per shape."""
    assignments = ", ".join(f"{name} = excluded.{name}" for name in update)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments}"
    )


@functools.cache
def insert_ignore_sql(table: str, columns: Sequence[str]) -> str:
    """INSERT ``columns`` unless the row exists (any unique key)."""
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING"


def for_update(conn: Connection, clause: str = "FOR UPDATE") -> str:
    """A row-locking clause (``FOR UPDATE``, ``FOR UPDATE OF p``, ``FOR UPDATE SKIP LOCKED``) on PostgreSQL; nothing
    on SQLite, whose one writer is alone."""
    return f" {clause}" if conn.dialect == "postgresql" else ""


LOCK_PARTIES = 1  # a server's watch parties (the limit of upcoming ones)
LOCK_REWATCH = 2  # a server's rewatch and airing schedule


async def lock_key(conn: Connection, namespace: int, key: int) -> None:
    """Serialize units of work about one thing (a server's parties, its rewatch) until the transaction ends.
    PostgreSQL: a transaction-level advisory lock. SQLite: nothing to do, its one writer is alone."""
    if conn.dialect == "postgresql":
        await conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (namespace, _int32(key)))


def _int32(key: int) -> int:
    """Advisory locks take two 32-bit keys: fold a 64-bit id into one (a rare collision only serializes more)."""
    folded = (key ^ (key >> 32)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded
