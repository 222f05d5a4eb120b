"""The spoiler window: per server, whether it is on, its length and the AutoMod rule the bot keeps for it; the
channels staff exempt from it; staff's own spoiler words per episode.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

Big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "spoiler_windows",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("enabled", Big, nullable=False, server_default="0"),
        sa.Column("hours", Big, nullable=False, server_default="24"),
        sa.Column("rule_id", Big),
        sa.Column("episode", Big),
        sa.Column("problem", sa.Text),
        sa.Column("detail", sa.Text),
        sa.Column("updated_at", Big, nullable=False),
        sa.CheckConstraint("enabled IN (0, 1)", name="spoiler_windows_enabled"),
        sa.CheckConstraint("hours BETWEEN 1 AND 72", name="spoiler_windows_hours"),
        sqlite_strict=True,
    )
    op.create_table(
        "spoiler_window_exempt",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("channel_id", Big, primary_key=True, autoincrement=False),
        sqlite_strict=True,
    )
    op.create_table(
        "spoiler_words",
        sa.Column("guild_id", Big, primary_key=True, autoincrement=False),
        sa.Column("episode", Big, primary_key=True, autoincrement=False),
        sa.Column("folded", sa.Text, primary_key=True),
        sa.Column("word", sa.Text, nullable=False),
        sa.CheckConstraint("episode >= 1", name="spoiler_words_episode"),
        sqlite_strict=True,
    )


def downgrade() -> None:
    op.drop_table("spoiler_words")
    op.drop_table("spoiler_window_exempt")
    op.drop_table("spoiler_windows")
