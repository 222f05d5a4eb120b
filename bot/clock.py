"""Time helpers shared by services and the reminder package: aware UTC only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def epoch(moment: dt.datetime) -> int:
    """UTC epoch seconds of an aware datetime (what the store keeps)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return int(moment.timestamp())


def instant(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)
