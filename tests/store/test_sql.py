"""The store's own SQL layer: one placeholder style (``?``) numbered for asyncpg, rows as tuples, and the types the
repositories read back the same on both databases (SQLite answers booleans and EXISTS with 0/1, PostgreSQL with
bool; what a service gets is ``bool`` either way)."""

import pytest

from bot.statuses import ReminderKind
from bot.store import members, parties, personal, windows
from bot.store.sql import IntegrityError, Result, marks, numbered


def test_placeholders_are_numbered_in_order_for_asyncpg():
    assert numbered("SELECT a FROM t WHERE b = ? AND c IN (?, ?)") == "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
    assert numbered("UPDATE t SET x = ?") == "UPDATE t SET x = $1"
    assert numbered("SELECT 1") == "SELECT 1"


def test_question_marks_inside_literals_identifiers_and_comments_are_text():
    sql = "SELECT '?', 'it''s ?', \"odd?name\" FROM t -- why?\nWHERE a = ? AND b = 'x?'"
    assert numbered(sql) == "SELECT '?', 'it''s ?', \"odd?name\" FROM t -- why?\nWHERE a = $1 AND b = 'x?'"


def test_each_sql_string_is_numbered_once():
    numbered.cache_clear()
    sql = "SELECT ? + ?"
    assert numbered(sql) is numbered(sql)
    assert numbered.cache_info().hits == 1


def test_in_lists_have_one_mark_per_value_and_never_none():
    assert marks(1) == "?"
    assert marks(3) == "?, ?, ?"
    with pytest.raises(ValueError, match="at least one"):
        marks(0)


def test_a_result_reads_like_the_rows_it_holds():
    found = Result([(1, "a"), (2, "b")], 2)
    assert (found.first(), found.scalar(), found.scalars(), list(found)) == ((1, "a"), 1, [1, 2], [(1, "a"), (2, "b")])
    assert Result([], 0).first() is None
    assert Result([], 0).scalar() is None
    with pytest.raises(LookupError):
        found.one()
    assert Result([(7,)], 1).scalar_one() == 7


async def test_statements_with_placeholders_run_on_both_databases(db):
    async with db.transaction() as tx:
        await tx.conn.executemany(
            "INSERT INTO member_progress (user_id, episode, updated_at) VALUES (?, ?, ?)", [(1, 3, 0), (2, 5, 0)]
        )
        changed = await tx.conn.execute(
            "UPDATE member_progress SET episode = episode + ? WHERE user_id IN (?, ?)", (1, 1, 2)
        )
    assert changed.rowcount == 2
    async with db.read() as conn:
        found = await conn.execute(
            "SELECT user_id, episode FROM member_progress WHERE episode > ? ORDER BY user_id", (0,)
        )
        literal = await conn.execute("SELECT '?' || ?", ("!",))
    assert found.rows == [(1, 4), (2, 6)]  # tuples, whatever the driver's own row type
    assert literal.scalar() == "?!"


async def test_booleans_read_back_as_bool_on_both_databases(db):
    async with db.transaction() as tx:
        await members.set_party_dm(tx.conn, 7, True, 0)
        await windows.set_window(tx.conn, 1, enabled=True, hours=12, now=0)
        await personal.set_party_dm(tx.conn, 8, True, "1h", 0)
        party = await parties.create(
            tx.conn, guild_id=1, channel_id=10, host_id=7, episodes=(1, 1), starts_at=1000, ends_at=2000,
            timezone="UTC", note="", capacity=None, now=0,
        )  # fmt: skip
    async with db.read() as conn:
        member = await members.get(conn, 7)
        nobody = await members.get(conn, 9)
        window = await windows.get(conn, 1)
        own = await personal.own_party_offsets(conn, 8)
        plans = await personal.any_party_plans(conn, ReminderKind.PARTY_DM, party.id, [8])
        no_plans = await personal.any_party_plans(conn, ReminderKind.PARTY_DM, party.id, [7])
    async with db.transaction() as tx:
        _, _, locked_plans = await parties.lock_for_answer_and_plans(tx.conn, party.id, 8, ReminderKind.PARTY_DM)
    values = [member.party_dm_reminders, nobody.party_dm_reminders, window.enabled, own[0], plans, no_plans]
    assert values == [True, False, True, True, True, False]
    assert {type(v) for v in [*values, locked_plans]} == {bool}
    assert locked_plans is True


async def test_a_refused_constraint_is_the_stores_own_error_on_both_databases(db):
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.conn.execute(
                "INSERT INTO member_progress (user_id, episode, updated_at) VALUES (?, ?, ?)", (1, -1, 0)
            )
    async with db.read() as conn:
        assert (await conn.execute("SELECT COUNT(*) FROM member_progress")).scalar() == 0
