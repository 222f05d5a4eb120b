"""IANA time zones for members: resolve what they type to a zone, and rank zones for autocomplete.

Members may type an IANA name in any case ("asia/seoul"), a city in English or Korean ("new york", "são paulo",
"서울", "뉴욕"), a well-known city that is not a zone ("busan", "부산", "mumbai") or a country with a single zone
("japan", "일본"). Fixed offsets ("UTC+9") and legacy names ("EST5EDT", "Etc/GMT+5", "US/Eastern") are refused
with a suggestion: they either hide daylight-saving rules or mean something other than what they seem.

**Abbreviations** follow one policy, here and in typed times ("friday 8pm KST", see ``timeparse``): one that
names a single region on a single offset all year ("KST", "JST") is read as that region; one that can mean
several regions ("CST", "IST", "GMT") or that is only right half the year ("EST", "CET") is refused with the
zones to use instead.

City and country names (English and Korean) and abbreviations come from CLDR, which Babel ships; the zone list
from ``zoneinfo.available_timezones()`` plus the ``zone.tab``/``zone1970.tab`` and ``tzdata.zi`` tables the
``tzdata`` package ships (which zones are current, the country of each zone, where legacy names point). Only
what CLDR lacks is kept by hand, as data in ``zones.toml`` (read once, checked, frozen): cities that
are not zones, popular zones for ranking, a few abbreviations. Everything is read and cached at first use.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import tomli
from babel import Locale
from babel.core import get_global
from babel.localedata import locale_identifiers
from msgspec import Struct

from bot.errors import UserError
from bot.locale import SOURCE, SOURCE_CLDR, Msg, OneOf, Texts, languages, msg, texts

DATA_FILE = "zones.toml"


class ZoneDataError(ValueError):
    """``zones.toml`` is missing, not TOML, or has an entry the code cannot use."""


class _ZoneData(Struct, frozen=True):
    """What CLDR and tzdata lack, kept by hand in ``zones.toml``: read once, checked, frozen."""

    popular: tuple[str, ...]  # best first
    well_known: tuple[str, ...]
    regions: frozenset[str]
    utc_names: frozenset[str]
    abbreviations: Mapping[str, tuple[str, ...]]  # abbreviation -> the metazones it is used for
    daylight: frozenset[str]  # of the abbreviations, those that name summer time
    offset_examples: Mapping[int, tuple[str, ...]]  # UTC offset in minutes -> zones to suggest
    posix_names: Mapping[str, str]
    city_aliases: Mapping[str, str]
    country_aliases: Mapping[str, str]  # name -> ISO country code


_ZONE_NAME = re.compile(r"^(?:UTC|[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_+-]+){1,2})$")
_ABBREVIATION = re.compile(r"^[A-Z]{2,5}$")
_METAZONE = re.compile(r"^[A-Z][A-Za-z_]+$")
_OFFSET_KEY = re.compile(r"^([+-])(\d{2}):([0-5]\d)$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _zone_data(file: str, text: str) -> _ZoneData:
    """The zone data from ``text`` (the contents of ``file``); :class:`ZoneDataError` names the file and key."""

    def fail(key: str, problem: str) -> NoReturn:
        raise ZoneDataError(f"{file}: {key}: {problem}")

    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise ZoneDataError(f"{file}: not valid TOML: {error}") from None

    def get(key: str, kind: type) -> Any:
        if key not in data:
            fail(key, "is missing")
        if not isinstance(data[key], kind) or not data[key]:
            fail(key, f"must be a non-empty {'list' if kind is list else 'table'}")
        return data[key]

    def names(key: str, value: object, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            fail(key, f"must be a non-empty list of {what}")
        for item in value:
            if not isinstance(item, str) or not pattern.match(item):
                fail(key, f"{item!r} is not {what}")
        return tuple(value)

    def text_key(key: str, name: str) -> str:
        if not name or name != name.strip() or name.lower() != name:
            fail(key, f"{name!r} must be in lower case, without spaces around it")
        return name

    known = {"popular", "well_known", "regions", "utc_names", "abbreviations", "offset_examples", "posix_names",
             "city_aliases", "country_aliases"}  # fmt: skip
    for key in data:
        if key not in known:
            fail(key, "is not a known key")
    abbreviations: dict[str, tuple[str, ...]] = {}
    daylight = set()
    for name, entry in get("abbreviations", dict).items():
        where = f"abbreviations.{name}"
        if not _ABBREVIATION.match(name):
            fail(where, "must be 2 to 5 capital letters")
        if not isinstance(entry, dict) or set(entry) - {"metazones", "daylight"}:
            fail(where, "must be { metazones = [...] } with an optional daylight = true")
        abbreviations[name] = names(f"{where}.metazones", entry.get("metazones"), _METAZONE, "a CLDR metazone name")
        if entry.get("daylight", False) is True:
            daylight.add(name)
        elif entry.get("daylight", False) is not False:
            fail(f"{where}.daylight", "must be true or false")
    offsets: dict[int, tuple[str, ...]] = {}
    for key, zones in get("offset_examples", dict).items():
        found = _OFFSET_KEY.match(key)
        if found is None:
            fail(f"offset_examples.{key}", 'must be an offset like "+09:00" or "-05:00"')
        minutes = int(found[2]) * 60 + int(found[3])
        offsets[-minutes if found[1] == "-" else minutes] = names(
            f"offset_examples.{key}", zones, _ZONE_NAME, "an IANA zone name"
        )

    def zone_table(key: str, keys: Callable[[str, str], str]) -> Mapping[str, str]:
        table = {}
        for name, zone in get(key, dict).items():
            (table[keys(f"{key}.{name}", name)],) = names(f"{key}.{name}", [zone], _ZONE_NAME, "an IANA zone name")
        return MappingProxyType(table)

    countries = {}
    for name, code in get("country_aliases", dict).items():
        if not isinstance(code, str) or not _COUNTRY.match(code):
            fail(f"country_aliases.{name}", f"{code!r} is not a two-letter ISO country code")
        countries[text_key(f"country_aliases.{name}", name)] = code
    return _ZoneData(
        popular=names("popular", get("popular", list), _ZONE_NAME, "an IANA zone name"),
        well_known=names("well_known", get("well_known", list), _ZONE_NAME, "an IANA zone name"),
        regions=frozenset(names("regions", get("regions", list), _METAZONE, "a region (Asia)")),
        utc_names=frozenset(text_key("utc_names", name) for name in names(
            "utc_names", get("utc_names", list), re.compile(r"^[a-z/]+$"), "a lower-case name")),
        abbreviations=MappingProxyType(abbreviations),
        daylight=frozenset(daylight),
        offset_examples=MappingProxyType(offsets),
        posix_names=zone_table("posix_names", lambda key, name: name),
        city_aliases=zone_table("city_aliases", text_key),
        country_aliases=MappingProxyType(countries),
    )  # fmt: skip


@functools.cache
def _data() -> _ZoneData:
    """``zones.toml``, read and checked on first use (not at import)."""
    return _zone_data(DATA_FILE, resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8"))


# The data other modules and tests read by name, from zones.toml on first use (see __getattr__).
POPULAR_ZONES: tuple[str, ...]  # best first
CITY_ALIASES: Mapping[str, str]
EXTRA_ABBREVIATIONS: Mapping[str, tuple[str, ...]]
_LAZY = {"POPULAR_ZONES": "popular", "CITY_ALIASES": "city_aliases", "EXTRA_ABBREVIATIONS": "abbreviations"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(_data(), _LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_ETC_GMT = re.compile(r"^etc/gmt([+-])(\d{1,2})$", re.IGNORECASE)
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?([0-5]\d))?$", re.IGNORECASE)
_ABBREVIATION_LIKE = re.compile(r"^[A-Z]{2,4}T$")
_EXAMPLE = msg('Use a zone name like Asia/Seoul or America/New_York, or a city like "new york".')
_UNSET = "\u2205\u2205\u2205"  # CLDR's "no name here"


def normalize(text: str) -> str:
    """Lower case, accents dropped, everything but letters and digits turned into single spaces. Hangul is kept
    (decomposed into jamo, so "서우" is a prefix of "서울")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(w for w in re.split(r"[\W_]+", plain) if w)


