"""The program's command line (bot/cli): one table of subcommands; ``play`` hands the rest of the line to the
playground. The subcommands' own behaviour is tested on the real process in tests/process/."""

from __future__ import annotations

import sys
import types

from bot import cli


def test_every_subcommand_of_the_table_is_offered_and_play_too():
    [action] = [a for a in cli.parser()._actions if a.dest == "command"]
    assert set(action.choices) == {c.name for c in cli.COMMANDS} | {"play"}
    assert {c.name for c in cli.COMMANDS} == {"run", "sync", "check", "invite", "health", "migrate-db", "backup"}


def test_play_hands_the_rest_of_the_line_to_the_playground_and_returns_its_exit_code(monkeypatch, tmp_path):
    seen: list[list[str]] = []

    def main(argv: list[str]) -> int:
        seen.append(argv)
        return 7

    monkeypatch.setitem(sys.modules, "bot.play", types.SimpleNamespace(main=main))
    monkeypatch.chdir(tmp_path)  # no .env is read for play
    assert cli.main(["play", "--script", "-", "--help"]) == 7
    assert seen == [["--script", "-", "--help"]]
