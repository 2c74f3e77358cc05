"""The app's threads share one sentence scorer: its vector cache must stay consistent under concurrent questions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.scoring import SentenceScorer
from core.settings import Settings

pytestmark = pytest.mark.integration


def test_concurrent_scoring_with_a_cache_smaller_than_the_questions_needs(embedder):
    # A cache of 4 vectors and questions of 6 sentences, each sharing 3 with the next: every call finds some of
    # its vectors cached and embeds the others while another thread evicts. The scorer used to clear its whole
    # cache when full while others were reading it (KeyError in np.stack), and to grow past its bound.
    scorer = SentenceScorer(embedder, Settings().answer.word_weight, 4)
    pool = [f"La réunion numéro {n} a eu lieu à Pune." for n in range(30)]
    groups = [pool[g * 3 : g * 3 + 6] for g in range(8)]

    def score(group: list[str]) -> list[float]:
        return scorer.score("Où a eu lieu la réunion ?", group)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(score, groups * 6))

    assert all(len(r) == 6 for r in results)
    alone = SentenceScorer(embedder, Settings().answer.word_weight, 1000)
    expected = [alone.score("Où a eu lieu la réunion ?", g) for g in groups]
    assert [s for r in results[:8] for s in r] == pytest.approx([s for e in expected for s in e], abs=1e-5)
    assert len(scorer._cache) <= 4
