"""The schema of the first version (SQLite user_version 4): progress, server settings, discussion threads,
watch parties with RSVPs, member settings, the reminder queue, rewatches and airing slots.

Revision ID: 0004
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = None
branch_labels = None
depends_on = None

Big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STRICT = {"sqlite_strict": True}


def upgrade() -> None:
    op.create_table(
        "member_progress",
        sa.Column("user_id", Big, primary_key=True, autoincrement=False),
        sa.Column("episode", Big, nullable=False),
        sa.Column("updated_at", Big, nullable=False),
        sa.CheckConstraint("episode >= 0", name="member_progress_episode"),
        **STRICT,
    )
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("discussion_channel_id", Big),
        sa.Column("spoiler_line", Big),
        sa.Column("updated_at", Big, nullable=False),
        sa.Column("timezone", sa.Text),
        sa.Column("staff_channel_id", Big),
        sa.Column("reminder_offsets", sa.Text),
        sa.Column("airing_channel_id", Big),
        sa.Column("airing_role_id", Big),
        sa.Column("airing_offsets", sa.Text),
        sa.CheckConstraint("spoiler_line IS NULL OR spoiler_line >= 0", name="guild_settings_spoiler_line"),
        **STRICT,
    )
    op.create_table(
        "spoiler_free_channels",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("channel_id", Big, primary_key=True, autoincrement=False),
        **STRICT,
    )
    op.create_table(
        "discussion_threads",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("episode", Big, primary_key=True, autoincrement=False),
        sa.Column("thread_id", Big, nullable=False),
        sa.Column("parent_id", Big, nullable=False),
        sa.Column("created_at", Big, nullable=False),
        sa.CheckConstraint("episode >= 1", name="discussion_threads_episode"),
        **STRICT,
    )
    op.create_table(
        "watch_parties",
        sa.Column("id", Big, primary_key=True),
        sa.Column("guild_id", Big, nullable=False),
        sa.Column("channel_id", Big, nullable=False),
        sa.Column("host_id", Big, nullable=False),
        sa.Column("first_episode", Big, nullable=False),
        sa.Column("last_episode", Big, nullable=False),
        sa.Column("starts_at", Big, nullable=False),
        sa.Column("ends_at", Big, nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("capacity", Big),
        sa.Column("announcement_message_id", Big),
        sa.Column("event_id", Big),
        sa.Column("status", sa.Text, nullable=False, server_default="scheduled"),
        sa.Column("created_at", Big, nullable=False),
        sa.Column("updated_at", Big, nullable=False),
        sa.CheckConstraint("first_episode >= 1", name="watch_parties_first_episode"),
        sa.CheckConstraint("last_episode >= first_episode", name="watch_parties_last_episode"),
        sa.CheckConstraint("ends_at > starts_at", name="watch_parties_ends_at"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="watch_parties_capacity"),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name="watch_parties_status"),
        **STRICT,
    )
    op.create_index("watch_parties_upcoming", "watch_parties", ["guild_id", "status", "starts_at"])
    op.create_table(
        "rsvps",
        sa.Column(
            "party_id",
            Big,
            sa.ForeignKey("watch_parties.id", ondelete="CASCADE", name="rsvps_party_id_fkey"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("user_id", Big, primary_key=True, autoincrement=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("seq", Big, nullable=False),
        sa.Column("updated_at", Big, nullable=False),
        sa.CheckConstraint("status IN ('going', 'maybe', 'declined', 'waitlist')", name="rsvps_status"),
        **STRICT,
    )
    op.create_index("rsvps_waitlist", "rsvps", ["party_id", "status", "seq"])
    op.create_table(
        "member_settings",
        sa.Column("user_id", Big, primary_key=True, autoincrement=False),
        sa.Column("timezone", sa.Text),
        sa.Column("party_dm_reminders", Big, nullable=False, server_default="0"),
        sa.Column("updated_at", Big, nullable=False),
        sa.CheckConstraint("party_dm_reminders IN (0, 1)", name="member_settings_party_dm_reminders"),
        **STRICT,
    )
    op.create_table(
        "reminders",
        sa.Column("id", Big, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("guild_id", Big, nullable=False),
        sa.Column("ref_id", Big, nullable=False),
        sa.Column("offset_seconds", Big, nullable=False),
        sa.Column("event_at", Big, nullable=False),
        sa.Column("due_at", Big, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="pending"),
        sa.Column("claim_token", sa.Text),
        sa.Column("claimed_at", Big),
        sa.Column("attempts", Big, nullable=False, server_default="0"),
        sa.Column("sent_at", Big),
        sa.Column("message_id", Big),
        sa.Column("detail", sa.Text),
        sa.CheckConstraint("offset_seconds >= 0", name="reminders_offset_seconds"),
        sa.CheckConstraint(
            "state IN ('pending', 'claimed', 'sent', 'skipped', 'failed', 'cancelled')", name="reminders_state"
        ),
        sa.UniqueConstraint("kind", "ref_id", "offset_seconds", name="reminders_kind_ref_id_offset_seconds_key"),
        **STRICT,
    )
    pending = sa.text("state = 'pending'")
    claimed = sa.text("state = 'claimed'")
    op.create_index("reminders_due", "reminders", ["due_at"], sqlite_where=pending, postgresql_where=pending)
    op.create_index("reminders_claimed", "reminders", ["claimed_at"], sqlite_where=claimed, postgresql_where=claimed)
    op.create_table(
        "delivery_problems",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("channel_id", Big, primary_key=True, autoincrement=False),
        sa.Column("problem", sa.Text, primary_key=True),
        sa.Column("reported_at", Big, nullable=False),
        **STRICT,
    )
    op.create_table(
        "rewatches",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("zone", sa.Text, nullable=False),
        sa.Column("slots", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("paused_at", Big),
        sa.Column("started_at", Big, nullable=False),
        sa.Column("updated_at", Big, nullable=False),
        sa.CheckConstraint("status IN ('running', 'paused')", name="rewatches_status"),
        **STRICT,
    )
    op.create_table(
        "airing_slots",
        sa.Column("id", Big, primary_key=True),
        sa.Column("guild_id", Big, nullable=False),
        sa.Column("episode", Big, nullable=False),
        sa.Column("airs_at", Big, nullable=False),
        sa.CheckConstraint("episode >= 1", name="airing_slots_episode"),
        sa.UniqueConstraint("guild_id", "episode", name="airing_slots_guild_id_episode_key"),
        **STRICT,
    )
    op.create_table(
        "airing_subscribers",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("user_id", Big, primary_key=True, autoincrement=False),
        **STRICT,
    )


def downgrade() -> None:
    for table in (
        "airing_subscribers", "airing_slots", "rewatches", "delivery_problems", "reminders", "member_settings",
        "rsvps", "watch_parties", "discussion_threads", "spoiler_free_channels", "guild_settings", "member_progress",
    ):  # fmt: skip
        op.drop_table(table)
