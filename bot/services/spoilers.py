"""The spoiler policy: which content a member or a channel may see plainly.

Every piece of content is a :class:`~bot.catalog.Revealing` tagged with the episode whose viewing
makes it safe. A member's *horizon* is the last episode they marked as watched (0 when unknown).
Privately, content above the horizon is withheld until the member confirms; then it is shown blurred. Publicly,
content above the server's *line* is always blurred, each episode's run under a "Spoilers: episode N" label
(:func:`layout`). This module decides; the cogs render it in the reader's language (a container Discord blurs,
``cogs/layouts.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from msgspec import Struct

from bot.catalog import Revealing


def spoiler(text: str) -> str:
    """Wrap ``text`` in Discord spoiler tags (for text that cannot be a layout); a ``|`` inside cannot close the tag
    early."""
    return "||" + text.replace("|", "\N{DIVIDES}") + "||"


class Split(Struct, frozen=True):
    """Content split against a horizon."""

    shown: tuple[Revealing, ...]
    withheld: tuple[Revealing, ...]

    @property
    def latest_withheld(self) -> int:
        return max((item.reveals for item in self.withheld), default=0)

    @property
    def withheld_episodes(self) -> tuple[int, ...]:
        return tuple(sorted({item.reveals for item in self.withheld}))


def split(items: Iterable[Revealing], horizon: int) -> Split:
    shown: list[Revealing] = []
    withheld: list[Revealing] = []
    for item in items:
        (shown if item.reveals <= horizon else withheld).append(item)
    return Split(tuple(shown), tuple(withheld))


class Line(Struct, frozen=True):
    """One line of content for a reader: a "Spoilers: episode N" label (``item`` is None), or an item, tagged
    when it is above the reader's line."""

    item: Revealing | None
    episode: int
    tagged: bool


def layout(items: Sequence[Revealing], line: int) -> list[Line]:
    """Content laid out for a reader whose safe line is ``line``.

    Items at or below the line are plain. Items above it are tagged, and each run of items from one episode is
    preceded by a label naming that episode."""
    lines: list[Line] = []
    current_label: int | None = None
    for item in items:
        if item.reveals <= line:
            lines.append(Line(item, item.reveals, tagged=False))
            current_label = None
            continue
        if item.reveals != current_label:
            lines.append(Line(None, item.reveals, tagged=True))
            current_label = item.reveals
        lines.append(Line(item, item.reveals, tagged=True))
    return lines
