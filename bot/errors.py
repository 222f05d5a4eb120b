"""Errors the member caused and can fix. Raised by services; the tree turns them into a short
ephemeral message. Anything else is a bug: it is logged with a traceback and an error id."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the member can fix. ``str(error)`` is shown to them as is."""
