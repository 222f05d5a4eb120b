"""The store's own connection protocol: plain SQL strings, positional parameters, rows as tuples.

Repositories write each statement once, as a string with ``?`` placeholders (SQLite's own style), and send it with
``await conn.execute(sql, params)`` (or ``executemany`` with a list of parameter tuples). Where SQLite and PostgreSQL
spell something differently, a repository branches on ``conn.dialect`` (``"sqlite"`` or ``"postgresql"``). The
PostgreSQL side numbers the placeholders (``$1``, ``$2``, …) once per SQL string (:func:`numbered`, cached).

Rows are plain tuples, as the drivers return them: SQLite gives integers for booleans (``0``/``1``) and for
``EXISTS``, PostgreSQL ``bool``; a repository turns what it reads into its row's types itself (:func:`flag`).

Importing this module loads no SQL library: the running bot on SQLite needs nothing but :mod:`sqlite3`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

#: Called with each statement's SQL before it is sent (instrumentation: ``bench.dispatch`` counts statements).
StatementHook = Callable[[str], None]


class IntegrityError(Exception):
    """A constraint refused the statement (a CHECK, a UNIQUE key, a foreign key), on either database."""


class Result:
    """What a statement returned: its rows (tuples, all of them read already) and how many rows it changed."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def all(self) -> list[Any]:
        return self.rows

    def first(self) -> Any:
        """The first row, or None."""
        return self.rows[0] if self.rows else None

    def one(self) -> Any:
        """The only row (:class:`LookupError` unless there is exactly one)."""
        if len(self.rows) != 1:
            raise LookupError(f"expected one row, got {len(self.rows)}")
        return self.rows[0]

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self.rows[0][0] if self.rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalars(self) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self.rows]


class Connection(Protocol):
    """A connection of a unit of work (``tx.conn``) or of a read (``db.read()``)."""

    #: ``"sqlite"`` or ``"postgresql"``.
    dialect: str

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """Run one statement with ``?`` placeholders; every row it returns is read."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Result:
        """Run one statement once per parameter tuple of ``rows`` (no rows returned)."""
        ...


def flag(value: Any) -> bool:
    """A boolean read from either database: SQLite's 0/1 (or NULL), PostgreSQL's bool."""
    return bool(value)


@functools.cache
def marks(count: int) -> str:
    """``?, ?, ?``: the placeholders of an ``IN (…)`` list of ``count`` values (at least one)."""
    if count < 1:
        raise ValueError("an IN list needs at least one value")
    return ", ".join("?" * count)


@functools.lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """``sql`` with its ``?`` placeholders numbered for asyncpg (``$1``, ``$2``, …). Question marks inside quoted
    literals and identifiers (``'…'``, ``"…"``) and comments are left alone."""
    out: list[str] = []
    n = 0
    i, length = 0, len(sql)
    while i < length:
        c = sql[i]
        if c in "'\"":
            end = i + 1
            while end < length:
                if sql[end] == c:
                    if end + 1 < length and sql[end + 1] == c:  # a doubled quote inside the literal
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = length if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif c == "?":
            n += 1
            out.append(f"${n}")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)
