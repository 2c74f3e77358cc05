"""The answering side of partnerbot: `bot.Bot(settings).ask(question, history)` -> `bot.Answer`."""

from __future__ import annotations

from typing import Any

__all__ = ["Answer", "Bot", "Citation", "QuestionError"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `partnerbot ingest` does not pay for importing the answering chain.
    if name == "Bot":
        from bot.bot import Bot

        return Bot
    if name in ("Answer", "Citation"):
        from bot import answer

        return getattr(answer, name)
    if name == "QuestionError":
        from core.errors import QuestionError

        return QuestionError
    raise AttributeError(name)
