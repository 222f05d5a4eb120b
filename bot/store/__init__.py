"""SQL and nothing else: the database, its migrations and one repository per table group."""

from .database import Database, migrations
from .guilds import GuildRepository, GuildSettingsRow, ThreadRepository, ThreadRow
from .progress import ProgressRepository, UserDataRepository

__all__ = [
    "Database",
    "GuildRepository",
    "GuildSettingsRow",
    "ProgressRepository",
    "ThreadRepository",
    "ThreadRow",
    "UserDataRepository",
    "migrations",
]
