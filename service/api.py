"""The HTTP API beside the app: OpenAI-compatible chat completions whose replies carry their citations, plain JSON
endpoints (ask, documents, health), Prometheus metrics, and the API keys that guard them (README: HTTP API).

`create_api(service)` returns the FastAPI application; `ui.py` mounts the Gradio app in it, so one process serves
both under the same settings.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.answer import Answer
from core.errors import IndexProblem, NotRemovable, PartnerbotError, QuestionError, QuestionTooLong, UnknownDocument
from core.settings import Settings
from service.chat import ChatService, source_header
from service.conversations import ConversationsUnavailable, UnknownConversation
from service.pool import AnswerPool, QueueFull

log = logging.getLogger("partnerbot.api")

MODEL = "partnerbot"
EDITOR = "editor"  # the role that may add and delete documents; "reader" keys only ask
# The line that starts the list of sources at the end of a reply's content (the same word in French and English).
SOURCES = "Sources:"
_API_PREFIXES = ("/v1/", "/api/")
_API_PATHS = ("/healthz", "/metrics")


def is_api_path(path: str) -> bool:
    return path.startswith(_API_PREFIXES) or path in _API_PATHS


class ApiError(Exception):
    """An error answered in OpenAI's shape: `{"error": {"message", "type", "code", "param"}}`."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code

    def response(self) -> JSONResponse:
        body = {"error": {"message": self.message, "type": self.kind, "param": None, "code": self.code}}
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(body, status_code=self.status, headers=headers)


