"""A third language is data: a pseudo-locale the code has never heard of (``en-XA``, generated from the template at
test time, see ``tests/pseudo.py``) runs every command, button and menu with no code change, and every text a member
reads in it comes from its catalogue (nothing is left outside ⟦…⟧ but names, markup and what members typed)."""

from __future__ import annotations

import datetime as dt
import shutil

import discord
import pytest

from bot.catalog import load_catalog
from bot.client import describe_error
from bot.locale import add_language, drop_language, language_of, languages, texts
from bot.standin import DM, close
from tests import pseudo
from tests.conftest import PACK

from .conftest import NOW, _harness, custom_ids, data, tick_at
from .test_korean import LATIN_WORD, MARKUP, PROPER_NAMES, _allowed_phrases, traffic

XA = pseudo.LANG
STAFF = discord.Permissions(
    manage_guild=True, manage_events=True, manage_messages=True, send_messages=True, view_channel=True
)
TYPED = ["Run On Fans", "blorp", "EST", "Ki Seon-gyeom", "snacks", "this scene", "the ending", "again"]


@pytest.fixture
async def xa(clock, backend, tmp_path):
    """The production bot with the pseudo-locale added as data: its message catalogue, and its show-pack twins
    (``show.en-XA.toml``...) in a copy of the pack folder, found and checked by the loader like Korean's; in a server
    whose public posts are in it."""
    add_language(XA, pseudo.catalogue())
    folder = tmp_path / "pack"
    shutil.copytree(PACK, folder)
    pseudo.pack_twins(folder)
    with_pack = load_catalog(folder)
    assert XA in with_pack.translations
    harness, db = await _harness(with_pack, clock, backend, tmp_path)
    await harness.bot.services.guilds.set_language(harness.guild_id, XA, NOW)
    yield harness
    await close(harness)
    await db.close()
    drop_language(XA)


def untranslated(text: str, phrases: list[str]) -> list[str]:
    """Latin words outside every ⟦…⟧, once markup, proper names and what members typed are taken out."""
    rest = MARKUP.sub(" ", pseudo.outside(text))
    for phrase in [*TYPED, *phrases]:
        rest = rest.replace(phrase, " ")
    return [w for w in LATIN_WORD.findall(rest) if w not in PROPER_NAMES]


def test_the_pseudo_locale_is_only_data():
    """Nothing in the code names it: it is found once added, Discord's locale string picks it, and it goes."""
    assert XA not in languages()
    add_language(XA, pseudo.catalogue())
    try:
        assert XA in languages()
        assert language_of(XA) == XA
        assert language_of("en-US") == "en"
        assert language_of("ko") == "ko"
        tr = texts(XA)
        assert tr("Something went wrong on my side (error id `{error_id}`). Please pass the id to the server's "
                  "admins.", error_id="ab12") == (
            "⟦Sóméthíñg wéñt wróñg óñ mý sídé (érrór íd `{error_id}`). Pléásé páss thé íd tó thé sérvér's "
            "ádmíñs.⟧"
        ).replace("{error_id}", "ab12")  # fmt: skip
        # dates: the pattern is the catalogue's, the names CLDR's for the locale's base language
        assert tr.day(dt.date(2026, 11, 27)) == "⟦Fri 27 Nov 2026⟧"
        assert tr.weekday(2) == "⟦Wednesday⟧"
        assert tr.every(2) == "⟦Wédñésdáýs⟧"
        assert tr.relative(dt.timedelta(hours=2)) == "⟦íñ 2 hóúrs⟧"
        assert tr.join(["a", "b", "c"], last="or") == "⟦a, b ór c⟧"
    finally:
        drop_language(XA)
    assert XA not in languages()
    assert language_of(XA) == "en"


def test_the_check_catches_an_untranslated_text():
    phrases = ["Run On"]
    assert untranslated("⟦Yóúr tímé zóñé ís ñów **Asia/Seoul**.⟧", phrases) == []
    assert untranslated("⟦Shárééd bý <@1>⟧ Run On", phrases) == []
    assert untranslated("Shared by <@1>", phrases) == ["Shared", "by"]


