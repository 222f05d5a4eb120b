"""The spoiler policy: which content a member or a channel may see plainly.

Every piece of content is a :class:`~bot.catalog.Revealing` tagged with the episode whose viewing
makes it safe. A member's *horizon* is the last episode they marked as watched (0 when unknown).
Privately, content above the horizon is withheld until the member confirms; then it is shown inside
spoiler tags. Publicly, content above the server's *line* is always wrapped in spoiler tags under a
"Spoilers: episode N" label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.catalog import Revealing


def spoiler(text: str) -> str:
    """Wrap ``text`` in Discord spoiler tags; a ``|`` inside cannot close the tag early."""
    return "||" + text.replace("|", "\N{DIVIDES}") + "||"


def spoiler_label(episode: int) -> str:
    return f"Spoilers: episode {episode}"


@dataclass(frozen=True, slots=True)
class Split:
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


def gate_message(latest: int, horizon: int) -> str:
    """The confirmation prompt for withheld content."""
    watched = f"you've watched up to episode {horizon}" if horizon else "you haven't marked any episode as watched"
    return f"This is from episode {latest}; {watched}."


def render(items: Sequence[Revealing], line: int, *, bullet: str = "• ", unsure: bool = True) -> list[str]:
    """Render content for a reader whose safe line is ``line``.

    Items at or below the line are plain. Items above it are wrapped in spoiler tags, and each run of
    items from one episode is preceded by a "Spoilers: episode N" label. With ``unsure``, items that
    rest on inference carry a note saying so.
    """
    lines: list[str] = []
    current_label: int | None = None
    for item in items:
        text = item.text
        if unsure and item.confidence == "derived":
            text += " *(inferred, not directly sourced)*"
        elif unsure and item.confidence == "unsourced":
            text += " *(unsourced)*"
        if item.reveals <= line:
            lines.append(f"{bullet}{text}")
            current_label = None
            continue
        if item.reveals != current_label:
            lines.append(f"**{spoiler_label(item.reveals)}**")
            current_label = item.reveals
        lines.append(f"{bullet}{spoiler(text)}")
    return lines
