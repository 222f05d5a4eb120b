"""Discord's documented limits: the rate limits, shared by both adapters (one limiter per stand-in, whatever talks
to it), and what a message may hold (Components V2: :func:`message_errors`)."""

from __future__ import annotations

import collections
import time
from collections.abc import Mapping
from typing import Any

__all__ = [
    "COMPONENTS_V2",
    "MAX_COMPONENTS",
    "MAX_TEXT_LENGTH",
    "DiscordLimits",
    "Verdict",
    "message_errors",
    "text_length",
    "walk",
]

#: Headers for the answer, and ``retry_after`` (with whether the limit is the global one) when refused.
Verdict = tuple[dict[str, str], float | None, bool]


class DiscordLimits:
    """Discord's rate limits as documented: a global limit per bot (50 requests a second by default) and
    per-route buckets, here the one that matters for posts (about 5 messages per channel every 5 seconds).
    Answers carry the ``X-RateLimit-*`` headers discord.py reads; a request over a limit gets a ``429`` with
    ``retry_after`` (and ``global: true`` for the global limit), as Discord sends it.

    Which requests share a bucket is the route table's business (:attr:`bot.standin.routes.Route.bucket`):
    :meth:`admit` takes the bucket key the route gave, or None for a route with no bucket of its own."""

    def __init__(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> None:
        self.global_per_second = global_per_second
        self.channel_messages = channel_messages
        self.channel_window = channel_window
        self._global: collections.deque[float] = collections.deque()
        self._buckets: dict[str, tuple[float, int]] = {}  # bucket -> (window start, requests in it)
        self.requests = 0
        self.limited = 0  # 429 answers
        self.limited_global = 0
        self.peak_per_second = 0

    def admit(self, bucket: str | None, now: float) -> Verdict:
        """Count one request against the global limit and, when ``bucket`` is given, against that bucket."""
        self.requests += 1
        window = self._global
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= self.global_per_second:
            self.limited += 1
            self.limited_global += 1
            retry = max(window[0] + 1.0 - now, 0.001)
            return {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}, retry, True
        headers: dict[str, str] = {}
        if bucket is not None:
            start, used = self._buckets.get(bucket, (now, 0))
            if now - start >= self.channel_window:
                start, used = now, 0
            reset_after = start + self.channel_window - now
            headers = {
                "X-RateLimit-Limit": str(self.channel_messages),
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": bucket.split(":", 1)[0],
            }
            if used >= self.channel_messages:
                self.limited += 1
                return (
                    headers | {"X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user"},
                    max(reset_after, 0.001),
                    False,
                )
            used += 1
            self._buckets[bucket] = (start, used)
            headers["X-RateLimit-Remaining"] = str(self.channel_messages - used)
            headers["X-RateLimit-Reset"] = f"{time.time() + reset_after:.3f}"
        window.append(now)
        self.peak_per_second = max(self.peak_per_second, len(window))
        return headers, None, False


# -- Components V2: what Discord refuses in a message ----------------------------------------------------------

#: MessageFlags.IS_COMPONENTS_V2: the message is laid out with components only.
COMPONENTS_V2 = 1 << 15
#: Discord's documented limits for such a message: components in all (nested ones counted), characters of all its
#: text displays together, items of a media gallery.
MAX_COMPONENTS = 40
MAX_TEXT_LENGTH = 4000
MAX_GALLERY_ITEMS = 10

ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER = (
    1,
    2,
    9,
    10,
    11,
    12,
    13,
    14,
    17,
)
SELECTS = (3, 5, 6, 7, 8)
#: Component types only a Components V2 message may carry.
V2_ONLY = frozenset({SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER})
#: What may stand at the top of a V2 message, and inside a container.
TOP_LEVEL = frozenset({ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER})
IN_CONTAINER = TOP_LEVEL - {CONTAINER}
#: The fields a V2 message may not use (Discord: "cannot be used when using MessageFlags.IS_COMPONENTS_V2").
LEGACY_FIELDS = ("content", "embeds", "poll", "sticker_ids", "stickers")


def _errors(path: str, code: str, message: str) -> dict[str, Any]:
    """One entry of Discord's ``errors`` object (``{"components": {"0": {"_errors": [...]}}}``)."""
    node: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path.split(".")):
        node = {key: node}
    return node


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if key in into and isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value)
        elif key == "_errors" and key in into:
            into[key] = [*into[key], *value]
        else:
            into[key] = value


def walk(components: Any) -> Any:
    """Every component, nested ones (action rows, sections and their accessory, containers) included."""
    for component in components or ():
        yield component
        yield from walk(component.get("components"))
        if isinstance(component.get("accessory"), dict):
            yield from walk([component["accessory"]])


def text_length(components: Any) -> int:
    """The characters of all text displays together (what Discord counts against :data:`MAX_TEXT_LENGTH`)."""
    return sum(len(c.get("content") or "") for c in walk(components) if c.get("type") == TEXT_DISPLAY)


