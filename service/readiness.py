"""Whether the served app has loaded its models and index and answered its warm-up questions (README: Serving).

`partnerbot serve` serves the page first and loads behind it: until then `/healthz` says 503 `starting`, the page
shows "getting ready", and a question waits here (`PARTNERBOT_READY_WAIT_SECONDS`) instead of failing.
"""

from __future__ import annotations

import threading

from core import lang
from core.errors import IndexProblem


def getting_ready() -> str:
    """What the page shows meanwhile, in English and French like its labels."""
    return " / ".join(lang.say("app", language, "getting_ready") for language in ("en", "fr"))


class NotReady(IndexProblem):
    """The app did not finish loading within the wait a question is given (the API answers 503)."""


class Readiness:
    """Ready from the start (the CLI, the evaluation, tests) unless `starting()` was called, then once `finished()`."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def starting(self) -> None:
        self._ready.clear()

    def finished(self) -> None:
        self._ready.set()

    def wait(self, seconds: float) -> None:
        """Return once ready; `NotReady`, with a message for the asker, when that takes longer than `seconds`."""
        if not self._ready.wait(seconds):
            raise NotReady("the app is still getting ready (loading its documents and models)")
