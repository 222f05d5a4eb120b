import datetime as dt

import pytest

from bot.client import RunOnBot
from bot.services import Services
from bot.store import Database
from tests.conftest import FakeClock
from tests.harness import Harness, close, start

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


async def _harness(catalog, clock):
    db = await Database.open(":memory:")
    bot = RunOnBot(Services.build(catalog, db, clock))
    harness = await start(bot)
    return harness, db


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
async def h(catalog, clock):
    """The production bot and tree over the real pack, an in-memory database and an injected clock."""
    harness, db = await _harness(catalog, clock)
    yield harness
    await close(harness)
    await db.close()


@pytest.fixture
async def future_h(future_catalog, clock):
    """Same, over a pack whose run lies in the future."""
    harness, db = await _harness(future_catalog, clock)
    yield harness
    await close(harness)
    await db.close()


def data(harness: Harness) -> dict:
    """The message data of the last interaction response."""
    response = harness.last_response()
    return response.get("data", response)


def text_of(payload: dict) -> str:
    """Everything a member reads in a message: content, embed titles, descriptions, fields, footers."""
    parts = [payload.get("content") or ""]
    for embed in payload.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            parts += [field["name"], field["value"]]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def custom_ids(payload: dict) -> list[str]:
    return [c["custom_id"] for row in payload.get("components") or [] for c in row["components"] if "custom_id" in c]


EPHEMERAL = 64
NO_MENTIONS = {"parse": []}


async def set_progress(harness: Harness, episode: int, user=None) -> None:
    await harness.invoke("progress set", episode=episode, user=user)
