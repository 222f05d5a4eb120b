import pytest

from bot.store import Database


@pytest.fixture
async def db(tmp_path):
    """A real SQLite file database, migrated from zero."""
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()
