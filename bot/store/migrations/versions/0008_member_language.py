"""A member's Discord language from their last interaction, for what the bot writes to them outside one (their
own reminder DMs, DM copies); NULL: the server's language. ``/progress forget`` deletes it with the row.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member_settings", sa.Column("language", sa.Text))


def downgrade() -> None:
    op.drop_column("member_settings", "language")
