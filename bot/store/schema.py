"""The tables, as SQLAlchemy Core metadata: what the migrations build, Alembic compares and tools read (the
repositories query them in plain SQL, :mod:`bot.store.sql`; the running bot never imports this module).

One description serves SQLite and PostgreSQL. Ids are Discord snowflakes (64-bit) and times are UTC
epoch seconds, both ``BIGINT`` (``INTEGER`` on SQLite, whose tables are ``STRICT``). The migrations in
``bot/store/migrations`` create exactly these tables; ``tests/store/test_schema.py`` checks that they agree.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa

from bot.statuses import PartyStatus, PollState, ReminderState, RewatchStatus, Rsvp

#: A 64-bit integer: BIGINT on PostgreSQL, INTEGER (64-bit, and the name STRICT tables accept) on SQLite.
Big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def one_of(column: str, values: type[enum.StrEnum]) -> sa.CheckConstraint:
    """The CHECK that keeps a status column to its enum's values (the constraint's text is the migrations')."""
    return sa.CheckConstraint(f"{column} IN ({', '.join(repr(v.value) for v in values)})", name=column)


def is_(column: str, value: enum.StrEnum) -> sa.TextClause:
    """A partial index's condition on a status column."""
    return sa.text(f"{column} = '{value.value}'")


metadata = sa.MetaData(
    naming_convention={
        "ix": "%(table_name)s_%(column_0_N_name)s",
        "uq": "%(table_name)s_%(column_0_N_name)s_key",
        "ck": "%(table_name)s_%(constraint_name)s",
        "fk": "%(table_name)s_%(column_0_name)s_fkey",
        "pk": "%(table_name)s_pkey",
    }
)


member_progress = sa.Table(
    "member_progress",
    metadata,
    sa.Column("user_id", Big, primary_key=True, autoincrement=False),
    sa.Column("episode", Big, nullable=False),
    sa.Column("updated_at", Big, nullable=False),
    sa.CheckConstraint("episode >= 0", name="episode"),
    sqlite_strict=True,
)

guild_settings = sa.Table(
    "guild_settings",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("discussion_channel_id", Big),
    # NULL: automatic (0, or where the server's rewatch has reached); else fixed by staff.
    sa.Column("spoiler_line", Big),
    sa.Column("updated_at", Big, nullable=False),
    sa.Column("timezone", sa.Text),
    sa.Column("staff_channel_id", Big),
    sa.Column("reminder_offsets", sa.Text),
    sa.Column("airing_channel_id", Big),
    sa.Column("airing_role_id", Big),
    sa.Column("airing_offsets", sa.Text),
    # Episode pulse polls: NULL follows airing posts (on when they are), else 1 on / 0 off set by staff.
    sa.Column("pulse_polls", Big),
    # The language of public posts ("en", "ko"); NULL: the server's Discord preferred locale.
    sa.Column("language", sa.Text),
    sa.CheckConstraint("spoiler_line IS NULL OR spoiler_line >= 0", name="spoiler_line"),
    sqlite_strict=True,
)

spoiler_free_channels = sa.Table(
    "spoiler_free_channels",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("channel_id", Big, primary_key=True, autoincrement=False),
    sqlite_strict=True,
)

discussion_threads = sa.Table(
    "discussion_threads",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("episode", Big, primary_key=True, autoincrement=False),
    sa.Column("thread_id", Big, nullable=False),
    sa.Column("parent_id", Big, nullable=False),
    sa.Column("created_at", Big, nullable=False),
    sa.CheckConstraint("episode >= 1", name="episode"),
    sqlite_strict=True,
)

watch_parties = sa.Table(
    "watch_parties",
    metadata,
    sa.Column("id", Big, primary_key=True),
    sa.Column("guild_id", Big, nullable=False),
    sa.Column("channel_id", Big, nullable=False),
    sa.Column("host_id", Big, nullable=False),  # FORMER_MEMBER once the host deleted their data
    sa.Column("first_episode", Big, nullable=False),
    sa.Column("last_episode", Big, nullable=False),
    sa.Column("starts_at", Big, nullable=False),
    sa.Column("ends_at", Big, nullable=False),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("capacity", Big),
    sa.Column("announcement_message_id", Big),
    sa.Column("event_id", Big),
    sa.Column("status", sa.Text, nullable=False, server_default=PartyStatus.SCHEDULED.value),
    sa.Column("created_at", Big, nullable=False),
    sa.Column("updated_at", Big, nullable=False),
    sa.CheckConstraint("first_episode >= 1", name="first_episode"),
    sa.CheckConstraint("last_episode >= first_episode", name="last_episode"),
    sa.CheckConstraint("ends_at > starts_at", name="ends_at"),
    sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
    one_of("status", PartyStatus),
    sa.Index("watch_parties_upcoming", "guild_id", "status", "starts_at"),
    sqlite_strict=True,
)

