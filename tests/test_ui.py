"""The chat app, running for real: through gradio_client and in a headless Chromium."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import re
import shutil
import statistics
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

import gradio as gr
import httpx
import pytesseract
import pytest
from gradio_client import Client, handle_file
from PIL import Image
from playwright.sync_api import Page, expect

from bench.page_client import PageClient, PageError
from bench.scans import save_scan, scan, typed_pdf
from core.settings import Settings
from ingest.pipeline import ingest
from service import CitedRow, CitedTable, build_service
from tests.conftest import CORPUS, ROOT, RunningApp, app_page, ask, serving
from tests.test_ocr import FR_AGREEMENT
from tests.test_uploads import fictional_note
from ui import FEEDBACK_RECORDED, ChatApp, rows_table_html, sources_html


@pytest.fixture
def page(browser, app) -> Iterator[Page]:
    with app_page(browser, app.url, {"width": 1280, "height": 1000}) as page:
        yield page


def queue_call(url: str, event: str, data: list, session: str, event_data: dict | None = None) -> list[dict]:
    """An event of the app called through Gradio's queue the way a script can, without the page: `event` is an
    endpoint's name or a trigger ("like"). Returns the session's messages until the call completes."""
    client = PageClient(url, timeout=120, session=session)
    try:
        return client.messages(event, data, event_data)
    finally:
        client.close()


def warnings(messages: list[dict]) -> str:
    return " ".join(m["log"] for m in messages if m.get("msg") == "log" and m.get("level") == "warning")


@pytest.mark.integration
def test_the_api_answers_with_sources(app):
    client = Client(app.url, verbose=False)
    _, history, sources = client.predict("When was the declaration of intent signed?", [], api_name="/ask")
    reply = history[-1]
    assert reply["role"] == "assistant" and "10 janvier 2024" in str(reply["content"])
    cited = re.findall(r"<mark>(.*?)</mark>", sources, re.DOTALL)
    assert any("signée le 10 janvier 2024" in text for text in cited)


@pytest.mark.integration
def test_the_benchs_page_client_asks_as_the_page_does_and_reports_a_failed_event(app):
    client = PageClient(app.url)
    try:
        box, chat, *_ = client.call("ask_page", ["When was the declaration of intent signed?", [], None])
        assert box == {"__type__": "update"} and "10 janvier 2024" in str(chat[-1]["content"])
        with pytest.raises(PageError) as failed:  # an input missing: Gradio does not complete the event
            client.call("ask_page", ["When was the declaration of intent signed?"])
        assert failed.value.messages and failed.value.messages[-1].get("success") is not True
    finally:
        client.close()


@pytest.mark.integration
def test_the_pages_question_is_one_event_that_also_lists_its_cited_pages_and_the_kept_conversation(app):
    config = httpx.get(app.url + "/config", timeout=10).json()
    asked = next(d for d in config["dependencies"] if d.get("api_name") == "ask_page")
    # Nothing is chained after it: one request and one queue turn a question (there were three).
    assert not [d for d in config["dependencies"] if d.get("trigger_after") == asked["id"]]
    question = "When was the declaration of intent signed?"
    messages = queue_call(app.url, "ask_page", [question, [], None], uuid.uuid4().hex)
    completed = [m for m in messages if m.get("msg") == "process_completed"]
    assert len(completed) == 1 and completed[0]["success"], messages
    box, chat, sources, state, pages, view, listed = completed[0]["output"]["data"]
    assert state is None  # the kept conversation's id stays on the server, in the session's State
    # The box was emptied by the first reply; the answer leaves it as it is (what was typed meanwhile stays).
    assert box == {"__type__": "update"} and "10 janvier 2024" in str(chat[-1]["content"]) and "<mark>" in sources
    assert pages["__type__"] == "update" and pages["choices"] == [] and pages["visible"] is False and view is None
    # The conversation the turn was kept in is listed, titled by its question, and selected.
    assert listed["value"] and [c[1] for c in listed["choices"]] == [listed["value"]]
    assert listed["choices"][0][0].startswith(question[:20])


@pytest.mark.integration
def test_without_answer_processes_the_pages_question_streams_pieces_then_lists_the_kept_conversation(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    ingest([CORPUS], settings)
    app = ChatApp(build_service(settings))  # answers in this thread's pool: the bot's pieces as they come
    question = "When was the declaration of intent signed?"
    reader = gr.Request(username="reader", session_hash="a-tab")

    # The page sends the conversation with the question its browser step already shows (`SHOW_QUESTION_JS`).
    shown_by_browser = [{"role": "user", "content": [{"type": "text", "text": question}]}]

    async def replies() -> list[tuple]:
        return [reply async for reply in app.respond_on_page(question, shown_by_browser, None, reader)]

    *pieces, last = asyncio.run(replies())
    # No reply of the server merely shows the question (the browser did), and none writes the box (the browser
    # emptied it before asking), so a question typed while this one is answered is not wiped.
    assert pieces, "no piece was streamed before the whole answer"
    assert all(piece[1][0] == {"role": "user", "content": question} for piece in pieces)
    assert all(piece[1][1]["role"] == "assistant" for piece in pieces)  # the question once, not as an earlier turn
    assert all(piece[0] == gr.skip() for piece in [*pieces, last])
    texts = [piece[1][-1]["content"] for piece in pieces]
    assert all(len(a) < len(b) and b.startswith(a) for a, b in itertools.pairwise(texts))
    # A piece changes the conversation only: the sources, the pages and the conversations' list wait for the answer.
    assert all(piece[2:] == (gr.skip(),) * 5 for piece in pieces)
    _, chat, sources, kept, pages, view, listed = last
    assert "10 janvier 2024" in chat[-1]["content"] and "<mark>" in sources
    assert pages["visible"] is False and view is None  # the corpus cites no PDF page
    assert kept and listed["value"] == kept and [c[1] for c in listed["choices"]] == [kept]
    assert app.service.conversations.open("user:reader", kept)[-1]["content"] == chat[-1]["content"]

    # A list the tab shows already is sent as its value alone (Gradio rebuilds a component for each update).
    assert app.conversation_choices(kept, reader) == kept
    follow_up = [*chat, {"role": "user", "content": "Who signed it?"}]
    *_, pages, view, _ = asyncio.run(app.answer_on_page("Who signed it?", follow_up, kept, reader))
    assert pages is None and view is None  # no cited page before, none now: the hidden list stays as it is
    # A new conversation: its first answer lists two conversations, so the list is sent whole.
    assert app.new_conversation(reader)[3]["choices"] == []
    *_, fresh, _, _, listed = asyncio.run(app.answer_on_page(question, [], None, reader))
    assert listed["value"] == fresh and [c[1] for c in listed["choices"]] == [fresh, kept]
    assert app.conversation_choices(None, gr.Request(username="reader", session_hash="another-tab"))["choices"]


@pytest.mark.browser
def test_what_is_typed_while_a_question_is_on_its_way_and_answered_stays_in_the_box(page):
    held = []
    # The question's request is held on its way: the browser must have emptied the box before the server saw it.
    page.route("**/queue/join*", lambda route: held.append(route))
    ask(page, "When was the declaration of intent signed?")
    box = page.get_by_label("Your question / Votre question")
    expect(box).to_have_value("", timeout=5_000)
    for _ in range(100):  # the request leaves after the step in the browser
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the question was never sent"
    chat = page.get_by_role("log", name="chatbot conversation")
    # The browser shows the question itself, before the server has it.
    expect(chat).to_contain_text("When was the declaration of intent signed?", timeout=5_000)
    box.fill("And who signed it?")  # the next question, typed before the server's first reply
    for route in held:
        route.continue_()
    page.unroute("**/queue/join*")
    expect(chat).to_contain_text("10 janvier 2024", timeout=30_000)
    expect(box).to_have_value("And who signed it?")
    # Shown once: the server did not take the question the browser showed for a turn before it.
    assert chat.inner_text().count("When was the declaration of intent signed?") == 1


@pytest.mark.browser
def test_a_person_asks_sees_the_streamed_answer_and_its_highlighted_sources(page, tmp_path):
    ask(page, "Qui est le doyen des études académiques à IIITB ?")
    chat = page.get_by_role("log", name="chatbot conversation")
    expect(chat).to_contain_text("Dr. Chandrashekar Ramanathan, Doyen des Études Académiques", timeout=30_000)
    sources = page.locator("#sources")
    expect(sources).to_contain_text("[1] Rencontre stratégique à IIIT Bangalore")
    expect(sources).to_contain_text("26 mars 2025")
    expect(sources.locator("mark").first).to_contain_text(
        "Dr. Chandrashekar Ramanathan, Doyen des Études Académiques à IIITB."
    )
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    assert (tmp_path / "answer.png").stat().st_size > 10_000

    ask(page, "What is the budget of the partnership?")
    expect(chat).to_contain_text("I could not find this information in the documents", timeout=30_000)
    expect(sources).to_contain_text("No sources: the documents do not contain this answer.")
    expect(sources.locator("mark")).to_have_count(0)


@pytest.mark.browser
def test_a_person_uploads_a_document_and_asks_about_it_and_markup_stays_inert(page, app, tmp_path):
    document = tmp_path / "Compte rendu <atelier>.html"
    document.write_text(
        "<html><head><title>Atelier robotique</title></head><body>"
        "<p>L'atelier de robotique commun aura lieu le 14 octobre 2025 à Bangalore.</p>"
        "<p>Le code &lt;img src=x onerror=window.__pwned=1&gt; a été affiché sur l'écran de l'atelier.</p>"
        "<script>window.__pwned = 2</script></body></html>",
        encoding="utf-8",
    )
    page.get_by_text("Add documents").click()
    page.locator("input[type=file]").set_input_files(str(document))
    page.get_by_role("button", name="Index these documents").click()
    # Indexed by the low-priority worker, which loads its models first: slow on a machine busy with other work.
    expect(page.get_by_label("Indexing result")).to_have_value(re.compile(r"^Added 1 file"), timeout=180_000)

    ask(page, "Quand aura lieu l'atelier de robotique ?")
    chat = page.get_by_role("log", name="chatbot conversation")
    expect(chat).to_contain_text("14 octobre 2025", timeout=30_000)
    # The answer's last piece (its sources) is in before the next question is typed: a question typed while the
    # answer streams is not taken.
    expect(page.locator("#sources")).to_contain_text("aura lieu le 14 octobre 2025", timeout=30_000)
    ask(page, "Quel code a été affiché sur l'écran de l'atelier ?")
    expect(chat).to_contain_text("<img src=x onerror=window.__pwned=1>", timeout=30_000)
    expect(page.locator("#sources")).to_contain_text("uploads/Compte_rendu_atelier.html — uploaded by anonymous on ")
    expect(page.locator("#sources")).to_contain_text("<img src=x onerror=window.__pwned=1>")  # shown as text
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)
    # Saved under a name without markup (the app is shared: other tests' uploads may lie beside it).
    uploads = [p.name for p in (app.data_dir / "documents" / "uploads").iterdir()]
    assert "Compte_rendu_atelier.html" in uploads and not any("<" in name for name in uploads)


@pytest.mark.browser
def test_an_editor_replaces_then_deletes_an_added_document_after_confirming_and_its_answer_and_facts_go(
    page, app, tmp_path
):
    note = tmp_path / "atelier-lumen-2031.txt"
    note.write_text(
        "Document fictif créé pour les tests.\nL'atelier Lumen de Norvelle aura lieu le 9 septembre 2031 à Tromsø.",
        encoding="utf-8",
    )
    result, _ = Client(app.url, verbose=False).predict([handle_file(str(note))], api_name="/add_documents")
    assert result.startswith("Added 1 file")
    page.reload()
    question = "Quand aura lieu l'atelier Lumen de Norvelle ?"
    ask(page, question)
    chat, sources = page.get_by_role("log", name="chatbot conversation"), page.locator("#sources")
    expect(chat).to_contain_text("9 septembre 2031", timeout=30_000)
    expect(sources).to_contain_text("uploads/atelier-lumen-2031.txt")
    page.get_by_text("Timeline / Chronologie").click()
    expect(page.get_by_role("row").filter(has_text="atelier Lumen").first).to_be_visible(timeout=10_000)

    page.get_by_text("Documents", exact=True).click()
    listed = page.get_by_role("gridcell", name="uploads/atelier-lumen-2031.txt")
    expect(listed).to_have_count(1, timeout=10_000)
    chosen = page.get_by_label("Added document to delete or replace")

    # A new version replaces it, under the same id, after a confirmation.
    version = tmp_path / "lumen-v2.txt"
    version.write_text(note.read_text(encoding="utf-8").replace("9 septembre", "16 septembre"), encoding="utf-8")
    chosen.click()
    page.get_by_role("option", name="uploads/atelier-lumen-2031.txt").click()
    page.locator("#replacement input[type=file]").set_input_files(str(version))
    page.get_by_role("button", name="Replace…").click()
    expect(page.get_by_text("Replace uploads/atelier-lumen-2031.txt with lumen-v2.txt?")).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_label("Result")).to_have_value(re.compile("^Added 1 file"), timeout=120_000)
    expect(listed).to_have_count(1)
    page.get_by_role("button", name="New conversation / Nouvelle").click()
    expect(chat).not_to_contain_text("9 septembre 2031")
    ask(page, question)
    expect(chat).to_contain_text("16 septembre 2031", timeout=30_000)

    chosen.click()
    page.get_by_role("option", name="uploads/atelier-lumen-2031.txt").click()
    page.get_by_role("button", name="Delete…").click()
    expect(page.get_by_text("Delete uploads/atelier-lumen-2031.txt?")).to_be_visible(timeout=10_000)
    assert (app.data_dir / "documents" / "uploads" / "atelier-lumen-2031.txt").exists()  # not before confirming
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_label("Result")).to_have_value(
        re.compile("^Deleted uploads/atelier-lumen-2031.txt"), timeout=60_000
    )
    expect(page.get_by_role("row").filter(has_text="atelier Lumen")).to_have_count(0, timeout=10_000)  # the timeline
    expect(listed).to_have_count(0)

    page.get_by_role("button", name="New conversation / Nouvelle").click()
    expect(chat).not_to_contain_text("16 septembre 2031")
    ask(page, question)
    expect(sources).not_to_contain_text("uploads/atelier-lumen-2031.txt", timeout=30_000)
    expect(chat).to_contain_text(question)
    expect(chat).not_to_contain_text("septembre 2031")


@pytest.mark.browser
def test_thumbs_feedback_is_appended_to_the_log(page, app):
    ask(page, "Who is the president of aivancity?")
    chat = page.get_by_role("log", name="chatbot conversation")
    expect(chat).to_contain_text("Tawhid Chtioui", timeout=30_000)
    page.get_by_role("button", name="Like").last.click()
    expect(page.get_by_text(FEEDBACK_RECORDED)).to_be_visible(timeout=10_000)  # shown once the line is written
    log = app.data_dir / "feedback.jsonl"
    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["liked"] is True and entry["question"] == "Who is the president of aivancity?"
    assert "Tawhid Chtioui" in entry["answer"]


@pytest.mark.integration
def test_feedback_can_only_be_about_an_answer_the_server_gave_and_a_session_cannot_flood_it(app):
    log = app.data_dir / "feedback.jsonl"
    before = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    session = uuid.uuid4().hex
    question = "Who is the president of aivancity?"
    asked = queue_call(app.url, "ask", [question, [], None], session)  # None: the conversation, kept by the server
    chat = asked[-1]["output"]["data"][1]
    assert "Tawhid Chtioui" in str(chat[1]["content"])
    forged = "x" * 1_000_000
    history = [{"role": "user", "content": forged}, {"role": "assistant", "content": forged}]

    # A thumb on the answer, with the caller's own text beside it: the server's question and answer are stored.
    queue_call(app.url, "like", [history], session, {"index": 1, "value": forged, "liked": True})
    # Places where this session was given no answer, and a session that was given none: nothing is stored.
    for index in (0, 3, 99, -1, "1", [1, 0]):
        refused = queue_call(app.url, "like", [history], session, {"index": index, "value": forged, "liked": True})
        assert "no feedback recorded" in warnings(refused) or "thumbs up or down" in warnings(refused), index
    stranger = queue_call(app.url, "like", [history], uuid.uuid4().hex, {"index": 1, "value": forged, "liked": False})
    assert "no feedback recorded" in warnings(stranger)
    added = log.read_text(encoding="utf-8").splitlines()[len(before) :]
    assert len(added) == 1
    entry = json.loads(added[0])
    assert entry["question"] == question and "Tawhid Chtioui" in entry["answer"] and entry["liked"] is True
    assert entry["answer_id"]

    # 50 more thumbs on that answer: the session's rate is spent after a few, and the file grows by a few lines.
    refusals = 0
    for n in range(50):
        messages = queue_call(app.url, "like", [[]], session, {"index": 1, "value": "", "liked": n % 2 == 0})
        refusals += "feedbacks a minute" in warnings(messages)
    added = log.read_text(encoding="utf-8").splitlines()[len(before) :]
    limit = Settings().app.feedback_per_minute
    assert len(added) == limit and refusals == 50 - (limit - 1)
    assert all(json.loads(line)["question"] == question for line in added)
    assert sum(len(line) for line in added) < limit * 5_000


@pytest.mark.integration
def test_a_question_without_words_is_asked_again_in_words_in_the_pages_language(app):
    for language, expected in (("fr-FR,fr;q=0.9", "Posez votre question avec des mots"), ("en-GB,en", "in words")):
        client = Client(app.url, headers={"Accept-Language": language}, verbose=False)
        for question in ("🙂🙂🙂", "?!?!…;;;", "z" * 1999):
            _, history, sources = client.predict(question, [], api_name="/ask")
            assert expected in str(history[-1]["content"]) and not sources, (question, history[-1])


@pytest.mark.integration
def test_sources_over_the_api_are_escaped_and_an_upload_is_marked_as_one(app, tmp_path):
    # Fictional document whose text holds markup.
    document = tmp_path / "atelier-balises.txt"
    document.write_text(
        "<b>Atelier</b> de soudure & sécurité (document fictif créé pour les tests)\n"
        "Le mot de passe de l'atelier de soudure de Norvelle est <img src=x onerror=alert(1)><script>x()</script>.",
        encoding="utf-8",
    )
    client = Client(app.url, verbose=False)
    result, documents = client.predict([handle_file(str(document))], api_name="/add_documents")
    assert result.startswith("Added 1 file")
    titles = [row[0] for row in documents["data"]]
    assert "&lt;b&gt;Atelier&lt;/b&gt; de soudure &amp; sécurité (document fictif créé pour les tests)" in titles
    whos_who, timeline = client.predict(api_name="/facts")
    assert whos_who["data"] and not any("<" in str(cell) for row in whos_who["data"] + timeline["data"] for cell in row)
    _, _, sources = client.predict("Quel est le mot de passe de l'atelier de soudure ?", [], api_name="/ask")
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in sources
    assert "<img" not in sources and "<script" not in sources
    assert re.search(r"uploads/atelier-balises\.txt — uploaded by anonymous on \d{4}-\d\d-\d\d \d\d:\d\d UTC", sources)
    assert "<mark>" in sources  # the quoted sentence, marked


@pytest.mark.integration
def test_with_auth_set_wrong_logins_from_one_client_are_refused_after_a_few(tmp_path):
    with serving(tmp_path / "data", tmp_path / "app.log", PARTNERBOT_AUTH="staff:s3cret") as running:
        started = time.monotonic()
        codes = [
            httpx.post(running.url + "/login", data={"username": "staff", "password": f"guess{n}"}, timeout=10)
            for n in range(40)
        ]
        print(f"40 wrong logins in {time.monotonic() - started:.1f} s")
        limit = Settings().app.login_failures
        assert [r.status_code for r in codes] == [400] * limit + [429] * (40 - limit)
        assert int(codes[-1].headers["Retry-After"]) > 0 and "Too many failed logins" in codes[-1].text
        # The right password from that client waits too: guessing gets no answer either way.
        right = httpx.post(running.url + "/login", data={"username": "staff", "password": "s3cret"}, timeout=10)
        assert right.status_code == 429


@pytest.mark.integration
def test_twenty_concurrent_sessions_are_all_answered(app):
    questions = [
        ("When was the declaration of intent signed?", "10 janvier 2024"),
        ("Qui est le président d'aivancity ?", "Tawhid Chtioui"),
        ("What is the budget of the partnership?", "I could not find"),
    ]
    latencies: list[float] = []
    errors: list[str] = []

    def session(n: int) -> None:
        client = Client(app.url, verbose=False)
        history: list = []
        for question, expected in questions:
            started = time.monotonic()
            try:
                _, history, _ = client.predict(question, history, api_name="/ask")
            except Exception as exc:  # counted, then asserted on below
                errors.append(f"session {n}: {exc!r}")
                return
            latencies.append(time.monotonic() - started)
            if expected not in str(history[-1]["content"]):
                errors.append(f"session {n}: {question!r} got {history[-1]['content']!r}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(session, range(20), timeout=240))

    assert not errors, errors[:3]
    assert len(latencies) == 60
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[-1]
    print(f"20 sessions x 3 questions: 60 answered, 0 errors, p50 {p50:.2f} s, p95 {p95:.2f} s")


@pytest.mark.browser
def test_a_restart_keeps_the_index_the_uploads_the_feedback_and_the_browsers_conversations(tmp_path, browser):
    data_dir = tmp_path / "data"
    ingest([CORPUS], Settings(data_dir=data_dir, chroma_url=None))
    note = tmp_path / "calendrier.txt"
    note.write_text("Le jury des projets communs se réunira le 3 février 2026 à Paris.", encoding="utf-8")
    question = "Quand se réunira le jury des projets communs ?"

    with serving(data_dir, tmp_path / "first.log") as running:
        client = Client(running.url, verbose=False)
        result, _ = client.predict([handle_file(str(note))], api_name="/add_documents")
        assert result.startswith("Added 1 file")
        context = browser.new_context()
        page = context.new_page()
        page.goto(running.url)
        chat = page.get_by_role("log", name="chatbot conversation")
        ask(page, "Who is the director of IIITB?")
        expect(chat).to_contain_text("Debabrata Das", timeout=30_000)
        kept = page.get_by_label("Your conversations / Vos conversations")
        expect(kept).to_have_value(re.compile("^Who is the director of IIITB"), timeout=10_000)  # kept: listed
        page.get_by_role("button", name="New conversation / Nouvelle").click()
        expect(chat).not_to_contain_text("Debabrata Das")
        ask(page, question)
        expect(chat).to_contain_text("3 février 2026", timeout=30_000)
        page.get_by_role("button", name="Dislike").last.click()
        expect(page.get_by_text(FEEDBACK_RECORDED)).to_be_visible(timeout=10_000)
        cookies = context.storage_state()  # the browser's cookie names its conversations across the restart
        context.close()
        first = running
    # Stopped with the Gradio client still connected (its event stream open), it stops by itself, within its grace.
    assert not first.killed

    with serving(data_dir, tmp_path / "second.log") as running:
        _, history, _ = Client(running.url, verbose=False).predict(question, [], api_name="/ask")
        assert "3 février 2026" in str(history[-1]["content"])
        context = browser.new_context(storage_state=cookies)
        page = context.new_page()
        page.goto(running.url)
        page.get_by_label("Your conversations / Vos conversations").click()
        # Both of this browser's conversations, the latest first; the other client's question is not among them.
        options = page.get_by_role("option")
        expect(options).to_have_count(2, timeout=10_000)
        expect(options.first).to_contain_text(question)
        page.get_by_role("option", name=re.compile("^Who is the director of IIITB")).click()
        chat = page.get_by_role("log", name="chatbot conversation")
        expect(chat).to_contain_text("Debabrata Das", timeout=10_000)
        ask(page, "And who is the dean there?")  # read against the reopened conversation
        expect(chat).to_contain_text("Chandrashekar Ramanathan", timeout=30_000)
        expect(page.locator("#sources")).to_contain_text("[1] ", timeout=10_000)  # the answer's last piece is in
        page.get_by_role("button", name="Delete this conversation / Supprimer").click()
        expect(chat).not_to_contain_text("Debabrata Das", timeout=10_000)
        page.get_by_label("Your conversations / Vos conversations").click()
        expect(page.get_by_role("option")).to_have_count(1)
        context.close()
    assert (data_dir / "documents" / "uploads" / "calendrier.txt").exists()
    feedback = [json.loads(line) for line in (data_dir / "feedback.jsonl").read_text().splitlines()]
    assert [(f["question"], f["liked"]) for f in feedback] == [(question, False)]
    assert feedback[0]["conversation_id"]  # the feedback names the kept conversation it was given in


@pytest.mark.integration
def test_the_app_listens_on_loopback_only_by_default(app):
    port = int(app.url.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, and no wildcard or IPv6 socket


@pytest.mark.browser
def test_whos_who_and_timeline_show_people_and_dated_events_with_their_sources(browser, app, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
    page = context.new_page()
    page.goto(app.url)
    page.get_by_text("Who's who / Qui est qui").click()
    row = page.get_by_role("row").filter(has_text="Chandrashekar Ramanathan").first
    expect(row).to_contain_text("Doyen des Études Académiques", timeout=30_000)
    expect(row).to_contain_text("Rencontre stratégique à IIIT Bangalore")  # the source of the row
    page.screenshot(path=str(tmp_path / "whos-who.png"), full_page=True)

    page.get_by_text("Timeline / Chronologie").click()
    signing = page.get_by_role("row").filter(has_text="10 janvier 2024").first  # dates in the reader's language
    expect(signing).to_contain_text("Déclaration d’Intention", timeout=30_000)
    expect(signing).to_contain_text("passé")
    expect(page.get_by_role("row").filter(has_text="réunion stratégique").first).to_contain_text("26 mars 2025")
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    print(f"screenshots: {tmp_path / 'whos-who.png'} {tmp_path / 'timeline.png'}")
    context.close()


@pytest.mark.browser
def test_an_english_question_about_the_french_article_gets_an_english_answer_over_the_french_quote(page, tmp_path):
    chat = page.get_by_role("log", name="chatbot conversation")
    ask(page, "Who is the dean of academics at IIITB?")
    expect(chat).to_contain_text("Chandrashekar Ramanathan (Dean of Academic Studies at IIITB) [1].", timeout=30_000)
    expect(chat).to_contain_text("[1] (in French) « Ils étaient accompagnés de Dr. Debabrata Das")  # the original
    page.screenshot(path=str(tmp_path / "english-answer.png"), full_page=True)

    ask(page, "Qui est le doyen des études académiques à IIITB ?")
    expect(chat).to_contain_text("Chandrashekar Ramanathan (Doyen des Études Académiques à IIITB) [1].", timeout=30_000)


@pytest.fixture(scope="module")
def fixtures_app(tmp_path_factory) -> Iterator[RunningApp]:
    """The app served over two fictional documents and not the corpus, whose own signing date and figures would
    compete with theirs: a scanned agreement (read by OCR) and a CSV of partners' contributions
    (eval/fixtures_tables). One app for the two tests that read them: a start costs 20-40 s on a slow machine."""
    folder = tmp_path_factory.mktemp("fixtures-app")
    documents = folder / "docs"
    documents.mkdir()
    save_scan(scan(typed_pdf([FR_AGREEMENT]), noise=0.01, skew=1.5, seed=1), documents / "accord-2031-02-12.pdf")
    shutil.copy(ROOT / "eval" / "fixtures_tables" / "partner-contributions-2025.csv", documents)
    settings = Settings(data_dir=folder / "data", chroma_url=None)
    ingest([documents], settings)
    with serving(settings.store.data_dir, folder / "app.log") as running:
        yield running


@pytest.mark.browser
def test_the_cited_page_of_a_scanned_agreement_is_shown_with_the_quote_highlighted(browser, fixtures_app, tmp_path):
    with app_page(browser, fixtures_app.url, {"width": 1400, "height": 1400}) as page:
        ask(page, "Quand la déclaration d'intention a-t-elle été signée ?")
        chat = page.get_by_role("log", name="chatbot conversation")
        expect(chat).to_contain_text("12 février 2031", timeout=30_000)
        expect(page.locator("#sources")).to_contain_text("read by OCR")
        page.get_by_label("See a cited page, the quote highlighted / Voir la page citée").click()
        page.get_by_role("option", name=re.compile(r"^\[1\] .* p\. 1$")).click()
        shown = page.get_by_role("link", name="Download")  # the page image's own file, as the browser got it
        expect(shown).to_be_visible(timeout=30_000)
        page.screenshot(path=str(tmp_path / "cited-page.png"), full_page=True)
        print(f"screenshot: {tmp_path / 'cited-page.png'}")
        image = Image.open(io.BytesIO(httpx.get(urljoin(fixtures_app.url + "/", shown.get_attribute("href"))).content))
    # The highlight, found by its colour in the image the browser got, lies over the quoted words.
    rgb = image.convert("RGB")
    marked = [
        (x, y) for y in range(0, rgb.height, 2) for x in range(0, rgb.width, 2) if _highlighted(rgb.getpixel((x, y)))
    ]
    assert marked, "no highlight on the page shown"
    xs, ys = [x for x, _ in marked], [y for _, y in marked]
    box = (min(xs), min(ys), max(xs), max(ys))
    assert (box[3] - box[1]) < rgb.height / 3  # a few lines, not the page
    read = pytesseract.image_to_string(rgb.crop(box), lang="fra", config="--psm 6")
    assert "signée" in read and "12 février 2031" in read


def _highlighted(pixel: tuple[int, int, int]) -> bool:
    """White paper under the translucent yellow of `store.pages.HIGHLIGHT`, or its border."""
    red, green, blue = pixel
    return red > 235 and 200 < green < 245 and blue < 190


@pytest.mark.browser
@pytest.mark.llm
def test_with_translation_an_english_question_gets_the_translated_quote_over_its_french_original(browser, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "voyage-2031-03-14.md").write_text(TRIP, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None, translator="local")
    ingest([folder], settings)
    report = build_service(settings).translate()  # the packaged model, for real
    assert report.first_try + report.after_retry >= 2, report
    with (
        serving(settings.store.data_dir, tmp_path / "app.log") as running,
        app_page(browser, running.url, {"width": 1280, "height": 1000}) as page,
    ):
        ask(page, "When will the study trip take place?")
        chat = page.get_by_role("log", name="chatbot conversation")
        expect(chat).to_contain_text("(machine translation; original: « Le voyage d'études", timeout=30_000)
        expect(chat).to_contain_text("May 2031")
        expect(page.locator("#sources")).to_contain_text("Machine translation of the quote: «")
        page.screenshot(path=str(tmp_path / "translated-answer.png"), full_page=True)
        print(f"screenshot: {tmp_path / 'translated-answer.png'}")


# Fictional: three sentences, so that the real model translates them in seconds.
TRIP = """Document fictif créé pour les tests.
Le voyage d'études des étudiants de l'Institut Polytechnique de Norvelle aura lieu en mai 2031.
Les étudiants visiteront les laboratoires de recherche et présenteront leurs projets.
"""


@pytest.mark.unit
def test_a_cited_tables_rows_are_an_escaped_table_with_the_used_cells_marked():
    table = CitedTable(
        name="Budget <2031>",
        header=["Poste", "Montant <b>€</b>"],
        rows=[
            CitedRow(number=2, cells=["<script>alert(1)</script>", "1 200 €"], marked=[1]),
            CitedRow(number=3, cells=["TOTAL", "1 200 €"], total=True, marked=[0, 1]),
        ],
    )
    shown = rows_table_html(table)
    assert "<script>" not in shown and "<b>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<caption>Budget &lt;2031&gt;</caption>" in shown and "<th>Montant &lt;b&gt;€&lt;/b&gt;</th>" in shown
    rows = re.findall(r"<tr( class=\"total\")?>(.*?)</tr>", shown)
    assert rows[1] == ("", "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td><mark>1 200 €</mark></td>")
    assert rows[2] == (' class="total"', "<td><mark>TOTAL</mark></td><td><mark>1 200 €</mark></td>")
    # In the panel, under its citation's passage; the passages around it stay text.
    panel = sources_html([("[1] budget.csv\n", None), ("Poste: <i>x</i>", "cited"), table])
    assert panel.index("<mark>Poste: &lt;i&gt;x&lt;/i&gt;</mark>") < panel.index('<table class="cited-rows"')


# A folder to keep the screenshots of table answers in as well (`reports/screenshots` made the committed ones); unset,
# they stay in the test's temporary folder, so that a test run leaves the checkout as it was.
SCREENSHOTS = os.environ.get("PARTNERBOT_SCREENSHOTS_DIR")


@pytest.mark.browser
def test_table_answers_show_their_cited_rows_as_a_small_table_in_the_sources(browser, fixtures_app, tmp_path):
    asked = [
        # (question, the answer's start, the cited rows, the marked cells, screenshot)
        (
            "How much do the partners contribute in total?",
            "€80,000 in total",
            ["Institut Vasselin", "Kestrel Polytechnic", "Fondation Orvale", "Agence Marbrière"],
            ["€40,000", "€25,000", "€15,000", "€0"],
            "table-sum.png",
        ),
        (
            "Which partner hosts the most students?",
            "Institut Vasselin",
            ["Institut Vasselin"],
            ["Institut Vasselin", "12"],
            "table-extreme.png",
        ),
        (
            "Which partner contributes nothing?",
            "Agence Marbrière",
            ["Agence Marbrière"],
            ["Agence Marbrière", "€0"],
            "table-negation.png",
        ),
    ]
    with app_page(browser, fixtures_app.url, {"width": 1280, "height": 900}) as page:
        chat = page.get_by_role("log", name="chatbot conversation")
        rows = page.locator("#sources table.cited-rows tbody tr")
        for question, answer, cited, marked, name in asked:
            page.get_by_role("button", name="New conversation / Nouvelle").click()
            ask(page, question)
            expect(chat).to_contain_text(answer, timeout=30_000)
            expect(rows).to_have_count(len(cited), timeout=10_000)  # this answer's rows, not the last one's
            expect(page.locator("#sources table.cited-rows thead")).to_contain_text("Contribution 2025")
            expect(rows).to_contain_text(cited)
            expect(page.locator("#sources table.cited-rows mark")).to_have_text(marked)
            page.screenshot(path=str(tmp_path / name))
            assert (tmp_path / name).stat().st_size < 300_000
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                shutil.copy(tmp_path / name, Path(SCREENSHOTS) / name)


@pytest.mark.integration
def test_the_app_keeps_uploads_in_the_data_dir_and_empties_its_upload_folder_after_indexing(tmp_path, app):
    import tempfile

    from gradio_client import Client, handle_file

    name = f"note-{uuid.uuid4().hex}.txt"  # a name no other run, test or app uses
    note = fictional_note(tmp_path / name)
    data_dir = app.data_dir
    client = Client(app.url, verbose=False)
    result, _ = client.predict([handle_file(str(note))], api_name="/add_documents")

    assert result.startswith("Added 1 file(s)"), result
    shared = Path(tempfile.gettempdir()) / "gradio"
    assert not list(shared.rglob(name)), "the upload went to the machine's shared temporary folder"
    incoming = data_dir / "incoming"
    left = [p for p in incoming.rglob("*") if p.is_file() and p.stat().st_size]  # Gradio may leave an empty file
    assert incoming.is_dir() and not left, left
    assert (data_dir / "documents" / "uploads" / name).exists()
    assert client.predict(api_name="/cancel_upload") == "None of your uploads is being indexed."
