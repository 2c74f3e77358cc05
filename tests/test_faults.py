"""Faults: ingestion killed mid-embed, a Chroma server that goes away and comes back, an app restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot import Bot
from core.errors import IndexProblem
from core.settings import Settings
from ingest.pipeline import ingest
from service import ChatService
from store.store import Store
from tests.conftest import CORPUS, ROOT, SEED_DOC, app_replies, free_port, wait_for_http

SIGNING_QUESTION = "When was the declaration of intent signed?"


def big_document(path: Path, paragraphs: int = 240) -> None:
    lines = [
        f"Le groupe de travail numéro {i} a examiné le dossier {i} consacré au module {i % 17} du programme."
        for i in range(paragraphs)
    ]
    path.write_text("Comptes rendus des groupes de travail\n\n" + "\n\n".join(lines), encoding="utf-8")


# A child that ingests like `partnerbot ingest` and prints each step of its embedding progress on a line.
_CHILD = """
import sys
from pathlib import Path
from core.settings import Settings
from service import build_service

def report(stage, done, total):
    if stage == "embedding":
        print(done, total, flush=True)

build_service(Settings()).ingest([Path(sys.argv[1])], on_progress=report)
"""


def kill_during_embedding(folder: Path, data_dir: Path, fraction: float) -> int:
    """Ingest in a child and SIGKILL it as soon as its embedding progress passes `fraction`; returns the share."""
    env = {**os.environ, "PARTNERBOT_DATA_DIR": str(data_dir), "PARTNERBOT_EMBEDDING_BATCH_SIZE": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(folder)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    for line in child.stdout:  # each line is an event of the child's progress
        done, total = map(int, line.split())
        if total and done >= fraction * total:
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the child finished before it was killed"
    return done


@pytest.mark.integration
def test_ingestion_killed_at_random_points_keeps_the_index_answering_and_the_next_run_completes(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / SEED_DOC.name).write_bytes(SEED_DOC.read_bytes())
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    ingest([folder], settings, store=Store(settings, embedder=embedder))
    before = Store(settings, embedder=embedder).count()
    big_document(folder / "comptes_rendus.txt")

    for fraction in sorted(random.Random(7).uniform(0.1, 0.8) for _ in range(2)):
        kill_during_embedding(folder, settings.store.data_dir, fraction)
        store = Store(settings, embedder=embedder)
        assert store.count() >= before  # nothing of the previous store is lost
        answer = Bot(settings, store).ask(SIGNING_QUESTION)
        assert "10 janvier 2024" in answer.answer

    store = Store(settings, embedder=embedder)
    partial = store.count()
    report = ingest([folder], settings, store=store)
    documents = {d["doc_id"]: d for d in store.documents()}
    chunks = [c for c in store.chunks() if c.metadata["doc_id"] == "comptes_rendus.txt"]
    assert len(chunks) == chunks[0].metadata["n_chunks"] == documents["comptes_rendus.txt"]["passages"]
    assert report.added == store.count() - partial < len(chunks)  # the killed runs' work was kept
    print(f"chunks before: {before}, after two kills: {partial}, after the final run: {store.count()}")


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


@pytest.mark.integration
def test_the_bot_reports_a_chroma_outage_and_recovers_without_restart(tmp_path, embedder):
    port = free_port()
    server = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
    try:
        store = Store(settings, embedder=embedder)
        ingest([CORPUS], settings, store=store)
        bot = Bot(settings, store)
        assert "10 janvier 2024" in bot.ask(SIGNING_QUESTION).answer

        stop(server)
        with pytest.raises(IndexProblem, match="unavailable") as outage:
            bot.ask(SIGNING_QUESTION)
        print(f"during the outage: {outage.value}")

        server = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
        assert "10 janvier 2024" in bot.ask(SIGNING_QUESTION).answer  # the same Bot, no restart
    finally:
        stop(server)


@pytest.mark.integration
def test_the_app_says_the_index_is_unavailable_instead_of_failing(tmp_path, embedder):
    import ui

    port = free_port()
    server = start_chroma(tmp_path / "server", port, tmp_path / "chroma.log")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
    store = Store(settings, embedder=embedder)
    ingest([CORPUS], settings, store=store)
    app = ui.ChatApp(ChatService(settings, store, Bot(settings, store)))
    stop(server)

    *_, (kept_question, history, sources, _) = app_replies(app, SIGNING_QUESTION)

    assert kept_question == SIGNING_QUESTION  # the user's text is kept to send again
    assert "The document index is unavailable right now" in history[-1]["content"]
    assert sources == ""  # the sources panel (HTML) is emptied


@pytest.mark.integration
def test_an_unreachable_model_server_gives_the_quoted_answer_and_says_so(tmp_path, embedder):
    import ui

    settings = Settings(
        data_dir=tmp_path / "data",
        chroma_url=None,
        generator="openai",
        llm_base_url=f"http://127.0.0.1:{free_port()}/v1",
        llm_timeout=2.0,
    )
    store = Store(settings, embedder=embedder)
    ingest([CORPUS], settings, store=store)
    app = ui.ChatApp(ChatService(settings, store, Bot(settings, store)))

    *_, (_, history, sources, _) = app_replies(app, SIGNING_QUESTION)

    assert "10 janvier 2024" in history[-1]["content"]
    assert "The language model did not answer (error: " in sources and "ConnectionError" in sources


def _passages(store: Store, doc_id: str) -> tuple[int, int]:
    """(passages of the document in the index, passages the document has)."""
    chunks = [c for c in store.chunks() if c.metadata["doc_id"] == doc_id]
    return len(chunks), chunks[0].metadata["n_chunks"] if chunks else 0


@pytest.mark.integration
def test_an_ingest_killed_between_two_writes_on_purpose_is_finished_by_the_next_run(tmp_path, embedder):
    from bench.synthetic import fictional_report
    from ingest.pipeline import KILLED_EXIT
    from tests.conftest import run_cli

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "comptes-rendus.txt").write_text(fictional_report(8, seed=5), encoding="utf-8")
    data_dir = tmp_path / "data"

    # Batches of 4 passages; the process exits right after writing the second.
    killed = run_cli("ingest", str(folder), data_dir=data_dir, test_kill_after_batches="2", embedding_batch_size="1")

    assert killed.returncode == KILLED_EXIT, killed.stderr[-2000:]
    settings = Settings(data_dir=data_dir, chroma_url=None, embedding_batch_size=1)
    store = Store(settings, embedder=embedder)
    assert _passages(store, "comptes-rendus.txt")[0] == 8
    report = ingest([folder], settings, store=store)
    written, expected = _passages(store, "comptes-rendus.txt")
    assert written == expected == store.count() and report.added == expected - 8


# The app's process adding an upload, as the "Add documents" button does.
_UPLOAD = """
import sys
from pathlib import Path
from core.settings import Settings
from service import build_service

