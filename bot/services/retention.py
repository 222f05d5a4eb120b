"""How long the bot keeps what it stores about events, and the hourly prune that enforces it.

What members told the bot about themselves (progress, settings, RSVPs) stays until they delete it with
``/progress forget``; what the bot stores about events is pruned:

* a cancelled watch party: deleted (with its RSVPs and reminders) at the first prune an hour after it was cancelled
  (the hour keeps it counted against its host's creation rate);
* a watch party that ended: deleted 30 days after its end;
* a cancelled reminder: deleted at the next prune (members' own reminder DMs that are no longer wanted are deleted
  at once);
* a reminder that was sent, skipped or failed: deleted 30 days after the event it was for;
* a member's own reminder row whose party or episode is gone: deleted at the next prune;
* an episode poll: the latest result of each episode in a server stays (``/pulse`` shows it); a poll a later
  rewatch's poll replaced, or one deleted before it closed, is deleted 30 days after it closed.
"""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from bot.clock import epoch
from bot.statuses import ReminderKind
from bot.store import Database, parties, personal, polls, reminders

__all__ = ["CANCELLED_PARTY_KEPT", "ENDED_KEPT", "PRUNE_EVERY", "PruneReport", "RetentionService"]

PRUNE_EVERY = dt.timedelta(hours=1)
CANCELLED_PARTY_KEPT = dt.timedelta(hours=1)
ENDED_KEPT = dt.timedelta(days=30)  # ended parties, finished reminders, replaced or deleted polls
BATCH = 500  # parties deleted per unit of work (a big backlog is pruned in several short turns of the writer)


class PruneReport(Struct, frozen=True):
    parties: int = 0
    reminders: int = 0
    personal: int = 0
    polls: int = 0

    @property
    def total(self) -> int:
        return self.parties + self.reminders + self.personal + self.polls


class RetentionService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def prune(self, now: dt.datetime) -> PruneReport:
        """Delete what is past its keeping time (the loop calls it hourly; tests call it with ``now``)."""
        deleted_parties = deleted_personal = 0
        while True:
            async with self._db.transaction() as tx:
                ids = await parties.prunable(
                    tx.conn,
                    cancelled_before=epoch(now - CANCELLED_PARTY_KEPT),
                    ended_before=epoch(now - ENDED_KEPT),
                    limit=BATCH,
                )
                deleted_personal += await personal.delete_for_targets(tx.conn, ReminderKind.PARTY_DM, ids)
                await reminders.delete_for_refs(tx.conn, ReminderKind.PARTY, ids)
                deleted_parties += await parties.delete(tx.conn, ids)
            if len(ids) < BATCH:
                break
        async with self._db.transaction() as tx:
            deleted_reminders = await reminders.prune(tx.conn, finished_before=epoch(now - ENDED_KEPT))
            deleted_personal += await personal.prune_orphans(tx.conn)
            deleted_polls = await polls.prune(tx.conn, closed_before=epoch(now - ENDED_KEPT))
        return PruneReport(deleted_parties, deleted_reminders, deleted_personal, deleted_polls)
