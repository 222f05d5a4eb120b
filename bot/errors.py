"""Errors the member caused and can fix. Raised by services; the tree turns them into a short
ephemeral message in the member's language. Anything else is a bug: it is logged with a traceback and an
error id."""

from __future__ import annotations

from bot.locale import Msg


class UserError(Exception):
    """A mistake the member can fix: a message id (its English text) and parameters, rendered by the cog that
    answers, in the reader's language. ``str(error)`` is the English text (for logs and tests)."""

    def __init__(self, message: str | Msg, /, **params: object) -> None:
        self.message: Msg = message if isinstance(message, Msg) else Msg(message, params)
        super().__init__(str(self.message))
