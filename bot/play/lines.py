"""The playground's line syntax, parsed without the bot: one command per line.

::

    /name sub option:value option:"value with spaces"   a slash command, as a member types it
    click N                  press button N of the last message shown with buttons
    pick N CHOICE...         choose in select menu N of that message (option numbers or labels)
    as NAME                  speak as another member of the server
    in CHANNEL               run the next commands in another channel
    progress N               set your progress to episode N (through /progress set)
    lang ko | lang en        your Discord language
    time [+1h | +30m | +2d]  move the clock on; due reminders and airing posts go out
    reveal                   show the spoilers of the last message shown
    help [TOPIC]             what you can type
    quit                     leave

A value runs to the next ``option:`` (``when:friday 8pm`` is one value); quote it to keep an ``x:`` inside it
(``note:"bring snacks: chips"``). Blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from bot.locale import Msg, Renders, Texts, english, msg

__all__ = [
    "As",
    "Click",
    "Help",
    "In",
    "Joined",
    "Lang",
    "LineError",
    "Nothing",
    "Pick",
    "Progress",
    "Quit",
    "Reveal",
    "Slash",
    "Time",
    "Word",
    "gather",
    "parse",
    "parse_duration",
    "tokenize",
]

LANGUAGES = {"en": "en-US", "ko": "ko"}


class LineError(ValueError):
    """A line that cannot be read; the message says what was wrong and how to write it. It is a :class:`Msg` (or
    :class:`Joined` messages), shown
    in the language of the member who typed the line (``str()`` is its English text)."""

    def __init__(self, message: Renders) -> None:
        super().__init__(english().render(message))
        self.message = message


@dataclass(frozen=True)
class Word:
    """One word of a slash command: ``key:value``, or a bare word (``key`` is None). ``quoted`` when the value was
    written in quotes (then it is taken exactly as written)."""

    text: str
    key: str | None = None
    quoted: bool = False


@dataclass(frozen=True)
class Slash:
    words: tuple[Word, ...]
    line: str = field(default="", compare=False)


@dataclass(frozen=True)
class Click:
    number: int


@dataclass(frozen=True)
class Pick:
    menu: int
    choices: tuple[str, ...]


@dataclass(frozen=True)
class As:
    name: str


@dataclass(frozen=True)
class In:
    channel: str


@dataclass(frozen=True)
class Progress:
    episode: int


@dataclass(frozen=True)
class Lang:
    locale: str  # the Discord locale: "en-US" or "ko"


@dataclass(frozen=True)
class Time:
    delta: dt.timedelta | None  # None: just show the time


@dataclass(frozen=True)
class Reveal:
    pass


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Nothing:
    """A blank line or a comment."""


Line = Slash | Click | Pick | As | In | Progress | Lang | Time | Reveal | Help | Quit | Nothing

_KEY = re.compile(r"([^\W\d][\w-]*):(.*)", re.DOTALL)  # an option name: letters (any script), digits, _ and -
_DURATION = re.compile(r"(\d+)\s*(d|h|m|s|일|시간|분|초)")
_UNITS = {
    "d": "days",
    "h": "hours",
    "m": "minutes",
    "s": "seconds",
    "일": "days",
    "시간": "hours",
    "분": "minutes",
    "초": "seconds",
}


def tokenize(text: str) -> list[Word]:
    """Split a slash command's text into words. A quote opens a quoted value only at the start of a word or right
    after ``key:`` (so an apostrophe in ``let's`` is just a letter); ``\\"`` is a quote inside a quoted value."""
    words: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in "\"'":
            i += 1
        head = text[start:i]
        match = _KEY.fullmatch(head)
        at_value_start = head == "" or (match is not None and match.group(2) == "")
        if i < n and text[i] in "\"'" and at_value_start:
            quote = text[i]
            i += 1
            chars: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n and text[i + 1] in (quote, "\\"):
                    i += 1
                chars.append(text[i])
                i += 1
            if i >= n:
                if match:
                    option = match.group(1) + ":"
                    raise LineError(
                        msg(
                            "the quote opened in {option}{quote} is never closed: end the value with {quote}",
                            option=option,
                            quote=quote,
                        )
                    )
                raise LineError(msg("a quote ({quote}) is never closed: end the value with {quote}", quote=quote))
            i += 1
            if i < n and not text[i].isspace():
                written = quote + "".join(chars) + quote
                raise LineError(
                    msg("put a space after the closing quote of {value} before the next word", value=written)
                )
            value = "".join(chars)
            words.append(Word(value, match.group(1) if match else None, quoted=True))
            continue
        while i < n and not text[i].isspace():  # the rest of an unquoted word (apostrophes included)
            i += 1
        raw = text[start:i]
        match = _KEY.fullmatch(raw)
        if match is not None:
            words.append(Word(match.group(2), match.group(1)))
        else:
            words.append(Word(raw))
    return words


@dataclass(frozen=True)
class Joined:
    """Messages shown one after another, ``first; then`` (in the reader's language: Korean ends a sentence)."""

    parts: Sequence[Msg]

    def render(self, tr: Texts) -> str:
        shown = tr.render(self.parts[0])
        for part in self.parts[1:]:
            shown = tr("{first}; {then}", first=shown, then=tr.render(part))
        return shown


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gather(
    words: Sequence[Word], names: Mapping[str, str], command: str, usage: str, texts: Collection[str] = ()
) -> dict[str, tuple[str, bool]]:
    """A command's ``option:value`` words -> each option's value as typed, and whether it was quoted.

    ``names`` maps each name a member may type for an option (lower case, English or their language) to the name
    the result is keyed by; ``command`` (``/cast lookup``) and ``usage`` (`` `/cast lookup name:…` ``) go into the
    messages. An unquoted value runs on over plain words (``when:friday 8pm``); any ``word:`` that is not one of
    the command's options is a mistake, after a quoted value or an unquoted one alike: it is answered with the
    closest option's name and, after an option in ``texts`` (those taking free text), how to quote a value that
    really holds ``word:``. (``https://…`` is a plain word.)
    """
    given: dict[str, list[str]] = {}
    quoted: dict[str, bool] = {}
    typed: dict[str, str] = {}  # the option's name as the member typed it
    current: str | None = None
    for word in words:
        is_key = word.key is not None and not (not word.quoted and word.text.startswith("//"))
        if is_key and word.key is not None and word.key.lower() in names:
            current = names[word.key.lower()]
            if current in given:
                twice = word.key + ":"
                raise LineError(msg("`{option}` is given twice; give each option once", option=twice))
            given[current], quoted[current], typed[current] = [word.text], word.quoted, word.key
        elif is_key and word.key is not None:
            shown = sorted({typed_name for typed_name in names})
            guess = difflib.get_close_matches(word.key.lower(), shown, n=1)
            option = f"{word.key}:"
            parts: list[Msg] = [msg("{command} has no option `{option}`", command=command, option=option)]
            if guess:
                meant = guess[0] + ":"
                parts.append(msg("did you mean `{option}`? write {usage}", option=meant, usage=usage))
            else:
                parts.append(msg("write {usage}", usage=usage))
            if current is not None and current in texts:
                value = " ".join([*given[current], f"{word.key}:{word.text}"])
                quoted_value = f"{typed[current]}:{_quoted(value)}"
                parts.append(
                    msg("if `{option}` belongs in the value, quote it: `{value}`", option=option, value=quoted_value)
                )
            raise LineError(Joined(parts))
        elif current is not None and not quoted[current]:
            given[current].append(f"{word.key}:{word.text}" if word.key is not None else word.text)
        elif current is not None:
            raise LineError(
                msg("`{word}` comes after a quoted value: quote the whole value, or name its option", word=word.text)
            )
        else:
            raise LineError(msg("`{word}`: name the option it is for (write {usage})", word=word.text, usage=usage))
    return {name: (" ".join(parts).strip(), quoted[name]) for name, parts in given.items()}


def parse_duration(text: str) -> dt.timedelta:
    """``+1h``, ``+30m``, ``+2d``, ``+1h30m`` (the ``+`` may be left out; Korean units too: ``+1시간``, ``+30분``,
    ``+2일``). Only forward: time never goes back."""
    raw = text.strip()
    body = raw[1:] if raw.startswith("+") else raw
    if raw.startswith("-"):
        forward, backward = "time +" + raw[1:], "time " + raw
        raise LineError(
            msg("time only moves forward: write `{forward}`, not `{backward}`", forward=forward, backward=backward)
        )
    compact = body.replace(" ", "").lower()
    parts = _DURATION.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise LineError(
            msg("`{text}` is not a length of time: write it like `+30m`, `+1h`, `+2d` or `+1h30m`", text=raw)
        )
    delta = dt.timedelta()
    for number, unit in parts:
        delta += dt.timedelta(**{_UNITS[unit]: int(number)})
    if delta <= dt.timedelta(0):
        raise LineError(msg("move the clock by more than nothing: `time +1h`"))
    if delta > dt.timedelta(days=400):
        raise LineError(msg("that is more than {days} days: move the clock in smaller steps", days=400))
    return delta


def _number(word: str, what: Msg, example: str) -> int:
    if not word.isdigit():
        raise LineError(
            msg("`{word}` is not a number: {what}, like `{example}`", word=word, what=what, example=example)
        )
    return int(word)


def parse(line: str, commands: frozenset[str] = frozenset()) -> Line:
    """One line of the playground. Raises :class:`LineError` with a message saying how to write it. ``commands``:
    the bot's slash command names, to point out a missing slash (``recap`` for ``/recap``)."""
    text = line.strip()
    if not text or text.startswith("#"):
        return Nothing()
    if text.startswith("/"):
        if len(text) == 1 or text[1].isspace():
            raise LineError(msg("name a command after the slash, like `/recap episode:5` (`help` lists them)"))
        return Slash(tuple(tokenize(text[1:])), line=text)
    verb, _, rest = text.partition(" ")
    verb, rest = verb.lower(), rest.strip()
    args = rest.split()
    if verb == "click":
        if len(args) != 1:
            raise LineError(msg("write `click N` with the number shown on the button, like `click 1`"))
        return Click(_number(args[0], msg("write the number shown on the button"), "click 1"))
    if verb == "pick":
        if len(args) < 2:
            raise LineError(msg("write `pick N CHOICE`: the menu's number, then the option(s), like `pick 1 3`"))
        menu = _number(args[0], msg("the menu's number comes first"), "pick 1 3")
        choices = tuple(w.text for w in tokenize(rest.split(None, 1)[1]))
        return Pick(menu, choices)
    if verb == "as":
        if len(args) != 1:
            raise LineError(msg("write `as NAME` with one member's name, like `as jun`"))
        return As(args[0].lstrip("@"))
    if verb == "in":
        if len(args) != 1:
            raise LineError(msg("write `in CHANNEL`, like `in #spoilers`"))
        return In(args[0].lstrip("#"))
    if verb == "progress":
        if len(args) != 1:
            raise LineError(msg("write `progress N` with the last episode you've watched, like `progress 3`"))
        return Progress(_number(args[0], msg("the last episode you've watched"), "progress 3"))
    if verb in ("lang", "language"):
        code = args[0].lower() if len(args) == 1 else ""
        if code not in LANGUAGES:
            raise LineError(msg("write `lang ko` (한국어) or `lang en` (English)"))
        return Lang(LANGUAGES[code])
    if verb == "time":
        return Time(parse_duration(rest) if rest else None)
    if verb.startswith("+") and not args:
        return Time(parse_duration(verb))
    if verb == "reveal" and not args:
        return Reveal()
    if verb in ("help", "?"):
        return Help(rest.lstrip("/").lower() or None)
    if verb in ("quit", "exit") and not args:
        return Quit()
    if verb in commands:
        slashed = "/" + text
        raise LineError(
            msg(
                "`{word}` is not something the playground knows (slash commands start with a slash: `{line}`); "
                "`help` lists what you can type",
                word=verb,
                line=slashed,
            )
        )
    raise LineError(msg("`{word}` is not something the playground knows; `help` lists what you can type", word=verb))
