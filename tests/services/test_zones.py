import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.services import zones
from bot.services.zones import POPULAR_ZONES, resolve_zone, search_zones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("asia/seoul", "Asia/Seoul"),
        ("Asia/Seoul", "Asia/Seoul"),
        ("ASIA/SEOUL", "Asia/Seoul"),
        ("America/New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Etc/UTC", "UTC"),
        ("Europe/london", "Europe/London"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Calcutta", "Asia/Calcutta"),  # a current alias typed in full is kept
        ("  Asia/Tokyo  ", "Asia/Tokyo"),
    ],
)
def test_iana_names_in_any_case(text, expected):
    zone = resolve_zone(text)
    assert isinstance(zone, ZoneInfo)
    assert zone.key == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seoul", "Asia/Seoul"),
        ("Seoul", "Asia/Seoul"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("Los Angeles", "America/Los_Angeles"),
        ("são paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("SAO PAULO", "America/Sao_Paulo"),
        ("kolkata", "Asia/Kolkata"),
        ("calcutta", "Asia/Kolkata"),  # an old spelling finds the current zone
        ("kiev", "Europe/Kyiv"),
        ("manila", "Asia/Manila"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("asia seoul", "Asia/Seoul"),
        # well-known cities that are not zone names
        ("busan", "Asia/Seoul"),
        ("San Francisco", "America/Los_Angeles"),
        ("mumbai", "Asia/Kolkata"),
        ("la", "America/Los_Angeles"),
        # countries with one zone, including ones that are also legacy zone names
        ("japan", "Asia/Tokyo"),
        ("Japan", "Asia/Tokyo"),
        ("korea", "Asia/Seoul"),
        ("South Korea", "Asia/Seoul"),
        ("philippines", "Asia/Manila"),
        ("singapore", "Asia/Singapore"),
        ("Egypt", "Africa/Cairo"),
    ],
)
def test_cities_and_countries(text, expected):
    assert resolve_zone(text).key == expected


@pytest.mark.parametrize(
    ("name", "january", "july"),
    [
        ("America/New_York", -5, -4),
        ("america/los_angeles", -8, -7),
        ("Europe/London", 0, 1),
        ("europe/paris", 1, 2),
        ("Australia/Sydney", 11, 10),
        ("Asia/Seoul", 9, 9),
    ],
)
def test_zones_keep_their_daylight_saving_rules(name, january, july):
    zone = resolve_zone(name)
    winter = dt.datetime(2027, 1, 15, 12, tzinfo=zone).utcoffset()
    summer = dt.datetime(2027, 7, 15, 12, tzinfo=zone).utcoffset()
    assert winter == dt.timedelta(hours=january)
    assert summer == dt.timedelta(hours=july)


def test_est_is_refused_with_the_exact_suggestion():
    with pytest.raises(UserError) as caught:
        resolve_zone("EST")
    assert str(caught.value) == (
        '"EST" is an abbreviation, not a time zone (it doesn\'t say whether daylight saving applies). '
        "Use a zone name like America/New_York or America/Toronto."
    )


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("EST", ["America/New_York"]),
        ("est", ["America/New_York"]),
        ("EDT", ["America/New_York"]),
        ("PST", ["America/Los_Angeles", "Asia/Manila"]),
        ("PDT", ["America/Los_Angeles"]),
        ("CST", ["America/Chicago", "Asia/Shanghai"]),
        ("CET", ["Europe/Paris", "Europe/Berlin"]),
        ("CEST", ["Europe/Paris"]),
        ("BST", ["Europe/London"]),
        ("GMT", ["Europe/London", "UTC"]),
        ("IST", ["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
        ("AEST", ["Australia/Sydney"]),
    ],
)
def test_abbreviations_are_refused_with_real_zones(text, suggested):
    with pytest.raises(UserError, match="is an abbreviation, not a time zone") as caught:
        resolve_zone(text)
    for zone in suggested:
        assert zone in str(caught.value)
        ZoneInfo(zone)  # every suggestion is a real zone


@pytest.mark.parametrize(
    ("text", "zone"),
    [("KST", "Asia/Seoul"), ("kst", "Asia/Seoul"), ("JST", "Asia/Tokyo"), ("WIB", "Asia/Jakarta"),
     ("PHT", "Asia/Manila"), ("SGT", "Asia/Singapore"), ("HKT", "Asia/Hong_Kong")],
)  # fmt: skip
def test_an_abbreviation_for_one_region_on_one_offset_names_that_zone(text, zone):
    """One policy with typed times ("friday 8pm KST"): an abbreviation that means one offset all year in one
    region is read as that region; the option then holds its IANA zone."""
    assert resolve_zone(text).key == zone


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("EST", "it doesn't say whether daylight saving applies"),
        ("CET", "it doesn't say whether daylight saving applies"),
        ("CST", "it can mean Central Time or China Time"),
        ("IST", "it can mean India Standard Time, Irish Time or Israel Time"),
        ("GMT", "it can mean British Time, Greenwich Mean Time or Irish Time"),
        ("PST", "it can mean Pacific Time or Philippine Time"),
    ],
)
def test_an_unusable_abbreviation_says_why_from_cldr(text, reason):
    with pytest.raises(UserError) as caught:
        resolve_zone(text)
    assert reason in str(caught.value)


