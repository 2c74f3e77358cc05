"""Answers computed in worker processes that read the same index (issue 25), for `partnerbot serve`.

An answer is mostly Python (parsing, retrieval, the skills), so the threads of one process share one core (the
GIL): the app answered a third as fast as one in-process thread. `PARTNERBOT_ANSWER_PROCESSES` processes each build
the service from the same settings, warm up, and answer; the app's process keeps the page, the API, the sessions
and the writes. A process reads the index as it was when it started, so every write ends by replacing the pool with
a new, warmed one (the old one finishes the answers it has).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from bot.answer import Answer
from core.settings import Settings

if TYPE_CHECKING:
    from service.chat import ChatService

log = logging.getLogger("partnerbot.processes")

# How often a worker checks that the app that started it still runs: an orphan holds memory, not the CPU.
PARENT_CHECK_SECONDS = 1.0
_service: ChatService | None = None  # in a worker process: its own service


def _start(settings: Settings, parent: int, warm: Any) -> None:
    """A worker's start: its service, warmed (models, keyword index, the example questions) before it takes its
    first job, so that no question is ever answered by a cold process; then counted in `warm` (a shared integer)."""
    global _service
    from service.wiring import build_service

    # A worker outlives an app that was killed (or stopped while the worker still loaded): it goes with it.
    threading.Thread(target=_follow, args=(parent,), name="follow-app", daemon=True).start()
    _service = build_service(settings)
    _service.warm_up()
    with warm.get_lock():
        warm.value += 1


def _follow(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _started() -> None:
    """A job that returns once a process has started (and so warmed)."""


def _answer(question: str, history: list[Any]) -> Answer:
    assert _service is not None
    return _service.bot.ask(question, history)


class AnswerProcesses:
    """A pool of `count` warmed worker processes; `renew()` replaces it after the index changed."""

    def __init__(self, settings: Settings, count: int):
        self.settings, self.count = settings, count
        self._lock = threading.Lock()
        self._pool, self._warm = self._new()

    def _new(self) -> tuple[ProcessPoolExecutor, Any]:
        # Spawned, not forked: the app's process holds threads and open index files a fork would copy mid-use.
        context = multiprocessing.get_context("spawn")
        warm = context.Value("i", 0)
        pool = ProcessPoolExecutor(
            self.count, mp_context=context, initializer=_start, initargs=(self.settings, os.getpid(), warm)
        )
        return pool, warm

    @property
    def warm(self) -> int:
        """How many of the current pool's processes have warmed up. The app answers once one has (`warm_up`); the
        others go on warming meanwhile, on the same cores: a load measured before they all have measures that too
        (`/healthz` says it, and the bench waits for it)."""
        with self._lock:
            warm = self._warm
        return warm.value

    def warm_up(self) -> None:
        """Start the processes (each warms as it starts; see `_start`); waits until one of them can answer. A job a
        process: with no process idle, each job starts one."""
        with self._lock:
            pool = self._pool
        _started_all(pool, self.count)

    def ask(self, question: str, history: Sequence[Any] | None) -> Answer:
        with self._lock:
            pool = self._pool
        return pool.submit(_answer, question, list(history or [])).result()

    def renew(self) -> None:
        """A new pool, started and warmed (waits), takes over from the old one, which finishes its answers: once an
        upload says it is added, the answers see it."""
        fresh, warm = self._new()
        _started_all(fresh, self.count)
        with self._lock:
            old, self._pool, self._warm = self._pool, fresh, warm
        old.shutdown(wait=False)

    def close(self) -> None:
        with self._lock:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _started_all(pool: ProcessPoolExecutor, count: int) -> None:
    for future in [pool.submit(_started) for _ in range(count)]:
        future.result()
