"""Optional model-worded answers: a chat model rewords the composed answer, kept only when it is grounded.

The base composer decides whether to answer at all and which sentences support the answer; the model only words
it. Any name, date, number or address the evidence lacks, an empty reply, an error or a timeout means the base
answer is returned instead, with the reason in `fallback_reason`.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from bot.compose import Composer, Composition, compose
from bot.grounding import ungrounded_facts, unsupported_words
from bot.question import Question, has_fact
from core import lang
from core.settings import Settings
from core.text import content_words, guess_language

# All instructions are in the human turn: some chat formats drop system messages.
_PROMPTS = {language: lang.data("prompts")["answer"][language] for language in lang.LANGUAGES}
# A leading "Answer:" label or evidence number is dropped (the numbers are put back at the end).
_LABEL = lang.pattern("prompts", "answer.label", re.IGNORECASE)
# Small models go on to invent the next question: the draft ends at these. Cut here rather than by the server's
# `stop` parameter, which not every server honours (the packaged one returns nothing when it is given).
_STOP = lang.pattern("prompts", "answer.stop")
_ECHO = lang.pattern("prompts", "answer.echo")
_MARKER = re.compile(r"\[(\d+)\]")
_ENDED = re.compile(r"[.!?…»)\]]\s*$")  # a reply that stops mid-sentence ran out of tokens
_SETTLED = re.compile(r"[.!?…\]»](?=\s)")  # a sentence end followed by more text
_DONE = object()  # the model's stream ended


class LLMComposer:
    """Rewords the base composer's answer with a chat model; falls back to it when unsure.

    `timeout` bounds the whole generation, whatever the backend does: the model streams in a worker thread,
    and a model that stops answering is left behind.
    """

    def __init__(self, base: Composer, chat_model: BaseChatModel, name: str = "llm", timeout: float = 30.0):
        self.base = base
        self.name = name
        self.timeout = timeout
        self.chat_model = chat_model
        self.chains = {
            lang: ChatPromptTemplate.from_messages([("human", template)]) | chat_model | StrOutputParser()
            for lang, template in _PROMPTS.items()
        }

    def _deltas(self, language: str, inputs: dict[str, str], deadline: float) -> Iterator[str]:
        """The model's text as it comes; raises TimeoutError at the deadline, or the backend's own error."""
        chain = self.chains[language if language in self.chains else "en"]
        channel: queue.Queue[Any] = queue.Queue()

        def produce() -> None:
            try:
                for delta in chain.stream(inputs):
                    channel.put(delta)
                channel.put(_DONE)
            except Exception as error:  # handed to the consumer, who decides
                channel.put(error)

        threading.Thread(target=produce, name="llm-composer", daemon=True).start()
        while True:
            try:
                item = channel.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no answer within {self.timeout:g} s") from None
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            yield item

    def stream(self, parsed: Question, documents: list[Document]) -> Iterator[str | Composition]:
        """Yields checked pieces of the answer, then the final Composition.

        A piece is yielded once its sentence is complete and everything so far is grounded. If the model's
        answer is rejected after pieces were yielded, the final Composition has `retracted=True`.
        """
        question, language = parsed.text, parsed.language
        base = compose(self.base, parsed, documents)
        if base.abstained:
            yield from _fallback(base, "abstained")
            return
        evidence = [c.quote for c in base.citations]
        inputs = {
            "evidence": "\n".join(f"[{i}] {q}" for i, q in enumerate(evidence, 1)),
            "question": question,
            "draft": base.direct or "-",  # the reader's sentence: the model may reword it, not replace its facts
        }
        started = time.monotonic()
        draft, shown, reason = "", "", None
        try:
            for delta in self._deltas(language, inputs, started + self.timeout):
                draft += delta
                stop = _STOP.search(draft)
                if stop:
                    draft = draft[: stop.start()]
                ends = [m.end() for m in _SETTLED.finditer(_clean(draft))]
                ready = _clean(draft)[: ends[-1]] if ends else ""
                if len(ready) > len(shown):
                    if self._problem(ready, evidence, parsed, final=False):
                        break  # the whole draft is judged below
                    yield ready[len(shown) :]
                    shown = ready
                if stop:
                    break
        except TimeoutError as error:
            reason = f"timeout: {error}"
        except Exception as error:  # a failing backend must not fail the answer
            reason = f"error: {type(error).__name__}: {error}"[:300]
        seconds = round(time.monotonic() - started, 4)
        text = _clean(draft).strip()
        if reason is None:
            reason = "empty" if not text else self._problem(text, evidence, parsed)
        if reason is not None:
            yield from _fallback(
                base,
                reason,
                draft=draft,
                seconds=seconds,
                retracted=bool(shown),
                ungrounded=ungrounded_facts(text, evidence, question),
            )
            return
        if not _MARKER.search(text):
            text += " " + "".join(f"[{i}]" for i in range(1, len(evidence) + 1))
        if len(text) > len(shown):
            yield text[len(shown) :]
        parts = [shown, text[len(shown) :]] if shown and len(text) > len(shown) else [text]
        yield replace(base, text=text, parts=parts, direct=text, generator=self.name, draft=draft, seconds=seconds)

    @staticmethod
    def _problem(text: str, evidence: list[str], parsed: Question, final: bool = True) -> str | None:
        question, language = parsed.text, parsed.language
        if missing := ungrounded_facts(text, evidence, question):
            return "ungrounded: " + ", ".join(missing)
        unsupported = unsupported_words(text, evidence, question)
        if len(unsupported) > max(1, len(content_words(text)) // 4):
            return "words not in the evidence: " + ", ".join(unsupported[:8])
        if echo := _ECHO.search(text):
            return f"echoes the prompt: {echo.group()!r}"
        if bad := [m[1] for m in _MARKER.finditer(text) if not 1 <= int(m[1]) <= len(evidence)]:
            return "cites missing evidence [" + "], [".join(bad) + "]"
        if final and not _ENDED.search(text):
            return "cut off before the end of a sentence"
        if final and len(text.split()) >= 6 and language in _PROMPTS and guess_language(text) != language:
            return f"not in the question's language ({language})"
        if final and not has_fact(parsed, text):
            return f"does not give the {parsed.needs} asked for"
        asked = set(content_words(question))
        news = {w for e in evidence for w in content_words(e)} - asked
        if final and not news & set(content_words(text)):
            return "adds nothing to the question"  # "Il est le directeur de l'INRX." for "Qui est le directeur ?"
        return None


def _clean(draft: str) -> str:
    return _LABEL.sub("", draft.lstrip(), count=1)


def _fallback(base: Composition, reason: str, **details: Any) -> Iterator[str | Composition]:
    final = replace(base, fallback_reason=reason, **details)
    if not final.retracted:
        yield from base.pieces()
    yield final


class ChatTextModel:
    """A chat model as ingest's `TextModel` (facts proposals, translation): a prompt in, text out."""

    def __init__(self, chat_model: BaseChatModel, name: str):
        self.chat_model = chat_model
        self.name = name

    def __call__(self, prompt: str) -> str:
        return str(self.chat_model.invoke(prompt).content)


