"""Refusals: a text that does not name one time a member would agree with. Each carries message ids (its
sentence and a short form for an autocomplete line), rendered by the cog in the reader's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.locale import Msg, msg


class TimeRefused(UserError):
    """The text does not name one time a person would agree with: ``reason`` says why, ``short`` fits an
    autocomplete line, and the full message (the reason, then ``examples``) is what the command answers."""

    def __init__(self, reason: Msg, short: Msg, examples: Msg | None = None, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(msg("{reason} {examples}", reason=reason, examples=examples) if examples else reason)
        self.reason = reason
        self.short = short
        #: Texts the refusal tells the member to type instead, each quoted in ``reason`` as written: typed back,
        #: each parses to one of the instants the member may have meant (tested as a property).
        self.suggestions = suggestions


class UnreadableTime(TimeRefused):
    """Part of the text is not a time (or the whole of it)."""


class AmbiguousTime(TimeRefused):
    """The text could mean more than one time ("at 9", "12/2", "9시")."""


class ZoneInText(TimeRefused):
    """The text names a zone abbreviation that may mean several offsets ("8pm EST", "9pm IST")."""

    def __init__(self, reason: Msg, short: Msg, abbreviation: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(reason, short, suggestions=suggestions)
        self.abbreviation = abbreviation


class PastTime(TimeRefused):
    """The time read is before ``now``."""

    def __init__(self, reason: Msg, short: Msg, examples: Msg, instant: dt.datetime) -> None:
        super().__init__(reason, short, examples)
        self.instant = instant


class TooFarAhead(TimeRefused):
    """The time read is more than :data:`MAX_AHEAD` after ``now``."""

    def __init__(self, reason: Msg, short: Msg, examples: Msg, instant: dt.datetime) -> None:
        super().__init__(reason, short, examples)
        self.instant = instant


def zone_name(zone: dt.tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def quoted(text: str) -> str:
    flat = " ".join(text.split()).replace('"', "'")
    return flat if len(flat) <= 40 else flat[:39] + "…"
