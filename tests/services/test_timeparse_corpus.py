"""Time input against material nobody here wrote (issue 16, section 2).

Most phrases below are taken as written from Facebook's Duckling time corpora, which a public parser is tested
against: ``Duckling/Time/EN/Corpus.hs`` and ``Duckling/Time/KO/Corpus.hs`` (github.com/facebook/duckling, BSD
licence; read at commit 002dec561480a92afe6c93e4931db2c4d9eb8855). Duckling's reference moment is a Tuesday at
04:30, so ours is too: Tue 9 Feb 2027, 04:30 in the member's zone. The instants are what *this* bot means by
each phrase under its own rules (no silent guess: "3:30" is asked, not read as 15:30 as Duckling does; a phrase
without a time of day is asked for one; ranges, holidays and "in a few minutes" are refused), so a row is either
the one instant a person means or a refusal. The rest are fans' phrasings, among them every one the issue lists.

Each refusal row also says which instants the member may have meant; the property test types back every text a
refusal suggests and checks it gives one of them (or that nothing is suggested when nothing can be known).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.locale import texts
from bot.services.timeparse import (
    AmbiguousTime,
    PastTime,
    TimeRefused,
    TooFarAhead,
    UnreadableTime,
    ZoneInText,
    parse_when,
)

NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC
DUCKLING = "duckling"
FAN = "fan"


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


def ko(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


NOW_EN = ny(2027, 2, 9, 4, 30)  # Tuesday
NOW_KO = ko(2027, 2, 9, 4, 30)  # Tuesday
DECEMBER_EN = ny(2026, 12, 15, 12)  # Tuesday 15 December: "Dec 14" has just passed
DECEMBER_KO = ko(2026, 12, 15, 12)


class R:
    """A refusal: its kind, a fragment of its message, and the instants the member may have meant."""

    def __init__(self, kind: type[TimeRefused], fragment: str, *meant: dt.datetime) -> None:
        self.kind, self.fragment, self.meant = kind, fragment, meant

    def __repr__(self) -> str:
        return f"R({self.kind.__name__}, {self.fragment!r})"


NO_TIME = 'Add a time to "'
UNREAD = "I couldn't read"
PAST = "That's in the past"
AM_PM = "could be morning or evening"


def after(now: dt.datetime, **delta: float) -> dt.datetime:
    return now + dt.timedelta(**delta)


# (text, expected, source[, now]): now defaults to NOW_EN
ENGLISH: list[tuple] = [
    # -- Duckling/Time/EN/Corpus.hs ------------------------------------------------------------------------
    ("now", NOW_EN, DUCKLING),
    ("right now", NOW_EN, DUCKLING),
    ("just now", R(UnreadableTime, '"just"'), DUCKLING),
    ("today", R(UnreadableTime, NO_TIME), DUCKLING),
    ("tomorrow", R(UnreadableTime, NO_TIME), DUCKLING),
    ("monday", R(UnreadableTime, NO_TIME), DUCKLING),
    ("mon.", R(UnreadableTime, NO_TIME), DUCKLING),
    ("Monday, Feb 15", R(UnreadableTime, NO_TIME), DUCKLING),
    ("Tuesday the 16th", R(UnreadableTime, UNREAD), DUCKLING),
    ("thursday", R(UnreadableTime, NO_TIME), DUCKLING),
    ("thu", R(UnreadableTime, NO_TIME), DUCKLING),
    ("fri.", R(UnreadableTime, NO_TIME), DUCKLING),
    ("sat", R(UnreadableTime, NO_TIME), DUCKLING),
    ("sunday", R(UnreadableTime, NO_TIME), DUCKLING),
    ("the 1st of march", R(UnreadableTime, NO_TIME), DUCKLING),
    ("march 3", R(UnreadableTime, NO_TIME), DUCKLING),
    ("march 3 2027", R(UnreadableTime, NO_TIME), DUCKLING),
    ("3/3/2027", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2027-3-3", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2027-03-03", R(UnreadableTime, NO_TIME), DUCKLING),
    ("February 15", R(UnreadableTime, NO_TIME), DUCKLING),
    ("15th february", R(UnreadableTime, NO_TIME), DUCKLING),
    ("Aug 8", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2/15", R(UnreadableTime, NO_TIME), DUCKLING),
    ("on 2/15", R(UnreadableTime, NO_TIME), DUCKLING),
    ("Fri, Jul 18", R(UnreadableTime, "is a Sunday, not a Friday"), DUCKLING),
    ("10/31/1974", R(PastTime, PAST), DUCKLING),
    ("4/25 at 4:00pm", ny(2027, 4, 25, 16), DUCKLING),
    ("at 3am", ny(2027, 2, 10, 3), DUCKLING),
    ("at 3 AM", ny(2027, 2, 10, 3), DUCKLING),
    ("3 oclock am", ny(2027, 2, 10, 3), DUCKLING),
    ("at three am", ny(2027, 2, 10, 3), DUCKLING),
    ("3:18am", ny(2027, 2, 10, 3, 18), DUCKLING),
    ("3:18a", ny(2027, 2, 10, 3, 18), DUCKLING),
    ("at 3pm", ny(2027, 2, 9, 15), DUCKLING),
    ("@ 3pm", ny(2027, 2, 9, 15), DUCKLING),
    ("3PM", ny(2027, 2, 9, 15), DUCKLING),
    ("3pm", ny(2027, 2, 9, 15), DUCKLING),
    ("3 oclock pm", ny(2027, 2, 9, 15), DUCKLING),
    ("3 o'clock in the afternoon", ny(2027, 2, 9, 15), DUCKLING),
    ("at 15 past 3pm", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("a quarter past 3pm", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("3:15 in the afternoon", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("15:15", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("3:15pm", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("3:15PM", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("3:15p", ny(2027, 2, 9, 15, 15), DUCKLING),
    ("at 3 15", R(AmbiguousTime, AM_PM, ny(2027, 2, 10, 3, 15), ny(2027, 2, 9, 15, 15)), DUCKLING),
    ("at 20 past 3pm", ny(2027, 2, 9, 15, 20), DUCKLING),
    ("3:20 in the afternoon", ny(2027, 2, 9, 15, 20), DUCKLING),
    ("twenty after 3pm", ny(2027, 2, 9, 15, 20), DUCKLING),
    ("3:20p", ny(2027, 2, 9, 15, 20), DUCKLING),
    ("at three twenty", R(AmbiguousTime, AM_PM, ny(2027, 2, 10, 3, 20), ny(2027, 2, 9, 15, 20)), DUCKLING),
    ("at half past three pm", ny(2027, 2, 9, 15, 30), DUCKLING),
    ("half past 3 pm", ny(2027, 2, 9, 15, 30), DUCKLING),
    ("15:30", ny(2027, 2, 9, 15, 30), DUCKLING),
    ("3:30pm", ny(2027, 2, 9, 15, 30), DUCKLING),
    ("3:30PM", ny(2027, 2, 9, 15, 30), DUCKLING),
    ("330 p.m.", R(UnreadableTime, UNREAD), DUCKLING),
    ("3:30 p m", R(UnreadableTime, UNREAD), DUCKLING),
    ("3:30", R(AmbiguousTime, AM_PM, ny(2027, 2, 10, 3, 30), ny(2027, 2, 9, 15, 30)), DUCKLING),
    ("half three", R(UnreadableTime, UNREAD), DUCKLING),
    ("nine fifty nine a m", R(UnreadableTime, UNREAD), DUCKLING),
    ("15:23:24", ny(2027, 2, 9, 15, 23, 24), DUCKLING),
    ("a quarter to noon", ny(2027, 2, 9, 11, 45), DUCKLING),
    ("11:45am", ny(2027, 2, 9, 11, 45), DUCKLING),
    ("15 to noon", ny(2027, 2, 9, 11, 45), DUCKLING),
    ("8 tonight", ny(2027, 2, 9, 20), DUCKLING),
    ("eight tonight", ny(2027, 2, 9, 20), DUCKLING),
    ("8 this evening", ny(2027, 2, 9, 20), DUCKLING),
    ("at 8 in the evening", ny(2027, 2, 9, 20), DUCKLING),
    ("in the evening at eight", ny(2027, 2, 9, 20), DUCKLING),
    ("at 7:30 PM on Fri, Sep 20", R(UnreadableTime, "is a Monday, not a Friday"), DUCKLING),
    ("at 9am on Saturday", ny(2027, 2, 13, 9), DUCKLING),
    ("on Saturday for 9am", R(UnreadableTime, '"for"'), DUCKLING),
    ("Fri, Jul 18, 2014 07:00 PM", R(PastTime, PAST), DUCKLING),
    ("in a sec", R(UnreadableTime, UNREAD), DUCKLING),
    ("in a minute", after(NOW_EN, minutes=1), DUCKLING),
    ("in one minute", after(NOW_EN, minutes=1), DUCKLING),
    ("in 2 minutes", after(NOW_EN, minutes=2), DUCKLING),
    ("2 minutes from now", after(NOW_EN, minutes=2), DUCKLING),
    ("in three minutes", after(NOW_EN, minutes=3), DUCKLING),
    ("in a few minutes", R(UnreadableTime, UNREAD), DUCKLING),
    ("in 60 minutes", after(NOW_EN, hours=1), DUCKLING),
    ("in half an hour", after(NOW_EN, minutes=30), DUCKLING),
    ("in about half an hour", R(UnreadableTime, UNREAD), DUCKLING),
    ("in 2.5 hours", R(UnreadableTime, UNREAD), DUCKLING),
    ("in one hour", after(NOW_EN, hours=1), DUCKLING),
    ("in 1h", after(NOW_EN, hours=1), DUCKLING),
    ("in 24 hours", after(NOW_EN, hours=24), DUCKLING),
    ("in a day", ny(2027, 2, 10, 4, 30), DUCKLING),
    ("a day from now", ny(2027, 2, 10, 4, 30), DUCKLING),
    ("in 7 days", ny(2027, 2, 16, 4, 30), DUCKLING),
    ("in 1 week", ny(2027, 2, 16, 4, 30), DUCKLING),
    ("in a week", ny(2027, 2, 16, 4, 30), DUCKLING),
    ("7 days ago", R(PastTime, PAST), DUCKLING),
    ("14 days Ago", R(PastTime, PAST), DUCKLING),
    ("a week ago", R(PastTime, PAST), DUCKLING),
    ("three weeks ago", R(PastTime, PAST), DUCKLING),
    ("tonight", R(UnreadableTime, NO_TIME), DUCKLING),
    ("this evening", R(UnreadableTime, NO_TIME), DUCKLING),
    ("tomorrow evening", R(UnreadableTime, NO_TIME), DUCKLING),
    ("this morning", R(UnreadableTime, NO_TIME), DUCKLING),
    ("next tuesday", R(UnreadableTime, NO_TIME), DUCKLING),
    ("last tuesday", R(PastTime, PAST), DUCKLING),
    ("the day after tomorrow", R(UnreadableTime, NO_TIME), DUCKLING),
    ("day after tomorrow 5pm", ny(2027, 2, 11, 17), DUCKLING),
    ("day before yesterday 8am", R(UnreadableTime, UNREAD), DUCKLING),
    ("Thursday 8:00 GMT", R(AmbiguousTime, AM_PM, utc(2027, 2, 11, 8), utc(2027, 2, 11, 20)), DUCKLING),
    ("Thursday 8:00 gmt", R(AmbiguousTime, AM_PM, utc(2027, 2, 11, 8), utc(2027, 2, 11, 20)), DUCKLING),
    ("Thursday 08:00 GMT", utc(2027, 2, 11, 8), FAN),
    ("Thu at 8 GMT", R(AmbiguousTime, AM_PM, utc(2027, 2, 11, 8), utc(2027, 2, 11, 20)), DUCKLING),
    (
        "Thursday 8:00 PST",  # two questions at once: asked, with no text that would still be refused
        R(
            ZoneInText,
            '"PST" can mean',
            utc(2027, 2, 11, 16),
            utc(2027, 2, 12, 4),
            utc(2027, 2, 11, 0),
            utc(2027, 2, 11, 12),
        ),
        DUCKLING,
    ),
    ("Thu at 8 am PST", R(ZoneInText, '"PST" can mean', utc(2027, 2, 11, 16), utc(2027, 2, 11, 0)), DUCKLING),
    ("4pm CET", utc(2027, 2, 9, 15), DUCKLING),
    ("today at 2pm", ny(2027, 2, 9, 14), DUCKLING),
    ("at 2pm", ny(2027, 2, 9, 14), DUCKLING),
    ("3pm tomorrow", ny(2027, 2, 10, 15), DUCKLING),
    ("tomorrow at 5pm", ny(2027, 2, 10, 17), DUCKLING),
    ("at 5pm tomorrow", ny(2027, 2, 10, 17), DUCKLING),
    ("tomorrow afternoon at 5", ny(2027, 2, 10, 17), DUCKLING),
    ("at 5 tomorrow afternoon", ny(2027, 2, 10, 17), DUCKLING),
    ("at 1:30pm", ny(2027, 2, 9, 13, 30), DUCKLING),
    ("1:30pm", ny(2027, 2, 9, 13, 30), DUCKLING),
    ("in 15 minutes", after(NOW_EN, minutes=15), DUCKLING),
    ("in 15", R(UnreadableTime, '"in 15"'), DUCKLING),
    ("10:30", R(AmbiguousTime, AM_PM, ny(2027, 2, 9, 10, 30), ny(2027, 2, 9, 22, 30)), DUCKLING),
    ("approximately 1030", R(UnreadableTime, UNREAD), DUCKLING),
    ("at 1030", R(UnreadableTime, "isn't a time of day"), DUCKLING),
    ("at 12pm", ny(2027, 2, 9, 12), DUCKLING),
    ("at noon", ny(2027, 2, 9, 12), DUCKLING),
    ("at 12am", ny(2027, 2, 10, 0), DUCKLING),
    ("at midnight", ny(2027, 2, 10, 0), DUCKLING),
    ("at 730 in the evening", R(UnreadableTime, "isn't a time of day"), DUCKLING),
    ("seven thirty p.m.", ny(2027, 2, 9, 19, 30), DUCKLING),
    ("ten thirty am", ny(2027, 2, 9, 10, 30), DUCKLING),
    ("3-4pm", R(UnreadableTime, UNREAD), DUCKLING),
    ("8am - 1pm", R(UnreadableTime, UNREAD), DUCKLING),
    ("9:30 - 11:00", R(UnreadableTime, UNREAD), DUCKLING),
    ("by 2:00pm", R(UnreadableTime, '"by"'), DUCKLING),
    ("after 2 pm", R(UnreadableTime, '"after"'), DUCKLING),
    ("before 11 am", R(UnreadableTime, '"before"'), DUCKLING),
    ("Within 2 weeks", R(UnreadableTime, UNREAD), DUCKLING),
    ("thanksgiving", R(UnreadableTime, UNREAD), DUCKLING),
    ("christmas", R(UnreadableTime, UNREAD), DUCKLING),
    ("new year's eve", R(UnreadableTime, UNREAD), DUCKLING),
    ("3 in the AM", R(UnreadableTime, UNREAD), DUCKLING),
    ("3ish pm", R(UnreadableTime, UNREAD), DUCKLING),
    ("at about 3pm", R(UnreadableTime, '"at about"'), DUCKLING),
    # -- fans, and every phrase issue 16 lists -------------------------------------------------------------
    ("friday 8pm", ny(2027, 2, 12, 20), FAN),
    ("fri 8pm est", ny(2027, 2, 12, 20), FAN),
    ("8pm EST", ny(2027, 2, 9, 20), FAN),  # the member's own zone
    ("8pm EDT", ny(2027, 2, 9, 20), FAN),  # their own zone too, out of season: their clock
    ("7p", ny(2027, 2, 9, 19), FAN),
    ("3:45p", ny(2027, 2, 9, 15, 45), FAN),
    ("half past 3pm", ny(2027, 2, 9, 15, 30), FAN),
    ("quarter to 9pm", ny(2027, 2, 9, 20, 45), FAN),
    ("twenty after 8pm", ny(2027, 2, 9, 20, 20), FAN),
    ("nine thirty pm", ny(2027, 2, 9, 21, 30), FAN),
    ("noon tomorrow", ny(2027, 2, 10, 12), FAN),
    ("15h", ny(2027, 2, 9, 15), FAN),
    ("15h00", ny(2027, 2, 9, 15), FAN),
    ("20h30", ny(2027, 2, 9, 20, 30), FAN),
    ("friday 9h", ny(2027, 2, 12, 9), FAN),
    ("9h", R(AmbiguousTime, "hours from now or a time", after(NOW_EN, hours=9), ny(2027, 2, 9, 9)), FAN),
    ("in 1h30", after(NOW_EN, minutes=90), FAN),
    ("tomorrow 3:30", R(AmbiguousTime, AM_PM, ny(2027, 2, 10, 3, 30), ny(2027, 2, 10, 15, 30)), FAN),
    ("tomorrow 03:30", ny(2027, 2, 10, 3, 30), FAN),
    ("13:00", ny(2027, 2, 9, 13), FAN),
    ("00:30", ny(2027, 2, 10, 0, 30), FAN),
    ("9:01:10 AM", ny(2027, 2, 9, 9, 1, 10), FAN),
    ("9", R(AmbiguousTime, "alone isn't a time", ny(2027, 2, 9, 9), ny(2027, 2, 9, 21)), FAN),
    ("friday 9", R(AmbiguousTime, "alone isn't a time", ny(2027, 2, 12, 9), ny(2027, 2, 12, 21)), FAN),
    ("at 9", R(AmbiguousTime, AM_PM, ny(2027, 2, 9, 9), ny(2027, 2, 9, 21)), FAN),
    ("15", R(AmbiguousTime, "alone isn't a time", ny(2027, 2, 9, 15)), FAN),
    ("2 hours", R(UnreadableTime, 'Write "in 2 hours"', after(NOW_EN, hours=2)), FAN),
    ("3 oclock", R(AmbiguousTime, AM_PM, ny(2027, 2, 10, 3), ny(2027, 2, 9, 15)), FAN),
    ("12.24 8pm", R(AmbiguousTime, "has passed", ny(2027, 12, 24, 20)), FAN),
    ("Dec 14 9pm", R(AmbiguousTime, "which has passed", ny(2027, 12, 14, 21)), FAN, DECEMBER_EN),
    ("dec 16 9pm", ny(2026, 12, 16, 21), FAN, DECEMBER_EN),
    ("feb 8 9pm", R(AmbiguousTime, "which has passed", ny(2028, 2, 8, 21)), FAN),
    ("feb 10 9pm", ny(2027, 2, 10, 21), FAN),
    ("march 20 9pm", ny(2027, 3, 20, 21), FAN),
    ("13.05", R(AmbiguousTime, "could be a time or a date", ny(2027, 2, 9, 13, 5)), FAN),
    ("13.05 8pm", R(AmbiguousTime, "could be a time or a date", ny(2027, 5, 13, 20)), FAN),
    ("9.30 8pm", ny(2027, 9, 30, 20), FAN),
    ("8.30pm", ny(2027, 2, 9, 20, 30), FAN),
    ("20.30", ny(2027, 2, 9, 20, 30), FAN),
    ("24.12 8pm", ny(2026, 12, 24, 20), FAN, DECEMBER_EN),
    ("this weekend 8pm", R(AmbiguousTime, "Saturday or Sunday", ny(2027, 2, 13, 20), ny(2027, 2, 14, 20)), FAN),
    ("weekend at 8pm", R(AmbiguousTime, "Saturday or Sunday", ny(2027, 2, 13, 20), ny(2027, 2, 14, 20)), FAN),
    (
        "9pm IST",
        R(ZoneInText, '"IST" can mean', utc(2027, 2, 9, 15, 30), utc(2027, 2, 9, 20), utc(2027, 2, 9, 19)),
        FAN,
    ),
    ("8pm CST", R(ZoneInText, '"CST" can mean', utc(2027, 2, 10, 2), utc(2027, 2, 9, 12)), FAN),
    ("8pm BST", R(ZoneInText, '"BST" can mean', utc(2027, 2, 9, 19), utc(2027, 2, 9, 14)), FAN),
    ("8pm CEST", R(ZoneInText, "is UTC+2, but", utc(2027, 2, 9, 19), utc(2027, 2, 9, 18)), FAN),
    ("8pm kst", utc(2027, 2, 9, 11), FAN),
    ("8pm UTC+9", utc(2027, 2, 9, 11), FAN),
    ("friday 8pm JST", utc(2027, 2, 12, 11), FAN),
    ("2026-12-02 20:30", R(PastTime, PAST), FAN),
    ("in 2 days at 9pm", ny(2027, 2, 11, 21), FAN),
    ("tomorrow 25:00", R(UnreadableTime, "hours run from 0 to 23"), FAN),
    ("12/2 8pm", R(AmbiguousTime, "could be Dec 2 or Feb 12", ny(2027, 12, 2, 20), ny(2027, 2, 12, 20)), FAN),
    ("friday", R(UnreadableTime, NO_TIME), FAN),
    ("next friday 8pm", ny(2027, 2, 12, 20), FAN),
    ("last friday 8pm", R(PastTime, PAST), FAN),
    ("fri, feb 12 8pm", ny(2027, 2, 12, 20), FAN),
    ("sat, feb 12 8pm", R(UnreadableTime, "is a Friday, not a Saturday"), FAN),
    ("2027-02-09T20:30", ny(2027, 2, 9, 20, 30), FAN),
    ("20:30+09:00", utc(2027, 2, 9, 11, 30), FAN),
    ("tomorrow at noon", ny(2027, 2, 10, 12), FAN),
    ("tomorrow midnight", R(AmbiguousTime, "start or the end"), FAN),
    ("tonight at 9", ny(2027, 2, 9, 21), FAN),
    ("tonight at 1", ny(2027, 2, 10, 1), FAN),
    ("tomorrow morning at 8", ny(2027, 2, 10, 8), FAN),
    ("8 in the morning", ny(2027, 2, 9, 8), FAN),
    ("at 9 tonight", ny(2027, 2, 9, 21), FAN),
    ("friday at 8:30pm", ny(2027, 2, 12, 20, 30), FAN),
    ("in 90 minutes", after(NOW_EN, minutes=90), FAN),
    ("90 minutes from now", after(NOW_EN, minutes=90), FAN),
    ("in 1h30m", after(NOW_EN, minutes=90), FAN),
    ("in 3 weeks", ny(2027, 3, 2, 4, 30), FAN),
    ("tmrw 9pm", ny(2027, 2, 10, 21), FAN),
    ("wed 9pm", ny(2027, 2, 10, 21), FAN),
    ("wednesday 21:00", ny(2027, 2, 10, 21), FAN),
    ("thurs 9pm", ny(2027, 2, 11, 21), FAN),
    ("sat 8:30 pm", ny(2027, 2, 13, 20, 30), FAN),
    ("sunday at noon", ny(2027, 2, 14, 12), FAN),
    ("feb 14 8pm", ny(2027, 2, 14, 20), FAN),
    ("14 feb 8pm", ny(2027, 2, 14, 20), FAN),
    ("the 14th of february at 8pm", ny(2027, 2, 14, 20), FAN),
    ("2027-02-14 20:00", ny(2027, 2, 14, 20), FAN),
    ("2/14 8pm", ny(2027, 2, 14, 20), FAN),
    ("14/2 8pm", ny(2027, 2, 14, 20), FAN),
    ("8pm", ny(2027, 2, 9, 20), FAN),
    ("8 pm", ny(2027, 2, 9, 20), FAN),
    ("8:00pm", ny(2027, 2, 9, 20), FAN),
    ("20:00", ny(2027, 2, 9, 20), FAN),
    ("in 2 hours", after(NOW_EN, hours=2), FAN),
    ("in 2 hrs", after(NOW_EN, hours=2), FAN),
    ("2 hours from now", after(NOW_EN, hours=2), FAN),
    ("in 45 mins", after(NOW_EN, minutes=45), FAN),
    ("yesterday 8pm", R(PastTime, PAST), FAN),
    ("2030-01-01 20:00", R(TooFarAhead, "more than a year away"), FAN),
    ("blorp", R(UnreadableTime, UNREAD), FAN),
    ("8pm-ish", R(UnreadableTime, UNREAD), FAN),
    ("soon", R(UnreadableTime, UNREAD), FAN),
]

# (text, expected, source[, now]): now defaults to NOW_KO
KOREAN: list[tuple] = [
    # -- Duckling/Time/KO/Corpus.hs ------------------------------------------------------------------------
    ("지금", NOW_KO, DUCKLING),
    ("방금", R(UnreadableTime, UNREAD), DUCKLING),
    ("오늘", R(UnreadableTime, NO_TIME), DUCKLING),
    ("어제", R(PastTime, PAST), DUCKLING),
    ("내일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("월요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("이번주 월요일", R(PastTime, PAST), DUCKLING),
    ("2월18일 목요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2월15일 월요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("화요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("19일 화요일", R(UnreadableTime, "is a Friday, not a Tuesday"), DUCKLING),
    ("목요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("금요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("토요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("일요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("3월 1일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("3월 3일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2015년 3월 3일", R(PastTime, PAST), DUCKLING),
    ("이천십오년 삼월 삼일", R(UnreadableTime, UNREAD), DUCKLING),
    ("2015/3/3", R(PastTime, PAST), DUCKLING),
    ("2015-03-03", R(PastTime, PAST), DUCKLING),
    ("15일에", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2월 15일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("8월 8일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("2014년 10월", R(UnreadableTime, UNREAD), DUCKLING),
    ("다음주 화요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("다음 화요일", R(AmbiguousTime, "this coming Tuesday or the one after"), DUCKLING),
    ("다음 3월", R(UnreadableTime, UNREAD), DUCKLING),
    ("저번주 일요일", R(PastTime, PAST), DUCKLING),
    ("지난주 일요일", R(PastTime, PAST), DUCKLING),
    ("지난 일요일", R(PastTime, PAST), DUCKLING),
    ("이번주 화요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("이번주 수요일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("내일모레", R(UnreadableTime, NO_TIME), DUCKLING),
    ("모레", R(UnreadableTime, NO_TIME), DUCKLING),
    ("내일 저녁다섯시", ko(2027, 2, 10, 17), DUCKLING),
    ("엊그제", R(UnreadableTime, UNREAD), DUCKLING),
    ("그제", R(PastTime, PAST), DUCKLING),
    ("엊그제 아침8시", R(UnreadableTime, UNREAD), DUCKLING),
    ("3월 마지막 월요일", R(UnreadableTime, UNREAD), DUCKLING),
    ("10월 3일", R(UnreadableTime, NO_TIME), DUCKLING),
    ("아침 3시", R(PastTime, PAST), DUCKLING),  # this morning's 3:00 has passed at 04:30
    ("오전 세시", ko(2027, 2, 10, 3), DUCKLING),
    ("3AM", ko(2027, 2, 10, 3), DUCKLING),
    ("3:18am", ko(2027, 2, 10, 3, 18), DUCKLING),
    ("3:18a", ko(2027, 2, 10, 3, 18), DUCKLING),
    ("오후 세시", ko(2027, 2, 9, 15), DUCKLING),
    ("3PM", ko(2027, 2, 9, 15), DUCKLING),
    ("오후세시이십분", R(UnreadableTime, UNREAD), DUCKLING),
    ("3:20p", ko(2027, 2, 9, 15, 20), DUCKLING),
    ("15:20", ko(2027, 2, 9, 15, 20), DUCKLING),
    ("3:20pm", ko(2027, 2, 9, 15, 20), DUCKLING),
    ("오후세시반", ko(2027, 2, 9, 15, 30), DUCKLING),
    ("15:30", ko(2027, 2, 9, 15, 30), DUCKLING),
    ("3:30pm", ko(2027, 2, 9, 15, 30), DUCKLING),
    ("네시십오분전", R(UnreadableTime, UNREAD), DUCKLING),
    ("3:30", R(AmbiguousTime, AM_PM, ko(2027, 2, 10, 3, 30), ko(2027, 2, 9, 15, 30)), DUCKLING),
    ("세시반", R(AmbiguousTime, AM_PM, ko(2027, 2, 10, 3, 30), ko(2027, 2, 9, 15, 30)), DUCKLING),
    ("15:23:24", ko(2027, 2, 9, 15, 23, 24), DUCKLING),
    ("세시이십삼분이십사초", R(UnreadableTime, UNREAD), DUCKLING),
    ("오늘밤 8시", ko(2027, 2, 9, 20), DUCKLING),
    ("저녁 8시", ko(2027, 2, 9, 20), DUCKLING),
    ("9월 20일 저녁 7시 30분", ko(2027, 9, 20, 19, 30), DUCKLING),
    ("토요일 9시", R(AmbiguousTime, AM_PM, ko(2027, 2, 13, 9), ko(2027, 2, 13, 21)), DUCKLING),
    ("2014년 7월 18일 금요일 오후 7시", R(PastTime, PAST), DUCKLING),
    ("1초안에", R(UnreadableTime, UNREAD), DUCKLING),
    ("일분안에", R(UnreadableTime, UNREAD), DUCKLING),
    ("한시간안에", R(UnreadableTime, UNREAD), DUCKLING),
    ("7일전", R(PastTime, PAST), DUCKLING),
    ("14일전", R(PastTime, PAST), DUCKLING),
    ("3주전", R(PastTime, PAST), DUCKLING),
    ("2년전", R(UnreadableTime, UNREAD), DUCKLING),
    ("크리스마스", R(UnreadableTime, UNREAD), DUCKLING),
    ("오늘저녁", R(UnreadableTime, NO_TIME), DUCKLING),
    ("내일저녁", R(UnreadableTime, NO_TIME), DUCKLING),
    ("이번주말", R(AmbiguousTime, "Saturday or Sunday"), DUCKLING),
    ("월요일 아침", R(UnreadableTime, NO_TIME), DUCKLING),
    ("오후 2시까지", R(UnreadableTime, UNREAD), DUCKLING),
    ("4pm CET", utc(2027, 2, 9, 15), DUCKLING),
    ("목요일 8:00 GMT", R(AmbiguousTime, AM_PM, utc(2027, 2, 11, 8), utc(2027, 2, 11, 20)), DUCKLING),
    ("오늘 오후두시에", ko(2027, 2, 9, 14), DUCKLING),
    ("오후두시에", ko(2027, 2, 9, 14), DUCKLING),
    ("4/25 오후4시에", ko(2027, 4, 25, 16), DUCKLING),
    ("내일 3pm", ko(2027, 2, 10, 15), DUCKLING),
    ("오후2시 이후", R(UnreadableTime, UNREAD), DUCKLING),
    ("5일 후", ko(2027, 2, 14, 4, 30), DUCKLING),
    ("오전11시 전", R(UnreadableTime, UNREAD), DUCKLING),
    ("오후에", R(UnreadableTime, NO_TIME), DUCKLING),
    ("15분안", R(UnreadableTime, UNREAD), DUCKLING),
    ("10:30", R(AmbiguousTime, AM_PM, ko(2027, 2, 9, 10, 30), ko(2027, 2, 9, 22, 30)), DUCKLING),
    ("오후12시", ko(2027, 2, 9, 12), DUCKLING),
    ("정오", ko(2027, 2, 9, 12), DUCKLING),
    ("오전12시", R(AmbiguousTime, "midnight or noon"), DUCKLING),
    ("자정", ko(2027, 2, 10, 0), DUCKLING),
    ("3월", R(UnreadableTime, UNREAD), DUCKLING),
    # -- fans, and every phrase issue 16 lists -------------------------------------------------------------
    ("금요일 오후 8시", ko(2027, 2, 12, 20), FAN),
    ("금요일 8:30", R(AmbiguousTime, AM_PM, ko(2027, 2, 12, 8, 30), ko(2027, 2, 12, 20, 30)), FAN),
    ("내일 3:30", R(AmbiguousTime, AM_PM, ko(2027, 2, 10, 3, 30), ko(2027, 2, 10, 15, 30)), FAN),
    ("12.24", R(UnreadableTime, NO_TIME), FAN, DECEMBER_KO),
    ("12.24 저녁 8시", ko(2026, 12, 24, 20), FAN, DECEMBER_KO),
    ("12.24(목) 20:30", ko(2026, 12, 24, 20, 30), FAN, DECEMBER_KO),
    ("2026. 12. 24. 20:30", ko(2026, 12, 24, 20, 30), FAN, DECEMBER_KO),
    ("9.30 오후 8시", ko(2027, 9, 30, 20), FAN),
    ("12월 14일 밤 9시", R(AmbiguousTime, "which has passed", ko(2027, 12, 14, 21)), FAN, DECEMBER_KO),
    ("12월 16일 밤 9시", ko(2026, 12, 16, 21), FAN, DECEMBER_KO),
    ("2월 8일 오후 8시", R(AmbiguousTime, "which has passed", ko(2028, 2, 8, 20)), FAN),
    ("2월 10일 오후 8시", ko(2027, 2, 10, 20), FAN),
    ("수 21:00", ko(2027, 2, 10, 21), FAN),
    ("금 20:00", ko(2027, 2, 12, 20), FAN),
    ("일 21:00", ko(2027, 2, 14, 21), FAN),
    ("화 21:00", ko(2027, 2, 9, 21), FAN),
    ("월 20:00", ko(2027, 2, 15, 20), FAN),
    ("이따 저녁 8시", ko(2027, 2, 9, 20), FAN),
    ("이따가 밤 11시", ko(2027, 2, 9, 23), FAN),
    ("24일 저녁 8시", ko(2027, 2, 24, 20), FAN),
    ("이번 주말 저녁 8시", R(AmbiguousTime, "Saturday or Sunday", ko(2027, 2, 13, 20), ko(2027, 2, 14, 20)), FAN),
    ("주말 오후 3시", R(AmbiguousTime, "Saturday or Sunday", ko(2027, 2, 13, 15), ko(2027, 2, 14, 15)), FAN),
    ("다음 주말 오후 3시", R(AmbiguousTime, "Saturday or Sunday", ko(2027, 2, 20, 15), ko(2027, 2, 21, 15)), FAN),
    ("오후 9시 정각", ko(2027, 2, 9, 21), FAN),
    ("PM 8시", ko(2027, 2, 9, 20), FAN),
    ("반시간 후", after(NOW_KO, minutes=30), FAN),
    ("9시", R(AmbiguousTime, AM_PM, ko(2027, 2, 9, 9), ko(2027, 2, 9, 21)), FAN),
    ("8시 30분", R(AmbiguousTime, AM_PM, ko(2027, 2, 9, 8, 30), ko(2027, 2, 9, 20, 30)), FAN),
    ("내일 8시", R(AmbiguousTime, AM_PM, ko(2027, 2, 10, 8), ko(2027, 2, 10, 20)), FAN),
    ("금요일 9", R(AmbiguousTime, "alone isn't a time", ko(2027, 2, 12, 9), ko(2027, 2, 12, 21)), FAN),
    ("2시간", R(UnreadableTime, 'Write "2시간 후"', after(NOW_KO, hours=2)), FAN),
    ("다음 주 수요일 저녁 9시", ko(2027, 2, 17, 21), FAN),
    ("이번 주 금요일 오후 8시", ko(2027, 2, 12, 20), FAN),
    ("2시간 후", after(NOW_KO, hours=2), FAN),
    ("1시간 30분 뒤", after(NOW_KO, minutes=90), FAN),
    ("두 시간 반 후", after(NOW_KO, minutes=150), FAN),
    ("2시간 30분 후", after(NOW_KO, minutes=150), FAN),
    ("30분 후", after(NOW_KO, minutes=30), FAN),
    ("3일 후 오후 9시", ko(2027, 2, 12, 21), FAN),
    ("이틀 후", ko(2027, 2, 11, 4, 30), FAN),
    ("2주 후", ko(2027, 2, 23, 4, 30), FAN),
    ("금요일 오후 8시 KST", ko(2027, 2, 12, 20), FAN),
    ("금요일 오후 8시 EST", utc(2027, 2, 13, 1), FAN),
    (
        "금요일 오후 8시 IST",
        R(ZoneInText, '"IST" can mean', utc(2027, 2, 12, 14, 30), utc(2027, 2, 12, 19), utc(2027, 2, 12, 18)),
        FAN,
    ),
    ("한국 시간 오후 8시", ko(2027, 2, 9, 20), FAN),
    ("오늘 밤 10시", ko(2027, 2, 9, 22), FAN),
    ("새벽 2시", ko(2027, 2, 10, 2), FAN),
    ("내일 아침 8시", ko(2027, 2, 10, 8), FAN),
    ("밤 1시", ko(2027, 2, 10, 1), FAN),
    ("모레 오후 3시", ko(2027, 2, 11, 15), FAN),
    ("글피 오후 3시", ko(2027, 2, 12, 15), FAN),
    ("다음 금요일 오후 8시", R(AmbiguousTime, "this coming Friday or the one after"), FAN),
    ("오는 금요일 오후 8시", ko(2027, 2, 12, 20), FAN),
    ("지난 금요일 오후 8시", R(PastTime, PAST), FAN),
    ("2027년 2월 10일 20:30", ko(2027, 2, 10, 20, 30), FAN),
    ("21시", ko(2027, 2, 9, 21), FAN),
    ("저녁 9시 반", ko(2027, 2, 9, 21, 30), FAN),
    ("수요일 밤 9시", ko(2027, 2, 10, 21), FAN),
    ("수욜 21시", ko(2027, 2, 10, 21), FAN),
    ("토요일 오후 8시", ko(2027, 2, 13, 20), FAN),
    ("내일 정오", ko(2027, 2, 10, 12), FAN),
    ("내일 자정", R(AmbiguousTime, "start or the end"), FAN),
    ("12/2 오후 8시", R(AmbiguousTime, "could be Dec 2 or Feb 12", ko(2027, 12, 2, 20), ko(2027, 2, 12, 20)), FAN),
    ("오전 12시", R(AmbiguousTime, "midnight or noon"), FAN),
    ("오후 13시", R(UnreadableTime, "with 오전/오후 the hour runs from 1 to 12"), FAN),
    ("25시", R(UnreadableTime, "hours run from 0 to 23"), FAN),
    ("8시쯤", R(UnreadableTime, UNREAD), FAN),
    ("금요일 저녁", R(UnreadableTime, NO_TIME), FAN),
    ("내일 오후", R(UnreadableTime, NO_TIME), FAN),
]


def _rows(table: list[tuple], default_now: dt.datetime) -> list[tuple]:
    return [(row[0], row[1], row[2], row[3] if len(row) > 3 else default_now) for row in table]


EN_ROWS = _rows(ENGLISH, NOW_EN)
KO_ROWS = _rows(KOREAN, NOW_KO)


def _zone(now: dt.datetime) -> ZoneInfo:
    assert isinstance(now.tzinfo, ZoneInfo)
    return now.tzinfo


def test_the_tables_are_large_and_mostly_outside_material():
    assert len(EN_ROWS) >= 150
    assert len(KO_ROWS) >= 100
    assert len({row[0] for row in EN_ROWS}) == len(EN_ROWS)  # no row counted twice
    assert len({row[0] for row in KO_ROWS}) == len(KO_ROWS)
    assert sum(row[2] == DUCKLING for row in EN_ROWS) >= 100
    assert sum(row[2] == DUCKLING for row in KO_ROWS) >= 60


def _check(text: str, expected: dt.datetime | R, now: dt.datetime) -> None:
    zone = _zone(now)
    if isinstance(expected, dt.datetime):
        got = parse_when(text, zone, now)
        assert got == expected, f"{text!r} read as {got.astimezone(zone):%a %Y-%m-%d %H:%M:%S %Z}"
        return
    with pytest.raises(expected.kind) as caught:
        parse_when(text, zone, now)
    assert expected.fragment in str(caught.value), str(caught.value)


@pytest.mark.parametrize(("text", "expected", "source", "now"), EN_ROWS, ids=[r[0] for r in EN_ROWS])
def test_english(text, expected, source, now):
    _check(text, expected, now)


@pytest.mark.parametrize(("text", "expected", "source", "now"), KO_ROWS, ids=[r[0] for r in KO_ROWS])
def test_korean(text, expected, source, now):
    _check(text, expected, now)


REFUSED = [row for row in EN_ROWS + KO_ROWS if isinstance(row[1], R)]


@pytest.mark.parametrize(("text", "expected", "source", "now"), REFUSED, ids=[r[0] for r in REFUSED])
def test_every_suggestion_typed_back_gives_an_instant_the_member_meant(text, expected, source, now):
    """The property: for every refused input in the tables, each text the refusal tells the member to write
    parses, as written, to one of the instants the member may have meant; when no instant can be known, nothing
    is suggested. Each suggestion is quoted in the message exactly as it must be typed, in both languages."""
    zone = _zone(now)
    with pytest.raises(TimeRefused) as caught:
        parse_when(text, zone, now)
    refusal = caught.value
    if not expected.meant:
        assert refusal.suggestions == (), f"{text!r} suggests {refusal.suggestions} but nothing can be meant"
    for suggestion in refusal.suggestions:
        got = parse_when(suggestion, zone, now)
        assert got in expected.meant, f"{text!r} suggests {suggestion!r}, which is {got.astimezone(zone)}"
        for lang in ("en", "ko"):
            assert f'"{suggestion}"' in texts(lang).render(refusal.message), (lang, suggestion)


def test_the_suggestions_cover_every_reading_the_issue_names():
    """The issue's three broken hints now lead where the member meant."""
    now, zone = NOW_EN, NEW_YORK
    with pytest.raises(TimeRefused):
        parse_when("3 oclock", zone, now)
    assert parse_when("15h00", zone, now) == ny(2027, 2, 9, 15)  # was: Write "in 15h00" (15 hours from now)
    assert parse_when("3 oclock am", zone, now) == ny(2027, 2, 10, 3)  # was: Write "in am" (a minute from now)
    with pytest.raises(AmbiguousTime) as caught:
        parse_when("at 3 15", zone, now)  # was: write 15am or 15pm
    assert caught.value.suggestions == ("at 3:15am", "at 3:15pm")


