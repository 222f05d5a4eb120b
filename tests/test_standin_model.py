"""The stand-in is one model of Discord: both adapters read and write one state through one route table.

These tests run the same request through the in-process adapter (discord.py's own HTTP client, patched) and the
loopback one (a real HTTP server on 127.0.0.1), and check they answer alike: the nonce rule, the permission rule
for scheduled events, unknown messages; and that an adapter sees what the other changed.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import discord
import pytest

import bot.standin
from bot.standin import (
    DEFAULT_CHANNEL_ID,
    DEFAULT_GUILD_ID,
    NONCE_WINDOW_SECONDS,
    ROUTES,
    DiscordState,
    FakeDiscord,
    Harness,
    close,
    payloads,
    start,
)
from tests.test_standin import make_bot

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def h(clock: Clock) -> AsyncIterator[Harness]:
    harness = await start(make_bot(), state=DiscordState(clock=clock))
    yield harness
    await close(harness)


@pytest.fixture
def loopback(clock: Clock) -> Iterator[FakeDiscord]:
    state = DiscordState(clock=clock)
    state.add_guild(DEFAULT_GUILD_ID, channels=[payloads.channel_payload(DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID)])
    with FakeDiscord(state=state) as fake:
        yield fake


def rest(fake: FakeDiscord, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One REST call to the loopback adapter, as the bot's HTTP client makes it."""
    request = urllib.request.Request(
        fake.api_base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bot {fake.token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


async def post_in_process(h: Harness, body: dict[str, Any], channel_id: int = DEFAULT_CHANNEL_ID) -> Any:
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
    return await h.bot.http.request(route, json=body)


# -- one nonce rule, Discord's -----------------------------------------------------------------------


async def test_in_process_a_repeated_nonce_returns_the_first_message_within_the_window_only(h, clock):
    body = {"content": "Episode 3 starts in an hour", "nonce": "reminder-7", "enforce_nonce": True}
    first = await post_in_process(h, body)
    clock.now += NONCE_WINDOW_SECONDS - 1
    again = await post_in_process(h, body)
    assert again["id"] == first["id"]  # a retry inside the window: no second message in the channel
    assert h.discord.duplicates_prevented == 1
    clock.now += 2  # the window has passed: Discord no longer remembers the nonce
    later = await post_in_process(h, body)
    assert later["id"] != first["id"]
    assert len(h.messages_in(DEFAULT_CHANNEL_ID)) == 2


async def test_in_process_a_nonce_without_enforce_nonce_is_not_deduplicated(h):
    body = {"content": "hello", "nonce": "n1"}
    first, second = await post_in_process(h, body), await post_in_process(h, body)
    assert first["id"] != second["id"]


def test_loopback_applies_the_same_nonce_rule(loopback, clock):
    body = {"content": "Episode 3 starts in an hour", "nonce": "reminder-7", "enforce_nonce": True}
    path = f"/channels/{DEFAULT_CHANNEL_ID}/messages"
    _, first = rest(loopback, "POST", path, body)
    clock.now += NONCE_WINDOW_SECONDS - 1
    _, again = rest(loopback, "POST", path, body)
    assert again["id"] == first["id"]
    clock.now += 2
    _, later = rest(loopback, "POST", path, body)
    assert later["id"] != first["id"]
    assert len(loopback.messages[DEFAULT_CHANNEL_ID]) == 2


# -- the same rules through both adapters -----------------------------------------------------------


async def test_both_adapters_refuse_a_scheduled_event_without_create_events(h, loopback):
    body = {"name": "Run On rewatch", "entity_type": 3, "privacy_level": 2, "entity_metadata": {"location": "here"},
            "scheduled_start_time": payloads.iso(), "scheduled_end_time": payloads.iso()}  # fmt: skip
    h.set_bot_permissions(discord.Permissions(manage_events=True, view_channel=True))
    route = discord.http.Route("POST", "/guilds/{guild_id}/scheduled-events", guild_id=DEFAULT_GUILD_ID)
    with pytest.raises(discord.Forbidden):
        await h.bot.http.request(route, json=body)

    state = loopback.state
    bot_role = state.bot_roles[DEFAULT_GUILD_ID]
    state.set_role_permissions(DEFAULT_GUILD_ID, bot_role, discord.Permissions(manage_events=True).value)
    status, answer = rest(loopback, "POST", f"/guilds/{DEFAULT_GUILD_ID}/scheduled-events", body)
    assert (status, answer["code"]) == (403, 50013)
    state.set_role_permissions(DEFAULT_GUILD_ID, bot_role, discord.Permissions(create_events=True).value)
    status, answer = rest(loopback, "POST", f"/guilds/{DEFAULT_GUILD_ID}/scheduled-events", body)
    assert status == 200
    assert answer["name"] == "Run On rewatch"


async def test_both_adapters_answer_an_unknown_message_with_discords_error(h, loopback):
    route = discord.http.Route("GET", "/channels/{c}/messages/{m}", c=DEFAULT_CHANNEL_ID, m=123)
    with pytest.raises(discord.NotFound) as refused:
        await h.bot.http.request(route)
    assert refused.value.code == 10008
    status, answer = rest(loopback, "GET", f"/channels/{DEFAULT_CHANNEL_ID}/messages/123")
    assert (status, answer["code"]) == (404, 10008)


def test_loopback_answers_a_route_it_does_not_know_with_404(loopback):
    status, _ = rest(loopback, "POST", f"/channels/{DEFAULT_CHANNEL_ID}/webhooks", {"name": "x"})
    assert status == 404


async def test_one_state_behind_both_adapters(clock):
    """A message the real process posts over loopback is in the state the in-process harness reads, and a
    channel renamed over loopback reaches the in-process bot's cache as CHANNEL_UPDATE."""
    state = DiscordState(clock=clock)
    h = await start(make_bot(), state=state)
    try:
        with FakeDiscord(state=state) as fake:
            _, posted = rest(fake, "POST", f"/channels/{DEFAULT_CHANNEL_ID}/messages", {"content": "from afar"})
            assert [m["content"] for m in h.messages_in(DEFAULT_CHANNEL_ID)] == ["from afar"]
            assert fake.messages[DEFAULT_CHANNEL_ID][0]["id"] == posted["id"]
            status, _ = rest(fake, "PATCH", f"/channels/{DEFAULT_CHANNEL_ID}", {"name": "run-on-rewatch"})
            assert status == 200
        channel = h.guild.get_channel(DEFAULT_CHANNEL_ID)
        assert channel is not None
        assert channel.name == "run-on-rewatch"
    finally:
        await close(h)


# -- the route table and the package's boundaries ---------------------------------------------------


def test_every_route_is_declared_once():
    keys = [(route.method, route.template) for route in ROUTES]
    assert len(keys) == len(set(keys))


def test_the_stand_in_imports_nothing_from_the_bot():
    """``bot.standin`` models Discord, not this bot, so the playground can ship it: importing it loads no other
    project module."""
    code = (
        "import sys, bot.standin; "
        "print([m for m in sys.modules if m.split('.')[0] in ('bot', 'cogs', 'tests') "
        "and m != 'bot' and not m.startswith('bot.standin')])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


def _standin_imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot.standin"):
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bot.standin."):
                    yield alias.name, []


@pytest.mark.parametrize("folder", ["tests", "bench"])
def test_tests_and_benchmarks_use_only_the_public_api(folder):
    public = set(bot.standin.__all__)
    wrong: list[str] = []
    check: Callable[[str], bool] = lambda name: name in public  # noqa: E731
    for path in sorted((ROOT / folder).rglob("*.py")):
        for module, names in _standin_imports(path):
            if module != "bot.standin" or not all(map(check, names)):
                wrong.append(f"{path.relative_to(ROOT)}: from {module} import {', '.join(names)}")
    assert wrong == []
