"""The sliding window behind the login throttle and the feedback rate."""

from __future__ import annotations

import pytest

from service.limits import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.unit
def test_a_key_over_the_limit_waits_until_its_oldest_event_leaves_the_window():
    clock = Clock()
    window = SlidingWindow(limit=3, seconds=60, clock=clock)
    for _ in range(3):
        assert window.take("10.0.0.1")
        clock.now += 10
    assert not window.take("10.0.0.1") and window.wait("10.0.0.1") == pytest.approx(30)
    assert window.take("10.0.0.2")  # another client is not held back
    clock.now += 30
    assert window.wait("10.0.0.1") == 0 and window.take("10.0.0.1")


@pytest.mark.unit
def test_new_keys_push_out_the_least_recently_seen_so_the_window_stays_bounded():
    window = SlidingWindow(limit=1, seconds=60, keys=100, clock=Clock())
    window.add("first")
    for n in range(100):
        window.add(f"client {n}")
    assert len(window._events) == 100 and window.wait("first") == 0
