"""Episode pulse polls and their results, the pulse setting, and members' own reminder times (with one
personal row per member and party or airing slot, which their reminder rows name).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("guild_settings", sa.Column("pulse_polls", Big))  # NULL, 0 or 1 (the service writes only these)
    op.add_column("member_settings", sa.Column("party_dm_offsets", sa.Text))
    op.add_column("airing_subscribers", sa.Column("offsets", sa.Text))
    op.create_table(
        "personal_reminders",
        sa.Column("id", Big, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("guild_id", Big, nullable=False),
        sa.Column("user_id", Big, nullable=False),
        sa.Column("target_id", Big, nullable=False),
        sa.CheckConstraint("kind IN ('party-dm', 'airing-dm')", name="personal_reminders_kind"),
        sa.UniqueConstraint("kind", "target_id", "user_id", name="personal_reminders_kind_target_id_user_id_key"),
        sqlite_strict=True,
    )
    op.create_index("personal_reminders_user", "personal_reminders", ["user_id"])
    op.create_index("personal_reminders_guild", "personal_reminders", ["guild_id", "kind"])
    op.create_table(
        "episode_polls",
        sa.Column("id", Big, primary_key=True),
        sa.Column("guild_id", Big, nullable=False),
        sa.Column("episode", Big, nullable=False),
        sa.Column("channel_id", Big, nullable=False),
        sa.Column("message_id", Big, nullable=False),
        sa.Column("opened_at", Big, nullable=False),
        sa.Column("closes_at", Big, nullable=False),
        sa.Column("state", sa.Text, nullable=False, server_default="open"),
        *(sa.Column(f"stars_{n}", Big, nullable=False, server_default="0") for n in range(1, 6)),
        sa.Column("next_check_at", Big, nullable=False),
        sa.Column("checks", Big, nullable=False, server_default="0"),
        sa.Column("closed_at", Big),
        sa.Column("detail", sa.Text),
        sa.CheckConstraint("episode >= 1", name="episode_polls_episode"),
        sa.CheckConstraint("state IN ('open', 'closed', 'gone')", name="episode_polls_state"),
        sa.UniqueConstraint("message_id", name="episode_polls_message_id_key"),
        sqlite_strict=True,
    )
    op.create_index("episode_polls_guild", "episode_polls", ["guild_id", "episode"])
    open_ = sa.text("state = 'open'")
    op.create_index("episode_polls_due", "episode_polls", ["next_check_at"], sqlite_where=open_, postgresql_where=open_)


def downgrade() -> None:
    op.drop_table("episode_polls")
    op.drop_table("personal_reminders")
    op.drop_column("airing_subscribers", "offsets")
    op.drop_column("member_settings", "party_dm_offsets")
    op.drop_column("guild_settings", "pulse_polls")
