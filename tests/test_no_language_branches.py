"""Adding a language is data: no module of the bot compares with a language's code, so a third language (its
message catalogue, its show-pack twins, its time lexicon) needs no branch in the code. What differs by language is
read from that data: the name order from the catalogue (``Texts.native_first``), the words of the parsers from the
time lexicons.

The scan reads every module of ``bot/`` and ``cogs/`` (the developer tools, the stand-in for Discord and the
playground aside: they name languages to drive the bot) and reports each comparison with a language's code
(``lang == "ko"``, ``code.split("_")[0] != "en"``, ``lang in ("en", "ko")``, ``lang.startswith("ko")``)."""

from __future__ import annotations

import ast
import re
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


HANGUL = re.compile("[\uac00-\ud7a3]")
#: The time grammar's modules that every language's reading goes through: the words, templates and messages of a
#: language are its lexicon file's and its grammar module's (:mod:`bot.services.timeparse.english`, ``.korean``).
GRAMMAR_SHARED = ("reading.py", "placing.py", "phrasing.py", "errors.py")


def language_words(source: str) -> list[tuple[int, str]]:
    """Text in a language's script in a module's code (its docstrings aside): (line, the text)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and HANGUL.search(node.value)
    ]


def test_the_time_grammars_shared_modules_suggest_nothing_in_a_language_of_their_own():
    """The suggestions a refusal makes ("오후 8시", "2027년 12월 2일") come from the grammar's lexicon file, the
    messages that differ from its grammar module: the shared reading and placing code writes no Korean."""
    folder = ROOT / "bot" / "services" / "timeparse"
    found = [
        f"{name}:{line}: {text!r}"
        for name in GRAMMAR_SHARED
        for line, text in language_words((folder / name).read_text(encoding="utf-8"))
    ]
    assert found == []
