"""The answering chain: condense the follow-up, retrieve, compose a cited answer or abstain."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from bot.answer import Answer, QuestionError
from bot.compose import Composition, ExtractiveComposer

if TYPE_CHECKING:
    from bot.generate import LLMComposer
from bot.condense import condense
from bot.evidence import SentenceScorer
from bot.rerank import build_reranker
from bot.retrieval import HybridRetriever
from ingest.settings import Settings
from ingest.store import Index
from ingest.text import guess_language

_TOO_LONG = {
    "fr": "La question est trop longue ({n} caractères, au plus {limit}) : posez-la en quelques phrases.",
    "en": "The question is too long ({n} characters, at most {limit}): please ask it in a few sentences.",
}
_EMPTY = "Please type a question. / Veuillez saisir une question."


def clean_question(question: Any, limit: int) -> str:
    """The question as text without control characters, or a QuestionError saying what is wrong."""
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    if not isinstance(question, str):
        raise QuestionError(_EMPTY)
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError(_EMPTY)
    if len(text) > limit:
        raise QuestionError(_TOO_LONG[guess_language(text[:500])].format(n=len(text), limit=limit))
    return text


def _timed(name: str, step: Callable[[dict], Any]) -> Runnable:
    def run(state: dict) -> Any:
        started = time.perf_counter()
        try:
            return step(state)
        finally:
            state["timings"][name] = round(time.perf_counter() - started, 4)

    return RunnableLambda(run, name=name)


class Bot:
    """`ask` and `stream` answer a question about the indexed documents, citing them or abstaining."""

    def __init__(self, settings: Settings, index: Index | None = None):
        self.settings = settings
        self.index = index or Index(settings)
        self.scorer = SentenceScorer(self.index.embedder)
        self.retriever = HybridRetriever(
            index=self.index, settings=settings, reranker=build_reranker(settings.reranker, self.scorer)
        )
        extractive = ExtractiveComposer(self.scorer, settings.answer_threshold, settings.answer_margin)
        self.composer: ExtractiveComposer | LLMComposer = extractive
        if settings.generator != "extractive":
            from bot.generate import LLMComposer, build_chat_model

            model = build_chat_model(settings)
            self.composer = LLMComposer(extractive, model, name=settings.generator, timeout=settings.llm_timeout)
        # Condense and retrieve; composing is the last step, run whole (ask) or piece by piece (stream).
        self.prepare = RunnablePassthrough.assign(
            standalone=_timed("condense", lambda s: condense(s["question"], s["history"]))
        ) | RunnablePassthrough.assign(documents=_timed("retrieve", lambda s: self.retriever.invoke(s["standalone"])))

    def refresh(self) -> None:
        """Call after documents were added or removed in this process."""
        self.retriever.refresh()

    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer:
        *_, answer = self.stream(question, history)
        return answer

    def stream(self, question: str, history: Sequence[Any] | None = None) -> Iterator[str | Answer]:
        """Yields the answer text piece by piece as it is produced, then the complete `Answer`.

        With a model generator, if the model's wording is rejected after pieces were shown, the final
        `Answer` (the extractive one) replaces them: show `Answer.answer`, not the concatenated pieces.
        """
        started = time.perf_counter()
        text = clean_question(question, self.settings.max_question_chars)
        state = self.prepare.invoke(
            {"question": text, "history": list(history or []), "language": guess_language(text), "timings": {}}
        )
        composing = time.perf_counter()
        composition: Composition | None = None
        for item in self._compose_stream(state):
            if isinstance(item, str):
                yield item
            else:
                composition = item
        assert composition is not None
        state["timings"]["compose"] = round(time.perf_counter() - composing, 4)
        state["timings"]["total"] = round(time.perf_counter() - started, 4)
        yield Answer(
            question=text,
            answer=composition.text,
            abstained=composition.abstained,
            language=state["language"],
            citations=composition.citations,
            standalone_question=state["standalone"],
            retrieved=[str(doc.metadata.get("doc_id", "")) for doc in state["documents"]],
            generator=getattr(composition, "generator", "extractive"),
            fallback_reason=getattr(composition, "fallback_reason", None),
            timings=state["timings"],
        )

    def _compose_stream(self, state: dict) -> Iterator[str | Composition]:
        args = (state["standalone"], state["language"], state["documents"])
        if isinstance(self.composer, ExtractiveComposer):
            composition = self.composer.compose(*args)
            yield from composition.pieces()
            yield composition
        else:
            yield from self.composer.stream(*args)
