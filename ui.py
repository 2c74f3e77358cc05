"""The Gradio chat app: streamed cited answers, their sources, document upload and feedback."""

from __future__ import annotations

import html
import logging
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from service import Answer, ChatService, PartnerbotError, QuestionError

log = logging.getLogger("partnerbot.ui")

STUDENT_EXAMPLES = [
    "Qu'est-ce que le learning trip miroir ?",
    "When is the mirror learning trip planned?",
    "Which students take part in the mirror learning trip?",
]
STAFF_EXAMPLES = [
    "Who took part in the meeting at IIIT Bangalore, and in what role?",
    "Quand la déclaration d'intention a-t-elle été signée ?",
    "Quelles nouvelles pistes de collaboration ont été définies ?",
]
ABOUT = (
    "Ask in French or English about the partnership between aivancity, the Région Île-de-France, "
    "IIIT Bangalore and Choose Paris Region. Answers quote the documents listed below and name their "
    "sources; when the documents do not say, the bot tells you so instead of guessing."
)
FEEDBACK_RECORDED = "Thank you: your feedback was recorded."
_UNAVAILABLE = "The document index is unavailable right now ({error}). Please try again in a moment."


def message_text(content: Any) -> str:
    """Chat message content as plain text (Gradio may hand it over as a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(message_text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return ""


def plain_history(history: list[Any]) -> list[dict[str, str]]:
    return [{"role": turn["role"], "content": html.unescape(message_text(turn["content"]))} for turn in history]


def shown(role: str, text: str) -> dict[str, str]:
    """A chat message whose text the browser shows as text: Gradio's Chatbot would render tags in it."""
    return {"role": role, "content": html.escape(text, quote=False)}


def reader_language(request: gr.Request | None) -> str:
    """French when the browser prefers French, English otherwise."""
    accepted = (request.headers.get("accept-language", "") if request is not None else "").lower()
    return "fr" if accepted.startswith("fr") else "en"


def uploader(request: gr.Request | None) -> str:
    """Who uploads: the signed-in user, or the browser session when there is no login."""
    if request is None:
        return ""
    return f"user:{request.username}" if request.username else f"session:{request.session_hash}"


def documents_table(service: ChatService) -> list[list[Any]]:
    return [[d["title"], d["date"], d["language"], d["passages"], d["doc_id"]] for d in service.documents()]


