"""The report to a server's staff about a reminder that could not be posted, in the server's language."""

from __future__ import annotations

from bot.locale import Msg, msg
from bot.permissions import label
from bot.reminders.model import Failed, Refusal
from bot.services.language import LanguageService

PROBLEMS: dict[Refusal, Msg] = {  # one for each refusal staff can fix (STAFF_FIXABLE)
    Refusal.MISSING_ACCESS: msg("I can't see that channel"),
    Refusal.MISSING_PERMISSIONS: msg("I'm missing a permission there"),
    Refusal.UNKNOWN_CHANNEL: msg("the channel no longer exists"),
}


class StaffReport:
    """The scheduler's ``staff_report``: the text it posts in the server's staff channel."""

    def __init__(self, language: LanguageService) -> None:
        self._language = language

    async def __call__(self, guild_id: int, failure: Failed) -> str:
        tr = await self._language.server(guild_id)
        what = failure.what  # each delivery names what it posts (its ``WHAT``)
        problem = PROBLEMS.get(failure.problem)
        return "\N{WARNING SIGN}\N{VARIATION SELECTOR-16} " + tr(
            "I couldn't post {what} in <#{channel}>: {problem}. Check that I can {view} and {send} there "
            "(`/setup show`).",
            what=tr.render(what) if isinstance(what, Msg) else what,
            channel=failure.channel_id,
            problem=tr.render(problem) if problem else failure.detail,
            view=label(tr, "view_channel"),
            send=label(tr, "send_messages"),
        )
