"""The grammar's entry points (:mod:`bot.services.timeparse` names them; this module holds them so that importing
the package, or only its word tables, loads no grammar)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from msgspec import Struct

from bot.locale import Msg, msg

from .english import read_english
from .errors import TimeRefused
from .korean import read_korean
from .placing import check_now, days_named, in_season, place, read_stamp, window
from .reading import Reading, Refuser
from .tokens import normalize

MAX_LENGTH = 100
PREVIEW_LENGTH = 100
HINT = msg("Keep typing… e.g. friday 8pm, tomorrow 21:00, in 2 hours")
DAY_HINT = msg("Keep typing… e.g. today, next wednesday, 2026-12-02")


def _read(text: str, refuse: Refuser) -> Reading:
    phrase = normalize(text)
    refuse.phrase = phrase
    if not phrase:
        raise refuse.refuse(msg("Tell me a time."), msg("Type a time"))
    if refuse.korean:
        return read_korean(phrase, refuse)
    return read_english(phrase, refuse)


def parse_when(text: str, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """The instant ``text`` names, read in ``zone`` relative to ``now``, as an aware UTC datetime.

    Raises a :class:`TimeRefused` (a :class:`~bot.errors.UserError`) when the text is not one clear time, or
    names one before ``now`` or more than :data:`MAX_AHEAD` after it. ``now`` must be aware.
    """
    now = check_now(now)
    refuse = Refuser(text, zone, now, parse_when)
    if len(text) > MAX_LENGTH:
        raise refuse.refuse(msg("That's too long to be a time."), msg("Too long to be a time"))
    instant = read_stamp(text, refuse)
    if instant is None:
        reading = _read(text, refuse)
        instant = in_season(reading, place(reading, zone, now, refuse), refuse)
    return window(instant, zone, now, refuse)


def parse_day(text: str, zone: dt.tzinfo, now: dt.datetime) -> dt.date:
    """The day ``text`` names in ``zone`` (``today``, ``next wednesday``, ``2026-12-02``, ``in 2 weeks``, ``오늘``,
    ``다음 주 수요일``, ``12월 2일``, ``2주 후``...).

    A time is refused (the caller places the day's events itself); a day in the past is returned as is.
    """
    now = check_now(now)
    refuse = Refuser(text, zone, now, parse_when)
    if len(text) > MAX_LENGTH:
        raise refuse.refuse(msg("That's too long to be a day."), msg("Too long to be a day"))
    stamp = read_stamp(text, refuse)
    if stamp is not None:
        return stamp.astimezone(zone).date()
    reading = _read(text, refuse)
    today = now.astimezone(zone).date()
    if reading.now:
        return today
    if reading.clock is not None or reading.part is not None or reading.zone is not None:
        raise refuse.refuse(
            msg(
                'Give a day without a time, e.g. "2026-12-02", "today" or "next wednesday": the time comes from '
                "the slots."
            ),
            msg("Give a day without a time"),
        )
    if reading.duration_units:
        if reading.duration_units - {"days", "weeks"}:
            raise refuse.refuse(msg("Give a day, not hours or minutes."), msg("Give a day, not hours"))
        return today + reading.duration * reading.sign
    if reading.day is None:  # pragma: no cover - _read refuses an empty reading
        raise refuse.unreadable()
    return days_named(reading.day, today, refuse)[0]


class Preview(Struct, frozen=True):
    """What the autocomplete line shows about a typed time: nothing yet (``hint``), the instant (or the day), or
    the refusal. The cog renders it in the member's language."""

    zone: dt.tzinfo
    now: dt.datetime
    instant: dt.datetime | None = None
    day: dt.date | None = None
    refusal: TimeRefused | None = None
    hint: Msg | None = None


def preview(text: str, zone: dt.tzinfo, now: dt.datetime) -> Preview:
    """The reading of ``text`` for autocomplete. Never raises for bad input: a refusal is returned."""
    if not text.strip():
        return Preview(zone, now, hint=HINT)
    try:
        return Preview(zone, now, instant=parse_when(text, zone, now))
    except TimeRefused as error:
        return Preview(zone, now, refusal=error)


def preview_day(text: str, zone: dt.tzinfo, now: dt.datetime) -> Preview:
    """:func:`preview` for a day; ``instant`` is the day's midnight in ``zone``."""
    if not text.strip():
        return Preview(zone, now, hint=DAY_HINT)
    try:
        day = parse_day(text, zone, now)
    except TimeRefused as error:
        return Preview(zone, now, refusal=error)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return Preview(zone, now, instant=midnight.astimezone(dt.UTC), day=day)


def warm_up() -> None:
    """Load what the first reading would, now rather than on a member's first keystroke: the word tables, the
    grammars built from them, and the zone abbreviations (CLDR)."""
    for text in ("friday 8pm KST", "금요일 오후 8시"):
        parse_when(text, ZoneInfo("UTC"), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
