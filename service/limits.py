"""Counting what clients do over a sliding window: failed logins per address, feedback per session."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per key within the last `seconds`. At most `keys` keys are followed (the least
    recently seen forgotten first), so that a stream of new keys cannot grow it without bound."""

    def __init__(self, limit: int, seconds: float, keys: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.limit, self.seconds, self.keys, self.clock = limit, seconds, keys, clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        self._events.move_to_end(key)
        while len(self._events) > self.keys:
            self._events.popitem(last=False)
        horizon = self.clock() - self.seconds
        while events and events[0] <= horizon:
            events.popleft()
        return events

    def wait(self, key: str) -> float:
        """Seconds before `key` may act again: 0 when it is under the limit."""
        with self._lock:
            events = self._recent(key)
            return max(0.0, events[0] + self.seconds - self.clock()) if len(events) >= self.limit else 0.0

    def add(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def take(self, key: str) -> bool:
        """Counts an event when `key` is under the limit; False (nothing counted) when it is not."""
        with self._lock:
            events = self._recent(key)
            if len(events) >= self.limit:
                return False
            events.append(self.clock())
            return True
