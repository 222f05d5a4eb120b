"""Maintaining the message catalogues with Babel: extract, update, compile, check.

``python -m bot.devtools.locale update`` is the one command to run after changing a member-facing text: it extracts
every message (the code's ``tr``/``msg``/``UserError``... calls, and every command, option and choice name and
description of the command tree), writes the template ``bot/locale/messages.pot``, merges it into each
language's ``<lang>/LC_MESSAGES/messages.po`` (new messages get an empty translation, changed ones are marked
fuzzy) and compiles the ``.mo`` files the bot loads. Then translate what is empty or fuzzy in the ``.po``
file and run it again. ``check`` changes nothing and exits 1 naming every problem (CI runs it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import re
import string
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.app import App
from bot.catalog import load_catalog
from bot.client import RunOnBot, command_strings
from bot.locale import DOMAIN, KEYWORDS, SOURCE, languages, texts
from bot.locale.particles import MARKER
from bot.services.chart import CHART_FONT
from bot.store import Database
from cogs.pulse import chart_text

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout: bot/, cogs/
LOCALE_DIR = ROOT / "bot" / "locale"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
#: Where messages are looked for: the bot and its features (tests and benchmarks are not member-facing).
#: The stand-in for Discord (bot/standin) and these tools are not member-facing either.
METHOD_MAP = [
    ("bot/standin/**.py", "ignore"),
    ("bot/devtools/**.py", "ignore"),
    ("bot/**.py", "python"),
    ("cogs/**.py", "python"),
]
HEADER = "Messages of runon-bot. The ids are the English texts; {named} placeholders must be kept as they are."


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def translated_languages() -> tuple[str, ...]:
    """Every language with a catalogue in the package (a new folder ``bot/locale/<lang>/LC_MESSAGES`` is one)."""
    return tuple(lang for lang in languages() if lang != SOURCE and po_path(lang).exists())


# -- extraction ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    id: str | tuple[str, ...]
    context: str | None
    where: str
    comment: str = ""


def code_messages(root: Path = ROOT) -> Iterator[Found]:
    """Messages marked in the code (``tr("…")``, ``msg("…")``, ``UserError("…")``, ``tr.plural(…)``, ``tr.ctx(…)``)."""
    for filename, lineno, message, comments, context in extract_from_dir(
        root, METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        if not message or (isinstance(message, tuple) and not all(message)):
            continue
        yield Found(message, context, f"{filename}:{lineno}", " ".join(comments))


def command_messages() -> list[Found]:
    """Every name and description Discord shows for the command tree (built with every feature loaded)."""
    return asyncio.run(_command_messages())


async def _command_messages() -> list[Found]:
    with resources.as_file(resources.files("bot.showpack") / "run_on") as folder:
        catalog = load_catalog(Path(folder))
    async with await Database.open(":memory:") as db:
        bot = RunOnBot(App(catalog, db))
        try:
            await bot.load_features()
            return [Found(text, context, f"/{where}") for context, text, where in command_strings(bot.tree)]
        finally:
            await bot.close()


def template(found: Iterable[Found]) -> Catalog:
    catalog = Catalog(project="runon-bot", header_comment=f"# {HEADER}", fuzzy=False, locale=None)
    for item in found:
        path, _, line = item.where.rpartition(":")
        location = (path, int(line)) if line.isdigit() else (item.where, 0)
        existing = catalog.get(item.id, item.context)
        if existing is not None:
            existing.locations.append(location)
            continue
        catalog.add(
            item.id,
            locations=[location],
            context=item.context,
            auto_comments=[item.comment] if item.comment else [],
            flags=("python-brace-format",) if placeholders(_first(item.id)) else (),
        )
    return catalog


def _first(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def _strings(value: object) -> tuple[str, ...]:
    """A message's id or translation as a tuple (plural messages have several)."""
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),) if value else ("",)


def extract(*, commands: bool = True) -> Catalog:
    found = list(code_messages())
    if commands:
        found += command_messages()
    return template(found)


# -- placeholders ---------------------------------------------------------------------------------

_FORMATTER = string.Formatter()


