"""A small read-through cache that a write can invalidate without a race.

A reader that loaded a value before a concurrent write committed must not store it after the write
invalidated the key: every invalidation bumps the key's generation, and a load only stores its result
if the generation is unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Cache(Generic[K, V]):
    def __init__(self, size: int = 20_000) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._generation: dict[K, int] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        generation = self._generation.get(key, 0)
        value = await load()
        if self._generation.get(key, 0) == generation:
            self._values[key] = value
            while len(self._values) > self._size:
                evicted, _ = self._values.popitem(last=False)
                self._generation.pop(evicted, None)
        return value

    def invalidate(self, key: K) -> None:
        self._values.pop(key, None)
        self._generation[key] = self._generation.get(key, 0) + 1
