"""From text to tokens: the normalization of an English phrase ("half past 3pm" -> "3:30pm") and the two
tokenizers, their patterns built from the lexicons on first use (so importing the grammar compiles nothing).

Each pattern is one alternation of named groups, tried in order at each position; the name of the group that
matched is the token's kind, which the grammars dispatch on (:mod:`.english`, :mod:`.korean`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

from msgspec import Struct

from .lexicon import english, korean

if TYPE_CHECKING:
    from .reading import Refuser

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SPACES = re.compile(r"[\s,]+")
SHOWN = (("overmorrow", "the day after tomorrow"), ("fromnow", "from now"))  # normalized words, as typed
DISCORD_TIMESTAMP = re.compile(r"^<t:(-?\d{1,13})(?::[A-Za-z])?>$")
UNIX_TIME = re.compile(r"^\d{10}$")


def alternation(words: Iterable[str]) -> str:
    """A pattern matching any of ``words``, shaped as a tree of their letters ("mon(?:day)?"): a longer word is
    tried before a word it starts with, as a regex alternation written by hand would be. A space inside a word
    may be typed or left out ("내일 모레")."""
    tree: _Tree = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}
    return _branch(tree)


_Tree: TypeAlias = "dict[str, _Tree]"  # a letter -> the letters after it; "" where a word ends


def _branch(node: _Tree) -> str:
    options = [
        (r"\s?" if letter == " " else re.escape(letter)) + _branch(child) for letter, child in node.items() if letter
    ]
    if not options:
        return ""
    body = options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"
    if "" in node:  # a word ends here: the longer ones first, then this one
        return f"{body}?" if len(options) > 1 or len(options[0]) == 1 else f"(?:{body})?"
    return body


class EnglishPatterns(Struct, frozen=True):
    token: re.Pattern[str]
    multiword: tuple[tuple[str, re.Pattern[str], str], ...]  # (a word it needs, the pattern, its replacement)
    spelled_at: re.Pattern[str]
    spelled: re.Pattern[str]
    relative_clock: re.Pattern[str]


@functools.cache
def english_patterns() -> EnglishPatterns:
    """The English tokenizer and the rewrites of spelled-out times, compiled on first use."""
    lexicon = english()
    months = alternation(word for row in lexicon.months for word in row)
    weekdays = alternation(word for row in lexicon.weekdays for word in row)
    units = alternation(lexicon.units)
    spelled_units = alternation(word for word in lexicon.units if len(word) > 1)  # "two hours", never "two h"
    counts = alternation(lexicon.counts)
    hour_word = alternation(lexicon.hours)
    ones = alternation(lexicon.minute_ones)
    minute_word = (
        rf"(?:{re.escape(lexicon.minute_oh)}\s)?(?:{alternation(lexicon.minutes_after_oh)})"
        rf"|(?:{alternation(lexicon.minute_tens)})(?:[\s-](?:{ones}))?"
    )
    after_hour = alternation(["am", "pm", *lexicon.evening_days, *lexicon.parts])
    token = re.compile(
        rf"""
        (?P<iso>(?P<iso_y>\d{{4}})(?:[-/]|\.\s?)(?P<iso_m>\d{{1,2}})(?:[-/]|\.\s?)(?P<iso_d>\d{{1,2}})\.?(?!\d))
      | (?P<slash>(?P<sl_a>\d{{1,2}})/(?P<sl_b>\d{{1,2}})(?:/(?P<sl_y>\d{{4}}|\d{{2}}))?(?![\d/]))
      | (?P<dmy>(?:the\s)?(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s?(?:of\s)?(?P<dm_m>{months})\b\.?
            (?:\s(?P<dm_y>\d{{4}})(?![\d:]))?)
      | (?P<mdy>(?P<md_m>{months})\b\.?\s(?:the\s)?(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])(?!\s?[ap]m\b)
            (?:\s(?P<md_y>\d{{4}})(?![\d:]))?)
      | (?P<clock>(?P<ck_h>\d{{1,2}}):(?P<ck_m>\d{{2}})(?::(?P<ck_s>\d{{2}}))?(?:\s?(?P<ck_ap>am|pm)|(?P<ck_ap1>[ap]))?
            (?![\w:]))
      | (?P<dot>(?P<dt_a>\d{{1,2}})\.\s?(?P<dt_b>\d{{1,2}})(?P<dt_end>\.)?(?:\s?(?P<dt_ap>am|pm))?(?![\w:]|\.\d))
      | (?P<hour_ap>(?P<ha_h>\d{{1,2}})(?:\s?(?P<ha_ap>am|pm)|(?P<ha_ap1>[ap]))\b)
      | (?P<oclock>(?P<oc_h>\d{{1,2}})\s?o'?\s?clock\b(?:\s?(?P<oc_ap>am|pm)\b)?)
      | (?P<euro>(?P<eu_h>\d{{1,2}})h(?P<eu_m>\d{{2}})?(?![\w:]))
      | (?P<compact>(?P<cp_h>\d{{1,3}})h(?P<cp_m>\d{{1,2}})m?\b)
      | (?P<half>half\san?\shour\b)
      | (?P<duration>(?P<du_n>\d{{1,4}})\s?(?P<du_u>{units})\b
          | (?P<du_w>{counts})
            \s(?P<du_wu>{spelled_units})\b)
      | (?P<offset>(?P<of_base>utc|gmt)\s?(?P<of_sign>[+-])(?P<of_h>\d{{1,2}})(?::?(?P<of_m>\d{{2}}))?(?![\d:]))
      | (?P<attached>(?<=\d)(?P<at_sign>[+-])(?P<at_h>\d{{2}}):?(?P<at_m>\d{{2}})(?!\d))
      | (?P<weekday>(?P<wd>{weekdays})\b\.?)
      | (?P<number>\d+)
      | (?P<word>[a-z]+(?:'[a-z]+)?)
      | (?P<symbol>@|[^\sa-z\d])
        """,
        re.VERBOSE,
    )
    clock_word = alternation(lexicon.clock_words)
    return EnglishPatterns(
        token=token,
        multiword=(  # each with a word its pattern cannot match without, checked first (cheaper than a search)
            ("tomorrow", re.compile(r"\b(?:the\s)?day\safter\stomorrow\b"), "overmorrow"),
            ("from", re.compile(r"\bfrom\snow\b"), "fromnow"),
            ("2moro", re.compile(r"\b2moro\b"), "tomorrow"),
            ("a.m", re.compile(r"\ba\.m\.?"), "am"),
            ("p.m", re.compile(r"\bp\.m\.?"), "pm"),
            ("t", re.compile(r"(?<=\d)t(?=\d)"), " "),  # 2026-12-02T20:30
            ("in the", re.compile(r"\bin\sthe\s(?=morning|afternoon|evening)"), ""),  # 8 in the evening
            ("at night", re.compile(r"\bat\snight\b"), "night"),
            ("right", re.compile(r"^right\snow$"), "now"),
        ),
        spelled_at=re.compile(rf"\b(?P<sp_at>at\s)(?P<sp_h>{hour_word})(?:\s(?P<sp_m>{minute_word}))?\b"),
        spelled=re.compile(
            rf"\b(?P<sp_at>)(?P<sp_h>{hour_word})(?:\s(?P<sp_m>{minute_word}))?"
            rf"(?=\s?(?:{after_hour}|o'?\s?clock|this\s)\b)"
        ),
        relative_clock=re.compile(
            rf"\b(?:(?P<rc_q>(?:a\s)?quarter)|(?P<rc_half>half)|(?P<rc_n>\d{{1,2}}|{minute_word})"
            rf"(?:\s(?:minutes?|mins?))?)"
            rf"\s(?P<rc_dir>past|after|to|till|til|before|of)\s(?P<rc_h>\d{{1,2}}|{hour_word}|{clock_word})"
            r"(?:\s?(?P<rc_ap>am|pm))?\b"
        ),
    )


@functools.cache
def korean_pattern() -> re.Pattern[str]:
    """The Korean tokenizer (tried before the English one at each position of a phrase with Hangul)."""
    lexicon = korean()
    numbers = alternation(lexicon.numbers)
    day = "[" + "".join(lexicon.weekdays) + "]"
    signs = alternation(lexicon.signs)
    forward_weeks = alternation(word for word, week in lexicon.weeks.items() if week >= 0)
    return re.compile(
        rf"""
        (?P<k_zone>한국\s?시간|한국\s?시(?!\d))
      | (?P<k_date>(?:(?P<kd_y>\d{{4}})\s?년\s?)?(?P<kd_m>\d{{1,2}})\s?월\s?(?P<kd_d>\d{{1,2}})\s?일
            (?!\s?(?:{signs})))
      | (?P<k_weekday>(?P<kw>{day})(?:요일|욜))
      | (?P<k_paren>\((?P<kp>{day})(?:요일)?\))
      | (?P<k_weekend>(?:(?P<kwe>{forward_weeks})\s?)?주말)
      | (?P<k_mday>(?P<kmd_d>\d{{1,2}})\s?일(?!\s?(?:{signs}|간|동안)))
      | (?P<k_wd1>(?<![\d\uac00-\ud7a3])(?P<kw1>{day})(?=\s|$))
      | (?P<k_week>(?P<kwk>{alternation(lexicon.weeks)})\s?주(?!일))
      | (?P<k_mod>(?P<km>{alternation(lexicon.weekday_modifiers)})(?=\s?{day}(?:요일|욜)))
      | (?P<k_rel>{alternation(lexicon.relative_words)})
      | (?P<k_half>{alternation(lexicon.halves)}|am(?=\s?\d)|pm(?=\s?\d))
      | (?P<k_sharp>정각)
      | (?P<k_halfhour>반\s?시간)
      | (?P<k_part>{alternation(lexicon.parts)})
      | (?P<k_noon>{alternation(lexicon.clock_words)})
      | (?P<k_now>지금)
      | (?P<k_dur>(?P<kdu_n>\d{{1,4}}|{numbers})\s?(?P<kdu_u>{alternation(lexicon.units)})(?P<kdu_half>\s?반)?)
      | (?P<k_dayword>{alternation(lexicon.day_words)})
      | (?P<k_hour>(?P<kh_h>\d{{1,2}}|{numbers})\s?시(?!간)(?:\s?(?P<kh_m>\d{{1,2}})\s?분|\s?(?P<kh_half>반))?)
      | (?P<k_sign>{signs})
      | (?P<k_at>에)
        """,
        re.VERBOSE,
    )


class Token(Struct, frozen=True):
    kind: str
    text: str
    groups: dict[str, str | None]
    start: int = 0  # where the token is in the normalized phrase (suggestions replace that part)
    end: int = 0


def tokenize(phrase: str, refuse: Refuser, *, korean: bool = False) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    korean_token = korean_pattern() if korean else None
    english_token = english_patterns().token
    while position < len(phrase):
        if phrase[position] == " ":
            position += 1
            continue
        match = korean_token.match(phrase, position) if korean_token is not None else None
        if match is None:
            match = english_token.match(phrase, position)
        if match is None or match.lastgroup is None:  # pragma: no cover - the symbol alternative takes anything
            raise refuse.unreadable(phrase[position:].split(" ")[0])
        # lastgroup is the group that closed last: the matching alternative's own (outermost) name.
        raw = match.group(0)
        start = match.start() + len(raw) - len(raw.lstrip())
        tokens.append(Token(match.lastgroup, raw.strip(), match.groupdict(), start, start + len(raw.strip())))
        position = match.end()
        if korean and tokens[-1].kind == "symbol":  # an unknown Korean word: name all of it
            raise refuse.unreadable(phrase[match.start() :].split(" ")[0])
    return tokens


def month_number(text: str) -> int:
    return english().month_numbers[text]


def weekday_number(text: str) -> int:
    return english().weekday_numbers[text]


def month_word(month: int) -> str:
    """How a suggestion writes a month: "dec"."""
    return english().months[month - 1][0]


def number_value(text: str) -> int:
    """A number in digits or a native Korean number word (한, 두, 세... 열두)."""
    return int(text) if text.isdigit() else korean().numbers[text]


# -- the English phrase, normalized ------------------------------------------------------------------


def normalize(text: str) -> str:
    patterns = english_patterns()
    phrase = SPACES.sub(" ", text.lower()).strip()
    for needed, pattern, replacement in patterns.multiword:
        if needed in phrase:  # the text is spaced by single spaces here, so "\s" in a pattern is " "
            phrase = pattern.sub(replacement, phrase)
    phrase = patterns.spelled_at.sub(_spelled, phrase)
    phrase = patterns.spelled.sub(_spelled, phrase)
    phrase = patterns.relative_clock.sub(_relative_clock, phrase)
    return SPACES.sub(" ", phrase).strip()


def _word_number(text: str) -> int:
    """``"three"`` -> 3, ``"forty five"`` -> 45, ``"oh five"`` -> 5, ``"15"`` -> 15."""
    if text.isdigit():
        return int(text)
    values = english().minute_values
    return sum(values.get(part, 0) for part in re.split(r"[\s-]+", text))


def _spelled(match: re.Match[str]) -> str:
    """A spelled-out hour (and minutes) in digits: "eight tonight" -> "8 tonight", "nine thirty pm" -> "9:30 pm"."""
    hour = english().hours[match["sp_h"]]
    minutes = match["sp_m"]
    clock = f"{hour}:{_word_number(minutes):02d}" if minutes else str(hour)
    return f"{match['sp_at'] or ''}{clock}"


def _relative_clock(match: re.Match[str]) -> str:
    """Minutes past or to an hour: "half past 3pm" -> "3:30pm", "quarter to 9pm" -> "8:45pm", "twenty after 8" ->
    "8:20" (no am/pm: still morning or evening, asked as for "8:20")."""
    minutes = 15 if match["rc_q"] else 30 if match["rc_half"] else _word_number(match["rc_n"])
    if match["rc_dir"] in ("to", "till", "til", "before", "of"):
        minutes = -minutes
    base, half = match["rc_h"], match["rc_ap"]
    named = english().clock_words.get(base)
    if named == "noon":
        hour, half = 12, "pm"
    elif named == "midnight":
        hour, half = 0, "am"
    else:
        hour = _word_number(base)
        if not 1 <= hour <= 12:
            return match[0]
    if not 0 < abs(minutes) < 60:
        return match[0]
    if half:
        total = ((hour % 12 + (12 if half == "pm" else 0)) * 60 + minutes) % (24 * 60)
        return f"{total // 60 % 12 or 12}:{total % 60:02d}{'am' if total < 12 * 60 else 'pm'}"
    total = (hour * 60 + minutes) % (12 * 60)
    return f"{total // 60 or 12}:{total % 60:02d}"
