"""python -m bot.locale [update | compile | check | font]: the message catalogues' developer tool.

The tool itself lives outside the runtime packages, in :mod:`bot.devtools.locale_tool` (it builds the whole bot
to read the command tree); this entry point only keeps the command README and CI use.
"""

from bot.devtools.locale_tool import main

if __name__ == "__main__":
    raise SystemExit(main())
