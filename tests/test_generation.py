"""The optional model composer: grounding checks, every path of the composer with a scripted chat model (accept,
reject, retract, timeout, error), a real llama.cpp OpenAI-compatible server, and unreachable servers."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.compose import Composition, ExtractiveComposer, compose
from bot.generate import LLMComposer
from bot.grounding import canonical, ungrounded_facts
from bot.question import analyse
from bot.scoring import SentenceScorer
from core.errors import ModelNotFoundError
from core.settings import Settings
from models.chat import build_chat_model
from models.local import packaged_model_path
from tests.conftest import ROOT, SEED_DOC, free_port, wait_for_http

SIGNED_EN = "When was the declaration of intent signed?"
SIGNED_FR = "Quand la déclaration d'intention a-t-elle été signée ?"
EVIDENCE = [
    "Le 26 mars 2025, une réunion stratégique a eu lieu chez l'Indian Institute of Information Technology "
    "Bangalore (IIITB), marquant une étape clé, signée le 10 janvier 2024.",
    "Parmi les participants, on retrouve Amod Bhat, Directeur de la Région Sub-continent Indien pour aivancity.",
]
DEFAULTS = Settings()


# --- grounding -----------------------------------------------------------------------------------------------


@pytest.mark.unit
def test_grounding_flags_invented_date_name_number_and_email():
    answer = "Signed on 12 January 2024 by Valérie Durand for 10 million euros; write to amod@aivancity.ai. [1]"
    invented = ["amod@aivancity.ai", "12 janvier 2024", "10 million", "Valérie Durand"]
    assert ungrounded_facts(answer, EVIDENCE) == invented
    assert ungrounded_facts("La réunion a eu lieu en 2019 à Bangalore.", EVIDENCE) == ["2019"]
    assert ungrounded_facts("The meeting took place on 26 March 2024.", EVIDENCE) == ["26 mars 2024"]


@pytest.mark.unit
def test_grounding_accepts_translated_dates_and_exact_copies():
    assert ungrounded_facts("It was signed on 10 January 2024 [1].", EVIDENCE) == []
    assert ungrounded_facts("It was signed on January 10, 2024.", EVIDENCE) == []
    assert ungrounded_facts("It was signed in January 2024, on 2024-01-10.", EVIDENCE) == []
    assert ungrounded_facts(EVIDENCE[0] + " " + EVIDENCE[1], EVIDENCE) == []
    assert ungrounded_facts("Selon Amod Bhat, la réunion du 26 mars 2025 a eu lieu à IIITB. [1]", EVIDENCE) == []


@pytest.mark.unit
def test_grounding_ignores_function_words_sentence_starts_and_question_words():
    question = "Who represents aivancity in the Indian Sub-continent Region?"
    answer = "The Director of the Indian Sub-continent Region is Amod Bhat. You may ask him."
    assert ungrounded_facts(answer, EVIDENCE, question) == ["Director"]
    assert ungrounded_facts("It is Amod Bhat, Directeur de la Région.", EVIDENCE, question) == []
    # A date, a number or an address must come from the evidence, even if the question states it.
    assert ungrounded_facts("It was signed on 3 May 2023.", EVIDENCE, "Was it signed on 3 May 2023?") == ["3 mai 2023"]


@pytest.mark.unit
def test_canonical_dates():
    assert canonical("Signed January 10th, 2024") == canonical("signée le 10 janvier 2024").replace("ee le", "ed")
    assert "10 janvier 2024" in canonical("2024-01-10")
    assert "1 mai" in canonical("le 1er mai") and "mai" not in canonical("you may ask")


# --- every path of the composer, with a scripted chat model -----------------------------------------------


@pytest.fixture(scope="module")
def extractive(embedder) -> ExtractiveComposer:
    answer = DEFAULTS.answer
    return ExtractiveComposer(SentenceScorer(embedder, answer.word_weight, answer.sentence_cache), answer)


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    """The seed document's paragraphs, with the metadata the retriever gives passages."""
    text = SEED_DOC.read_text(encoding="utf-8")
    docs, cursor = [], 0
    for i, paragraph in enumerate(p for p in text.split("\n") if p.strip()):
        start = text.find(paragraph, cursor)
        cursor = start + len(paragraph)
        meta = {
            "doc_id": SEED_DOC.name,
            "title": text.split("\n", 1)[0],
            "date": "2025-03-26",
            "language": "fr",
            "start": start,
            "end": cursor,
            "page": 0,
            "score": 1.0,
        }
        docs.append(Document(page_content=paragraph, id=f"{SEED_DOC.name}#{i}", metadata=meta))
    return docs


