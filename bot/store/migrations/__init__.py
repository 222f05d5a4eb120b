"""Schema migrations: one Alembic history for SQLite and PostgreSQL.

The bot applies them itself (``run`` migrates on start; ``check`` only reads the status). Databases made
before Alembic (SQLite files numbered with ``PRAGMA user_version`` 1-4) are brought to version 4 with the
original SQL in ``legacy/`` and then stamped as revision 0001, which describes exactly that schema.

Developers add a revision with ``alembic -c bot/store/migrations/alembic.ini revision -m "what"``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

logging.getLogger("alembic").setLevel(logging.WARNING)  # "Context impl SQLiteImpl" is not news for admins

LEGACY_BASELINE = 4  # PRAGMA user_version of the schema that revision 0001 describes
_LEGACY_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def _location() -> str:
    return str(resources.files(__name__))


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", _location())
    return ScriptDirectory.from_config(config)


def head() -> str:
    found = _script().get_current_head()
    assert found is not None
    return found


def all_revisions() -> tuple[str, ...]:
    """Every revision, oldest first."""
    return tuple(reversed([rev.revision for rev in _script().walk_revisions()]))


def _legacy_sql() -> dict[int, str]:
    found = {}
    for entry in resources.files(__name__).joinpath("legacy").iterdir():
        match = _LEGACY_NAME.match(entry.name)
        if match:
            found[int(match.group(1))] = entry.read_text(encoding="utf-8")
    return found


def _user_version(conn: Connection) -> int:
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)


def _current(conn: Connection) -> tuple[str | None, int]:
    """The Alembic revision (None if none) and, for pre-Alembic SQLite files, their user_version."""
    revision = MigrationContext.configure(conn).get_current_revision()
    return revision, (_user_version(conn) if revision is None else 0)


SchemaState = Literal["new", "behind", "current", "ahead"]


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None  # the database's revision, None for an empty database
    head: str  # the newest revision this code knows
    state: SchemaState
    pending: tuple[str, ...]  # revisions a migration would apply

    def describe(self) -> str:
        if self.state == "new":
            return f"empty (would be created at schema {self.head})"
        if self.state == "ahead":
            return f"schema {self.current} is newer than this code (knows up to {self.head})"
        return f"schema {self.current} of {self.head}" + (f" ({len(self.pending)} to apply)" if self.pending else "")


def status(conn: Connection) -> SchemaStatus:
    revisions = all_revisions()
    latest = revisions[-1]
    revision, legacy = _current(conn)
    if revision is None and legacy == LEGACY_BASELINE:
        revision = revisions[0]  # identical schema, stamped on the next migration
    if revision is None and 0 < legacy < LEGACY_BASELINE:
        return SchemaStatus(f"legacy-{legacy}", latest, "behind", revisions)
    if revision is None and legacy > LEGACY_BASELINE:
        return SchemaStatus(f"legacy-{legacy}", latest, "ahead", ())
    if revision is None:
        return SchemaStatus(None, latest, "new", revisions)
    if revision not in revisions:
        return SchemaStatus(revision, latest, "ahead", ())
    pending = revisions[revisions.index(revision) + 1 :]
    return SchemaStatus(revision, latest, "behind" if pending else "current", pending)


def upgrade(conn: Connection) -> list[str]:
    """Bring the schema to the head revision on ``conn`` (inside the caller's transaction)."""
    applied: list[str] = []
    revision, legacy = _current(conn)
    script = _script()
    if revision is None and legacy:
        sql = _legacy_sql()
        for version in range(legacy + 1, LEGACY_BASELINE + 1):
            for statement in _statements(sql[version]):
                conn.exec_driver_sql(statement)
            applied.append(f"legacy-{version}")
        conn.exec_driver_sql(f"PRAGMA user_version = {LEGACY_BASELINE}")
        first = all_revisions()[0]
        MigrationContext.configure(conn).stamp(script, first)
        applied.append(f"{first} (stamped)")

    def steps(rev: object, context: object) -> object:
        return script._upgrade_revs("head", rev)  # type: ignore[arg-type]

    config = Config()
    config.set_main_option("script_location", _location())
    on_apply: list[str] = []
    with EnvironmentContext(config, script, fn=steps, destination_rev="head") as env:
        env.configure(
            connection=conn,
            on_version_apply=lambda *, step, **_: on_apply.append(step.up_revision_id),
        )
        env.run_migrations()
    return applied + on_apply


def _statements(script: str) -> list[str]:
    """Split a legacy migration into statements (they hold no semicolons inside literals)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def table_names(conn: Connection) -> list[str]:
    return sorted(sa.inspect(conn).get_table_names())
