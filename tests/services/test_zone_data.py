"""The zone data kept by hand (``bot/services/zones.toml``): every zone it names is a real, current zone; a broken
file stops the bot with the file and the key named; the data cannot be changed once read."""

from __future__ import annotations

import re
import zoneinfo
from importlib import resources

import pytest

from bot.services import zones
from bot.services.zones import DATA_FILE, ZoneDataError, _zone_data


def shipped() -> str:
    return resources.files("bot.services").joinpath(DATA_FILE).read_text(encoding="utf-8")


def with_change(old: str, new: str) -> str:
    text = shipped()
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_shipped_file_is_what_the_module_reads() -> None:
    data = _zone_data(DATA_FILE, shipped())
    assert data.popular == zones.POPULAR_ZONES
    assert data.city_aliases == zones.CITY_ALIASES
    assert data.abbreviations == zones.EXTRA_ABBREVIATIONS
    assert data.offset_examples[9 * 60] == ("Asia/Seoul", "Asia/Tokyo")
    assert data.offset_examples[-5 * 60] == ("America/New_York", "America/Toronto")
    assert data.offset_examples[5 * 60 + 30] == ("Asia/Kolkata",)
    assert "PHST" in data.daylight
    assert "KST" not in data.daylight


def test_every_zone_the_file_names_exists() -> None:
    data = _zone_data(DATA_FILE, shipped())
    named = [
        *data.popular,
        *data.well_known,
        *(zone for zones_ in data.offset_examples.values() for zone in zones_),
        *data.posix_names.values(),
        *data.city_aliases.values(),
    ]
    missing = sorted(set(named) - zoneinfo.available_timezones())
    assert not missing


def test_every_alias_in_the_file_resolves_to_its_zone() -> None:
    for alias, zone in zones.CITY_ALIASES.items():
        assert zones.resolve_zone(alias).key == zone, alias


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('KST = { metazones = ["Korea"] }', 'kst = { metazones = ["Korea"] }', "abbreviations.kst: must be 2 to 5"),
        ('KST = { metazones = ["Korea"] }', 'KST = { metazones = ["Korea"], daylight = "yes" }', "KST.daylight"),
        ('KST = { metazones = ["Korea"] }', "KST = { metazones = [] }", "abbreviations.KST.metazones: must be"),
        ('"+09:00" = [', '"+9" = [', 'offset_examples.+9: must be an offset like "+09:00"'),
        ('"busan" = "Asia/Seoul"', '"busan" = "Seoul"', "city_aliases.busan: 'Seoul' is not an IANA zone name"),
        ('"nyc" = "America/New_York"', '"NYC" = "America/New_York"', "city_aliases.NYC: 'NYC' must be in lower case"),
        ('"한국" = "KR"', '"한국" = "KOR"', "country_aliases.한국: 'KOR' is not a two-letter ISO country code"),
        ("[posix_names]", "[posix]", "posix: is not a known key"),
        (
            '"Asia/Seoul", "America/New_York", "America/Los_Angeles"',
            '"Asia/Seoul" "America/New_York"',
            "not valid TOML",
        ),
    ],
)
def test_a_broken_file_names_the_key(old: str, new: str, where: str) -> None:
    with pytest.raises(ZoneDataError, match=re.escape(f"{DATA_FILE}: ") + ".*" + re.escape(where)):
        _zone_data(DATA_FILE, with_change(old, new))


def test_the_data_is_frozen() -> None:
    with pytest.raises(TypeError):
        zones.CITY_ALIASES["gotham"] = "America/New_York"  # type: ignore[index]
    with pytest.raises(TypeError):
        zones.EXTRA_ABBREVIATIONS["XYZ"] = ("Korea",)  # type: ignore[index]
    assert isinstance(zones.POPULAR_ZONES, tuple)
