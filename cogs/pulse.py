"""/pulse: how the server rated each episode, as a chart (only episodes the viewer has watched); the
listeners that keep open polls' live counts; and the loop that stores closed polls' results (read from Discord by
:class:`bot.transport.DiscordPollReader`, which the composition root gives the pulse service).

Polls need no privileged intent: vote events come with the Guild Message Polls intent (``guild_polls``),
and results are read with a plain message fetch once the poll closed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import Services
from bot.client import RunOnBot
from bot.errors import UserError
from bot.services.chart import Bar, ChartText, chart_font, render
from bot.services.pulse import EpisodePulse, PollState

from .common import PUBLIC_DESCRIBE, EpisodeOption, Interaction, Texts, answer_texts, public_line, send, ts

log = logging.getLogger(__name__)
IDLE_CHECK = 300.0  # seconds: the loop looks for closed polls at least this often
ALT_TEXT_LIMIT = 1024  # Discord's limit for an attachment's description
PULSE_RATE, PULSE_PER = 4, 60.0  # /pulse answers a member this often


def chart_text(tr: Texts) -> ChartText:
    """Every word on the chart, in the reader's language (and a font that has its letters)."""
    return ChartText(
        title=tr("Run On: how this server rated each episode"),
        subtitle=tr("Average stars (1 to 5) from the episode polls; the number of votes under each episode"),
        episode=lambda n: tr("Ep {n}", n=n),
        votes=str,
        no_votes=tr("no poll"),
        live=tr("open"),
        font=chart_font(tr.lang),
    )


def _stars(average: float) -> str:
    return f"{average:.1f}"


def stars_text(tr: Texts, pulse: EpisodePulse) -> str:
    average = pulse.average
    if average is None:
        return tr("no votes")
    return tr.plural(
        "{average} stars on average from {n} vote",
        "{average} stars on average from {n} votes",
        pulse.votes,
        average=_stars(average),
        n=pulse.votes,
    )


def alt_text(tr: Texts, bars: list[Bar], last: int) -> str:
    parts = []
    for bar in bars:
        if bar.average is None:
            parts.append(tr("episode {n}: no votes", n=bar.episode))
        elif bar.final:
            parts.append(
                tr("episode {n}: {average} stars, {votes} votes", n=bar.episode, average=_stars(bar.average),
                   votes=bar.votes)
            )  # fmt: skip
        else:
            parts.append(
                tr("episode {n}: {average} stars, {votes} votes, poll still open", n=bar.episode,
                   average=_stars(bar.average), votes=bar.votes)
            )  # fmt: skip
    text = (
        tr("Bar chart of the server's average rating of Run On episodes 1 to {last}, out of 5 stars.", last=last)
        + " "
        + "; ".join(parts)
    )
    return text if len(text) <= ALT_TEXT_LIMIT else text[: ALT_TEXT_LIMIT - 1] + "\N{HORIZONTAL ELLIPSIS}"


def episode_text(tr: Texts, number: int, pulse: EpisodePulse | None) -> str:
    if pulse is None:
        return tr("There was no episode poll for episode {n} in this server.", n=number)
    breakdown = ", ".join(f"{stars}\N{WHITE MEDIUM STAR} {n}" for stars, n in enumerate(pulse.counts, start=1))
    if pulse.state == PollState.OPEN:
        return tr(
            "**Episode {n}**: the poll in <#{channel}> is open until {when} ({relative}). So far: {stars} "
            "({breakdown}); the final count comes when it closes.",
            n=number,
            channel=pulse.channel_id,
            when=ts(pulse.closes_at, "F"),
            relative=ts(pulse.closes_at, "R"),
            stars=stars_text(tr, pulse),
            breakdown=breakdown,
        )
    if pulse.state == PollState.GONE:
        return tr("The poll for episode {n} was deleted before it closed, so there is no result.", n=number)
    if not pulse.votes:
        return tr("**Episode {n}**: the poll closed without votes.", n=number)
    return tr(
        "**Episode {n}**: {stars} ({breakdown}). The poll closed {when}.",
        n=number,
        stars=stars_text(tr, pulse),
        breakdown=breakdown,
        when=ts(pulse.closes_at, "D"),
    )


