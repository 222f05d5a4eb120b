import asyncio
import datetime as dt

import pytest

from bot.reminders import PacedSender, ReminderScheduler, SchedulerOptions, SenderOptions, TransportError
from tests.conftest import FakeClock, both_backends, open_database

T0 = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


class FakeDiscord:
    """A transport that behaves like Discord for one post: ids, nonce deduplication per channel, and
    scripted faults (raised as the transport would classify them)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str | None, str]] = []  # (bucket, nonce, content) of every attempt
        self.messages: dict[tuple[str, str], int] = {}  # (bucket, nonce) -> message id: what channels show
        self.created = 0
        self.faults: dict[str, list[TransportError | float]] = {}  # bucket -> next answers (a float: seconds)
        self.after_post: list[TransportError] = []  # processed by Discord, then the answer is lost

    def requests_needed(self, item) -> int:
        return 1

    async def post(self, item) -> int:
        self.posts.append((item.bucket, item.nonce, item.content))
        script = self.faults.get(item.bucket)
        if script:
            fault = script.pop(0)
            if isinstance(fault, float):
                await asyncio.sleep(fault)
            else:
                raise fault
        await asyncio.sleep(0)
        key = (item.bucket, item.nonce or f"none-{len(self.posts)}")
        if key not in self.messages:
            self.created += 1
            self.messages[key] = 10_000 + self.created
        if self.after_post:
            raise self.after_post.pop(0)
        return self.messages[key]


QUICK = SenderOptions(
    global_limit=100_000, channel_burst=100_000, request_timeout=1.0, backoff_first=0.01, backoff_max=0.05
)


backend = both_backends()  # the reminder loop runs on SQLite and on PostgreSQL


@pytest.fixture
async def db(backend, tmp_path):
    database = await open_database(backend, tmp_path)
    yield database
    await database.close()


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
def discord_():
    return FakeDiscord()


@pytest.fixture
def sender(clock, discord_):
    return PacedSender(discord_, options=QUICK, wall_clock=clock)


def make_scheduler(db, clock, sender, deliveries, **kwargs):
    kwargs.setdefault("options", SchedulerOptions(batch=50))
    kwargs.setdefault("hostname", "test-host")
    return ReminderScheduler(db, clock, sender, deliveries, **kwargs)
