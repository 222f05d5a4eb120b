"""A small read-through cache that writes invalidate without a race, in this process and in every other one.

A reader that loaded a value before a concurrent write committed must not store it after the write
invalidated the key: every invalidation bumps the key's generation, and a load only stores its result if
the generation is unchanged. A write announces the change on the database's cache bus (:class:`CacheBus`, ``db.bus``):
on PostgreSQL every bot process hears of it and drops its copy; when notifications may have been missed,
everything is dropped.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar, cast

from bot.store import CacheBus, Tx

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Cache(Generic[K, V]):
    def __init__(self, bus: CacheBus | None = None, topic: str = "", *, size: int = 20_000) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._generation: dict[K, int] = {}
        self._epoch = 0  # bumped when everything is dropped at once
        self._bus = bus
        self._topic = topic
        if bus is not None and topic:
            bus.subscribe(topic, self._heard)

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        generation, epoch = self._generation.get(key, 0), self._epoch
        value = await load()
        if self._generation.get(key, 0) == generation and self._epoch == epoch:
            self._values[key] = value
            while len(self._values) > self._size:
                evicted, _ = self._values.popitem(last=False)
                self._generation.pop(evicted, None)
        return value

    def put(self, key: K, value: V) -> None:
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self._size:
            evicted, _ = self._values.popitem(last=False)
            self._generation.pop(evicted, None)

    def invalidate(self, key: K) -> None:
        self._values.pop(key, None)
        self._generation[key] = self._generation.get(key, 0) + 1

    def clear(self) -> None:
        self._values.clear()
        self._epoch += 1

    async def changed(self, tx: Tx, key: K) -> None:
        """``key`` changes in ``tx``: once it commits, this process and every other one drop their copy."""
        if self._bus is None or not self._topic:
            tx.after_commit(lambda: self.invalidate(key))
            return
        await self._bus.publish(tx, self._topic, json.dumps(key))

    async def wrote(self, tx: Tx, key: K, value: V) -> None:
        """``key`` becomes ``value`` in ``tx``: like :meth:`changed`, and where this process is the database's only
        writer (SQLite: one transaction at a time, its after-commit actions run before the next one can commit) it
        keeps ``value`` too, so the member's next answer needs no read. With several processes (PostgreSQL) it only
        drops the copy: commits there may finish in another order than their actions run."""
        await self.changed(tx, key)
        if self._bus is not None and self._bus.single_writer:
            tx.after_commit(lambda: self.put(key, value))

    def _heard(self, raw: str | None) -> None:
        if raw is None:
            self.clear()
            return
        value = json.loads(raw)
        self.invalidate(cast(K, tuple(value) if isinstance(value, list) else value))
