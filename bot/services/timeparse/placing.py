"""Placing a reading in time: the day and the wall-clock time it names in the member's zone (or the zone the text
names), across daylight-saving changes, then the window every scheduled time obeys."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.locale import Day, Moment, WeekdayName, msg
from bot.services.zones import MetazoneName, abbreviation

from .errors import AmbiguousTime, PastTime, TimeRefused, TooFarAhead, ZoneInText, zone_name
from .reading import Clock, DaySpec, Reading, Refuser, utc_offset
from .tokens import DISCORD_TIMESTAMP, UNIX_TIME

MAX_AHEAD = dt.timedelta(days=366)

_DAY = dt.timedelta(days=1)


def in_season(reading: Reading, instant: dt.datetime, refuse: Refuser) -> dt.datetime:
    """A region's abbreviation ("CET", "EST") is read as the region's clock when it is right for the day named;
    otherwise ("CET" in July) the member is asked: the region's clock then, or the abbreviation's offset."""
    if reading.abbreviation is None:
        return instant
    meaning, name, span = reading.abbreviation
    region = ZoneInfo(meaning.zone)
    actual = instant.astimezone(region).utcoffset()
    minutes = int(actual.total_seconds() // 60) if actual is not None else 0
    if meaning.offset is None or meaning.offset == minutes:
        return instant
    season = instant.astimezone(region).tzname() or ""
    found = abbreviation(season)
    clock = season if found is not None and len(found.meanings) == 1 else utc_offset(minutes)
    choices = refuse.variants(span, clock) + refuse.variants(span, utc_offset(meaning.offset))
    if len(choices) != 2:
        raise ZoneInText(
            msg('"{name}" is {offset}, but {region} is on {actual} then: give the UTC offset you mean.', name=name,
                offset=utc_offset(meaning.offset), region=MetazoneName(meaning.metazone), actual=utc_offset(minutes)),
            msg('"{name}" is {offset}: is that what you mean?', name=name, offset=utc_offset(meaning.offset)),
            name,
        )  # fmt: skip
    raise ZoneInText(
        msg(
            '"{name}" is {offset}, but {region} is on {actual} then: write "{first}" for {region}\'s clock, or '
            '"{second}".',
            name=name, offset=utc_offset(meaning.offset), region=MetazoneName(meaning.metazone),
            actual=utc_offset(minutes), first=choices[0], second=choices[1],
        ),
        msg('"{name}" is {offset}: is that what you mean?', name=name, offset=utc_offset(meaning.offset)),
        name,
        choices,
    )  # fmt: skip


# -- placing a reading in time ---------------------------------------------------------------------

_LIKELY_TYPO_DAYS = 300  # a month and day without a year further ahead than this has most likely just passed
_EVENING_START = 17  # "tonight", "evening" and "night" cover 17:00 to 04:59


def _hour_for_part(
    clock: Clock, part: str | None, tonight: bool, refuse: Refuser, part_text: str | None
) -> tuple[int, int]:
    """(hour, days after the named day) for the clock read with the part of the day."""
    hour = clock.hour
    if part is None:
        if clock.bare and 1 <= hour <= 12:
            raise _morning_or_evening(clock, refuse)
        return hour, 0
    if clock.midnight:
        if part in ("night", "evening"):
            return 0, 1
        raise _clash(clock, part_text or part, tonight, refuse)
    if clock.noon:
        if part == "afternoon":
            return 12, 0
        raise _clash(clock, part_text or part, tonight, refuse)
    twelve = clock.bare or (clock.half is None and 1 <= hour <= 12)
    if part == "dawn":  # 새벽: the small hours of the day named
        if twelve and 1 <= hour <= 6 and clock.half != "pm":
            return hour, 0
        if not twelve and hour < 7:
            return hour, 0
    elif part == "morning":
        if twelve and 1 <= hour <= 11:
            return hour, 0
        if not twelve and hour < 12:
            return hour, 0
    elif part == "afternoon":
        if twelve and (hour == 12 or 1 <= hour <= 6):
            return hour % 12 + 12, 0
        if not twelve and 12 <= hour < 18:
            return hour, 0
    else:  # evening, night, tonight
        if twelve:
            if 5 <= hour <= 11:
                return hour + 12, 0
            if hour == 12:
                return 0, 1
            if 1 <= hour <= 4 and part == "night":
                return hour, 1
        elif hour >= _EVENING_START:
            return hour, 0
        elif hour < 5 and part == "night":
            return hour, 1
    raise _clash(clock, part_text or part, tonight, refuse)


def _morning_or_evening(clock: Clock, refuse: Refuser) -> TimeRefused:
    """An hour of 1-12 alone ("3", "at 9", "9시", "3:30", "내일 8시 30분"): the same refusal, with the member's text
    made morning and evening (the rest of it kept)."""
    suggestions: tuple[str, ...] = ()
    if clock.span is not None:
        typed = refuse.phrase[clock.span[0] : clock.span[1]]
        with_minutes = clock.minute or ":" in typed or "." in typed
        hour = f"{clock.hour}:{clock.minute:02d}" if with_minutes else str(clock.hour)
        if clock.second:
            hour += f":{clock.second:02d}"
        words = refuse.phrasing
        suggestions = refuse.variants(
            clock.span,
            words.suggest("clock_am", clock=hour, typed=typed),
            words.suggest("clock_pm", clock=hour, typed=typed),
        )
    if len(suggestions) == 2:
        reason = msg(
            '"{text}" could be morning or evening: write "{first}" or "{second}".',
            text=clock.text, first=suggestions[0], second=suggestions[1],
        )  # fmt: skip
        short = refuse.phrasing.am_or_pm(clock.text)
        return refuse.refuse(reason, short, AmbiguousTime, suggestions)
    return refuse.refuse(  # the rest of the text needs fixing too: no text to copy
        msg('"{text}" could be morning or evening: add am or pm.', text=clock.text),
        msg('"{text}": am or pm?', text=clock.text),
        AmbiguousTime,
    )


def _clash(clock: Clock, part: str, tonight: bool, refuse: Refuser) -> TimeRefused:
    if tonight:
        reason = msg('"{text}" isn\'t tonight.', text=clock.text)
    else:
        reason = refuse.phrasing.part_clash(clock.text, part)
    return refuse.refuse(
        reason, msg('"{text}" and "{part}" clash', text=clock.text, part="tonight" if tonight else part)
    )


def _localize(wall: dt.datetime, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """The UTC instant of a naive wall-clock time in ``zone``: fold=0 (first occurrence; a skipped time moves
    forward by the gap), or the second occurrence of a repeated time when only that one is still ahead."""
    first = wall.replace(tzinfo=zone).astimezone(dt.UTC)
    if first < now:
        second = wall.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
        if second >= now:
            return second
    return first


def _date(spec: DaySpec, today: dt.date, refuse: Refuser) -> dt.date:
    assert spec.date is not None
    year, month, day = spec.date
    candidates = [year] if year is not None else [today.year, today.year + 1]
    for candidate in candidates:
        try:
            date = dt.date(candidate, month, day)
        except ValueError:
            if year is None and month == 2 and day == 29:
                continue  # the next 29 February may be years away: tried below, else refused
            raise refuse.refuse(
                msg('"{text}" isn\'t a date in the calendar.', text=spec.text),
                msg('"{text}" isn\'t a date', text=spec.text),
            ) from None
        if year is not None or date >= today:
            if year is None and (date - today).days > _LIKELY_TYPO_DAYS:
                raise _just_passed(spec, date, refuse)
            return date
    raise refuse.refuse(
        msg('"{text}" isn\'t a date in the next year.', text=spec.text),
        msg('"{text}" isn\'t a date soon', text=spec.text),
    )


def _just_passed(spec: DaySpec, date: dt.date, refuse: Refuser) -> TimeRefused:
    """A month and day without a year that passed this year ("dec 14" on 15 December): next year's is offered,
    never taken silently (a date ten months ahead is more often a typo)."""
    written = refuse.phrasing.suggest("date", iso=date.isoformat(), year=date.year, month=date.month, day=date.day)
    suggestions = refuse.variants(spec.span, written) if spec.span is not None else ()
    last = date.replace(year=date.year - 1) if not (date.month == 2 and date.day == 29) else date
    if suggestions:
        reason = msg(
            '"{text}" this year was {date}, which has passed. For next year\'s, write "{suggestion}".',
            text=spec.text, date=Day(last), suggestion=suggestions[0],
        )  # fmt: skip
    else:  # the rest of the text needs fixing too
        reason = msg('"{text}" this year was {date}, which has passed.', text=spec.text, date=Day(last))
    return refuse.refuse(reason, msg('"{text}" has passed this year', text=spec.text), AmbiguousTime, suggestions)


def days_named(spec: DaySpec | None, today: dt.date, refuse: Refuser) -> list[dt.date]:
    """The candidate days the spec names, in order (a weekday without "next" may be today or a week on)."""
    if spec is None:
        return [today, today + _DAY]
    if spec.offset is not None:
        return [today + dt.timedelta(days=spec.offset)]
    if spec.date is not None:
        date = _date(spec, today, refuse)
        if spec.check is not None and date.weekday() != spec.check:
            named, actual = WeekdayName(spec.check), WeekdayName(date.weekday())
            raise refuse.refuse(
                msg("{date} is a {actual}, not a {named}: check the date.", date=Day(date), actual=actual, named=named),
                msg("{date} is a {actual}, not a {named}", date=Day(date), actual=actual, named=named),
            )
        return [date]
    assert spec.weekday is not None
    if spec.week is not None:  # a calendar week, Monday to Sunday
        monday = today - dt.timedelta(days=today.weekday())
        return [monday + dt.timedelta(days=7 * spec.week + spec.weekday)]
    ahead = (spec.weekday - today.weekday()) % 7
    if spec.modifier == "last":
        return [today - dt.timedelta(days=(today.weekday() - spec.weekday) % 7 or 7)]
    if spec.modifier == "next":
        return [today + dt.timedelta(days=ahead or 7)]
    return [today + dt.timedelta(days=ahead), today + dt.timedelta(days=ahead + 7)]


def _past(instant: dt.datetime, when: object, zone: dt.tzinfo, refuse: Refuser) -> PastTime:
    name = zone_name(zone)
    return PastTime(
        msg("That's in the past ({when} in {zone}).", when=when, zone=name),
        msg("That's in the past ({when} in {zone})", when=when, zone=name),
        refuse.examples,
        instant,
    )


def place(reading: Reading, zone: dt.tzinfo, now: dt.datetime, refuse: Refuser) -> dt.datetime:
    if reading.now:
        return now
    reference = reading.zone or zone
    local_now = now.astimezone(reference)
    today = local_now.date()
    if reading.duration_units:
        delta = reading.duration * reading.sign
        if reading.duration_units - {"days", "weeks"}:
            return now + delta  # hours or minutes: elapsed time, exact across a daylight-saving change
        day = (local_now + delta).date()
        if reading.clock is None:  # whole days keep the clock time
            return _localize(dt.datetime.combine(day, local_now.time().replace(tzinfo=None)), reference, now)
        hour, extra = _hour_for_part(reading.clock, reading.part, reading.tonight, refuse, reading.part_text)
        wall = dt.time(hour, reading.clock.minute, reading.clock.second)
        return _localize(dt.datetime.combine(day + dt.timedelta(days=extra), wall), reference, now)
    clock = reading.clock
    part = reading.part
    if clock is None:
        named = reading.day.text if reading.day is not None else (reading.part_text or part or "")
        if reading.day is not None and reading.part_text is not None and reading.part_text not in named:
            named = f"{named} {reading.part_text}"
        if reading.day is not None:
            day = days_named(reading.day, today, refuse)[0]
            if day < today:
                midnight = dt.datetime.combine(day, dt.time(), tzinfo=reference).astimezone(dt.UTC)
                raise _past(midnight, Day(day), reference, refuse)
        raise refuse.refuse(*refuse.phrasing.add_time(named, with_part=bool(reading.part_text)))
    if clock.midnight and reading.day is not None and part is None:
        day_text = reading.day.text
        raise refuse.refuse(
            msg(
                '"{day} {word}" could be the start or the end of that day: write "{day} 00:00" for the start, or '
                '"23:59".',
                day=day_text,
                word=clock.text,
            ),
            msg('"{day} {word}": start or end of the day? Write 00:00', day=day_text, word=clock.text),
            AmbiguousTime,
        )
    if part is not None and part != "dawn" and reading.day is None:
        reading.day = DaySpec(reading.part_text or part, offset=0)  # "evening at 8", "저녁 8시": this evening
    hour, extra = _hour_for_part(clock, part, reading.tonight, refuse, reading.part_text)
    candidates = days_named(reading.day, today, refuse)
    instant = now
    for day in candidates:
        wall = dt.time(hour, clock.minute, clock.second)
        instant = _localize(dt.datetime.combine(day + dt.timedelta(days=extra), wall), reference, now)
        if instant >= now:
            return instant
    return instant  # the last candidate, in the past: refused by the window check


def window(instant: dt.datetime, zone: dt.tzinfo, now: dt.datetime, refuse: Refuser) -> dt.datetime:
    if instant < now:
        raise _past(instant, Moment(instant, zone), zone, refuse)
    if instant - now > MAX_AHEAD:
        when, name = Moment(instant, zone), zone_name(zone)
        raise TooFarAhead(
            msg(
                "That's more than a year away ({when} in {zone}). Pick a time within the next 366 days.",
                when=when,
                zone=name,
            ),
            msg("More than a year away ({when}): pick a closer time", when=when),
            refuse.examples,
            instant,
        )
    return instant


def read_stamp(text: str, refuse: Refuser) -> dt.datetime | None:
    cleaned = text.strip()
    stamp = DISCORD_TIMESTAMP.match(cleaned)
    digits = stamp[1] if stamp else cleaned if UNIX_TIME.match(cleaned) else None
    if digits is None:
        return None
    try:
        return dt.datetime.fromtimestamp(int(digits), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise refuse.unreadable() from None


def check_now(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.UTC)
