"""Tab completion in the playground: names from the command tree, values from the bot's own autocomplete,
asked through the stand-in as Discord asks while a member types."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from bot.play.complete import PlayCompleter
from bot.play.lines import parse
from bot.play.world import SCRIPT_START, Playground


@pytest.fixture
async def completer():
    playground = await Playground.open(SCRIPT_START)
    yield PlayCompleter(playground)
    await playground.close()


async def _complete(completer: PlayCompleter, text: str) -> list[tuple[str, str]]:
    """(what Tab inserts in place of what it replaces, what the menu shows) for ``text`` typed so far."""
    out = []
    async for completion in completer.get_completions_async(Document(text), CompleteEvent(completion_requested=True)):
        replaced = text[len(text) + completion.start_position :]
        out.append((f"{replaced}->{completion.text}", completion.display_text))
    return out


async def test_command_subcommand_and_option_names(completer):
    assert ("/re->/recap ", "/recap") in await _complete(completer, "/re")
    assert [shown for _, shown in await _complete(completer, "/watchparty c")] == ["create", "cancel"]
    options = [shown for _, shown in await _complete(completer, "/watchparty create episodes:4 ")]
    assert options == ["when:", "timezone:", "channel:", "note:", "capacity:"]  # episodes: is given already


async def test_values_come_from_the_bots_autocomplete(completer):
    # a misspelt name: the bot's cast search ranks the best match first; Tab inserts its value
    [best, *_] = await _complete(completer, "/cast lookup name:sun ky")
    assert best == ("sun ky->ki-seon-gyeom ", "Ki Seon-gyeom — Im Si-wan (matched Sun-kyum)")
    # a time being typed, quoted or not: the bot previews the instant it would use, in the member's zone
    for typed in ("friday 8", '"friday 8'):
        shown = dict(await _complete(completer, f"/watchparty create episodes:4 when:{typed}"))
        assert shown[f'{typed}->"friday 8pm" '] == "friday 8pm → Fri 27 Nov 2026, 20:00 (UTC) · in 6 days"


async def test_names_and_suggestions_follow_the_members_language(completer):
    await completer.playground.run(parse("lang ko"))
    assert ("/줄->/줄거리 ", "/줄거리") in await _complete(completer, "/줄")
    assert [shown for _, shown in await _complete(completer, "/줄거리 ")] == ["회차:", "공개:"]
    [(_, first), *_] = await _complete(completer, "/줄거리 회차:")
    assert first.startswith("1화")
    assert [shown for _, shown in await _complete(completer, "/airing remind-me setting:")] == ["켜기", "끄기"]


async def test_choices_channels_and_the_playgrounds_words(completer):
    assert [shown for _, shown in await _complete(completer, "/airing remind-me setting:")] == ["on", "off"]
    channels = await _complete(completer, "/watchparty create episodes:4 channel:")
    assert ('->"#Watch Party" ', "🔊 Watch Party") in channels
    assert not any("episode-talk" in shown for _, shown in channels)  # a forum is no place for a party
    assert [inserted for inserted, _ in await _complete(completer, "as j")] == ["j->jun "]
