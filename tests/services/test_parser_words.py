"""The words the bot's parsers read outside the time grammar (reminder times, episode ranges, forum tags, weekly
slots) are data: each lexicon file's ``[parsers]`` table. A third language's lexicon file, with no code, makes
every one of these parsers read its words, and the shipped languages read as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot.catalog import Slot
from bot.errors import UserError
from bot.services import discussion, guild_config, rewatch, watch_parties
from bot.services.discussion import fallback_tag
from bot.services.guild_config import parse_offsets
from bot.services.rewatch import parse_slots
from bot.services.timeparse import lexicon
from bot.services.timeparse.lexicon import LexiconError, parse_file, parser_words, parser_words_from
from bot.services.watch_parties import parse_episodes

#: A third language's lexicon file (Japanese words), as a translator would add it beside the shipped ones.
THIRD = "lexicon_ja.toml"
THIRD_TEXT = """
[parsers]

[parsers.offsets]
days = ["日"]
hours = ["時間"]
minutes = ["分"]
before = ["前"]
half = ["半"]

[parsers.episodes]
after = ["話"]
range = ["から"]
range_ends = ["まで"]

[parsers.tags]
words = ["ネタバレ", "感想"]

[parsers.slots]
days = "月火水木金土日"
day_suffixes = ["曜日", "曜"]
am = "午前"
pm = "午後"
hour = "時"
minute = "分"
half = ["半"]

[parsers.slots.parts]
"午前" = { first = 1, last = 11, added = 0 }
"午後" = { first = 1, last = 12, added = 12 }
"""

#: The parsers' patterns, made from the words on first use.
CACHES = (
    parser_words,
    guild_config._offset_words,
    guild_config._list_split,
    watch_parties._range,
    discussion._fallback_words,
    rewatch._lettered_slots,
    rewatch._list_split,
)


def _forget() -> None:
    for cache in CACHES:
        cache.cache_clear()


@pytest.fixture
def third_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    shipped, read = lexicon.lexicon_files(), lexicon._read
    monkeypatch.setattr(lexicon, "lexicon_files", lambda: (*shipped, THIRD))
    monkeypatch.setattr(lexicon, "_read", lambda file: parse_file(file, THIRD_TEXT) if file == THIRD else read(file))
    _forget()
    yield
    monkeypatch.undo()
    _forget()


def test_a_third_language_is_read_by_every_parser_from_its_lexicon_file(third_language):
    assert parse_offsets("1時間半, 30分前") == (5400, 1800)
    assert parse_offsets("1日") == (86400,)
    assert parse_episodes("3話から4話まで", 16) == (3, 4)
    assert parse_episodes("5話", 16) == (5, 5)
    assert fallback_tag(["お知らせ", "ネタバレ"]) == 1
    assert fallback_tag(["お知らせ", "第3話"]) == 1
    assert parse_slots("水木 午後9時") == (Slot(2, dt.time(21)), Slot(3, dt.time(21)))
    assert parse_slots("土曜日 午前10時半") == (Slot(5, dt.time(10, 30)),)
    with pytest.raises(UserError) as asked:  # a bare hour is asked, with the language's own words
        parse_slots("土 9時")
    assert 'Write "土 午前 9時" or "土 午後 9時"' in str(asked.value)
    # the shipped languages read as before, beside it
    assert parse_offsets("1h, 1시간 반") == (5400, 3600)
    assert parse_episodes("ep 3 to 4", 16) == parse_episodes("3부터 4화까지", 16) == (3, 4)
    assert parse_slots("수 21:00, Thu 21:00") == (Slot(2, dt.time(21)), Slot(3, dt.time(21)))


def test_without_its_lexicon_file_the_words_are_not_read():
    with pytest.raises(UserError):
        parse_offsets("1時間")
    with pytest.raises(UserError):
        parse_episodes("3話", 16)
    assert fallback_tag(["お知らせ", "ネタバレ"]) == 0


def test_a_broken_parsers_table_names_its_file_and_key():
    broken = THIRD_TEXT.replace('days = "月火水木金土日"', 'days = "月火水"')
    with pytest.raises(LexiconError, match=r"lexicon_ja\.toml: \[parsers\.slots\] days: must be the seven weekdays"):
        parser_words_from([parse_file(THIRD, broken)])
    unknown = THIRD_TEXT.replace("[parsers.tags]", "[parsers.tags]\nphrases = []")
    with pytest.raises(LexiconError, match=r"lexicon_ja\.toml: \[parsers\.tags\] phrases: is not a known key"):
        parser_words_from([parse_file(THIRD, unknown)])


def test_a_suggestion_template_is_checked_with_its_file_and_key():
    """The texts a time refusal suggests are each grammar's lexicon templates; one using a value the refusal does
    not give (a typo) stops the bot naming the file and the key, not a member's refusal."""
    text = lexicon._read(lexicon.KOREAN_FILE)
    text.data[lexicon.SUGGESTIONS] = {**text.data[lexicon.SUGGESTIONS], "hour_pm": "오후 {hours}시"}
    with pytest.raises(LexiconError, match=r"lexicon_ko\.toml: \[suggestions\] hour_pm: may use only hour, not hours"):
        lexicon.suggestions_from(text)
    assert lexicon.suggestions(lexicon.KOREAN_FILE)["hour_pm"] == "오후 {hour}시"
