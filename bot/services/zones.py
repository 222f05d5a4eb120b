"""IANA time zones for members: resolve what they type to a zone, and rank zones for autocomplete.

Members may type an IANA name in any case ("asia/seoul"), a city ("new york", "são paulo"), a well-known
city that is not a zone name ("busan", "mumbai") or a country with a single zone ("japan"). Abbreviations
("EST", "KST"), fixed offsets ("UTC+9") and legacy names ("EST5EDT", "Etc/GMT+5", "US/Eastern") are refused
with a suggestion: they either hide daylight-saving rules or mean something other than what they seem.

The zone list is read once from ``zoneinfo.available_timezones()`` plus the ``zone.tab``/``zone1970.tab``,
``iso3166.tab`` and ``tzdata.zi`` tables the ``tzdata`` package ships (for which zones are current, the
country of each zone and where legacy names point). Everything is cached at first use.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.errors import UserError

# Zones fans of the show most often live in, best first: the empty autocomplete and tie-breaks use it.
POPULAR_ZONES: tuple[str, ...] = (
    "Asia/Seoul",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Paris",
    "Asia/Manila",
    "Asia/Jakarta",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Chicago",
    "Europe/Berlin",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Kuala_Lumpur",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "America/Toronto",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Europe/Madrid",
    "Europe/Istanbul",
    "UTC",
)

# Further zones that rank ahead of the rest of their country when several match.
_WELL_KNOWN: tuple[str, ...] = (
    "America/Denver",
    "America/Phoenix",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Vancouver",
    "America/Edmonton",
    "America/Winnipeg",
    "America/Halifax",
    "Australia/Melbourne",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Europe/Moscow",
    "America/Argentina/Buenos_Aires",
    "America/Manaus",
    "America/Tijuana",
    "America/Cancun",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Lisbon",
    "Asia/Dubai",
    "Africa/Cairo",
    "Africa/Lagos",
    "Africa/Johannesburg",
)

_DST = "it doesn't say whether daylight saving applies"

# Abbreviation -> (zones to suggest, why the abbreviation is not enough or None).
ABBREVIATIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "EST": (("America/New_York", "America/Toronto"), _DST),
    "EDT": (("America/New_York", "America/Toronto"), _DST),
    "ET": (("America/New_York", "America/Toronto"), _DST),
    "CST": (("America/Chicago", "Asia/Shanghai"), "it can mean US Central or China time"),
    "CDT": (("America/Chicago", "America/Winnipeg"), _DST),
    "CT": (("America/Chicago", "America/Winnipeg"), _DST),
    "MST": (("America/Denver", "America/Phoenix"), _DST),
    "MDT": (("America/Denver", "America/Edmonton"), _DST),
    "MT": (("America/Denver", "America/Phoenix"), _DST),
    "PST": (("America/Los_Angeles", "Asia/Manila"), "it can mean US Pacific or Philippine time"),
    "PDT": (("America/Los_Angeles", "America/Vancouver"), _DST),
    "PT": (("America/Los_Angeles", "America/Vancouver"), _DST),
    "AKST": (("America/Anchorage",), _DST),
    "AKDT": (("America/Anchorage",), _DST),
    "HST": (("Pacific/Honolulu",), None),
    "AST": (("America/Halifax", "Asia/Riyadh"), "it can mean Atlantic or Arabia time"),
    "ADT": (("America/Halifax",), _DST),
    "NST": (("America/St_Johns",), _DST),
    "NDT": (("America/St_Johns",), _DST),
    "GMT": (("Europe/London", "UTC"), "UK clocks switch to BST in summer"),
    "BST": (("Europe/London",), "it is only the summer half of UK time"),
    "UK": (("Europe/London",), None),
    "IST": (("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"), "it can mean India, Ireland or Israel"),
    "WET": (("Europe/Lisbon",), _DST),
    "WEST": (("Europe/Lisbon",), _DST),
    "CET": (("Europe/Paris", "Europe/Berlin"), _DST),
    "CEST": (("Europe/Paris", "Europe/Berlin"), _DST),
    "MET": (("Europe/Paris", "Europe/Berlin"), _DST),
    "MEST": (("Europe/Paris", "Europe/Berlin"), _DST),
    "EET": (("Europe/Athens", "Europe/Helsinki"), _DST),
    "EEST": (("Europe/Athens", "Europe/Helsinki"), _DST),
    "MSK": (("Europe/Moscow",), None),
    "TRT": (("Europe/Istanbul",), None),
    "SAST": (("Africa/Johannesburg",), None),
    "WAT": (("Africa/Lagos",), None),
    "CAT": (("Africa/Maputo",), None),
    "EAT": (("Africa/Nairobi",), None),
    "GST": (("Asia/Dubai",), None),
    "PKT": (("Asia/Karachi",), None),
    "KST": (("Asia/Seoul",), None),
    "JST": (("Asia/Tokyo",), None),
    "HKT": (("Asia/Hong_Kong",), None),
    "SGT": (("Asia/Singapore",), None),
    "PHT": (("Asia/Manila",), None),
    "PHST": (("Asia/Manila",), None),
    "MYT": (("Asia/Kuala_Lumpur",), None),
    "WIB": (("Asia/Jakarta",), None),
    "WITA": (("Asia/Makassar",), None),
    "WIT": (("Asia/Jayapura",), None),
    "ICT": (("Asia/Bangkok", "Asia/Ho_Chi_Minh"), None),
    "AEST": (("Australia/Sydney", "Australia/Brisbane"), _DST),
    "AEDT": (("Australia/Sydney", "Australia/Melbourne"), _DST),
    "AET": (("Australia/Sydney", "Australia/Brisbane"), _DST),
    "ACST": (("Australia/Adelaide", "Australia/Darwin"), _DST),
    "ACDT": (("Australia/Adelaide",), _DST),
    "AWST": (("Australia/Perth",), None),
    "NZST": (("Pacific/Auckland",), _DST),
    "NZDT": (("Pacific/Auckland",), _DST),
    "BRT": (("America/Sao_Paulo",), None),
    "ART": (("America/Argentina/Buenos_Aires",), None),
    "CLT": (("America/Santiago",), _DST),
    "CLST": (("America/Santiago",), _DST),
}

# Example zones for a fixed UTC offset in minutes (standard time), to suggest instead of "UTC+9" or Etc/GMT-9.
_BY_OFFSET: dict[int, tuple[str, ...]] = {
    -600: ("Pacific/Honolulu",),
    -540: ("America/Anchorage",),
    -480: ("America/Los_Angeles", "America/Vancouver"),
    -420: ("America/Denver", "America/Phoenix"),
    -360: ("America/Chicago", "America/Mexico_City"),
    -300: ("America/New_York", "America/Toronto"),
    -240: ("America/Halifax", "America/New_York"),
    -180: ("America/Sao_Paulo", "America/Argentina/Buenos_Aires"),
    0: ("Europe/London", "UTC"),
    60: ("Europe/Paris", "Europe/Berlin"),
    120: ("Europe/Athens", "Africa/Cairo"),
    180: ("Europe/Moscow", "Europe/Istanbul"),
    240: ("Asia/Dubai",),
    300: ("Asia/Karachi",),
    330: ("Asia/Kolkata",),
    420: ("Asia/Jakarta", "Asia/Bangkok"),
    480: ("Asia/Manila", "Asia/Singapore"),
    540: ("Asia/Seoul", "Asia/Tokyo"),
    600: ("Australia/Sydney", "Australia/Brisbane"),
    720: ("Pacific/Auckland",),
}

# Legacy POSIX-style names that are zones, not links, in recent tzdata.
_POSIX_NAMES: dict[str, str] = {
    "EST5EDT": "America/New_York",
    "CST6CDT": "America/Chicago",
    "MST7MDT": "America/Denver",
    "PST8PDT": "America/Los_Angeles",
}

# Cities members name that are not zone names themselves.
CITY_ALIASES: dict[str, str] = {
    "nyc": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "boston": "America/New_York",
    "philadelphia": "America/New_York",
    "atlanta": "America/New_York",
    "miami": "America/New_York",
    "orlando": "America/New_York",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "san antonio": "America/Chicago",
    "minneapolis": "America/Chicago",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "san jose": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "salt lake city": "America/Denver",
    "calgary": "America/Edmonton",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "busan": "Asia/Seoul",
    "incheon": "Asia/Seoul",
    "daegu": "Asia/Seoul",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "mumbai": "Asia/Kolkata",
    "bombay": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "chennai": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "hanoi": "Asia/Ho_Chi_Minh",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "quezon city": "Asia/Manila",
    "cebu": "Asia/Manila",
    "davao": "Asia/Manila",
    "surabaya": "Asia/Jakarta",
    "bandung": "Asia/Jakarta",
    "bali": "Asia/Makassar",
    "denpasar": "Asia/Makassar",
    "penang": "Asia/Kuala_Lumpur",
    "abu dhabi": "Asia/Dubai",
    "barcelona": "Europe/Madrid",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "milan": "Europe/Rome",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "glasgow": "Europe/London",
    "birmingham": "Europe/London",
    "canberra": "Australia/Sydney",
    "gold coast": "Australia/Brisbane",
    "wellington": "Pacific/Auckland",
}

# Country names members use that differ from iso3166.tab's, as ISO codes.
_COUNTRY_ALIASES: dict[str, str] = {
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "usa": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "uae": "AE",
    "emirates": "AE",
    "czechia": "CZ",
    "turkiye": "TR",
    "burma": "MM",
    "holland": "NL",
    "viet nam": "VN",
    "hongkong": "HK",
    "macao": "MO",
    "ivory coast": "CI",
    "timor leste": "TL",
}

_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)
_UTC_NAMES = frozenset({"utc", "etc/utc", "etc/uct", "uct", "etc/universal", "universal", "etc/zulu", "zulu"})
_ETC_GMT = re.compile(r"^etc/gmt([+-])(\d{1,2})$", re.IGNORECASE)
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?([0-5]\d))?$", re.IGNORECASE)
_ABBREVIATION_LIKE = re.compile(r"^[A-Z]{2,4}T$")
_EXAMPLE = 'Use a zone name like Asia/Seoul or America/New_York, or a city like "new york".'


def normalize(text: str) -> str:
    """Lower case, accents dropped, everything but letters and digits turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.split(r"[^0-9a-z]+", plain)).strip()


