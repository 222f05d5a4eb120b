"""Adding a language is data: no module of the bot compares with a language's code, so a third language (its
message catalogue, its show-pack twins, its time lexicon) needs no branch in the code. What differs by language is
read from that data: the name order from the catalogue (``Texts.native_first``), the words of the parsers from the
time lexicons.

The scan reads every module of ``bot/`` and ``cogs/`` (the developer tools, the stand-in for Discord and the
playground aside: they name languages to drive the bot) and reports each comparison with a language's code
(``lang == "ko"``, ``code.split("_")[0] != "en"``, ``lang in ("en", "ko")``, ``lang.startswith("ko")``)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.locale import SHIPPED_NAMES, shipped_languages

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("bot", "cogs")
#: Packages that name languages on purpose: they drive the bot as a member of some language would.
EXEMPT = ("bot/standin", "bot/play", "bot/devtools", "bot/locale/__main__.py")
#: The codes of the languages the bot ships, and their CLDR locales' base codes.
CODES = frozenset(
    code for lang in (*shipped_languages(), *SHIPPED_NAMES) for code in (lang.lower(), lang.split("-")[0].lower())
)


def _code(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.lower().replace("_", "-").rstrip("-")
        if text in CODES:
            return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for element in node.elts:
            found = _code(element)
            if found is not None:
                return found
    return None


def language_branches(source: str) -> list[tuple[int, str]]:
    """Each comparison with a language's code in a module's source: (line, the code)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                code = _code(operand)
                if code is not None:
                    found.append((node.lineno, code))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("startswith", "endswith")
        ):
            for argument in node.args:
                code = _code(argument)
                if code is not None:
                    found.append((node.lineno, code))
        elif isinstance(node, ast.match_case):
            for pattern in ast.walk(node.pattern):
                if isinstance(pattern, ast.MatchValue) and (code := _code(pattern.value)) is not None:
                    found.append((pattern.lineno, code))
    return found


def _modules() -> list[Path]:
    found = []
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not any(relative == exempt or relative.startswith(exempt + "/") for exempt in EXEMPT):
                found.append(path)
    return found


def test_no_module_branches_on_a_language_code():
    modules = _modules()
    assert len(modules) > 50  # the scan sees the bot, not an empty folder
    branches = [
        f"{path.relative_to(ROOT)}:{line}: compares with {code!r}"
        for path in modules
        for line, code in language_branches(path.read_text(encoding="utf-8"))
    ]
    assert branches == []


def test_the_scan_finds_the_branches_it_is_about():
    """The forms a language branch takes are found (the Korean check this replaced was the first of them)."""
    source = """
def korean(cldr):
    return cldr.split("_")[0] == "ko"

def label(lang):
    if lang != "en":
        return 1
    if lang in ("en", "ko"):
        return 2
    if lang.startswith("ko"):
        return 3
    match lang:
        case "ko":
            return 4
    return "ko"  # a value, not a comparison
"""
    assert [line for line, _ in language_branches(source)] == [3, 6, 8, 10, 13]
