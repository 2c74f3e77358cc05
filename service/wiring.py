"""The one place that builds the application from its settings."""

from __future__ import annotations

from core.settings import Settings
from models.embeddings import Embedder
from service.chat import ChatService
from store.store import Store


def build_service(settings: Settings, embedder: Embedder | None = None, reset: bool = False) -> ChatService:
    """The store of the settings (emptied first with `reset`), and the bot that answers from it."""
    from bot.bot import Bot

    store = Store(settings, embedder=embedder, reset=reset)
    return ChatService(settings, store, Bot(settings, store))
