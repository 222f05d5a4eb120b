"""SQL and nothing else: the database, its migrations and one repository per table group."""

from .database import Database, migrations
from .guilds import GuildRepository, GuildSettingsRow, ThreadRepository, ThreadRow
from .members import MemberSettingsRepository, MemberSettingsRow
from .parties import PartyRepository, PartyRow, RsvpChange
from .progress import ProgressRepository, UserDataRepository
from .reminders import ReminderRepository, ReminderRow
from .rewatch import AiringSlotRow, RewatchRepository, RewatchRow

__all__ = [
    "AiringSlotRow",
    "Database",
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
    "ThreadRepository",
    "ThreadRow",
    "UserDataRepository",
    "migrations",
]
