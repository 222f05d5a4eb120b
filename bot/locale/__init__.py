"""Languages: which one a member or a server gets, and the message catalogues that speak it.

Every sentence a member reads is a gettext message whose id is its English text with ``{named}`` placeholders.
English is the source language (its catalogue is the ids themselves); every other language has a compiled
catalogue in ``bot/locale/<lang>/LC_MESSAGES/messages.mo`` (maintained with Babel: ``python -m bot.devtools.locale``).

Code that cannot render yet (services, which do not know who reads the answer) builds a :class:`Msg` with
:func:`msg`: a message id and its parameters. Code at the edge (cogs) renders with a :class:`Texts` for the
reader's language: ``tr("Episode {n}", n=3)``, ``tr.plural(...)``, ``tr.render(a_msg)``. Parameters may be
other messages, or values that format themselves per language (:class:`OneOf`, :class:`Day`).

Which languages there are is data: English and every catalogue folder in the package (:func:`languages`), or one
added from memory (:func:`add_language`). Dates, weekdays and durations are CLDR's for the language's locale, shaped
by patterns in its catalogue; Korean particles after a placeholder are chosen from the inserted text
(:mod:`bot.locale.particles`).

The extraction keywords (see :data:`KEYWORDS`) are ``tr``, ``msg``, ``plural``, ``plural_msg``, ``ctx``, ``ctx_msg``
and ``UserError``: pass
the English text to them as a literal, never an f-string, so ``python -m bot.devtools.locale update`` finds it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, runtime_checkable

from msgspec import Struct, field

from .particles import MARKER, choose

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

#: A language the bot speaks, named by its catalogue's folder: ``"en"``, ``"ko"``, ``"en-XA"``. Which languages
#: there are is data: English (the source) and every catalogue in the package (:func:`languages`).
Language = str
SOURCE: Final[Language] = "en"
#: The CLDR locale whose names (weekdays, months, units) the source language uses; its patterns are the message
#: ids under the context ``date format``.
SOURCE_CLDR: Final = "en"
DOMAIN: Final = "messages"
#: Babel keywords for extraction: function name -> argument positions (``(1, "c")`` is a context argument).
KEYWORDS: Final[dict[str, Any]] = {
    "tr": None,
    "msg": None,
    "UserError": None,
    "plural": (1, 2),
    "plural_msg": (1, 2),
    "ctx": ((1, "c"), 2),
    "ctx_msg": ((1, "c"), 2),
}


class CatalogueMissing(Exception):
    """A language's compiled catalogue is not in the package (run ``python -m bot.devtools.locale compile``)."""


#: Languages added at run time from a catalogue in memory (:func:`add_language`), beside the package's.
_ADDED: dict[Language, Table] = {}


@functools.cache
def _packaged() -> tuple[Language, ...]:
    root = resources.files("bot.locale")
    found = [
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and any((entry / "LC_MESSAGES" / f"{DOMAIN}.{ext}").is_file() for ext in ("mo", "po"))
    ]
    return tuple(sorted(found))


def shipped_languages() -> tuple[Language, ...]:
    """The languages of the package's catalogues; English first (the source language, and the fallback)."""
    return (SOURCE, *(lang for lang in _packaged() if lang != SOURCE))


def languages() -> tuple[Language, ...]:
    """Every language the bot speaks: the package's, then any added from memory (:func:`add_language`)."""
    return (*shipped_languages(), *(lang for lang in sorted(_ADDED) if lang not in _packaged()))


_LANGUAGE_OF: dict[str, Language] = {}


def locale_code(locale: object) -> str:
    """A Discord locale (``discord.Locale.korean``) or its code (``"ko"``) as its code; "" for none."""
    return str(getattr(locale, "value", locale) or "")


def language_of(locale: object) -> Language:
    """The language for a Discord locale (``"ko"``, ``discord.Locale.korean``, ``"en-US"``...): the bot's language
    of that name, else of its base language (``ko-KR`` → ``ko``), else English."""
    code = locale_code(locale)
    found = _LANGUAGE_OF.get(code)
    if found is None:
        spoken = {lang.lower(): lang for lang in languages()}
        lowered = code.lower().replace("_", "-")
        found = spoken.get(lowered) or spoken.get(lowered.split("-", 1)[0]) or SOURCE
        _LANGUAGE_OF[code] = found
    return found


def parse_language(value: str | None) -> Language | None:
    """A stored or typed language code, or None."""
    return value if value is not None and value in languages() else None