class ScriptedChat(GenericFakeChatModel):
    """LangChain's fake chat model, replying the scripted texts in turn, word by word; counts its calls."""

    calls: int = 0

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.calls += 1
        yield from super()._stream(*args, **kwargs)


class SilentChat(ScriptedChat):
    """A model that never answers until `release` is set (the test sets it once the composer gave up)."""

    release: Any = None

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.calls += 1
        self.release.wait()
        yield from ()


class FailingChat(ScriptedChat):
    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        self.calls += 1
        raise RuntimeError("backend exploded")


def scripted(*replies: str) -> ScriptedChat:
    return ScriptedChat(messages=iter([AIMessage(content=reply) for reply in replies]))


def run(composer: LLMComposer, question: str, language: str, documents: list[Document]) -> tuple[list[str], Any]:
    *pieces, final = composer.stream(analyse(question, language), documents)
    assert isinstance(final, Composition)
    return pieces, final


@pytest.mark.integration
def test_a_grounded_model_answer_is_accepted_and_streamed(extractive, documents):
    model = scripted("It was signed on 10 January 2024 [1].")
    pieces, final = run(LLMComposer(extractive, model, name="fake"), SIGNED_EN, "en", documents)
    assert (final.generator, final.fallback_reason) == ("fake", None)
    assert final.text == "It was signed on 10 January 2024 [1]." == "".join(pieces)
    assert final.citations and model.calls == 1


@pytest.mark.integration
def test_an_invented_date_is_rejected_for_the_extractive_answer(extractive, documents):
    model = scripted("It was signed on 12 January 2024 [1].")
    pieces, final = run(LLMComposer(extractive, model, name="fake"), SIGNED_EN, "en", documents)
    assert final.generator == "extractive" and final.fallback_reason == "ungrounded: 12 janvier 2024"
    assert final.text == compose(extractive, analyse(SIGNED_EN, "en"), documents).text == "".join(pieces)
    assert final.ungrounded == ["12 janvier 2024"] and not final.retracted


@pytest.mark.integration
def test_a_second_sentence_that_invents_retracts_what_was_shown(extractive, documents):
    model = scripted("It was signed on 10 January 2024 [1]. Valérie Durand signed it in Paris. ")
    pieces, final = run(LLMComposer(extractive, model, name="fake"), SIGNED_EN, "en", documents)
    assert pieces == ["It was signed on 10 January 2024 [1]."]  # shown while still grounded
    assert final.retracted and final.generator == "extractive"
    assert final.fallback_reason.startswith("ungrounded: ") and "Valérie Durand" in final.fallback_reason


@pytest.mark.integration
def test_a_model_that_never_answers_times_out(extractive, documents):
    release = threading.Event()
    model = SilentChat(messages=iter([]), release=release)
    try:
        pieces, final = run(LLMComposer(extractive, model, name="fake", timeout=0.3), SIGNED_FR, "fr", documents)
    finally:
        release.set()
    assert final.generator == "extractive" and final.fallback_reason == "timeout: no answer within 0.3 s"
    assert "10 janvier 2024" in final.text and "".join(pieces) == final.text


@pytest.mark.integration
def test_a_failing_backend_gives_the_extractive_answer_with_the_error(extractive, documents):
    model = FailingChat(messages=iter([]))
    _, final = run(LLMComposer(extractive, model, name="fake"), SIGNED_EN, "en", documents)
    assert final.fallback_reason == "error: RuntimeError: backend exploded" and model.calls == 1
    assert "10 janvier 2024" in final.text


@pytest.mark.integration
def test_the_model_is_not_asked_when_the_documents_do_not_answer(extractive, documents):
    model = scripted("The budget is 5 million euros [1].")
    _, final = run(LLMComposer(extractive, model, name="fake"), "What is the budget?", "en", documents)
    assert final.abstained and final.fallback_reason == "abstained" and model.calls == 0


# --- a real llama.cpp server --------------------------------------------------------------------------------

