"""The sender's statuses are enums: a refusal is one of a known set, each refusal staff can fix has its words in the
staff report, and a transport error of a kind the sender does not know is a bug caught at once (not a silent
"transient" that would be retried until its moment passed)."""

from __future__ import annotations

import pytest

from bot.deliveries.staff import PROBLEMS
from bot.reminders import Refusal, TransportError, TransportErrorKind
from bot.reminders.model import REFUSALS, STAFF_FIXABLE


def test_every_refusal_staff_can_fix_is_named_in_the_staff_report():
    assert set(PROBLEMS) == set(STAFF_FIXABLE)


def test_every_refusal_comes_from_a_discord_code_or_from_the_sender_itself():
    assert set(REFUSALS.values()) | {Refusal.UNCONFIRMED, Refusal.OTHER} == set(Refusal)


def test_a_transport_error_of_an_unknown_kind_is_refused_at_once():
    with pytest.raises(ValueError, match="ratelimited"):
        TransportError("ratelimited", "429")  # type: ignore[arg-type]
    assert TransportError("refused", "403").kind is TransportErrorKind.REFUSED  # the stored value reads back
