"""SQL and nothing else: the database, its migrations and one repository per table group."""

from .database import BackupReport, Database, DatabaseProblem, SchemaStatus, backup, inspect, latest_version, migrations
from .guilds import GuildRepository, GuildSettingsRow, ThreadRepository, ThreadRow
from .members import MemberSettingsRepository, MemberSettingsRow
from .parties import PartyRepository, PartyRow, RsvpChange
from .progress import ProgressRepository, UserDataRepository
from .reminders import ReminderRepository, ReminderRow
from .rewatch import AiringSlotRow, RewatchRepository, RewatchRow

__all__ = [
    "AiringSlotRow",
    "BackupReport",
    "Database",
    "DatabaseProblem",
    "GuildRepository",
    "GuildSettingsRow",
    "MemberSettingsRepository",
    "MemberSettingsRow",
    "PartyRepository",
    "PartyRow",
    "ProgressRepository",
    "ReminderRepository",
    "ReminderRow",
    "RewatchRepository",
    "RewatchRow",
    "RsvpChange",
    "SchemaStatus",
    "ThreadRepository",
    "ThreadRow",
    "UserDataRepository",
    "backup",
    "inspect",
    "latest_version",
    "migrations",
]