# The rejections a real small model may earn: the checks judged its text. Errors and timeouts are not among them.
CONTENT_REJECTIONS = (
    "ungrounded",
    "words not in",
    "echoes",
    "cites missing",
    "not in the question",
    "does not give",
    "adds nothing",
    "empty",
    "cut off",
)


@pytest.fixture(scope="module")
def smollm2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m models.local` serving the packaged SmolLM2 on a free loopback port; yields its /v1 URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("llm") / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "models.local", "--model", "smollm2", "--port", str(port), "--max-tokens", "64"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/v1/models", process, timeout=120)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.llm
@pytest.mark.parametrize(
    ("question", "language", "accepted"),
    # Greedy decoding: the same model gives the same text. In English it answers in one grounded sentence; in
    # French it retells the passage and runs out of tokens mid-sentence, which the checks refuse.
    [(SIGNED_EN, "en", True), (SIGNED_FR, "fr", False)],
)
def test_a_real_openai_compatible_server_answers_and_its_text_is_judged(
    extractive, documents, smollm2_server, question, language, accepted
):
    settings = Settings(generator="openai", llm_base_url=smollm2_server, llm_api_key="test", llm_max_tokens=64)
    parsed = analyse(question, language)
    final = compose(LLMComposer(extractive, build_chat_model(settings), name="openai"), parsed, documents)
    assert final.draft.strip(), "the server returned no text"
    if accepted:  # the model's words are the answer
        assert (final.generator, final.fallback_reason) == ("openai", None), final
        assert final.text.startswith(final.draft.strip()[:20])
    else:  # refused for what it wrote, and the extractive answer stands
        assert final.generator == "extractive" and final.fallback_reason.startswith(CONTENT_REJECTIONS), final
        assert final.text == compose(extractive, parsed, documents).text
    assert "10 janvier 2024" in canonical(final.text)


@pytest.mark.llm
def test_the_local_generator_serves_the_packaged_model_itself(extractive, documents, tmp_path):
    settings = Settings(
        generator="local", llm_model_path="smollm2", model_threads=2, llm_max_tokens=64, data_dir=tmp_path / "data"
    )
    final = compose(
        LLMComposer(extractive, build_chat_model(settings), name="local"), analyse(SIGNED_EN, "en"), documents
    )
    assert final.draft.strip() and final.seconds > 0
    # The packaged model, run in process, gives the same grounded sentence as behind the server: accepted.
    assert (final.generator, final.fallback_reason) == ("local", None), final
    assert "10 janvier 2024" in canonical(final.text)
    assert ungrounded_facts(final.text.replace("(in French) ", ""), [c.quote for c in final.citations]) == []


# --- servers that fail ----------------------------------------------------------------------------------------


def openai_composer(extractive: ExtractiveComposer, base_url: str, timeout: float) -> LLMComposer:
    settings = Settings(generator="openai", llm_base_url=base_url, llm_api_key="test", llm_timeout=timeout)
    return LLMComposer(extractive, build_chat_model(settings), name="openai", timeout=timeout)


@pytest.mark.integration
def test_nothing_listening_is_an_error_and_the_extractive_answer(extractive, documents):
    composer = openai_composer(extractive, f"http://127.0.0.1:{free_port()}/v1", timeout=5.0)
    final = compose(composer, analyse(SIGNED_EN, "en"), documents)
    assert (
        final.generator == "extractive"
        and final.fallback_reason.startswith("error: ")
        and "Connection" in final.fallback_reason
    )
    assert final.text == compose(extractive, analyse(SIGNED_EN, "en"), documents).text


@pytest.mark.integration
def test_a_silent_server_times_out_and_falls_back(extractive, documents):
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        pieces, final = run(openai_composer(extractive, url, timeout=1.0), SIGNED_FR, "fr", documents)
    assert final.generator == "extractive" and final.fallback_reason.startswith(("timeout", "error: APITimeout"))
    assert "".join(pieces) == final.text and "10 janvier 2024" in final.text


@pytest.mark.unit
def test_unknown_backends_and_models_are_refused():
    with pytest.raises(ValueError, match="no chat model"):
        build_chat_model(Settings(generator="extractive"))
    with pytest.raises(ModelNotFoundError, match="unknown packaged model"):
        packaged_model_path("nope", Path("."))
