"""Everything the bot posts on its own: the durable reminder queue, the loop that claims it, the paced
sender that stays inside Discord's rate limits, and one delivery per kind (``party``, ``airing``), which
the bot registers at start-up."""

from .model import (
    Attempt,
    Delivered,
    Delivery,
    Expired,
    Failed,
    Outcome,
    Outgoing,
    PollSpec,
    Postponed,
    Refused,
    SendResult,
    Sent,
    Skipped,
    Transport,
    TransportError,
)
from .scheduler import ReminderScheduler, SchedulerOptions, TickReport
from .sender import PacedSender, SenderOptions, SenderStats

__all__ = [
    "Attempt",
    "Delivered",
    "Delivery",
    "Expired",
    "Failed",
    "Outcome",
    "Outgoing",
    "PacedSender",
    "PollSpec",
    "Postponed",
    "Refused",
    "ReminderScheduler",
    "SchedulerOptions",
    "SendResult",
    "SenderOptions",
    "SenderStats",
    "Sent",
    "Skipped",
    "TickReport",
    "Transport",
    "TransportError",
]
