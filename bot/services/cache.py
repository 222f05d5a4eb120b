"""A small read-through cache that writes invalidate without a race, in this process and in every other one.

A reader that loaded a value before a concurrent write committed must not store it after the write
invalidated the key: every invalidation bumps the key's generation, and a load only stores its result if
the generation is unchanged. A write announces the change on the database's cache bus (:class:`CacheBus`, ``db.bus``):
on PostgreSQL every bot process hears of it and drops its copy; when notifications may have been missed,
everything is dropped.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
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

    def holds(self, key: K, value: V) -> bool:
        """Whether the copy kept now is ``value`` (no load: what :meth:`get` returned may have changed since)."""
        return key in self._values and self._values[key] == value

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


class Batched(Generic[K, V]):
    """Loads that arrive together are answered by one read: while a read is under way, the keys asked for meanwhile
    wait, and the next read takes them all (``load_many`` gets the keys, and returns a value for each).

    A burst of first answers (a start-up in a thousand servers, each server's settings read once) then costs a few
    reads instead of one per key; a load on its own still costs one read. Each caller's cancellation is its own: the
    read goes on for the others."""

    def __init__(self, load_many: Callable[[list[K]], Awaitable[dict[K, V]]], *, most: int = 500) -> None:
        self._load_many = load_many
        self._most = most
        self._queued: dict[K, asyncio.Future[V]] = {}
        self._reading: asyncio.Task[None] | None = None

    async def load(self, key: K) -> V:
        future = self._queued.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._queued[key] = future
            if self._reading is None:
                # A context of its own: not the first caller's (a reminder delivery's background lane would hold up
                # the members whose keys join the read).
                self._reading = asyncio.create_task(
                    self._read(), name="runon-batched-read", context=contextvars.Context()
                )
        return await asyncio.shield(future)

    async def _read(self) -> None:
        try:
            while self._queued:
                keys = list(itertools.islice(self._queued, self._most))
                batch = {key: self._queued.pop(key) for key in keys}
                try:
                    found = await self._load_many(keys)
                except Exception as error:  # each waiting caller gets the error, as its own read would have raised it
                    for future in batch.values():
                        _fail(future, error)
                    continue
                except BaseException:  # cancelled (the loop closing): the callers waiting on this read hear of it
                    for future in batch.values():
                        future.cancel()
                    raise
                for key, future in batch.items():
                    if key in found:
                        if not future.done():
                            future.set_result(found[key])
                    else:
                        _fail(future, KeyError(key))
        finally:
            self._reading = None
            for future in self._queued.values():  # cancelled with keys still queued: their callers hear of it
                if not future.done():
                    future.cancel()
            self._queued.clear()


def _fail(future: asyncio.Future[V], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
        future.exception()  # a caller that gave up meanwhile leaves no "never retrieved" warning