def _city(zone: str) -> str:
    return normalize(zone.rsplit("/", 1)[-1])


def _rank(zone: str) -> int:
    order = _known_order()
    return order.get(zone, len(order))


@functools.lru_cache(maxsize=1)
def _known_order() -> dict[str, int]:
    return {zone: i for i, zone in enumerate((*POPULAR_ZONES, *_WELL_KNOWN))}


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


@dataclass(frozen=True, slots=True)
class _Index:
    available: dict[str, str]  # lower-cased name -> name, every zone zoneinfo knows
    primary: tuple[str, ...]  # current zones (zone.tab, zone1970.tab) and UTC, sorted
    primary_set: frozenset[str]
    links: dict[str, str]  # legacy or alias name -> the zone it points to
    keys: dict[str, tuple[str, ...]]  # normalized city, alias city or country -> primary zones, best first
    # zone, " " + city, full name, "\n"-framed extra keys (alias cities, countries), rank
    search_rows: tuple[tuple[str, str, str, str, int], ...]
    fuzzy_keys: tuple[str, ...]
    fuzzy_zones: tuple[str, ...]


def _is_legacy(name: str) -> bool:
    parts = name.split("/")
    if len(parts) < 2 or parts[0] not in _REGIONS:
        return True
    last = parts[-1]
    return last.isupper()  # Australia/ACT, Australia/NSW...


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    names = {z for z in zoneinfo.available_timezones() if z not in {"localtime", "posixrules", "Factory"}}
    available = {z.lower(): z for z in names}

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

    for zone in primary:
        add(_city(zone), zone)
    extra: dict[str, list[str]] = {}
    for name in sorted(names - primary_set):  # region aliases: "calcutta" finds Asia/Kolkata
        target = links.get(name)
        if target and not _is_legacy(name) and _city(name) not in keys:
            add(_city(name), target)
            extra.setdefault(target, []).append(_city(name))
    for alias, zone in CITY_ALIASES.items():
        add(alias, zone)
        extra.setdefault(zone, []).append(alias)

    country_names: dict[str, set[str]] = {}
    for row in _rows(_tzdata_text("iso3166.tab")):
        if len(row) >= 2:
            code, name = row[0], row[1]
            for variant in (name, re.sub(r"\s*\(.*?\)", "", name), name.replace("&", "and")):
                country_names.setdefault(normalize(variant), set()).add(code)
    for alias, code in _COUNTRY_ALIASES.items():
        country_names[alias] = {code}
    for key, codes in country_names.items():
        if key in keys:
            continue  # a city of that name wins ("singapore", "panama")
        for code in sorted(codes):
            for zone in countries_of.get(code, []):
                add(key, zone)
                extra.setdefault(zone, []).append(key)

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


