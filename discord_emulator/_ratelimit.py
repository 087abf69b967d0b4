"""Per-route buckets and an optional global request limit.

Windows are measured with the real monotonic clock (not the injectable one):
the client genuinely sleeps for ``retry_after``, so emulated time would make
it spin or stall.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class RateLimitConfig:
    """Knobs for rate limiting.

    ``global_per_second=None`` disables the global limit (the default, so
    tests are not throttled); ``route_limit`` requests are allowed per
    ``route_window`` seconds in each bucket.
    """

    global_per_second: int | None = None
    route_limit: int = 50
    route_window: float = 1.0


@dataclass
class _Bucket:
    bucket_hash: str
    limit: int
    window: float
    reset_at: float = 0.0
    used: int = 0


@dataclass
class RateLimitDecision:
    """Outcome for one request: headers to send and, if limited, the 429 body."""

    headers: dict[str, str] = field(default_factory=dict)
    retry_after: float | None = None
    is_global: bool = False

    @property
    def limited(self) -> bool:
        return self.retry_after is not None

    def body(self) -> dict[str, object]:
        return {
            "message": "You are being rate limited.",
            "retry_after": round(self.retry_after or 0.0, 3),
            "global": self.is_global,
        }


class RateLimiter:
    """Tracks buckets keyed by route template + major parameter."""

    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self._buckets: dict[str, _Bucket] = {}
        self._global_hits: deque[float] = deque()
        self.served_429 = 0
        self.served_global_429 = 0

    def check(self, route_key: str, major: str, *, exempt_from_global: bool) -> RateLimitDecision:
        now = time.monotonic()
        decision = RateLimitDecision()
        limit = self.config.global_per_second
        if limit and not exempt_from_global:
            hits = self._global_hits
            while hits and hits[0] <= now - 1.0:
                hits.popleft()
            if len(hits) >= limit:
                retry = max(hits[0] + 1.0 - now, 0.001)
                self.served_429 += 1
                self.served_global_429 += 1
                decision.retry_after = retry
                decision.is_global = True
                decision.headers = self._limited_headers(retry, scope="global")
                decision.headers["X-RateLimit-Global"] = "true"
                return decision
            hits.append(now)

        bucket = self._bucket(route_key, major)
        if now >= bucket.reset_at:
            bucket.reset_at = now + bucket.window
            bucket.used = 0
        reset_after = bucket.reset_at - now
        if bucket.used >= bucket.limit:
            self.served_429 += 1
            decision.retry_after = reset_after
            decision.headers = self._limited_headers(reset_after, scope="user")
            decision.headers.update(self._bucket_headers(bucket, 0, reset_after))
            return decision
        bucket.used += 1
        decision.headers = self._bucket_headers(bucket, bucket.limit - bucket.used, reset_after)
        return decision

    def _bucket(self, route_key: str, major: str) -> _Bucket:
        key = f"{route_key}:{major}"
        bucket = self._buckets.get(key)
        if bucket is None:
            # Discord's bucket hash is opaque and shared by all major params of a route.
            digest = hashlib.sha1(route_key.encode()).hexdigest()[:16]
            bucket = _Bucket(digest, self.config.route_limit, self.config.route_window)
            self._buckets[key] = bucket
        return bucket

    @staticmethod
    def _bucket_headers(bucket: _Bucket, remaining: int, reset_after: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket.bucket_hash,
        }

    @staticmethod
    def _limited_headers(retry_after: float, *, scope: str) -> dict[str, str]:
        # discord.py treats a 429 without ``Via`` as a Cloudflare ban.
        return {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "Via": "1.1 google",
            "X-RateLimit-Scope": scope,
        }