def placeholders(text: str) -> frozenset[str]:
    """The ``{named}`` fields of a message (``{{`` and ``}}`` are literal braces)."""
    try:
        return frozenset(name for _, name, _, _ in _FORMATTER.parse(text) if name)
    except ValueError:
        return frozenset({"<unbalanced braces>"})


# -- files ----------------------------------------------------------------------------------------


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # No line numbers: the files change when a message or the file it is in changes, not when code moves.
    write_po(out, catalog, width=116, sort_output=False, include_previous=True, omit_header=False, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


_FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _stable(catalog: Catalog) -> Catalog:
    """The header fields that change on every run (dates, tool version) fixed, so files only change with content."""
    catalog.creation_date = _FIXED_DATE
    catalog.revision_date = _FIXED_DATE
    catalog.fuzzy = False
    catalog.version = "0.1.0"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "runon-bot developers"
    catalog.language_team = "runon-bot developers"
    return catalog


def update() -> list[str]:
    """Extract, merge into every language and compile. Returns what needs a translator's attention."""
    pot = _stable(extract())
    TEMPLATE.write_bytes(_po_bytes(pot))
    notes: list[str] = []
    for lang in translated_languages():
        path = po_path(lang)
        if path.exists():
            catalog = _read(path, lang)
            catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="runon-bot", header_comment=f"# {HEADER}")
            catalog.update(pot)
        catalog.obsolete.clear()  # gone from the code: kept in git history, not in the file
        path.write_bytes(_po_bytes(_stable(catalog)))
        mo_path(lang).write_bytes(_mo_bytes(catalog))
        todo = [m for m in catalog if m.id and (not _translated(m) or m.fuzzy)]
        if todo:
            notes.append(f"{lang}: {len(todo)} message(s) to translate or review in {path.relative_to(ROOT)}")
        elif missing_letters(lang):  # the chart's words changed: cut its font again
            try:
                notes.append(f"{lang}: cut {build_font(lang).relative_to(ROOT)} again for the chart's new letters")
            except FileNotFoundError as exc:
                notes.append(f"{lang}: the chart's font lacks letters and {exc}")
    return notes


def compile_all() -> None:
    for lang in translated_languages():
        mo_path(lang).write_bytes(_mo_bytes(_read(po_path(lang), lang)))


def _translated(message: Message) -> bool:
    return all(_strings(message.string))


def problems(lang: str, catalog: Catalog, expected: Catalog) -> list[str]:
    """Everything wrong with one language's catalogue against the freshly extracted template."""
    found: list[str] = []
    for message in expected:
        if not message.id:
            continue
        translation = catalog.get(message.id, message.context)
        label = _label(message)
        if translation is None:
            found.append(f"{lang}: no entry for {label} (run python -m bot.devtools.locale update)")
            continue
        if translation.fuzzy:
            found.append(f"{lang}: {label} is marked fuzzy: review the translation and remove the flag")
        if not _translated(translation):
            found.append(f"{lang}: {label} has no translation")
            continue
        if message.context == "date format":
            found += _pattern_problems(lang, label, _strings(translation.string)[0])
            continue
        ids = _strings(message.id)
        wanted = placeholders(ids[0]) | (placeholders(ids[1]) if len(ids) > 1 else frozenset())
        # A language with several plural forms may leave the number out of its singular ("a story note"); one
        # with a single form (Korean) says every count with it, so it keeps every placeholder.
        optional = placeholders(ids[1]) - placeholders(ids[0]) if len(ids) > 1 and catalog.num_plurals > 1 else set()
        for index, text in enumerate(_strings(translation.string)):
            got = placeholders(text)
            if got - wanted:
                found.append(f"{lang}: {label} adds placeholder(s) {sorted(got - wanted)}")
            dropped = wanted - got - (optional if index == 0 else set())
            if dropped:
                found.append(f"{lang}: {label} drops placeholder(s) {sorted(dropped)}")
            if lang == "ko":
                found += [f"{lang}: {label}: {problem}" for problem in particle_problems(text)]
    return found


# -- particles after placeholders (Korean) ---------------------------------------------------------------------------

