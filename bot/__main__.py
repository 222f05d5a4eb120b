"""python -m bot, and the ``runon-bot`` command: the program's command line lives in :mod:`bot.cli`."""

import gc
import sys


def main() -> int:
    # Starting makes tens of thousands of objects that live as long as the process: the modules, the show pack, then
    # the records of every server Discord sends. Collecting while they are made walks them again and again and frees
    # next to nothing (at 1,000 servers, a quarter of the start's CPU). The collector is held back until the start is
    # over: a command other than ``run`` resumes it at once (bot.cli.main); the running bot, with one full collection
    # at its first quiet moment after READY (bot.client.RunOnBot.on_ready).
    gc.disable()
    from bot.cli import main as command_line

    return command_line()


if __name__ == "__main__":
    sys.exit(main())