def message_errors(message: Mapping[str, Any]) -> dict[str, Any]:
    """What Discord would refuse in this message (as it stands once sent or edited), as the ``errors`` object of its
    ``400 Invalid Form Body`` answer; empty when the message is fine. Checks the Components V2 rules: a message
    flagged :data:`COMPONENTS_V2` has no content, embeds, poll or stickers, has components (at most 40 counting
    nested ones), text displays of 4,000 characters at most together, components where Discord allows them, media
    galleries of 1 to 10 items whose ``attachment://`` URLs name the message's own files; a message without the flag
    carries no layout component."""
    errors: dict[str, Any] = {}

    def refuse(path: str, code: str, text: str) -> None:
        _merge(errors, _errors(path, code, text))

    components = list(message.get("components") or [])
    if not int(message.get("flags") or 0) & COMPONENTS_V2:
        for index, component in enumerate(walk(components)):
            if component.get("type") in V2_ONLY:
                refuse(
                    f"components.{index}",
                    "COMPONENT_TYPE_INVALID",
                    "This component type needs the IS_COMPONENTS_V2 message flag.",
                )
        return errors
    for name in LEGACY_FIELDS:
        if message.get(name):
            refuse(
                name,
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                f"The '{name}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
    if not components:
        refuse("components", "BASE_TYPE_REQUIRED", "This field is required")
    count = sum(1 for _ in walk(components))
    if count > MAX_COMPONENTS:
        refuse("components", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_COMPONENTS} or fewer in length (got {count}).")
    length = text_length(components)
    if length > MAX_TEXT_LENGTH:
        refuse(
            "components",
            "COMPONENT_LAYOUT_TEXT_LENGTH_EXCEEDED",
            f"The total length of text in components must be {MAX_TEXT_LENGTH} or fewer characters (got {length}).",
        )
    files = {str(a.get("filename")) for a in message.get("attachments") or []}
    for index, component in enumerate(components):
        _check(component, f"components.{index}", TOP_LEVEL, files, refuse)
    return errors


def _check(component: Mapping[str, Any], path: str, allowed: frozenset[int], files: set[str], refuse: Any) -> None:
    kind = component.get("type")
    if kind not in allowed:
        refuse(path, "COMPONENT_TYPE_INVALID", f"Component type {kind} is not allowed here.")
        return
    children = list(component.get("components") or [])
    if kind == CONTAINER:
        if not children:
            refuse(f"{path}.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
        for index, child in enumerate(children):
            _check(child, f"{path}.components.{index}", IN_CONTAINER, files, refuse)
    elif kind == ACTION_ROW:
        kinds = [child.get("type") for child in children]
        if not 1 <= len(kinds) <= 5 or (any(k in SELECTS for k in kinds) and len(kinds) > 1):
            refuse(f"{path}.components", "BASE_TYPE_BAD_LENGTH", "An action row holds 1-5 buttons or one select.")
        if any(k not in (BUTTON, *SELECTS) for k in kinds):
            refuse(f"{path}.components", "COMPONENT_TYPE_INVALID", "An action row holds buttons or a select only.")
    elif kind == SECTION:
        if not 1 <= len(children) <= 3 or any(child.get("type") != TEXT_DISPLAY for child in children):
            refuse(f"{path}.components", "BASE_TYPE_BAD_LENGTH", "A section holds 1-3 text displays.")
        accessory = component.get("accessory")
        if not isinstance(accessory, dict) or accessory.get("type") not in (BUTTON, THUMBNAIL):
            refuse(f"{path}.accessory", "BASE_TYPE_REQUIRED", "A section needs a button or thumbnail accessory.")
    elif kind == TEXT_DISPLAY:
        if not component.get("content"):
            refuse(f"{path}.content", "BASE_TYPE_REQUIRED", "This field is required")
    elif kind == MEDIA_GALLERY:
        items = list(component.get("items") or [])
        if not 1 <= len(items) <= MAX_GALLERY_ITEMS:
            refuse(f"{path}.items", "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_GALLERY_ITEMS} in length.")
        for index, item in enumerate(items):
            _media(str((item.get("media") or {}).get("url") or ""), f"{path}.items.{index}.media.url", files, refuse)
    elif kind == FILE:
        url = str((component.get("file") or {}).get("url") or "")
        if not url.startswith("attachment://"):
            refuse(f"{path}.file.url", "UNFURLED_MEDIA_ITEM_INVALID", "A file component takes an attachment:// URL.")
        _media(url, f"{path}.file.url", files, refuse)


def _media(url: str, path: str, files: set[str], refuse: Any) -> None:
    if url.startswith("attachment://"):
        if url.removeprefix("attachment://") not in files:
            refuse(path, "UNFURLED_MEDIA_ITEM_ATTACHMENT_NOT_FOUND", "No attachment of the message has that name.")
    elif not url.startswith(("https://", "http://")):
        refuse(path, "UNFURLED_MEDIA_ITEM_INVALID", "The URL must be http(s):// or attachment://.")
