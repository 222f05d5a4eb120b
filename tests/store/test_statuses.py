"""Statuses are enums in the code and the same strings in the database: a database written before the enums (or by
an older bot after a rollback) reads back, and what the bot writes now is what it always wrote."""

import pytest

from bot.statuses import PartyStatus, PollState, ReminderState, RewatchStatus, Rsvp
from bot.store import parties, polls, reminders, rewatch
from bot.store.schema import episode_polls, rewatches, rsvps, watch_parties
from bot.store.schema import reminders as reminder_table
from bot.store.sql import IntegrityError


async def _raw(db, column):
    async with db.read() as conn:
        return (await conn.execute(f"SELECT {column.name} FROM {column.table.name}")).scalars()


async def test_what_is_written_is_the_old_strings_and_reads_back_as_enums(db):
    async with db.transaction() as tx:
        party = await parties.create(
            tx.conn, guild_id=1, channel_id=10, host_id=99, episodes=(3, 3), starts_at=1000, ends_at=2000,
            timezone="Asia/Seoul", note="", capacity=1, now=0,
        )  # fmt: skip
        locked, previous = await parties.lock_for_answer(tx.conn, party.id, 5)
        change = await parties.set_rsvp(tx.conn, locked, 5, Rsvp.GOING, 1, previous)  # full: wait-listed
        await reminders.schedule(tx.conn, "party", 1, party.id, 1000, (0,))
        await parties.update(tx.conn, party.id, 2, status=PartyStatus.CANCELLED)
        await rewatch.put(tx.conn, rewatch.RewatchRow(1, "Asia/Seoul", "wed 21:00", RewatchStatus.PAUSED, 5), 5)
        await polls.record(
            tx.conn, guild_id=1, episode=3, channel_id=10, message_id=77, opened_at=0, closes_at=10, check_at=11
        )
    assert change.status is Rsvp.WAITLIST
    assert sorted(await _raw(db, rsvps.c.status)) == ["going", "waitlist"]
    assert await _raw(db, watch_parties.c.status) == ["cancelled"]
    assert await _raw(db, reminder_table.c.state) == ["pending"]
    assert await _raw(db, rewatches.c.status) == ["paused"]
    assert await _raw(db, episode_polls.c.state) == ["open"]
    for value in [*await _raw(db, rsvps.c.status), *await _raw(db, watch_parties.c.status)]:
        assert type(value) is str  # plain text in the database, as before

    async with db.read() as conn:
        stored = await parties.get(conn, party.id)
        counts = await parties.counts(conn, party.id)
        (reminder,) = await reminders.for_ref(conn, "party", party.id)
        paused = await rewatch.get(conn, 1)
        (poll,) = await polls.open_polls(conn)
    assert stored is not None
    assert stored.status is PartyStatus.CANCELLED
    assert counts == {Rsvp.GOING: 1, Rsvp.MAYBE: 0, Rsvp.DECLINED: 0, Rsvp.WAITLIST: 1}
    assert paused is not None
    assert paused.status is RewatchStatus.PAUSED
    assert poll.state is PollState.OPEN
    assert reminder.state is ReminderState.PENDING


async def test_the_database_refuses_a_status_outside_the_enum(db):
    async with db.transaction() as tx:
        party = await parties.create(
            tx.conn, guild_id=1, channel_id=10, host_id=99, episodes=(3, 3), starts_at=1000, ends_at=2000,
            timezone="Asia/Seoul", note="", capacity=None, now=0,
        )  # fmt: skip
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.conn.execute("UPDATE watch_parties SET status = ?", ("postponed",))
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.conn.execute("UPDATE rsvps SET status = ? WHERE party_id = ?", ("interested", party.id))
