"""Moving up: copy a SQLite database into an empty PostgreSQL database, keeping every row and id.

The target is migrated by the same history first, so the copy lands in the same schema; tables are copied in
foreign-key order with their ids; PostgreSQL's id sequences then continue after the highest id; the row counts
of every table are compared on both sides before the copy is declared done. The SQLite side is read in one
transaction, so the copy is one consistent snapshot even if something writes the file meanwhile."""

from __future__ import annotations

from pathlib import Path

from .database import Database, DatabaseProblem, redact
from .sql import marks

CHUNK = 5_000
SERIAL_IDS = ("watch_parties", "reminders", "airing_slots")


async def schema_version_of(url: str) -> int:
    """The schema version of a PostgreSQL database, read without writing (0 when empty)."""
    db = await Database.open(url, migrate=False, listen=False)
    try:
        return await db.version()
    finally:
        await db.close()


async def copy_database(source: Path, target: str) -> dict[str, int]:
    """Copy every table of the SQLite file ``source`` into the empty PostgreSQL database ``target``.
    Returns the row count of each table (equal on both sides). Refuses a target that holds any row."""
    from .schema import metadata  # the tables in foreign-key order (SQLAlchemy: a tool's import, not the bot's)

    src = await Database.open(source, migrate=True)  # the source at the current schema first (a backup was made)
    try:
        dst = await Database.open(target, listen=False)
        try:
            async with dst.read() as conn:
                for table in metadata.sorted_tables:
                    if (await conn.execute(f"SELECT COUNT(*) FROM {table.name}")).scalar_one():
                        raise DatabaseProblem(
                            f"{redact(target)} already holds data (table {table.name}); migrate-db copies into an "
                            "empty database only"
                        )
            counts: dict[str, int] = {}
            async with src.read() as reader, dst.transaction() as tx:
                # One read transaction around every table: all of them come from the same moment, so a write that
                # lands during the copy (a party and its RSVP) is either wholly in it or wholly out of it.
                await reader.execute("BEGIN")
                try:
                    for table in metadata.sorted_tables:  # parents before children (rsvps after watch_parties)
                        columns = ", ".join(column.name for column in table.columns)
                        rows = (await reader.execute(f"SELECT {columns} FROM {table.name}")).rows
                        insert = f"INSERT INTO {table.name} ({columns}) VALUES ({marks(len(table.columns))})"
                        for start in range(0, len(rows), CHUNK):
                            await tx.conn.executemany(insert, rows[start : start + CHUNK])
                        counts[table.name] = len(rows)
                finally:
                    await reader.execute("ROLLBACK")  # it only read
                for table in metadata.sorted_tables:
                    if table.name in SERIAL_IDS:  # new rows continue after the copied ids
                        await tx.conn.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
            async with dst.read() as conn:
                for table in metadata.sorted_tables:
                    copied = (await conn.execute(f"SELECT COUNT(*) FROM {table.name}")).scalar_one()
                    if copied != counts[table.name]:
                        raise DatabaseProblem(
                            f"table {table.name}: {counts[table.name]} rows in the SQLite file, {copied} copied"
                        )
            return counts
        finally:
            await dst.close()
    finally:
        await src.close()
