"""SQL and nothing else: the database, its migrations, and one repository module per table group.

Repositories are functions that take the connection of the caller's unit of work (``db.transaction()``)
or of a read (``db.read()``); none of them opens or commits a transaction.
"""

from . import guilds, instances, members, parties, progress, reminders, rewatch
from .database import Database, StoreError, Tx, backup_file, inspect
from .guilds import GuildSettingsRow, ThreadRow
from .instances import InstanceRow
from .members import MemberSettingsRow
from .migrations import SchemaStatus
from .parties import PartyRow, RsvpChange
from .reminders import ReminderRow
from .rewatch import AiringSlotRow, RewatchRow
from .schema import FORMER_MEMBER

__all__ = [
    "FORMER_MEMBER",
    "AiringSlotRow",
    "Database",
    "GuildSettingsRow",
    "InstanceRow",
    "MemberSettingsRow",
    "PartyRow",
    "ReminderRow",
    "RewatchRow",
    "RsvpChange",
    "SchemaStatus",
    "StoreError",
    "ThreadRow",
    "Tx",
    "backup_file",
    "guilds",
    "inspect",
    "instances",
    "members",
    "parties",
    "progress",
    "reminders",
    "rewatch",
]
