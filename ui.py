"""The Gradio chat app: streamed cited answers, their sources, document upload and feedback."""

from __future__ import annotations

import asyncio
import html
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import gradio as gr
from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import Answer, ChatService, CitedTable, FeedbackError, PartnerbotError, QuestionError, SourceSegment
from service.chat import UPLOADS
from service.conversations import ConversationsUnavailable, UnknownConversation
from service.limits import SlidingWindow
from service.pool import QueueFull
from service.readiness import NotReady, getting_ready

log = logging.getLogger("partnerbot.ui")

FEEDBACK_RECORDED = "Thank you: your feedback was recorded."
_UNAVAILABLE = "The document index is unavailable right now ({error}). Please try again in a moment."
# The browser's step before a question is sent: the box emptied (what is typed next is never wiped) and the question
# shown in the conversation, as Gradio's Chatbot holds a message (a list of parts).
SHOW_QUESTION_JS = "(q, chat) => ['', q, [...(chat || []), {role: 'user', content: [{type: 'text', text: q}]}]]"


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


def _escaped(text: str) -> str:
    return html.escape(text, quote=False)  # quotes are text outside attributes: "d'intention" stays readable


def escaped_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Table rows with their text escaped: the tables render their cells as HTML, so that the documents' words reach
    the page and any client of the API alike as text, never as markup."""
    return [[_escaped(cell) if isinstance(cell, str) else cell for cell in row] for row in rows]


def upload_owner(request: gr.Request | None) -> str:
    """Who uploads: the signed-in user, or the browser session when there is no login."""
    if request is None:
        return ""
    return f"user:{request.username}" if request.username else f"session:{request.session_hash}"


# The cookie that names a browser when there is no login: its conversations are kept under it. HttpOnly, so that the
# page's scripts never see it; random, so that nobody reads another browser's conversations by guessing.
BROWSER_COOKIE = "partnerbot_browser"


def conversation_owner(request: gr.Request | None) -> str:
    """Whose conversations: the signed-in user's, else the browser's (its cookie), else this page load's only."""
    if request is None:
        return ""
    if request.username:
        return f"user:{request.username}"
    raw = getattr(request, "request", None)  # the HTTP request of the event (Gradio's queue keeps it)
    browser = raw.cookies.get(BROWSER_COOKIE) if raw is not None else None
    return f"browser:{browser}" if browser else f"session:{request.session_hash}"


class BrowserCookie:
    """Gives each browser a random `BROWSER_COOKIE` on its first visit to the page, kept as long as its
    conversations are (`PARTNERBOT_CONVERSATION_DAYS`)."""

    def __init__(self, app: ASGIApp, max_age_seconds: int):
        self.app, self.max_age = app, max_age_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if scope["type"] != "http" or f"{BROWSER_COOKIE}=".encode() in headers.get(b"cookie", b""):
            await self.app(scope, receive, send)
            return
        cookie = f"{BROWSER_COOKIE}={secrets.token_urlsafe(24)}; Max-Age={self.max_age}; Path=/; HttpOnly; SameSite=Lax"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, sending)


EDITOR = "editor"
_NOT_EDITOR = "Only an editor may add, replace or delete documents."


def page_role(service: ChatService, request: gr.Request | None) -> str:
    """ "editor" or "reader": without a login anyone is an editor (as the API with auth off); with logins, the role
    `PARTNERBOT_AUTH` gives the signed-in user. Read on every call: the page's own view is never trusted."""
    app = service.settings.app
    if not app.auth:
        return EDITOR
    login = app.logins().get(request.username or "") if request is not None else None
    return login[1] if login else "reader"


def documents_table(service: ChatService) -> list[list[Any]]:
    rows = [
        [d["title"], d["date"], d["language"], d["passages"], d["source"], d["doc_id"]] for d in service.documents()
    ]
    return escaped_rows(rows)


def removable_choices(service: ChatService) -> Any:
    """The documents added through the app or the API, which editors may delete or replace here."""
    added = [d for d in service.documents() if d["doc_id"].startswith(f"{UPLOADS}/")]
    return gr.update(choices=[(f"{d['title']} ({d['doc_id']})", d["doc_id"]) for d in added], value=None)


