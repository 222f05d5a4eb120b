from bot.catalog import Revealing
from bot.services import spoilers

ITEMS = (
    Revealing("Premise fact", 0),
    Revealing("Episode one fact", 1),
    Revealing("Episode nine fact", 9),
    Revealing("Another nine fact", 9),
    Revealing("Guess about six", 6, "derived"),
)


def test_split_against_horizon():
    result = spoilers.split(ITEMS, 6)
    assert [i.text for i in result.shown] == ["Premise fact", "Episode one fact", "Guess about six"]
    assert result.latest_withheld == 9
    assert result.withheld_episodes == (9,)


def test_unknown_progress_withholds_every_plot_point():
    result = spoilers.split(ITEMS, 0)
    assert [i.text for i in result.shown] == ["Premise fact"]
    assert result.withheld_episodes == (1, 6, 9)


def test_gate_message_names_episode_and_horizon():
    assert spoilers.gate_message(9, 6) == "This is from episode 9; you've watched up to episode 6."
    assert "haven't marked" in spoilers.gate_message(3, 0)


def test_render_tags_and_labels_everything_above_the_line():
    lines = spoilers.render(ITEMS, 0)
    assert lines == [
        "• Premise fact",
        "**Spoilers: episode 1**",
        "• ||Episode one fact||",
        "**Spoilers: episode 9**",
        "• ||Episode nine fact||",
        "• ||Another nine fact||",
        "**Spoilers: episode 6**",
        "• ||Guess about six *(inferred, not directly sourced)*||",
    ]


def test_render_below_the_line_is_plain():
    lines = spoilers.render(ITEMS, 16)
    assert "||" not in "".join(lines)


def test_spoiler_text_cannot_break_out_of_its_tag():
    wrapped = spoilers.spoiler("a || b")
    assert wrapped.startswith("||")
    assert wrapped.endswith("||")
    assert "||" not in wrapped[2:-2]