def _city(zone: str) -> str:
    return normalize(zone.rsplit("/", 1)[-1])


def _rank(zone: str) -> int:
    order = _known_order()
    return order.get(zone, len(order))


@functools.lru_cache(maxsize=1)
def _known_order() -> dict[str, int]:
    return {zone: i for i, zone in enumerate((*_data().popular, *_data().well_known))}


def _tzdata_text(name: str) -> str:
    """A table the tzdata package ships, or "" when it is not there."""
    try:
        return resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return ""


def _rows(text: str) -> Iterable[list[str]]:
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


# -- CLDR (from Babel) ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _cldr(lang: str) -> Locale:
    return Locale.parse(lang)


def cldr_city(zone: str, lang: str) -> str | None:
    """The zone's city as CLDR names it in ``lang`` ("서울", "Ho Chi Minh City"); None where CLDR has none."""
    entry = _cldr(lang).time_zones.get(zone)
    city = entry.get("city") if entry is not None else None
    return str(city) if city else None


def zone_label(zone: str, lang: str) -> str:
    """What an autocomplete line shows for a zone: the IANA name, with CLDR's city name first for readers
    of another language than English (the source)."""
    if lang != SOURCE:
        city = cldr_city(zone, lang)
        if city:
            return f"{city} ({zone})"
    return zone


