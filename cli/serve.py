"""`partnerbot serve`: the web server first, the app behind it (issue 25).

Importing the app (Gradio, the store, the bot: 7 s on a loaded two-core machine) and loading its models would keep
the page from being served for 10 s. Instead uvicorn starts at once with `Starting`, which serves a "getting ready"
page, and answers `/healthz` with 503 `{"status": "starting", "ready": false}`; a thread builds the app, which then
serves every request (its `/healthz` stays 503 `starting` until the warm-up questions are answered). A question sent
to the API meanwhile waits for it, at most `PARTNERBOT_READY_WAIT_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import lang
from core.settings import Settings

log = logging.getLogger("partnerbot.serve")

# The page served while the app loads: it reloads itself every second, and is the app as soon as the app is built.
_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="1"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>{title}</h1><p id="getting-ready">{message}</p></body></html>"""
_API_PREFIXES = ("/v1/", "/api/")


class Starting:
    """An ASGI app that serves while `build()` (run in a thread once the server is up) makes the real one, then hands
    every request to it, having run its lifespan (Gradio starts its queue there). `build` returns the app and what
    to start behind it once it serves (the warm-up)."""

    def __init__(self, settings: Settings, build: Callable[[], tuple[ASGIApp, Callable[[], None]]], title: str):
        self.settings, self.build, self.title = settings, build, title
        self.app: ASGIApp | None = None
        self.problem: str | None = None
        self._built: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inner_inbox: asyncio.Queue[Message] | None = None
        self._inner_lifespan: asyncio.Task | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if self.app is None and scope["type"] == "http" and scope["path"].startswith(_API_PREFIXES):
            assert self._built is not None
            with contextlib.suppress(TimeoutError):  # a question waits for the app rather than failing
                await asyncio.wait_for(self._built.wait(), self.settings.app.ready_wait_seconds)
        if self.app is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await self._starting(scope, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # try again later

    async def _starting(self, scope: Scope, send: Send) -> None:
        if scope["path"] == "/" and scope["method"] in ("GET", "HEAD") and self.problem is None:
            message = " / ".join(lang.say("app", language, "getting_ready") for language in ("en", "fr"))
            page = _PAGE.format(title=html.escape(self.title), message=html.escape(message))
            await _reply(send, 200, "text/html; charset=utf-8", page.encode())
            return
        if self.problem is not None:
            body = {"status": "failed", "ready": False, "error": self.problem}
        elif scope["path"] == "/healthz":
            body = {"status": "starting", "ready": False}
        else:
            message = "The app is still getting ready (loading its documents and models). Please try again in a moment."
            body = {"error": {"message": message, "type": "server_error", "param": None, "code": "starting"}}
        await _reply(send, 503, "application/json", json.dumps(body).encode(), {"retry-after": "1"})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        self._loop, self._built = asyncio.get_running_loop(), asyncio.Event()
        threading.Thread(target=self._load, name="load-app", daemon=True).start()
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        if self._inner_lifespan is not None and self._inner_inbox is not None:
            await self._inner_inbox.put({"type": "lifespan.shutdown"})
            await asyncio.wait([self._inner_lifespan], timeout=10)
        await send({"type": "lifespan.shutdown.complete"})

    def _load(self) -> None:
        assert self._loop is not None
        try:
            app, after = self.build()
            asyncio.run_coroutine_threadsafe(self._serve(app), self._loop).result()
            after()
        except Exception as exc:  # the server stays up to say so (/healthz), rather than vanishing
            log.exception("the app could not be built")
            self.problem = f"{type(exc).__name__}: {exc}"
            if self._built is not None:  # the questions waiting hear of it at once
                self._loop.call_soon_threadsafe(self._built.set)

    async def _serve(self, app: ASGIApp) -> None:
        """Start the app's lifespan, then hand it the requests."""
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        started: asyncio.Future[Message] = asyncio.get_running_loop().create_future()

        async def sent(message: Message) -> None:
            if message["type"].startswith("lifespan.startup") and not started.done():
                started.set_result(message)

        await inbox.put({"type": "lifespan.startup"})
        scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        self._inner_inbox = inbox
        self._inner_lifespan = asyncio.create_task(app(scope, inbox.get, sent))
        outcome = await started
        if outcome["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"the app failed to start: {outcome.get('message', '')}")
        self.app = app
        assert self._built is not None
        self._built.set()


async def _reply(send: Send, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    raw = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve the app on host:port: the page at once, the app as soon as it is built, answers once it is warm."""
    import uvicorn

    def build() -> tuple[ASGIApp, Callable[[], None]]:
        import ui  # the app sits on top of the service: imported only by the command that starts it
        from service import build_service

        service = build_service(settings)
        service.readiness.starting()  # from its first request, questions wait for the warm-up
        service.answer_in_processes()
        return ui.web_app(service), lambda: ui.start_background(service)

    host = host or settings.app.host
    port = port if port is not None else settings.app.port
    print(f"partnerbot: the app on http://{host}:{port}/, its API under /v1 and /api", flush=True)
    uvicorn.run(
        Starting(settings, build, "partnerbot"),
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=settings.app.shutdown_grace_seconds,
    )
