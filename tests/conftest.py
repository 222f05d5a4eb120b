import datetime as dt
import os
from pathlib import Path

import pytest

from bot.catalog import Catalog, load_catalog
from bot.settings import VARIABLES
from bot.store import Database

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"


def pytest_configure(config: pytest.Config) -> None:
    # A developer's configured shell must not change results or reach Discord: the bot's variables are
    # removed for the whole run. (Process tests also run the bot in a temporary folder, so no .env of a
    # checkout is ever read; see tests/process/conftest.py.)
    for name in VARIABLES:
        os.environ.pop(name, None)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(PACK)


# -- database backends ----------------------------------------------------------------------------------------
#
# Tests open their database through ``open_database(backend, tmp_path)``. ``backend`` is "sqlite" (a file, the
# bot's default) unless a test module asks for both with ``backend = both_backends()``. PostgreSQL needs a
# server: TEST_DATABASE_URL names an empty database the tests may wipe (CI starts one; see .ci/run); without it
# the PostgreSQL variants are skipped, saying so.

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
NO_POSTGRES = "PostgreSQL variant: set TEST_DATABASE_URL to a throw-away database (CI does) to run it"


@pytest.fixture
def backend() -> str:
    return "sqlite"


def both_backends():  # type: ignore[no-untyped-def]
    """A ``backend`` fixture for a test module whose tests run on SQLite and on PostgreSQL."""

    @pytest.fixture(params=["sqlite", "postgresql"])
    def backend(request: pytest.FixtureRequest) -> str:
        if request.param == "postgresql" and not POSTGRES_URL:
            pytest.skip(NO_POSTGRES)
        return str(request.param)

    return backend


async def wipe_postgres(url: str) -> None:
    """Empty every table (ids start again at 1), keeping the migrated schema."""
    from bot.store.schema import metadata

    db = await Database.open(url, listen=False)
    try:
        names = ", ".join(table.name for table in metadata.sorted_tables)
        async with db.transaction() as tx:
            await tx.conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await db.close()


async def reopen_database(backend: str, folder: Path) -> Database:
    """The same database again, as a restarted bot finds it (nothing wiped)."""
    if backend == "postgresql":
        return await Database.open(POSTGRES_URL)
    return await Database.open(folder / "bot.sqlite3")


async def open_database(backend: str, folder: Path) -> Database:
    if backend == "postgresql":
        await wipe_postgres(POSTGRES_URL)
        return await Database.open(POSTGRES_URL)
    return await Database.open(folder / "bot.sqlite3")


class FakeClock:
    """An injected clock tests can move."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


def shifted_pack(source: Path, target: Path, first_episode: dt.date) -> Path:
    """A copy of the pack with every date moved by whole weeks so episode 1 airs on ``first_episode``.

    Whole weeks keep every airing on its Wednesday/Thursday slot, so the copy passes validation.
    """
    import re
    import shutil

    shutil.copytree(source, target)
    days = (first_episode - dt.date(2020, 12, 16)).days
    if days % 7:
        raise ValueError("first_episode must be a Wednesday")

    def move(match: re.Match[str]) -> str:
        return (dt.date.fromisoformat(match.group(0)) + dt.timedelta(days=days)).isoformat()

    for name in ("show.toml", "episodes.toml"):
        path = target / name
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?<=airs_at = )\d{4}-\d{2}-\d{2}", move, text)
        text = re.sub(r"(?<=_air_date = )\d{4}-\d{2}-\d{2}", move, text)
        path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def future_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The pack as if it premiered on Wednesday 2026-12-02 (in the future for the tests' clock)."""
    folder = shifted_pack(PACK, tmp_path_factory.mktemp("future") / "pack", dt.date(2026, 12, 2))
    return load_catalog(folder)
