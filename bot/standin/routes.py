"""The declarative route table: Discord's REST routes the stand-in knows, each a method, a path template and a
handler over :class:`~bot.standin.state.DiscordState`. Both adapters dispatch every request through
:func:`dispatch`; what a route does not cover is each adapter's fallback (see :class:`NoRoute`).

Path templates use Discord's own notation: ``{channel_id}`` matches a snowflake, ``{token}`` anything up to the
next ``/``, ``{message}`` a snowflake or ``@original``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p
from .payloads import Payload
from .state import Call, DiscordState

__all__ = ["ROUTES", "NoRoute", "Route", "dispatch", "match"]

Handler = Callable[[DiscordState, Call, Mapping[str, str]], Any]

_PARAMETER = re.compile(r"\{(\w+)\}")
_SNOWFLAKE = r"\d+"
_PARAMETER_PATTERNS = {"token": r"[^/]+", "message": r"@original|\d+"}


class NoRoute(LookupError):
    """No route of the table takes this request. The in-process adapter answers ``{}`` (or nothing for a
    ``DELETE``) so the bot's less common calls keep working; the loopback adapter answers ``404``."""


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    #: The rate-limit bucket requests on this route share, formatted with the route's parameters.
    bucket: str | None = None
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = _PARAMETER.sub(lambda m: f"(?P<{m[1]}>{_PARAMETER_PATTERNS.get(m[1], _SNOWFLAKE)})", self.template)
        object.__setattr__(self, "pattern", re.compile(regex))

    def bucket_key(self, args: Mapping[str, str]) -> str | None:
        return self.bucket.format(**args) if self.bucket is not None else None


def _body(call: Call) -> Payload:
    return call.json if isinstance(call.json, dict) else {}


def _int(args: Mapping[str, str], name: str) -> int:
    return int(args[name])


# -- handlers: thin, the rules live in DiscordState ---------------------------------------------------


def _post_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.post_message(_int(args, "channel_id"), _body(call), call.files)


def _get_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.message(_int(args, "message_id"))


def _edit_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.edit_message(_int(args, "message_id"), _body(call), call.files)


def _delete_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> None:
    state.delete_message(_int(args, "message_id"))


