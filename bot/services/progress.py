"""Member progress (the horizon the spoiler policy reads), and deleting a member's data."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from bot.catalog import Catalog
from bot.clock import epoch
from bot.errors import UserError
from bot.store import Database, PartyRow, members, parties, progress

from .cache import Cache
from .watch_parties import PartyChanged, PartyView, nothing_follows, party_view


class Forgotten(Struct, frozen=True):
    """What ``/progress forget`` changed."""

    removed: int  # records that held data about the member
    parties: tuple[tuple[PartyView, tuple[int, ...]], ...]  # parties whose RSVPs changed, with members promoted
    #: Upcoming parties they hosted whose note they wrote is gone: their cards and Discord events follow.
    hosted: tuple[PartyView, ...] = ()


class ProgressService:
    """Reads go through a write-through-invalidated cache: every answer needs the horizon."""

    def __init__(self, catalog: Catalog, db: Database, *, party_changed: PartyChanged = nothing_follows) -> None:
        self._catalog = catalog
        self._db = db
        self._cache: Cache[int, int | None] = Cache(db.bus, "progress")
        #: Re-plans members' own reminders of a party whose wait list moved (the personal-reminder service's).
        self._party_changed = party_changed

    async def _stored(self, user_id: int) -> int | None:
        return await self._cache.get(user_id, lambda: self._load(user_id))

    async def _load(self, user_id: int) -> int | None:
        async with self._db.read() as conn:
            return await progress.get(conn, user_id)

    async def horizon(self, user_id: int) -> int:
        """The last episode the member has watched; 0 when they never said."""
        stored = await self._stored(user_id)
        return 0 if stored is None else min(stored, self._catalog.episode_count)

    async def known(self, user_id: int) -> bool:
        return await self._stored(user_id) is not None

    async def set(self, user_id: int, episode: int, now: dt.datetime) -> int:
        last = self._catalog.episode_count
        if not 0 <= episode <= last:
            raise UserError(
                "Episode must be between 0 (nothing yet) and {last}; you gave {episode}.", last=last, episode=episode
            )
        async with self._db.transaction(one_statement=True) as tx:  # one trip to SQLite: it commits as it runs
            await progress.set_episode(tx.conn, user_id, episode, epoch(now))
            await self._cache.wrote(tx, user_id, episode)  # their next answer reads it from memory
        return episode

    async def forget(self, user_id: int, now: dt.datetime) -> Forgotten:
        """Delete everything stored about the member, in one unit of work. Places they held at upcoming
        parties go to the next members on the wait list, as if they had left; parties they host stay, with "a former
        member" as host and without the note they wrote."""
        changed: list[tuple[PartyView, tuple[int, ...]]] = []
        async with self._db.transaction() as tx:
            noted = [row.id for row in await parties.hosted_upcoming(tx.conn, user_id, epoch(now)) if row.note]
            for party, _answer in await parties.parties_of(tx.conn, user_id, epoch(now)):
                locked = await parties.lock(tx.conn, party.id)
                assert locked is not None
                await parties.remove_member(tx.conn, party.id, user_id)
                promoted = await parties.promote(tx.conn, party.id, locked.capacity, epoch(now))
                changed.append((party_view(locked), promoted))
                if promoted:
                    await self._party_changed(tx, party.id, now, promoted)
            removed = len(changed) + await progress.forget(tx.conn, user_id)
            await self._db.bus.publish(tx, members.CACHE_TOPIC, str(user_id))  # their settings are gone too
            await self._cache.changed(tx, user_id)
            hosted: list[PartyRow | None] = [await parties.get(tx.conn, party_id) for party_id in noted]
        return Forgotten(removed, tuple(changed), tuple(party_view(row) for row in hosted if row is not None))