def model_name(settings: Settings) -> str:
    """Which model the generator setting runs, as part of what its output was made with."""
    llm = settings.llm
    return f"{settings.answer.generator}:{llm.model if settings.answer.generator == 'openai' else llm.model_path}"


def build_translator(settings: Settings) -> ChatTextModel:
    """The model of the `translator` setting: the packaged Qwen (or a GGUF path) in this process, or the server of
    the PARTNERBOT_LLM_* settings. Deterministic (temperature 0) and short: one sentence in, one sentence out."""
    store, llm = settings.store, settings.llm
    if store.translator == "local":
        from bot.local_model import LocalChatModel, model_file

        path = model_file(store.translation_model, store.data_dir / "models")
        return ChatTextModel(LocalChatModel(model_path=str(path), max_tokens=256, n_ctx=1024), f"local:{path.name}")
    if store.translator == "openai":
        return ChatTextModel(_server_model(settings, max_tokens=256, stream=False), f"openai:{llm.model}")
    raise ValueError(f"no translator for {store.translator!r}: use 'local' or 'openai'")


def _server_model(settings: Settings, max_tokens: int, stream: bool) -> BaseChatModel:
    """The model of the OpenAI-compatible server of the PARTNERBOT_LLM_* settings: deterministic, no retries (a
    slow server falls back to the composed answer, or leaves a sentence untranslated)."""
    from langchain_openai import ChatOpenAI

    llm = settings.llm
    return ChatOpenAI(
        base_url=llm.base_url,
        api_key=llm.api_key.get_secret_value() if llm.api_key else "not-needed",
        model=llm.model,
        disable_streaming=not stream,
        timeout=llm.timeout,
        max_retries=0,
        temperature=0,
        max_tokens=max_tokens,
    )


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model of the `generator` setting: "openai" (any OpenAI-compatible server) or "local" (a packaged
    GGUF model run by llama.cpp in this process)."""
    llm = settings.llm
    if settings.answer.generator == "openai":
        return _server_model(settings, max_tokens=llm.max_tokens, stream=llm.stream)
    if settings.answer.generator == "local":
        from bot.local_model import LocalChatModel, model_file

        path = model_file(llm.model_path, settings.store.data_dir / "models")
        return LocalChatModel(model_path=str(path), max_tokens=llm.max_tokens, n_ctx=llm.n_ctx)
    raise ValueError(f"no chat model for generator {settings.answer.generator!r}: use 'openai' or 'local'")