#: What may stand between a placeholder and its particle: closing quotes, brackets and Discord markup.
_CLOSERS = "\"'”’»」』)]*_~`"
_PLACEHOLDER_END = re.compile(r"\}([" + re.escape(_CLOSERS) + "]*)")
#: A particle written in one of its two forms (the form depends on the word before it).
_FIXED = re.compile(
    r"이나|이라|이랑|이에요|이었|이(?![상하내후전름])|가(?![지량])|을|를|은|는|와|과|으로|로|나|라|랑|예요|였|야"
)
_MENTION = re.compile(r"<(?:@[!&]?|#)\{\w+\}>$")


def particle_problems(text: str) -> list[str]:
    """A Korean translation's particles: after a placeholder they are written as markers (``{when}(이)나``), chosen
    from the inserted text when it is rendered; a marker needs a placeholder before it, and a name the reader's
    client shows (a mention) cannot choose one."""
    found: list[str] = []
    for end in _PLACEHOLDER_END.finditer(text):
        after = text[end.end() :]
        if MARKER.match(after):
            continue
        fixed = _FIXED.match(after)
        if fixed:
            start = text.rfind("{", 0, end.start())
            field = text[start : end.start() + 1]
            marker = _marker_for(fixed.group(0))
            found.append(
                f"the particle {fixed.group(0)!r} after {field} is fixed: write {field}{end.group(1)}{marker} so it "
                "fits the text inserted"
            )
    for marked in MARKER.finditer(text):
        before = text[: marked.start()].rstrip(_CLOSERS + ">")
        if not before.endswith("}"):
            found.append(f"the particle {marked.group(0)!r} follows no placeholder: write the form that fits")
        elif _MENTION.search(text[: marked.start()]):
            found.append(
                f"the particle {marked.group(0)!r} follows a mention, whose name only the reader sees: put a noun "
                "between (`<#{channel}> 채널이`)"
            )
    return found


def _pattern_problems(lang: str, label: str, pattern: str) -> list[str]:
    """A date format must be an LDML pattern (``y년 M월 d일 (E)``): letters are fields, literal text is quoted."""
    from babel.dates import parse_pattern

    try:
        parse_pattern(pattern)
    except (ValueError, KeyError) as error:
        return [f"{lang}: {label} is not a date pattern ({error}): quote literal letters, 'like this'"]
    unquoted = re.sub(r"'[^']*'", "", pattern)
    strange = sorted({ch for ch in unquoted if ch.isascii() and ch.isalpha() and ch not in _FIELDS})
    if strange:
        letters = "".join(strange)
        return [f"{lang}: {label} uses {letters!r}, which are not date fields: quote literal text, 'like this'"]
    return []


#: LDML's field letters (https://unicode.org/reports/tr35/tr35-dates.html#Date_Field_Symbol_Table).
_FIELDS = frozenset("GyYuUrQqMLlwWdDFgEeOcabBhHKkjJCmsSAzZvVXx")


def _marker_for(particle: str) -> str:
    for pair in ("이(가)", "을(를)", "은(는)", "과(와)", "아(야)"):
        if particle in (pair[0], pair[2]):
            return pair
    if particle in ("으로", "로"):
        return "(으)로"
    if particle in ("이에요", "예요"):
        return "(이)에요"
    if particle in ("이었", "였"):
        return "(이)었"
    return "(이)" + particle.removeprefix("이")


def _label(message: Message) -> str:
    text = _strings(message.id)[0]
    short = text if len(text) <= 60 else text[:57] + "..."
    return f"[{message.context}] {short!r}" if message.context else repr(short)


_POT_DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date|Generated-By): .*\\n"\n', re.MULTILINE)


