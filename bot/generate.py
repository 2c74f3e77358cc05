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
