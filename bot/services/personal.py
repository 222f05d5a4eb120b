"""Members' own reminder times: "DM me 1 day and 30 minutes before" for watch parties and for airings.

Each member may choose up to three times. They are planned as reminders of their own (kinds ``party-dm`` and
``airing-dm``), one queue row per member, event and time, so the scheduler claims, paces and marks every
personal DM once, and a restart loses none. Plans follow every change that affects them, inside the unit
of work that made the change: an RSVP, a party moved or cancelled, a wait list moving, a rewatch started,
skipped, paused or stopped, airing posts turned off, and the member's own settings.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping

from msgspec import Struct

from bot.clock import epoch
from bot.errors import UserError
from bot.statuses import PartyStatus, ReminderKind, ReminderState, RewatchStatus, Rsvp
from bot.store import Database, PersonalRow, ReminderRow, Tx, members, parties, personal, rewatch
from bot.store.sql import Connection

from .guild_config import GuildConfigService, format_offset, parse_offsets, read_stored_offsets

__all__ = [
    "MAX_OWN_TIMES",
    "OwnTimes",
    "PersonalReminder",
    "PersonalReminderService",
]

MAX_OWN_TIMES = 3
#: Reminder DMs waiting to be sent that one member may have, over every server (a member going to every party of a
#: server and taking airing DMs at three times has about 120 in it).
MAX_PERSONAL_REMINDERS = 200
log = logging.getLogger(__name__)


def parse_own_times(text: str) -> tuple[int, ...]:
    """A member's own times, ``"1d, 30m"`` -> ``(86400, 1800)``: the server's grammar, at most three."""
    offsets = parse_offsets(text)
    if len(offsets) > MAX_OWN_TIMES:
        raise UserError("Choose at most {limit} times for your own reminders, e.g. `1d, 30m`.", limit=MAX_OWN_TIMES)
    return offsets


def stored(offsets: tuple[int, ...] | None) -> str | None:
    return None if offsets is None else ", ".join(format_offset(o) for o in offsets)


class OwnTimes(Struct, frozen=True):
    """A member's DM preference: off, copies of the server's reminders (``offsets`` None), or their own times.
    ``unreadable`` is stored times that no longer read: meanwhile the member gets copies, and is told so the next
    time they use ``remind-me``."""

    on: bool
    offsets: tuple[int, ...] | None
    unreadable: str | None = None
    replaced: str | None = None  # the stored times that did not read, replaced by this setting
    #: The member has the most reminder DMs the bot keeps for one member: later ones were not planned.
    capped: bool = False

    @classmethod
    def of(cls, on: bool, text: str | None) -> OwnTimes:
        if not (on and text):
            return cls(on, None)
        offsets = read_stored_offsets(text, "member reminder times")
        return cls(on, offsets, None if offsets is not None else text)


Wanted = Mapping[tuple[int, int], tuple[int, tuple[int, ...]]]  # (user, target) -> (event_at, offsets)


async def reconcile(
    conn: Connection,
    kind: ReminderKind,
    guild_id: int,
    existing: Iterable[PersonalRow],
    wanted: Wanted,
    now: dt.datetime,
    *,
    scope: set[tuple[int, int]] | None = None,
) -> set[int]:
    """Make the queue rows of the personal reminders in ``scope`` (default: every existing one and every
    wanted one) match ``wanted``. New moments are planned only while still ahead; a row already due and not
    yet sent is kept (never dropped by a re-plan at the wrong second); rows no longer wanted are cancelled.
    Rows already claimed, sent, skipped or failed are history and stay as they are. Returns the members who reached
    :data:`MAX_PERSONAL_REMINDERS` (their later reminders are not planned)."""
    ids = {(row.user_id, row.target_id): row.id for row in existing}
    keys = set(ids) | set(wanted) if scope is None else scope
    missing = [key for key in keys if key in wanted and key not in ids]
    if missing:
        await personal.ensure(conn, kind, guild_id, missing)
        targets = {target for _, target in missing}
        for target in targets:
            ids.update({(row.user_id, row.target_id): row.id for row in await personal.for_target(conn, kind, target)})
    by_ref: dict[int, dict[int, ReminderRow]] = {}
    for reminder in await personal.reminder_rows(conn, kind, [ids[key] for key in keys if key in ids]):
        by_ref.setdefault(reminder.ref_id, {})[reminder.offset_seconds] = reminder
    moment = epoch(now)
    upserts: list[dict[str, int]] = []
    new_rows: list[tuple[int, dict[str, int]]] = []  # (member, row): reminders the member does not have yet
    cancels: list[int] = []
    for key in keys:
        ref = ids.get(key)
        if ref is None:
            continue
        current = by_ref.get(ref, {})
        event_at, offsets = wanted.get(key, (0, ()))
        chosen = set()
        for offset in offsets if event_at > moment else ():
            row = current.get(offset)
            kept = (
                row is not None
                and row.state in (ReminderState.PENDING, ReminderState.CLAIMED)
                and row.event_at == event_at
            )
            if event_at - offset > moment or kept:
                chosen.add(offset)
        for offset in chosen:
            row = current.get(offset)
            values = {"guild_id": guild_id, "ref_id": ref, "offset_seconds": offset, "event_at": event_at}
            if row is None or row.state == ReminderState.CANCELLED:
                new_rows.append((key[0], values))
            elif row.state == ReminderState.PENDING and row.event_at != event_at:
                upserts.append(values)  # moved: the member keeps it
        cancels += [
            row.id for offset, row in current.items() if row.state == ReminderState.PENDING and offset not in chosen
        ]
    await personal.cancel_many(conn, cancels, "no longer wanted (settings, RSVP or schedule changed)")
    added, capped = await _within_cap(conn, new_rows)
    await personal.schedule_many(conn, kind, upserts + added)
    return capped


async def _within_cap(
    conn: Connection, new_rows: list[tuple[int, dict[str, int]]]
) -> tuple[list[dict[str, int]], set[int]]:
    """Of the reminders members would get, those that keep each member within :data:`MAX_PERSONAL_REMINDERS`
    waiting reminders (the soonest first), and the members who reached the cap. Never raises: this runs inside other
    members' and staff's units of work too."""
    if not new_rows:
        return [], set()
    counts = await personal.pending_counts(conn, [user for user, _ in new_rows])
    kept: list[dict[str, int]] = []
    capped: set[int] = set()
    for user, values in sorted(new_rows, key=lambda item: item[1]["event_at"] - item[1]["offset_seconds"]):
        if counts.get(user, 0) >= MAX_PERSONAL_REMINDERS:
            capped.add(user)
            continue
        counts[user] = counts.get(user, 0) + 1
        kept.append(values)
    if capped:
        log.info("personal reminders: %d member(s) reached the cap of %d", len(capped), MAX_PERSONAL_REMINDERS)
    return kept, capped


class PersonalReminder(Struct, frozen=True):
    """One member's own reminders for one watch party or airing slot (its queue rows name it)."""

    id: int
    kind: ReminderKind  # PARTY_DM or AIRING_DM
    guild_id: int
    user_id: int
    target_id: int  # the party, or the airing slot


