import sqlite3

import pytest

from bot.store import Database, PartyRepository


@pytest.fixture
async def repo():
    db = await Database.open(":memory:")
    yield PartyRepository(db)
    await db.close()


async def _party(repo, capacity=None, guild=1, starts=1000, ends=2000):
    return await repo.create(
        guild_id=guild, channel_id=10, host_id=99, episodes=(3, 4), starts_at=starts, ends_at=ends,
        timezone="Asia/Seoul", note="bring snacks", capacity=capacity, now=0,
    )  # fmt: skip


async def test_create_get_update(repo):
    party = await _party(repo)
    assert (party.first_episode, party.last_episode, party.status) == (3, 4, "scheduled")
    moved = await repo.update(party.id, 5, starts_at=1500, ends_at=2500, note="")
    assert (moved.starts_at, moved.ends_at, moved.note) == (1500, 2500, "")
    assert (await repo.get(party.id)) == moved
    with pytest.raises(ValueError, match="not updatable"):
        await repo.update(party.id, 5, host_id=1)


async def test_schema_rejects_an_end_before_the_start(repo):
    with pytest.raises(sqlite3.IntegrityError):
        await _party(repo, starts=2000, ends=1000)


async def test_upcoming_excludes_ended_and_cancelled_but_keeps_them_stored(repo):
    past = await _party(repo, starts=100, ends=200)
    soon = await _party(repo, starts=1000, ends=2000)
    later = await _party(repo, starts=3000, ends=4000)
    cancelled = await _party(repo, starts=1500, ends=2500)
    await repo.update(cancelled.id, 1, status="cancelled")
    await _party(repo, guild=2)
    assert [p.id for p in await repo.upcoming(1, now=500)] == [soon.id, later.id]
    assert await repo.count_upcoming(1, now=500) == 2
    assert await repo.get(past.id) is not None


async def test_the_host_is_going_from_the_start(repo):
    party = await _party(repo)
    assert await repo.members(party.id, "going") == [99]


async def test_one_rsvp_per_member_and_party(repo):
    party = await _party(repo)
    await repo.set_rsvp(party.id, 7, "going", 1)
    await repo.set_rsvp(party.id, 7, "maybe", 2)
    assert await repo.counts(party.id) == {"going": 1, "maybe": 1, "declined": 0, "waitlist": 0}  # host + 7
    assert await repo.counts_for([party.id, 12345]) == {
        party.id: {"going": 1, "maybe": 1, "declined": 0, "waitlist": 0},
        12345: {"going": 0, "maybe": 0, "declined": 0, "waitlist": 0},
    }


async def test_capacity_wait_list_and_promotion_in_order(repo):
    party = await _party(repo, capacity=3)  # the host (99) takes one place
    assert (await repo.set_rsvp(party.id, 1, "going", 1)).status == "going"
    assert (await repo.set_rsvp(party.id, 2, "going", 2)).status == "going"
    assert (await repo.set_rsvp(party.id, 3, "going", 3)).status == "waitlist"
    assert (await repo.set_rsvp(party.id, 4, "going", 4)).status == "waitlist"
    assert (await repo.set_rsvp(party.id, 2, "going", 5)).status == "going"  # pressing again keeps the place
    change = await repo.set_rsvp(party.id, 1, "declined", 6)
    assert change.promoted == (3,)  # the longest-waiting member
    assert await repo.members(party.id, "going") == [99, 2, 3]
    assert await repo.members(party.id, "waitlist") == [4]
    assert (await repo.set_rsvp(party.id, 4, "maybe", 7)).promoted == ()
    assert await repo.counts(party.id) == {"going": 3, "maybe": 1, "declined": 1, "waitlist": 0}


async def test_raising_capacity_promotes(repo):
    party = await _party(repo, capacity=2)  # host + 1
    for user in (1, 2, 3):
        await repo.set_rsvp(party.id, user, "going", user)
    assert await repo.set_capacity(party.id, 4, 9) == (2, 3)
    assert await repo.members(party.id, "waitlist") == []
    assert await repo.set_capacity(party.id, None, 10) == ()
