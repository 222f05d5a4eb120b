"""Tab completion for the playground's prompt: command names, subcommands, option names, and option values from
the bot's own autocomplete callbacks, asked through the stand-in as Discord asks them while a member types."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from .lines import LANGUAGES, LineError
from .world import CHANNELS, Playground

__all__ = ["PlayCompleter", "quote"]

VERBS = ("click", "pick", "as", "in", "progress", "lang", "time", "reveal", "help", "quit")
_KEY = re.compile(r"([^\W\d][\w-]*):")


@dataclass(frozen=True)
class _Span:
    start: int
    text: str


def _spans(text: str) -> list[_Span]:
    """Words and where they start, splitting on spaces outside quotes; an unclosed quote runs to the end."""
    spans: list[_Span] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        quote: str | None = None
        while i < n and (quote is not None or not text[i].isspace()):
            char = text[i]
            if quote is None and char in "\"'" and (i == start or text[i - 1] == ":"):
                quote = char
            elif quote is not None and char == quote:
                quote = None
            i += 1
        spans.append(_Span(start, text[start:i]))
    return spans


def quote(value: str) -> str:
    """A value as typed on a line: quoted when it holds a space, a quote, or looks like ``key:``."""
    if value and not re.search(r"[\s\"']", value) and not _KEY.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(value: str) -> str:
    if value and value[0] in "\"'":
        body = value[1:]
        return body[:-1] if body.endswith(value[0]) else body
    return value


def _value_of(span: str) -> str:
    match = _KEY.match(span)
    return span[match.end() :] if match else span


def _open_quote(value: str) -> bool:
    """A value whose opening quote is not closed yet (the cursor is inside it)."""
    return bool(value) and value[0] in "\"'" and (len(value) == 1 or not value.endswith(value[0]))


def _closed_quote(value: str) -> bool:
    return bool(value) and value[0] in "\"'" and not _open_quote(value)


class PlayCompleter(Completer):
    def __init__(self, playground: Playground) -> None:
        self.playground = playground

    # prompt_toolkit calls this one from prompt_async: it may ask the bot.
    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        text = document.text_before_cursor
        if not text.lstrip().startswith("/"):
            for completion in self._line_verbs(text):
                yield completion
            return
        for completion in await self._slash(text.lstrip(), len(text) - len(text.lstrip())):
            yield completion

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        if not text.lstrip().startswith("/"):
            yield from self._line_verbs(text)

    # -- the playground's own words -------------------------------------------------------------------------------

    def _line_verbs(self, text: str) -> Iterator[Completion]:
        words = text.split()
        ended = text.endswith(" ")
        fragment = "" if ended or not words else words[-1]
        done = words if ended else words[:-1]
        if not done:
            for verb in VERBS:
                if verb.startswith(fragment.lower()):
                    yield Completion(verb + " ", -len(fragment), display=verb)
            for name in self.playground.command_names():
                if ("/" + name).startswith(fragment):
                    yield Completion("/" + name + " ", -len(fragment), display="/" + name)
            return
        verb = done[0].lower()
        choices: list[tuple[str, str]] = []
        if len(done) == 1:
            if verb == "as":
                choices = [(m.name, f"{m.name} ({m.about})") for m in self.playground.members.values()]
            elif verb in ("lang", "language"):
                choices = [(code, code) for code in LANGUAGES]
            elif verb == "in":
                choices = [("#" + c.name, "#" + c.name) for c in CHANNELS if c.kind == "text"]
            elif verb == "time":
                choices = [(d, d) for d in ("+10m", "+30m", "+1h", "+1d", "+7d")]
            elif verb == "help":
                choices = [(n, "/" + n) for n in self.playground.command_names()]
            elif verb == "click" and self.playground.target is not None:
                buttons = self.playground.target.buttons
                choices = [(str(i), f"{i} {b.get('label') or 'button'}") for i, b in enumerate(buttons, 1)]
            elif verb == "pick" and self.playground.target is not None:
                menus = self.playground.target.menus
                choices = [(str(i), f"{i} {m.get('placeholder') or 'menu'}") for i, m in enumerate(menus, 1)]
        elif verb == "pick" and self.playground.target is not None and done[1].isdigit():
            menus = self.playground.target.menus
            index = int(done[1]) - 1
            if 0 <= index < len(menus):
                options = menus[index].get("options") or []
                choices = [(str(i), f"{i} {o.get('label', '')}") for i, o in enumerate(options, 1)]
        for value, display in choices:
            if value.lower().startswith(fragment.lower()):
                yield Completion(value + " ", -len(fragment), display=display)

    # -- slash commands -------------------------------------------------------------------------------------------

    async def _slash(self, text: str, offset: int) -> list[Completion]:
        spans = _spans(text[1:])
        ended = text.endswith((" ", "/")) and not (spans and _open_quote(_value_of(spans[-1].text)))
        fragment = _Span(len(text) - 1, "") if ended or not spans else spans[-1]
        done = spans if ended else spans[:-1]
        path = []
        for span in done:
            if ":" in span.text or span.text[:1] in "\"'":
                break
            path.append(span.text)
        node, extra = self.playground.find(path)
        if node is None or isinstance(node, app_commands.Group) or extra:
            if extra or (done and node is None):
                return []
            names = (
                self.playground.command_names()
                if node is None
                else [
                    self.playground.local(c) for c in node.commands
                ]  # subcommands, as the member's Discord names them
            )
            prefix = "/" if node is None else ""
            start = -len(fragment.text) - (1 if node is None and not done and not ended else 0)
            typed = fragment.text.lower()
            return [
                Completion(prefix + name + " ", start, display=prefix + name)
                for name in names
                if name.startswith(typed)
            ]
        command: app_commands.Command[Any, ..., Any] = node
        typed_names = self.playground.options_of(command)  # typed names (English or the member's) -> option
        params = {p.display_name: p for p in command.parameters}
        given: dict[str, str] = {}  # by the option's English name
        current: tuple[str, int] | None = None  # the option whose value the cursor may still be in, its start
        for span in [*done[len(path) :], fragment]:
            match = _KEY.match(span.text)
            if match and match.group(1).lower() in typed_names:
                key = typed_names[match.group(1).lower()].display_name
                current = (key, span.start + match.end())
                given[key] = span.text[match.end() :]
            elif current is not None:
                given[current[0]] = text[1 + current[1] : span.start + len(span.text) + 1]
        key_match = _KEY.match(fragment.text)
        completions: list[Completion] = []
        if not key_match:
            for param in command.parameters:
                name = self.playground.local(param)
                if param.display_name not in given and name.lower().startswith(fragment.text.lower()):
                    completions.append(Completion(name + ":", -len(fragment.text), display=name + ":"))
        in_value = current is not None and (
            (key_match is not None and key_match.group(1).lower() in typed_names)
            or (fragment.text != "" and not _closed_quote(given[current[0]].strip()))
        )
        if current is not None and in_value:
            key, value_start = current
            typed = text[1 + value_start :]
            completions += await self._values(command, params[key], typed, value_start + 1 - len(text), given)
        return completions

    async def _values(
        self,
        command: app_commands.Command[Any, ..., Any],
        param: app_commands.Parameter,
        typed: str,
        start: int,
        given: dict[str, str],
    ) -> list[Completion]:
        plain = _unquote(typed.strip())
        lower = plain.lower()
        Opt = discord.AppCommandOptionType
        pairs: list[tuple[str, str]] = []
        if param.choices:
            pairs = [(str(c.value), self.playground.translated(c.name, Where.choice_name)) for c in param.choices]
        elif param.type is Opt.boolean:
            pairs = [("True", "True"), ("False", "False")]
        elif param.type is Opt.channel:
            allowed = [t.value for t in param.channel_types] if param.channel_types else None
            pairs = [
                ("#" + c.name, self.playground.channel_name(c.id))
                for c in CHANNELS
                if allowed is None or c.type in allowed
            ]
        elif param.type in (Opt.user, Opt.mentionable):
            pairs = [("@" + name, "@" + name) for name in self.playground.members]
        elif param.type is Opt.role:
            pairs = [("@" + name, "@" + name) for name in self.playground.roles]
        if pairs:
            return [
                Completion(quote(value) + " ", start, display=name)
                for value, name in pairs
                if value.lower().lstrip("#@").startswith(lower.lstrip("#@")) or name.lower().startswith(lower)
            ]
        if not param.autocomplete:
            return []
        others: dict[str, Any] = {}
        for key, raw in given.items():
            if key == param.display_name:
                continue
            try:
                others[key] = self.playground.convert(command, key, _unquote(raw.strip()))
            except LineError:
                continue
        suggestions = await self.playground.complete(command.qualified_name, param.display_name, plain, others)
        return [Completion(quote(value) + " ", start, display=name) for value, name in suggestions]
