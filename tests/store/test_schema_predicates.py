"""The partial indexes keep their PostgreSQL predicate for Alembic's autogenerate, added only when asked for."""

from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from bot.store.schema import add_postgresql_predicates, metadata


def test_each_partial_index_gets_the_same_predicate_on_postgresql():
    add_postgresql_predicates()
    partial = {
        index.name: str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        for table in metadata.tables.values()
        for index in table.indexes
        if index.dialect_options["sqlite"]["where"] is not None
    }
    assert set(partial) == {"reminders_due", "reminders_claimed", "episode_polls_due"}
    assert partial["reminders_due"].endswith("WHERE state = 'pending'")
    assert partial["reminders_claimed"].endswith("WHERE state = 'claimed'")
    assert partial["episode_polls_due"].endswith("WHERE state = 'open'")
