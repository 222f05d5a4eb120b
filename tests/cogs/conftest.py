import datetime as dt

import pytest

from bot.app import App
from bot.client import RunOnBot
from bot.reminders import SenderOptions
from bot.standin import Harness, assertions, close, start
from tests.conftest import FakeClock, open_database

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)

#: Pacing off for tests that are not about it: no 45-a-second spacing, no 5-per-channel window, quick retries.
UNPACED = SenderOptions(
    global_limit=100_000, channel_burst=100_000, request_timeout=2.0, backoff_first=0.01, backoff_max=0.05
)


async def _harness(catalog, clock, backend, folder, sender=UNPACED):
    db = await open_database(backend, folder)
    bot = RunOnBot(App(catalog, db, clock, sender=sender))
    harness = await start(bot)
    harness.db = db  # type: ignore[attr-defined]  # for tests that look at or break the store underneath
    return harness, db


@pytest.fixture
def clock():
    return FakeClock(NOW)


@pytest.fixture
async def h(catalog, clock, backend, tmp_path):
    """The production bot and tree over the real pack, a real database (a SQLite file unless the module asks
    for both backends) and an injected clock."""
    harness, db = await _harness(catalog, clock, backend, tmp_path)
    yield harness
    await close(harness)
    await db.close()


@pytest.fixture
async def future_h(future_catalog, clock, backend, tmp_path):
    """Same, over a pack whose run lies in the future."""
    harness, db = await _harness(future_catalog, clock, backend, tmp_path)
    yield harness
    await close(harness)
    await db.close()


def data(harness: Harness) -> dict:
    """The message data of the last interaction response."""
    response = harness.last_response()
    return response.get("data", response)


def text_of(payload: dict) -> str:
    """Everything a member reads in a message: content, embed titles, descriptions, fields, footers, text displays
    (blurred ones too)."""
    return assertions.message_text(payload)


def visible(payload: dict) -> str:
    """What a member sees before revealing anything: outside spoiler containers, ``||tagged||`` spans taken out."""
    return assertions.visible_text(payload)


def blurred(payload: dict) -> str:
    """The text inside the message's spoiler containers."""
    return assertions.blurred_text(payload)


COMPONENTS_V2 = 1 << 15


def custom_ids(payload: dict) -> list[str]:
    return [c["custom_id"] for c in assertions.components(payload) if "custom_id" in c]


EPHEMERAL = 64
NO_MENTIONS = {"parse": []}


async def set_progress(harness: Harness, episode: int, user=None) -> None:
    await harness.invoke("progress set", episode=episode, user=user)


async def tick_at(harness: Harness, clock: FakeClock, moment: dt.datetime):
    """Run the reminder loop's body once at ``moment`` (and wait for every delivery it starts)."""
    clock.now = moment
    return await harness.bot.services.reminders.tick()


async def reminder_rows(harness: Harness, kind: str, ref_id: int):
    from bot.store import reminders

    async with harness.db.read() as conn:  # type: ignore[attr-defined]
        return await reminders.for_ref(conn, kind, ref_id)


def spoiler_blocks(payload: dict) -> list[tuple[str, str]]:
    """A layout message's blurred blocks: (the text display just above the spoiler container, the container's text),
    in order. Asserts the message is a Components V2 one."""
    assert int(payload.get("flags") or 0) & COMPONENTS_V2, "not a layout (Components V2) message"
    out = []
    top = payload.get("components") or []
    for index, component in enumerate(top):
        if component.get("type") == 17 and component.get("spoiler"):
            before = top[index - 1] if index else {}
            label = before.get("content", "") if before.get("type") == 10 else ""
            inner = "\n".join(c.get("content", "") for c in assertions.components(component) if c["type"] == 10)
            out.append((label, inner))
    return out


def labels(payload: dict) -> list[str]:
    """The "Spoilers: episode N" labels above a layout's blurred blocks, without their bold markup."""
    return [label.strip("*").split("** ·")[0] for label, _ in spoiler_blocks(payload)]


def title_of(payload: dict) -> str:
    """An answer's title: its embed's, or a layout's ``## heading``."""
    if payload.get("embeds"):
        return payload["embeds"][0]["title"]
    for component in assertions.components(payload):
        for line in (component.get("content") or "").splitlines() if component.get("type") == 10 else []:
            if line.startswith("## "):
                return line.removeprefix("## ")
    raise AssertionError("no title")


def card_fields(answer: dict) -> dict:
    """A cast card's safe part, as sections by their bold heading: ``{"title": ..., "Played by": ..., "Role": ...,
    "about": ..., "Story notes": [lines], "Hidden": ...}``."""
    assert answer["flags"] & COMPONENTS_V2
    [card] = [c for c in answer["components"] if c["type"] == 17 and not c.get("spoiler")]
    [text] = [c["content"] for c in card["components"] if c["type"] == 10]
    title, facts, about, *rest = text.split("\n\n")
    out = {"title": title.removeprefix("## "), "about": about}
    for fact in facts.splitlines():
        name, value = fact.split(": ", 1)
        out[name.strip("*")] = value
    for index, section in enumerate(rest):  # the story notes (lines), then what is hidden and why
        heading, _, body = section.partition("\n")
        out[heading.strip("*")] = body.splitlines() if index == 0 else body
    return out
