import pytest

from tests.conftest import both_backends, open_database

backend = both_backends()  # the store runs on SQLite and on PostgreSQL


@pytest.fixture
async def db(backend, tmp_path):
    """A real database migrated from zero: a SQLite file, or a wiped PostgreSQL database."""
    database = await open_database(backend, tmp_path)
    yield database
    await database.close()
