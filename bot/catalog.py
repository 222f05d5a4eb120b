"""The show pack: TOML files under ``data/<show>/`` parsed once into frozen records (msgspec Structs).

The loader is strict. Unknown keys, wrong types, gaps in episode numbering, air instants off the
weekly slots (unless marked as an exception), aliases shared by two people and episode tags outside
the run are all reported together, each naming the file and the key.

Every text members read also exists in each other language of the pack, in ``show.<lang>.toml``,
``episodes.<lang>.toml`` and ``cast.<lang>.toml`` (``show.ko.toml``...): which languages there are is data, like the
message catalogues. A language is the pack's when it ships a message catalogue (``bot/locale/<lang>/``) or when the
folder has a twin file for it; it then needs all three twins. Each twin holds the same items in the same order, each
repeating its English twin's episode tag (``reveals``) and sourcing marker (``confidence``), so a translation can
neither move a plot point to another episode nor drop an "inferred" or "one source" marker. The loader rejects an
item that is missing, extra, or whose tag or marker differs, and a text that drops a number of the English one
(3.0 % stays 3.0 %). Korean texts are also checked for their script and register: Hangul, and no 합니다체
(``-ㅂ니다``/``-습니다``): the pack is shown inside the bot's answers, which speak 해요체, so the pack speaks it too.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import tomli
from msgspec import Struct, field


class Confidence(enum.StrEnum):
    """How sure the pack is of a fact: several sources agree, one source, derived from others, or none."""

    MULTI = "multi"
    SINGLE = "single"
    DERIVED = "derived"
    UNSOURCED = "unsourced"


CONFIDENCES: tuple[str, ...] = tuple(Confidence)


class RecapStatus(enum.StrEnum):
    """An episode's recap: sourced, from thin sources, or none (no reliable source describes the episode)."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


Billing = Literal["main", "supporting", "cameo"]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Revealing(Struct, frozen=True):
    """A piece of content and the episode whose viewing makes it safe (0: premise, safe for all)."""

    text: str
    reveals: int
    confidence: Confidence = Confidence.MULTI


class Slot(Struct, frozen=True):
    weekday: int  # Monday == 0
    time: dt.time

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday]


class Credit(Struct, frozen=True):
    role: str
    name: str
    hangul: str
    confidence: Confidence
    note: str


class Track(Struct, frozen=True):
    position: int
    artist: str
    title: str
    released: str
    confidence: Confidence
    note: str


class Special(Struct, frozen=True):
    title: str
    airs_at: dt.datetime
    description: str


class Rating(Struct, frozen=True):
    percent: Decimal  # as the source gives it: 3.0 stays 3.0 (TOML floats are read as decimals)
    scope: str
    source: str
    confidence: Confidence


class Episode(Struct, frozen=True):
    number: int
    airs_at: dt.datetime  # aware, UTC
    date_confidence: Confidence
    slot_exception: bool
    logline: str
    recap_status: RecapStatus
    recap_note: str
    rating: Rating | None
    rating_note: str
    recap: tuple[Revealing, ...]
    #: Words and phrases that give the episode away (names of its reveals and turns, from its recap lines), each
    #: tagged with the episode and the marker of the line it comes from: the spoiler window's AutoMod keywords.
    spoiler_words: tuple[Revealing, ...] = ()

    @property
    def date_is_derived(self) -> bool:
        return self.date_confidence == Confidence.DERIVED


