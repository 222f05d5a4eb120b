"""What tests check, read from the requests the bot made and the state they left: the answers a member saw
(ephemeral or not), the messages posted in a channel, the polls, the choices autocomplete offered, the modal
a command opened. Functions over :class:`~bot.standin.state.Call` lists and the state, so a test, a benchmark
and the playground read them the same way; :class:`~bot.standin.Harness` has them as methods too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .limits import COMPONENTS_V2, MAX_COMPONENTS, MAX_TEXT_LENGTH, message_errors
from .payloads import EPHEMERAL, Payload
from .state import Call, DiscordState, find_component, walk_components

__all__ = [
    "COMPONENTS_V2",
    "MAX_COMPONENTS",
    "MAX_TEXT_LENGTH",
    "autocomplete_choices",
    "blurred_text",
    "channel_messages",
    "component",
    "components",
    "is_ephemeral",
    "last_response",
    "message_errors",
    "message_parts",
    "message_text",
    "messages_in",
    "polls",
    "responses",
    "sent_modal",
    "visible_text",
]

_CALLBACK = re.compile(r"/interactions/(\d+)/([^/]+)/callback")
_WEBHOOK = re.compile(r"/webhooks/(\d+)/([^/]+)")
_WEBHOOK_MESSAGE = re.compile(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)")
_CHANNEL_MESSAGES = re.compile(r"/channels/(\d+)/messages")


def responses(calls: Iterable[Call], application_id: int) -> list[Payload]:
    """Successful interaction traffic in order: ``{"kind": "callback"|"followup"|"edit_original"|
    "edit_followup", **json_body}``."""
    out: list[Payload] = []
    app = str(application_id)
    for call in calls:
        if call.status >= 300 or not isinstance(call.json, dict):
            continue
        if _CALLBACK.fullmatch(call.path) and call.method == "POST":
            out.append({"kind": "callback", **call.json})
        elif (found := _WEBHOOK_MESSAGE.fullmatch(call.path)) and call.method == "PATCH" and found[1] == app:
            out.append({"kind": "edit_original" if found[3] == "@original" else "edit_followup", **call.json})
        elif (found := _WEBHOOK.fullmatch(call.path)) and call.method == "POST" and found[1] == app:
            out.append({"kind": "followup", **call.json})
    return out


def last_response(calls: Iterable[Call], application_id: int) -> Payload:
    """The latest answer to any interaction (AssertionError when there is none)."""
    found = responses(calls, application_id)
    if not found:
        raise AssertionError("no interaction response was recorded")
    return found[-1]


def is_ephemeral(response: Payload) -> bool:
    """Whether an answer (as :func:`responses` gives it) is one only the member sees."""
    data = response.get("data") if response.get("kind") == "callback" else response
    return bool(int((data or {}).get("flags") or 0) & EPHEMERAL)


def components(message: Payload) -> list[Payload]:
    """Every component of a message, nested ones (in action rows, sections, containers) included, in order."""
    return list(walk_components(message.get("components") or []))


def component(message: Payload, custom_id: str) -> Payload | None:
    """The message's component with this custom id (wherever it is nested), or None."""
    return find_component(message, custom_id)


def message_parts(message: Payload) -> list[tuple[str, bool]]:
    """Every text a reader of the message may read, in order, each with whether it is blurred: inside a container
    sent with ``spoiler: true`` (Components V2), which the client hides until the reader clicks it. Content, embeds'
    titles, descriptions, fields and footers, text displays (in containers and sections too), media descriptions.
    Spoiler tags (``||...||``) inside a text are left as they are: :func:`visible_text` takes them out."""
    parts: list[tuple[str, bool]] = [(message.get("content") or "", False)]
    for embed in message.get("embeds") or []:
        parts += [(embed.get("title") or "", False), (embed.get("description") or "", False)]
        for embed_field in embed.get("fields") or []:
            parts += [(embed_field.get("name") or "", False), (embed_field.get("value") or "", False)]
        parts.append(((embed.get("footer") or {}).get("text") or "", False))

    def visit(components: Iterable[Payload], blurred: bool) -> None:
        for component in components or ():
            inside = blurred or (component.get("type") == 17 and bool(component.get("spoiler")))
            if component.get("type") == 10:
                parts.append((component.get("content") or "", inside))
            for item in component.get("items") or []:
                parts.append((item.get("description") or "", inside or bool(item.get("spoiler"))))
            visit(component.get("components") or [], inside)
            if isinstance(component.get("accessory"), dict):
                visit([component["accessory"]], inside)

    visit(message.get("components") or [], False)
    return [(text, blurred) for text, blurred in parts if text]


def message_text(message: Payload) -> str:
    """A message's content, its embeds' text and its text displays, as one string (what a reader of the channel
    reads, blurred parts included once revealed)."""
    return "\n".join(text for text, _ in message_parts(message))


_TAGGED = re.compile(r"\|\|.*?\|\|", re.DOTALL)


def visible_text(message: Payload) -> str:
    """What a reader sees of a message before revealing anything: its text outside spoiler containers, with the
    spans inside spoiler tags (``||...||``) taken out."""
    return "\n".join(_TAGGED.sub("\N{FULL BLOCK}", text) for text, blurred in message_parts(message) if not blurred)


def blurred_text(message: Payload) -> str:
    """The text inside the message's spoiler containers (what a click on the blur shows)."""
    return "\n".join(text for text, blurred in message_parts(message) if blurred)


def channel_messages(calls: Iterable[Call], channel_id: int | None = None) -> list[Payload]:
    """JSON bodies successfully POSTed to /channels/{id}/messages (all channels when None)."""
    out: list[Payload] = []
    for call in calls:
        found = _CHANNEL_MESSAGES.fullmatch(call.path)
        if (
            found
            and call.method == "POST"
            and call.status < 300
            and (channel_id is None or int(found[1]) == channel_id)
        ):
            out.append(call.json if isinstance(call.json, dict) else {})
    return out


def messages_in(state: DiscordState, channel_id: int) -> list[Payload]:
    """The messages that exist in a channel now (deleted ones gone, edits applied), oldest first."""
    found = [m for m in state.messages.values() if int(m["channel_id"]) == channel_id]
    return sorted(found, key=lambda m: int(m["id"]))


def polls(state: DiscordState, channel_id: int | None = None) -> list[Payload]:
    """Messages with a poll the bot posted (stored as Discord keeps them), in order."""
    return [
        m for m in state.messages.values() if "poll" in m and (channel_id is None or int(m["channel_id"]) == channel_id)
    ]


def autocomplete_choices(calls: Iterable[Call], interaction_id: int) -> list[Payload] | None:
    """The choices the bot offered in answer to one autocomplete interaction (None: it sent none)."""
    for call in reversed(list(calls)):
        found = _CALLBACK.fullmatch(call.path)
        if found and int(found[1]) == interaction_id and isinstance(call.json, dict) and call.json.get("type") == 8:
            return list(call.json.get("data", {}).get("choices", []))
    return None


def sent_modal(calls: Iterable[Call], custom_id: str) -> tuple[Payload, int] | None:
    """The modal ``custom_id`` the bot last opened, and the interaction it answered with it."""
    for call in reversed(list(calls)):
        found = _CALLBACK.fullmatch(call.path)
        body: Any = call.json if isinstance(call.json, dict) else {}
        if found and call.status < 300 and body.get("type") == 9 and body["data"].get("custom_id") == custom_id:
            return body["data"], int(found[1])
    return None