def rows_table_html(table: CitedTable) -> str:
    """A cited table's header and the rows the answer used, every cell escaped, the cells it used in <mark>."""

    def row(tag: str, cells: list[str], marked: list[int], total: bool = False) -> str:
        shown = [f"<mark>{_escaped(c)}</mark>" if i in marked else _escaped(c) for i, c in enumerate(cells)]
        attribute = ' class="total"' if total else ""
        return f"<tr{attribute}>" + "".join(f"<{tag}>{c}</{tag}>" for c in shown) + "</tr>"

    caption = f"<caption>{_escaped(table.name)}</caption>" if table.name else ""
    body = "".join(row("td", r.cells, r.marked, r.total) for r in table.rows)
    # white-space: normal, as the panel keeps the passages' line breaks, which would space the table's cells out.
    return (
        f'<table class="cited-rows" style="white-space: normal">{caption}<thead>{row("th", table.header, [])}</thead>'
        f"<tbody>{body}</tbody></table>"
    )


# A cited table's rows in the narrow sources panel: small type and tight cells, so that a few columns fit its width.
SOURCES_CSS = """
#sources table.cited-rows { font-size: 0.8em; border-collapse: collapse; margin: 0.2em 0 1em; width: auto; }
#sources table.cited-rows th, #sources table.cited-rows td { padding: 0.15em 0.45em; }
#sources table.cited-rows caption { text-align: left; font-style: italic; }
"""


def _segment_html(segment: SourceSegment) -> str:
    if isinstance(segment, CitedTable):
        return rows_table_html(segment)
    text, label = segment
    return f"<mark>{_escaped(text)}</mark>" if label == "cited" else _escaped(text)


def sources_html(segments: list[SourceSegment]) -> str:
    """The sources panel as HTML, every character of the documents escaped (for the page and for any client of the
    API alike), the sentences the answer rests on marked, a cited table's rows as a small table."""
    parts = [_segment_html(segment) for segment in segments]
    return f'<div class="sources" style="white-space: pre-wrap">{"".join(parts)}</div>' if parts else ""


def _session(request: gr.Request | None) -> str | None:
    return request.session_hash if request is not None else None


class LoginThrottle:
    """Refuses the logins of a client (by the address that connects: a proxy in front is one client) that failed
    too often lately, with 429 and the seconds to wait, the right password included: guessing stops there."""

    def __init__(self, app: ASGIApp, failures: SlidingWindow):
        self.app, self.failures = app, failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").rstrip("/")
        if scope["type"] != "http" or scope["method"] != "POST" or not path.endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.failures.wait(client)
        if wait:
            seconds = int(wait) + 1
            refusal = JSONResponse(
                {"detail": f"Too many failed logins: try again in {seconds} s."},
                status_code=429,
                headers={"Retry-After": str(seconds)},
            )
            await refusal(scope, receive, send)
            return
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, sending)
        if status in (400, 401):  # Gradio answers wrong credentials with 400
            self.failures.add(client)


class Kept(NamedTuple):
    """Where a turn was kept, and what the page says above the sources when it could not be."""

    conversation_id: str | None
    notice: str = ""


