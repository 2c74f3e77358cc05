"""The bot: condense a follow-up, retrieve passages, compose a cited answer or abstain."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from bot.answer import Answer
from bot.compose import Composer, Composition, ExtractiveComposer
from bot.condense import condense
from bot.question import Question, analyse, clean_question
from bot.reader import Reader
from bot.rerank import build_reranker
from bot.retrieval import HybridRetriever
from bot.scoring import SentenceScorer
from bot.spelling import corrected
from core.settings import AnswerSettings, Settings
from core.text import guess_language
from models.textmodel import TextModel
from store.facts import FactIndex
from store.store import Store


def _timed(name: str, key: str, step: Callable[[dict], Any]) -> Runnable:
    """A step of the chain: the state with `step(state)` under `key`, the step's time under `name` in its timings.
    Run in the caller's thread: `RunnablePassthrough.assign` ran its one step in a thread pool it made for every
    call, two pools and two threads a question (issue 25)."""

    def run(state: dict) -> dict:
        started = time.perf_counter()
        try:
            value = step(state)
        finally:
            state["timings"][name] = round(time.perf_counter() - started, 4)
        return {**state, key: value}

    return RunnableLambda(run, name=name)


def parse(
    question: Any,
    history: Sequence[Any],
    facts: FactIndex,
    settings: AnswerSettings,
    language: str | None = None,
    max_word_chars: int = 40,
    spell: Callable[[str], str] | None = None,
) -> Question:
    """The question cleaned, its typos corrected (`spell`), completed from the conversation when it is a follow-up,
    and analysed; `asked` keeps the words as the asker wrote them."""
    started = time.perf_counter()
    asked = clean_question(question, settings.max_question_chars, max_word_chars)
    language = language or guess_language(asked)
    standalone = condense(spell(asked) if spell else asked, history, settings, facts)
    parsed = analyse(standalone, language, facts, asked=asked)
    parsed.timings["parse"] = round(time.perf_counter() - started, 4)
    return parsed


def build_composer(settings: Settings, scorer: SentenceScorer, store: Store) -> Composer:
    """The reader (or the extractive composer), reworded by a model when `PARTNERBOT_GENERATOR` names one."""
    base: Composer = (
        Reader(store, scorer, settings)
        if settings.answer.composer == "reader"
        else ExtractiveComposer(scorer, settings.answer, store.translations.lookup)
    )
    if settings.answer.generator == "extractive":
        return base
    from bot.generate import LLMComposer
    from models.chat import build_chat_model

    model = build_chat_model(settings)
    return LLMComposer(base, model, name=settings.answer.generator, timeout=settings.llm.timeout)


class Bot:
    """`ask` and `stream` answer a question about the stored documents, citing them or abstaining."""

    def __init__(
        self, settings: Settings, store: Store, composer: Composer | None = None, variant_of: Bot | None = None
    ):
        self.settings = settings
        self.store = store
        self.scorer = SentenceScorer(
            store.embedder,
            settings.answer.word_weight,
            settings.answer.sentence_cache,
            settings.retrieval.max_word_chars,
            settings.retrieval.query_chars,
            settings.answer.query_cache,
            sharing=variant_of.scorer if variant_of is not None else None,
        )
        self.retriever = HybridRetriever(
            store=store,
            settings=settings.retrieval,
            reranker=build_reranker(settings.retrieval.reranker, self.scorer),
            scorer=self.scorer,
        )
        self.composer = composer or build_composer(settings, self.scorer, store)
        self._translator: TextModel | None = None
        # Parse (a follow-up condensed into a standalone question) and retrieve; composing is the last step,
        # streamed piece by piece.
        self.prepare = _timed(
            "parse",
            "parsed",
            lambda s: parse(
                s["question"],
                s["history"],
                store.facts(),
                settings.answer,
                max_word_chars=settings.retrieval.max_word_chars,
                spell=self._spell,
            ),
        ) | _timed("retrieve", "documents", lambda s: self._retrieve(s["parsed"]))

    def _retrieve(self, q: Question) -> list[Any]:
        """The passages of the question; unreranked when a table answers it (`Reader.from_tables`)."""
        reader = getattr(self.composer, "base", self.composer)
        if isinstance(reader, Reader) and reader.from_tables(q):
            return self.retriever.model_copy(update={"reranker": None}).invoke(q.standalone)
        return self.retriever.invoke(q.standalone)

    def _spell(self, text: str) -> str:
        answer = self.settings.answer
        lexical = self.store.lexical()
        return corrected(
            text,
            lambda word: lexical.closest(word, answer.question_spelling_cutoff, answer.question_spelling_min_length),
            answer.question_spelling_min_length,
        )

    def facts_proposer(self) -> TextModel | None:
        """The model generator as a proposer of facts (people, claims) at ingest, when one is configured."""
        from bot.generate import LLMComposer
        from models.chat import ChatTextModel, model_name

        proposals = self.settings.store.facts_model_sentences or self.settings.store.claims_model_sentences
        if not isinstance(self.composer, LLMComposer) or not proposals:
            return None
        return ChatTextModel(self.composer.chat_model, model_name(self.settings))

    def translator(self) -> TextModel | None:
        """The model of the `translator` setting, as ingest's text model; None when translation is off. Built on
        first use: loading a local model costs seconds and a gigabyte."""
        from models.chat import build_translator

        if self._translator is None and self.settings.store.translator != "off":
            self._translator = build_translator(self.settings)
        return self._translator

    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer:
        *_, answer = self.stream(question, history)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, history: Sequence[Any] | None = None) -> Iterator[str | Answer]:
        """Yields the answer text piece by piece as it is produced, then the complete `Answer`.

        With a model generator, if the model's wording is rejected after pieces were shown, the final
        `Answer` (the extractive one) replaces them: show `Answer.answer`, not the concatenated pieces.
        """
        started = time.perf_counter()
        state = self.prepare.invoke({"question": question, "history": list(history or []), "timings": {}})
        parsed: Question = state["parsed"]
        composing = time.perf_counter()
        composition: Composition | None = None
        for item in self.composer.stream(parsed, state["documents"]):
            if isinstance(item, Composition):
                composition = item
            else:
                yield item
        if composition is None:
            raise RuntimeError(f"{type(self.composer).__name__} streamed no Composition")
        state["timings"]["compose"] = round(time.perf_counter() - composing, 4)
        state["timings"]["total"] = round(time.perf_counter() - started, 4)
        yield Answer(
            question=parsed.asked,
            answer=composition.text,
            direct=composition.direct,
            quotes=composition.quotes,
            kind=composition.kind,
            partial=composition.partial,
            abstained=composition.abstained,
            language=parsed.language,
            citations=composition.citations,
            standalone_question=parsed.standalone,
            retrieved=[str(doc.metadata["doc_id"]) for doc in state["documents"]],
            generator=composition.generator,
            fallback_reason=composition.fallback_reason,
            timings=state["timings"],
        )
