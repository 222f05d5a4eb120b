"""SQL and nothing else: the database, its migrations, and one repository module per table group.

Repositories are functions that take the connection of the caller's unit of work (``db.transaction()``)
or of a read (``db.read()``); none of them opens or commits a transaction. They send plain SQL through the store's
own connection protocol (:mod:`bot.store.sql`): importing the store loads no SQL library, and a bot on SQLite runs
on :mod:`sqlite3` alone (SQLAlchemy and Alembic are loaded to migrate, and for PostgreSQL's pool).
"""

from . import guilds, instances, members, parties, personal, polls, progress, reminders, rewatch, windows
from .bus import CacheBus
from .database import (
    BackupReport,
    Database,
    DatabaseProblem,
    SchemaStatus,
    Tx,
    background_work,
    backup,
    backup_into,
    inspect,
    latest_version,
)
from .dialect import lock_key
from .guilds import GuildSettingsRow, ThreadRow
from .instances import InstanceRow
from .members import MemberSettingsRow
from .parties import PartyRow, RsvpChange
from .personal import PersonalRow
from .polls import PollRow
from .progress import FORMER_MEMBER
from .reminders import ReminderRow
from .rewatch import AiringSlotRow, RewatchRow
from .windows import WindowRow

__all__ = [
    "FORMER_MEMBER",
    "AiringSlotRow",
    "BackupReport",
    "CacheBus",
    "Database",
    "DatabaseProblem",
    "GuildSettingsRow",
    "InstanceRow",
    "MemberSettingsRow",
    "PartyRow",
    "PersonalRow",
    "PollRow",
    "ReminderRow",
    "RewatchRow",
    "RsvpChange",
    "SchemaStatus",
    "ThreadRow",
    "Tx",
    "WindowRow",
    "background_work",
    "backup",
    "backup_into",
    "guilds",
    "inspect",
    "instances",
    "latest_version",
    "lock_key",
    "members",
    "parties",
    "personal",
    "polls",
    "progress",
    "reminders",
    "rewatch",
    "windows",
]
