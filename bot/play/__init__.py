"""``python -m bot play``: the bot without a Discord app.

The real bot (the same construction as ``python -m bot run``: the shipped show pack and catalogues, its own
database in a temporary folder) runs against the in-process stand-in for Discord (:mod:`bot.standin`), in a
server with a few channels and members. No token, no network. Type commands as a member would; see each
answer drawn in the terminal.

    python -m bot play                         interactive: Tab completes, ↑ recalls, `help` explains
    python -m bot play --script FILE           one command a line (FILE may be -, standard input); prints the
                                               transcript (plain text when not on a terminal)
    python -m bot play --example first-session a script shipped with the bot (--example list names them)

A script starts at a fixed moment (Saturday 2026-11-21 12:00 UTC, or ``--now``) with the same ids every run, so
the same script prints the same transcript. Exit codes: 0 when every line ran; 1 when some line could not be run
(it is answered in the transcript with what was wrong, and the script goes on); 2 for a usage problem (no such
file or example, a bad ``--now``/``--zone``). What the bot itself refuses (an episode that doesn't exist, a time
in the past) is an answer, not a failure.

``prompt_toolkit`` and ``rich`` are imported only here, so the bot itself never loads them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from prompt_toolkit.history import History
    from rich.console import Console

__all__ = ["main"]

EXIT_OK = 0
EXIT_LINES_FAILED = 1
EXIT_USAGE = 2
#: A script's transcript is this wide when it is not shown on a terminal (so it is the same everywhere).
PLAIN_WIDTH = 100


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot play",
        description="The bot without a Discord app: a server, its members, and the real bot, in your terminal.",
        epilog="Inside, type `help`. Exit codes: 0 every line ran; 1 some script line could not be run; 2 usage.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--script", metavar="FILE", help="run the commands in FILE (- for standard input), one a line")
    source.add_argument("--example", metavar="NAME", help="run a script shipped with the bot (`list` names them)")
    parser.add_argument(
        "--now",
        metavar="WHEN",
        help="the moment the session starts, ISO 8601 with an offset (default: 2026-11-21T12:00Z for a script, "
        "the real time interactively)",
    )
    parser.add_argument(
        "--zone",
        metavar="ZONE",
        help="the IANA zone your Discord shows times in (default: $TZ when it names one, else UTC; UTC for scripts)",
    )
    parser.add_argument("--reveal-spoilers", action="store_true", help="show spoiler-tagged text uncovered")
    return parser


def _examples() -> dict[str, str]:
    folder = resources.files("bot.play") / "examples"
    return {
        entry.name.removesuffix(".play"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".play")
    }


class _Usage(Exception):
    pass


def _start(args: argparse.Namespace, scripted: bool) -> dt.datetime:
    from .world import SCRIPT_START

    if args.now is None:
        return SCRIPT_START if scripted else dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    except ValueError:
        raise _Usage(
            f"--now {args.now}: write an ISO 8601 moment with its offset, like 2026-12-02T20:30+09:00"
        ) from None
    if moment.tzinfo is None:
        raise _Usage(f"--now {args.now}: add the offset (like +09:00 or Z), so the moment is not a guess")
    return moment.astimezone(dt.UTC)


def _zone(args: argparse.Namespace, scripted: bool) -> ZoneInfo:
    name = args.zone or ("UTC" if scripted else os.environ.get("TZ", "").lstrip(":") or "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if args.zone is None:
            return ZoneInfo("UTC")
        raise _Usage(f"--zone {name}: not an IANA zone name; write one like Asia/Seoul or America/New_York") from None


def _read_script(args: argparse.Namespace) -> tuple[str, list[str]]:
    if args.example is not None:
        examples = _examples()
        if args.example == "list" or args.example not in examples:
            names = ", ".join(sorted(examples))
            if args.example == "list":
                print(names)
                raise SystemExit(EXIT_OK)
            raise _Usage(f"--example {args.example}: no such example; the examples are {names}")
        return f"example {args.example}", examples[args.example].splitlines()
    if args.script == "-":
        return "standard input", sys.stdin.read().splitlines()
    path = Path(args.script)
    try:
        return str(path), path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise _Usage(f"--script {args.script}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Usage(f"--script {args.script}: cannot be read ({exc})") from None


def _console(scripted: bool, out: TextIO) -> Console:
    from rich.console import Console

    terminal = out.isatty()
    return Console(
        file=out,
        width=None if terminal else PLAIN_WIDTH,
        force_terminal=terminal,
        no_color=not terminal or "NO_COLOR" in os.environ,
        color_system="auto" if terminal else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
        legacy_windows=False,
    )


def _prompt(member: str, channel: str) -> str:
    return f"{member} #{channel}> "


async def _script(name: str, lines: list[str], args: argparse.Namespace, console: Console) -> int:
    from .lines import LineError, parse
    from .render import Renderer
    from .world import Playground

    playground = await Playground.open(_start(args, scripted=True), reveal_spoilers=args.reveal_spoilers)
    renderer = Renderer(console, playground, _zone(args, scripted=True))
    failed: list[int] = []
    try:
        renderer.info(playground.world())
        console.print()
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            if raw.lstrip().startswith("#"):
                renderer.info(raw.strip(), style="dim italic")
                continue
            renderer.echo(_prompt(playground.member.name, playground.channel.name), raw.strip())
            try:
                happened = await playground.run(parse(raw, playground.all_command_names()))
            except LineError as problem:
                happened = playground.refused(problem)
            if happened.problem:
                failed.append(number)
            renderer.happened(happened)
            if happened.quit:
                break
    finally:
        await playground.close()
    if failed:
        where = ", ".join(str(n) for n in failed)
        plural = "s" if len(failed) > 1 else ""
        print(
            f"error: {len(failed)} line{plural} of {name} could not be run (line{plural} {where}); "
            "each is answered in the transcript",
            file=sys.stderr,
        )
        return EXIT_LINES_FAILED
    return EXIT_OK


def _history() -> History:
    """↑ recalls earlier lines, also from earlier sessions (kept in $XDG_STATE_HOME/runon-bot/play-history)."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    folder = Path(state) / "runon-bot"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return FileHistory(str(folder / "play-history"))
    except OSError:
        return InMemoryHistory()