class Person(Struct, frozen=True):
    key: str
    billing: Billing
    actor: str
    actor_hangul: str
    actor_hangul_verified: bool
    actor_aliases: tuple[str, ...]
    character: str
    character_hangul: str
    character_hangul_verified: bool
    character_aliases: tuple[str, ...]
    description: Revealing
    arcs: tuple[Revealing, ...]

    def names(self) -> Iterator[tuple[str, str]]:
        """Every searchable name with what it names: ``("actor" | "character", text)``."""
        if self.actor:
            yield "actor", self.actor
        if self.actor_hangul:
            yield "actor", self.actor_hangul
        yield from (("actor", a) for a in self.actor_aliases)
        yield "character", self.character
        if self.character_hangul:
            yield "character", self.character_hangul
        yield from (("character", a) for a in self.character_aliases)

    def character_for(self, reader: Namer) -> str:
        """The character's name for a reader: ``Ki Seon-gyeom``, or ``기선겸 (Ki Seon-gyeom)`` where the reader's
        language reads the show's script first (a verified Hangul spelling only)."""
        return reader.name(self.character, self.character_hangul if self.character_hangul_verified else "")

    def actor_for(self, reader: Namer) -> str:
        """The actor's name for a reader, like :meth:`character_for` ("" when no actor credit was found)."""
        return reader.name(self.actor, self.actor_hangul if self.actor_hangul_verified else "") if self.actor else ""

    def character_name(self, korean: bool = False) -> str:
        """For Korean readers the verified Hangul comes first: ``기선겸 (Ki Seon-gyeom)``."""
        return _name(self.character, self.character_hangul, self.character_hangul_verified, korean)

    def actor_name(self, korean: bool = False) -> str:
        """``Im Si-wan``, or ``임시완 (Im Si-wan)`` for Korean readers ("" when no actor credit was found)."""
        return _name(self.actor, self.actor_hangul, self.actor_hangul_verified, korean) if self.actor else ""


def _name(latin: str, hangul: str, verified: bool, korean: bool) -> str:
    return f"{hangul} ({latin})" if korean and hangul and verified else latin


class Namer(Protocol):
    """Writes a name for a reader (:class:`bot.locale.Texts`): ``name`` as the reader knows it, ``names`` with both
    spellings, in the order the reader's language puts them."""

    def name(self, latin: str, native: str, /) -> str: ...

    def names(self, latin: str, native: str, /) -> str: ...


class Show(Struct, frozen=True):
    title: str
    title_korean: str
    title_japanese: str
    title_aliases: tuple[str, ...]
    couple_tags: tuple[str, ...]
    network: str
    streaming: str
    streaming_note: str
    timezone: ZoneInfo
    first_air_date: dt.date
    last_air_date: dt.date
    episode_count: int
    premise: str
    genres: tuple[str, ...]
    runtime_minutes: int
    runtime_note: str
    slot_note: str
    slots: tuple[Slot, ...]
    credits: tuple[Credit, ...]

    def title_for(self, reader: Namer) -> str:
        """``Run On``; ``런 온 (Run On)`` where the reader's language reads the show's script first."""
        return reader.name(self.title, self.title_korean)


class NotInPack(KeyError):
    """A number or key that names nothing in the pack: say, from a stale or forged button."""


class Catalog(Struct, frozen=True):
    show: Show
    special: Special
    ost: tuple[Track, ...]
    episodes: tuple[Episode, ...]
    people: tuple[Person, ...]
    #: language -> the pack's English texts in that language (checked item by item against the English pack)
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def episode_count(self) -> int:
        return len(self.episodes)

    def episode(self, number: int) -> Episode:
        if not 1 <= number <= len(self.episodes):
            raise NotInPack(number)
        return self.episodes[number - 1]

    def spoiler_words(self, number: int) -> tuple[str, ...]:
        """Episode ``number``'s spoiler words in every language of the pack (English first), each once: members
        write in any of them, whatever the server's language."""
        found: dict[str, str] = {}
        for item in self.episode(number).spoiler_words:
            for text in (item.text, *(words.get(item.text, "") for words in self.translations.values())):
                if text:
                    found.setdefault(text.casefold(), text)
        return tuple(found.values())

    def person(self, key: str) -> Person:
        for person in self.people:
            if person.key == key:
                return person
        raise NotInPack(key)


