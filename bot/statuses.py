"""The states things are in, one enum per concept, shared by the store (which keeps their string values, so the
database format is what it always was) and the services (which decide with them); cogs see them through the
services. Plain Python: nothing here imports the rest of the bot.
"""

from __future__ import annotations

import enum

__all__ = ["PartyStatus", "PollState", "ReminderKind", "ReminderState", "RewatchStatus", "Rsvp"]


class PartyStatus(enum.StrEnum):
    """A watch party: planned (it ends by itself once its time is over) or called off by its host or staff."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Rsvp(enum.StrEnum):
    """A member's answer to a watch party. ``WAITLIST`` is not an answer one gives: a full party turns "going"
    into it, and a freed place turns it back into "going"."""

    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"
    WAITLIST = "waitlist"


#: The answers a member can give with the card's buttons (the wait list is the party's doing).
ANSWERS = (Rsvp.GOING, Rsvp.MAYBE, Rsvp.DECLINED)


class ReminderKind(enum.StrEnum):
    """What a row of the reminder queue is about; the composition root's table (:func:`bot.app.deliveries`) has one
    delivery for each. The values are what the database holds (``reminders.kind``, ``personal_reminders.kind``)."""

    PARTY = "party"  # a watch party's reminders in its channel (ref: the party)
    AIRING = "airing"  # an episode's airing post in the server's airing channel (ref: the airing slot)
    PARTY_DM = "party-dm"  # a member's own reminder of a party, by DM (ref: their personal reminder)
    AIRING_DM = "airing-dm"  # a member's own reminder of an episode, by DM (ref: their personal reminder)
    PULSE = "pulse"  # the episode poll in the episode's discussion thread (ref: the airing slot)
    #: The spoiler window of an airing slot (ref: the slot): it opens at the slot (offset: the window's length
    #: before its end, ``event_at``) and closes at its end (offset 0). Either one brings the server's AutoMod rule up
    #: to date with what should be in effect when it runs, so a late one still does the right thing.
    WINDOW = "spoiler-window"
    #: The server's spoiler window rule brought up to date now (ref: the server): staff changed the window, its words
    #: or exempt channels, or the schedule moved under an open window.
    WINDOW_NOW = "spoiler-window-now"


class ReminderState(enum.StrEnum):
    """A reminder in the queue: waiting for its time, taken by one instance, or finished one way or another."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: Done with: the row is history.
FINISHED = (ReminderState.SENT, ReminderState.SKIPPED, ReminderState.FAILED)


class RewatchStatus(enum.StrEnum):
    """A server's rewatch: its slots are counting, or frozen at the moment it was paused."""

    RUNNING = "running"
    PAUSED = "paused"


class PollState(enum.StrEnum):
    """An episode poll: ``OPEN`` (live counts from vote events), ``CLOSED`` (Discord's final count) or ``GONE``
    (its message was deleted)."""

    OPEN = "open"
    CLOSED = "closed"
    GONE = "gone"
