"""DM copies of a reminder: one paced send per member, each with its own nonce and in the member's own language,
summed up for the record."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence

from bot.locale import Texts
from bot.reminders.model import DmResults, Outgoing, dm_nonce
from bot.reminders.sender import PacedSender
from bot.services.language import LanguageService


async def dm_copies(
    sender: PacedSender,
    *,
    reminder_id: int,
    guild_id: int,
    members: Sequence[int],
    texts: dict[int, str],
    deadline: dt.datetime,
    label: str,
) -> DmResults:
    """Send each member their text by DM (closed DMs are recorded, other members still get theirs)."""
    results = await asyncio.gather(
        *(
            sender.send(
                Outgoing(
                    texts[user_id],
                    guild_id,
                    user_id=user_id,
                    nonce=dm_nonce(reminder_id, user_id),
                    deadline=deadline,
                    label=f"{label} DM",
                )
            )
            for user_id in members
        )
    )
    found = DmResults()
    for user_id, result in zip(members, results, strict=True):
        found.add(user_id, result)
    return found


async def texts_for_members(
    language: LanguageService, members: Sequence[int], guild_id: int, render: Callable[[Texts], str]
) -> dict[int, str]:
    """Each member's copy in the language of their last interaction (the server's for a member never seen), rendered
    once per language."""
    if not members:  # most reminders: nobody asked for a DM copy, and no read is needed
        return {}
    readers = await language.for_members(members, guild_id)
    rendered: dict[str, str] = {}
    out: dict[int, str] = {}
    for user_id in members:
        tr = readers[user_id]
        text = rendered.get(tr.lang)
        if text is None:
            text = rendered[tr.lang] = render(tr)
        out[user_id] = text
    return out
