"""Discord's documented rate limits, shared by both adapters (one limiter per stand-in, whatever talks to it)."""

from __future__ import annotations

import collections
import time

__all__ = ["DiscordLimits", "Verdict"]

#: Headers for the answer, and ``retry_after`` (with whether the limit is the global one) when refused.
Verdict = tuple[dict[str, str], float | None, bool]


class DiscordLimits:
    """Discord's rate limits as documented: a global limit per bot (50 requests a second by default) and
    per-route buckets, here the one that matters for posts (about 5 messages per channel every 5 seconds).
    Answers carry the ``X-RateLimit-*`` headers discord.py reads; a request over a limit gets a ``429`` with
    ``retry_after`` (and ``global: true`` for the global limit), as Discord sends it.

    Which requests share a bucket is the route table's business (:attr:`bot.standin.routes.Route.bucket`):
    :meth:`admit` takes the bucket key the route gave, or None for a route with no bucket of its own."""

    def __init__(
        self, *, global_per_second: float = 50, channel_messages: int = 5, channel_window: float = 5.0
    ) -> None:
        self.global_per_second = global_per_second
        self.channel_messages = channel_messages
        self.channel_window = channel_window
        self._global: collections.deque[float] = collections.deque()
        self._buckets: dict[str, tuple[float, int]] = {}  # bucket -> (window start, requests in it)
        self.requests = 0
        self.limited = 0  # 429 answers
        self.limited_global = 0
        self.peak_per_second = 0

    def admit(self, bucket: str | None, now: float) -> Verdict:
        """Count one request against the global limit and, when ``bucket`` is given, against that bucket."""
        self.requests += 1
        window = self._global
        while window and now - window[0] >= 1.0:
            window.popleft()
        if len(window) >= self.global_per_second:
            self.limited += 1
            self.limited_global += 1
            retry = max(window[0] + 1.0 - now, 0.001)
            return {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}, retry, True
        headers: dict[str, str] = {}
        if bucket is not None:
            start, used = self._buckets.get(bucket, (now, 0))
            if now - start >= self.channel_window:
                start, used = now, 0
            reset_after = start + self.channel_window - now
            headers = {
                "X-RateLimit-Limit": str(self.channel_messages),
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": bucket.split(":", 1)[0],
            }
            if used >= self.channel_messages:
                self.limited += 1
                return (
                    headers | {"X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user"},
                    max(reset_after, 0.001),
                    False,
                )
            used += 1
            self._buckets[bucket] = (start, used)
            headers["X-RateLimit-Remaining"] = str(self.channel_messages - used)
            headers["X-RateLimit-Reset"] = f"{time.time() + reset_after:.3f}"
        window.append(now)
        self.peak_per_second = max(self.peak_per_second, len(window))
        return headers, None, False
