"""The queue machinery of everything the bot posts on its own: the durable reminder queue (:mod:`.model`), the loop
that claims it (:mod:`.scheduler`) and the paced sender that stays inside Discord's rate limits (:mod:`.sender`).

It imports nothing above the store: the delivery of each kind (:mod:`bot.deliveries`) and the Discord transport
(:mod:`bot.transport`) are given to it by the composition root (:mod:`bot.app`)."""

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
    Refusal,
    Refused,
    SendResult,
    Sent,
    Skipped,
    Transport,
    TransportError,
    TransportErrorKind,
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
    "Refusal",
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
    "TransportErrorKind",
]
