"""Scoring one answer against its gold question, and the metrics over a run."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from eval.gold import GoldQuestion
from ingest.text import fold

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Case, accents and punctuation removed; words separated by single spaces, padded for whole-word search."""
    return " " + " ".join(_NOT_WORD.sub(" ", fold(text)).split()) + " "


def contains_alias(text: str, aliases: list[str]) -> bool:
    haystack = normalise(text)
    return any(normalise(alias) in haystack for alias in aliases if alias.strip())


def is_correct(gold: GoldQuestion, answer: str, abstained: bool) -> bool:
    if not gold.answerable:
        return abstained
    return not abstained and all(contains_alias(answer, group) for group in gold.expect)


@dataclass
class Metrics:
    questions: int
    accuracy: float  # all questions
    answer_accuracy: float  # answerable questions answered correctly
    abstention_accuracy: float  # unanswerable questions abstained on
    false_abstention_rate: float  # answerable questions abstained on
    recall_at_k: float | None
    mrr: float | None
    citation_precision: float | None
    latency_p50: float
    latency_p95: float

    def row(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _share(hits: list[bool]) -> float:
    return sum(hits) / len(hits) if hits else float("nan")


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def compute_metrics(golds: list[GoldQuestion], results: list[dict[str, Any]]) -> Metrics:
    by_id = {g.id: g for g in golds}
    answerable = [r for r in results if by_id[r["id"]].answerable]
    unanswerable = [r for r in results if not by_id[r["id"]].answerable]
    ranks = []
    for r in answerable:
        sources = by_id[r["id"]].sources
        if sources:
            rank = next((i for i, doc in enumerate(r["retrieved"], start=1) if doc in sources), None)
            ranks.append(rank)
    cited_ok = [
        contains_alias(c["text"], [a for group in by_id[r["id"]].expect for a in group])
        for r in answerable
        if not r["abstained"]
        for c in r["citations"]
    ]
    latencies = [r["latency_s"] for r in results]
    return Metrics(
        questions=len(results),
        accuracy=_share([r["correct"] for r in results]),
        answer_accuracy=_share([r["correct"] for r in answerable]),
        abstention_accuracy=_share([r["abstained"] for r in unanswerable]),
        false_abstention_rate=_share([r["abstained"] for r in answerable]),
        recall_at_k=_share([rank is not None for rank in ranks]) if ranks else None,
        mrr=sum(1 / rank for rank in ranks if rank) / len(ranks) if ranks else None,
        citation_precision=_share(cited_ok) if cited_ok else None,
        latency_p50=percentile(latencies, 50),
        latency_p95=percentile(latencies, 95),
    )
