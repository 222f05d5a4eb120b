"""The paced sender against a Discord-like transport: pacing, retries, fairness, the nonce window."""

import asyncio
import datetime as dt

import pytest

from bot.reminders import Delivered, Expired, Outgoing, PacedSender, Postponed, Refused, SenderOptions, TransportError

from .conftest import QUICK, T0


def post(channel=600, guild=1, nonce="n1", **kwargs):
    return Outgoing("hello", guild, channel_id=channel, nonce=nonce, **kwargs)


async def test_a_post_is_delivered_and_a_refusal_is_final(sender, discord_):
    assert isinstance(await sender.send(post()), Delivered)
    discord_.faults["c601"] = [TransportError("refused", "403 (error code: 50013)", status=403, code=50013)]
    result = await sender.send(post(channel=601))
    assert result == Refused("missing_permissions", "403 (error code: 50013)", 50013, 403)
    assert len([p for p in discord_.posts if p[0] == "c601"]) == 1  # never retried


async def test_a_429_waits_for_retry_after_and_is_never_a_failure(sender, discord_):
    discord_.faults["c600"] = [TransportError("rate_limited", "429", retry_after=0.2)] * 3
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await sender.send(post())
    assert isinstance(result, Delivered)
    assert loop.time() - started >= 0.6  # three waits of retry_after
    assert sender.stats.rate_limited == 3
    assert {nonce for _, nonce, _ in discord_.posts} == {"n1"}  # the same nonce every time


async def test_transient_failures_are_retried_and_a_lost_answer_is_not_posted_twice(sender, discord_):
    discord_.faults["c600"] = [
        TransportError("transient", "connection reset", ambiguous=True),
        TransportError("transient", "502", status=502, ambiguous=True),
    ]
    discord_.after_post = [TransportError("transient", "server disconnected", ambiguous=True)]
    result = await sender.send(post())
    assert isinstance(result, Delivered)
    assert len(discord_.posts) == 4  # reset, 502, posted-but-answer-lost, the retry Discord deduplicates
    assert discord_.created == 1  # one message in the channel


async def test_past_the_nonce_window_an_unconfirmed_post_is_not_sent_again(clock, discord_):
    options = SenderOptions(
        global_limit=100_000, channel_burst=100_000, backoff_first=0.05, backoff_max=0.05, nonce_window=0.12
    )
    sender = PacedSender(discord_, options=options, wall_clock=clock)
    discord_.faults["c600"] = [TransportError("transient", "timeout", ambiguous=True)] * 10
    result = await sender.send(post())
    assert isinstance(result, Refused)
    assert result.problem == "unconfirmed"
    assert len(discord_.posts) <= 4


async def test_an_item_whose_moment_passes_while_rate_limited_expires(sender, discord_, clock):
    discord_.faults["c600"] = [TransportError("rate_limited", "429", retry_after=0.3)]

    async def time_passes():
        await asyncio.sleep(0.1)
        clock.advance(minutes=5)

    result, _ = await asyncio.gather(sender.send(post(deadline=T0 + dt.timedelta(minutes=1))), time_passes())
    assert isinstance(result, Expired)
    assert "429" in result.detail


async def test_pacing_spaces_posts_under_the_global_limit(clock, discord_):
    sender = PacedSender(discord_, options=SenderOptions(global_limit=100, share=0.9), wall_clock=clock)
    loop = asyncio.get_running_loop()
    started = loop.time()
    results = await asyncio.gather(*(sender.send(post(channel=1000 + i, guild=i)) for i in range(45)))
    elapsed = loop.time() - started
    assert all(isinstance(r, Delivered) for r in results)
    assert elapsed >= 44 / 90 * 0.95  # 90 a second: 45 posts take about half a second, not less


async def test_one_channel_is_held_to_its_bucket_without_holding_others(clock, discord_):
    options = SenderOptions(global_limit=100_000, channel_burst=2, channel_window=0.5)
    sender = PacedSender(discord_, options=options, wall_clock=clock)
    loop = asyncio.get_running_loop()
    finished: dict[str, float] = {}

    async def timed(item, name):
        await sender.send(item)
        finished[name] = loop.time()

    started = loop.time()
    await asyncio.gather(
        *(timed(post(channel=600, nonce=f"busy{i}"), f"busy{i}") for i in range(5)),
        timed(post(channel=700, guild=2, nonce="other"), "other"),
    )
    assert finished["other"] < finished["busy2"]  # not stuck behind the busy channel's window
    assert finished["busy4"] - started >= 1.0  # 5 posts at 2 per half second


async def test_a_slow_server_cannot_hold_up_the_others(clock, discord_):
    options = SenderOptions(global_limit=100_000, channel_burst=100_000, max_in_flight=8, per_guild_in_flight=2,
                            request_timeout=5.0)  # fmt: skip
    sender = PacedSender(discord_, options=options, wall_clock=clock)
    for channel in range(8):
        discord_.faults[f"c{channel}"] = [0.5]  # every post of server 1 takes half a second
    loop = asyncio.get_running_loop()
    slow_done: list[float] = []

    async def slow_post(channel: int) -> None:
        await sender.send(post(channel=channel, guild=1, nonce=f"s{channel}"))
        slow_done.append(loop.time())

    slow = [asyncio.create_task(slow_post(c)) for c in range(8)]
    await asyncio.sleep(0.05)
    healthy = await sender.send(post(channel=900, guild=2, nonce="fast"))
    healthy_done = loop.time()
    assert isinstance(healthy, Delivered)
    await asyncio.gather(*slow)
    # Not behind server 1's eight slow posts (2 in flight at a time: four rounds of half a second): at most the first
    # pair, already in flight, can finish before it.
    assert sum(done < healthy_done for done in slow_done) <= 2


async def test_closing_postpones_what_is_queued(clock, discord_):
    sender = PacedSender(discord_, options=SenderOptions(global_limit=10, share=1.0), wall_clock=clock)
    pending = [asyncio.create_task(sender.send(post(channel=c, nonce=f"x{c}"))) for c in range(10)]
    await asyncio.sleep(0.05)
    await sender.close(grace=0.5)
    results = await asyncio.gather(*pending)
    assert any(isinstance(r, Delivered) for r in results)
    assert any(isinstance(r, Postponed) for r in results)
    assert isinstance(await sender.send(post()), Postponed)


@pytest.mark.parametrize("nonce", [None, "n"])
async def test_outgoing_goes_to_exactly_one_place(nonce):
    with pytest.raises(ValueError, match="exactly one"):
        Outgoing("x", 1, channel_id=1, user_id=2, nonce=nonce)
    assert QUICK.rate > 1000


async def test_a_request_is_paced_waits_out_a_429_and_returns_discords_answer(sender):
    """AutoMod requests (anything but a post) go through the same sender: a 429 is "later", a refusal is final."""
    from bot.reminders.model import Answered, Request

    answers = [TransportError("rate_limited", "429", retry_after=0.1), {"id": "42"}]
    calls = []

    async def run():
        calls.append(1)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await sender.call(Request(1, run, "create a rule", route="automod"))
    assert result == Answered({"id": "42"})
    assert len(calls) == 2
    assert loop.time() - started >= 0.1
    assert sender.stats.rate_limited == 1

    async def refused():
        raise TransportError("refused", "403 (error code: 50013)", status=403, code=50013)

    assert await sender.call(Request(1, refused, "list rules")) == Refused(
        "missing_permissions", "403 (error code: 50013)", 50013, 403
    )
