"""Chat models behind one interface (LangChain's `BaseChatModel`), built by the backend the settings name, and the
same as ingest's `TextModel` (a prompt in, text out) for translation and facts proposals.

A backend is one function registered with `@backend(NAME, ...)`: "openai" (any OpenAI-compatible server of the
PARTNERBOT_LLM_* settings) and "local" (a packaged GGUF model run by llama.cpp in this process, `models/local.py`)
are registered here; `PARTNERBOT_GENERATOR` and `PARTNERBOT_TRANSLATOR` name one of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from core.settings import Settings

# Settings -> the model (a name or a path) the backend runs for a use.
ModelOf = Callable[[Settings], str]
# (settings, model, most tokens to generate, whether to stream) -> the chat model.
Build = Callable[[Settings, str, int, bool], BaseChatModel]
# A translation is one sentence in, one out: this many tokens is a long sentence's worth in either language.
TRANSLATION_TOKENS = 256


@dataclass(frozen=True)
class Backend:
    name: str
    build: Build
    generator_model: ModelOf  # the model it runs as the answers' generator
    translator_model: ModelOf  # the model it runs as the translator


_BACKENDS: dict[str, Backend] = {}


def backend(name: str, generator_model: ModelOf, translator_model: ModelOf) -> Callable[[Build], Build]:
    """Registers a chat backend under `name`."""

    def register(build: Build) -> Build:
        _BACKENDS[name] = Backend(name, build, generator_model, translator_model)
        return build

    return register


def backends() -> list[str]:
    return sorted(_BACKENDS)


def _backend(name: str, setting: str) -> Backend:
    if name not in _BACKENDS:
        raise ValueError(f"no chat model backend {name!r} (setting {setting}): use one of {', '.join(backends())}")
    return _BACKENDS[name]


@backend("openai", generator_model=lambda s: s.llm.model, translator_model=lambda s: s.llm.model)
def _server_model(settings: Settings, model: str, max_tokens: int, stream: bool) -> BaseChatModel:
    """The model of the OpenAI-compatible server of the PARTNERBOT_LLM_* settings: deterministic, no retries (a
    slow server falls back to the composed answer, or leaves a sentence untranslated)."""
    from langchain_openai import ChatOpenAI

    llm = settings.llm
    return ChatOpenAI(
        base_url=llm.base_url,
        api_key=llm.api_key.get_secret_value() if llm.api_key else "not-needed",
        model=model,
        disable_streaming=not stream,
        timeout=llm.timeout,
        max_retries=0,
        temperature=0,
        max_tokens=max_tokens,
    )


@backend("local", generator_model=lambda s: s.llm.model_path, translator_model=lambda s: s.store.translation_model)
def _local_model(settings: Settings, model: str, max_tokens: int, stream: bool) -> BaseChatModel:
    """A packaged GGUF model (or a GGUF path) run by llama.cpp in this process."""
    from models.local import LocalChatModel, model_file

    path = model_file(model, settings.store.data_dir / "models")
    # A sentence to translate needs a short context; an answer's evidence a longer one.
    n_ctx = settings.llm.n_ctx if max_tokens != TRANSLATION_TOKENS else 1024
    return LocalChatModel(model_path=str(path), max_tokens=max_tokens, n_ctx=n_ctx)


class ChatTextModel:
    """A chat model as ingest's `TextModel` (facts proposals, translation): a prompt in, text out."""

    def __init__(self, chat_model: BaseChatModel, name: str):
        self.chat_model = chat_model
        self.name = name

    def __call__(self, prompt: str) -> str:
        return str(self.chat_model.invoke(prompt).content)


def model_name(settings: Settings) -> str:
    """Which model the generator setting runs, as part of what its output was made with."""
    generator = settings.answer.generator
    return f"{generator}:{_backend(generator, 'PARTNERBOT_GENERATOR').generator_model(settings)}"


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model of the `generator` setting."""
    chosen = _backend(settings.answer.generator, "PARTNERBOT_GENERATOR")
    llm = settings.llm
    return chosen.build(settings, chosen.generator_model(settings), llm.max_tokens, llm.stream)


def build_translator(settings: Settings) -> ChatTextModel:
    """The model of the `translator` setting. Deterministic (temperature 0) and short: one sentence in, one out."""
    chosen = _backend(settings.store.translator, "PARTNERBOT_TRANSLATOR")
    model = chosen.translator_model(settings)
    chat = chosen.build(settings, model, TRANSLATION_TOKENS, False)
    # A local model is named by its file, so that translations stored by model survive a move of the data dir.
    shown = Path(chat.model_path).name if isinstance(getattr(chat, "model_path", None), str) else model
    return ChatTextModel(chat, f"{chosen.name}:{shown}")
