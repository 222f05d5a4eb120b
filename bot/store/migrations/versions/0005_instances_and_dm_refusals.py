"""Claims belong to running instances (heartbeats), not to a time lease; members whose DMs refuse
reminders are remembered so the bot can tell them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "instances",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("hostname", sa.Text, nullable=False),
        sa.Column("pid", Big, nullable=False),
        sa.Column("started_at", Big, nullable=False),
        sa.Column("heartbeat_at", Big, nullable=False),
        sqlite_strict=True,
    )
    claimed = sa.text("state = 'claimed'")
    op.drop_index("reminders_claimed", table_name="reminders")
    op.create_index("reminders_claimed", "reminders", ["claim_token"], sqlite_where=claimed, postgresql_where=claimed)
    op.add_column("member_settings", sa.Column("dm_refused_at", Big))


def downgrade() -> None:
    op.drop_column("member_settings", "dm_refused_at")
    claimed = sa.text("state = 'claimed'")
    op.drop_index("reminders_claimed", table_name="reminders")
    op.create_index("reminders_claimed", "reminders", ["claimed_at"], sqlite_where=claimed, postgresql_where=claimed)
    op.drop_table("instances")
