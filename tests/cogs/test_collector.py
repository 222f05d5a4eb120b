"""The garbage collector is held back while ``python -m bot`` starts (bot/__main__.py) and always comes back: at once
for a command that is not ``run``, after READY for the running bot, and after a cap if READY never comes. A bot whose
collector stayed off would grow without bound over days of reference cycles (aiohttp's, asyncio's, tracebacks')."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Iterator

import pytest

from bot import __main__ as entry
from bot import cli, client
from bot.app import App
from bot.client import RunOnBot
from bot.store import Database


@pytest.fixture
def collector_back() -> Iterator[None]:
    """Whatever a test does to the collector, the test process gets it back running and unfrozen."""
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_command_other_than_run_resumes_the_collector_at_once(monkeypatch, collector_back):
    seen: list[bool] = []

    def play(argv: list[str]) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cli, "play", play)
    monkeypatch.setattr(sys, "argv", ["runon-bot", "play"])
    assert entry.main() == 0
    assert seen == [True]


async def test_the_running_bot_resumes_it_with_its_freeze_after_ready(catalog, clock, monkeypatch, collector_back):
    monkeypatch.setattr(client, "FREEZE_AFTER_READY", 0.0)
    db = await Database.open(":memory:")
    try:
        bot = RunOnBot(App(catalog, db, clock), background_tasks=True)
        gc.disable()  # as bot/__main__.py leaves it for ``run``
        await bot.on_ready()
        assert not gc.isenabled()  # not in the middle of the first answers
        for _ in range(20):
            await asyncio.sleep(0.01)
            if gc.isenabled():
                break
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what the start made is out of the collector's sight
    finally:
        await db.close()


async def test_it_comes_back_even_if_ready_never_does(catalog, clock, monkeypatch, collector_back):
    monkeypatch.setattr(client, "COLLECTOR_HELD_AT_MOST", 0.0)
    db = await Database.open(":memory:")
    try:
        bot = RunOnBot(App(catalog, db, clock), background_tasks=True)
        monkeypatch.setattr(bot, "load_features", _nothing)
        gc.disable()
        await bot.setup_hook()
        await asyncio.sleep(0.01)
        assert gc.isenabled()
    finally:
        await db.close()


async def _nothing() -> None:
    return None