build_service(Settings()).add_documents([(Path(sys.argv[1]), "comptes-rendus.txt")])
"""


@pytest.mark.integration
def test_an_app_killed_between_two_writes_of_an_upload_finishes_it_at_its_next_start(tmp_path, embedder):
    from bench.synthetic import fictional_report
    from ingest.pipeline import KILLED_EXIT

    upload = tmp_path / "comptes-rendus.txt"
    upload.write_text(fictional_report(8, seed=6), encoding="utf-8")
    data_dir = tmp_path / "data"
    env = {
        **os.environ,
        "PARTNERBOT_DATA_DIR": str(data_dir),
        "PARTNERBOT_EMBEDDING_BATCH_SIZE": "1",
        "PARTNERBOT_TEST_KILL_AFTER_BATCHES": "2",
    }

    killed = subprocess.run(
        [sys.executable, "-c", _UPLOAD, str(upload)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )

    assert killed.returncode == KILLED_EXIT, killed.stderr[-2000:]
    settings = Settings(data_dir=data_dir, chroma_url=None, embedding_batch_size=1)
    store = Store(settings, embedder=embedder)
    assert _passages(store, "uploads/comptes-rendus.txt")[0] == 8
    service = ChatService(settings, store, Bot(settings, store))
    resumed = service.resume_uploads()
    assert resumed is not None and resumed.finished.wait(300), "the interrupted upload was not resumed"
    written, expected = _passages(store, "uploads/comptes-rendus.txt")
    assert written == expected == store.count() and resumed.result.report.added == expected - 8
