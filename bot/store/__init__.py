"""SQL and nothing else: the database, its migrations and one repository per table group."""

from .database import Database, migrations
from .progress import ProgressRepository, UserDataRepository

__all__ = ["Database", "ProgressRepository", "UserDataRepository", "migrations"]