class ChatApp:
    """The app's behaviour, kept apart from the layout so that each handler reads on its own."""

    # The last answer of this many sessions is kept, for showing its cited pages; the oldest is forgotten first.
    REMEMBERED_SESSIONS = 1000

    def __init__(self, service: ChatService):
        self.service = service
        self._last: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def _remember(self, request: gr.Request | None, answer: Answer) -> None:
        if request is None or not request.session_hash:
            return
        with self._lock:
            self._last[request.session_hash] = answer
            self._last.move_to_end(request.session_hash)
            while len(self._last) > self.REMEMBERED_SESSIONS:
                self._last.popitem(last=False)

    def _answer_of(self, request: gr.Request | None) -> Answer | None:
        with self._lock:
            return self._last.get(request.session_hash) if request is not None and request.session_hash else None

    def page_choices(self, request: gr.Request | None = None) -> tuple[Any, None]:
        """The cited PDF pages of the session's last answer, to choose one to see; the page shown is cleared."""
        answer = self._answer_of(request)
        choices = [
            (f"[{n}] {c.title} — p. {c.page}", n - 1)
            for n, c in enumerate(answer.citations if answer else [], start=1)
            if c.page and c.doc_id.lower().endswith(".pdf")
        ]
        return gr.update(choices=choices, value=None, visible=bool(choices)), None

    def show_page(self, choice: int | None, request: gr.Request | None = None) -> Any:
        answer = self._answer_of(request)
        if choice is None or answer is None or not 0 <= choice < len(answer.citations):
            return None
        view = self.service.cited_page(answer.citations[choice])
        if view is None:
            gr.Info("This page cannot be shown: its file is no longer where it was indexed from.")
            return None
        return view.image

    def respond(
        self, message: str, history: list[Any], request: gr.Request | None = None
    ) -> Iterator[tuple[str, list[Any], Any]]:
        previous = plain_history(history or [])
        chat = [shown(t["role"], t["content"]) for t in previous] + [shown("user", message)]
        try:
            text = ""
            for piece in self.service.stream(message, previous):
                if isinstance(piece, Answer):
                    self._remember(request, piece)
                    yield "", [*chat, shown("assistant", piece.answer)], self.service.sources(piece)
                else:
                    text += piece
                    yield "", [*chat, shown("assistant", text)], gr.skip()
        except QuestionError as exc:
            yield message, [*chat, shown("assistant", str(exc))], []
        except Exception as exc:  # an outage of the index must not kill the session
            log.exception("answering failed")
            yield message, [*chat, shown("assistant", _UNAVAILABLE.format(error=type(exc).__name__))], []

    # How often the indexing result shows an upload's progress.
    UPLOAD_POLL_SECONDS = 0.5

    def add_documents(self, files: list[str] | None, request: gr.Request | None = None) -> Iterator[tuple[str, Any]]:
        """Index the files in the background, showing how far it has come until it ends."""
        if not files:
            yield "Choose one or more files first.", gr.skip()
            return
        try:
            job = self.service.start_upload([(Path(f), Path(f).name) for f in files], uploader(request))
        except PartnerbotError as exc:
            yield str(exc), gr.skip()
            return
        while not job.finished.wait(self.UPLOAD_POLL_SECONDS):
            yield job.status(), gr.skip()
        yield job.status(), documents_table(self.service)

    def cancel_upload(self, request: gr.Request | None = None) -> str:
        if self.service.cancel_upload(uploader(request)):
            return "Cancelling…"
        return "None of your uploads is being indexed."

    def facts_views(self, request: gr.Request | None = None) -> tuple[list[list[str]], list[list[str]]]:
        """The who's who and the timeline, dates in the reader's language (from the browser's)."""
        language = reader_language(request)
        return self.service.whos_who(language), self.service.timeline(language)

    def record_feedback(self, data: gr.LikeData, history: list[Any]) -> None:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        turns = plain_history(history)
        question = next((t["content"] for t in reversed(turns[:index]) if t["role"] == "user"), "")
        answer = turns[index]["content"] if index < len(turns) else message_text(data.value)
        self.service.record_feedback(question, answer, bool(data.liked))
        gr.Info(FEEDBACK_RECORDED)