def test_the_abbreviation_policy_is_the_same_for_the_option_and_typed_times():
    import datetime as dt

    from bot.services.timeparse import parse_when, preview

    now = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
    for name, found in zones._abbreviations().items():
        if name == "AT" or not name.isascii():
            continue  # "at" is a word of the grammar ("friday at 8pm"); CLDR also lists Deseret-script names
        typed = f"friday 8pm {name}"
        if found.usable:
            assert resolve_zone(name).key == found.zones[0]
            assert parse_when(typed, ZoneInfo("UTC"), now).astimezone(ZoneInfo(found.zones[0])).hour == 20, name
        else:  # never a zone setting; in a typed time, one of its meanings, or asked with offsets that parse
            with pytest.raises(UserError):
                resolve_zone(name)
            shown = preview(typed, ZoneInfo("UTC"), now)
            if shown.instant is not None:
                assert any(shown.instant.astimezone(ZoneInfo(m.zone)).hour == 20 for m in found.meanings), name
            else:
                assert shown.refusal is not None
                assert shown.refusal.suggestions, name
                for suggestion in shown.refusal.suggestions:
                    parse_when(suggestion, ZoneInfo("UTC"), now)


def test_every_suggested_zone_exists():
    for found in zones._abbreviations().values():
        for name in found.zones:
            assert resolve_zone(name).key == name
    for name in (*POPULAR_ZONES, *zones.CITY_ALIASES.values()):
        assert resolve_zone(name).key == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EST5EDT", ["America/New_York"]),
        ("PST8PDT", ["America/Los_Angeles"]),
        ("Etc/GMT+5", ["UTC-5", "sign is reversed", "America/New_York"]),
        ("etc/gmt-9", ["UTC+9", "Asia/Seoul"]),
        ("US/Eastern", ["America/New_York"]),
        ("ROK", ["Asia/Seoul"]),
        ("Australia/NSW", ["Australia/Sydney"]),
        ("GMT0", ["Europe/London"]),
    ],
)
def test_legacy_zones_are_refused_with_a_suggestion(text, expected):
    with pytest.raises(UserError) as caught:
        resolve_zone(text)
    for part in expected:
        assert part in str(caught.value)


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("UTC+9", "Asia/Seoul"),
        ("GMT-5", "America/New_York"),  # what members mean by it, unlike Etc/GMT-5
        ("+05:30", "Asia/Kolkata"),
        ("utc+8", "Asia/Manila"),
    ],
)
def test_fixed_offsets_are_refused(text, suggested):
    with pytest.raises(UserError, match="fixed offset") as caught:
        resolve_zone(text)
    assert suggested in str(caught.value)


@pytest.mark.parametrize(("text", "listed"), [("usa", "America/New_York"), ("australia", "Australia/Sydney")])
def test_countries_with_several_zones_ask_for_a_city(text, listed):
    with pytest.raises(UserError, match="several time zones") as caught:
        resolve_zone(text)
    assert listed in str(caught.value)


def test_unknown_input_gives_an_example():
    with pytest.raises(UserError) as caught:
        resolve_zone("blorp")
    message = str(caught.value)
    assert '"blorp"' in message
    assert "Asia/Seoul" in message


def test_a_typo_suggests_the_zone():
    with pytest.raises(UserError, match="Did you mean Asia/Seoul"):
        resolve_zone("seol")


@pytest.mark.parametrize("text", ["", "   ", "x" * 200, "AZOT"])
def test_other_bad_input_is_a_user_error(text):
    with pytest.raises(UserError, match=r"Asia/Seoul|America/New_York"):
        resolve_zone(text)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("seoul", "Asia/Seoul"),
        ("Seoul", "Asia/Seoul"),
        ("seo", "Asia/Seoul"),
        ("new", "America/New_York"),
        ("new y", "America/New_York"),
        ("york", "America/New_York"),
        ("kolkata", "Asia/Kolkata"),
        ("calcutta", "Asia/Kolkata"),
        ("seol", "Asia/Seoul"),  # close spelling
        ("los angelas", "America/Los_Angeles"),
        ("Asia/Se", "Asia/Seoul"),
        ("korea", "Asia/Seoul"),
        ("busan", "Asia/Seoul"),
        ("sao", "America/Sao_Paulo"),
        ("são", "America/Sao_Paulo"),
        ("lond", "Europe/London"),
        ("la", "America/Los_Angeles"),
    ],
)
def test_search_ranks_the_best_match_first(query, first):
    assert search_zones(query)[0] == first


def test_new_finds_new_york_near_the_top():
    assert "America/New_York" in search_zones("new")[:3]


def test_empty_query_lists_popular_fan_zones_first():
    got = search_zones("")
    assert got[:10] == [
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
    ]
    assert search_zones("   ") == got


def test_search_respects_the_limit():
    assert len(search_zones("a", limit=25)) == 25
    assert len(search_zones("a", limit=5)) == 5
    assert search_zones("a", limit=0) == []
    assert len(search_zones("")) <= 25


