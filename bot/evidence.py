"""The sentences of the retrieved passages that answer a question, best first, or the reason none does."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.documents import Document

from bot.question import Question, has_fact
from bot.safety import is_instruction
from bot.scoring import SentenceScorer
from core.settings import AnswerSettings
from core.text import is_statement, sentences


@dataclass(frozen=True)
class Evidence:
    sentence: str
    document: Document
    offset: int  # where the sentence starts in the passage
    score: float


def split_evidence(documents: list[Document]) -> list[tuple[str, Document, int]]:
    """The distinct whole sentences of the passages with their offsets.

    Left out: headings, text that gives orders to an assistant, and a sentence cut at a passage's edge
    when the neighbouring passage holds it whole.
    """
    found: dict[str, tuple[str, Document, int]] = {}
    for doc in documents:
        cursor = 0
        for sentence in sentences(doc.page_content):
            offset = doc.page_content.find(sentence, cursor)
            cursor = max(cursor, offset)
            if is_statement(sentence) and not is_instruction(sentence) and sentence not in found:
                found[sentence] = (sentence, doc, max(offset, 0))
    return [item for s, item in found.items() if not any(s != other and s in other for other in found)]


def select_evidence(
    scorer: SentenceScorer, question: Question, documents: list[Document], settings: AnswerSettings
) -> tuple[list[Evidence], str | None]:
    """The evidence sentences, best first; or none and the reason (the kind of fact no sentence holds)."""
    if not documents:
        return [], None
    candidates = split_evidence(documents)
    scores = scorer.score(question.text, [s for s, _, _ in candidates])
    ranked = sorted(
        (Evidence(s, d, o, score) for (s, d, o), score in zip(candidates, scores, strict=True)),
        key=lambda e: -e.score,
    )
    usable = [e for e in ranked if has_fact(question, e.sentence)]
    if not usable or usable[0].score < settings.threshold:
        return [], question.needs if ranked and ranked[0].score >= settings.threshold else None
    floor = max(settings.threshold, usable[0].score - settings.margin)
    return [e for e in usable[: settings.max_sentences] if e.score >= floor], None
