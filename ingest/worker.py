"""A child process at the lowest CPU priority that does the costly steps of an ingest for another process: reading
files, embedding passages, extracting facts.

Why a process: the answers embed their questions with the same engine, in the same process; a thread that embeds
128 passages at a time held the engine for tens of seconds, and a thread cannot be given a lower priority than the
answers' threads. A process at `os.nice(19)` gets the cores the answers leave idle and about 1/70 of one when they
want them (Linux gives a nice-19 task a weight of 15 against 1024 at nice 0).

Why the caller still writes: a Chroma index on disk is only seen fresh by the process that writes it (another
process's dense search does not see the new vectors until it reopens the index), so the app keeps the one writer.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from core.errors import PartnerbotError
from core.settings import StoreSettings
from models.embeddings import Embedder, embedder_for

T = TypeVar("T")
# How often a wait for the child looks whether the job was cancelled.
_POLL_SECONDS = 0.1

_embedder: Embedder | None = None


class IngestCancelled(PartnerbotError):
    def __init__(self) -> None:
        super().__init__("Indexing was cancelled.")

    def __reduce__(self) -> tuple[type, tuple]:
        return type(self), ()


def _start(nice: int, store: StoreSettings) -> None:
    """The child's first step: lower its priority, then get its own embedding engine ready on first use."""
    os.nice(nice)
    global _embedder
    _embedder = embedder_for(store)


def _embed(texts: list[str]) -> list[list[float]]:
    assert _embedder is not None
    return _embedder.embed_documents(texts)


class Worker:
    """One low-priority child process; `run` calls a function there and waits, stopping when `cancelled` is set.
    It can serve job after job (its models stay loaded) until it is closed or a job is cancelled."""

    def __init__(self, store: StoreSettings, cancelled: threading.Event | None = None):
        self.cancelled = cancelled or threading.Event()
        self.closed = False
        # "spawn": a fresh interpreter, not a fork of a process that holds threads, locks and a Chroma client.
        context = multiprocessing.get_context("spawn")
        self._pool = context.Pool(1, initializer=_start, initargs=(store.upload_nice, store))

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in the child; its exceptions are raised here. Raises IngestCancelled on cancellation
        (the child is stopped at once: what it was doing is lost, what was written stays)."""
        result = self._pool.apply_async(function, args)
        while not result.ready():
            result.wait(_POLL_SECONDS)
            if self.cancelled.is_set():
                self.close()
                raise IngestCancelled
        return result.get()

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.run(_embed, texts)

    def close(self) -> None:
        self.closed = True
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