async def _tour(h, staff, clock) -> None:
    """A member and a staff member whose Discord is in the pseudo-locale run every command, button and menu."""
    fan = h.member(2000, name="fan")
    # catalogue
    await h.invoke("episode info", episode=6, locale=XA)
    await h.invoke("episode info", episode=1, public=True, locale=XA)
    await h.invoke("episode list", locale=XA)
    await h.click("runon:episodes:page:1:next", locale=XA)
    await h.invoke("recap", episode=3, locale=XA)
    await h.click("runon:recap:3:reveal", locale=XA)
    await h.click("runon:share:recap:3", locale=XA)
    await h.invoke("recap", episode=10, locale=XA)
    await h.invoke("recap", episode=6, public=True, locale=XA)
    await h.invoke("cast lookup", name="Ki Seon-gyeom", locale=XA)
    await h.click("runon:cast:ki-seon-gyeom:reveal", locale=XA)
    await h.click("runon:share:cast:ki-seon-gyeom", locale=XA)
    await h.invoke("cast lookup", name="blorp", locale=XA)
    await h.invoke("cast list", locale=XA)
    await h.invoke("cast list", public=True, locale=XA)
    await h.invoke("about", locale=XA)
    await h.invoke("airing info", locale=XA)
    await h.invoke("airing info", guild_id=DM, locale=XA)
    await h.invoke("airing remind-me", setting="on", locale=XA)
    await h.invoke("airing remind-me", setting="off", locale=XA)
    await h.invoke("airing remind-me", setting="on", guild_id=DM, locale=XA)
    # progress
    await h.invoke("progress show", locale=XA)
    await h.invoke("progress set", episode=2, locale=XA)
    await h.invoke("progress set", episode=16, locale=XA)
    await h.invoke("progress set", episode=0, locale=XA)
    await h.invoke("progress show", locale=XA)
    # time zones
    await h.invoke("timezone set", zone="Asia/Seoul", locale=XA)
    await h.invoke("timezone show", locale=XA)
    await h.invoke("timezone set", zone="EST", locale=XA)
    await h.invoke("timezone set", zone="blorp", locale=XA)
    await h.invoke("timezone clear", locale=XA)
    # setup (staff)
    talk = h.add_channel(701, name="talk")
    airing = h.add_channel(950, name="airing")
    mods = h.add_channel(960, name="mods")
    await h.invoke("setup show", user=staff, locale=XA)
    await h.invoke("setup discussion", channel=talk, user=staff, locale=XA)
    await h.invoke("setup spoilers", line=3, user=staff, locale=XA)
    await h.invoke("setup spoiler-free", user=staff, locale=XA)
    await h.select("runon:setup:spoiler-free", [str(mods.id)], user=staff, locale=XA)
    await h.invoke("setup timezone", zone="Asia/Seoul", user=staff, locale=XA)
    await h.invoke("setup reminders", before="1h, 10m", user=staff, locale=XA)
    await h.invoke("setup reminders", before="blorp", user=staff, locale=XA)
    await h.invoke("setup staff", channel=mods, user=staff, locale=XA)
    await h.invoke("setup airing", channel=airing, user=staff, locale=XA)
    await h.invoke("setup language", language="en", user=staff, locale=XA)
    await h.invoke("setup reset", setting="language", user=staff, locale=XA)
    await h.bot.services.guilds.set_language(h.guild_id, XA, NOW)  # Discord has no choice for a pseudo-locale
    await h.invoke("setup show", user=staff, locale=XA)
    h.enforce_discord_rules = False
    await h.invoke("setup spoilers", line=3, user=fan, locale=XA)
    h.enforce_discord_rules = True
    # catching up
    await h.invoke("catchup", locale=XA)
    await h.click("runon:catchup:show:2000:1:3", locale=XA)
    await h.click("runon:catchup:mark:2000:3", user=h.member(2001, name="other"), locale=XA)
    await h.click("runon:catchup:mark:2000:3", locale=XA)
    await h.invoke("catchup", locale=XA)
    await h.invoke("catchup", guild_id=DM, locale=XA)
    await h.invoke("catchup", to=5, guild_id=DM, locale=XA)
    # episode polls and ratings
    await h.invoke("setup pulse", setting="off", user=staff, locale=XA)
    await h.invoke("setup pulse", setting="on", user=staff, locale=XA)
    await h.invoke("pulse", locale=XA)
    await h.invoke("pulse", episode=9, locale=XA)
    await h.invoke("pulse", episode=2, public=True, locale=XA)
    # discussion and spoilers
    await h.invoke("discuss", episode=2, locale=XA)
    await h.invoke("discuss", episode=2, locale=XA)
    await h.invoke("spoiler", episode=5, text="this scene", locale=XA)
    await h.invoke("spoiler", episode=5, text="again", locale=XA)  # refused: cooldown
    original = h.message_payload("the ending", author=h.member(2500, name="leaker"))
    await h.invoke_message_menu("Spoiler-tag this", original, user=staff, locale=XA)
    [token_id] = custom_ids(data(h))
    await h.select(token_id, ["16"], user=staff, locale=XA)
    # watch parties
    await h.invoke("watchparty create", episodes="3-4", when="friday 8pm", timezone="Asia/Seoul", locale=XA)
    await h.invoke("watchparty create", episodes="3", when="at 9", locale=XA)  # refused: am or pm?
    await h.invoke("watchparty create", episodes="99", when="tomorrow 21:00", locale=XA)
    await h.invoke("watchparty list", locale=XA)
    await h.invoke("watchparty info", party=1, locale=XA)
    friend = h.member(2600, name="friend")
    await h.click("runon:party:1:going", user=friend, locale=XA)
    await h.click("runon:party:1:maybe", user=h.member(2601, name="maybe"), locale=XA)
    await h.click("runon:party:1:declined", user=h.member(2602, name="no"), locale=XA)
    await h.invoke("watchparty edit", party=1, when="tonight 10pm", locale=XA)
    await h.invoke("watchparty edit", party=1, note="snacks", user=h.member(2603, name="x"), locale=XA)
    await h.invoke("watchparty remind-me", setting="on", locale=XA)
    await h.invoke("watchparty remind-me", setting="off", locale=XA)
    await h.invoke("watchparty remind-me", setting="on", offsets="30m", user=friend, locale=XA)
    await h.invoke("calendar server", locale=XA)
    await h.invoke("calendar mine", user=friend, locale=XA)
    await h.invoke("calendar mine", locale=XA)
    await h.invoke("calendar server", guild_id=DM, locale=XA)
    await tick_at(h, clock, NOW)  # the reminder, pinging who is going
    await tick_at(h, clock, NOW + dt.timedelta(minutes=30))  # the friend's own reminder, by DM
    [own] = h.channel_messages(h.dm_channel_id(2600))
    assert own["content"].startswith("⏰ ⟦**Wátçh pártý #1** (⟦épísódés 3-4⟧) stárts <t:")
    await h.invoke("watchparty cancel", party=1, locale=XA)
    # rewatch (staff), with the airing posts and the poll it makes
    await h.invoke("rewatch show", locale=XA)
    await h.invoke("rewatch start", from_="next wednesday", user=staff, locale=XA)
    await h.invoke("rewatch show", locale=XA)
    await h.invoke("rewatch skip-week", user=staff, locale=XA)
    await h.invoke("rewatch pause", user=staff, locale=XA)
    await h.invoke("rewatch resume", user=staff, locale=XA)
    first = (await h.bot.services.rewatch.current(h.guild_id))[1][0].airs_at
    await tick_at(h, clock, first - dt.timedelta(hours=24))
    await tick_at(h, clock, first)
    await h.invoke("pulse", locale=XA)
    await h.invoke("airing remind-me", setting="on", offsets="1d, 30m", locale=XA)
    await h.invoke("rewatch stop", user=staff, locale=XA)
    # autocomplete lines
    for command, focused, value, options in [
        ("watchparty create", "when", "friday 8pm", {"timezone": "Asia/Seoul"}),
        ("watchparty create", "when", "", {}),
        ("watchparty create", "timezone", "seoul", {}),
        ("rewatch start", "from", "next wednesday", {}),
        ("rewatch start", "from", "blorp", {}),
        ("recap", "episode", "1", {}),
        ("cast lookup", "name", "seon", {}),
        ("progress set", "episode", "", {}),
    ]:
        await h.autocomplete(command, focused, value, locale=XA, user=staff, **options)
    # the end: the member deletes their data
    await h.invoke("progress forget", locale=XA)
    await h.click("runon:forget:2000", user=h.member(2001, name="other"), locale=XA)
    await h.click("runon:forget:2000", locale=XA)


async def test_a_member_in_a_language_the_code_never_named_reads_only_its_catalogue(xa, clock, catalog):
    h = xa
    staff = h.member(4000, name="mod", permissions=STAFF)
    await _tour(h, staff, clock)
    assert not h.logged_errors, h.logged_errors
    bugs = [e for e in h.errors if describe_error(e, texts("en")) is None]
    assert not bugs, bugs
    assert not h.bot.services.language.texts(XA).misses  # every message asked for was in its catalogue
    sent = traffic(h)
    assert len(sent) > 200
    phrases = _allowed_phrases(catalog)
    problems = [f"{where}: {stray} in {text!r}" for where, text in sent if (stray := untranslated(text, phrases))]
    assert not problems, "\n".join(problems[:40])
    assert sum(1 for _, text in sent if pseudo.OPEN in text) > len(sent) * 0.6
