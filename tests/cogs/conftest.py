import datetime as dt

import pytest

from bot.app import App
from bot.client import RunOnBot
from bot.reminders import SenderOptions
from bot.standin import Harness, close, start
from tests.conftest import FakeClock, open_database

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)

#: Pacing off for tests that are not about it: no 45-a-second spacing, no 5-per-channel window, quick retries.
UNPACED = SenderOptions(
    global_limit=100_000, channel_burst=100_000, request_timeout=2.0, backoff_first=0.01, backoff_max=0.05
)


async def _harness(catalog, clock, backend, folder, sender=UNPACED):
    db = await open_database(backend, folder)
    bot = RunOnBot(App(catalog, db, clock, sender=sender))
    harness = await start(bot)
    harness.db = db  # type: ignore[attr-defined]  # for tests that look at or break the store underneath
    return harness, db


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
async def h(catalog, clock, backend, tmp_path):
    """The production bot and tree over the real pack, a real database (a SQLite file unless the module asks
    for both backends) and an injected clock."""
    harness, db = await _harness(catalog, clock, backend, tmp_path)
    yield harness
    await close(harness)
    await db.close()


@pytest.fixture
async def future_h(future_catalog, clock, backend, tmp_path):
    """Same, over a pack whose run lies in the future."""
    harness, db = await _harness(future_catalog, clock, backend, tmp_path)
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


async def tick_at(harness: Harness, clock: FakeClock, moment: dt.datetime):
    """Run the reminder loop's body once at ``moment`` (and wait for every delivery it starts)."""
    clock.now = moment
    return await harness.bot.services.reminders.tick()


async def reminder_rows(harness: Harness, kind: str, ref_id: int):
    from bot.store import reminders

    async with harness.db.read() as conn:  # type: ignore[attr-defined]
        return await reminders.for_ref(conn, kind, ref_id)
