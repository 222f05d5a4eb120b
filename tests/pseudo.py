"""A pseudo-locale for tests: ``en-XA``, every message of the template wrapped in ⟦…⟧ and its letters accented.

It is generated from ``bot/locale/messages.pot`` at test time and given to the bot as data
(:func:`bot.locale.add_language`), so a test can show that a language the code has never heard of runs every
command, button and menu, and that everything a member reads comes from the catalogue: text outside ⟦…⟧ is text
that no catalogue translates.

What stays as written inside a message: ``{placeholders}``, Discord markup (``<t:…>``, ``<@…>``, ``<#…>``), code spans
(a command name is typed as it is), links and Markdown marks. Date patterns (context ``date format``) are LDML: their
letters are fields, so only quoted ⟦…⟧ literals are added around them; the duration joiner is a format too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.catalog import load_catalog
from bot.devtools import locale as tool

LANG = "en-XA"
OPEN, CLOSE = "⟦", "⟧"
_ACCENTS = str.maketrans(
    "aceinouyAEIOUYCN",
    "áçéíñóúýÁÉÍÓÚÝÇÑ",
)
#: Kept as written: placeholders, Discord markup, code spans, links.
_KEEP = re.compile(r"\{[^{}]*\}|<[^<>]+>|`[^`]*`|https?://\S+|(?<![\w/])/[a-z][\w-]*")
_FORMATS = {"date format", "duration"}


def pseudo(text: str) -> str:
    """``Watch party #{party}`` -> ``⟦Ŵátçh párty #{party}⟧`` (placeholders, markup and code kept)."""
    out, last = [], 0
    for kept in _KEEP.finditer(text):
        out.append(text[last : kept.start()].translate(_ACCENTS))
        out.append(kept.group(0))
        last = kept.end()
    out.append(text[last:].translate(_ACCENTS))
    return f"{OPEN}{''.join(out)}{CLOSE}"


def _pseudo_format(context: str | None, text: str) -> str:
    if context == "date format":
        return f"'{OPEN}'{text}'{CLOSE}'"  # quoted literals around the pattern's fields
    return text


def catalogue() -> Catalog:
    """The pseudo-locale's catalogue: every message of the template, translated."""
    with tool.TEMPLATE.open("rb") as fh:
        template = read_po(fh)
    found = Catalog(locale="en", domain="messages")
    for message in template:
        if not message.id:
            continue
        if message.context in _FORMATS:
            string: str | tuple[str, ...] = _pseudo_format(message.context, str(message.id))
        elif isinstance(message.id, list | tuple):
            string = tuple(pseudo(str(part)) for part in message.id)
        else:
            string = pseudo(str(message.id))
        found.add(message.id, string, context=message.context)
    return found


#: A TOML basic string ("…" with backslash escapes), which is also a JSON string.
_TOML_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def pack_twins(folder: Path, *, like: str = "ko") -> None:
    """Write the show pack's pseudo-locale twins into ``folder`` (``show.en-XA.toml``...), made from the ``like``
    language's twins: each of its texts is replaced by its English text, wrapped and accented. The loader then finds
    the language in the folder and checks the twins like any other (items, tags, markers, numbers)."""
    english_of = {value: english for english, value in load_catalog(folder).translations[like].items()}
    for name in ("show", "episodes", "cast"):
        lines = []
        for line in (folder / f"{name}.{like}.toml").read_text(encoding="utf-8").splitlines():
            if not line.lstrip().startswith("#"):
                line = _TOML_STRING.sub(lambda m: _twin_string(m.group(0), english_of), line)
            lines.append(line)
        (folder / f"{name}.{LANG}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _twin_string(written: str, english_of: Mapping[str, str]) -> str:
    value = json.loads(written)
    english = english_of.get(value)
    return written if english is None else json.dumps(pseudo(english), ensure_ascii=False)


def outside(text: str) -> str:
    """What is left of ``text`` once every ⟦…⟧ (nested ones too) is taken out."""
    pattern = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
    while True:
        shorter = pattern.sub(" ", text)
        if shorter == text:
            return text
        text = shorter
