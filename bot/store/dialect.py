"""The few statements whose spelling differs between SQLite and PostgreSQL, built for the connection's
dialect (both speak ``INSERT … ON CONFLICT`` and ``RETURNING``; SQLAlchemy has one construct per dialect)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


def insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    return insert_of(conn.dialect.name)(table)


@functools.cache
def insert_of(dialect: str) -> Any:
    """The INSERT construct of a dialect, by name."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def upsert(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Iterable[str],
    update: Iterable[str],
) -> Any:
    """INSERT ``values``; when a row with the same ``keys`` exists, set the ``update`` columns instead."""
    statement = insert(conn, table).values(dict(values))
    excluded = excluded_of(table)
    return statement.on_conflict_do_update(index_elements=list(keys), set_={name: excluded[name] for name in update})


@functools.cache
def excluded_of(table: sa.Table) -> Any:
    """The ``excluded`` row of an upsert: what ``statement.excluded`` builds (an alias of the table named
    "excluded", rendered the same by both dialects), made once per table instead of once per statement, where
    copying every column of the table cost more than running the statement."""
    return sa.alias(table, name="excluded").c


async def execute_upsert(
    conn: AsyncConnection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Iterable[str],
    update: Iterable[str],
) -> Any:
    """Run :func:`upsert` of plain ``values`` as a statement built once per dialect and shape, its values bound at
    execution: SQLAlchemy then finds its compiled form by a cache key computed once, where building the statement
    anew (and computing its key) cost more than running it."""
    statement = _prepared_upsert(conn.dialect.name, table, tuple(values), tuple(keys), tuple(update))
    return await conn.execute(statement, {f"v_{name}": value for name, value in values.items()})


@functools.cache
def _prepared_upsert(
    dialect: str, table: sa.Table, columns: tuple[str, ...], keys: tuple[str, ...], update: tuple[str, ...]
) -> Any:
    bound = {name: sa.bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
    excluded = excluded_of(table)
    return (
        insert_of(dialect)(table)
        .values(bound)
        .on_conflict_do_update(index_elements=list(keys), set_={name: excluded[name] for name in update})
    )


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
