"""DM copies of a reminder: one paced send per member, each with its own nonce, summed up for the record."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from .model import DmResults, Outgoing, dm_nonce
from .sender import PacedSender


async def dm_copies(
    sender: PacedSender,
    *,
    reminder_id: int,
    guild_id: int,
    members: Sequence[int],
    text: str,
    deadline: dt.datetime,
    label: str,
) -> DmResults:
    """Send ``text`` to each member by DM (closed DMs are recorded, other members still get theirs)."""
    results = await asyncio.gather(
        *(
            sender.send(
                Outgoing(
                    text,
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