#: CLDR's names of the shipped languages (own name, English name), so that defining ``/setup language``'s choices
#: loads none of CLDR's tables at start-up (about 1 MiB and 40-100 ms for the Korean one); a test checks them
#: against CLDR. A language not listed (a pseudo-locale, a new catalogue) is looked up in CLDR.
SHIPPED_NAMES: Final[dict[Language, tuple[str, str]]] = {"en": ("English", "English"), "ko": ("한국어", "Korean")}


@functools.cache
def native_name(lang: Language) -> str:
    """What a language is called in its own words, from CLDR: ``English``, ``한국어`` (its code if CLDR has none)."""
    if lang in SHIPPED_NAMES:
        return SHIPPED_NAMES[lang][0]
    return cldr_native_name(lang)


def cldr_native_name(lang: Language) -> str:
    """:func:`native_name` as CLDR has it."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return lang
    name = locale.get_language_name(locale)
    return name[:1].upper() + name[1:] if name else lang


def choice_name(lang: Language) -> str:
    """A language as a menu lists it: its own name, with the English one after it where they differ
    (``English``, ``한국어 (Korean)``)."""
    own = native_name(lang)
    english = SHIPPED_NAMES[lang][1] if lang in SHIPPED_NAMES else cldr_english_name(lang)
    return own if not english or english == own else f"{own} ({english})"


def cldr_english_name(lang: Language) -> str | None:
    """A language's English name in CLDR (None if CLDR has none)."""
    from babel import Locale, UnknownLocaleError

    try:
        english = Locale.parse(lang.replace("-", "_")).get_language_name(SOURCE_CLDR)
    except (UnknownLocaleError, ValueError):
        return None
    return english or None


def add_language(lang: Language, catalogue: Catalog) -> None:
    """Speak ``lang`` from a catalogue in memory (a pseudo-locale in tests, a catalogue from elsewhere)."""
    _ADDED[lang] = _table(catalogue, lang)
    texts.cache_clear()
    _LANGUAGE_OF.clear()


def drop_language(lang: Language) -> None:
    """Stop speaking a language added with :func:`add_language`."""
    _ADDED.pop(lang, None)
    texts.cache_clear()
    _LANGUAGE_OF.clear()


# -- values that are rendered late ---------------------------------------------------------------


@runtime_checkable
class Renders(Protocol):
    """A parameter that formats itself for the reader's language."""

    def render(self, tr: Texts) -> str: ...


class Msg(Struct, frozen=True):
    """A message not yet in a language: its id (the English text, ``{named}`` placeholders) and parameters.

    ``plural`` (with ``count``) makes it an ngettext message."""

    id: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int = 0
    context: str | None = None

    def render(self, tr: Texts) -> str:
        return tr.render(self)

    def __str__(self) -> str:  # logs and exceptions: the English text
        return english().render(self)


def msg(message: str, /, **params: object) -> Msg:
    """A message to render later, in whatever language the reader has."""
    return Msg(message, params)


def plural_msg(singular: str, plural: str, count: int, /, **params: object) -> Msg:
    return Msg(singular, params, plural, count)


def ctx_msg(context: str, message: str, /, **params: object) -> Msg:
    """A message with a catalogue context (a short text whose translation depends on where it is used)."""
    return Msg(message, params, context=context)


class OneOf(Struct, frozen=True):
    """``A, B or C`` in the reader's language."""

    items: Sequence[object]

    def render(self, tr: Texts) -> str:
        return tr.join(self.items, last="or")


class AllOf(Struct, frozen=True):
    """``A, B and C`` in the reader's language."""

    items: Sequence[object]

    def render(self, tr: Texts) -> str:
        return tr.join(self.items, last="and")


class Day(Struct, frozen=True):
    """A calendar day: ``Fri 27 Nov 2026`` / ``2026년 11월 27일 (금)``."""

    day: dt.date

    def render(self, tr: Texts) -> str:
        return tr.day(self.day)


class MonthDay(Struct, frozen=True):
    """A month and a day without a year: ``Dec 2`` / ``12월 2일``."""

    month: int
    day: int

    def render(self, tr: Texts) -> str:
        return tr.month_day(self.month, self.day)


class Moment(Struct, frozen=True):
    """A wall-clock time in a zone: ``Fri 27 Nov 2026 20:00`` / ``2026년 11월 27일 (금) 20:00``."""

    instant: dt.datetime
    zone: dt.tzinfo

    def render(self, tr: Texts) -> str:
        return tr.moment(self.instant, self.zone)