class PersonalReminderService:
    def __init__(self, db: Database, guilds: GuildConfigService) -> None:
        self._db = db
        self._guilds = guilds

    # -- what members choose ----------------------------------------------------------------------

    async def set_party(self, user_id: int, on: bool, times: str | None, now: dt.datetime) -> OwnTimes:
        """Watch-party DMs off, as copies of the server's reminders, or at the member's own times (for every
        party they are going to, in every server)."""
        offsets = parse_own_times(times) if on and times is not None else None
        capped: set[int] = set()
        async with self._db.transaction() as tx:
            was_on, had = await personal.own_party_offsets(tx.conn, user_id)
            await personal.set_party_dm(tx.conn, user_id, on, stored(offsets), epoch(now))
            if had is not None or offsets is not None:  # own times before or now: re-plan their DMs
                for party, answer in await parties.parties_of(tx.conn, user_id, epoch(now)):
                    if answer == Rsvp.GOING:
                        capped |= await self._plan_party(tx, party.id, now, (user_id,))
        return OwnTimes(on, offsets, replaced=OwnTimes.of(was_on, had).unreadable, capped=user_id in capped)

    async def set_airing(self, guild_id: int, user_id: int, on: bool, times: str | None, now: dt.datetime) -> OwnTimes:
        """This server's airing DMs off, as copies of its airing posts, or at the member's own times."""
        offsets = parse_own_times(times) if on and times is not None else None
        async with self._db.transaction() as tx:
            before = OwnTimes.of(*await personal.own_airing_offsets(tx.conn, guild_id, user_id))
            await personal.set_airing_subscription(tx.conn, guild_id, user_id, on, stored(offsets))
            capped = await self._plan_airing(tx, guild_id, now, users={user_id})
        return OwnTimes(on, offsets, replaced=before.unreadable, capped=user_id in capped)

    async def party_times(self, user_id: int) -> OwnTimes:
        async with self._db.read() as conn:
            return OwnTimes.of(*await personal.own_party_offsets(conn, user_id))

    async def note_dm_refused(self, user_id: int, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await members.note_dm_refused(tx.conn, user_id, epoch(now))

    async def airing_times(self, guild_id: int, user_id: int) -> OwnTimes:
        async with self._db.read() as conn:
            return OwnTimes.of(*await personal.own_airing_offsets(conn, guild_id, user_id))

    # -- plans (inside the unit of work of the change) --------------------------------------------

    async def plan_party(self, tx: Tx, party_id: int, now: dt.datetime, users: tuple[int, ...] | None) -> None:
        await self._plan_party(tx, party_id, now, users)

    async def _plan_party(self, tx: Tx, party_id: int, now: dt.datetime, users: tuple[int, ...] | None) -> set[int]:
        conn = tx.conn
        if users is not None and not await personal.any_party_plans(conn, ReminderKind.PARTY_DM, party_id, users):
            return set()  # an RSVP from members without their own times (most clicks): nothing to plan or cancel
        party = await parties.get(conn, party_id)
        if party is None:
            return set()
        existing = await personal.for_target(conn, ReminderKind.PARTY_DM, party_id, users)
        wanted: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {}
        if party.status == PartyStatus.SCHEDULED and party.starts_at > epoch(now):
            going = await parties.members(conn, party_id, Rsvp.GOING)
            if users is not None:
                going = [u for u in going if u in users]
            for user_id, text in (await personal.party_offsets(conn, going)).items():
                offsets = read_stored_offsets(text, "member reminder times")
                if offsets is not None:  # times that don't read: the member gets the server's copies instead
                    wanted[(user_id, party_id)] = (party.starts_at, offsets)
        scope = None if users is None else {(u, party_id) for u in users}
        return await reconcile(conn, ReminderKind.PARTY_DM, party.guild_id, existing, wanted, now, scope=scope)

    async def plan_airing(self, tx: Tx, guild_id: int, now: dt.datetime) -> None:
        await self._plan_airing(tx, guild_id, now)

    async def _plan_airing(self, tx: Tx, guild_id: int, now: dt.datetime, users: set[int] | None = None) -> set[int]:
        """Every subscriber's own DMs before every episode still ahead: only while the server's airing posts are
        on and its rewatch is not paused (the DMs belong to those posts)."""
        conn = tx.conn
        config = await self._guilds.read_in(tx, guild_id)
        row = await rewatch.get(conn, guild_id)
        existing = await personal.for_guild(conn, ReminderKind.AIRING_DM, guild_id)
        if users is not None:
            existing = [p for p in existing if p.user_id in users]
        wanted: dict[tuple[int, int], tuple[int, tuple[int, ...]]] = {}
        if config.airing_channel_id is not None and (row is None or row.status != RewatchStatus.PAUSED):
            chosen = await personal.airing_offsets(conn, guild_id)
            slots = [s for s in await rewatch.slots(conn, guild_id) if s.airs_at > epoch(now)]
            for user_id, text in chosen.items():
                if users is not None and user_id not in users:
                    continue
                offsets = read_stored_offsets(text, "member airing times")
                if offsets is None:  # times that don't read: the member gets copies of the posts instead
                    continue
                for slot in slots:
                    wanted[(user_id, slot.id)] = (slot.airs_at, offsets)
        scope = None
        if users is not None:
            scope = {(p.user_id, p.target_id) for p in existing} | set(wanted)
        return await reconcile(conn, ReminderKind.AIRING_DM, guild_id, existing, wanted, now, scope=scope)

    # -- for the deliveries -----------------------------------------------------------------------

    async def row(self, personal_id: int) -> PersonalReminder | None:
        async with self._db.read() as conn:
            row = await personal.get(conn, personal_id)
        return (
            None
            if row is None
            else PersonalReminder(row.id, ReminderKind(row.kind), row.guild_id, row.user_id, row.target_id)
        )

    async def with_own_party_times(self, user_ids: list[int]) -> set[int]:
        """Of ``user_ids``, those whose watch-party DMs come at their own times (no copies of the server's)."""
        async with self._db.read() as conn:
            chosen = await personal.party_offsets(conn, user_ids)
        return {user for user, text in chosen.items() if read_stored_offsets(text, "member reminder times")}

    async def with_own_airing_times(self, guild_id: int) -> set[int]:
        async with self._db.read() as conn:
            chosen = await personal.airing_offsets(conn, guild_id)
        return {user for user, text in chosen.items() if read_stored_offsets(text, "member airing times")}