def test_nothing_found_is_an_empty_list():
    assert search_zones("xyzzyq") == []


@pytest.mark.parametrize("query", ["", "gmt", "etc", "est", "us", "e", "a", "u", "nsw", "act", "zulu"])
def test_search_never_offers_legacy_zones(query):
    for name in search_zones(query, limit=100):
        assert not name.startswith("Etc/")
        assert name == "UTC" or name.split("/")[0] in {
            "Africa",
            "America",
            "Antarctica",
            "Arctic",
            "Asia",
            "Atlantic",
            "Australia",
            "Europe",
            "Indian",
            "Pacific",
        }
        assert name == "UTC" or not name.rsplit("/", 1)[-1].isupper()


def test_every_offered_zone_is_accepted_as_is():
    offered = {name for letter in "abcdefghijklmnopqrstuvwxyz" for name in search_zones(letter, limit=1000)}
    assert len(offered) > 300
    for name in offered:
        assert resolve_zone(name).key == name


# -- Korean and English city names from CLDR ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("서울", "Asia/Seoul"),
        ("서", "Asia/Seoul"),  # a first syllable is enough
        ("뉴욕", "America/New_York"),
        ("뉴", "America/New_York"),
        ("new york", "America/New_York"),
        ("로스앤젤레스", "America/Los_Angeles"),
        ("도쿄", "Asia/Tokyo"),
        ("런던", "Europe/London"),
        ("파리", "Europe/Paris"),
        ("마닐라", "Asia/Manila"),
        ("자카르타", "Asia/Jakarta"),
        ("상파울루", "America/Sao_Paulo"),
        ("호치민", "Asia/Ho_Chi_Minh"),
        ("ho chi minh city", "Asia/Ho_Chi_Minh"),  # CLDR's English name, not the zone id's
        ("대한민국", "Asia/Seoul"),  # countries as CLDR names them in Korean
        ("한국", "Asia/Seoul"),
        ("일본", "Asia/Tokyo"),
        ("필리핀", "Asia/Manila"),
        ("부산", "Asia/Seoul"),  # a city that is no zone: kept by hand, in both languages
        ("busan", "Asia/Seoul"),
        ("오사카", "Asia/Tokyo"),
    ],
)
def test_korean_and_english_city_names_find_the_zone(query, first):
    assert search_zones(query)[0] == first


@pytest.mark.parametrize(
    ("text", "zone"),
    [("서울", "Asia/Seoul"), ("뉴욕", "America/New_York"), ("도쿄", "Asia/Tokyo"), ("일본", "Asia/Tokyo"),
     ("부산", "Asia/Seoul"), ("Ho Chi Minh City", "Asia/Ho_Chi_Minh")],
)  # fmt: skip
def test_korean_city_names_resolve(text, zone):
    assert resolve_zone(text).key == zone


def test_a_korean_country_with_several_zones_asks_for_a_city():
    with pytest.raises(UserError, match="several time zones") as caught:
        resolve_zone("미국")
    assert "America/New_York" in str(caught.value)


def test_the_autocomplete_label_puts_the_korean_city_first_for_korean_readers():
    assert zones.zone_label("Asia/Seoul", "ko") == "서울 (Asia/Seoul)"
    assert zones.zone_label("America/New_York", "ko") == "뉴욕 (America/New_York)"
    assert zones.zone_label("America/New_York", "en") == "America/New_York"
    assert zones.zone_label("UTC", "ko") == "UTC"


def test_cldr_replaced_the_hand_kept_tables_where_it_covers_them():
    """What is still kept by hand is what CLDR does not name: cities that are no zone (its English exemplar
    cities are the zones' own), and the abbreviations no English locale of CLDR lists."""
    from babel import Locale

    exemplar = {zones.normalize(v["city"]) for v in Locale("en").time_zones.values() if "city" in v}
    own = {zones.normalize(z.rsplit("/", 1)[-1]) for z in zones._index().primary}
    for alias in zones.CITY_ALIASES:
        assert zones.normalize(alias) not in exemplar | own, alias
    assert not hasattr(zones, "ABBREVIATIONS")
    cldr = zones._abbreviations()
    assert {"EST", "CET", "AEST", "IST", "GMT", "BST", "SGT"} <= set(cldr)  # from CLDR's English locales


def test_a_full_zone_name_is_read_without_loading_cldr_tables():
    # The abbreviation table reads CLDR's short names from every English locale (18 MiB, half a second); a zone
    # picked from the autocomplete ("Asia/Seoul") never needs it, and no short name has a "/" in it.
    zones._abbreviations.cache_clear()
    zones._index.cache_clear()  # the city and country index reads CLDR's names in English and Korean
    assert resolve_zone("Asia/Seoul") == ZoneInfo("Asia/Seoul")
    assert resolve_zone("america/new_york") == ZoneInfo("America/New_York")
    assert zones._abbreviations.cache_info().currsize == zones._index.cache_info().currsize == 0
    assert resolve_zone("KST") == ZoneInfo("Asia/Seoul")  # an abbreviation still loads it, and still works
    assert not [name for name in zones._abbreviations() if "/" in name]