class WeekdayName(Struct, frozen=True):
    """A day of the week (Monday == 0): ``Friday`` / ``금요일``."""

    weekday: int

    def render(self, tr: Texts) -> str:
        return tr.weekday(self.weekday)


class Particled(str):
    """A translation with particles to choose after its placeholders (``{when}(이)나``): the text split at each
    marker, so each particle sees the text rendered before it (see :mod:`bot.locale.particles`)."""

    parts: tuple[str, ...]
    markers: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> str:
        """``text`` itself, or a :class:`Particled` when a particle marker follows a placeholder in it."""
        if "{" not in text or MARKER.search(text) is None:
            return text
        found = cls(text)
        found.parts = tuple(MARKER.split(text))
        found.markers = tuple(MARKER.findall(text))
        return found

    def fill(self, values: Mapping[str, object], undecided: set[str]) -> str:
        parts = self.parts
        out = parts[0].format_map(values)
        after = 1
        for marker in self.markers:
            form = _particle(marker, out)
            if form is None:
                if len(undecided) < 1000:  # for tests and a curious admin: bounded in a long-running bot
                    undecided.add(f"{out[-40:]}{marker}")
                form = marker
            part = parts[after]
            after += 1
            out += form + (part.format_map(values) if "{" in part else part)
        return out


#: Particles already chosen, by marker and the end of the text before them (the same values come back: zone names,
#: episode numbers), so choosing one costs a dict lookup.
_CHOSEN: dict[tuple[str, str], str | None] = {}


def _particle(marker: str, before: str) -> str | None:
    """The form of ``marker`` after ``before``; None when its sound cannot be read."""
    tail = before[-24:]
    key = (marker, tail)
    try:
        return _CHOSEN[key]
    except KeyError:
        pass
    form, known = choose(marker, before)
    found = form if known else None
    if not tail.endswith(":R>"):  # a relative timestamp reads 후 or 전 depending on when: not kept
        if len(_CHOSEN) > 8192:
            _CHOSEN.clear()
        _CHOSEN[key] = found
    return found


# -- one language ---------------------------------------------------------------------------------


