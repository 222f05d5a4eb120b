"""When the show airs: weekly slots in the show's zone, and the run's status at a given instant."""

from __future__ import annotations

import datetime as dt

from msgspec import Struct

from bot.catalog import Catalog, Episode, Slot


def next_slot_occurrence(slot: Slot, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """The next instant (UTC) at or after ``now`` on this weekly slot, computed in the slot's zone."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local_now = now.astimezone(zone)
    days = (slot.weekday - local_now.weekday()) % 7
    for extra in (0, 7):
        day = local_now.date() + dt.timedelta(days=days + extra)
        candidate = dt.datetime.combine(day, slot.time, tzinfo=zone)
        if candidate >= now:
            return candidate.astimezone(dt.UTC)
    raise AssertionError("unreachable: a weekly slot recurs within 14 days")


class AiringStatus(Struct, frozen=True):
    """Where the run stands at ``now``."""

    finished: bool
    next_episode: Episode | None  # the next to air, when the run is not over
    last_aired: Episode | None  # the latest episode whose air time has passed
    aired_count: int


class AiringService:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def next_slots(self, now: dt.datetime) -> list[tuple[Slot, dt.datetime]]:
        show = self._catalog.show
        return [(slot, next_slot_occurrence(slot, show.timezone, now)) for slot in show.slots]

    def status(self, now: dt.datetime) -> AiringStatus:
        episodes = self._catalog.episodes
        aired = [e for e in episodes if e.airs_at <= now]
        upcoming = [e for e in episodes if e.airs_at > now]
        return AiringStatus(
            finished=not upcoming,
            next_episode=upcoming[0] if upcoming else None,
            last_aired=aired[-1] if aired else None,
            aired_count=len(aired),
        )