class Pulse(commands.Cog):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self._loop: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        if self.bot.background_tasks:
            self._loop = asyncio.create_task(self._run(), name="pulse-results")

    async def cog_unload(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop

    # -- live counts from the gateway (Guild Message Polls intent) --------------------------------

    @commands.Cog.listener()
    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.services.pulse.vote(payload.message_id, payload.answer_id, True)

    @commands.Cog.listener()
    async def on_raw_poll_vote_remove(self, payload: discord.RawPollVoteActionEvent) -> None:
        await self.services.pulse.vote(payload.message_id, payload.answer_id, False)

    # -- the results loop -------------------------------------------------------------------------

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        with contextlib.suppress(Exception):
            await self.services.pulse.refresh_open(self.services.clock())
        while True:
            try:
                await self.services.pulse.sweep(self.services.clock())
                upcoming = await self.services.pulse.next_check()
            except Exception:  # the loop must survive anything: the next round retries
                log.exception("reading poll results failed")
                upcoming = None
            wait = IDLE_CHECK
            if upcoming is not None:
                wait = min(wait, max((upcoming - self.services.clock()).total_seconds(), 1.0))
            await asyncio.sleep(wait)

    # -- /pulse -----------------------------------------------------------------------------------

    @app_commands.command(name="pulse", description="How this server rated each episode (only episodes you've seen)")
    @app_commands.guild_only()
    @app_commands.checks.cooldown(PULSE_RATE, PULSE_PER, key=lambda i: i.user.id)  # each chart is drawn anew
    @app_commands.describe(episode="One episode's result, in words", public=PUBLIC_DESCRIBE)
    async def pulse(self, interaction: Interaction, episode: EpisodeOption | None = None, public: bool = False) -> None:
        assert interaction.guild_id is not None
        services = self.services
        tr = await answer_texts(interaction, public=public, files=episode is None)  # the chart is a file
        if public:
            line = await public_line(interaction)
        else:
            line = await services.progress.horizon(interaction.user.id)
        season = await services.pulse.season(interaction.guild_id)
        if episode is not None:
            if episode > line:
                if public:
                    raise UserError(
                        "Episode {n} is beyond this channel's spoiler line (episode {line}), so its rating stays "
                        "hidden. Ask privately instead.",
                        n=episode,
                        line=line,
                    )
                raise UserError(
                    "Episode {n} is beyond where you've watched (episode {line}), so its rating stays hidden. "
                    "Mark your progress with `/progress set`.",
                    n=episode,
                    line=line,
                )
            await send(interaction, public=public, content=episode_text(tr, episode, season.get(episode)))
            return
        if line == 0:
            if public:
                raise UserError("This channel's spoiler line is at episode 0, so there is no episode to show publicly.")
            raise UserError(
                "The chart shows only episodes you've watched, and you haven't marked any: use `/progress set`."
            )
        if not any(n <= line for n in season):
            content = tr("No episode polls yet for episodes 1-{line} in this server.", line=line)
            await send(interaction, public=public, content=content)
            return
        bars = []
        for number in range(1, line + 1):
            found = season.get(number)
            if found is None or found.state == PollState.GONE:
                bars.append(Bar(number, None, 0, True))
            else:
                bars.append(Bar(number, found.average, found.votes, found.closed))
        png = await asyncio.to_thread(render, bars, chart_text(tr))  # a few ms, off the event loop
        chart = discord.File(io.BytesIO(png), filename="pulse.png", description=alt_text(tr, bars, line))
        if public:
            content = tr(
                "How this server rated episodes 1-{line} (up to this channel's spoiler line). `/pulse episode:` gives "
                "one in words.",
                line=line,
            )
        else:
            content = tr(
                "How this server rated episodes 1-{line} (up to where you've watched). `/pulse episode:` gives one in "
                "words.",
                line=line,
            )
        await send(interaction, public=public, content=content, file=chart)


async def setup(bot: RunOnBot) -> None:
    await bot.add_cog(Pulse(bot, bot.services))
