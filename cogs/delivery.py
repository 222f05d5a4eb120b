"""What every scheduled post shares: sending with a nonce and classifying Discord's answer for the
scheduler, DM copies, and telling staff about a delivery problem."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import discord

from bot.client import RunOnBot
from bot.services.scheduler import Failed, Outcome, RetryLater

log = logging.getLogger(__name__)

SERVER_ERROR_RETRY = dt.timedelta(seconds=30)


def describe(error: discord.HTTPException) -> str:
    return f"{error.status} (error code: {error.code}): {error.text}"


async def post(
    bot: RunOnBot,
    guild_id: int,
    channel_id: int,
    content: str,
    *,
    nonce: str,
    allowed_mentions: discord.AllowedMentions,
) -> discord.Message | Outcome:
    """Send a scheduled post; on failure, the scheduler's verdict instead of an exception."""
    channel = bot.get_partial_messageable(channel_id, guild_id=guild_id)
    try:
        return await channel.send(content, nonce=nonce, allowed_mentions=allowed_mentions)
    except discord.RateLimited as error:  # longer than max_ratelimit_timeout: reschedule, don't hold the tick
        return RetryLater(dt.timedelta(seconds=error.retry_after), f"rate limited for {error.retry_after:.0f}s")
    except discord.Forbidden as error:
        return Failed("missing_permissions", describe(error), channel_id)
    except discord.NotFound as error:
        return Failed("unknown_channel", describe(error), channel_id)
    except discord.HTTPException as error:
        if error.status >= 500:
            return RetryLater(SERVER_ERROR_RETRY, describe(error))
        return Failed("other", describe(error), channel_id)


async def dm_copies(bot: RunOnBot, user_ids: Sequence[int], text: str, nonce: str) -> str | None:
    """DM ``text`` to each member; returns what failed (e.g. closed DMs) for the reminder's record."""
    failures = []
    for user_id in user_ids:
        try:
            user = bot.get_user(user_id) or await bot.fetch_user(user_id)
            await user.send(text, nonce=nonce)
        except discord.HTTPException as error:
            failures.append(f"DM to {user_id}: {'DMs closed' if error.code == 50007 else describe(error)}")
    return "; ".join(failures)[:500] or None


async def tell_staff(bot: RunOnBot, guild_id: int, what: str, failure: Failed) -> None:
    """Report a delivery problem in the server's staff channel (or the log when none is set)."""
    config = await bot.services.guilds.get(guild_id)
    text = (
        f"\N{WARNING SIGN}\N{VARIATION SELECTOR-16} I couldn't post {what} in <#{failure.channel_id}>: "
        f"{failure.detail}. Check that I can View Channel and Send Messages there (`/setup show`)."
    )
    if config.staff_channel_id is None:
        log.warning("guild %s: %s (no staff channel set)", guild_id, text)
        return
    try:
        await bot.get_partial_messageable(config.staff_channel_id, guild_id=guild_id).send(text)
    except discord.HTTPException:
        log.warning("guild %s: could not report a delivery problem to staff", guild_id, exc_info=True)
