"""Time input ("friday 8pm", "금요일 오후 8시", "in 2 hours", "2시간 후", a pasted Discord timestamp) read in the
member's zone.

Two hand-written grammars, English and Korean, compiled once at import; text with Hangul is read with the
Korean one (which also takes the forms both languages share: ``21:00``, ``2026-12-02``, ``KST``). Both are strict
on purpose: every word of the text must be understood, or the text is refused with the part it could not place
and examples of what works. There is no guessing: "9" alone, "at 9" and "9시" (morning or evening?),
"tomorrow 25:00", "-1", "12/2" (December or February?), "다음 금요일" (this coming Friday or next week's?) and
"friday" without a time are refused, each with a sentence saying what to write instead.

What the forms mean (``now`` is the moment of reading; local times are in the member's zone):

* ``<t:1795608000:F>`` (any style letter), a bare 10-digit Unix time and ``now``/``지금`` name one instant.
* Durations: ``in 2 hours``, ``in 90 minutes``, ``in 1h30m``, ``in half an hour``, ``2 hours from now``,
  ``2시간 후``, ``1시간 30분 뒤``, ``두 시간 반 후``: elapsed time, exact across a daylight-saving change. Whole days or
  weeks (``in 2 days``, ``3일 후``, ``이틀 후``, ``2주 후``) keep the wall clock instead, and may take a time:
  ``in 2 days at 9pm``, ``3일 후 오후 9시``. ``... ago`` / ``... 전`` is read, then refused as past.
* A time alone (``8pm``, ``20:30``, ``noon``, ``오후 8시``, ``21시``) is its next occurrence: today while still
  ahead, else tomorrow.
* A weekday (``friday``, ``fri``, ``금요일``...) is the next such day whose time is still ahead, so on a Friday at
  19:00 ``friday 8pm`` is today and at 21:00 it is next week. ``next friday`` and ``오는 금요일`` are never today;
  ``last friday`` is read, then refused as past. Korean weeks run Monday to Sunday: ``이번 주 금요일`` is this
  week's Friday (refused once past), ``다음 주 수요일`` the Wednesday of next week, ``다다음 주`` the week after.
* ``today``, ``tomorrow``, ``yesterday``, ``the day after tomorrow``, ``오늘``, ``내일``, ``모레``, ``글피``;
  ``tonight`` and ``this evening`` are today's evening. A part of the day (``morning``, ``afternoon``,
  ``evening``, ``night``; ``새벽``, ``아침``, ``낮``, ``저녁``, ``밤``) decides am/pm for an hour given without it:
  ``tonight at 9`` and ``저녁 9시`` are 21:00, ``tomorrow morning at 8`` and ``내일 아침 8시`` are 08:00.
  ``tonight at 1``, ``밤 1시`` and ``tonight 00:30`` are the small hours after today's evening; ``새벽 2시`` is
  02:00 of the day named (without a day, the next 02:00).
  ``오전``/``오후`` are am/pm (``오후 12시`` is noon; ``오전 12시`` is refused: midnight or noon?).
* Dates: ``2026-12-02`` (also with ``/`` or ``.``), ``dec 2``, ``december 2nd 2026``, ``2 dec``, ``the 2nd of
  december``, ``12월 2일``, ``2026년 12월 2일``, and ``12/25`` or ``25/12`` when only one reading is a date. Without
  a year, the next such date (today's date stays today, and a time already past on it is refused rather than
  moved a year on). A weekday written with a date (``Fri, Dec 4``, ``12월 4일 (금)``) must agree with it.
* An hour of 1 to 12 with nothing saying morning or evening is asked, in every form: ``9``, ``at 9``, ``3:30``,
  ``tomorrow 3:30``, ``9시``, ``8시 30분``. ``13:00``-``23:59``, ``00:30``, ``03:30`` (a leading zero) and the
  European clock (``15h``, ``20h30``) are the 24-hour clock; seconds are kept (``15:23:24``).
* ``12.24`` and ``9.30`` are dates (month.day, as Korean writes them); ``8.30pm`` and ``20.30`` are times.
* A month and day without a year that has passed this year is asked (next year's is offered), never moved on.
* Wall-clock times survive daylight saving: ``friday 20:00`` is 20:00 local whatever the offset that day. A
  repeated local time (clocks going back) is its first occurrence unless only the second is still ahead; a
  skipped one (clocks going forward) moves forward by the gap, so 02:30 that night is 03:30.
* A zone in the text: ``UTC``, ``UTC+9``, ``GMT-5:30``, ``+09:00`` right after a time, ``한국 시간``, and zone
  abbreviations (see :meth:`Builder.zone_word`): the member's own zone's is their clock; one offset (``KST``,
  ``GMT``) is read; one region (``CET``) is read when right for the day, else asked; several (``IST``) asked.
* Every text a refusal suggests is the member's own text with the doubtful part replaced, and is offered only if
  it parses (``suggestions``).

:func:`parse_when` also enforces the one window every scheduled time obeys: not before ``now`` and at most
:data:`MAX_AHEAD` after it. :func:`parse_day` reads a day for date-only options (``/rewatch start from:``).

Refusals are data: a :class:`TimeRefused` carries message ids (its sentence and its short form for an
autocomplete line), rendered by the cog in the reader's language.

The package: :mod:`.lexicon` reads the word tables (``lexicon_en.toml``, ``lexicon_ko.toml``) on first use;
:mod:`.tokens` builds the tokenizers from them; :mod:`.english` and :mod:`.korean` are each a dispatch table from
token kind to handler, filling a reading (:mod:`.reading`); :mod:`.placing` turns the reading into an instant.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import AmbiguousTime, PastTime, TimeRefused, TooFarAhead, UnreadableTime, ZoneInText
    from .grammar import (
        DAY_HINT,
        HINT,
        MAX_LENGTH,
        PREVIEW_LENGTH,
        Preview,
        parse_day,
        parse_when,
        preview,
        preview_day,
        warm_up,
    )
    from .placing import MAX_AHEAD

__all__ = [
    "DAY_HINT",
    "HINT",
    "MAX_AHEAD",
    "MAX_LENGTH",
    "PREVIEW_LENGTH",
    "AmbiguousTime",
    "PastTime",
    "Preview",
    "TimeRefused",
    "TooFarAhead",
    "UnreadableTime",
    "ZoneInText",
    "parse_day",
    "parse_when",
    "preview",
    "preview_day",
    "warm_up",
]
#: The names that live elsewhere than in the grammar's entry points, by module.
_HOME = dict.fromkeys(
    ("AmbiguousTime", "PastTime", "TimeRefused", "TooFarAhead", "UnreadableTime", "ZoneInText"), ".errors"
)
_HOME["MAX_AHEAD"] = ".placing"


def __getattr__(name: str) -> Any:
    """The grammar is compiled on its first use, not when the package (or only its word tables, which the weekly
    slots, forum tags and reminder settings read) is imported: 3.5 MiB and 45-110 ms of every start-up otherwise."""
    if name in __all__:
        value = getattr(importlib.import_module(_HOME.get(name, ".grammar"), __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
