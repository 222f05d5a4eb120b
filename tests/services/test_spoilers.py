import pytest

from bot.catalog import Revealing
from bot.locale import texts
from bot.services import spoilers
from cogs.common import gate_message, spoiler_label
from cogs.layouts import blur_runs, split_lines

ITEMS = (
    Revealing("Premise fact", 0),
    Revealing("Episode one fact", 1),
    Revealing("Episode nine fact", 9),
    Revealing("Another nine fact", 9),
    Revealing("Guess about six", 6, "derived"),
)
EN = texts("en")
KO = texts("ko")


def test_split_against_horizon():
    result = spoilers.split(ITEMS, 6)
    assert [i.text for i in result.shown] == ["Premise fact", "Episode one fact", "Guess about six"]
    assert result.latest_withheld == 9
    assert result.withheld_episodes == (9,)


def test_unknown_progress_withholds_every_plot_point():
    result = spoilers.split(ITEMS, 0)
    assert [i.text for i in result.shown] == ["Premise fact"]
    assert result.withheld_episodes == (1, 6, 9)


def test_layout_labels_each_run_above_the_line():
    lines = spoilers.layout(ITEMS, 0)
    assert [(line.item.text if line.item else None, line.episode, line.tagged) for line in lines] == [
        ("Premise fact", 0, False),
        (None, 1, True),
        ("Episode one fact", 1, True),
        (None, 9, True),
        ("Episode nine fact", 9, True),
        ("Another nine fact", 9, True),
        (None, 6, True),
        ("Guess about six", 6, True),
    ]


def test_gate_message_names_episode_and_horizon():
    assert gate_message(EN, 9, 6) == "This is from episode 9; you've watched up to episode 6."
    assert "haven't marked" in gate_message(EN, 3, 0)


def test_gate_message_in_korean():
    assert gate_message(KO, 9, 6) == "9화 내용이에요. 6화까지 보신 걸로 되어 있어요."
    assert gate_message(KO, 3, 0) == "3화 내용이에요. 아직 본 회차를 표시하지 않으셨어요."


def test_split_lines_keeps_the_plain_and_groups_each_episode_beyond_the_line():
    plain, runs = split_lines(ITEMS, 0, EN)
    assert plain == ["• Premise fact"]
    assert runs == [
        (1, ["• Episode one fact"]),
        (9, ["• Episode nine fact", "• Another nine fact"]),
        (6, ["• Guess about six *(inferred, not directly sourced)*"]),
    ]


def test_split_lines_in_korean_keeps_the_markers():
    pack = {"Premise fact": "전제", "Episode one fact": "1화 사실", "Episode nine fact": "9화 사실",
            "Another nine fact": "다른 9화 사실", "Guess about six": "6화 추측"}  # fmt: skip
    plain, runs = split_lines(ITEMS, 0, KO.with_pack(pack))
    assert plain == ["• 전제"]
    assert runs[-1] == (6, ["• 6화 추측 *(추론, 출처에서 직접 확인되지 않음)*"])


@pytest.mark.parametrize("tr", [EN, KO], ids=["en", "ko"])
def test_below_the_line_nothing_is_blurred(tr):
    plain, runs = split_lines(ITEMS, 16, tr)
    assert len(plain) == len(ITEMS)
    assert runs == []


def test_blur_runs_one_block_per_episode_when_they_fit_else_neighbours_share():
    runs = [(n, [f"• fact {n}"]) for n in (2, 3, 5, 9, 16)]
    assert [(r.first, r.last) for r in blur_runs(EN, runs, 5)] == [(2, 2), (3, 3), (5, 5), (9, 9), (16, 16)]
    merged = blur_runs(EN, runs, 2)
    assert [(r.first, r.last) for r in merged] == [(2, 5), (9, 16)]
    assert merged[0].text == "**Episode 2**\n• fact 2\n**Episode 3**\n• fact 3\n**Episode 5**\n• fact 5"
    assert spoiler_label(EN, 2, 5) == "Spoilers: episodes 2-5"
    assert spoiler_label(KO, 2, 5) == "스포일러: 2-5화"
    assert spoiler_label(KO, 9) == "스포일러: 9화"


def test_spoiler_text_cannot_break_out_of_its_tag():
    wrapped = spoilers.spoiler("a || b")
    assert wrapped.startswith("||")
    assert wrapped.endswith("||")
    assert "||" not in wrapped[2:-2]
