"""Scoring one answer against its gold question, and the metrics over a run."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.text import fold
from eval.gold import AliasGroup, GoldQuestion

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise(text: str) -> str:
    """Case, accents and punctuation removed; words separated by single spaces, padded for whole-word search."""
    return " " + " ".join(_NOT_WORD.sub(" ", fold(text)).split()) + " "


def contains_alias(text: str, aliases: list[str]) -> bool:
    haystack = normalise(text)
    return any(normalise(alias) in haystack for alias in aliases if alias.strip())


def holds_all(text: str, groups: list[AliasGroup], language: str | None = None) -> bool:
    """`text` holds one alias of every group (only aliases good in `language`, when given)."""
    return all(contains_alias(text, group.aliases(language)) for group in groups)


def is_correct(
    gold: GoldQuestion, answer: str, abstained: bool, partial: bool = False, lang_strict: bool = False
) -> bool:
    """An unanswerable question must be abstained on; an answerable one answered with every expected fact.

    `lang_strict`: the facts must be written in the question's language (an English question needs the English
    alias of a date or a title; names and numbers count in any language). A question the documents answer only
    in part also needs the answer to say what is missing (`partial`).
    """
    if not gold.answerable:
        return abstained
    if abstained or (gold.partial and not partial):
        return False
    return holds_all(answer, gold.expect, gold.lang if lang_strict else None)


def cites_expected(gold: GoldQuestion, result: dict[str, Any]) -> bool | None:
    """Do the quoted sentences hold the expected facts (in any language)? None when there is nothing to judge."""
    if not gold.answerable or result["abstained"] or not result["citations"]:
        return None
    quoted = " ".join(c.get("quote") or c.get("text", "") for c in result["citations"])
    return holds_all(quoted, gold.expect_cited)


@dataclass
class Metrics:
    questions: int
    accuracy: float  # all questions
    answer_accuracy: float  # answerable questions answered correctly
    abstention_recall: float  # unanswerable questions abstained on
    abstention_precision: float  # abstentions that were on unanswerable questions
    false_abstention_rate: float  # answerable questions abstained on
    partial_answers: int  # answers that say what the documents leave out
    recall_at_k: float | None
    mrr: float | None
    citation_correctness: float | None  # answers whose quoted sentences hold the expected facts
    latency_p50: float
    latency_p95: float


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
    abstentions = [r for r in results if r["abstained"]]
    ranks = []
    for r in answerable:
        sources = by_id[r["id"]].sources
        if sources:
            ranks.append(next((i for i, doc in enumerate(r["retrieved"], start=1) if doc in sources), None))
    cited = [ok for r in results if (ok := cites_expected(by_id[r["id"]], r)) is not None]
    latencies = [r["latency_s"] for r in results]
    return Metrics(
        questions=len(results),
        accuracy=_share([r["correct"] for r in results]),
        answer_accuracy=_share([r["correct"] for r in answerable]),
        abstention_recall=_share([r["abstained"] for r in unanswerable]),
        abstention_precision=_share([not by_id[r["id"]].answerable for r in abstentions]),
        false_abstention_rate=_share([r["abstained"] for r in answerable]),
        partial_answers=sum(bool(r.get("partial")) for r in results),
        recall_at_k=_share([rank is not None for rank in ranks]) if ranks else None,
        mrr=sum(1 / rank for rank in ranks if rank) / len(ranks) if ranks else None,
        citation_correctness=_share(cited) if cited else None,
        latency_p50=percentile(latencies, 50),
        latency_p95=percentile(latencies, 95),
    )


def breakdown(
    golds: list[GoldQuestion], results: list[dict[str, Any]], groups_of: Callable[[GoldQuestion], list[str]]
) -> dict[str, tuple[int, float]]:
    """Accuracy per group of questions (a question may be in several groups): group -> (questions, accuracy)."""
    by_id = {g.id: g for g in golds}
    hits: dict[str, list[bool]] = {}
    for r in results:
        for group in groups_of(by_id[r["id"]]):
            hits.setdefault(group, []).append(bool(r["correct"]))
    return {group: (len(h), _share(h)) for group, h in hits.items()}


def language_groups(doc_languages: dict[str, str]) -> Callable[[GoldQuestion], list[str]]:
    """Groups a question by its language and, when its documents are in another one, by "en about fr" too."""

    def groups(gold: GoldQuestion) -> list[str]:
        found = [gold.lang]
        languages = {doc_languages.get(source) for source in gold.sources} - {None}
        if languages and gold.lang not in languages:
            found.append(f"{gold.lang} about {'+'.join(sorted(str(lang) for lang in languages))}")
        return found

    return groups
