"""How a grammar words its refusals and what it suggests, so the shared reading and placing code has no branch on
the language a member typed.

The texts a member copies from a refusal ("8pm", "오후 8시", "dec 2", "12월 2일") are templates in the grammar's
lexicon file (``[suggestions]``, see :func:`.lexicon.suggestions`); the messages that differ by grammar are the
grammar module's (:class:`Phrasing` subclasses in :mod:`.english` and :mod:`.korean`), since their ids must be
literals for the message catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.locale import Msg

__all__ = ["Phrasing"]


class Phrasing:
    """One grammar's suggestion templates and its own refusal messages."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        self.templates = templates

    def suggest(self, key: str, /, **values: object) -> str:
        """A suggestion from the lexicon's template ``key``: ``suggest("hour_pm", hour=8)``: ``8pm`` / ``오후 8시``."""
        return self.templates[key].format_map(values)

    # the messages each grammar words its own way

    def twelve_hour_range(self, text: str) -> tuple[Msg, Msg]:
        """An hour out of 1-12 with the grammar's morning/evening words."""
        raise NotImplementedError

    def from_now(self, text: str) -> tuple[Msg, Msg]:
        """A duration alone: say it is from now (the suggestion is the template ``from_now``)."""
        raise NotImplementedError

    def already_says_when(self, text: str, clock: str) -> tuple[Msg, Msg]:
        """A time from now with a clock time after it."""
        raise NotImplementedError

    def month_as_word(self, text: str, first: object, second: object, month: int, day: int) -> Msg:
        """A slash date that could be either order, when neither reading can be suggested as it stands."""
        raise NotImplementedError

    def am_or_pm(self, text: str) -> Msg:
        """The short form of "morning or evening?" for a clock time."""
        raise NotImplementedError

    def part_clash(self, text: str, part: str) -> Msg:
        """A clock time outside the part of the day typed with it."""
        raise NotImplementedError

    def add_time(self, named: str, *, with_part: bool) -> tuple[Msg, Msg]:
        """A day (or a part of the day) without a time."""
        raise NotImplementedError
