"""The Gradio chat app: streamed cited answers, their sources, document upload and feedback."""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from bot import Answer, Bot, QuestionError
from bot.compose import format_date
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import ingest
from ingest.settings import Settings
from ingest.text import sentences
from ingest.uploads import save_uploads

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


def sources_view(answer: Answer | None) -> list[tuple[str, str | None]]:
    """Each cited passage with its header, the sentences the answer rests on marked 'cited'."""
    if answer is None:
        return []
    if answer.abstained:
        return [("No sources: the documents do not contain this answer.", None)]
    segments: list[tuple[str, str | None]] = []
    if answer.fallback_reason and answer.fallback_reason.startswith(("error", "timeout")):
        segments.append(
            (f"The language model did not answer ({answer.fallback_reason}); quoting the documents.\n\n", None)
        )
    for n, citation in enumerate(answer.citations, start=1):
        page = f", p. {citation.page}" if citation.page else ""
        date = format_date(citation.date, answer.language) if citation.date else "undated"
        segments.append((f"[{n}] {citation.title} — {date}{page} — {citation.doc_id}\n", None))
        text, cursor = citation.text, 0
        for quoted in sentences(citation.quote):
            start = text.find(quoted, cursor)
            if start < 0:
                continue
            segments += [(text[cursor:start], None), (quoted, "cited")]
            cursor = start + len(quoted)
        segments.append((text[cursor:] + "\n\n", None))
    return [(text, label) for text, label in segments if text]


def documents_table(bot: Bot) -> list[list[Any]]:
    return [[d["title"], d["date"], d["language"], d["passages"], d["doc_id"]] for d in bot.index.documents()]


class ChatApp:
    """The app's behaviour, kept apart from the layout so that each handler reads on its own."""

    def __init__(self, bot: Bot, settings: Settings):
        self.bot = bot
        self.settings = settings
        self._ingest_lock = threading.Lock()
        self._feedback_lock = threading.Lock()

    def respond(self, message: str, history: list[Any]) -> Iterator[tuple[str, list[Any], Any]]:
        previous = plain_history(history or [])
        chat = [shown(t["role"], t["content"]) for t in previous] + [shown("user", message)]
        try:
            text = ""
            for piece in self.bot.stream(message, previous):
                if isinstance(piece, Answer):
                    yield "", [*chat, shown("assistant", piece.answer)], sources_view(piece)
                else:
                    text += piece
                    yield "", [*chat, shown("assistant", text)], gr.skip()
        except QuestionError as exc:
            yield message, [*chat, shown("assistant", str(exc))], []
        except Exception as exc:  # an outage of the index must not kill the session
            log.exception("answering failed")
            yield message, [*chat, shown("assistant", _UNAVAILABLE.format(error=type(exc).__name__))], []

    def add_documents(self, files: list[str] | None, progress=gr.Progress(track_tqdm=True)) -> tuple[str, Any]:  # noqa: B008
        if not files:
            return "Choose one or more files first.", gr.skip()
        if len(files) > self.settings.max_upload_files:
            return f"At most {self.settings.max_upload_files} files at a time.", gr.skip()
        saved, refused = save_uploads([(Path(f), Path(f).name) for f in files], self.settings)
        lines = [f"Refused {err.path.name}: {err.reason}" for err in refused]
        if saved:
            with self._ingest_lock:
                report = ingest([self.settings.documents_dir], self.settings, index=self.bot.index)
            self.bot.refresh()
            lines.insert(0, f"Added {len(saved)} file(s): {report.summary()}")
        return "\n".join(lines), documents_table(self.bot)

    def record_feedback(self, data: gr.LikeData, history: list[Any]) -> None:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        turns = plain_history(history)
        question = next((t["content"] for t in reversed(turns[:index]) if t["role"] == "user"), "")
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "question": question,
            "answer": turns[index]["content"] if index < len(turns) else message_text(data.value),
            "liked": bool(data.liked),
        }
        self.settings.feedback_path.parent.mkdir(parents=True, exist_ok=True)
        with self._feedback_lock, self.settings.feedback_path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")


def build_app(bot: Bot, settings: Settings) -> gr.Blocks:
    app = ChatApp(bot, settings)
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
        with gr.Accordion("What the bot knows", open=False):
            documents = gr.Dataframe(
                value=lambda: documents_table(bot),
                headers=["Document", "Date", "Language", "Passages", "Id"],
                interactive=False,
            )
        with gr.Accordion("Add documents", open=False):
            gr.Markdown(
                f"Types: {', '.join(SUPPORTED_SUFFIXES)}; at most {settings.max_file_mb:g} MB a file and "
                f"{settings.max_upload_files} files at a time. They are indexed at once and stay after a restart."
            )
            files = gr.File(file_count="multiple", file_types=list(SUPPORTED_SUFFIXES), label="Files")
            add = gr.Button("Index these documents")
            added = gr.Textbox(label="Indexing result", interactive=False, lines=4)

        ask_inputs, ask_outputs = [question, chatbot], [question, chatbot, sources]
        question.submit(app.respond, ask_inputs, ask_outputs, api_name="ask")
        send.click(app.respond, ask_inputs, ask_outputs, api_name=False)
        clear.click(lambda: ([], [], ""), None, [chatbot, sources, question], api_name=False)
        chatbot.like(app.record_feedback, chatbot, None, api_name=False)
        add.click(app.add_documents, files, [added, documents], api_name="add_documents", concurrency_limit=1)
    return demo


def launch(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    bot = Bot(settings)
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    if settings.auth and len(auth or ()) != 2:
        raise SystemExit("PARTNERBOT_AUTH must look like user:password")
    demo = build_app(bot, settings)
    # Build the BM25 index while the page loads, not on the first question (seconds on a large index).
    threading.Thread(target=bot.retriever.lexical, name="warm-lexical", daemon=True).start()
    demo.queue(default_concurrency_limit=4, max_size=64).launch(
        server_name=host or settings.host,
        server_port=port if port is not None else settings.port,
        auth=auth,
        max_file_size=f"{settings.max_file_mb:g}mb",
        footer_links=["api"],
        show_error=False,
    )
