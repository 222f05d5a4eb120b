"""python -m bot [run | sync [--guild ID | --clear-guild ID] | check | invite [--client-id ID] | backup PATH | health
| migrate-db | play ...]

One table of subcommands (:data:`COMMANDS`), one module per command. Every failure at start-up ends with one line on
stderr that starts with ``error:`` and a non-zero exit code (see ``EXIT_*`` in :mod:`bot.cli.common`); never a
traceback, never a hang. SIGTERM and SIGINT stop a running bot cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dotenv import load_dotenv
from msgspec import Struct

from bot.catalog import PackError
from bot.locale import CatalogueMissing
from bot.settings import Settings, SettingsError, load_settings
from bot.store import DatabaseProblem

from . import check, database, invite, run, sync
from .common import (
    EXIT_BROKEN_PIPE,
    EXIT_CONFIG,
    EXIT_DATABASE,
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    HEALTHY_WITHIN,
    SHUTDOWN_SECONDS,
    StartupError,
    configure_logging,
    log,
    point_at,
)

__all__ = ["COMMANDS", "EXIT_CONFIG", "EXIT_DATABASE", "HEALTHY_WITHIN", "SHUTDOWN_SECONDS", "main", "parser"]

#: ``python -m bot play``: the playground (another package, imported only when asked for).
PLAY_MODULE = "bot.play"
EXIT_USAGE = 2  # argparse's own code for a command line it cannot use


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without options."""


class Command(Struct, frozen=True):
    name: str
    help: str
    run: Callable[[Settings, argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    description: str | None = None


COMMANDS: tuple[Command, ...] = (
    Command("run", "log in and serve (the default); migrates the database first, after a backup", run.run),
    Command("sync", "publish the slash commands globally or to one server, then exit", sync.sync, sync.arguments),
    Command("check", "validate settings, the data pack and the database; no network, writes nothing", check.check),
    Command(
        "invite", "print the invite URL with exactly the permissions the bot needs", invite.invite, invite.arguments
    ),
    Command("health", "exit 0 if the running bot is connected to Discord (for health checks)", run.health),
    Command(
        "migrate-db",
        "copy the SQLite database into an empty PostgreSQL database (DATABASE_URL, or asked for)",
        database.migrate_db,
        database.migrate_arguments,
        description="Copy the SQLite file (DATABASE_PATH) into the empty PostgreSQL database named by DATABASE_URL "
        "(environment or .env); without it, the URL is asked for in the terminal. Never pass the URL as an "
        "argument: it would stay in the shell's history and show in the process list.",
    ),
    Command(
        "backup",
        "copy the database consistently, also while the bot runs",
        database.backup_command,
        database.backup_arguments,
    ),
)
#: The playground's help line; its own options are its own (``python -m bot play --help``).
PLAY_HELP = "try the bot in a terminal, without a Discord app, token or network (--script FILE for a transcript)"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m bot", description="runon-bot: the Run On fan-server bot")
    sub = top.add_subparsers(dest="command")
    for command in COMMANDS:
        command.arguments(sub.add_parser(command.name, help=command.help, description=command.description))
    sub.add_parser("play", help=PLAY_HELP, add_help=False)
    return top


def play(argv: Sequence[str]) -> int:
    """``python -m bot play ...``: hands the rest of the command line to the playground, imported only now."""
    module = importlib.import_module(PLAY_MODULE)
    result: int = module.main(list(argv))
    return result


def _one_line(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = None if arguments[:1] == ["play"] else parser().parse_args(arguments)
    if args is None or (args.command or "run") != "run":
        gc.enable()  # held back while starting (bot/__main__.py): only ``run`` keeps it so until READY
    if args is None:  # the playground parses its own options and reads no settings
        return play(arguments[1:])
    load_dotenv(Path.cwd() / ".env")  # the working directory's .env; real environment variables win
    settings: Settings | None = None
    try:
        settings = load_settings()
        point_at(settings)
        configure_logging(settings)
        chosen = {command.name: command for command in COMMANDS}[args.command or "run"]
        return chosen.run(settings, args)
    except SettingsError as exc:
        return _one_line(str(exc), EXIT_CONFIG)
    except CatalogueMissing as exc:
        return _one_line(str(exc), EXIT_CONFIG)
    except PackError as exc:
        more = len(exc.problems) - 1
        rest = f" (and {more} more: python -m bot check lists them all)" if more else ""
        return _one_line(f"the show pack is invalid: {exc.problems[0]}{rest}", EXIT_CONFIG)
    except DatabaseProblem as exc:
        return _one_line(str(exc), EXIT_DATABASE)
    except StartupError as exc:
        return _one_line(str(exc), exc.code)
    except BrokenPipeError:
        # The reader went away (python -m bot check | head -2): stop quietly, and keep Python from
        # complaining while it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # Ctrl-C outside run (which stops cleanly on its own)
        return EXIT_INTERRUPTED
    except Exception as exc:
        log.debug("unexpected error", exc_info=exc)
        hint = "" if settings and settings.log_level == "DEBUG" else " (LOG_LEVEL=DEBUG shows the details)"
        return _one_line(f"unexpected {type(exc).__name__}: {exc}{hint}", EXIT_PROBLEMS)
