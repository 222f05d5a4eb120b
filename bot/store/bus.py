"""The cache bus: how a committed write tells every cache of it to drop its copy.

Caches of rows (a member's settings, a server's configuration, a rewatch) :meth:`~CacheBus.subscribe` to a topic; a
unit of work that changes such a row :meth:`~CacheBus.publish`\\ es the key in its transaction, and once it commits each
subscriber hears the key. Two implementations, chosen with the database (:meth:`bot.store.Database.open`):

* :class:`CacheBus`, in the process: SQLite has one bot process, the only writer, so a write is heard where it
  happened, right after the commit (:attr:`~CacheBus.single_writer`: a cache may keep the value it wrote).
* :class:`PostgresBus`: several bot processes may share a PostgreSQL database. A write is announced with
  ``NOTIFY`` in its own transaction (delivered only if it commits), and every process ``LISTEN``\\ s on one connection
  of its own; when that connection drops, what changed meanwhile is unknown and every subscriber hears ``None``
  (drop everything), then again once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .database import Tx

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "runon_cache"
Subscriber = Callable[[str | None], None]  # called with the key, or None when every key may be stale


class CacheBus:
    """The bus of one process: what a unit of work publishes is heard by this process's subscribers once it
    commits (nothing is heard of a unit of work that rolled back)."""

    #: Every write to the database happens in this process, one unit of work at a time, and a unit's after-commit
    #: actions run before the next one can commit: a cache may keep the value it wrote instead of dropping it.
    single_writer = True

    def __init__(self) -> None:
        self._subscribers: dict[str, list[Subscriber]] = {}

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Call ``subscriber(key)`` when a unit of work (in any process sharing the database) changed ``key`` of
        ``topic``, and ``subscriber(None)`` when notifications may have been missed (everything may be stale)."""
        self._subscribers.setdefault(topic, []).append(subscriber)

    async def publish(self, tx: Tx, topic: str, key: str) -> None:
        """Tell every subscriber, once ``tx`` commits, that ``key`` of ``topic`` changed (this process's at once)."""
        for subscriber in self._subscribers.get(topic, []):
            tx.after_commit(lambda s=subscriber: s(key))  # type: ignore[misc]

    def heard(self, topic: str, key: str) -> None:
        for subscriber in self._subscribers.get(topic, []):
            subscriber(key)

    def everything_stale(self) -> None:
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                subscriber(None)

    async def start(self) -> None:
        """Begin hearing other processes (nothing to do in one process)."""

    async def close(self) -> None:
        """Stop hearing other processes."""


class PostgresBus(CacheBus):
    """The bus between the processes sharing one PostgreSQL database: ``NOTIFY`` in the writer's transaction,
    ``LISTEN`` on a connection of each process's own (``libpq_url``: a plain ``postgresql://`` URL for asyncpg)."""

    single_writer = False  # commits in other processes may finish in another order than their actions run

    def __init__(self, libpq_url: str, shown_as: str) -> None:
        super().__init__()
        self._url = libpq_url
        self._shown_as = shown_as  # the URL without its secrets, for the log
        self._listener: Any = None  # the asyncpg connection LISTENing
        self._relisten_task: asyncio.Task[None] | None = None
        self._closed = False

    async def publish(self, tx: Tx, topic: str, key: str) -> None:
        await super().publish(tx, topic, key)
        await tx.conn.execute("SELECT pg_notify(?, ?)", (NOTIFY_CHANNEL, f"{topic}:{key}"))

    async def start(self) -> None:
        import asyncpg

        self._listener = await asyncpg.connect(self._url)
        await self._listener.add_listener(NOTIFY_CHANNEL, self._notified)
        self._listener.add_termination_listener(lambda _conn: self._lost_listener())

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        topic, _, key = payload.partition(":")
        self.heard(topic, key)

    def _lost_listener(self) -> None:
        """The notification connection dropped: what other processes changed meanwhile is unknown."""
        if self._closed:
            return
        self.everything_stale()
        if self._relisten_task is None or self._relisten_task.done():
            self._relisten_task = asyncio.get_running_loop().create_task(self._relisten(), name="cache-relisten")

    async def _relisten(self) -> None:
        delay = 1.0
        while True:
            try:
                await self.start()
            except Exception:
                log.warning("cache notifications: cannot reconnect to %s; retrying in %.0fs", self._shown_as, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            else:
                self.everything_stale()  # anything cached during the gap may be old
                return

    async def close(self) -> None:
        self._closed = True
        if self._relisten_task is not None:
            self._relisten_task.cancel()
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(Exception):
                await listener.close()
