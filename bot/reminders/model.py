"""What the bot posts on its own, and how each post and each reminder ended."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from msgspec import Struct, field

from bot.locale import Msg
from bot.store import ReminderRow


class Refusal(enum.StrEnum):
    """Why a post did not go through for good (a reminder's failure records the value, the staff report names it)."""

    UNKNOWN_CHANNEL = "unknown_channel"
    UNKNOWN_USER = "unknown_user"
    MISSING_ACCESS = "missing_access"
    DMS_CLOSED = "dms_closed"  # the member does not take DMs from the bot (or shares no server with it)
    MISSING_PERMISSIONS = "missing_permissions"
    INVALID_FORM = "invalid_form"
    UNCONFIRMED = "unconfirmed"  # Discord never confirmed it within the nonce window: not sent again
    OTHER = "other"  # another refusal, or an error inside the bot


# Discord's answers that mean "no, and asking again will not help" (recorded with their code).
REFUSALS: dict[int, Refusal] = {
    10003: Refusal.UNKNOWN_CHANNEL,
    10013: Refusal.UNKNOWN_USER,
    50001: Refusal.MISSING_ACCESS,
    50007: Refusal.DMS_CLOSED,
    50013: Refusal.MISSING_PERMISSIONS,
    50035: Refusal.INVALID_FORM,
}
#: Refusals staff can fix (a channel permission or a deleted channel): reported to the staff channel.
STAFF_FIXABLE = frozenset({Refusal.MISSING_ACCESS, Refusal.MISSING_PERMISSIONS, Refusal.UNKNOWN_CHANNEL})


class TransportErrorKind(enum.StrEnum):
    """What a failed request means for the sender."""

    RATE_LIMITED = "rate_limited"  # come back after ``retry_after``
    TRANSIENT = "transient"  # Discord failing or the connection: back off and retry (within the nonce window)
    REFUSED = "refused"  # Discord's definitive no (its code says why: :data:`REFUSALS`)


class PollSpec(Struct, frozen=True):
    """A native Discord poll attached to an outgoing message (single choice)."""

    question: str
    answers: tuple[str, ...]  # Discord numbers them 1, 2, ... in this order
    hours: int
    emoji: str | None = None  # shown beside every answer


class Outgoing(Struct, frozen=True):
    """One message the bot posts on its own: in a channel, or as a DM to ``user_id``."""

    content: str
    guild_id: int | None  # the server it is for (fairness between servers; staff reports)
    channel_id: int | None = None
    user_id: int | None = None
    nonce: str | None = None  # Discord returns the first message for a repeated nonce (enforce_nonce)
    mention_users: tuple[int, ...] = ()  # exactly who may be pinged; nobody else is
    mention_roles: tuple[int, ...] = ()
    deadline: dt.datetime | None = None  # not worth sending after this
    label: str = "message"
    poll: PollSpec | None = None

    def __post_init__(self) -> None:
        if (self.channel_id is None) == (self.user_id is None):
            raise ValueError("an outgoing message goes to exactly one channel or one member")

    @property
    def bucket(self) -> str:
        """Discord's per-channel rate limits apply per channel (a DM is a channel too)."""
        return f"c{self.channel_id}" if self.channel_id is not None else f"u{self.user_id}"


class Request(Struct, frozen=True):
    """One REST request other than a post that the bot makes on its own (an AutoMod rule listed, created, edited or
    deleted), paced, rate-limited and retried like posts. ``run`` makes it and returns Discord's answer, or raises
    :class:`TransportError` (the port that builds it classifies discord.py's errors)."""

    guild_id: int
    run: Callable[[], Awaitable[object]]
    label: str
    route: str = "request"  # Discord's rate-limit bucket is per route and server
    deadline: dt.datetime | None = None  # not worth making after this

    @property
    def bucket(self) -> str:
        return f"g{self.guild_id}:{self.route}"


class Delivered(Struct, frozen=True):
    message_id: int


class Answered(Struct, frozen=True):
    """A :class:`Request` went through: Discord's answer."""

    value: object


class Refused(Struct, frozen=True):
    """Discord said no for good, or never confirmed within the nonce window."""

    problem: Refusal
    detail: str
    code: int | None = None
    status: int | None = None


class Expired(Struct, frozen=True):
    """Its moment passed before Discord took it (rate limits or an outage lasted too long)."""

    detail: str


class Postponed(Struct, frozen=True):
    """Not sent because the bot is stopping; a reminder goes back in the queue."""

    detail: str


SendResult = Delivered | Refused | Expired | Postponed
CallResult = Answered | Refused | Expired | Postponed


class Transport(Protocol):
    """Discord I/O for the sender: posts one message and returns its id, or raises :class:`TransportError`."""

    async def post(self, item: Outgoing) -> int: ...

    def requests_needed(self, item: Outgoing) -> int:
        """How many HTTP requests posting ``item`` takes (a DM to a new member opens the DM channel first)."""
        ...


class TransportError(Exception):
    def __init__(
        self,
        kind: TransportErrorKind,
        detail: str,
        *,
        retry_after: float | None = None,
        is_global: bool = False,
        status: int | None = None,
        code: int | None = None,
        ambiguous: bool = False,
    ) -> None:
        super().__init__(detail)
        self.kind = TransportErrorKind(kind)
        self.detail = detail
        self.retry_after = retry_after
        self.is_global = is_global
        self.status = status
        self.code = code
        self.ambiguous = ambiguous  # the request may have reached Discord (only the nonce prevents a double)


# -- reminders -----------------------------------------------------------------------------------


class Sent(Struct, frozen=True):
    message_id: int | None
    channel_id: int | None = None  # a post went through there: its delivery problems are over
    detail: str | None = None  # e.g. DM copies that could not be delivered
    dms_refused: tuple[int, ...] = ()  # members whose DMs are closed to the bot
    dms_delivered: tuple[int, ...] = ()


class Failed(Struct, frozen=True):
    problem: Refusal
    detail: str
    channel_id: int | None = None
    what: str | Msg = "a reminder"  # for the staff report (a message, in the server's language)

    @property
    def report_to_staff(self) -> bool:
        return self.problem in STAFF_FIXABLE and self.channel_id is not None


class Skipped(Struct, frozen=True):
    reason: str


Outcome = Sent | Failed | Skipped | Postponed


class Attempt(Struct, frozen=True):
    """What a delivery gets to work with."""

    nonce: str
    now: dt.datetime
    late: bool  # sent noticeably after its due time (the bot was down or Discord slow)
    deadline: dt.datetime  # the moment after which the reminder is pointless


class Delivery(Protocol):
    """Sends the reminders of one kind (watch party, airing) through the paced sender."""

    async def deliver(self, reminder: ReminderRow, attempt: Attempt) -> Outcome: ...


def outcome_of(result: SendResult, channel_id: int | None, what: str | Msg) -> Outcome | None:
    """The reminder's outcome when its main post did not go through (None when it did)."""
    if isinstance(result, Delivered):
        return None
    if isinstance(result, Refused):
        return Failed(result.problem, result.detail, channel_id, what)
    if isinstance(result, Expired):
        return Skipped(result.detail)
    return result


class DmResults(Struct):
    refused: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def add(self, user_id: int, result: SendResult) -> None:
        if isinstance(result, Delivered):
            self.delivered.append(user_id)
        elif isinstance(result, Refused) and result.problem == Refusal.DMS_CLOSED:
            self.refused.append(user_id)
        elif isinstance(result, Refused | Expired):
            self.other.append(result.detail)

    def summary(self) -> str | None:
        """For the reminder's record: counts only, never member ids (``/progress forget`` leaves no trace)."""
        parts = []
        if self.refused:
            parts.append(f"{len(self.refused)} DM copy(ies) refused (the member's DMs are closed)")
        if self.other:
            parts.append(f"{len(self.other)} DM copy(ies) not delivered ({self.other[0][:120]})")
        return "; ".join(parts) or None


def nonce_for(reminder_id: int, part: int = 0) -> str:
    """Stable per reminder and part (Discord nonces are at most 25 characters)."""
    return f"runon-r{reminder_id}" + (f"-{part}" if part else "")


def dm_nonce(reminder_id: int, user_id: int) -> str:
    """One nonce per DM copy: each member's DM channel is its own channel."""
    return f"r{_base36(reminder_id)}u{_base36(user_id)}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def chunks(members: Sequence[int], size: int) -> list[list[int]]:
    return [list(members[i : i + size]) for i in range(0, len(members), size)] or [[]]


def timestamp(moment: dt.datetime, style: str = "F") -> str:
    """A Discord timestamp: each member sees it in their own zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"