SLOTS = [
    ("수요일 밤 9시", ((2, dt.time(21)),)),
    ("수욜 21시", ((2, dt.time(21)),)),
    ("수목 21:00", ((2, dt.time(21)), (3, dt.time(21)))),
    ("수 21:00, 목 21:00", ((2, dt.time(21)), (3, dt.time(21)))),
    ("토요일 오후 8시", ((5, dt.time(20)),)),
    ("금 저녁 7시 30분", ((4, dt.time(19, 30)),)),
    ("화 새벽 2시", ((1, dt.time(2)),)),
    ("일 오후 12시", ((6, dt.time(12)),)),
    ("Wed 21:00, Thu 21:00", ((2, dt.time(21)), (3, dt.time(21)))),
    ("saturday 8pm", ((5, dt.time(20)),)),
    ("Sat 08:00", ((5, dt.time(8)),)),
]


@pytest.mark.parametrize(("typed", "meant"), SLOTS)
def test_rewatch_slots_as_fans_write_them(typed, meant):
    from bot.services.rewatch import parse_slots

    assert tuple((slot.weekday, slot.time) for slot in parse_slots(typed)) == meant


@pytest.mark.parametrize(
    ("typed", "choices"),
    [
        ("수 9시", ((2, dt.time(9)), (2, dt.time(21)))),
        ("수요일 9:30", ((2, dt.time(9, 30)), (2, dt.time(21, 30)))),
        ("수욜 9시 반", ((2, dt.time(9, 30)), (2, dt.time(21, 30)))),
        ("Sat 8", ((5, dt.time(8)), (5, dt.time(20)))),
        ("Wed 9:30", ((2, dt.time(9, 30)), (2, dt.time(21, 30)))),
    ],
)
def test_a_slot_of_1_to_12_is_asked_and_each_choice_typed_back_works(typed, choices):
    import re

    from bot.errors import UserError
    from bot.services.rewatch import parse_slots

    with pytest.raises(UserError) as caught:
        parse_slots(typed)
    message = texts("en").render(caught.value.message)
    written = re.findall(r'"([^"]+)"', message)
    assert len(written) == 2, message
    for text, choice in zip(written, choices, strict=True):
        [slot] = parse_slots(text)
        assert (slot.weekday, slot.time) == choice
