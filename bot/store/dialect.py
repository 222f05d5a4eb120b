"""The few statements whose spelling differs between SQLite and PostgreSQL, built for the connection's
dialect (both speak ``INSERT … ON CONFLICT`` and ``RETURNING``; SQLAlchemy has one construct per dialect)."""

from __future__ import annotations

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
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )


def insert_ignore(conn: AsyncConnection, table: sa.Table, values: Mapping[str, Any]) -> Any:
    """INSERT ``values`` unless the row exists."""
    return insert(conn, table).values(dict(values)).on_conflict_do_nothing()
