"""The bot's Discord port for what it does on its own: the paced sender's transport (post one message through
discord.py and classify what Discord said), the REST trace that counts the bot's other requests against the global
limit, a server's Discord language read from the gateway cache, and the reader of the bot's episode polls.

It sits beside :mod:`bot.client`, above the reminder package, which knows no discord.py: the composition root
(:mod:`bot.app`) builds these from the client and passes them to the sender, the language service and the pulse
service.

discord.py already waits out short rate limits and retries a few 5xx answers by itself; what reaches here is sorted
into "later" (rate limited, transient) or "no" (Discord's definitive refusals, with their code).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.reminders.model import (
    Answered,
    Outgoing,
    PollSpec,
    Refusal,
    Refused,
    Request,
    TransportError,
    TransportErrorKind,
)
from bot.reminders.sender import PacedSender
from bot.services.pulse import STARS, Poll, PollReading
from bot.services.spoiler_window import AutoModLater, AutoModProblem, AutoModRefused, Rule, RuleSpec

#: What a request to Discord raises when it did not get through: refused, rate limited past what discord.py waits,
#: or the connection failing.
DISCORD_FAILURES = (TimeoutError, discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError)

log = logging.getLogger(__name__)

DM_CHANNELS_KEPT = 10_000


def _mentions(item: Outgoing) -> discord.AllowedMentions:
    return discord.AllowedMentions(
        everyone=False,
        users=[discord.Object(u) for u in item.mention_users] if item.mention_users else False,
        roles=[discord.Object(r) for r in item.mention_roles] if item.mention_roles else False,
        replied_user=False,
    )


def _poll(spec: PollSpec) -> discord.Poll:
    poll = discord.Poll(question=spec.question, duration=dt.timedelta(hours=spec.hours))
    for answer in spec.answers:
        poll.add_answer(text=answer, emoji=spec.emoji)
    return poll


def classify(error: BaseException) -> TransportError:
    """What an exception from discord.py or aiohttp means for the sender."""
    if isinstance(error, discord.RateLimited):  # longer than the client waits by itself
        return TransportError(
            TransportErrorKind.RATE_LIMITED, f"rate limited for {error.retry_after:.1f}s", retry_after=error.retry_after
        )
    if isinstance(error, discord.HTTPException):
        detail = f"{error.status} (error code: {error.code}): {error.text}"[:300]
        if error.status == 429:
            headers = getattr(error.response, "headers", {}) or {}
            retry = _float(headers.get("Retry-After")) or 1.0
            is_global = str(headers.get("X-RateLimit-Global", "")).lower() == "true"
            return TransportError(
                TransportErrorKind.RATE_LIMITED, detail, retry_after=retry, is_global=is_global, status=429
            )
        if error.status >= 500:
            return TransportError(
                TransportErrorKind.TRANSIENT, detail, status=error.status, code=error.code, ambiguous=True
            )
        return TransportError(TransportErrorKind.REFUSED, detail, status=error.status, code=error.code)
    if isinstance(error, aiohttp.ClientConnectorError):  # never connected: the request did not reach Discord
        return TransportError(TransportErrorKind.TRANSIENT, f"cannot connect to Discord ({error.os_error})")
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError):
        return TransportError(TransportErrorKind.TRANSIENT, f"connection problem: {error!r}"[:300], ambiguous=True)
    if isinstance(error, OSError) and error.errno in (errno.ECONNRESET, errno.EPIPE, errno.ETIMEDOUT):
        return TransportError(TransportErrorKind.TRANSIENT, f"connection problem: {error!r}"[:300], ambiguous=True)
    raise error


def _float(value: object) -> float | None:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def rest_trace(sender: PacedSender) -> aiohttp.TraceConfig:
    """An aiohttp hook that tells the sender about every REST request the bot makes outside it, so that all of
    them together stay under Discord's global limit. Interaction answers (``/interactions/…``, the follow-up
    ``/webhooks/…``) are not bound by the global limit and are not counted."""
    trace = aiohttp.TraceConfig()

    async def on_request_start(_session: object, _context: object, params: aiohttp.TraceRequestStartParams) -> None:
        path = params.url.path
        if "/interactions/" not in path and "/webhooks/" not in path and "/gateway" not in path:
            sender.note_request()

    trace.on_request_start.append(on_request_start)
    return trace


class DiscordTransport:
    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._dm_channels: OrderedDict[int, int] = OrderedDict()

    def requests_needed(self, item: Outgoing) -> int:
        return 2 if item.user_id is not None and item.user_id not in self._dm_channels else 1

    async def post(self, item: Outgoing) -> int:
        try:
            channel = await self._channel(item)
            poll = discord.utils.MISSING if item.poll is None else _poll(item.poll)
            if item.nonce is None:
                message = await channel.send(item.content or None, allowed_mentions=_mentions(item), poll=poll)
            else:  # discord.py adds enforce_nonce: Discord posts a repeated nonce only once
                message = await channel.send(
                    item.content or None, allowed_mentions=_mentions(item), poll=poll, nonce=item.nonce
                )
        except DISCORD_FAILURES as error:
            raise classify(error) from error
        return message.id

    async def _channel(self, item: Outgoing) -> discord.PartialMessageable:
        client = self._client
        if item.channel_id is not None:
            return client.get_partial_messageable(item.channel_id, guild_id=item.guild_id)
        assert item.user_id is not None
        channel_id = self._dm_channels.get(item.user_id)
        if channel_id is None:
            channel_id = (await client.create_dm(discord.Object(item.user_id))).id
            self._dm_channels[item.user_id] = channel_id
            while len(self._dm_channels) > DM_CHANNELS_KEPT:
                self._dm_channels.popitem(last=False)
        else:
            self._dm_channels.move_to_end(item.user_id)
        return client.get_partial_messageable(channel_id, type=discord.ChannelType.private)


def server_locale(client: discord.Client) -> Callable[[int], str | None]:
    """A server's Discord "preferred locale" by id, read from the client's cache when asked (``None`` for a server
    the client does not see): posts made without an interaction (reminders) speak the server's language by it."""

    def locale(guild_id: int) -> str | None:
        guild = client.get_guild(guild_id)
        return None if guild is None else str(guild.preferred_locale)

    return locale


