"""The playground's server, in process: who may press what, where things are posted, and how text is drawn."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len
from rich.console import Console

from bot.play.lines import parse
from bot.play.render import Renderer, Timestamps, discord_text
from bot.play.world import SCRIPT_START, Playground, Shown


@pytest.fixture
async def playground():
    playground = await Playground.open(SCRIPT_START)
    yield playground
    await playground.close()


async def play(playground: Playground, *lines: str):
    happened = None
    for line in lines:
        happened = await playground.run(parse(line))
    return happened


def drawn(playground: Playground, happened, width: int = 100) -> str:
    out = io.StringIO()
    Renderer(Console(file=out, width=width, no_color=True), playground, ZoneInfo("UTC")).happened(happened)
    return out.getvalue()


async def test_an_answer_only_one_member_sees_cannot_be_clicked_by_another(playground):
    await play(playground, "/recap episode:5")
    refused = await play(playground, "as jun", "click 1")
    assert refused.problem == "only mina can see that message: `as mina` first, or use a message everyone sees"
    pressed = await play(playground, "as mina", "click 1")
    assert pressed.problem is None
    assert "Spoilers: episode 5" in drawn(playground, pressed)


async def test_a_channel_menu_is_picked_by_name_and_a_spent_menu_says_so(playground):
    await play(playground, "as jun", "/setup spoiler-free")
    saved = await play(playground, "pick 1 #spoilers")
    assert "Saved. Spoiler-free channels: #spoilers" in drawn(playground, saved)
    again = await play(playground, "pick 1 #general")
    assert again.problem == "the last message with menus has none any more (the bot changed it)"


async def test_commands_run_in_the_channel_the_member_is_in(playground):
    await play(playground, "in #spoilers")
    created = await play(playground, '/watchparty create episodes:1 when:"in 3 hours"')
    [card] = [item for item in created.items if isinstance(item, Shown) and item.only_for is None]
    assert card.where == "#spoilers"
    assert "commands are typed in a text channel" in (await play(playground, "in #episode-talk")).problem


async def test_time_says_when_nothing_was_due(playground):
    moved = await play(playground, "time +2h")
    assert "Nothing was due in that time." in drawn(playground, moved)
    assert playground.clock.now == SCRIPT_START + dt.timedelta(hours=2)


async def test_discord_markup_is_drawn_as_the_client_draws_it(playground):
    when = Timestamps(ZoneInfo("Asia/Seoul"), lambda: SCRIPT_START, lambda: "ko")
    start = int((SCRIPT_START + dt.timedelta(hours=2)).timestamp())
    text, hid = discord_text(
        f"<@2001> <#601> <t:{start}:F> (<t:{start}:R>) ||the twist|| https://discord.com/channels/500/601/99",
        names=playground,
        when=when,
        reveal=False,
    )
    assert text.plain == "@mina #spoilers 2026년 11월 21일 토요일 오후 11:00 (2시간 후) ▒▒▒▒▒▒▒▒▒ #spoilers › message"
    assert hid
    uncovered, hid = discord_text("||the twist||", names=playground, when=when, reveal=True)
    assert (uncovered.plain, hid) == ("||the twist||", False)


async def test_time_lets_airing_posts_go_out_at_their_moments_in_their_channels(playground):
    await play(
        playground,
        "as jun",
        "/setup discussion channel:#episode-talk",
        "/setup airing channel:#general role:@rewatchers",
        "/rewatch start from:today",
        "as mina",
    )
    out = drawn(playground, await play(playground, "time +4d"))
    # the day before, half an hour before, and when episode 1 airs (Wednesday 21:00 in Seoul)
    after = out.split("· Tue 2026-11-24 12:00 UTC\n", 1)[1]
    day_before, rest = after.split("· Wed 2026-11-25 11:30 UTC\n")
    half_hour, airing = rest.split("· Wed 2026-11-25 12:00 UTC\n")
    assert "runon-bot in #general\n  @rewatchers ⏰ Rewatch: episode 1 airs in 1 day" in day_before
    assert "episode 1 airs in 30 minutes" in half_hour
    assert "🧵 runon-bot opened the post “Episode 1 discussion" in airing  # in the forum
    assert "@rewatchers 📺 Rewatch: episode 1 is on now" in airing
    assert "📊 How was episode 1?" in airing  # the episode poll, in the episode's thread
    assert "runon-bot in thread “Episode 1 discussion" in airing


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # after an unquoted value, after a quoted one: the same answer
        (
            "/cast lookup name:Dana pubic:true",
            "/cast lookup has no option `pubic:`; did you mean `public:`? write `/cast lookup name:… [public:…]`; "
            'if `pubic:` belongs in the value, quote it: `name:"Dana pubic:true"`',
        ),
        (
            '/cast lookup name:"Dana" pubic:true',
            "/cast lookup has no option `pubic:`; did you mean `public:`? write `/cast lookup name:… [public:…]`; "
            'if `pubic:` belongs in the value, quote it: `name:"Dana pubic:true"`',
        ),
        # a number takes no `x:`: no advice to quote it
        ("/recap episode:5 extra:1", "/recap has no option `extra:`; write `/recap episode:… [public:…]`"),
    ],
)
async def test_a_mistyped_option_after_a_value_is_pointed_out_not_swallowed(playground, line, expected):
    refused = await play(playground, line)
    assert refused.problem == expected
    assert not refused.items  # nothing was sent to the bot


async def test_a_link_or_a_time_inside_an_unquoted_value_stays_in_it(playground):
    created = await play(playground, "/watchparty create episodes:3 when:friday 20:00 note:see https://example.com")
    assert created.problem is None
    assert "see https://example.com" in drawn(playground, created)


async def test_progress_beyond_the_last_episode_is_answered_like_the_slash_command(playground):
    typed = await play(playground, "/progress set episode:99")
    short = await play(playground, "progress 99")
    assert short.problem == typed.problem == "/progress set episode: must be from 0 to 16; Discord won't send 99"


async def test_a_channel_that_does_not_exist_is_named_with_the_channels_there_are(playground):
    missing = await play(playground, "in #nowhere")
    assert missing.problem == (
        "there is no #nowhere channel in this server; its channels are #general, #spoilers, #episode-talk, #staff, "
        "🔊 Watch Party (commands are typed in a text channel: #general, #spoilers, #staff)"
    )
    forum = await play(playground, "in #episode-talk")
    assert forum.problem == (
        "#episode-talk is a forum channel: commands are typed in a text channel: #general, #spoilers, #staff"
    )


async def test_reveal_says_when_the_last_message_has_nothing_to_reveal(playground):
    await play(playground, "/progress set episode:3")
    nothing = await play(playground, "reveal")
    assert nothing.problem == "the last message shown has no spoilers: there is nothing to reveal"
    assert not nothing.items
    blurred = await play(playground, "/recap episode:5", "click 1")  # past mina's progress: its spoilers are blurred
    assert "▒ spoiler ▒" in drawn(playground, blurred)
    revealed = await play(playground, "reveal")
    assert revealed.problem is None
    uncovered = drawn(playground, revealed)
    assert "|| • " in uncovered  # the blurred block uncovered, still marked as a spoiler
    assert "▒" not in uncovered


async def test_spoilers_are_shown_uncovered_from_the_start_when_asked():
    playground = await Playground.open(SCRIPT_START, reveal_spoilers=True)
    try:
        assert playground.reveal_spoilers
        shown = await play(playground, "/progress set episode:1", "/recap episode:5", "click 1")
        assert "||" in drawn(playground, shown)
    finally:
        await playground.close()


@pytest.mark.parametrize("width", [60, 100])
@pytest.mark.parametrize("locale", ["en-US", "ko"])
async def test_help_is_a_table_with_a_hanging_indent_that_fits_the_width(playground, width, locale):
    playground.member.locale = locale
    headings = ("Type as", "Commands", "/setup:", "/rewatch:", "디스코드에서", "명령어 (", "/서버설정:", "/정주행:")
    for topic in ("help", "help /setup", "help /rewatch"):
        lines = drawn(playground, await play(playground, topic), width).splitlines()
        assert all(cell_len(line) <= width for line in lines), lines
        # only the headings start at the margin: every row, and every continuation of one, is indented
        assert [line for line in lines if line and not line.startswith(" ")] == [
            line for line in lines if line.startswith(headings)
        ], lines
    if width == 100 and locale == "en-US":
        shown = drawn(playground, await play(playground, "help /setup"), width)
        assert "\n  /setup airing channel:… [role:…] [offsets:…]\n" in shown  # too wide: a line of its own
        assert "  Where airing reminders go, whom they ping, and when\n" in shown  # under the other descriptions
