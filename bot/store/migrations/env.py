"""Alembic's entry for developers (``alembic revision``); the bot itself runs migrations from
``bot.store.migrations.upgrade`` on its own connection."""

from __future__ import annotations

from alembic import context

from bot.store.schema import add_postgresql_predicates, metadata

add_postgresql_predicates()
config = context.config
url = config.get_main_option("sqlalchemy.url") or "sqlite:///var/alembic-dev.sqlite3"
context.configure(url=url, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
