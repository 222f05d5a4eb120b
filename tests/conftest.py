import datetime as dt
from pathlib import Path

import pytest

from bot.catalog import Catalog, load_catalog

PACK = Path(__file__).resolve().parent.parent / "data" / "run_on"


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
