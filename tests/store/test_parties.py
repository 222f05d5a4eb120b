import pytest

from bot.store import FORMER_MEMBER, parties, progress, reminders
from bot.store.sql import IntegrityError


async def _party(db, capacity=None, guild=1, starts=1000, ends=2000, host=99):
    async with db.transaction() as tx:
        return await parties.create(
            tx.conn, guild_id=guild, channel_id=10, host_id=host, episodes=(3, 4), starts_at=starts, ends_at=ends,
            timezone="Asia/Seoul", note="bring snacks", capacity=capacity, now=0,
        )  # fmt: skip


async def _rsvp(db, party_id, user, status, now):
    async with db.transaction() as tx:
        party, previous = await parties.lock_for_answer(tx.conn, party_id, user)
        return await parties.set_rsvp(tx.conn, party, user, status, now, previous)


async def _members(db, party_id, status):
    async with db.read() as conn:
        return await parties.members(conn, party_id, status)


async def _counts(db, party_id):
    async with db.read() as conn:
        return await parties.counts(conn, party_id)


async def test_create_get_update(db):
    party = await _party(db)
    assert (party.first_episode, party.last_episode, party.status) == (3, 4, "scheduled")
    async with db.transaction() as tx:
        moved = await parties.update(tx.conn, party.id, 5, starts_at=1500, ends_at=2500, note="")
    assert (moved.starts_at, moved.ends_at, moved.note) == (1500, 2500, "")
    async with db.read() as conn:
        assert (await parties.get(conn, party.id)) == moved
    with pytest.raises(ValueError, match="not updatable"):
        async with db.transaction() as tx:
            await parties.update(tx.conn, party.id, 5, host_id=1)


async def test_schema_rejects_an_end_before_the_start(db):
    with pytest.raises(IntegrityError):
        await _party(db, starts=2000, ends=1000)


async def test_upcoming_excludes_ended_and_cancelled_but_keeps_them_stored(db):
    past = await _party(db, starts=100, ends=200)
    soon = await _party(db, starts=1000, ends=2000)
    later = await _party(db, starts=3000, ends=4000)
    cancelled = await _party(db, starts=1500, ends=2500)
    async with db.transaction() as tx:
        await parties.update(tx.conn, cancelled.id, 1, status="cancelled")
    await _party(db, guild=2)
    async with db.read() as conn:
        assert [p.id for p in await parties.upcoming(conn, 1, now=500)] == [soon.id, later.id]
        assert await parties.count_upcoming(conn, 1, now=500) == 2
        assert await parties.get(conn, past.id) is not None


async def test_the_host_is_going_from_the_start(db):
    party = await _party(db)
    assert await _members(db, party.id, "going") == [99]


async def test_one_rsvp_per_member_and_party(db):
    party = await _party(db)
    await _rsvp(db, party.id, 7, "going", 1)
    await _rsvp(db, party.id, 7, "maybe", 2)
    assert await _counts(db, party.id) == {"going": 1, "maybe": 1, "declined": 0, "waitlist": 0}  # host + 7
    async with db.read() as conn:
        assert await parties.counts_for(conn, [party.id, 12345]) == {
            party.id: {"going": 1, "maybe": 1, "declined": 0, "waitlist": 0},
            12345: {"going": 0, "maybe": 0, "declined": 0, "waitlist": 0},
        }


async def test_capacity_wait_list_and_promotion_in_order(db):
    party = await _party(db, capacity=3)  # the host (99) takes one place
    assert (await _rsvp(db, party.id, 1, "going", 1)).status == "going"
    assert (await _rsvp(db, party.id, 2, "going", 2)).status == "going"
    assert (await _rsvp(db, party.id, 3, "going", 3)).status == "waitlist"
    assert (await _rsvp(db, party.id, 4, "going", 4)).status == "waitlist"
    assert (await _rsvp(db, party.id, 2, "going", 5)).status == "going"  # pressing again keeps the place
    assert (await _rsvp(db, party.id, 4, "going", 5)).status == "waitlist"  # ...and the place in the queue
    change = await _rsvp(db, party.id, 1, "declined", 6)
    assert change.promoted == (3,)  # the longest-waiting member
    assert await _members(db, party.id, "going") == [99, 2, 3]
    assert await _members(db, party.id, "waitlist") == [4]
    assert (await _rsvp(db, party.id, 4, "maybe", 7)).promoted == ()
    assert await _counts(db, party.id) == {"going": 3, "maybe": 1, "declined": 1, "waitlist": 0}


async def test_raising_capacity_promotes(db):
    party = await _party(db, capacity=2)  # host + 1
    for user in (1, 2, 3):
        await _rsvp(db, party.id, user, "going", user)
    async with db.transaction() as tx:
        await parties.update(tx.conn, party.id, 9, capacity=4)
        assert await parties.promote(tx.conn, party.id, 4, 9) == (2, 3)
    assert await _members(db, party.id, "waitlist") == []


async def test_forget_removes_the_member_everywhere_and_leaves_no_id(db):
    hosted = await _party(db, host=7)
    other = await _party(db, host=99)
    await _rsvp(db, other.id, 7, "going", 1)
    async with db.transaction() as tx:
        await progress.set_episode(tx.conn, 7, 5, 0)
        await progress.set_episode(tx.conn, 8, 6, 0)
        await reminders.schedule(tx.conn, "party", 1, other.id, 5000, (0,))
        await tx.conn.execute("UPDATE reminders SET detail = 'DM to 7: DMs closed'")
    async with db.transaction() as tx:
        removed = await progress.forget(tx.conn, 7)
    assert removed >= 4  # progress, two RSVPs, the host id, the reminder record
    async with db.read() as conn:
        assert await progress.get(conn, 7) is None
        assert await progress.get(conn, 8) == 6
        assert (await parties.get(conn, hosted.id)).host_id == FORMER_MEMBER
        assert 7 not in await parties.members(conn, other.id, "going")
        [row] = await reminders.for_ref(conn, "party", other.id)
        assert "7" not in row.detail


async def test_a_sent_reminder_is_due_again_only_when_its_moment_moves(db):
    async with db.transaction() as tx:
        await reminders.schedule(tx.conn, "party", 1, 7, 10_000, (3600, 0))
        [hour] = [r for r in await reminders.claim_due(tx.conn, 10_000 - 3600, "me", limit=5)]
        assert await reminders.mark_sent(tx.conn, hour.id, "me", 10_000 - 3600, 42)
        await reminders.schedule(tx.conn, "party", 1, 7, 10_000, (3600, 0))  # the same moment: stays sent
        assert (await reminders.get(tx.conn, hour.id)).state == "sent"
        await reminders.schedule(tx.conn, "party", 1, 7, 20_000, (3600, 0))  # moved: a new reminder, due again
        moved = await reminders.get(tx.conn, hour.id)
    assert (moved.state, moved.due_at, moved.message_id) == ("pending", 20_000 - 3600, None)