def check() -> list[str]:
    """No writes: the template is current, every language complete with the same placeholders, every .mo fresh."""
    pot = _stable(extract())
    found: list[str] = []
    if not TEMPLATE.exists() or _POT_DATES.sub(b"", TEMPLATE.read_bytes()) != _POT_DATES.sub(b"", _po_bytes(pot)):
        found.append(f"{TEMPLATE.relative_to(ROOT)} is out of date: run python -m bot.devtools.locale update")
    for lang in translated_languages():
        path = po_path(lang)
        if not path.exists():
            found.append(f"{lang}: {path.relative_to(ROOT)} is missing: run python -m bot.devtools.locale update")
            continue
        catalog = _read(path, lang)
        found += problems(lang, catalog, pot)
        mo = mo_path(lang)
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            found.append(
                f"{lang}: {mo.relative_to(ROOT)} does not match the .po file: run python -m bot.devtools.locale compile"
            )
        lacking = missing_letters(lang)
        if lacking:
            found.append(
                f"{lang}: the chart's font {chart_font_path(lang).relative_to(ROOT)} lacks {''.join(lacking[:20])!r}: "
                "run python -m bot.devtools.locale font"
            )
    return found


# -- the chart's font ------------------------------------------------------------------------------

#: Where `font` finds the full font to cut each language's chart font from (Debian's fonts-nanum; any copy of
#: NanumGothic will do with --source). SIL Open Font License 1.1: the cut-down copy is renamed, as the licence's
#: Reserved Font Name clause asks of a modified font.
FONT_SOURCES = {"ko": Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")}
FONT_FAMILY = {"ko": "Run On Chart KR"}


def chart_font_path(lang: str) -> Path:
    return LOCALE_DIR / lang / CHART_FONT


def chart_letters(lang: str) -> frozenset[str]:
    """Every character the chart can draw in ``lang``: its words (from the catalogue), digits and ASCII."""
    words = chart_text(texts(lang))
    text = [words.title, words.subtitle, words.no_votes, words.live]
    text += [words.episode(n) for n in range(1, 100)]
    return frozenset("".join(text)) | frozenset(string.printable.strip()) | {" "}


def missing_letters(lang: str) -> list[str]:
    """The chart's characters that ``lang``'s shipped font lacks (needs fontTools, a development dependency)."""
    from fontTools.ttLib import TTFont

    path = chart_font_path(lang)
    if not path.exists():
        return sorted(chart_letters(lang))
    with TTFont(path) as font:
        cmap = font.getBestCmap()
    return sorted(ch for ch in chart_letters(lang) if ord(ch) not in cmap)


def build_font(lang: str, source: Path | None = None) -> Path:
    """Cut the chart's font for ``lang`` down from the full font: only the letters the chart uses."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = source or FONT_SOURCES[lang]
    if not source.exists():
        raise FileNotFoundError(f"{source} is missing: install Debian's fonts-nanum, or pass --source")
    options = subset.Options()
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence records
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]  # VTT hinting sources: not needed to draw
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chart_letters(lang))))
    subsetter.subset(font)
    family = FONT_FAMILY[lang]
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16, 21):
            names.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 6):
            names.setName(family.replace(" ", ""), record.nameID, record.platformID, record.platEncID, record.langID)
    path = chart_font_path(lang)
    font.save(path)
    font.close()
    return path


# -- python -m bot.devtools.locale ----------------------------------------------------------------------------

USAGE = """python -m bot.devtools.locale [update | compile | check | font]

update   extract every message (code and command tree), merge it into each language's .po file, compile
compile  build the .mo files the bot loads from the .po files
check    change nothing; exit 1 naming every missing or fuzzy translation, placeholder mismatch or stale file
font     cut each language's chart font down from the full font (--source FILE, default Debian's fonts-nanum)
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.devtools.locale", description=USAGE.split("\n\n", 1)[1])
    parser.add_argument("action", choices=("update", "compile", "check", "font"), nargs="?", default="update")
    parser.add_argument("--source", type=Path, help="the full font to cut the chart's font from (font)")
    args = parser.parse_args(argv)
    if args.action == "font":
        for lang in FONT_SOURCES:
            path = build_font(lang, args.source)
            print(f"{lang}: wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
        return 0

    if args.action == "compile":
        compile_all()
        print("compiled the message catalogues")
        return 0
    if args.action == "check":
        problems = check()
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s) in the message catalogues" if problems else "message catalogues: OK")
        return 1 if problems else 0
    notes = update()
    print(f"updated {TEMPLATE.name} and the catalogues")
    for note in notes:
        print(f"  - {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
