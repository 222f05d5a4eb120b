"""The playground's line syntax, without the bot."""

import datetime as dt

import pytest

from bot.play.lines import (
    As,
    Click,
    Help,
    Lang,
    LineError,
    Nothing,
    Pick,
    Progress,
    Slash,
    Time,
    Word,
    parse,
    parse_duration,
    tokenize,
)


def test_options_with_quotes_spaces_and_apostrophes():
    assert tokenize('watchparty create episodes:3-4 when:"friday 8pm" note:Let\'s watch') == [
        Word("watchparty"),
        Word("create"),
        Word("3-4", "episodes"),
        Word("friday 8pm", "when", quoted=True),
        Word("Let's", "note"),
        Word("watch"),
    ]


def test_a_quote_inside_a_quoted_value_and_single_quotes():
    assert tokenize('note:"she said \\"hi\\"" when:\'in 2 hours\'') == [
        Word('she said "hi"', "note", quoted=True),
        Word("in 2 hours", "when", quoted=True),
    ]


def test_a_colon_inside_an_unquoted_value_stays_a_word():
    # whether `21:00` is an option is decided against the command's options, not here
    assert tokenize("when:tomorrow 21:00") == [Word("tomorrow", "when"), Word("21:00")]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('/watchparty create when:"friday 8pm', 'the quote opened in when:" is never closed'),
        ('/recap episode:"5"x', "put a space after the closing quote"),
        ("/", "name a command after the slash"),
        ("click", "write `click N`"),
        ("click one", "`one` is not a number"),
        ("pick 1", "write `pick N CHOICE`"),
        ("lang fr", "write `lang ko` (한국어) or `lang en` (English)"),
        ("time -1h", "time only moves forward: write `time +1h`"),
        ("time +1 hour", "is not a length of time"),
        ("time +0m", "more than nothing"),
        ("progress", "write `progress N`"),
        ("dance", "`dance` is not something the playground knows"),
    ],
)
def test_bad_lines_say_what_to_write(line, fragment):
    with pytest.raises(LineError) as refused:
        parse(line)
    assert fragment in str(refused.value)


def test_a_command_typed_without_its_slash_is_pointed_out():
    with pytest.raises(LineError) as refused:
        parse("recap episode:3", frozenset({"recap"}))
    assert "`/recap episode:3`" in str(refused.value)


def test_the_playgrounds_own_words():
    assert parse("click 2") == Click(2)
    assert parse('pick 1 3 "Episode 4"') == Pick(1, ("3", "Episode 4"))
    assert parse("as @jun") == As("jun")
    assert parse("progress 7") == Progress(7)
    assert parse("lang ko") == Lang("ko")
    assert parse("lang en") == Lang("en-US")
    assert parse("time") == Time(None)
    assert parse("time +1h30m") == Time(dt.timedelta(hours=1, minutes=30))
    assert parse("+2d") == Time(dt.timedelta(days=2))
    assert parse("help watchparty create") == Help("watchparty create")
    assert parse("  # a comment") == parse("") == Nothing()
    assert isinstance(parse("/recap episode:5"), Slash)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+30m", dt.timedelta(minutes=30)),
        ("1h", dt.timedelta(hours=1)),
        ("+2d", dt.timedelta(days=2)),
        ("+1d 2h", dt.timedelta(days=1, hours=2)),
        ("+1시간", dt.timedelta(hours=1)),  # the units a Korean member writes
        ("+1시간 30분", dt.timedelta(hours=1, minutes=30)),
        ("2일", dt.timedelta(days=2)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


def test_a_bad_line_is_answered_in_the_readers_language():
    from bot.locale import texts

    with pytest.raises(LineError) as refused:
        parse("click one")
    assert str(refused.value) == "`one` is not a number: write the number shown on the button, like `click 1`"
    assert texts("ko").render(refused.value.message) == (
        "`one`: 숫자가 아니에요. 버튼에 보이는 번호를 적어 주세요: `click 1`처럼요"
    )