class _Index(Struct, frozen=True):
    available: dict[str, str]  # lower-cased name -> name, every zone zoneinfo knows
    primary: tuple[str, ...]  # current zones (zone.tab, zone1970.tab) and UTC, sorted
    primary_set: frozenset[str]
    links: dict[str, str]  # legacy or alias name -> the zone it points to
    keys: dict[str, tuple[str, ...]]  # normalized city, alias city or country -> primary zones, best first
    # zone, " " + city, full name, "\n"-framed extra keys (other names of the city, countries), rank
    search_rows: tuple[tuple[str, str, str, str, int], ...]
    fuzzy_keys: tuple[str, ...]
    fuzzy_zones: tuple[str, ...]


def _is_legacy(name: str) -> bool:
    parts = name.split("/")
    if len(parts) < 2 or parts[0] not in _data().regions:
        return True
    last = parts[-1]
    return last.isupper()  # Australia/ACT, Australia/NSW...


@functools.lru_cache(maxsize=1)
def _available() -> dict[str, str]:
    """Every zone zoneinfo knows, by its lower-cased name (no CLDR needed: what a full IANA name is checked against)."""
    names = {z for z in zoneinfo.available_timezones() if z not in {"localtime", "posixrules", "Factory"}}
    return {z.lower(): z for z in names}


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    available = _available()
    names = set(available.values())

    countries_of: dict[str, list[str]] = {}
    primary_set: set[str] = {"UTC"}
    for row in _rows(_tzdata_text("zone.tab")):
        if len(row) >= 3 and row[2] in names:
            primary_set.add(row[2])
            countries_of.setdefault(row[0], []).append(row[2])
    for row in _rows(_tzdata_text("zone1970.tab")):
        if len(row) >= 3 and row[2] in names:
            primary_set.add(row[2])
    if len(primary_set) == 1:  # no tables: every region-style zone counts as current
        primary_set |= {z for z in names if not _is_legacy(z)}
    primary = tuple(sorted(primary_set))

    links: dict[str, str] = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            fields = line.split()
            if len(fields) == 3:
                links[fields[2]] = fields[1]

    keys: dict[str, list[str]] = {}

    def add(key: str, zone: str) -> None:
        if key and zone in primary_set:
            bucket = keys.setdefault(key, [])
            if zone not in bucket:
                bucket.append(zone)

    extra: dict[str, list[str]] = {}

    def also(key: str, zone: str) -> None:
        add(key, zone)
        if key != _city(zone):
            extra.setdefault(zone, []).append(key)

    for zone in primary:
        add(_city(zone), zone)
    # Names in every language the bot speaks, as CLDR writes them for its locale: "ho chi minh city", "서울", "뉴욕".
    spoken = sorted({texts(lang).cldr for lang in languages()})
    for zone in primary:
        for lang in spoken:
            city = cldr_city(zone, lang)
            if city:
                also(normalize(city), zone)
    for name in sorted(names - primary_set):  # region aliases: "calcutta" finds Asia/Kolkata
        target = links.get(name)
        if target and not _is_legacy(name) and _city(name) not in keys:
            also(_city(name), target)
    for alias, zone in _data().city_aliases.items():
        also(normalize(alias), zone)

    country_names: dict[str, set[str]] = {}
    for lang in spoken:  # every country as CLDR names it
        for code, name in _cldr(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                for variant in (name, re.sub(r"\s*\(.*?\)", "", name), name.replace("&", "and")):
                    country_names.setdefault(normalize(variant), set()).add(code)
    for alias, code in _data().country_aliases.items():
        country_names[normalize(alias)] = {code}
    for key, codes in country_names.items():
        if key in keys:
            continue  # a city of that name wins ("singapore", "panama")
        for code in sorted(codes):
            for zone in countries_of.get(code, []):
                also(key, zone)

    ordered = {k: tuple(sorted(v, key=lambda z: (_rank(z), v.index(z)))) for k, v in keys.items()}

    rows = tuple(
        (zone, " " + _city(zone), normalize(zone), "\n" + "\n".join(extra.get(zone, ())) + "\n", _rank(zone))
        for zone in primary
    )
    fuzzy_keys: list[str] = []
    fuzzy_zones: list[str] = []
    for key, zones in ordered.items():
        fuzzy_keys.append(key)
        fuzzy_zones.append(zones[0])
    return _Index(
        available, primary, frozenset(primary_set), links, ordered, rows, tuple(fuzzy_keys), tuple(fuzzy_zones)
    )


# -- abbreviations: one policy for the zone option and for times typed with a zone ---------------------


class MetazoneName(Struct, frozen=True):
    """A region's time as CLDR names it in the reader's language ("Central Time", "미 중부 시간")."""

    metazone: str

    def render(self, tr: Texts) -> str:
        names = _cldr(tr.cldr).meta_zones.get(self.metazone) or _cldr(SOURCE_CLDR).meta_zones.get(self.metazone) or {}
        long = names.get("long", {})
        return str(long.get("generic") or long.get("standard") or self.metazone.replace("_", " "))


class Meaning(Struct, frozen=True):
    """One thing an abbreviation can mean: a region (its CLDR metazone and best zone) and the offset the
    abbreviation names there (``EST``: America/New_York, UTC-5; ``EDT``: UTC-4), or None for a name that is
    the region's clock whatever the season."""

    metazone: str
    zone: str
    offset: int | None


class Abbreviation(Struct, frozen=True):
    """What a zone abbreviation can mean. ``offset`` (minutes east of UTC) is set only when it is usable as a
    zone setting: one region, on one offset all year. Otherwise ``reason`` says why not and ``zones`` what to use
    instead. ``meanings`` is every region it names, with the offset it names there (typed times use them)."""

    name: str
    zones: tuple[str, ...]
    offset: int | None
    reason: Msg | None
    meanings: tuple[Meaning, ...] = ()

    @property
    def usable(self) -> bool:
        return self.offset is not None


def _metazone_zones(metazone: str) -> list[str]:
    primary = _index().primary_set
    found = [zone for zone, meta in get_global("meta_zones").items() if meta == metazone and zone in primary]
    return sorted(found, key=lambda z: (_rank(z), z))


def _offsets(zone: str, year: int) -> set[int]:
    tz = ZoneInfo(zone)
    found = set()
    for month in (1, 4, 7, 10):
        offset = dt.datetime(year, month, 15, 12, tzinfo=tz).utcoffset()
        found.add(int(offset.total_seconds() // 60) if offset is not None else 0)
    return found


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[str, Abbreviation]:
    meanings: dict[str, set[str]] = {}
    kinds: dict[tuple[str, str], set[str]] = {}  # (name, metazone) -> standard / daylight / generic
    for identifier in locale_identifiers():  # every English locale's short names: en_US's EST, en_IN's IST...
        if identifier != SOURCE_CLDR and not identifier.startswith(f"{SOURCE_CLDR}_"):
            continue
        for metazone, names in _cldr(identifier).meta_zones.items():
            for kind, short in names.get("short", {}).items():
                if short and short != _UNSET:
                    meanings.setdefault(str(short).upper(), set()).add(metazone)
                    kinds.setdefault((str(short).upper(), metazone), set()).add(str(kind))
    for name, extra in _data().abbreviations.items():
        meanings.setdefault(name, set()).update(extra)
        for metazone in extra:
            kinds.setdefault((name, metazone), set()).add("daylight" if name in _data().daylight else "standard")
    year = dt.datetime.now(dt.UTC).year
    table: dict[str, Abbreviation] = {}
    for name, metazones in meanings.items():
        if name in {"UTC", "GMT+", "UT"}:
            continue
        ordered = sorted(metazones, key=lambda m: (min((_rank(z) for z in _metazone_zones(m)), default=10**6), m))
        per_meaning = [_metazone_zones(m) for m in ordered]
        # The best zone of each meaning first, then the second best of each ("GMT": London, UTC, Dublin...).
        suggestions = [(["UTC"] if m == "GMT" else []) + zones for m, zones in zip(ordered, per_meaning, strict=True)]
        suggested: list[str] = []
        for rank in range(2):
            suggested += [zones[rank] for zones in suggestions if len(zones) > rank and zones[rank] not in suggested]
        if not suggested:
            continue
        offsets = {o for zones in per_meaning for zone in zones for o in _offsets(zone, year)}
        if len(ordered) > 1:
            reason: Msg | None = msg("it can mean {meanings}", meanings=OneOf([MetazoneName(m) for m in ordered]))
        elif len(offsets) > 1:
            reason = msg("it doesn't say whether daylight saving applies")
        else:
            reason = None
        named = []
        for metazone, zones in zip(ordered, per_meaning, strict=True):
            if not zones:
                continue
            seasons = _offsets(zones[0], year)
            kind = kinds.get((name, metazone), set())
            offset = min(seasons) if "standard" in kind else max(seasons) if "daylight" in kind else None
            named.append(Meaning(metazone, zones[0], offset))
        table[name] = Abbreviation(name, tuple(suggested[:4]), None if reason else offsets.pop(), reason, tuple(named))
    return table


def metazone_of(zone: str) -> str | None:
    """The CLDR metazone a zone belongs to ("America_Eastern" for America/New_York), or None."""
    found = get_global("meta_zones").get(zone)
    return str(found) if found else None


def abbreviation(text: str) -> Abbreviation | None:
    """The abbreviation ``text`` is ("kst", "EST"), or None. The same answer serves ``/timezone set zone:KST``
    (a usable one names its zone) and "friday 8pm KST" (it names its offset)."""
    key = text.strip().upper()
    if "/" in key:  # an IANA name ("Asia/Seoul", what the pickers give): never a short name, no CLDR tables to load
        return None
    return _abbreviations().get(key)


# -- reading a zone -------------------------------------------------------------------------------


def _join(zones: Iterable[str]) -> OneOf:
    return OneOf(list(zones))


def _offset_minutes(sign: str, hours: str, minutes: str | None) -> int:
    total = int(hours) * 60 + int(minutes or 0)
    return -total if sign == "-" else total


def _format_offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _refuse_legacy(name: str) -> UserError:
    if match := _ETC_GMT.match(name):
        minutes = -_offset_minutes(match[1], match[2], None)  # POSIX style: the sign is reversed
        if minutes == 0:
            return _refuse_abbreviation("GMT")
        examples = _data().offset_examples.get(minutes, ("Asia/Seoul", "America/New_York"))
        return UserError(
            '"{name}" is a legacy zone that means {offset} (its sign is reversed) and never follows daylight '
            "saving. Use a zone name like {zones}.",
            name=name,
            offset=_format_offset(minutes),
            zones=_join(examples),
        )
    if name.lower() in {"gmt0", "gmt+0", "gmt-0", "greenwich", "etc/greenwich", "etc/gmt0"}:
        return _refuse_abbreviation("GMT")
    target = _index().links.get(name) or _data().posix_names.get(name)
    if target and not _is_legacy(target):
        return UserError('"{name}" is an old-style zone name. Use {zone} instead.', name=name, zone=target)
    return UserError('"{name}" is an old-style zone name. {example}', name=name, example=_EXAMPLE)


def _refuse_abbreviation(name: str) -> UserError:
    found = abbreviation(name)
    if found is None or found.reason is None:  # pragma: no cover - only called for known, unusable ones
        return UserError('"{name}" looks like an abbreviation, not a time zone. {example}', name=name, example=_EXAMPLE)
    return UserError(
        '"{name}" is an abbreviation, not a time zone ({reason}). Use a zone name like {zones}.',
        name=name,
        reason=found.reason,
        zones=_join(found.zones),
    )


def resolve_zone(text: str) -> ZoneInfo:
    """The zone ``text`` names, or a UserError saying what to type instead.

    Accepts an IANA name in any case ("asia/seoul", "America/New_York", "UTC"), a city or its spaced form
    ("seoul", "new york", "sao paulo", "서울"), a well-known city in :data:`CITY_ALIASES`, a country with a single
    zone ("japan", "일본") and an abbreviation that names one region on one offset all year ("KST"). A current
    IANA alias typed in full ("Asia/Calcutta") is kept as typed.
    """
    raw = " ".join(text.split())
    if not raw:
        raise UserError("Tell me your time zone. {example}", example=_EXAMPLE)
    if len(raw) > 64:
        raise UserError("That is too long for a time zone. {example}", example=_EXAMPLE)
    found = abbreviation(raw)
    if found is not None:
        if found.usable:
            return ZoneInfo(found.zones[0])
        raise _refuse_abbreviation(found.name)

    lowered = raw.lower()
    if lowered in _data().utc_names:
        return ZoneInfo("UTC")
    available = _available()
    name = available.get(lowered) or available.get(re.sub(r"\s*/\s*", "/", lowered).replace(" ", "_"))
    if name is not None and not _is_legacy(name):
        return ZoneInfo(name)  # a current IANA name (what the pickers give): the city and country index is not needed
    index = _index()
    key = normalize(raw)
    zones = index.keys.get(key)
    if name is not None:
        if zones is not None and len(zones) == 1:
            return ZoneInfo(zones[0])  # "Japan", "Singapore": old zone names that are also a country or city
        raise _refuse_legacy(name)
    if lowered.startswith("etc/"):
        raise _refuse_legacy(raw)

    if match := _OFFSET.match(raw):
        minutes = _offset_minutes(match[1], match[2], match[3])
        examples = _data().offset_examples.get(minutes, ("Asia/Seoul", "America/New_York"))
        raise UserError(
            '"{text}" is a fixed offset, not a time zone (it never follows daylight saving). '
            "Use a zone name like {zones}.",
            text=raw,
            zones=_join(examples),
        )

    if zones is None:
        full = [zone for zone in index.primary if normalize(zone) == key]  # "asia seoul"
        zones = tuple(full) if full else None
    if zones is not None:
        if len(zones) == 1:
            return ZoneInfo(zones[0])
        raise UserError(
            '"{text}" has several time zones. Pick the one for your city, e.g. {zones}.',
            text=raw,
            zones=_join(zones[:4]),
        )

    if _ABBREVIATION_LIKE.match(raw):
        raise UserError('"{name}" looks like an abbreviation, not a time zone. {example}', name=raw, example=_EXAMPLE)
    guesses = search_zones(raw, 3)
    if guesses:
        raise UserError('I don\'t know the time zone "{text}". Did you mean {zones}?', text=raw, zones=_join(guesses))
    raise UserError('I don\'t know the time zone "{text}". {example}', text=raw, example=_EXAMPLE)


def search_zones(query: str, limit: int = 25) -> list[str]:
    """IANA names for autocomplete, best first.

    Ranks current zones by how the query matches the city (exact, prefix, a word's prefix), then other names of
    the city and countries ("서울", "busan", "korea", "대한민국"), then the full name ("asia/se"), then substrings,
    then close spellings ("seol"). An empty query lists :data:`POPULAR_ZONES`. Legacy, ``Etc/`` and abbreviation
    zones are never offered.
    """
    if limit <= 0:
        return []
    return list(_search(normalize(query), limit))


_FUZZY_CUTOFF = 80.0
_FUZZY_BELOW = 3  # close spellings are only offered when plain matching finds fewer zones than this


@functools.lru_cache(maxsize=2048)
def _search(query: str, limit: int) -> tuple[str, ...]:
    index = _index()
    if not query:
        return tuple(zone for zone in _data().popular if zone in index.primary_set)[:limit]
    scored: list[tuple[int, int, int, str]] = []
    spaced = " " + query
    framed = "\n" + query
    for zone, city, full, extra, rank in index.search_rows:
        # city is " seoul", extra is "\nbusan\nkorea\n서울\n": plain substring tests, no per-word loops.
        if city == spaced or full == query or framed + "\n" in extra:
            tier = 0
        elif city.startswith(spaced):
            tier = 1
        elif spaced in city:
            tier = 2  # a later word of the city: "york"
        elif framed in extra:
            tier = 3
        elif full.startswith(query):
            tier = 4
        elif query in city or query in full:
            tier = 5
        else:
            continue
        scored.append((tier, rank, len(zone), zone))
    scored.sort()
    found = [zone for *_, zone in scored[:limit]]
    if len(found) < _FUZZY_BELOW and len(query) >= 3:
        from rapidfuzz import fuzz, process  # at the first fuzzy search, not at every start

        seen = set(found)
        for _key, _score, i in process.extract(
            query, index.fuzzy_keys, scorer=fuzz.ratio, limit=limit, score_cutoff=_FUZZY_CUTOFF
        ):
            zone = index.fuzzy_zones[i]
            if zone not in seen and len(found) < limit:
                seen.add(zone)
                found.append(zone)
    return tuple(found)