class Texts:
    """Messages in one language, and the formats that go with them (days, lists, relative times).

    ``pack`` maps the show pack's English texts to this language (the pack's own translations, checked by the
    loader); ``tr.pack(text)`` looks one up."""

    __slots__ = ("_cldr", "_formats", "_get", "_pack", "_plural_form", "lang", "misses", "undecided")

    def __init__(self, lang: Language, table: Table, pack: Mapping[str, str] | None = None) -> None:
        self.lang = lang
        self._cldr = table.cldr
        # Formats already made (days, offsets...), shared by the copies with a pack: Babel's are slower than a dict.
        self._formats: dict[object, str] = {}
        # One dict lookup per message, in every language (English looks up an empty table and keeps the id), so
        # speaking Korean costs what speaking English does.
        self._get: Callable[..., Any] = table.messages.get
        self._plural_form: Callable[[int], int] = table.plural
        self._pack: Mapping[str, str] = pack or {}
        #: Messages asked for that the catalogue does not have (shown in English): a message passed through a name
        #: extraction does not know, or a catalogue not updated. Tests assert it stays empty.
        self.misses: set[str] = set()
        #: Particles after an inserted text whose final sound could not be read (a mention, an emoji): shown in
        #: their written form ``이(가)``. Tests assert it stays empty.
        self.undecided: set[str] = set()

    def with_pack(self, pack: Mapping[str, str]) -> Texts:
        copy = Texts.__new__(Texts)
        copy.lang, copy._get, copy._plural_form = self.lang, self._get, self._plural_form
        copy._pack, copy.misses, copy.undecided = pack, self.misses, self.undecided
        copy._cldr, copy._formats = self._cldr, self._formats
        return copy

    def _gettext(self, message: str) -> str:
        text: str = self._get(message, message)
        if text is message and self.lang != SOURCE:
            self.misses.add(message)
        return text

    def _ngettext(self, singular: str, plural: str, count: int) -> str:
        text: str | None = self._get((singular, self._plural_form(count)))
        if text is None:
            if self.lang != SOURCE:
                self.misses.add(singular)
            return singular if count == 1 else plural
        return text

    def _pgettext(self, context: str, message: str) -> str:
        text: str = self._get(f"{context}\x04{message}", message)
        if text is message and self.lang != SOURCE:
            self.misses.add(f"{context}: {message}")
        return text

    # names: the order of a name and its spelling in the show's own script is the catalogue's (context ``name
    # order``): ``Ki Seon-gyeom (기선겸)`` in English, ``기선겸 (Ki Seon-gyeom)`` in Korean. A language whose pattern
    # puts ``{native}`` first reads names in the show's script first: no code names the language.

    def _name_order(self) -> str:
        found = self._formats.get("name order")
        if found is None:
            # TRANSLATORS: how a name is written with its spelling in the show's own script (Hangul): put {native}
            # first if your readers know the names in that script (then they are shown that way everywhere).
            found = self._formats["name order"] = str(self.ctx("name order", "{latin} ({native})"))
        return found

    @property
    def native_first(self) -> bool:
        """Whether this language reads names in the show's script first (기선겸 (Ki Seon-gyeom)), from the
        catalogue's name order."""
        pattern = self._name_order()
        return pattern.find("{native}") < pattern.find("{latin}")

    def names(self, latin: str, native: str) -> str:
        """A name with its spelling in the show's script, in the catalogue's order: ``Run On (런 온)`` /
        ``런 온 (Run On)`` (the latin name alone when there is no other spelling)."""
        return self._name_order().format(latin=latin, native=native) if native else latin

    def name(self, latin: str, native: str) -> str:
        """A name as a reader knows it: both spellings where the language reads the show's script first
        (``런 온 (Run On)``), else the latin name alone (``Run On``)."""
        return self.names(latin, native) if native and self.native_first else latin

    # messages

    def __call__(self, message: str, /, **params: object) -> str:
        text: str = self._get(message, message)
        if text is message and self.lang != SOURCE:
            self.misses.add(message)
        return self._format(text, params) if params else text

    tr = __call__  # ``self.tr("…")`` inside this class, so extraction finds the message

    def plural(self, singular: str, plural: str, count: int, /, **params: object) -> str:
        return self._format(self._ngettext(singular, plural, count), params)

    def ctx(self, context: str, message: str, /, **params: object) -> str:
        text = self._pgettext(context, message)
        return self._format(text, params) if params else text

    def render(self, value: object) -> str:
        """A :class:`Msg` (or any :class:`Renders` value, or plain text) in this language."""
        if isinstance(value, Msg):
            if value.plural is not None:
                text = self._ngettext(value.id, value.plural, value.count)
            elif value.context is not None:
                text = self._pgettext(value.context, value.id)
            else:
                text = self._gettext(value.id)
            return self._format(text, value.params) if value.params else text
        if isinstance(value, Renders):
            return value.render(self)
        return str(value)

    def _format(self, text: str, params: Mapping[str, object]) -> str:
        values = {key: self._value(value) for key, value in params.items()}
        if text.__class__ is str:
            return text.format_map(values)
        assert isinstance(text, Particled)
        return text.fill(values, self.undecided)

    def _value(self, value: object) -> object:
        if isinstance(value, str | int | float):
            return value
        if isinstance(value, (Msg, Renders)):
            return self.render(value)
        return value

    def pack(self, text: str) -> str:
        """A text of the show pack in this language (the English text when this is English)."""
        return self._pack.get(text, text) if self._pack else text

    # formats

    def join(self, items: Iterable[object], *, last: Literal["or", "and"] = "and") -> str:
        """``A, B or C``: CLDR's separator for the locale, and the catalogue's last link (Korean says ``A, B, C`` and
        ``A, B 또는 C`` where CLDR's ``및`` would read like a form)."""
        shown = [self.render(item) for item in items]
        if len(shown) <= 1:
            return "".join(shown)
        head = self._separator().join(shown[:-1])
        if last == "or":
            return self.tr("{items} or {last}", items=head, last=shown[-1])
        return self.tr("{items} and {last}", items=head, last=shown[-1])

    def _separator(self) -> str:
        found = self._formats.get("separator")
        if found is None:
            middle = str(self._locale().list_patterns["standard"]["middle"])  # "{0}, {1}"
            found = self._formats["separator"] = middle.replace("{0}", "").replace("{1}", "")
        return found

    # Dates, weekdays and durations: the patterns are messages of the context ``date format`` (LDML patterns, the
    # English one is the id), the names (weekdays, months, units) come from CLDR for the language's locale. A new
    # language brings its patterns in its catalogue and gets its names from CLDR: no code.

    @property
    def cldr(self) -> str:
        """The CLDR locale this language's names come from (``"ko"``, ``"en"``): for Babel's other tables."""
        return str(self._locale())

    def _locale(self) -> Any:
        return _cldr_locale(self._cldr)

    def _date(self, key: object, pattern: str, value: dt.date | dt.datetime, zone: dt.tzinfo | None = None) -> str:
        found = self._formats.get(key)
        if found is None:
            from babel import dates

            if isinstance(value, dt.datetime):
                found = dates.format_datetime(value, pattern, tzinfo=zone, locale=self._locale())
            else:
                found = dates.format_date(value, pattern, locale=self._locale())
            if len(self._formats) > 4096:
                self._formats.clear()
            self._formats[key] = found
        return found

    def weekday(self, weekday: int) -> str:
        """``Wednesday`` / ``수요일`` (Monday == 0)."""
        monday = dt.date(2024, 1, 1)
        return self._date(("weekday", weekday), self.ctx("date format", "EEEE"), monday + dt.timedelta(days=weekday))

    def every(self, weekday: int) -> str:
        """``Wednesdays`` / ``매주 수요일``."""
        return self.render(_WEEKLY[weekday])

    def day(self, day: dt.date) -> str:
        """``Fri 27 Nov 2026`` / ``2026년 11월 27일 (금)``."""
        return self._date(("day", day), self.ctx("date format", "EEE d MMM y"), day)

    def short_day(self, day: dt.date) -> str:
        """``Fri 27 Nov`` / ``11월 27일 (금)``."""
        return self._date(("short", day), self.ctx("date format", "EEE dd MMM"), day)

    def month_day(self, month: int, day: int) -> str:
        """``Dec 2`` / ``12월 2일`` (no year: a leap year's calendar, so 29 February exists)."""
        return self._date(("month", month, day), self.ctx("date format", "MMM d"), dt.date(2000, month, day))

    def weekly_time(self, weekday: int, time: dt.time) -> str:
        """A weekly slot: ``Wed 21:00`` / ``수요일 21:00``."""
        moment = dt.datetime.combine(dt.date(2024, 1, 1) + dt.timedelta(days=weekday), time)  # 2024-01-01: Monday
        return self._date(("slot", weekday, time), self.ctx("date format", "EEE HH:mm"), moment, None)

    def moment(self, instant: dt.datetime, zone: dt.tzinfo) -> str:
        """``Fri 27 Nov 2026 20:00`` / ``2026년 11월 27일 (금) 20:00``, on the clock of ``zone``."""
        local = instant.astimezone(zone).replace(tzinfo=None)  # the wall clock there, whatever Babel thinks of zones
        return self._date(("moment", local), self.ctx("date format", "EEE d MMM y HH:mm"), local, None)

    def relative(self, delta: dt.timedelta) -> str:
        """``in 2 hours`` / ``2시간 후``; ``in 1 day 14 hours``; ``in 6 days``; ``now``."""
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return self.tr("now")
        if minutes < 60:
            return self.plural("in {n} minute", "in {n} minutes", minutes, n=minutes)
        hours, minutes = divmod(minutes, 60)
        if hours < 24:
            if minutes:
                return self.plural("in {n} hour {m} min", "in {n} hours {m} min", hours, n=hours, m=minutes)
            return self.plural("in {n} hour", "in {n} hours", hours, n=hours)
        days, hours = divmod(hours, 24)
        if days < 2:
            if hours:
                return self.plural("in 1 day {n} hour", "in 1 day {n} hours", hours, n=hours)
            return self.tr("in 1 day")
        return self.plural("in {n} day", "in {n} days", days, n=days)

    def offset(self, seconds: int) -> str:
        """A reminder time before an event, short, as it is typed back: ``1h``, ``10m``, ``1d``, ``1h30m`` / ``1시간``,
        ``10분``, ``1일``, ``1시간 30분`` (whole days in days, else hours and minutes; CLDR's narrow units)."""
        key = ("offset", seconds)
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self._offset(seconds)
        return found

    def _offset(self, seconds: int) -> str:
        from babel.units import format_unit

        locale = self._locale()
        if seconds and seconds % 86400 == 0:
            return str(format_unit(seconds // 86400, "duration-day", length="narrow", locale=locale))
        hours, minutes = divmod(seconds // 60, 60)
        hours_text = str(format_unit(hours, "duration-hour", length="narrow", locale=locale))
        minutes_text = str(format_unit(minutes, "duration-minute", length="narrow", locale=locale))
        if hours and minutes:
            return self.ctx("duration", "{hours}{minutes}", hours=hours_text, minutes=minutes_text)
        return hours_text if hours else minutes_text

    def episode(self, number: int) -> str:
        """``episode 3`` / ``3화``."""
        return self.tr("episode {n}", n=number)

    def episodes(self, first: int, last: int) -> str:
        """``episode 3`` or ``episodes 3-4`` / ``3화``, ``3-4화``."""
        return self.episode(first) if first == last else self.tr("episodes {first}-{last}", first=first, last=last)


class Table(Struct, frozen=True):
    """A compiled catalogue as one dict: ``msgid``, ``(msgid, form)`` for plurals, ``"context\x04msgid"``."""

    messages: Mapping[object, str]
    plural: Callable[[int], int]  # the plural form a count takes
    cldr: str = SOURCE_CLDR  # the CLDR locale of its names (weekdays, months, units)


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


def _catalogue(lang: Language) -> Table:
    if lang == SOURCE:
        return Table({}, _english_plural)
    if lang in _ADDED:
        return _ADDED[lang]
    path = resources.files("bot.locale") / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as fh:
            compiled = gettext.GNUTranslations(fh)
    except (FileNotFoundError, NotADirectoryError):
        raise CatalogueMissing(
            f"the compiled {lang} message catalogue is missing ({path}); "
            "build it with: python -m bot.devtools.locale compile"
        ) from None
    return _compiled_table(compiled, lang)


def _compiled_table(compiled: gettext.GNUTranslations, lang: Language) -> Table:
    """A catalogue compiled by ``python -m bot.devtools.locale compile``, read with the standard library's reader:
    Babel's (``babel.messages``) would load its whole catalogue model and its date formatting at every start-up
    (about 20 ms), for a table the standard library already reads in the same shape (``msgid``, ``(msgid, form)``,
    ``"context\x04msgid"``; a compiled catalogue holds no fuzzy or empty translation)."""
    found: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    messages = {key: Particled.of(text) for key, text in found.items() if key != "" and text}
    info = compiled.info()
    expression = info.get("plural-forms", "plural=0").partition("plural=")[2].strip(" ;()")
    plural = _one_form if expression == "0" else compiled.plural  # type: ignore[attr-defined]
    return Table(messages, plural, info.get("language") or lang.replace("-", "_"))


def _table(catalog: Catalog, lang: Language) -> Table:
    messages: dict[object, str] = {}
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        prefix = f"{message.context}\x04" if message.context else ""
        if isinstance(message.id, list | tuple):
            strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
            for form, text in enumerate(strings):
                messages[(prefix + message.id[0], form)] = Particled.of(str(text))
        else:
            messages[prefix + message.id] = Particled.of(str(message.string))
    expression = catalog.plural_expr.strip("() ")
    plural = _one_form if expression == "0" else gettext.c2py(catalog.plural_expr)
    return Table(messages, plural, str(catalog.locale) if catalog.locale else lang.replace("-", "_"))


def _one_form(count: int) -> int:
    """Korean (and any language with one plural form): every count takes form 0."""
    return 0


@functools.cache
def texts(lang: Language) -> Texts:
    """The messages of one language (loaded once), without the show pack's texts."""
    return Texts(lang, _catalogue(lang))


def english() -> Texts:
    return texts(SOURCE)


@functools.cache
def _cldr_locale(name: str) -> Any:
    """Babel's locale for ``name``; for one CLDR lacks (a pseudo-locale), its base language's, else English's."""
    from babel import Locale, UnknownLocaleError

    for candidate in (name, name.split("_")[0], SOURCE_CLDR):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("CLDR has no English")  # pragma: no cover


def load_all() -> None:
    """Load every catalogue now (start-up): a missing one fails here, not at a member's first answer."""
    for lang in languages():
        texts(lang)


#: ``Wednesdays`` / ``매주 수요일`` (a message each: how a language says "every Wednesday" is not in CLDR).
_WEEKLY: Final = (
    ctx_msg("weekly", "Mondays"),
    ctx_msg("weekly", "Tuesdays"),
    ctx_msg("weekly", "Wednesdays"),
    ctx_msg("weekly", "Thursdays"),
    ctx_msg("weekly", "Fridays"),
    ctx_msg("weekly", "Saturdays"),
    ctx_msg("weekly", "Sundays"),
)
