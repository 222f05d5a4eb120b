"""A bot killed in the middle of sending reminders, and started again at once, sends every reminder exactly once.

The real process (``python -m bot run``) against the stand-in Discord: the reminders are due when it starts,
Discord is slow to accept posts, and the process is killed (SIGKILL: nothing is cleaned up) while posts are in
flight. The next process takes the dead one's claims back at once (its pid is gone), so even a reminder due a
minute before its start goes out, and Discord's nonce check keeps a post that reached Discord from appearing
twice."""

import asyncio
import datetime as dt
import re
import signal
import sqlite3
import time

from bot.standin import FakeDiscord
from bot.store import Database, parties, reminders

PARTIES = 12
CHANNEL = 555_000_000_000_000_001


async def _due_reminders(path, start):
    db = await Database.open(path)
    async with db.transaction() as tx:
        for index in range(PARTIES):
            row = await parties.create(
                tx.conn, guild_id=444_000_000_000_000_001, channel_id=CHANNEL + index, host_id=333_000_000_000_000_001,
                episodes=(1, 1), starts_at=int(start.timestamp()), ends_at=int(start.timestamp()) + 4200,
                timezone="UTC", note="", capacity=None, now=int(time.time()),
            )  # fmt: skip
            # "before: 1m": due now, one minute before the start
            await reminders.schedule(tx.conn, "party", row.guild_id, row.id, row.starts_at, (60,))
    await db.close()


def _states(path):
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT state FROM reminders ORDER BY id")]
    finally:
        conn.close()


def test_a_bot_killed_mid_delivery_and_restarted_at_once_sends_each_reminder_once(workdir, fake: FakeDiscord, bots):
    database = workdir.path / "var" / "runon.sqlite3"
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=70)
    asyncio.run(_due_reminders(database, start))
    fake.delays.append(("POST", re.compile(r"/channels/\d+/messages"), 1.5))  # Discord is slow today
    first = workdir.start("run", env=fake.env(workdir.env))
    bots.append(first)
    fake.wait_for(lambda: fake.find_prefix("POST", "/channels/"), 40, "the first reminder post")
    first.proc.send_signal(signal.SIGKILL)  # mid-delivery: posts in flight, claims held, nothing released
    first.proc.wait(10)
    assert "sent" not in _states(database) or _states(database).count("sent") < PARTIES
    second = workdir.start("run", env=fake.env(workdir.env))
    bots.append(second)
    second.wait_for_log("took back", timeout=40)  # the dead process's claims, at once (no lease to wait out)

    def delivered():
        return sum(len(fake.messages.get(CHANNEL + i, [])) for i in range(PARTIES)) >= PARTIES and (
            _states(database).count("sent") == PARTIES
        )

    fake.wait_for(delivered, 40, "every reminder delivered")
    second.signal(signal.SIGTERM)
    result = second.wait()
    assert result.returncode == 0, result.stderr
    for index in range(PARTIES):  # exactly one post in each channel, whatever was in flight at the kill
        posts = fake.messages.get(CHANNEL + index, [])
        assert len(posts) == 1, (index, posts)
        assert posts[0]["content"].startswith(f"⏰ **Watch party #{index + 1}**")
    assert _states(database) == ["sent"] * PARTIES  # none skipped: the start was still ahead
