"""Stale or forged buttons: "this button is out of date", privately, never an error id."""

import discord
import pytest

from .conftest import EPHEMERAL, custom_ids, data

OUT_OF_DATE = "This button is out of date. Run the command again for a fresh one."
MOD = discord.Permissions(manage_messages=True, send_messages=True, view_channel=True)


def _assert_out_of_date(h):
    answer = data(h)
    assert answer["flags"] == EPHEMERAL
    assert answer["content"] == OUT_OF_DATE
    assert not h.logged_errors


@pytest.mark.parametrize(
    "custom_id",
    [
        "runon:recap:99:reveal",  # episode out of range
        "runon:recap:0:reveal",
        "runon:share:recap:17",
        "runon:cast:nobody-at-all:reveal",  # unknown cast key
        "runon:share:cast:nobody-at-all",
        "runon:party:424242:going",  # a party that does not exist
        f"runon:party:{2**63}:maybe",  # above SQLite's largest id
        f"runon:party:{10**40}:declined",
    ],
)
async def test_stale_or_forged_buttons_are_out_of_date(h, custom_id):
    await h.click(custom_id)
    _assert_out_of_date(h)


async def test_a_party_button_from_another_server_is_out_of_date(h):
    await h.invoke("watchparty create", episodes="1", when="friday 8pm", timezone="Asia/Seoul")
    other = h.add_guild(501, name="Elsewhere")
    h.add_channel(601, guild_id=other.id)
    await h.click("runon:party:1:going", channel_id=601)
    _assert_out_of_date(h)


async def test_a_forged_episode_in_the_retag_menu_is_out_of_date(h):
    original = h.message_payload("she wins", author=h.member(2500, name="leaker"))
    mod = h.member(4100, name="mod", permissions=MOD)
    await h.invoke_message_menu("Spoiler-tag this", original, user=mod)
    [picker] = custom_ids(data(h))
    await h.select(picker, ["99"], user=mod)
    _assert_out_of_date(h)
    assert not [c for c in h.recorder.calls if c.method == "POST" and c.path == "/channels/600/messages"]