def build_app(service: ChatService) -> gr.Blocks:
    app = ChatApp(service)
    settings = service.settings
    suffixes = list(service.supported_suffixes)
    with gr.Blocks(title="partnerbot") as demo:
        gr.Markdown("# partnerbot\n" + ABOUT)
        with gr.Row():
            with gr.Column(scale=3):
                # Answers quote documents: shown as text, never interpreted as HTML or Markdown.
                chatbot = gr.Chatbot(label="Conversation", height=460, render_markdown=False, sanitize_html=True)
                question = gr.Textbox(label="Your question / Votre question", placeholder="Ask… / Posez…")
                with gr.Row():
                    send = gr.Button("Ask / Demander", variant="primary")
                    clear = gr.Button("Clear conversation / Effacer")
                gr.Examples(STUDENT_EXAMPLES, inputs=question, label="Students: the mirror learning trip")
                gr.Examples(STAFF_EXAMPLES, inputs=question, label="Staff: attendees, roles, dates, next steps")
            with gr.Column(scale=2):
                sources = gr.HighlightedText(
                    label="Sources of the last answer", color_map={"cited": "#ffe066"}, show_legend=False
                )
                page_choice = gr.Dropdown(
                    label="See a cited page, the quote highlighted / Voir la page citée", choices=[], visible=False
                )
                # PNG, not Gradio's default WebP: the highlight keeps its colour.
                page_view = gr.Image(
                    label="Cited page / Page citée", type="pil", format="png", interactive=False, height=640
                )
        with gr.Accordion("What the bot knows", open=False):
            documents = gr.Dataframe(
                value=lambda: documents_table(service),
                headers=["Document", "Date", "Language", "Passages", "Id"],
                interactive=False,
            )
        with gr.Accordion("Who's who / Qui est qui", open=False):
            gr.Markdown("The people the documents name, with the role each document gives them, and its source.")
            whos_who = gr.Dataframe(
                headers=["Name", "Role", "Organisation", "Source"],
                interactive=False,
                wrap=True,
                column_widths=["18%", "32%", "22%", "28%"],
            )
        with gr.Accordion("Timeline / Chronologie", open=False):
            gr.Markdown(
                "Dated events and plans, as each document states them: a date that moved appears twice, "
                f"with both sources. Past and upcoming as of {service.today().isoformat()}."
            )
            timeline = gr.Dataframe(headers=["Date", "What", "Kind", "When", "Source"], interactive=False, wrap=True)
        with gr.Accordion("Add documents", open=False):
            gr.Markdown(
                f"Types: {', '.join(suffixes)}; at most {settings.store.max_file_mb:g} MB a file and "
                f"{settings.app.max_upload_files} files at a time. They are indexed in the background (questions are "
                "answered meanwhile) and stay after a restart."
            )
            files = gr.File(file_count="multiple", file_types=suffixes, label="Files")
            with gr.Row():
                add = gr.Button("Index these documents")
                cancel = gr.Button("Cancel indexing")
            added = gr.Textbox(label="Indexing result", interactive=False, lines=4)

        ask_inputs, ask_outputs = [question, chatbot], [question, chatbot, sources]
        question.submit(app.respond, ask_inputs, ask_outputs, api_name="ask").then(
            app.page_choices, None, [page_choice, page_view], api_name=False
        )
        send.click(app.respond, ask_inputs, ask_outputs, api_name=False).then(
            app.page_choices, None, [page_choice, page_view], api_name=False
        )
        page_choice.change(app.show_page, page_choice, page_view, api_name=False)
        clear.click(
            lambda: ([], [], "", gr.update(choices=[], value=None, visible=False), None),
            None,
            [chatbot, sources, question, page_choice, page_view],
            api_name=False,
        )
        chatbot.like(app.record_feedback, chatbot, None, api_name=False)
        # Each upload waits for its own background job (see ChatService.start_upload): up to 4 people follow theirs.
        add.click(app.add_documents, files, [added, documents], api_name="add_documents", concurrency_limit=4).then(
            app.facts_views, None, [whos_who, timeline], api_name=False
        )
        cancel.click(app.cancel_upload, None, added, api_name="cancel_upload")
        demo.load(app.facts_views, None, [whos_who, timeline], api_name="facts")
    return demo


def _translate(service: ChatService) -> None:
    try:
        log.info("translation: %s", service.translate().summary())
    except Exception:  # the app goes on serving untranslated quotes
        log.exception("translation stopped")


def launch(service: ChatService, host: str | None = None, port: int | None = None) -> None:
    settings = service.settings
    auth = tuple(settings.app.auth.split(":", 1)) if settings.app.auth else None
    if settings.app.auth and len(auth or ()) != 2:
        raise PartnerbotError("PARTNERBOT_AUTH must look like user:password")
    # Gradio keeps uploaded files in this folder until they are indexed (then they are deleted): inside the data dir,
    # never in the machine's shared temporary folder where another app could serve them.
    incoming = settings.store.incoming_dir
    shutil.rmtree(incoming, ignore_errors=True)  # what a stop left there
    incoming.mkdir(parents=True)
    os.environ["GRADIO_TEMP_DIR"] = str(incoming.resolve())
    demo = build_app(service)
    service.resume_uploads()
    # Load the keyword index and the model while the page loads, not on the first question.
    threading.Thread(target=service.warm_up, name="warm-up", daemon=True).start()
    if settings.store.translator != "off":
        # Answers are served meanwhile: a sentence not yet translated is quoted in its own language.
        threading.Thread(target=_translate, args=(service,), name="translate", daemon=True).start()
    demo.queue(default_concurrency_limit=4, max_size=64).launch(
        server_name=host or settings.app.host,
        server_port=port if port is not None else settings.app.port,
        auth=auth,
        max_file_size=f"{settings.store.max_file_mb:g}mb",
        footer_links=["api"],
        show_error=False,
    )
