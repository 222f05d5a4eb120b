import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.services.watch_parties import (
    DEFAULT_OFFSETS,
    MAX_UPCOMING_PER_GUILD,
    WatchPartyService,
    episodes_label,
    may_manage,
    parse_episodes,
)
from bot.store import reminders
from tests.conftest import both_backends, open_database

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", (3, 3)),
        ("3-4", (3, 4)),
        ("3–4", (3, 4)),
        ("3 to 4", (3, 4)),
        ("ep 16", (16, 16)),
        ("episodes 1-16", (1, 16)),
    ],
)
def test_episode_ranges(text, expected):
    assert parse_episodes(text, 16) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("17", "episodes 1 to 16"), ("0", "episodes 1 to 16"), ("4-3", "runs backwards"), ("the finale", "couldn't read")],
)
def test_bad_episode_ranges(text, message):
    with pytest.raises(UserError, match=message):
        parse_episodes(text, 16)


def test_labels_and_permission_rule():
    assert episodes_label(3, 3) == "episode 3"
    assert episodes_label(3, 4) == "episodes 3-4"


backend = both_backends()  # watch parties run on SQLite and on PostgreSQL


@pytest.fixture
async def db(backend, tmp_path):
    database = await open_database(backend, tmp_path)
    yield database
    await database.close()


@pytest.fixture
def service(catalog, db):
    return WatchPartyService(catalog, db)


async def _reminders(db, party_id):
    async with db.read() as conn:
        return await reminders.for_ref(conn, "party", party_id)


async def _create(service, *, starts=NOW + dt.timedelta(days=2), episodes="3-4", capacity=None, guild=1, staff=False):
    return await service.create(
        guild_id=guild, channel_id=10, host_id=99, episodes=episodes, starts=starts, zone=SEOUL,
        note=" snacks ", capacity=capacity, offsets=DEFAULT_OFFSETS, now=NOW, staff=staff,
    )  # fmt: skip


async def test_create_sets_end_host_rsvp_and_reminders(service, db):
    party = await _create(service)
    assert party.ends - party.starts == dt.timedelta(minutes=70 * 2 + 10)  # two runtimes and a break
    assert party.view.note == "snacks"
    assert party.counts["going"] == 1  # the host
    assert may_manage(party.view, 99, manage_events=False)
    assert not may_manage(party.view, 5, manage_events=False)
    assert may_manage(party.view, 5, manage_events=True)
    rows = await _reminders(db, party.id)
    assert [(r.offset_seconds, r.due_at) for r in rows] == [
        (3600, party.view.starts_at - 3600), (600, party.view.starts_at - 600), (0, party.view.starts_at),
    ]  # fmt: skip


async def test_bad_values_are_refused(service):
    # (Start times are checked once, by the time parser: see tests/services/test_timeparse.py.)
    with pytest.raises(UserError, match="Capacity must be between 1 and 500"):
        await _create(service, capacity=0)


async def test_upcoming_limit_per_server_is_named(service):
    for _ in range(MAX_UPCOMING_PER_GUILD):
        await _create(service, staff=True)  # staff: no per-member limits
    with pytest.raises(UserError, match="already has 25 upcoming watch parties"):
        await _create(service, staff=True)
    await _create(service, guild=2)  # other servers are unaffected


async def test_edit_time_reschedules_and_reports_the_move(service, db):
    party = await _create(service)
    later = party.starts + dt.timedelta(hours=3)
    edited, moved, promoted = await service.edit(party, now=NOW, offsets=DEFAULT_OFFSETS, starts=later)
    assert moved
    assert promoted == ()
    assert edited.starts == later
    assert edited.ends - edited.starts == party.ends - party.starts
    dues = [r.due_at for r in await _reminders(db, party.id)]
    assert dues == [int(later.timestamp()) - 3600, int(later.timestamp()) - 600, int(later.timestamp())]
    _, moved, _ = await service.edit(edited, now=NOW, offsets=DEFAULT_OFFSETS, note="new note")
    assert not moved
    with pytest.raises(UserError, match="Nothing to change"):
        await service.edit(edited, now=NOW, offsets=DEFAULT_OFFSETS)


async def test_edit_capacity_promotes_from_the_wait_list(service):
    party = await _create(service, capacity=1)  # the host takes the place
    result = await service.rsvp(party.id, 1, 5, "going", NOW)
    assert result.change.status == "waitlist"
    assert result.waitlist_place == 1
    _, _, promoted = await service.edit(party, now=NOW, offsets=DEFAULT_OFFSETS, capacity=2)
    assert promoted == (5,)


async def test_cancel_removes_reminders_and_blocks_rsvps(service, db):
    party = await _create(service)
    cancelled = await service.cancel(party, NOW)
    assert cancelled.view.status == "cancelled"
    assert {r.state for r in await _reminders(db, party.id)} == {"cancelled"}
    with pytest.raises(UserError, match="cancelled"):
        await service.rsvp(cancelled.id, 1, 5, "going", NOW)
    with pytest.raises(UserError, match="already cancelled"):
        await service.cancel(cancelled, NOW)
    assert (await service.upcoming(1, NOW, limit=5, offset=0))[0] == 0


async def test_party_lookup_is_per_server(service):
    party = await _create(service)
    assert (await service.party(party.id, 1)).id == party.id
    with pytest.raises(UserError, match=f"no watch party #{party.id} in this server"):
        await service.party(party.id, 2)
