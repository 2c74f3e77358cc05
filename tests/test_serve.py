"""`partnerbot serve` serves its page first and loads behind it (issue 25): a real server on a free port."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from playwright.sync_api import expect

from core.settings import Settings
from ingest.pipeline import ingest
from store.store import Store
from tests.conftest import CORPUS, ROOT, app_page, ask, free_port


@pytest.mark.integration
def test_the_page_answers_at_once_and_a_question_asked_while_loading_is_answered_once_ready(
    tmp_path, embedder, browser
):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    ingest([CORPUS], settings, store=Store(settings, embedder=embedder))
    port, url = free_port(), ""
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PARTNERBOT_DATA_DIR": str(settings.store.data_dir)},
        stdout=(tmp_path / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        page = None
        while page is None and time.monotonic() - started < 30 and server.poll() is None:
            try:
                page = httpx.get(url + "/", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.05)
        served = time.monotonic() - started
        assert page is not None and page.status_code == 200, (tmp_path / "serve.log").read_text()[-2000:]
        health = httpx.get(url + "/healthz", timeout=5)
        # Served long before the app is loaded and warm (seconds of imports, models and warm-up questions).
        assert (health.status_code, health.json()["status"], health.json()["ready"]) == (503, "starting", False)
        assert "Getting ready" in page.text, page.text[:500]
        print(f"page served {served:.2f} s after start")

        with ThreadPoolExecutor(1) as pool:
            asked = pool.submit(
                httpx.post, url + "/api/ask", json={"question": "Who is the director of IIITB?"}, timeout=120
            )
            time.sleep(0.2)
            assert httpx.get(url + "/healthz", timeout=5).status_code == 503  # still loading when it was asked
            answer = asked.result()
        assert answer.status_code == 200, answer.text
        assert "Debabrata Das" in answer.json()["answer"]
        health = httpx.get(url + "/healthz", timeout=5)
        assert (health.status_code, health.json()["status"], health.json()["ready"]) == (200, "ok", True)
        # Ready once one answer process is warm; /healthz counts the others as they finish warming.
        assert health.json()["answer_processes"] == 2 and health.json()["warm_processes"] >= 1
        while health.json()["warm_processes"] < 2 and time.monotonic() - started < 180:
            time.sleep(0.2)
            health = httpx.get(url + "/healthz", timeout=5)
        assert health.json()["warm_processes"] == 2
        page = httpx.get(url + "/", timeout=5)
        assert page.status_code == 200 and "gradio" in page.text.lower()

        # Answered whole in the worker processes, the page's question is one request outside Gradio's queue.
        config = httpx.get(url + "/config", timeout=10).json()
        assert next(d for d in config["dependencies"] if d.get("api_name") == "ask_page")["queue"] is False
        with app_page(browser, url, {"width": 1280, "height": 1000}) as tab:
            chat = tab.get_by_role("log", name="chatbot conversation")
            ask(tab, "Who is the director of IIITB?")
            expect(chat).to_contain_text("Debabrata Das", timeout=30_000)
            kept = tab.get_by_label("Your conversations / Vos conversations")
            expect(kept).to_have_value(re.compile("^Who is the director of IIITB"), timeout=10_000)
            # The next answer in the same conversation leaves the list as it is (sent as its value alone).
            ask(tab, "When was the declaration of intent signed?")
            expect(chat).to_contain_text("10 janvier 2024", timeout=30_000)
            expect(kept).to_have_value(re.compile("^Who is the director of IIITB"))
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.unit
def test_a_question_refused_in_an_answer_process_reaches_the_app_with_its_translations():
    from core.errors import QuestionError, QuestionTooLong

    for kind in (QuestionError, QuestionTooLong):
        error = pickle.loads(pickle.dumps(kind("Ask in words.", {"fr": "Posez-la avec des mots."})))
        assert type(error) is kind and str(error) == "Ask in words."
        assert error.in_language("fr") == "Posez-la avec des mots."
