"""Answers laid out with Discord's layout components (Components V2: ``discord.ui.LayoutView``).

Every answer that can carry a plot point beyond its reader's line is a layout: what is safe for the reader stands in a
plain container (a card with the brand colour), and each run of content beyond the line sits in a container sent
with ``spoiler: true`` (the client blurs the whole block until the reader clicks it), under a "Spoilers: episode N"
text display outside the blur, so the reader knows what clicking will spoil before they click. Spoiler-free answers
stay embeds (see the README's "Answer styles").

Discord's rules for such a message: no content and no embeds (discord.py sets the IS_COMPONENTS_V2 flag and sends
neither), at most :data:`MAX_COMPONENTS` components counting nested ones, at most :data:`MAX_TEXT` characters of
text displays together. :class:`Layout` counts both as it builds; a long answer merges its blurred runs
(:func:`blur_runs`) or pages (the catch-up digest) rather than being cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from msgspec import Struct

from bot.catalog import Revealing
from bot.services import spoilers

from .common import BRAND, Texts, marker, spoiler_label

MAX_COMPONENTS = 40
MAX_TEXT = 4000
#: The colour of a blurred block (grey, as the gate's embed is).
SPOILER_ACCENT = discord.Colour.dark_grey()


class Run(Struct, frozen=True):
    """A block of content beyond the reader's line: its episodes (for the label outside the blur) and its text."""

    first: int
    last: int
    text: str


def item_text(tr: Texts, item: Revealing) -> str:
    """One content item for the reader, saying when it rests on inference."""
    return tr.pack(item.text) + marker(tr, item.confidence)


def split_lines(
    items: Sequence[Revealing], line: int, tr: Texts, *, bullet: str = "\N{BULLET} "
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Content for a reader whose safe line is ``line``: the plain lines (at or below it), and, per episode beyond
    it in story order, that episode's lines (to be blurred)."""
    plain: list[str] = []
    runs: list[tuple[int, list[str]]] = []
    for entry in spoilers.layout(items, line):
        if entry.item is None:
            runs.append((entry.episode, []))
            continue
        text = f"{bullet}{item_text(tr, entry.item)}"
        (runs[-1][1] if entry.tagged else plain).append(text)
    return plain, runs


def blur_runs(tr: Texts, runs: Sequence[tuple[int, list[str]]], most: int) -> list[Run]:
    """Episode runs as at most ``most`` blurred blocks: one per episode when they fit, else neighbouring episodes
    share a block (each episode's lines under its own heading inside the blur)."""
    if not runs:
        return []
    most = max(1, most)
    if len(runs) <= most:
        return [Run(episode, episode, "\n".join(lines)) for episode, lines in runs]
    out: list[Run] = []
    size, extra = divmod(len(runs), most)
    start = 0
    for index in range(most):
        chunk = runs[start : start + size + (1 if index < extra else 0)]
        start += len(chunk)
        if len(chunk) == 1:
            out.append(Run(chunk[0][0], chunk[0][0], "\n".join(chunk[0][1])))
            continue
        parts = ["**" + tr("Episode {n}", n=episode) + "**\n" + "\n".join(lines) for episode, lines in chunk]
        out.append(Run(chunk[0][0], chunk[-1][0], "\n".join(parts)))
    return out


class Layout:
    """A layout message being built, counting its components and the characters of its text displays."""

    def __init__(self) -> None:
        self.view: discord.ui.LayoutView = discord.ui.LayoutView(timeout=None)
        self.components = 0
        self.characters = 0

    @staticmethod
    def count(item: discord.ui.Item[Any]) -> tuple[int, int]:
        """(components, characters) an item adds, nested ones included."""
        items = [item, *item.walk_children()] if hasattr(item, "walk_children") else [item]
        characters = sum(len(i.content) for i in items if isinstance(i, discord.ui.TextDisplay))
        return len(items), characters

    def add(self, item: discord.ui.Item[Any]) -> Layout:
        components, characters = self.count(item)
        self.components += components
        self.characters += characters
        self.view.add_item(item)
        return self

    def text(self, content: str) -> Layout:
        """A text display outside any container (a label, a line of context)."""
        return self.add(discord.ui.TextDisplay(content)) if content.strip() else self

    def card(self, *texts: str, accent: discord.Colour | None = BRAND) -> Layout:
        """A plain container: what is safe for the reader, with the look of an embed."""
        shown = [t for t in texts if t.strip()]
        if shown:
            self.add(discord.ui.Container(discord.ui.TextDisplay("\n\n".join(shown)), accent_colour=accent))
        return self

    def blurred(self, label: str, body: str, media: Sequence[discord.ui.Item[Any]] = (), *, aside: str = "") -> Layout:
        """``label`` (bold, then ``aside``) outside the blur, then a container sent with ``spoiler: true`` holding
        ``body`` and ``media``."""
        self.text(f"**{label}**" + (f" \N{MIDDLE DOT} {aside}" if aside else ""))
        children: list[discord.ui.Item[Any]] = [discord.ui.TextDisplay(body)] if body.strip() else []
        children += media
        return self.add(discord.ui.Container(*children, accent_colour=SPOILER_ACCENT, spoiler=True))

    def runs(self, tr: Texts, runs: Sequence[Run]) -> Layout:
        for run in runs:
            self.blurred(spoiler_label(tr, run.first, run.last), run.text)
        return self

    def footer(self, text: str) -> Layout:
        """Small grey text (Discord's ``-#`` subtext), as an embed's footer was."""
        return self.text("\n".join(f"-# {line}" for line in text.splitlines() if line.strip()))

    def buttons(self, *items: discord.ui.Item[Any]) -> Layout:
        return self.add(discord.ui.ActionRow(*items)) if items else self

    def done(self) -> discord.ui.LayoutView:
        """The view to send. Buttons that are persistent (DynamicItems) are answered through their ids' templates,
        so the view itself is finished at once: discord.py keeps no object for it."""
        interactive = [
            i for i in self.view.walk_children() if isinstance(i, discord.ui.DynamicItem | discord.ui.Button)
        ]
        if all(isinstance(i, discord.ui.DynamicItem) for i in interactive):
            self.view.stop()
        return self.view


def room_for_runs(layout: Layout, reserved: int) -> int:
    """How many blurred blocks (label, container, text: three components each) still fit, keeping ``reserved``."""
    return (MAX_COMPONENTS - layout.components - reserved) // 3