class ChatApp:
    """The app's behaviour, kept apart from the layout so that each handler reads on its own."""

    def __init__(self, service: ChatService):
        self.service = service

    def _answer_of(self, request: gr.Request | None) -> Answer | None:
        return self.service.last_answer(_session(request))

    def page_choices(self, request: gr.Request | None = None) -> tuple[Any, None]:
        """The cited PDF pages of the session's last answer, to choose one to see; the page shown is cleared."""
        answer = self._answer_of(request)
        choices = [
            (f"[{n}] {c.title} — p. {c.page}", n - 1)
            for n, c in enumerate(answer.citations if answer else [], start=1)
            if c.page and c.doc_id.lower().endswith(".pdf")
        ]
        return self._list(request, "pages", choices, None, visible=bool(choices)), None

    def _list(
        self, request: gr.Request | None, part: str, choices: list[tuple[str, Any]], value: Any, **update: Any
    ) -> Any:
        """A list of the page with its choices (and `update`), or its value alone when the session's page shows these
        choices already: Gradio rebuilds a component for each update it sends, about 1 ms of the app's CPU."""
        if self.service.unchanged(_session(request), part, choices):
            return value
        return gr.update(choices=choices, value=value, **update)

    def new_conversation(self, request: gr.Request | None = None) -> tuple[Any, ...]:
        """An empty chat, its sources and cited pages cleared, no conversation selected."""
        self.service.unchanged(_session(request), "pages", [])
        return [], None, "", gr.update(choices=[], value=None, visible=False), None, gr.update(value=None)

    def show_page(self, choice: int | None, request: gr.Request | None = None) -> Any:
        answer = self._answer_of(request)
        if choice is None or answer is None or not 0 <= choice < len(answer.citations):
            return None
        view = self.service.cited_page(answer.citations[choice])
        if view is None:
            gr.Info("This page cannot be shown: its file is no longer where it was indexed from.")
            return None
        return view.image

    async def respond(
        self, message: str, history: list[Any], conversation_id: str | None = None, request: gr.Request | None = None
    ) -> AsyncIterator[tuple[str, list[Any], Any, Any]]:
        """The answer, streamed, for Gradio's clients (`/ask`): the question box, the conversation, the sources and the
        kept conversation's id."""
        async for reply in self._replies(message, history, conversation_id, request, on_page=False):
            yield reply

    async def respond_on_page(
        self, message: str, history: list[Any], conversation_id: str | None = None, request: gr.Request | None = None
    ) -> AsyncIterator[tuple[Any, ...]]:
        """The page's question, one event: `respond`'s replies, and with the last of them the cited pages to see (the
        page shown cleared) and the owner's conversations. These were two `.then` events after the answer: each one
        more request, queue turn and stream message for the browser, and about 18 ms of the server's CPU."""
        async for reply in self._replies(message, history, conversation_id, request, on_page=True):
            yield reply

    async def answer_on_page(
        self, message: str, history: list[Any], conversation_id: str | None = None, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        """`respond_on_page`'s last reply alone, for a page whose answers come whole (computed in worker processes):
        asked outside Gradio's queue, one request and one reply, which costs the app's process about half the CPU
        of a queued event (see `build_app`)."""
        replies = [reply async for reply in self._replies(message, history, conversation_id, request, on_page=True)]
        return replies[-1]

    async def _replies(
        self, message: str, history: list[Any], conversation_id: str | None, request: gr.Request | None, on_page: bool
    ) -> AsyncIterator[tuple[Any, ...]]:
        """The answer, streamed: computed in the service's one pool, shared with the API (its bound, its refusal)."""
        history = list(history or [])
        if on_page and history and history[-1]["role"] == "user" and message_text(history[-1]["content"]) == message:
            history.pop()  # the question the browser already shows (see `build_app`): not a turn before it
        previous = plain_history(history)
        chat = [shown(t["role"], t["content"]) for t in previous] + [shown("user", message)]
        # The answer is the message at this place of the conversation: feedback on it names that place.
        session, place = _session(request), len(chat)
        unchanged = (gr.skip(),) * 3 if on_page else ()  # what a streamed piece leaves as it is on the page

        async def last(*reply: Any) -> tuple[Any, ...]:
            return (*reply, *(await self._listed(conversation_id, request) if on_page else ()))

        # The question is shown at once: here for a client of `/ask` (its box emptied); the page shows it itself
        # before asking (see `build_app`), which spares the server a reply of seven outputs an answer (a fifth to a
        # third of the page's CPU an answer, measured). Only a refusal writes the page's box (the question put back).
        if not on_page:
            yield "", chat, gr.skip(), gr.skip()
        try:
            text = ""
            async for piece in self.service.pool.stream(lambda: self.service.stream(message, previous)):
                if isinstance(piece, Answer):
                    keep = self._keep
                    kept = await asyncio.to_thread(keep, request, conversation_id, message, piece.answer)
                    self.service.remember(session, place, piece, kept.conversation_id)
                    conversation_id = kept.conversation_id
                    sources = kept.notice + sources_html(self.service.sources(piece))
                    yield await last(gr.skip(), [*chat, shown("assistant", piece.answer)], sources, conversation_id)
                else:
                    text += piece
                    yield gr.skip(), [*chat, shown("assistant", text)], gr.skip(), gr.skip(), *unchanged
        except QuestionError as exc:
            self.service.remember(session, place, None)
            said = exc.in_language(reader_language(request))
            yield await last(message, [*chat, shown("assistant", said)], "", gr.skip())
        except NotReady as exc:  # asked while loading, and loading took longer than a question waits
            self.service.remember(session, place, None)
            said = f"{str(exc)[:1].upper()}{str(exc)[1:]}. Please ask again in a moment."
            yield await last(message, [*chat, shown("assistant", said)], "", gr.skip())
        except QueueFull as exc:  # the question stays in its box, to ask again
            self.service.remember(session, place, None)
            yield await last(message, [*chat, shown("assistant", str(exc))], "", gr.skip())
        except Exception as exc:  # an outage of the index must not kill the session
            log.exception("answering failed")
            self.service.remember(session, place, None)
            said = _UNAVAILABLE.format(error=type(exc).__name__)
            yield await last(message, [*chat, shown("assistant", said)], "", gr.skip())

    async def _listed(self, conversation_id: str | None, request: gr.Request | None) -> tuple[Any, None, Any]:
        """After an answer (or a refusal): the cited pages of the session's last answer, and the owner's conversations
        (read from the store in a thread, off the event loop)."""
        pages, view = self.page_choices(request)
        return pages, view, await asyncio.to_thread(self.conversation_choices, conversation_id, request)

    def _keep(self, request: gr.Request | None, conversation_id: str | None, question: str, answer: str) -> Kept:
        """Keep the turn in the owner's conversation (a new one when there is none, or it was deleted meanwhile);
        the answer is shown whether or not it could be kept, with a notice above its sources when it was not (a
        page answered outside Gradio's queue has no toast to show)."""
        owner = conversation_owner(request)
        if not owner:
            return Kept(None)
        conversations = self.service.conversations
        try:
            try:
                return Kept(conversations.append_turn(owner, conversation_id, question, answer))
            except UnknownConversation:
                return Kept(conversations.append_turn(owner, None, question, answer))
        except ConversationsUnavailable as exc:
            log.error("conversation not kept: %s", exc)
            return Kept(conversation_id, f'<p class="notice">{_escaped(str(exc))}</p>')

    def conversation_choices(self, conversation_id: str | None = None, request: gr.Request | None = None) -> Any:
        """The owner's conversations to reopen, the most recent first, the current one selected."""
        try:
            kept = self.service.conversations.list(conversation_owner(request))
        except ConversationsUnavailable as exc:
            gr.Warning(str(exc))
            return gr.skip()
        choices = [(f"{c.title} · {time.strftime('%d %b %H:%M', time.localtime(c.updated))}", c.id) for c in kept]
        return self._list(
            request, "conversations", choices, conversation_id if conversation_id in {c.id for c in kept} else None
        )

    def open_conversation(
        self, conversation_id: str | None, request: gr.Request | None = None
    ) -> tuple[list[Any], str | None, str]:
        """A kept conversation in the chat, to read and to continue: follow-ups are read against it."""
        if not conversation_id:
            return [], None, ""
        try:
            messages = self.service.conversations.open(conversation_owner(request), conversation_id)
        except (UnknownConversation, ConversationsUnavailable) as exc:
            gr.Warning(str(exc))
            return [], None, ""
        self.service.remember(_session(request), 0, None)  # the answers of the previous chat take no more feedback
        return [shown(m["role"], m["content"]) for m in messages], conversation_id, ""

    def delete_conversation(self, conversation_id: str | None, request: gr.Request | None = None) -> Any:
        if conversation_id:
            try:
                self.service.conversations.delete(conversation_id=conversation_id, owner=conversation_owner(request))
            except (UnknownConversation, ConversationsUnavailable) as exc:
                gr.Warning(str(exc))
        return [], None, "", self.conversation_choices(None, request)

    # How often the indexing result shows an upload's progress.
    UPLOAD_POLL_SECONDS = 0.5

    def add_documents(self, files: list[str] | None, request: gr.Request | None = None) -> Iterator[tuple[str, Any]]:
        """Index the files in the background, showing how far it has come until it ends."""
        if page_role(self.service, request) != EDITOR:
            yield _NOT_EDITOR, gr.skip()
            return
        if not files:
            yield "Choose one or more files first.", gr.skip()
            return
        try:
            # One batch at a time per owner (a user or a browser session); marked in the sources as the user's.
            owner = upload_owner(request)
            job = self.service.start_upload(
                [(Path(f), Path(f).name) for f in files], owner, request.username if request is not None else None
            )
        except PartnerbotError as exc:
            yield str(exc), gr.skip()
            return
        while not job.finished.wait(self.UPLOAD_POLL_SECONDS):
            yield job.status(), gr.skip()
        yield job.status(), documents_table(self.service)

    def editor_view(self, request: gr.Request | None = None) -> tuple[Any, Any, Any]:
        """The upload panel and the document tools, shown to editors only (and refused to others on every call)."""
        editor = page_role(self.service, request) == EDITOR
        choices = removable_choices(self.service) if editor else gr.skip()
        return gr.update(visible=editor), gr.update(visible=editor), choices

    def document_choices(self) -> Any:
        return removable_choices(self.service)

    def propose_delete(self, doc_id: str | None, request: gr.Request | None = None) -> tuple[Any, Any, Any]:
        return self._propose("delete", doc_id, None, request)

    def propose_replace(
        self, doc_id: str | None, file: str | None, request: gr.Request | None = None
    ) -> tuple[Any, Any, Any]:
        return self._propose("replace", doc_id, file, request)

    def _propose(
        self, action: str, doc_id: str | None, file: str | None, request: gr.Request | None
    ) -> tuple[Any, Any, Any]:
        """The confirmation step: what will happen, and the buttons to confirm or cancel."""
        if page_role(self.service, request) != EDITOR:
            gr.Warning(_NOT_EDITOR)
            return None, gr.update(visible=False), ""
        if not doc_id or (action == "replace" and not file):
            gr.Warning("Choose an added document first" + (", and its new file." if action == "replace" else "."))
            return None, gr.update(visible=False), ""
        shown_id = _escaped(doc_id)
        if action == "delete":
            what = f"Delete **{shown_id}**? Its passages, facts and tables leave the index: answers stop citing it."
        else:
            what = (
                f"Replace **{shown_id}** with **{_escaped(Path(file or '').name)}**? Answers will cite the new version."
            )
        return action, gr.update(visible=True), what

    def confirm(
        self, action: str | None, doc_id: str | None, file: str | None, request: gr.Request | None = None
    ) -> Iterator[tuple[str, Any, Any, Any, None]]:
        """Delete or replace the document, after the confirmation; the role is checked again here."""
        hidden = gr.update(visible=False)
        if page_role(self.service, request) != EDITOR:
            yield _NOT_EDITOR, gr.skip(), gr.skip(), hidden, None
            return
        try:
            if action == "delete" and doc_id:
                report = self.service.delete_document(doc_id)  # as DELETE /api/documents/{id}
                yield (
                    f"Deleted {doc_id}. {report.summary()}",
                    documents_table(self.service),
                    self.document_choices(),
                    hidden,
                    None,
                )
                return
            if action == "replace" and doc_id and file:
                uploader = request.username if request is not None else None
                job = self.service.replace_document(
                    doc_id, (Path(file), Path(file).name), upload_owner(request), uploader
                )
                while not job.finished.wait(self.UPLOAD_POLL_SECONDS):
                    yield job.status(), gr.skip(), gr.skip(), hidden, None
                yield job.status(), documents_table(self.service), self.document_choices(), hidden, None
                return
        except PartnerbotError as exc:
            yield str(exc), gr.skip(), gr.skip(), hidden, None
            return
        yield "Nothing to confirm.", gr.skip(), gr.skip(), hidden, None

    def cancel_upload(self, request: gr.Request | None = None) -> str:
        if self.service.cancel_upload(upload_owner(request)):
            return "Cancelling…"
        return "None of your uploads is being indexed."

    def readiness(self) -> tuple[Any, Any]:
        """The "getting ready" line while the app warms up, and the timer that polls it, stopped once ready."""
        ready = self.service.readiness.ready
        return gr.update(value="" if ready else getting_ready(), visible=not ready), gr.Timer(active=not ready)

    def facts_views(self, request: gr.Request | None = None) -> tuple[list[list[str]], list[list[str]]]:
        """The who's who and the timeline, dates in the reader's language (from the browser's)."""
        language = reader_language(request)
        return escaped_rows(self.service.whos_who(language)), escaped_rows(self.service.timeline(language))

    def record_feedback(self, data: gr.LikeData, request: gr.Request | None = None) -> None:
        """A thumbs up or down on an answer: it names the answer's place in the conversation, and the server
        stores its own copy of that answer. Nothing the caller sends is written."""
        try:
            self.service.record_feedback(_session(request), data.index, data.liked)
        except FeedbackError as exc:
            gr.Warning(str(exc))
            return
        gr.Info(FEEDBACK_RECORDED)


def build_app(service: ChatService) -> gr.Blocks:
    app = ChatApp(service)
    settings = service.settings
    suffixes = list(service.supported_suffixes)
    texts = service.app_texts()  # the corpus's title, about text and examples: the code names no corpus
    with gr.Blocks(title=texts.title) as demo:
        gr.Markdown(f"# {texts.title}\n{texts.about}")
        # Shown while `partnerbot serve` still loads its models (a question asked then waits for them).
        ready_line = gr.Markdown(getting_ready(), visible=not service.readiness.ready, elem_id="getting-ready")
        readiness_timer = gr.Timer(1.0, active=not service.readiness.ready)
        conversation_id = gr.State(None)  # the kept conversation the chat continues (None: a new one)
        with gr.Row():
            with gr.Column(scale=1, min_width=200):
                conversations = gr.Dropdown(
                    label="Your conversations / Vos conversations", choices=[], value=None, elem_id="conversations"
                )
                new = gr.Button("New conversation / Nouvelle")
                forget = gr.Button("Delete this conversation / Supprimer", variant="stop")
            with gr.Column(scale=3):
                # Answers quote documents: shown as text, never interpreted as HTML or Markdown.
                chatbot = gr.Chatbot(label="Conversation", height=460, render_markdown=False, sanitize_html=True)
                question = gr.Textbox(label="Your question / Votre question", placeholder="Ask… / Posez…")
                # The question being asked: the browser moves it here and empties the box before anything is sent,
                # so what is typed next, even before the server's first reply, is never wiped.
                asked = gr.Textbox(visible=False)
                send = gr.Button("Ask / Demander", variant="primary")
                for label, examples in texts.examples:
                    gr.Examples(list(examples), inputs=question, label=label)
            with gr.Column(scale=2):
                # Built by sources_html: the documents' text escaped, the cited sentences in <mark>.
                sources = gr.HTML(
                    label="Sources of the last answer",
                    show_label=True,
                    container=True,
                    padding=True,
                    elem_id="sources",
                    max_height=640,
                )
                page_choice = gr.Dropdown(
                    label="See a cited page, the quote highlighted / Voir la page citée", choices=[], visible=False
                )
                # PNG, not Gradio's default WebP: the highlight keeps its colour.
                page_view = gr.Image(
                    label="Cited page / Page citée", type="pil", format="png", interactive=False, height=640
                )
        with gr.Accordion("Documents", open=False):
            documents = gr.Dataframe(
                value=lambda: documents_table(service),
                headers=["Document", "Date", "Language", "Passages", "Added", "Id"],
                datatype=["html", "html", "html", "number", "html", "html"],
                interactive=False,
            )
            pending = gr.State(None)  # the action waiting for its confirmation: "delete" or "replace"
            with gr.Group(visible=False) as editor_tools:  # editors only; every handler checks the role again
                with gr.Row():
                    chosen = gr.Dropdown(label="Added document to delete or replace", choices=[], value=None)
                    replacement = gr.File(label="Its new version", file_types=suffixes, elem_id="replacement")
                with gr.Row():
                    delete = gr.Button("Delete…", variant="stop")
                    replace = gr.Button("Replace…")
                with gr.Row(visible=False) as confirmation:
                    confirm_text = gr.Markdown()
                    confirm = gr.Button("Confirm", variant="stop")
                    keep = gr.Button("Cancel")
                managed = gr.Textbox(label="Result", interactive=False, lines=2)
        with gr.Accordion("Who's who / Qui est qui", open=False):
            gr.Markdown("The people the documents name, with the role each document gives them, and its source.")
            whos_who = gr.Dataframe(
                headers=["Name", "Role", "Organisation", "Source"],
                datatype="html",
                interactive=False,
                wrap=True,
                column_widths=["18%", "32%", "22%", "28%"],
            )
        with gr.Accordion("Timeline / Chronologie", open=False):
            gr.Markdown(
                "Dated events and plans, one row per event with every document that states it; a date that a later "
                f"document replaced is marked so. Past and upcoming as of {service.today().isoformat()}."
            )
            timeline = gr.Dataframe(
                headers=["Date", "What", "Kind", "When", "Source"],
                datatype="html",
                interactive=False,
                wrap=True,
                column_widths=["13%", "33%", "10%", "14%", "30%"],
            )
        with gr.Accordion("Add documents", open=False, visible=False) as upload_panel:
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

        ask_inputs, ask_outputs = [question, chatbot, conversation_id], [question, chatbot, sources, conversation_id]
        # No limit of Gradio's own: the answers wait in the service's pool, the one bound shared with the API.
        # The page's question is one server event that also lists the cited pages and the conversations
        # (`respond_on_page`), after a step in the browser alone (no request) that moves the question out of the box
        # and shows it in the conversation; `ask_page` (undocumented) lets the bench's load row ask as the page does.
        # Answers computed in worker processes come whole, so the page has nothing to stream: it asks outside
        # Gradio's queue (`queue=False`: one request, no event stream), which halves the app's process CPU an event
        # (a minimal app's reply of seven outputs: 13.7-15.7 ms queued, 6.4-7.3 ms not). In-process answers stream
        # their pieces through the queue.
        streams = not settings.app.answer_processes
        for trigger, name in ((question.submit, "ask_page"), (send.click, False)):
            trigger(None, [question, chatbot], [question, asked, chatbot], js=SHOW_QUESTION_JS, api_name=False).then(
                app.respond_on_page if streams else app.answer_on_page,
                [asked, chatbot, conversation_id],
                [*ask_outputs, page_choice, page_view, conversations],
                api_name=name,
                api_visibility="undocumented",  # the click's event stays private (api_name=False)
                concurrency_limit=None,
                queue=streams,
            )
        # Gradio's clients ask through `/ask` as before (the page never shows this button).
        gr.Button(visible=False).click(app.respond, ask_inputs, ask_outputs, api_name="ask", concurrency_limit=None)
        page_choice.change(app.show_page, page_choice, page_view, api_name=False)
        # Only a person's choice opens a conversation (`input`), not the list being refreshed.
        conversations.input(
            app.open_conversation, conversations, [chatbot, conversation_id, sources], api_name="open_conversation"
        ).then(app.page_choices, None, [page_choice, page_view], api_name=False)
        new.click(
            app.new_conversation,
            None,
            [chatbot, conversation_id, sources, page_choice, page_view, conversations],
            api_name=False,
        )
        forget.click(
            app.delete_conversation, conversation_id, [chatbot, conversation_id, sources, conversations], api_name=False
        )
        chatbot.like(app.record_feedback, None, None, api_name=False)
        # Each upload waits for its own background job (see ChatService.start_upload): up to 4 people follow theirs.
        add.click(app.add_documents, files, [added, documents], api_name="add_documents", concurrency_limit=4).then(
            app.facts_views, None, [whos_who, timeline], api_name=False
        ).then(app.document_choices, None, chosen, api_name=False)
        proposed = [pending, confirmation, confirm_text]
        delete.click(app.propose_delete, chosen, proposed, api_name=False)
        replace.click(app.propose_replace, [chosen, replacement], proposed, api_name=False)
        keep.click(lambda: (None, gr.update(visible=False)), None, [pending, confirmation], api_name=False)
        # The who's who and the timeline follow at once.
        confirm.click(
            app.confirm,
            [pending, chosen, replacement],
            [managed, documents, chosen, confirmation, pending],
            api_name="manage_document",
            concurrency_limit=4,
        ).then(app.facts_views, None, [whos_who, timeline], api_name=False)
        demo.load(app.editor_view, None, [upload_panel, editor_tools, chosen], api_name=False)
        cancel.click(app.cancel_upload, None, added, api_name="cancel_upload")
        demo.load(app.facts_views, None, [whos_who, timeline], api_name="facts")
        readiness_timer.tick(app.readiness, None, [ready_line, readiness_timer], api_name=False, queue=False)
        demo.load(app.conversation_choices, None, conversations, api_name="conversations")
    return demo


def _translate(service: ChatService) -> None:
    try:
        log.info("translation: %s", service.translate().summary())
    except Exception:  # the app goes on serving untranslated quotes
        log.exception("translation stopped")


# Gradio's progress messages (uploads show theirs every `ChatApp.UPLOAD_POLL_SECONDS`) are sent at most this often.
PROGRESS_SECONDS = 0.1


def web_app(service: ChatService) -> FastAPI:
    """One ASGI application: the HTTP API (`service.api`) with the Gradio app mounted at `/`, behind its login
    when PARTNERBOT_AUTH is set."""
    from service.api import create_api

    settings = service.settings
    auth = [(user, password) for user, (password, _) in settings.app.logins().items()] or None
    failures = SlidingWindow(settings.app.login_failures, settings.app.login_window_seconds)
    # Gradio keeps uploaded files in this folder until they are indexed (then they are deleted): inside the data dir,
    # never in the machine's shared temporary folder where another app could serve them.
    incoming = settings.store.incoming_dir
    shutil.rmtree(incoming, ignore_errors=True)  # what a stop left there
    incoming.mkdir(parents=True)
    os.environ["GRADIO_TEMP_DIR"] = str(incoming.resolve())
    demo = build_app(service).queue(default_concurrency_limit=settings.app.workers, max_size=settings.app.queue_size)
    # Gradio sets how often its queue looks for work when it has none, and its progress messages, as attributes of
    # its queue, with no parameter (`PARTNERBOT_QUEUE_POLL_SECONDS`: why).
    demo._queue.sleep_when_free = settings.app.queue_poll_seconds
    demo._queue.progress_update_sleep_when_free = max(settings.app.queue_poll_seconds, PROGRESS_SECONDS)
    return gr.mount_gradio_app(
        create_api(service),
        demo,
        path="/",
        auth=auth,
        max_file_size=f"{settings.store.max_file_mb:g}mb",
        footer_links=["api"],
        css=SOURCES_CSS,
        show_error=False,
        app_kwargs={
            "middleware": [
                Middleware(LoginThrottle, failures=failures),
                Middleware(BrowserCookie, max_age_seconds=int(settings.app.conversation_days * 86_400)),
            ]
        },
    )


def start_background(service: ChatService) -> None:
    """What a served app does behind its page: finish interrupted uploads, warm up (questions wait for it), and
    translate when a translator is set."""
    service.resume_uploads()  # uploads a stop interrupted are finished in the background
    # Load the keyword index, the models and answer a few questions while the page loads, not on the first asker.
    service.start_warm_up()
    if service.settings.store.translator != "off":
        # Answers are served meanwhile: a sentence not yet translated is quoted in its own language.
        threading.Thread(target=_translate, args=(service,), name="translate", daemon=True).start()
