"""Several bot processes on one PostgreSQL database: any live process delivers any due reminder, exactly once, and
a process killed mid-drain has its claims taken over by the others within seconds.

Three real ``python -m bot run`` processes, each running one shard of three (``SHARD_COUNT``/``SHARD_IDS``),
against the stand-in Discord, share 10,000 reminders due within half a minute. One of them is killed with
SIGKILL while the drain is under way."""

import asyncio
import datetime as dt
import signal
import time

import pytest

from bot.store import Database
from tests.conftest import NO_POSTGRES, POSTGRES_URL
from tests.process.loads import due_party_reminders

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)

REMINDERS = 10_000
PROCESSES = 3
BASE_CHANNEL = 600_000_000_000_000_000
TAKEOVER_LIMIT = 10.0


def _claims_and_states(instance_pid: int | None = None) -> tuple[dict[str, int], int]:
    async def read() -> tuple[dict[str, int], int]:
        db = await Database.open(POSTGRES_URL, migrate=False, listen=False)
        try:
            async with db.read() as conn:
                states = {s: n for s, n in await conn.execute("SELECT state, COUNT(*) FROM reminders GROUP BY state")}
                held = 0
                if instance_pid is not None:
                    held = (
                        await conn.execute(
                            "SELECT COUNT(*) FROM reminders WHERE state = 'claimed' AND claim_token LIKE ?",
                            (f"%-{instance_pid}-%",),
                        )
                    ).scalar_one()
                return states, int(held)
        finally:
            await db.close()

    return asyncio.run(read())


def test_three_processes_deliver_ten_thousand_reminders_once_and_take_over_a_killed_one(workdir, fake, bots):
    asyncio.run(due_party_reminders(POSTGRES_URL, REMINDERS, dt.datetime.now(dt.UTC), base_channel=BASE_CHANNEL))
    bots_env = fake.env(workdir.env)
    bots_env.update(DATABASE_URL=POSTGRES_URL, SHARD_COUNT=str(PROCESSES), DISCORD_RATE_LIMIT="3000")
    processes = []
    for shard in range(PROCESSES):
        env = dict(bots_env, SHARD_IDS=str(shard))
        processes.append(workdir.start("run", env=env))
    bots.extend(processes)
    fake.wait_for(lambda: len(fake.find_prefix("POST", "/channels/")) >= 2_000, 60, "2,000 reminder posts")
    victim = processes[1]
    victim.proc.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    victim.proc.wait(10)
    _, held = _claims_and_states(victim.proc.pid)
    taken_over_at = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        states, still_held = _claims_and_states(victim.proc.pid)
        if taken_over_at is None and still_held == 0:
            taken_over_at = time.monotonic()
        if states.get("sent", 0) == REMINDERS:
            break
        time.sleep(0.25)
    assert states == {"sent": REMINDERS}, states
    assert taken_over_at is not None
    assert taken_over_at - killed_at <= TAKEOVER_LIMIT, (held, taken_over_at - killed_at)
    for index in range(REMINDERS):  # exactly one post in each reminder's channel: no reminder lost or doubled
        assert len(fake.messages.get(BASE_CHANNEL + index, [])) == 1, index
    posts = fake.find_prefix("POST", "/channels/")
    nonces = [p.json.get("nonce") for p in posts if isinstance(p.json, dict)]
    assert len(set(nonces)) == REMINDERS  # one nonce per reminder (a retry reuses its reminder's nonce)
    for process in processes:
        if process is not victim:
            process.signal(signal.SIGTERM)
            assert process.wait().returncode == 0