def _join(zones: Iterable[str]) -> str:
    items = list(zones)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


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
        examples = _BY_OFFSET.get(minutes, ("Asia/Seoul", "America/New_York"))
        return UserError(
            f'"{name}" is a legacy zone that means {_format_offset(minutes)} (its sign is reversed) and never '
            f"follows daylight saving. Use a zone name like {_join(examples)}."
        )
    if name.lower() in {"gmt0", "gmt+0", "gmt-0", "greenwich", "etc/greenwich", "etc/gmt0"}:
        return _refuse_abbreviation("GMT")
    target = _index().links.get(name) or _POSIX_NAMES.get(name)
    if target and not _is_legacy(target):
        return UserError(f'"{name}" is an old-style zone name. Use {target} instead.')
    return UserError(f'"{name}" is an old-style zone name. {_EXAMPLE}')


def _refuse_abbreviation(abbreviation: str) -> UserError:
    zones, reason = ABBREVIATIONS[abbreviation]
    why = f" ({reason})" if reason else ""
    return UserError(f'"{abbreviation}" is an abbreviation, not a time zone{why}. Use a zone name like {_join(zones)}.')


def resolve_zone(text: str) -> ZoneInfo:
    """The zone ``text`` names, or a UserError saying what to type instead.

    Accepts an IANA name in any case ("asia/seoul", "America/New_York", "UTC"), a city or its spaced form
    ("seoul", "new york", "sao paulo"), a well-known city in :data:`CITY_ALIASES` and a country with a single
    zone ("japan"). A current IANA alias typed in full ("Asia/Calcutta") is kept as typed.
    """
    raw = " ".join(text.split())
    if not raw:
        raise UserError(f"Tell me your time zone. {_EXAMPLE}")
    if len(raw) > 64:
        raise UserError(f"That is too long for a time zone. {_EXAMPLE}")
    index = _index()

    upper = raw.upper()
    if upper in ABBREVIATIONS:
        raise _refuse_abbreviation(upper)

    lowered = raw.lower()
    if lowered in _UTC_NAMES:
        return ZoneInfo("UTC")
    name = index.available.get(lowered) or index.available.get(re.sub(r"\s*/\s*", "/", lowered).replace(" ", "_"))
    if name is not None and not _is_legacy(name):
        return ZoneInfo(name)
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
        examples = _BY_OFFSET.get(minutes, ("Asia/Seoul", "America/New_York"))
        raise UserError(
            f'"{raw}" is a fixed offset, not a time zone (it never follows daylight saving). '
            f"Use a zone name like {_join(examples)}."
        )

    if zones is None:
        full = [zone for zone in index.primary if normalize(zone) == key]  # "asia seoul"
        zones = tuple(full) if full else None
    if zones is not None:
        if len(zones) == 1:
            return ZoneInfo(zones[0])
        raise UserError(f'"{raw}" has several time zones. Pick the one for your city, e.g. {_join(zones[:4])}.')

    if _ABBREVIATION_LIKE.match(raw):
        raise UserError(f'"{raw}" looks like an abbreviation, not a time zone. {_EXAMPLE}')
    guesses = search_zones(raw, 3)
    if guesses:
        raise UserError(f'I don\'t know the time zone "{raw}". Did you mean {_join(guesses)}?')
    raise UserError(f'I don\'t know the time zone "{raw}". {_EXAMPLE}')


def search_zones(query: str, limit: int = 25) -> list[str]:
    """IANA names for autocomplete, best first.

    Ranks current zones by how the query matches the city (exact, prefix, a word's prefix), then well-known
    cities and countries ("busan", "korea"), then the full name ("asia/se"), then substrings, then close
    spellings ("seol"). An empty query lists :data:`POPULAR_ZONES`. Legacy, ``Etc/`` and abbreviation
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
        return tuple(zone for zone in POPULAR_ZONES if zone in index.primary_set)[:limit]
    scored: list[tuple[int, int, int, str]] = []
    spaced = " " + query
    framed = "\n" + query
    for zone, city, full, extra, rank in index.search_rows:
        # city is " seoul", extra is "\nbusan\nkorea\n": plain substring tests, no per-word loops.
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
        seen = set(found)
        for _key, _score, i in process.extract(
            query, index.fuzzy_keys, scorer=fuzz.ratio, limit=limit, score_cutoff=_FUZZY_CUTOFF
        ):
            zone = index.fuzzy_zones[i]
            if zone not in seen and len(found) < limit:
                seen.add(zone)
                found.append(zone)
    return tuple(found)