rsvps = sa.Table(
    "rsvps",
    metadata,
    sa.Column(
        "party_id", Big, sa.ForeignKey("watch_parties.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    ),
    sa.Column("user_id", Big, primary_key=True, autoincrement=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("seq", Big, nullable=False),  # order of the latest change: the wait list's order
    sa.Column("updated_at", Big, nullable=False),
    one_of("status", Rsvp),
    sa.Index("rsvps_waitlist", "party_id", "status", "seq"),
    sqlite_strict=True,
)

member_settings = sa.Table(
    "member_settings",
    metadata,
    sa.Column("user_id", Big, primary_key=True, autoincrement=False),
    sa.Column("timezone", sa.Text),
    sa.Column("party_dm_reminders", Big, nullable=False, server_default="0"),
    sa.Column("updated_at", Big, nullable=False),
    # When Discord last refused a reminder DM to this member (closed DMs); NULL once one arrives again.
    sa.Column("dm_refused_at", Big),
    # The member's own times before a watch party ("1d, 30m"); NULL: DM copies of the server's reminders.
    sa.Column("party_dm_offsets", sa.Text),
    # The member's Discord locale at their last interaction ("ko", "en-US"), for what the bot writes to them
    # outside one (reminder DMs); NULL: the server's language.
    sa.Column("language", sa.Text),
    sa.CheckConstraint("party_dm_reminders IN (0, 1)", name="party_dm_reminders"),
    sqlite_strict=True,
)

reminders = sa.Table(
    "reminders",
    metadata,
    sa.Column("id", Big, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),  # 'party' or 'airing'
    sa.Column("guild_id", Big, nullable=False),
    sa.Column("ref_id", Big, nullable=False),  # the party, or the airing slot
    sa.Column("offset_seconds", Big, nullable=False),  # before event_at; 0 = "starting now"
    sa.Column("event_at", Big, nullable=False),
    sa.Column("due_at", Big, nullable=False),
    sa.Column("state", sa.Text, nullable=False, server_default=ReminderState.PENDING.value),
    sa.Column("claim_token", sa.Text),  # the instance that holds the claim
    sa.Column("claimed_at", Big),
    sa.Column("attempts", Big, nullable=False, server_default="0"),
    sa.Column("sent_at", Big),
    sa.Column("message_id", Big),
    sa.Column("detail", sa.Text),  # why it was skipped or failed (Discord's error), or what partly failed
    sa.CheckConstraint("offset_seconds >= 0", name="offset_seconds"),
    one_of("state", ReminderState),
    sa.UniqueConstraint("kind", "ref_id", "offset_seconds", name="reminders_kind_ref_id_offset_seconds_key"),
    sa.Index(
        "reminders_due",
        "due_at",
        sqlite_where=is_("state", ReminderState.PENDING),
    ),
    sa.Index(
        "reminders_claimed",
        "claim_token",
        sqlite_where=is_("state", ReminderState.CLAIMED),
    ),
    sqlite_strict=True,
)

delivery_problems = sa.Table(
    "delivery_problems",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("channel_id", Big, primary_key=True, autoincrement=False),
    sa.Column("problem", sa.Text, primary_key=True),  # 'missing_permissions', 'unknown_channel', ...
    sa.Column("reported_at", Big, nullable=False),
    sqlite_strict=True,
)

rewatches = sa.Table(
    "rewatches",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("zone", sa.Text, nullable=False),
    sa.Column("slots", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("paused_at", Big),
    sa.Column("started_at", Big, nullable=False),
    sa.Column("updated_at", Big, nullable=False),
    one_of("status", RewatchStatus),
    sqlite_strict=True,
)

airing_slots = sa.Table(
    "airing_slots",
    metadata,
    sa.Column("id", Big, primary_key=True),
    sa.Column("guild_id", Big, nullable=False),
    sa.Column("episode", Big, nullable=False),
    sa.Column("airs_at", Big, nullable=False),
    sa.CheckConstraint("episode >= 1", name="episode"),
    sa.UniqueConstraint("guild_id", "episode", name="airing_slots_guild_id_episode_key"),
    sqlite_strict=True,
)

airing_subscribers = sa.Table(
    "airing_subscribers",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("user_id", Big, primary_key=True, autoincrement=False),
    # The member's own times before each episode airs; NULL: DM copies of the server's airing posts.
    sa.Column("offsets", sa.Text),
    sqlite_strict=True,
)

# Running bot processes: their claims on reminders are theirs while they keep beating.
instances = sa.Table(
    "instances",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("hostname", sa.Text, nullable=False),
    sa.Column("pid", Big, nullable=False),
    sa.Column("started_at", Big, nullable=False),
    sa.Column("heartbeat_at", Big, nullable=False),
    sqlite_strict=True,
)

# One member's own reminders for one watch party or one airing slot: the reminder rows of kinds
# 'party-dm' and 'airing-dm' name this row as their ref_id (one row per offset), so every personal DM is
# its own reminder, claimed, sent and marked once.
personal_reminders = sa.Table(
    "personal_reminders",
    metadata,
    sa.Column("id", Big, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),  # the reminder kind: 'party-dm' or 'airing-dm'
    sa.Column("guild_id", Big, nullable=False),
    sa.Column("user_id", Big, nullable=False),
    sa.Column("target_id", Big, nullable=False),  # the watch party, or the airing slot
    sa.CheckConstraint("kind IN ('party-dm', 'airing-dm')", name="kind"),
    sa.UniqueConstraint("kind", "target_id", "user_id", name="personal_reminders_kind_target_id_user_id_key"),
    sa.Index("personal_reminders_user", "user_id"),
    sa.Index("personal_reminders_guild", "guild_id", "kind"),
    sqlite_strict=True,
)

# Episode pulse polls: one native Discord poll per airing, and its result once Discord closed it. Counts
# only, never who voted.
episode_polls = sa.Table(
    "episode_polls",
    metadata,
    sa.Column("id", Big, primary_key=True),
    sa.Column("guild_id", Big, nullable=False),
    sa.Column("episode", Big, nullable=False),
    sa.Column("channel_id", Big, nullable=False),  # the episode's discussion thread
    sa.Column("message_id", Big, nullable=False),
    sa.Column("opened_at", Big, nullable=False),
    sa.Column("closes_at", Big, nullable=False),
    sa.Column("state", sa.Text, nullable=False, server_default=PollState.OPEN.value),
    sa.Column("stars_1", Big, nullable=False, server_default="0"),
    sa.Column("stars_2", Big, nullable=False, server_default="0"),
    sa.Column("stars_3", Big, nullable=False, server_default="0"),
    sa.Column("stars_4", Big, nullable=False, server_default="0"),
    sa.Column("stars_5", Big, nullable=False, server_default="0"),
    sa.Column("next_check_at", Big, nullable=False),  # when to read the result from Discord (again)
    sa.Column("checks", Big, nullable=False, server_default="0"),
    sa.Column("closed_at", Big),
    sa.Column("detail", sa.Text),  # how the result was read, or why it could not be
    sa.CheckConstraint("episode >= 1", name="episode"),
    one_of("state", PollState),
    sa.UniqueConstraint("message_id", name="episode_polls_message_id_key"),
    sa.Index("episode_polls_guild", "guild_id", "episode"),
    sa.Index(
        "episode_polls_due",
        "next_check_at",
        sqlite_where=is_("state", PollState.OPEN),
    ),
    sqlite_strict=True,
)


# The spoiler window: per server, whether it is on and how long it lasts, the AutoMod rule the bot keeps for it (and
# the episode it is for), and the last problem keeping it (reported to staff once, until it changes).
spoiler_windows = sa.Table(
    "spoiler_windows",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("enabled", Big, nullable=False, server_default="0"),
    sa.Column("hours", Big, nullable=False, server_default="24"),
    sa.Column("rule_id", Big),  # the AutoMod rule the bot keeps, as last seen (it is found again by name and creator)
    sa.Column("episode", Big),  # the episode whose window the rule is for
    sa.Column("problem", sa.Text),  # 'missing_manage_guild', 'rule_limit', 'other'; NULL: none
    sa.Column("detail", sa.Text),  # Discord's answer, for /setup show and the logs
    sa.Column("updated_at", Big, nullable=False),
    sa.CheckConstraint("enabled IN (0, 1)", name="enabled"),
    sa.CheckConstraint("hours BETWEEN 1 AND 72", name="hours"),
    sqlite_strict=True,
)

# Channels staff exempt from the spoiler window's rule (the discussion channel and the episode's thread always are).
spoiler_window_exempt = sa.Table(
    "spoiler_window_exempt",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("channel_id", Big, primary_key=True, autoincrement=False),
    sqlite_strict=True,
)

# Staff's own spoiler words per episode, beside the show pack's ("folded": case-folded, one of each).
spoiler_words = sa.Table(
    "spoiler_words",
    metadata,
    sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
    sa.Column("episode", Big, primary_key=True, autoincrement=False),
    sa.Column("folded", sa.Text, primary_key=True),
    sa.Column("word", sa.Text, nullable=False),
    sa.CheckConstraint("episode >= 1", name="episode"),
    sqlite_strict=True,
)


def add_postgresql_predicates() -> None:
    """Give the partial indexes their PostgreSQL predicate too, the same as SQLite's (the migrations create each with
    both): for Alembic's autogenerate (``migrations/env.py``). Not at import: a ``postgresql_where`` loads SQLAlchemy's
    whole PostgreSQL dialect (2 MiB and tens of ms of every start, SQLite's too), and no query needs it."""
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_options["postgresql"]["where"] = where
