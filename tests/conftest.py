import datetime as dt
import os
from pathlib import Path

import pytest

from bot.catalog import Catalog, load_catalog
from bot.settings import VARIABLES

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