async def _interactive(args: argparse.Namespace, console: Console) -> int:
    from prompt_toolkit import PromptSession

    from .complete import PlayCompleter
    from .lines import LineError, parse
    from .render import Renderer
    from .world import Playground

    playground = await Playground.open(_start(args, scripted=False), reveal_spoilers=args.reveal_spoilers)
    renderer = Renderer(console, playground, _zone(args, scripted=False))
    session: PromptSession[str] = PromptSession(
        history=_history(), completer=PlayCompleter(playground), complete_while_typing=True
    )
    try:
        renderer.info(playground.world(), style="")
        console.print()
        while True:
            try:
                raw = await session.prompt_async(_prompt(playground.member.name, playground.channel.name))
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            try:
                happened = await playground.run(parse(raw, playground.all_command_names()))
            except LineError as problem:
                happened = playground.refused(problem)
            renderer.happened(happened)
            if happened.quit:
                break
    finally:
        await playground.close()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot play [--script FILE | --example NAME] [--now WHEN] [--zone ZONE] [--reveal-spoilers]``."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    scripted = args.script is not None or args.example is not None
    # The bot's own log lines (warnings and errors) go to standard error, away from the transcript.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        if scripted:
            name, lines = _read_script(args)
            _start(args, scripted=True), _zone(args, scripted=True)  # usage problems before anything starts
            return asyncio.run(_script(name, lines, args, _console(True, sys.stdout)))
        _start(args, scripted=False), _zone(args, scripted=False)
        if not sys.stdin.isatty():
            raise _Usage("interactive mode needs a terminal; for commands from a pipe use --script -")
        return asyncio.run(_interactive(args, _console(False, sys.stdout)))
    except _Usage as problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
