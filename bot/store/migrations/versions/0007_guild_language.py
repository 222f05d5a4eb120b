"""A server's language for public posts (``/setup language``); NULL follows the server's Discord locale.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("guild_settings", sa.Column("language", sa.Text))


def downgrade() -> None:
    op.drop_column("guild_settings", "language")
