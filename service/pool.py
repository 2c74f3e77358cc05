"""The one bounded pool that computes answers for the app and the API alike: `workers` at once, at most
`queue_size` more waiting, the next refused (`QueueFull`: the API's 429, the app's message). What does not answer
(health, documents, metrics, the page's other events) never waits here."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from core.errors import PartnerbotError


class QueueFull(PartnerbotError):
    """Every worker is busy and the waiting line is full."""


class AnswerPool:
    def __init__(self, workers: int, queue_size: int):
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="answer")
        self._capacity = workers + queue_size
        self._lock = threading.Lock()
        self.pending = 0  # submitted and not finished
        self.running = 0

    @property
    def waiting(self) -> int:
        return self.pending - self.running

    def submit(self, job: Callable[[], Any]) -> Future:
        with self._lock:
            if self.pending >= self._capacity:
                raise QueueFull("Too many questions are waiting right now. Please try again in a moment.")
            self.pending += 1

        def run() -> Any:
            with self._lock:
                self.running += 1
            try:
                return job()
            finally:
                with self._lock:
                    self.running -= 1
                    self.pending -= 1

        return self._executor.submit(run)

    async def stream(self, items: Callable[[], Iterator[Any]]) -> AsyncIterator[Any]:
        """The items of `items()`, computed in the pool and handed to the event loop as they come; its exception is
        raised here. `QueueFull` at once when the pool is full."""
        loop = asyncio.get_running_loop()
        found: asyncio.Queue[Any] = asyncio.Queue()
        done = object()

        def produce() -> None:
            try:
                for item in items():
                    loop.call_soon_threadsafe(found.put_nowait, item)
            except Exception as exc:  # handed to the caller, which answers with it
                loop.call_soon_threadsafe(found.put_nowait, exc)
            loop.call_soon_threadsafe(found.put_nowait, done)

        self.submit(produce)
        while (item := await found.get()) is not done:
            if isinstance(item, Exception):
                raise item
            yield item
