"""Faults: ingestion killed mid-embed, a Chroma server that goes away and comes back, an app restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import Bot
from ingest.pipeline import ingest
from ingest.settings import Settings
from ingest.store import Index
from tests.conftest import CORPUS, ROOT, SEED_DOC, free_port, wait_for_http

SIGNING_QUESTION = "When was the declaration of intent signed?"


def big_document(path: Path, paragraphs: int = 240) -> None:
    lines = [
        f"Le groupe de travail numéro {i} a examiné le dossier {i} consacré au module {i % 17} du programme."
        for i in range(paragraphs)
    ]
    path.write_text("Comptes rendus des groupes de travail\n\n" + "\n\n".join(lines), encoding="utf-8")


def kill_during_embedding(folder: Path, data_dir: Path, fraction: float) -> str:
    """Run `partnerbot ingest` in a child and SIGKILL it once its progress bar passes `fraction`."""
    env = {**os.environ, "PARTNERBOT_DATA_DIR": str(data_dir), "PARTNERBOT_EMBEDDING_BATCH_SIZE": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "ingest", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        char = child.stderr.read(1)
        if not char:
            break
        seen += char
        # tqdm redraws "Embedding:  37%|..." in place; kill as soon as the share passes the chosen point.
        if char == "%" and "Embedding:" in seen[-40:]:
            share = int(seen[-4:-1].strip("g: ") or 0)
            if share >= fraction * 100:
                child.send_signal(signal.SIGKILL)
                break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, f"the child was not killed mid-embed:\n{seen[-500:]}"
    return seen


def test_ingestion_killed_at_random_points_keeps_the_index_answering_and_the_next_run_completes(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / SEED_DOC.name).write_bytes(SEED_DOC.read_bytes())
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    ingest([folder], settings, index=Index(settings, embedder=embedder), progress=False)
    before = Index(settings, embedder=embedder).count()
    big_document(folder / "comptes_rendus.txt")

    for fraction in sorted(random.Random(7).uniform(0.1, 0.8) for _ in range(2)):
        kill_during_embedding(folder, settings.data_dir, fraction)
        index = Index(settings, embedder=embedder)
        assert index.count() >= before  # nothing of the previous index is lost
        answer = Bot(settings, index=index).ask(SIGNING_QUESTION)
        assert "10 janvier 2024" in answer.answer

    index = Index(settings, embedder=embedder)
    partial = index.count()
    report = ingest([folder], settings, index=index, progress=False)
    documents = {d["doc_id"]: d for d in index.documents()}
    chunks = [c for c in index.chunks() if c.metadata["doc_id"] == "comptes_rendus.txt"]
    assert len(chunks) == chunks[0].metadata["n_chunks"] == documents["comptes_rendus.txt"]["passages"]
    assert report.added == index.count() - partial < len(chunks)  # the killed runs' work was kept
    print(f"chunks before: {before}, after two kills: {partial}, after the final run: {index.count()}")


def start_chroma(path: Path, port: int, log: Path) -> subprocess.Popen:
    chroma = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


def test_the_bot_reports_a_chroma_outage_and_recovers_without_restart(tmp_path, embedder):
    port = free_port()
    server = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
    try:
        index = Index(settings, embedder=embedder)
        ingest([CORPUS], settings, index=index, progress=False)
        bot = Bot(settings, index=index)
        assert "10 janvier 2024" in bot.ask(SIGNING_QUESTION).answer

        stop(server)
        with pytest.raises(Exception) as outage:
            bot.ask(SIGNING_QUESTION)
        print(f"during the outage: {type(outage.value).__name__}")

        server = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
        assert "10 janvier 2024" in bot.ask(SIGNING_QUESTION).answer  # the same Bot, no restart
    finally:
        stop(server)


def test_the_app_says_the_index_is_unavailable_instead_of_failing(tmp_path, embedder):
    import ui

    port = free_port()
    server = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
    index = Index(settings, embedder=embedder)
    ingest([CORPUS], settings, index=index, progress=False)
    app = ui.ChatApp(Bot(settings, index=index), settings)
    stop(server)

    *_, (kept_question, history, sources) = app.respond(SIGNING_QUESTION, [])

    assert kept_question == SIGNING_QUESTION  # the user's text is kept to send again
    assert "The document index is unavailable right now" in history[-1]["content"]
    assert sources == []


def test_an_unreachable_model_server_gives_the_quoted_answer_and_says_so(tmp_path, embedder):
    import ui

    settings = Settings(
        data_dir=tmp_path / "data",
        chroma_url=None,
        generator="openai",
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1",
        llm_timeout=2.0,
    )
    index = Index(settings, embedder=embedder)
    ingest([CORPUS], settings, index=index, progress=False)
    app = ui.ChatApp(Bot(settings, index=index), settings)

    started = time.monotonic()
    *_, (_, history, sources) = app.respond(SIGNING_QUESTION, [])

    assert time.monotonic() - started < 10
    assert "10 janvier 2024" in history[-1]["content"]
    assert sources[0][0].startswith("The language model did not answer (error: ")
    assert "ConnectionError" in sources[0][0]
