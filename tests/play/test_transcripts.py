"""``python -m bot play --script``: what a person sees, from a real process running the real bot.

Each test reads the transcript the way a person would: the answers, the buttons and where things were posted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "data" / "run_on"

FIRST_SESSION = """\
# mina has watched three episodes
progress 3
/recap episode:5
click 1
reveal
/cast lookup name:sun kyum
/watchparty create episodes:4 when:"in 90 minutes" channel:"Watch Party"
as jun
{lang}click 1
as mina
time +1h
"""


def test_a_fans_first_session(player):
    out = player.run(FIRST_SESSION.format(lang=""))
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    # the world, with names
    assert "mina " in out.stdout
    assert "jun " in out.stdout
    assert "#spoilers" in out.stdout
    assert "Noted: you've watched up to episode 3." in out.after("progress 3")

    gate = out.after("/recap episode:5")
    assert "only mina can see this" in gate
    assert "This is from episode 5; you've watched up to episode 3." in gate
    assert "[1 Show episode 5 anyway]" in gate

    first_point = load_catalog(PACK).episode(5).recap[0].text
    behind_tags = out.after("click 1")
    assert "Spoilers: episode 5" in behind_tags
    assert "▒ spoiler ▒" in behind_tags  # blurred, as Discord blurs spoiler tags
    assert first_point[:40] not in behind_tags
    assert first_point[:40] in out.after("reveal")  # uncovered on request

    cast = out.after("/cast lookup name:sun kyum")
    assert "Ki Seon-gyeom (기선겸)" in cast
    assert "Played by: Im Si-wan (임시완)" in cast
    assert "🔒 Episode 4: a story note (hidden)" in cast  # what mina hasn't seen stays locked

    created = out.after('/watchparty create episodes:4 when:"in 90 minutes" channel:"Watch Party"')
    assert "Watch party #1 (episode 4) is on for Saturday, November 21, 2026 1:30 PM" in created
    assert "runon-bot in #general" in created  # the card, where everyone sees it
    assert "Going: 1" in created
    assert "[1 Going] [2 Maybe] [3 Can't go]" in created
    assert "📅 runon-bot added a server event" in created
    assert "🔊 Watch Party" in created

    rsvp = out.stdout.split("jun #general> click 1\n", 1)[1].split("mina #general>", 1)[0]
    assert "runon-bot updated its message in #general" in rsvp
    assert "Going: 2" in rsvp
    assert "only jun can see this" in rsvp
    assert "You're going to watch party #1" in rsvp

    assert "⏰" not in out.stdout.split("> time +1h", 1)[0]  # nothing fired before the clock moved
    reminder = out.after("time +1h")
    assert "Sat 2026-11-21 12:00 UTC → Sat 2026-11-21 13:00 UTC" in reminder
    assert "runon-bot in #general" in reminder
    assert "· Sat 2026-11-21 12:30 UTC" in reminder  # an hour before the party, the server's default
    assert "⏰ Watch party #1 (episode 4) starts in 1 hour" in reminder
    assert "@mina @jun" in reminder  # exactly the members who are going are pinged


KOREAN_SESSION = """\
lang ko
progress 3
/줄거리 회차:5
click 1
/출연진 찾기 이름:sun kyum
/같이보기 만들기 회차:4 언제:"90분 후" 채널:"Watch Party"
as jun
lang ko
click 1
as mina
time +1시간
help
"""


def test_the_same_session_in_korean(player):
    # a member whose Discord is in Korean sees, and types, the commands' Korean names
    out = player.run(KOREAN_SESSION)
    assert out.returncode == 0, out.stderr
    # the playground's own words are in her language too, as Discord's client shows its own
    assert "이제 mina님의 디스코드 언어: 한국어" in out.after("lang ko")
    assert "runon-bot · mina님만 볼 수 있어요" in out.after("progress 3")
    assert "3화까지 보셨군요" in out.after("progress 3")
    gate = out.after("/줄거리 회차:5")
    assert "5화 내용이에요. 3화까지 보신 걸로 되어 있어요." in gate
    assert "[1 그래도 5화 보기]" in gate
    assert "▒ 스포일러 ▒" in out.after("click 1")
    assert "(`reveal`이라고 적으시면 스포일러가 보여요)" in out.after("click 1")
    assert "기선겸 (Ki Seon-gyeom)" in out.after("/출연진 찾기 이름:sun kyum")
    created = out.after('/같이보기 만들기 회차:4 언제:"90분 후" 채널:"Watch Party"')
    # the answer in mina's language; times as her Korean Discord shows them
    assert "같이보기 #1 (4화)를 2026년 11월 21일 토요일 오후 1:30에 열어요" in created
    rsvp = out.stdout.split("jun #general> click 1\n", 1)[1].split("mina #general>", 1)[0]
    assert "runon-bot · jun님만 볼 수 있어요" in rsvp
    assert "runon-bot이 메시지를 수정했어요 · #general" in rsvp  # the card's count, updated
    assert "같이보기 #1" in rsvp
    assert "only" not in rsvp
    assert "이제 mina님이에요 (팬, 런온 정주행 중)." in out.after("as mina")
    reminder = out.after("time +1시간")
    assert "1시간 후" in reminder
    assert "@mina @jun" in reminder
    shown = out.after("help")
    assert "디스코드에서 멤버가 적듯이 한 줄에 명령어 하나씩 적어요:" in shown
    assert "마지막으로 보인 메시지의 스포일러를 보여 줘요" in shown
    assert "/같이보기" in shown


def test_a_bad_korean_line_is_answered_in_korean(player):
    out = player.run("lang ko\nhelp /설정없음\nin #없는채널\nreveal\n/출연진 찾기 이름:다나 공개여부:true\n")
    assert out.returncode == 1
    assert "⚠ /설정없음 명령어는 없어요. 명령어 목록은 `help`에 있어요" in out.after("help /설정없음")
    assert "⚠ 이 서버에는 #없는채널 채널이 없어요. 채널: #general, #spoilers" in out.after("in #없는채널")
    assert "⚠ 아직 보인 메시지가 없어요." in out.after("reveal")
    mistyped = out.after("/출연진 찾기 이름:다나 공개여부:true").replace("\n", " ")
    assert "⚠ /출연진 찾기 명령어에는 `공개여부:` 옵션이 없어요. `공개:` 옵션을 말씀하신 건가요?" in mistyped
    assert '따옴표로 감싸 주세요: `이름:"다나 공개여부:true"`' in mistyped


def test_a_bad_line_is_answered_and_the_script_goes_on(player):
    out = player.run("/recap episode:five\n/recpa episode:5\nprogress 2\nas leo\n/setup show\n/recap episode:17\n")
    assert "⚠ /recap episode: takes a number, like `episode:3`; `five` is not one" in out.after("/recap episode:five")
    assert "⚠ there is no /recpa command; did you mean /recap?" in out.after("/recpa episode:5")
    assert "Noted: you've watched up to episode 2." in out.after("progress 2")  # the next line still ran
    # what Discord's client would not even send is explained, not sent
    assert "⚠ leo doesn't see /setup in Discord: it needs Manage Server; jun has it: `as jun`" in out.stdout
    assert "⚠ /recap episode: must be from 1 to 16; Discord won't send 17" in out.stdout
    assert out.returncode == 1
    assert out.stderr.strip() == (
        f"error: 4 lines of {player.folder / 'session.play'} could not be run (lines 1, 2, 5, 6); "
        "each is answered in the transcript"
    )


def test_the_shipped_example_reads_the_same_every_time_also_from_standard_input(player):
    first = player.run_args("--example", "first-session")
    assert first.returncode == 0, first.stderr
    assert "⏰ Watch party #1" in first.stdout
    example = (ROOT / "bot" / "play" / "examples" / "first-session.play").read_text(encoding="utf-8")
    again = player.run_args("--script", "-", stdin=example)
    assert again.stdout == first.stdout  # fixed start time, fixed ids: the same transcript


def test_the_readme_shows_what_the_tour_prints(player):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Try it without Discord", 1)[1]
    shown = section.split("```text\n", 1)[1].split("\n```", 1)[0]
    tour = player.run_args("--example", "tour")
    assert tour.returncode == 0, tour.stderr
    assert tour.stdout.rstrip("\n").endswith(shown)


def test_usage_problems_exit_2_with_one_line(player):
    missing = player.run_args("--script", "nowhere.play")
    assert (missing.returncode, missing.stderr) == (2, "error: --script nowhere.play: no such file\n")
    zone = player.run_args("--example", "first-session", "--zone", "Mars/Olympus")
    assert zone.returncode == 2
    assert "not an IANA zone name" in zone.stderr


def test_the_bot_itself_never_loads_the_playgrounds_libraries():
    probe = (
        "import importlib, sys; import bot.__main__, bot.cli, bot.play; from bot.client import EXTENSIONS; "
        "[importlib.import_module(name) for name in EXTENSIONS]; "
        "print(sorted(m for m in ('rich', 'prompt_toolkit') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
