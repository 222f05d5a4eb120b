"""python -m bot.locale [update | compile | check | font]

update   extract every message (code and command tree), merge it into each language's .po file, compile
compile  build the .mo files the bot loads from the .po files
check    change nothing; exit 1 naming every missing or fuzzy translation, placeholder mismatch or stale file
font     cut each language's chart font down from the full font (--source FILE, default Debian's fonts-nanum)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.locale", description=__doc__.split("\n\n", 1)[1])
    parser.add_argument("action", choices=("update", "compile", "check", "font"), nargs="?", default="update")
    parser.add_argument("--source", type=Path, help="the full font to cut the chart's font from (font)")
    args = parser.parse_args(argv)
    from . import tool

    if args.action == "font":
        for lang in tool.FONT_SOURCES:
            path = tool.build_font(lang, args.source)
            print(f"{lang}: wrote {path.relative_to(tool.ROOT)} ({path.stat().st_size:,} bytes)")
        return 0

    if args.action == "compile":
        tool.compile_all()
        print("compiled the message catalogues")
        return 0
    if args.action == "check":
        problems = tool.check()
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s) in the message catalogues" if problems else "message catalogues: OK")
        return 1 if problems else 0
    notes = tool.update()
    print(f"updated {tool.TEMPLATE.name} and the catalogues")
    for note in notes:
        print(f"  - {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
