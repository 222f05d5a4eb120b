"""The layers hold: importing a pure rule loads only what it uses (never the database, the reminder loop or
discord.py), and the program's subcommands, the composition root and the reminder loop are wired as one table each.

``lint-imports`` (CI, after mypy) checks the import contracts in pyproject.toml; these tests check what a process
actually loads, in a fresh interpreter each."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "aiosqlite", "asyncpg", "discord", "aiohttp", "PIL")

#: Each pure service module, and exactly the project modules importing it loads.
PURE = {
    "bot.services.spoilers": {"bot", "bot.catalog", "bot.services", "bot.services.spoilers"},
    "bot.services.airing": {"bot", "bot.catalog", "bot.services", "bot.services.airing"},
    "bot.services.cast_search": {
        "bot",
        "bot.catalog",
        "bot.errors",
        "bot.locale",
        "bot.locale.particles",
        "bot.services",
        "bot.services.cast_search",
    },
    "bot.services.chart": {"bot", "bot.services", "bot.services.chart"},
    "bot.services.locks": {"bot", "bot.services", "bot.services.locks"},
}
#: The time grammar and the zone tables (becoming packages of their own): only themselves and the basics.
GRAMMAR = ("bot.services.timeparse", "bot.services.zones")
BASICS = {"bot", "bot.errors", "bot.locale", "bot.locale.particles", "bot.services"}


def loaded_by(module: str) -> tuple[set[str], set[str]]:
    """The project modules and the heavy libraries a fresh interpreter has loaded after ``import module``."""
    code = (
        f"import json, sys; import {module}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('bot', 'cogs'))));"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    project, heavy = result.stdout.splitlines()
    return set(json.loads(project)), set(json.loads(heavy))


@pytest.mark.parametrize("module", sorted(PURE))
def test_a_pure_service_loads_only_what_it_uses(module):
    project, heavy = loaded_by(module)
    assert project == PURE[module]
    assert heavy == set()


@pytest.mark.parametrize("module", GRAMMAR)
def test_the_time_grammar_loads_only_itself_and_the_basics(module):
    project, heavy = loaded_by(module)
    outside = {m for m in project - BASICS if not m.startswith(GRAMMAR)}
    assert outside == set()
    assert module in project
    assert heavy == set()


def test_the_queue_machinery_knows_no_discord_and_no_delivery():
    project, heavy = loaded_by("bot.reminders.scheduler")
    assert "discord" not in heavy
    assert not {m for m in project if m.startswith(("bot.deliveries", "bot.services", "bot.client", "bot.app"))}


def test_the_services_package_imports_nothing():
    project, heavy = loaded_by("bot.services")
    assert project == {"bot", "bot.services"}
    assert heavy == set()


def test_the_composition_root_has_exactly_one_delivery_for_every_reminder_kind():
    """Every :class:`ReminderKind` has its own delivery in the root's one table, and the table delivers nothing else
    (a kind without one would fail at its moment with "no delivery registered")."""
    from bot import app
    from bot.statuses import ReminderKind

    table = app.deliveries(**dict.fromkeys(inspect.signature(app.deliveries).parameters))
    assert sorted(table) == sorted(ReminderKind)
    assert all(isinstance(kind, ReminderKind) for kind in table)
    assert len({id(delivery) for delivery in table.values()}) == len(ReminderKind)  # one each, none shared
    assert all(callable(getattr(delivery, "deliver", None)) for delivery in table.values())


#: What a bot on SQLite must never load: the SQL toolkit (its async engine and statement compiler: 16 MiB and 135 ms
#: of every start), the migrations tool and its templates, PostgreSQL's driver.
NOT_ON_SQLITE = ("sqlalchemy", "alembic", "mako", "asyncpg")


def test_a_bot_on_sqlite_answers_members_without_loading_sqlalchemy(tmp_path):
    """The running bot's whole path on an up-to-date SQLite file: the program's ``run`` and the client imported, every
    cog loaded, the database opened, a /progress set, a /watchparty create and an RSVP click answered (writes, reads,
    a whole unit of work on the database thread); none of it loads SQLAlchemy, Alembic or PostgreSQL's driver."""
    path = tmp_path / "bot.sqlite3"
    migrate = f"import asyncio; from bot.store import Database; asyncio.run(Database.open({str(path)!r}))"
    subprocess.run([sys.executable, "-c", migrate], cwd=ROOT, check=True, timeout=60)  # the bot finds it up to date
    script = f"""
import asyncio, datetime as dt, json, sys
from pathlib import Path
import bot.cli.run, bot.client
from bot.app import App
from bot.catalog import load_catalog
from bot.client import EXTENSIONS, RunOnBot
from bot.standin import assertions, close, start
from bot.store import Database

def answer(h):
    response = h.last_response()
    return assertions.message_text(response.get("data", response))

async def main():
    db = await Database.open({str(path)!r})
    now = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
    h = await start(RunOnBot(App(load_catalog(Path("data/run_on")), db, lambda: now)))
    answers = []
    await h.invoke("progress set", episode=6)
    answers.append(answer(h))
    await h.invoke("watchparty create", episodes="3", when="2026-12-02 20:30", timezone="Asia/Seoul")
    answers.append(answer(h))
    await h.click("runon:party:1:going", user=h.member(3001, name="fan"))
    answers.append(answer(h))
    async with db.read() as conn:
        rows = [(await conn.execute(f"SELECT COUNT(*) FROM {{t}}")).scalar() for t in ("member_progress", "rsvps")]
    loaded = sorted(h.bot.extensions) == sorted(EXTENSIONS)
    await close(h)
    await db.close()
    print(json.dumps([answers, rows, loaded, h.errors == []]))

asyncio.run(main())
print(json.dumps(sorted(m for m in {NOT_ON_SQLITE!r} if m in sys.modules)))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    ran, heavy = (json.loads(line) for line in result.stdout.splitlines()[-2:])
    answers, rows, every_cog, no_errors = ran
    assert "6" in answers[0], answers  # each interaction answered: the episode set, the party posted, the RSVP
    assert "3" in answers[1], answers
    assert answers[2], answers
    assert rows == [1, 2]  # the member's episode; the host and the fan going
    assert every_cog
    assert no_errors
    assert heavy == []


#: What a feature loads when it is first used, never at start-up: the time grammar (a time typed), Pillow (a ratings
#: chart), icalendar (a calendar file), Alembic (a migration due), the PostgreSQL dialect (a PostgreSQL database),
#: Babel's dates (a date written in words) and its catalogue model (the compiled catalogues are read without it),
#: rapidfuzz (a name or a zone looked up by spelling).
FIRST_USE = (
    "rapidfuzz",
    "babel.dates",
    "babel.messages",
    "bot.services.timeparse.english",
    "bot.services.timeparse.korean",
    "PIL",
    "icalendar",
    "alembic",
    "sqlalchemy.dialects.postgresql",
    "asyncpg",
)


def test_starting_the_bot_loads_no_feature_before_its_first_use():
    code = (
        "import importlib, json, sys; import bot.cli.run, bot.client; "
        "[importlib.import_module(name) for name in bot.client.EXTENSIONS]; "
        f"print(json.dumps(sorted(m for m in {FIRST_USE!r} if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_grammar_loads_when_a_time_is_first_read():
    code = (
        "import sys; from bot.services import timeparse; from bot.services.timeparse import lexicon; "
        "before = 'bot.services.timeparse.english' in sys.modules; "
        "import datetime as dt, zoneinfo; "
        "now = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC); "
        "print(before, timeparse.parse_when('in 2 hours', zoneinfo.ZoneInfo('Asia/Seoul'), now).isoformat())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "2026-12-02T14:00:00+00:00"]
