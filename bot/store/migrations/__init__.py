"""Schema migrations: one Alembic history for SQLite and PostgreSQL, numbered on from the first version.

The first version of the bot numbered its SQLite schema with ``PRAGMA user_version`` (1 to 4, the SQL files in
``legacy/``). Revision ``0004`` describes exactly that schema, and later revisions continue the numbering, so a
database's version is one number whatever made it: a file at version 1-3 gets the rest of the legacy SQL and is
then stamped ``0004``; a file at version 4 is stamped; a new database is built by the revisions from ``0004``.

The bot applies them itself (``run`` migrates on start, after a backup; ``check`` only reads the version).
Developers add a revision with ``alembic -c bot/store/migrations/alembic.ini revision -m "what"``.
"""

from __future__ import annotations

import logging
import re
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection

    from bot.store.sql import Connection as PlainConnection

# Alembic (and Mako, Pygments with it: 12 MiB and a third of a second) and SQLAlchemy itself are imported only to
# migrate: a start on an up-to-date database reads the version with plain SQL (:func:`read_version`) and finds the
# latest one from the revisions' file names.

logging.getLogger("alembic").setLevel(logging.WARNING)  # "Context impl SQLiteImpl" is not news for admins

LEGACY_BASELINE = 4  # PRAGMA user_version of the schema that the first revision describes
_LEGACY_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_REVISION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.py$")  # versions/0005_instances_and_dm_refusals.py: revision 0005
VERSION_TABLE = "alembic_version"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files(__name__)))
    return config


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def revisions() -> tuple[str, ...]:
    """Every revision, oldest first ("0004", "0005", …)."""
    return tuple(reversed([rev.revision for rev in _script().walk_revisions()]))


def latest_version() -> int:
    """The schema version this code builds and understands: the newest revision's number (read from the file
    names, as Alembic's history agrees: ``tests/store/test_database.py``)."""
    found = (_REVISION_NAME.match(entry.name) for entry in resources.files(__name__).joinpath("versions").iterdir())
    return max(int(match.group(1)) for match in found if match)


def _current_revision(conn: Connection) -> str | None:
    """What Alembic's ``MigrationContext.get_current_revision`` answers, with one SELECT and without Alembic."""
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    found = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    if len(found) > 1:
        raise RuntimeError(f"the database is at several schema versions at once ({', '.join(sorted(found))})")
    return str(found[0]) if found else None


def legacy_sql() -> dict[int, str]:
    """The first version's migrations, by the ``user_version`` they brought a database to."""
    found = {}
    for entry in resources.files(__name__).joinpath("legacy").iterdir():
        match = _LEGACY_NAME.match(entry.name)
        if match:
            found[int(match.group(1))] = entry.read_text(encoding="utf-8")
    return found


def version_of(conn: Connection) -> int:
    """The schema version of the database behind ``conn``: its revision, else (a file of the first version)
    its ``user_version``; 0 for an empty database."""
    revision = _current_revision(conn)
    if revision is not None:
        return int(revision) if revision.isdigit() else 10**6  # a revision this code cannot even read: newer
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def upgrade(conn: Connection) -> list[str]:
    """Bring the schema to the latest version on ``conn`` (inside the caller's transaction)."""
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import MigrationContext

    applied: list[str] = []
    version = version_of(conn)
    if version > latest_version():
        raise RuntimeError(f"schema version {version} is newer than this code ({latest_version()})")
    has_revision = MigrationContext.configure(conn).get_current_revision() is not None
    if not has_revision and 0 < version <= LEGACY_BASELINE:  # a database of the first version
        sql = legacy_sql()
        for step in range(version + 1, LEGACY_BASELINE + 1):
            for statement in _statements(sql[step]):
                conn.exec_driver_sql(statement)
            applied.append(f"legacy {step}")
        conn.exec_driver_sql(f"PRAGMA user_version = {LEGACY_BASELINE}")
        MigrationContext.configure(conn).stamp(_script(), revisions()[0])
    script = _script()

    def steps(rev: object, context: object) -> object:
        return script._upgrade_revs("head", rev)  # type: ignore[arg-type]

    with EnvironmentContext(_config(), script, fn=steps, destination_rev="head") as env:
        env.configure(connection=conn, on_version_apply=lambda *, step, **_: applied.append(step.up_revision_id))
        env.run_migrations()
    if conn.dialect.name == "sqlite":  # the header says the version too, so that it can be read without SQL
        conn.exec_driver_sql(f"PRAGMA user_version = {latest_version()}")
    return applied


def _statements(script: str) -> list[str]:
    """Split a legacy migration into statements (they hold no semicolons inside literals)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


_HAS_VERSION_TABLE = {
    "sqlite": f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{VERSION_TABLE}'",
    "postgresql": (
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
        f"AND table_name = '{VERSION_TABLE}'"
    ),
}


async def read_version(conn: PlainConnection) -> int:
    """:func:`version_of` in plain SQL, on the store's own connection (no SQLAlchemy, no Alembic): what every start
    reads."""
    revision: str | None = None
    if (await conn.execute(_HAS_VERSION_TABLE[conn.dialect])).first() is not None:
        found = [str(x) for x in (await conn.execute(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()]
        if len(found) > 1:
            raise RuntimeError(f"the database is at several schema versions at once ({', '.join(sorted(found))})")
        revision = found[0] if found else None
    if revision is not None:
        return int(revision) if revision.isdigit() else 10**6  # a revision this code cannot even read: newer
    if conn.dialect != "sqlite":
        return 0
    return int((await conn.execute("PRAGMA user_version")).scalar() or 0)