class DiscordPollReader:
    """What Discord says about the bot's episode polls (the pulse service's :class:`~bot.services.pulse.PollReader`):
    their counts with a plain message fetch, and, when Discord never finalized one, its voters answer by answer."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def _message(self, row: Poll) -> discord.Message:
        channel = self._client.get_partial_messageable(row.channel_id, guild_id=row.guild_id)
        return await channel.fetch_message(row.message_id)

    async def read(self, row: Poll) -> PollReading:
        try:
            message = await self._message(row)
        except discord.NotFound:
            return PollReading(found=False)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            return PollReading(problem=f"could not read the poll: {error}"[:300])
        poll = message.poll
        if poll is None:
            return PollReading(found=False)
        counts = tuple(self._count(poll, stars) for stars in range(1, STARS + 1))
        return PollReading(expires_at=poll.expires_at, finalized=poll.is_finalised(), counts=counts)

    @staticmethod
    def _count(poll: discord.Poll, answer_id: int) -> int:
        answer = poll.get_answer(answer_id)
        return 0 if answer is None else answer.vote_count

    async def count_voters(self, row: Poll) -> tuple[int, ...] | None:
        try:
            message = await self._message(row)
            if message.poll is None:
                return None
            counts = []
            for stars in range(1, STARS + 1):
                answer = message.poll.get_answer(stars)
                counts.append(0 if answer is None else len([voter async for voter in answer.voters(limit=None)]))
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.info("could not count the voters of poll %s", row.message_id, exc_info=True)
            return None
        return tuple(counts)


#: Discord's codes that mean the bot may not manage the server's AutoMod rules (Manage Server).
_NO_PERMISSION = (50001, 50013)
_KEYWORD = discord.AutoModRuleTriggerType.keyword.value


class DiscordAutoMod:
    """A server's AutoMod rules (the spoiler window's :class:`~bot.services.spoiler_window.AutoModPort`), each request
    through the paced sender: paced with the bot's other requests, waited out on a 429, retried when Discord fails."""

    def __init__(self, client: discord.Client, sender: PacedSender) -> None:
        self._client = client
        self._sender = sender

    @property
    def bot_id(self) -> int:
        user = self._client.user
        return user.id if user is not None else (self._client.application_id or 0)

    async def _call(
        self, guild_id: int, label: str, run: Callable[[], Awaitable[object]], *, gone_is_fine: bool = False
    ) -> object:
        async def attempt() -> object:
            try:
                return await run()
            except DISCORD_FAILURES as error:
                if gone_is_fine and isinstance(error, discord.NotFound):
                    return None  # a rule already deleted (by staff, or another process) is what a delete wants
                raise classify(error) from error

        result = await self._sender.call(Request(guild_id, attempt, f"{label} (guild {guild_id})", route="automod"))
        if isinstance(result, Answered):
            return result.value
        if isinstance(result, Refused) and result.problem is not Refusal.UNCONFIRMED:
            raise AutoModRefused(self._problem(result), result.detail)
        # Discord unreachable past the sender's nonce window is not a refusal here: listing, editing and deleting a
        # rule may be done again, and a rule created twice is cleaned up, so the request is tried again later.
        raise AutoModLater(result.detail)

    @staticmethod
    def _problem(refused: Refused) -> AutoModProblem:
        if refused.code in _NO_PERMISSION:
            return AutoModProblem.NO_PERMISSION
        # Discord answers a full list of keyword rules with Invalid Form Body on trigger_type
        # (AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED: "Maximum number of rules of this type reached").
        if refused.code == 50035 and "rules of this type" in refused.detail:
            return AutoModProblem.FULL
        return AutoModProblem.OTHER

    async def rules(self, guild_id: int) -> list[Rule]:
        http = self._client.http

        async def run() -> object:
            return await http.get_auto_moderation_rules(guild_id)

        found = await self._call(guild_id, "list AutoMod rules", run)
        return [
            Rule(int(r["id"]), str(r["name"]), int(r["creator_id"]), int(r["trigger_type"]) == _KEYWORD)
            for r in (found if isinstance(found, list) else [])
        ]

    @staticmethod
    def _payload(spec: RuleSpec) -> dict[str, object]:
        return {
            "name": spec.name,
            "event_type": discord.AutoModRuleEventType.message_send.value,
            "trigger_metadata": {"keyword_filter": list(spec.keywords)},
            "actions": [{"type": discord.AutoModRuleActionType.block_message.value,
                         "metadata": {"custom_message": spec.message}}],
            "enabled": True,
            "exempt_channels": [str(c) for c in spec.exempt_channels],
        }  # fmt: skip

    async def create(self, guild_id: int, spec: RuleSpec) -> int:
        http, payload = self._client.http, self._payload(spec)

        async def run() -> object:
            return await http.create_auto_moderation_rule(
                guild_id, trigger_type=_KEYWORD, reason="runon-bot spoiler window opens", **payload
            )

        created = await self._call(guild_id, "create the spoiler window rule", run)
        assert isinstance(created, dict)
        return int(created["id"])

    async def edit(self, guild_id: int, rule_id: int, spec: RuleSpec) -> None:
        http, payload = self._client.http, self._payload(spec)

        async def run() -> object:
            return await http.edit_auto_moderation_rule(
                guild_id, rule_id, reason="runon-bot spoiler window moves on", **payload
            )

        await self._call(guild_id, "update the spoiler window rule", run)

    async def delete(self, guild_id: int, rule_id: int) -> None:
        http = self._client.http

        async def run() -> object:
            await http.delete_auto_moderation_rule(guild_id, rule_id, reason="runon-bot spoiler window closes")
            return None

        await self._call(guild_id, "delete the spoiler window rule", run, gone_is_fine=True)