def api_error(exc: BaseException) -> ApiError:
    """The HTTP error for a failure, with the message the app would show."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, QuestionTooLong):
        return ApiError(413, str(exc), code="question_too_long")
    if isinstance(exc, QuestionError):
        return ApiError(400, str(exc), code="invalid_question")
    if isinstance(exc, QueueFull):
        return ApiError(429, str(exc), "rate_limit_error", "queue_full")
    if isinstance(exc, UnknownConversation):
        return ApiError(404, str(exc), code="conversation_not_found")
    if isinstance(exc, ConversationsUnavailable):
        return ApiError(503, str(exc), "server_error", "conversations_unavailable")
    if isinstance(exc, UnknownDocument):
        return ApiError(404, str(exc), code="document_not_found")
    if isinstance(exc, NotRemovable):
        return ApiError(409, str(exc), code="not_removable")
    if isinstance(exc, IndexProblem):
        said = str(exc)
        return ApiError(
            503, f"{said[:1].upper()}{said[1:]}. Please try again in a moment.", "server_error", "index_unavailable"
        )
    if isinstance(exc, PartnerbotError):
        return ApiError(400, str(exc), code="invalid_request")
    return ApiError(500, f"The answer failed ({type(exc).__name__}). Please try again in a moment.", "server_error")


class Metrics:
    """Prometheus series of one application (its own registry: two apps in one process do not mix)."""

    def __init__(self, pool: AnswerPool):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "partnerbot_requests", "HTTP API requests by route and status", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "partnerbot_answer_seconds", "Time to the whole answer, by route", ["route"], registry=self.registry
        )
        self.abstentions = Counter("partnerbot_abstentions", "Answers that abstained", registry=self.registry)
        self.errors = Counter("partnerbot_errors", "API errors by code", ["code"], registry=self.registry)
        Gauge("partnerbot_queue_length", "Questions waiting for a worker", registry=self.registry).set_function(
            lambda: pool.waiting
        )
        Gauge("partnerbot_answering", "Answers being computed", registry=self.registry).set_function(
            lambda: pool.running
        )


def _route_label(path: str) -> str:
    """The route of an API path, documents named by `{id}`: labels stay few whatever the paths asked for."""
    return "/api/documents/{id}" if path.startswith("/api/documents/") else path


class KeyGuard:
    """Refuses strangers and counts the API's requests. With auth on (PARTNERBOT_API_KEYS or PARTNERBOT_AUTH),
    the API's routes need `Authorization: Bearer KEY` whose SHA-256 is among the settings' hashes; the page's routes
    are Gradio's, behind its login when PARTNERBOT_AUTH is set, behind a key otherwise."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics):
        self.app, self.settings, self.metrics = app, settings, metrics
        self.roles = settings.app.api_key_roles()

    def _key(self, scope: Scope) -> tuple[str | None, str]:
        """The role of the request's key (None without a valid one), and who it is: the conversations it keeps
        are its own."""
        headers = dict(scope.get("headers") or [])
        scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, ""
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        # Every stored hash is compared, in constant time: the time taken says nothing about which was close.
        matches = [role for known, role in self.roles.items() if hmac.compare_digest(digest, known)]
        return (matches[0], f"key:{digest[:16]}") if matches else (None, "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        app = self.settings.app
        api = is_api_path(scope["path"])
        guarded = app.auth_on if api else bool(app.api_keys and not app.auth)
        role, owner = self._key(scope) if guarded else (EDITOR, "api")  # with auth off, anyone may, as in the app
        scope.setdefault("state", {}).update(role=role, owner=owner)
        if role is None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            message = (
                "A valid API key is needed: send it as `Authorization: Bearer KEY`."
                if self.roles
                else "This server accepts no API key: set PARTNERBOT_API_KEYS to use its API."
            )
            error = ApiError(401, message, "authentication_error", "invalid_api_key")
            if api:
                self._count(scope["path"], 401, "invalid_api_key")
            await error.response()(scope, receive, send)
            return
        if not api or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def recorded(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recorded)
        finally:
            self._count(scope["path"], status, None)

    def _count(self, path: str, status: int, code: str | None) -> None:
        self.metrics.requests.labels(_route_label(path), str(status)).inc()
        if code:
            self.metrics.errors.labels(code).inc()


# Requests


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = "text"
    text: str = ""


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls…: accepted, not used
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(part.text for part in self.content if part.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    # OpenAI clients send fields that do not apply to quoted answers (top_p, n, user, stream_options…).
    model_config = ConfigDict(extra="allow")
    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    temperature: float | None = Field(None, description="accepted and ignored: answers quote the documents")
    max_tokens: int | None = Field(None, description="accepted and ignored")


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    question: str
    history: list[Turn] = Field(default_factory=list, description="the earlier turns, oldest first")
    conversation_id: str | None = Field(
        None,
        max_length=64,
        description='a kept conversation to continue (its turns are the history, and this one is kept in it); "new" '
        "starts one. The reply names it.",
    )


def conversation(messages: Sequence[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """The question (the last user message) and the turns before it, sources lists taken off the replies."""
    turns = [(m.role, m.text()) for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user":
        raise ApiError(400, "The last message must be the user's question.", code="no_question")
    history = [{"role": role, "content": text.split(f"\n\n{SOURCES}\n", 1)[0]} for role, text in turns[:-1]]
    return turns[-1][1], history


def sources_list(answer: Answer) -> str:
    """The numbered sources of an answer, for a client that shows only the content; empty when it cites nothing."""
    if not answer.citations:
        return ""
    lines = [f"[{n}] {source_header(c, answer.language)}" for n, c in enumerate(answer.citations, start=1)]
    return f"\n\n{SOURCES}\n" + "\n".join(lines)


def extras(answer: Answer) -> dict[str, Any]:
    """The `partnerbot` field of a reply: its citations, numbered as the `[n]` markers, and how it answered."""
    return {
        "citations": [
            {
                "n": n,
                "doc_id": c.doc_id,
                "title": c.title,
                "date": c.date,
                "page": c.page or None,
                "quote": c.quote,
                "translation": c.translation,
                "chunk_id": c.chunk_id,
            }
            for n, c in enumerate(answer.citations, start=1)
        ],
        "abstained": answer.abstained,
        "partial": answer.partial,
        "kind": answer.kind,
        "language": answer.language,
        "standalone_question": answer.standalone_question,
    }


# The application


def create_api(service: ChatService) -> FastAPI:
    """The API's routes, guarded and measured, over one service; mount the page in it to serve both."""
    settings = service.settings
    pool = service.pool  # shared with the app's answers: one bound for both
    metrics = Metrics(pool)
    started = int(time.time())
    # With a model generator, streamed pieces may be withdrawn when its wording fails the checks: then the reply is
    # sent once it is final.
    stream_pieces = settings.answer.generator == "extractive"

    async def answer_items(question: str, history: list[dict[str, str]], route: str) -> AsyncIterator[str | Answer]:
        """The answer's pieces, then the `Answer`, computed in the pool; errors are raised as `ApiError`."""
        began = time.perf_counter()
        try:
            async for item in pool.stream(lambda: service.stream(question, history)):
                if isinstance(item, Answer):
                    metrics.latency.labels(route).observe(time.perf_counter() - began)
                    if item.abstained:
                        metrics.abstentions.inc()
                yield item
        except Exception as exc:
            error = api_error(exc)
            if error.status >= 500:
                log.error("answering failed", exc_info=exc)
            metrics.errors.labels(error.code or error.kind).inc()
            raise error from exc

    async def whole_answer(question: str, history: list[dict[str, str]], route: str) -> Answer:
        async for item in answer_items(question, history, route):
            if isinstance(item, Answer):
                return item
        raise RuntimeError("the answer stream ended without an Answer")

    api = FastAPI(title="partnerbot API", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    api.add_middleware(KeyGuard, settings=settings, metrics=metrics)

    def editor_only(request: Request) -> None:
        if request.state.role != EDITOR:
            raise ApiError(403, "Only an editor's key may add or delete documents.", "permission_error", "forbidden")

    @api.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @api.exception_handler(PartnerbotError)
    async def _partnerbot_error(_: Request, exc: PartnerbotError) -> JSONResponse:
        """Any route's user-facing failure, answered with the message the app shows (`api_error`)."""
        return api_error(exc).response()

    @api.exception_handler(RequestValidationError)
    async def _malformed(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in exc.errors()
        )
        metrics.errors.labels("malformed_request").inc()
        return ApiError(400, f"Malformed request: {problems}", code="malformed_request").response()

    @api.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": started, "owned_by": MODEL}]}

    @api.post("/v1/chat/completions", response_model=None)
    async def chat_completions(body: ChatRequest) -> JSONResponse | StreamingResponse:
        if body.model != MODEL:
            raise ApiError(404, f"The model {body.model!r} does not exist: use {MODEL!r}.", code="model_not_found")
        question, history = conversation(body.messages)
        reply_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.stream:
            answer = await whole_answer(question, history, "/v1/chat/completions")
            message = {"role": "assistant", "content": answer.answer + sources_list(answer)}
            return JSONResponse(
                {
                    "id": reply_id,
                    "object": "chat.completion",
                    "created": created,
                    "model": MODEL,
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "partnerbot": extras(answer),
                }
            )
        items = answer_items(question, history, "/v1/chat/completions")
        first = await anext(items)  # a question refused or a full queue is an HTTP error, not a broken stream

        def chunk(delta: dict[str, Any], finish: str | None = None, extra: dict | None = None) -> str:
            body = {
                "id": reply_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": MODEL,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(body | ({'partnerbot': extra} if extra else {}), ensure_ascii=False)}\n\n"

        async def events() -> AsyncIterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            sent = ""
            item: str | Answer = first
            try:
                while True:
                    if isinstance(item, Answer):
                        rest = item.answer[len(sent) :] if item.answer.startswith(sent) else "\n\n" + item.answer
                        yield chunk({"content": rest + sources_list(item)})
                        yield chunk({}, "stop", extras(item))
                        break
                    if stream_pieces and item:
                        sent += item
                        yield chunk({"content": item})
                    item = await anext(items)
            except ApiError as error:  # after the first byte, the error travels as an event
                event = {"error": {"message": error.message, "type": error.kind, "code": error.code}}
                yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @api.post("/api/ask")
    async def ask(request: Request, body: AskRequest) -> dict[str, Any]:
        """The answer with the fields of `partnerbot ask --json` (and `conversation_id` when one is kept)."""
        history = [t.model_dump() for t in body.history]
        kept, owner = body.conversation_id, request.state.owner
        if kept and kept != "new":
            history = await asyncio.to_thread(service.conversations.open, owner, kept)
        answer = await whole_answer(body.question, history, "/api/ask")
        if not kept:
            return answer.model_dump(mode="json")
        keep = service.conversations.append_turn
        kept = await asyncio.to_thread(keep, owner, None if kept == "new" else kept, body.question, answer.answer)
        return answer.model_dump(mode="json") | {"conversation_id": kept}

    @api.get("/api/documents")
    def documents() -> dict[str, Any]:
        """The indexed documents: id, title, date, language, passages."""
        return {"documents": service.documents()}

    @api.post("/api/documents")
    def add_documents(request: Request, files: list[UploadFile]) -> dict[str, Any]:
        """Upload documents (multipart `files`), checked and indexed as in the app; editors only."""
        editor_only(request)
        with tempfile.TemporaryDirectory(prefix="partnerbot-upload-") as folder:
            received = []
            for n, upload in enumerate(files):
                path = Path(folder) / str(n)
                with path.open("wb") as out:
                    shutil.copyfileobj(upload.file, out)
                received.append((path, upload.filename or "document"))
            # Marked as uploaded through the API (a key names no person; its role is all the server knows).
            result = service.add_documents(received, uploader="an API editor key")
        return {
            "added": [p.name for p in result.saved],
            "refused": [{"name": e.path.name, "reason": e.reason} for e in result.refused],
            "summary": result.summary(),
        }

    @api.delete("/api/documents/{doc_id:path}")
    def delete_document(request: Request, doc_id: str) -> dict[str, Any]:
        """Remove a document added through the app or the API, its passages and facts; editors only."""
        editor_only(request)
        report = service.delete_document(doc_id)
        return {"deleted": doc_id, "summary": report.summary()}

    @api.get("/api/facts")
    def facts() -> dict[str, Any]:
        """The people, events and plans of the documents, each with its source (as `partnerbot facts --json`)."""
        found = service.facts()
        kinds = {"people": found.people, "events": found.events, "plans": found.plans}
        return {kind: [fact.model_dump(mode="json") for fact in facts] for kind, facts in kinds.items()}

    # Its own thread: /healthz never waits behind answers, uploads or the page's events (which share the others).
    health_thread = ThreadPoolExecutor(1, thread_name_prefix="healthz")

    @api.get("/healthz", response_model=None)
    async def healthz() -> dict[str, Any] | JSONResponse:
        """Whether the index can be read, with its counts; runs beside the answers, never behind them. 503 with the
        status `starting` while `partnerbot serve` still warms up (questions wait for it meanwhile)."""
        counts = await asyncio.get_running_loop().run_in_executor(health_thread, service.health)
        ready = service.readiness.ready
        health = {"status": "ok" if ready else "starting", "ready": ready, **counts}
        health |= {"answering": pool.running, "waiting": pool.waiting}
        return health if ready else JSONResponse(health, status_code=503, headers={"Retry-After": "1"})

    @api.get("/metrics")
    def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return api
