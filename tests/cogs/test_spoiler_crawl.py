"""The spoiler crawl: every answer that can carry a plot point, at every progress 0-16, in English and Korean, and no
plot point beyond the reader's line is ever readable without a click.

A reader at progress P in a server whose spoiler line is P asks for everything: each episode's recap (and, where it
is gated, presses "Show anyway"), each cast card (and "Show hidden notes"), the same posted publicly and shared with
the button, the episode guide, and the catch-up to the finale (every page). Every message the bot sent or changed is
then read as Discord's client shows it before a click (:func:`bot.standin.assertions.visible_text`): text inside a
container sent with ``spoiler: true`` is blurred, a span inside ``||tags||`` too; everything else is in plain view.
The plot points are the show pack's own: every recap point and every story note, with the episode it reveals, in the
reader's language. (A cast member's description is not one: the pack's loader holds it to what episode 1 shows, and
the card always shows it.) Each message also had to pass the stand-in's Components V2 rules (40 components, 4,000
characters, no content next to a layout), or the answer would not have been sent at all.
"""

from __future__ import annotations

import discord
import pytest

from bot.standin import assertions

from .conftest import custom_ids, data, set_progress

STAFF = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
LANGUAGES = ["en-US", "ko"]


def plot_points(catalog, language: str) -> list[tuple[int, str, str]]:
    """(the episode it reveals, where it comes from, how the reader reads it) for every plot point of the pack."""
    pack = catalog.translations.get("ko", {}) if language == "ko" else {}
    points = [(item.reveals, f"recap {e.number}", item.text) for e in catalog.episodes for item in e.recap]
    points += [(arc.reveals, f"cast {p.key}", arc.text) for p in catalog.people for arc in p.arcs]
    return [(reveals, where, pack.get(text, text)) for reveals, where, text in points]


def probe(text: str) -> str:
    """What must not be readable: the point's first 40 characters (a point cut short still leaks its start)."""
    return text[:40]


async def _press(h, payload, prefix, locale):
    for custom_id in custom_ids(payload):
        if custom_id.startswith(prefix):
            await h.click(custom_id, locale=locale, ephemeral_message=True)


async def _ask_everything(h, catalog, locale):
    for episode in catalog.episodes:
        await h.invoke("recap", episode=episode.number, locale=locale)
        await _press(h, data(h), "runon:recap:", locale)  # "Show episode N anyway"
        await h.invoke("recap", episode=episode.number, public=True, locale=locale)
        await h.click(f"runon:share:recap:{episode.number}", locale=locale)
        await h.invoke("episode info", episode=episode.number, locale=locale)
    await h.invoke("episode list", locale=locale)
    await h.click("runon:episodes:page:1:next", locale=locale, ephemeral_message=True)
    for person in catalog.people:
        await h.invoke("cast lookup", name=person.key, locale=locale)
        await _press(h, data(h), "runon:cast:", locale)  # "Show hidden notes"
        await h.invoke("cast lookup", name=person.key, public=True, locale=locale)
        await h.click(f"runon:share:cast:{person.key}", locale=locale)
    await h.invoke("catchup", to=catalog.episode_count, locale=locale)
    await _press(h, data(h), "runon:catchup:show:", locale)
    for _ in range(catalog.episode_count):  # every page of the digest
        page = data(h)
        following = [
            c for c in custom_ids(page) if c.endswith(":next") and not assertions.component(page, c).get("disabled")
        ]
        if not following:
            break
        await h.click(following[0], locale=locale, ephemeral_message=True)


def _sent(h) -> list[dict]:
    """Every message body the bot sent or changed: answers, follow-ups, edits, channel posts."""
    out = []
    for response in h.responses():
        body = response.get("data", response) if response["kind"] == "callback" else response
        if isinstance(body, dict) and (body.get("content") or body.get("embeds") or body.get("components")):
            out.append(body)
    return out + assertions.channel_messages(h.recorder.calls)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("progress", range(17))
async def test_no_plot_point_beyond_the_line_is_readable_without_a_click(h, catalog, language, progress):
    staff = h.member(4000, name="mod", permissions=STAFF)
    await h.invoke("setup spoilers", user=staff, line=progress)
    if progress:
        await set_progress(h, progress)
    locale = "ko" if language == "ko" else "en-US"
    start = len(h.recorder.calls)
    await _ask_everything(h, catalog, locale)
    assert not [c for c in h.recorder.calls[start:] if c.status >= 400], "Discord refused an answer"
    sent = _sent(h)
    assert len(sent) > 4 * len(catalog.episodes) + 3 * len(catalog.people)  # every answer was given
    beyond = [(reveals, where, text) for reveals, where, text in plot_points(catalog, language) if reveals > progress]
    leaks = []
    for body in sent:
        shown = assertions.visible_text(body)
        leaks += [
            f"{where} (episode {reveals}): {text[:60]!r}" for reveals, where, text in beyond if probe(text) in shown
        ]
    assert not leaks, "\n".join(leaks[:10])
    if beyond:  # the blurred blocks hold them: the crawl reads real answers, not empty ones
        blurred = "\n".join(assertions.blurred_text(body) for body in sent)
        assert all(probe(text) in blurred for _, _, text in beyond)