class PackError(Exception):
    """The pack is broken; ``problems`` lists every problem as ``file: key: what``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the show pack is invalid:\n" + "\n".join(f"  - {p}" for p in problems))


def normalize_name(text: str) -> str:
    """Fold a name for comparison: NFKC, case-fold, drop spaces, hyphens, dots and apostrophes."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


T = TypeVar("T")


class _Reader:
    """Typed access to one TOML table that records problems instead of raising."""

    def __init__(self, problems: list[str], file: str, where: str, table: Any) -> None:
        self.problems = problems
        self.file = file
        self.where = where
        self.table: dict[str, Any] = table if isinstance(table, dict) else {}
        self.seen: set[str] = set()
        if not isinstance(table, dict):
            self.fail("", "must be a table")

    def fail(self, key: str, message: str) -> None:
        path = ".".join(p for p in (self.where, key) if p)
        self.problems.append(f"{self.file}: {path}: {message}")

    def child(self, key: str, table: Any) -> _Reader:
        return _Reader(self.problems, self.file, f"{self.where}.{key}" if self.where else key, table)

    def get(
        self,
        key: str,
        kind: type[T],
        default: T | None = None,
        check: Callable[[T], str | None] = lambda _: None,
    ) -> T:
        self.seen.add(key)
        if key not in self.table:
            if default is not None:
                return default
            self.fail(key, "is missing")
            return _placeholder(kind)
        value = self.table[key]
        if kind is Decimal and isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(key, f"must be {kind.__name__}, got {type(value).__name__}")
            return _placeholder(kind)
        problem = check(value)
        if problem:
            self.fail(key, problem)
        return value

    def text(self, key: str, *, allow_empty: bool = False, default: str | None = None) -> str:
        return self.get(key, str, default, lambda v: None if allow_empty or v.strip() else "must not be empty")

    def strings(self, key: str, *, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        values = self.get(key, list, list(default) if default is not None else None)
        out: list[str] = []
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                self.fail(f"{key}[{i}]", "must be a non-empty string")
            else:
                out.append(value)
        return tuple(out)

    def tables(self, key: str, *, required: bool = True) -> list[tuple[str, Any]]:
        values = self.get(key, list, None if required else [])
        return [(f"{key}[{i}]", v) for i, v in enumerate(values)]

    def confidence(self, key: str = "confidence") -> Confidence:
        value = self.get(
            key, str, Confidence.MULTI, lambda v: None if v in CONFIDENCES else f"must be one of {CONFIDENCES}"
        )
        return Confidence(value) if value in CONFIDENCES else Confidence.UNSOURCED

    def finish(self) -> None:
        for key in sorted(set(self.table) - self.seen):
            self.fail(key, "is not a known key")


def _placeholder(kind: type[T]) -> T:
    defaults: dict[type, Any] = {str: "", int: 0, Decimal: Decimal(0), bool: False, list: [], dict: {}}
    if kind in defaults:
        return cast(T, defaults[kind])
    if kind is dt.datetime:
        return cast(T, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    if kind is dt.date:
        return cast(T, dt.date(2000, 1, 1))
    raise TypeError(kind)


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomli.load(fh, parse_float=Decimal)  # keep the written precision: 3.0 is not 3
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
    except tomli.TOMLDecodeError as exc:
        problems.append(f"{path.name}: not valid TOML: {exc}")
    return {}


def _aware(r: _Reader, key: str) -> dt.datetime:
    value = r.get(key, dt.datetime)
    if value.tzinfo is None:
        r.fail(key, "must carry a UTC offset, e.g. 2020-12-16T21:00:00+09:00")
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _revealing(r: _Reader, last_episode: int) -> Revealing:
    text = r.text("text")
    reveals = r.get("reveals", int)
    if not 1 <= reveals <= last_episode:
        r.fail("reveals", f"must be an episode between 1 and {last_episode}, got {reveals}")
    confidence = r.confidence()
    r.finish()
    return Revealing(text, reveals, confidence)


#: Discord's AutoMod limit on one keyword (characters); the pack's spoiler words fit it.
MAX_SPOILER_WORD = 60


def spoiler_word_problem(text: str) -> str | None:
    """Why ``text`` cannot be an AutoMod keyword as the spoiler window uses it, or None: at most 60 characters,
    no wildcard ``*`` (a keyword matches whole words, so a short word cannot block longer ordinary ones), and
    not blank."""
    if not text.strip():
        return "is empty"
    if len(text) > MAX_SPOILER_WORD:
        return f"is {len(text)} characters long; AutoMod keywords are at most {MAX_SPOILER_WORD}"
    if "*" in text:
        return "has a wildcard (*); spoiler words match whole words only"
    return None


def _spoiler_words(r: _Reader, number: int, last_episode: int, seen: dict[str, int]) -> tuple[Revealing, ...]:
    words = []
    for key, table in r.tables("spoiler_word", required=False):
        w = r.child(key, table)
        item = _revealing(w, last_episode)
        problem = spoiler_word_problem(item.text)
        if problem:
            w.fail("text", problem)
        if item.reveals != number:
            w.fail("reveals", f"a spoiler word of episode {number} must reveal {number}, got {item.reveals}")
        if item.confidence == Confidence.UNSOURCED:
            w.fail("confidence", "a spoiler word comes from a sourced recap line")
        folded = item.text.casefold()
        if folded in seen:
            w.fail("text", f"{item.text!r} is already a spoiler word of episode {seen[folded]}")
        seen.setdefault(folded, number)
        words.append(item)
    return tuple(words)


def _show(problems: list[str], data: dict[str, Any]) -> tuple[Show, Special, tuple[Track, ...]]:
    top = _Reader(problems, "show.toml", "", data)
    r = top.child("show", top.get("show", dict))
    zone_name = r.text("timezone")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail("timezone", f"{zone_name!r} is not an IANA time zone name")
        zone = ZoneInfo("UTC")
    slots: list[Slot] = []
    for key, table in r.tables("slots"):
        s = r.child(key, table)
        day = s.text("weekday")
        clock = s.text("time")
        try:
            slots.append(Slot(WEEKDAYS.index(day), dt.time.fromisoformat(clock)))
        except ValueError:
            s.fail("", f"weekday must be a full English day name and time HH:MM, got {day!r} {clock!r}")
        s.finish()
    if not slots:
        r.fail("slots", "at least one weekly slot is required")
    credits = []
    for key, table in r.tables("credits"):
        c = r.child(key, table)
        credits.append(
            Credit(
                c.text("role"),
                c.text("name"),
                c.text("hangul", allow_empty=True),
                c.confidence(),
                c.text("note", allow_empty=True, default=""),
            )
        )
        c.finish()
    show = Show(
        title=r.text("title"),
        title_korean=r.text("title_korean"),
        title_japanese=r.text("title_japanese"),
        title_aliases=r.strings("title_aliases", default=()),
        couple_tags=r.strings("couple_tags", default=()),
        network=r.text("network"),
        streaming=r.text("streaming"),
        streaming_note=r.text("streaming_note", allow_empty=True, default=""),
        timezone=zone,
        first_air_date=r.get("first_air_date", dt.date),
        last_air_date=r.get("last_air_date", dt.date),
        episode_count=r.get("episode_count", int, check=lambda n: None if n > 0 else "must be positive"),
        premise=r.text("premise"),
        genres=r.strings("genres", default=()),
        runtime_minutes=r.get("runtime_minutes", int, check=lambda n: None if 1 <= n <= 300 else "must be 1-300"),
        runtime_note=r.text("runtime_note", allow_empty=True, default=""),
        slot_note=r.text("slot_note", allow_empty=True, default=""),
        slots=tuple(slots),
        credits=tuple(credits),
    )
    r.finish()
    sp = top.child("special", top.get("special", dict))
    special = Special(sp.text("title"), _aware(sp, "airs_at"), sp.text("description"))
    sp.finish()
    tracks = []
    for key, table in top.tables("ost", required=False):
        t = top.child(key, table)
        tracks.append(
            Track(
                t.get("position", int),
                t.text("artist"),
                t.text("title"),
                t.text("released", allow_empty=True, default=""),
                t.confidence(),
                t.text("note", allow_empty=True, default=""),
            )
        )
        t.finish()
    positions = [t.position for t in tracks]
    if positions != list(range(1, len(tracks) + 1)):
        top.fail("ost", f"positions must run 1..{len(tracks)} in order, got {positions}")
    top.finish()
    return show, special, tuple(tracks)


def _on_slot(show: Show, instant: dt.datetime) -> bool:
    local = instant.astimezone(show.timezone)
    return any(local.weekday() == s.weekday and local.time() == s.time for s in show.slots)


def _episodes(problems: list[str], data: dict[str, Any], show: Show) -> tuple[Episode, ...]:
    top = _Reader(problems, "episodes.toml", "", data)
    episodes: list[Episode] = []
    seen_words: dict[str, int] = {}
    for key, table in top.tables("episode"):
        r = top.child(key, table)
        number = r.get("number", int)
        if number != len(episodes) + 1:
            r.fail(
                "number",
                f"expected episode {len(episodes) + 1} here (numbering must have no gaps), got {number}",
            )
        airs_at = _aware(r, "airs_at")
        exception = r.get("slot_exception", bool, False)
        if not exception and not _on_slot(show, airs_at):
            local = airs_at.astimezone(show.timezone)
            r.fail(
                "airs_at",
                f"{local:%a %Y-%m-%d %H:%M} {show.timezone.key} is off the weekly slots; "
                "set slot_exception = true if that is right",
            )
        status = r.get(
            "recap_status",
            str,
            check=lambda v: None if v in tuple(RecapStatus) else "must be full, partial or none",
        )
        recap = []
        for pkey, point in r.tables("recap", required=False):
            p = r.child(pkey, point)
            item = _revealing(p, show.episode_count)
            if item.reveals != number:
                p.fail("reveals", f"a recap point of episode {number} must reveal {number}, got {item.reveals}")
            recap.append(item)
        if status == RecapStatus.NONE and recap:
            r.fail("recap", "recap_status is none but recap points are present")
        if status != RecapStatus.NONE and not recap:
            r.fail("recap", f"recap_status is {status} but there are no recap points")
        rating = None
        if "rating" in r.table:
            rr = r.child("rating", r.get("rating", dict))
            rating = Rating(rr.get("percent", Decimal), rr.text("scope"), rr.text("source"), rr.confidence())
            rr.text("rating_note", allow_empty=True, default="")
            rr.finish()
        episodes.append(
            Episode(
                number=number,
                airs_at=airs_at,
                date_confidence=r.confidence("date_confidence"),
                slot_exception=exception,
                logline=r.text("logline"),
                recap_status=RecapStatus(status) if status in tuple(RecapStatus) else RecapStatus.NONE,
                recap_note=r.text("recap_note", allow_empty=True, default=""),
                rating=rating,
                rating_note=r.text("rating_note", allow_empty=True, default=""),
                recap=tuple(recap),
                spoiler_words=_spoiler_words(r, number, show.episode_count, seen_words),
            )
        )
        r.finish()
    if len(episodes) != show.episode_count:
        top.fail("episode", f"show.toml says {show.episode_count} episodes but {len(episodes)} are listed")
    for earlier, later in itertools.pairwise(episodes):
        if later.airs_at <= earlier.airs_at:
            top.fail(
                f"episode[{later.number - 1}].airs_at",
                f"episode {later.number} must air after episode {earlier.number}",
            )
    top.finish()
    return tuple(episodes)


def _people(problems: list[str], data: dict[str, Any], last_episode: int) -> tuple[Person, ...]:
    top = _Reader(problems, "cast.toml", "", data)
    people: list[Person] = []
    owners: dict[str, str] = {}
    for key, table in top.tables("person"):
        r = top.child(key, table)
        pkey = r.text("key")
        description = Revealing(r.text("description"), r.get("description_reveals", int, 0), Confidence.MULTI)
        if not 0 <= description.reveals <= 1:
            r.fail(
                "description_reveals",
                "a description must be safe from episode 1 (0 or 1); later facts go in arcs",
            )
        arcs = tuple(_revealing(r.child(k, a), last_episode) for k, a in r.tables("arc", required=False))
        billing = r.get(
            "billing",
            str,
            check=lambda v: None if v in ("main", "supporting", "cameo") else "must be main, supporting or cameo",
        )
        person = Person(
            key=pkey,
            billing=cast(Billing, billing),
            actor=r.text("actor", allow_empty=True),
            actor_hangul=r.text("actor_hangul", allow_empty=True),
            actor_hangul_verified=r.get("actor_hangul_verified", bool, True),
            actor_aliases=r.strings("actor_aliases", default=()),
            character=r.text("character"),
            character_hangul=r.text("character_hangul", allow_empty=True),
            character_hangul_verified=r.get("character_hangul_verified", bool, True),
            character_aliases=r.strings("character_aliases", default=()),
            description=description,
            arcs=arcs,
        )
        r.finish()
        if any(p.key == pkey for p in people):
            r.fail("key", f"duplicate person key {pkey!r}")
        for _kind, name in person.names():
            norm = normalize_name(name)
            owner = owners.setdefault(norm, pkey)
            if owner != pkey:
                r.fail("aliases", f"{name!r} is also a name of {owner!r}; an alias may belong to one person only")
        people.append(person)
    top.finish()
    return tuple(people)


# -- the translated pack (one twin per language) ---------------------------------------------------

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: A word ending in 니다 or 니까; it is 합니다체 when the syllable before 니 is closed by ㅂ (합, 습, 입, 갑...).
_ENDING = re.compile(r"[\uac00-\ud7a3]*([\uac00-\ud7a3])(?:니다|니까)")
_BIEUP_FINAL = 17  # the index of ㅂ among the final consonants of a Hangul syllable


def _numbers(text: str) -> set[str]:
    """The numbers written in a text, as written (3.0 stays 3.0; 02 and 2 are the same day or month)."""
    return {n if "." in n or "," in n else str(int(n)) for n in _NUMBER.findall(text)}


def formal_endings(text: str) -> list[str]:
    """The 합니다체 words of a Korean text (``["있습니다", "합니까"]``); [] for 해요체 (``있어요``, ``해요``)."""
    return [m.group() for m in _ENDING.finditer(text) if (ord(m.group(1)) - 0xAC00) % 28 == _BIEUP_FINAL]


def _korean_problems(text: str) -> list[str]:
    problems = [] if _HANGUL.search(text) else ["is not Korean: it has no Hangul"]
    formal = formal_endings(text)
    if formal:
        words = ", ".join(formal)
        problems.append(f"speaks 합니다체 ({words}); write it in 해요체 like the bot's answers (해요, 있어요)")
    return problems


#: What a language's texts are checked for beyond the twin rules (its script, its register); the domain's, per
#: language: a language without an entry is checked by the twin rules only.
_LANGUAGE_CHECKS: dict[str, Callable[[str], list[str]]] = {"ko": _korean_problems}
_TWIN_FILES = ("show", "episodes", "cast")


def _no_problems(text: str) -> list[str]:
    return []


class _Twins:
    """One language's texts of the pack, each checked against its English twin; ``texts`` maps English to them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.texts: dict[str, str] = {}
        self.check = _LANGUAGE_CHECKS.get(lang.split("-")[0].lower(), _no_problems)

    def text(self, r: _Reader, key: str, english: str, *, optional: bool = False) -> None:
        if not english:
            if r.text(key, allow_empty=True, default=""):
                r.fail(key, "the English text is empty, so the translated one must be empty too")
            return
        value = r.text(key, default="" if optional else None)
        if not value.strip():
            return
        for problem in self.check(value):
            r.fail(key, problem)
        dropped = _numbers(english) - _numbers(value)
        if dropped:
            r.fail(key, f"drops the number(s) {sorted(dropped)} of the English text")
        known = self.texts.setdefault(english, value)
        if known != value:
            r.fail(key, f"the same English text is translated differently elsewhere ({known!r})")

    def marker(self, r: _Reader, english: Confidence, what: str) -> None:
        value = r.get("confidence", str)
        if value != english:
            r.fail("confidence", f"must be the English {what}'s marker {english!r}, got {value!r}")

    def tag(self, r: _Reader, key: str, english: int, what: str) -> None:
        value = r.get(key, int)
        if value != english:
            r.fail(key, f"must be the English {what}'s episode tag {english}, got {value}")

    def revealing(self, r: _Reader, english: Revealing, what: str) -> None:
        self.text(r, "text", english.text)
        self.tag(r, "reveals", english.reveals, what)
        self.marker(r, english.confidence, what)
        r.finish()

    def items(self, r: _Reader, key: str, english: tuple[T, ...], what: str) -> list[tuple[_Reader, T]]:
        """The translated list under ``key`` paired with the English items, one for one."""
        tables = r.tables(key, required=bool(english))
        if len(tables) != len(english):
            r.fail(key, f"has {len(tables)} translated {what}(s) but the English pack has {len(english)}")
        return [(r.child(k, t), item) for (k, t), item in zip(tables, english, strict=False)]


def _twin_show(twins: _Twins, problems: list[str], data: dict[str, Any], catalog: Catalog) -> None:
    top = _Reader(problems, f"show.{twins.lang}.toml", "", data)
    show = catalog.show
    r = top.child("show", top.get("show", dict))
    for key in ("streaming", "premise", "streaming_note", "runtime_note", "slot_note"):
        twins.text(r, key, getattr(show, key))
    genres = r.strings("genres", default=())
    if len(genres) != len(show.genres):
        r.fail("genres", f"has {len(genres)} translated genre(s) but the English pack has {len(show.genres)}")
    for i, (english, korean) in enumerate(zip(show.genres, genres, strict=False)):
        twins.text(r.child(f"genres[{i}]", {"text": korean}), "text", english)
    for c, credit in twins.items(r, "credits", show.credits, "credit"):
        twins.text(c, "role", credit.role)
        twins.text(c, "note", credit.note)
        twins.marker(c, credit.confidence, "credit")
        c.finish()
    r.finish()
    sp = top.child("special", top.get("special", dict))
    twins.text(sp, "description", catalog.special.description)
    sp.finish()
    for t, track in twins.items(top, "ost", catalog.ost, "soundtrack entry"):
        position = t.get("position", int)
        if position != track.position:
            t.fail("position", f"must be the English entry's position {track.position}, got {position}")
        twins.text(t, "title", track.title, optional=True)
        twins.text(t, "artist", track.artist, optional=True)
        twins.text(t, "note", track.note)
        twins.marker(t, track.confidence, "soundtrack entry")
        t.finish()
    top.finish()


def _twin_episodes(twins: _Twins, problems: list[str], data: dict[str, Any], catalog: Catalog) -> None:
    top = _Reader(problems, f"episodes.{twins.lang}.toml", "", data)
    seen: dict[str, str] = {}  # spoiler words, folded -> the English word they translate (one each, pack-wide)
    for r, episode in twins.items(top, "episode", catalog.episodes, "episode"):
        number = r.get("number", int)
        if number != episode.number:
            r.fail("number", f"must be episode {episode.number} (the same order as episodes.toml), got {number}")
        twins.text(r, "logline", episode.logline)
        twins.text(r, "recap_note", episode.recap_note)
        twins.text(r, "rating_note", episode.rating_note)
        if episode.rating is None:
            if "rating" in r.table:
                r.fail("rating", "the English episode has no rating")
            r.seen.add("rating")
        else:
            rr = r.child("rating", r.get("rating", dict))
            twins.text(rr, "scope", episode.rating.scope)
            twins.text(rr, "source", episode.rating.source)
            twins.marker(rr, episode.rating.confidence, "rating")
            rr.finish()
        for p, point in twins.items(r, "recap", episode.recap, "recap point"):
            twins.revealing(p, point, "recap point")
        for w, word in twins.items(r, "spoiler_word", episode.spoiler_words, "spoiler word"):
            text = w.table.get("text")
            if isinstance(text, str):
                problem = spoiler_word_problem(text)
                if problem:
                    w.fail("text", problem)
                elif text.casefold() in seen and seen[text.casefold()] != word.text:
                    w.fail("text", f"{text!r} already translates {seen[text.casefold()]!r}")
                seen.setdefault(text.casefold(), word.text)
            twins.revealing(w, word, "spoiler word")
        r.finish()
    top.finish()


def _twin_people(twins: _Twins, problems: list[str], data: dict[str, Any], catalog: Catalog) -> None:
    top = _Reader(problems, f"cast.{twins.lang}.toml", "", data)
    for r, person in twins.items(top, "person", catalog.people, "person"):
        key = r.text("key")
        if key != person.key:
            r.fail("key", f"must be {person.key!r} (the same order as cast.toml), got {key!r}")
        twins.text(r, "description", person.description.text)
        twins.tag(r, "description_reveals", person.description.reveals, "description")
        for a, arc in twins.items(r, "arc", person.arcs, "story note"):
            twins.revealing(a, arc, "story note")
        r.finish()
    top.finish()


def pack_languages(folder: Path) -> tuple[str, ...]:
    """The languages the pack in ``folder`` speaks besides English: every language with a message catalogue, and
    every language with a twin file in the folder (``show.ko.toml`` -> ``ko``)."""
    from bot.locale import SOURCE, shipped_languages

    found = {lang for lang in shipped_languages() if lang != SOURCE}
    for name in _TWIN_FILES:
        found.update(path.name[len(name) + 1 : -len(".toml")] for path in folder.glob(f"{name}.?*.toml"))
    return tuple(sorted(found))


def _translated(folder: Path, lang: str, problems: list[str], catalog: Catalog) -> dict[str, str]:
    twins = _Twins(lang)
    _twin_show(twins, problems, _read_toml(folder / f"show.{lang}.toml", problems), catalog)
    _twin_episodes(twins, problems, _read_toml(folder / f"episodes.{lang}.toml", problems), catalog)
    _twin_people(twins, problems, _read_toml(folder / f"cast.{lang}.toml", problems), catalog)
    return twins.texts


def load_catalog(folder: Path) -> Catalog:
    """Load and validate the pack in ``folder``; raise :class:`PackError` listing every problem."""
    problems: list[str] = []
    if not folder.is_dir():
        raise PackError([f"{folder}: the show pack folder does not exist (SHOW_PACK)"])
    show, special, ost = _show(problems, _read_toml(folder / "show.toml", problems))
    episodes = _episodes(problems, _read_toml(folder / "episodes.toml", problems), show)
    people = _people(problems, _read_toml(folder / "cast.toml", problems), show.episode_count)
    if episodes and show.first_air_date != episodes[0].airs_at.astimezone(show.timezone).date():
        problems.append("show.toml: show.first_air_date: does not match episode 1's air date")
    if episodes and show.last_air_date != episodes[-1].airs_at.astimezone(show.timezone).date():
        problems.append("show.toml: show.last_air_date: does not match the last episode's air date")
    catalog = Catalog(show=show, special=special, ost=ost, episodes=episodes, people=people)
    if not problems:  # the twins are checked against a sound English pack only
        translations = {lang: _translated(folder, lang, problems, catalog) for lang in pack_languages(folder)}
        catalog = msgspec.structs.replace(catalog, translations=translations)
    if problems:
        raise PackError(problems)
    return catalog