def _callback(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.interaction_callback(_int(args, "interaction_id"), args["token"], _body(call), call.files)


def _followup(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.followup(args["token"], _body(call), call.files)


def _webhook_message(state: DiscordState, args: Mapping[str, str]) -> int:
    mid = state.webhook_message_id(args["token"], args["message"])
    return int(state.message(mid)["id"])


def _get_webhook_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.message(_webhook_message(state, args))


def _edit_webhook_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.edit_message(_webhook_message(state, args), _body(call), call.files)


def _delete_webhook_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> None:
    state.delete_message(state.webhook_message_id(args["token"], args["message"]))


def _thread_from_message(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.start_thread(_int(args, "channel_id"), _body(call), message_id=_int(args, "message_id"))


def _thread(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.start_thread(_int(args, "channel_id"), _body(call), files=call.files)


def _dm(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.dm_channel(int(_body(call)["recipient_id"]))


def _poll_voters(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.poll_voters(_int(args, "message_id"), _int(args, "answer_id"), call.params or {})


def _end_poll(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.end_poll(_int(args, "message_id"))


def _application(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return p.application_payload(state.application_id, str(state.bot_user["username"]))


def _me(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return dict(state.bot_user)


def _gateway_bot(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    return {"url": state.gateway_url, "shards": 1, "session_start_limit": limit}


def _get_commands(state: DiscordState, call: Call, args: Mapping[str, str]) -> list[Payload]:
    return state.commands.get(int(args["guild_id"]) if "guild_id" in args else None, [])


def _put_commands(state: DiscordState, call: Call, args: Mapping[str, str]) -> list[Payload]:
    return state.put_commands(int(args["guild_id"]) if "guild_id" in args else None, call.json)


def _create_event(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.create_scheduled_event(_int(args, "guild_id"), _body(call))


def _get_event(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.scheduled_event(_int(args, "event_id"))


def _edit_event(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    event = state.scheduled_event(_int(args, "event_id"))
    event.update({k: v for k, v in _body(call).items() if k in event or k == "status"})
    return event


def _get_channel(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.channel(_int(args, "channel_id"))


def _edit_channel(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.update_channel(_int(args, "channel_id"), _body(call))


def _get_member(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.member(_int(args, "user_id"))


def _get_user(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.user(_int(args, "user_id"))


def _get_guild(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.guild(_int(args, "guild_id"))


def _automod_rules(state: DiscordState, call: Call, args: Mapping[str, str]) -> list[Payload]:
    return state.automod.list(_int(args, "guild_id"))


def _automod_create(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.automod.create(_int(args, "guild_id"), _body(call))


def _automod_get(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.automod.get(_int(args, "guild_id"), _int(args, "rule_id"))


def _automod_edit(state: DiscordState, call: Call, args: Mapping[str, str]) -> Payload:
    return state.automod.edit(_int(args, "guild_id"), _int(args, "rule_id"), _body(call))


def _automod_delete(state: DiscordState, call: Call, args: Mapping[str, str]) -> None:
    state.automod.delete(_int(args, "guild_id"), _int(args, "rule_id"))


#: Every route, in the order they are tried (the first whose method and template match answers).
ROUTES: tuple[Route, ...] = (
    Route("POST", "/interactions/{interaction_id}/{token}/callback", _callback),
    Route("GET", "/webhooks/{application_id}/{token}/messages/{message}", _get_webhook_message),
    Route("PATCH", "/webhooks/{application_id}/{token}/messages/{message}", _edit_webhook_message),
    Route("DELETE", "/webhooks/{application_id}/{token}/messages/{message}", _delete_webhook_message),
    Route("POST", "/webhooks/{application_id}/{token}", _followup),
    Route("POST", "/channels/{channel_id}/messages", _post_message, bucket="messages:{channel_id}"),
    Route("GET", "/channels/{channel_id}/messages/{message_id}", _get_message),
    Route("PATCH", "/channels/{channel_id}/messages/{message_id}", _edit_message),
    Route("DELETE", "/channels/{channel_id}/messages/{message_id}", _delete_message),
    Route("POST", "/channels/{channel_id}/messages/{message_id}/threads", _thread_from_message),
    Route("POST", "/channels/{channel_id}/threads", _thread),
    Route("GET", "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}", _poll_voters),
    Route("POST", "/channels/{channel_id}/polls/{message_id}/expire", _end_poll),
    Route("GET", "/channels/{channel_id}", _get_channel),
    Route("PATCH", "/channels/{channel_id}", _edit_channel),
    Route("POST", "/users/@me/channels", _dm),
    Route("GET", "/users/@me", _me),
    Route("GET", "/users/{user_id}", _get_user),
    Route("GET", "/oauth2/applications/@me", _application),
    Route("GET", "/gateway/bot", _gateway_bot),
    Route("GET", "/applications/{application_id}/commands", _get_commands),
    Route("PUT", "/applications/{application_id}/commands", _put_commands),
    Route("GET", "/applications/{application_id}/guilds/{guild_id}/commands", _get_commands),
    Route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", _put_commands),
    Route("POST", "/guilds/{guild_id}/scheduled-events", _create_event),
    Route("GET", "/guilds/{guild_id}/scheduled-events/{event_id}", _get_event),
    Route("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}", _edit_event),
    Route("GET", "/guilds/{guild_id}/members/{user_id}", _get_member),
    Route("GET", "/guilds/{guild_id}/auto-moderation/rules", _automod_rules, bucket="automod:{guild_id}"),
    Route("POST", "/guilds/{guild_id}/auto-moderation/rules", _automod_create, bucket="automod:{guild_id}"),
    Route("GET", "/guilds/{guild_id}/auto-moderation/rules/{rule_id}", _automod_get, bucket="automod:{guild_id}"),
    Route("PATCH", "/guilds/{guild_id}/auto-moderation/rules/{rule_id}", _automod_edit, bucket="automod:{guild_id}"),
    Route("DELETE", "/guilds/{guild_id}/auto-moderation/rules/{rule_id}", _automod_delete, bucket="automod:{guild_id}"),
    Route("GET", "/guilds/{guild_id}", _get_guild),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route answering ``method path``, with its parameters."""
    method = method.upper()
    for route in ROUTES:
        if route.method == method and (found := route.pattern.fullmatch(path)):
            return route, found.groupdict()
    return None


def dispatch(state: DiscordState, call: Call) -> Any:
    """Answer a request from the state (raises :class:`~bot.standin.state.Reject` for Discord's refusals and
    :class:`NoRoute` for a request no route takes)."""
    found = match(call.method, call.path)
    if found is None:
        raise NoRoute(f"{call.method} {call.path}")
    route, args = found
    return route.handler(state, call, args)
