"""The store's connection protocol (:mod:`bot.store.sql`) over a SQLAlchemy ``AsyncConnection``: PostgreSQL's
(its engine keeps the pool, pre-ping and recycling), sending the repositories' SQL strings as they are
(``exec_driver_sql``) with their placeholders numbered for asyncpg."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .sql import IntegrityError, Result, StatementHook, numbered

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection


class AlchemyConnection:
    """One pooled SQLAlchemy connection, spoken to in plain SQL."""

    __slots__ = ("_hooks", "_number", "dialect", "raw")

    def __init__(self, raw: AsyncConnection, hooks: list[StatementHook]) -> None:
        self.raw = raw
        self.dialect: str = raw.dialect.name
        self._hooks = hooks
        self._number = self.dialect == "postgresql"  # asyncpg's $n; SQLite's drivers take ? as they are

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        for hook in self._hooks:
            hook(sql)
        try:
            found = await self.raw.exec_driver_sql(numbered(sql) if self._number else sql, tuple(params))
        except sa.exc.IntegrityError as error:
            raise IntegrityError(str(error.orig).splitlines()[0]) from error
        rows = [tuple(row) for row in found.fetchall()] if found.returns_rows else []
        return Result(rows, found.rowcount)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Result:
        for hook in self._hooks:
            hook(sql)
        if not rows:
            return Result([], 0)
        try:
            found = await self.raw.exec_driver_sql(numbered(sql) if self._number else sql, [tuple(row) for row in rows])
        except sa.exc.IntegrityError as error:
            raise IntegrityError(str(error.orig).splitlines()[0]) from error
        return Result([], found.rowcount)
