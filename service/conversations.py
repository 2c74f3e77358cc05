"""The conversations people keep: listed, reopened, continued, deleted, each by its owner only (README:
Conversations). An owner is a signed-in user (`user:NAME`), a browser without login (`browser:ID`, its cookie) or
an API key (`key:…`); the app and the API name it, this module never guesses it."""

from __future__ import annotations

import threading
import time

from core.settings import Settings
from store.conversations import ConversationStore, ConversationSummary, ConversationsUnavailable, UnknownConversation

__all__ = ["ConversationSummary", "Conversations", "ConversationsUnavailable", "UnknownConversation"]

# Old conversations are pruned when one is created, at most this often: a delete of a few rows, not on every turn.
_PRUNE_EVERY_SECONDS = 3600.0


class Conversations:
    def __init__(self, settings: Settings) -> None:
        app = settings.app
        self.store = ConversationStore(
            settings.store.conversations_url, app.conversation_max_messages, app.conversations_per_user
        )
        self.max_age = app.conversation_days * 86_400
        self._pruned_at = 0.0
        self._lock = threading.Lock()
        self.prune()

    def list(self, owner: str) -> list[ConversationSummary]:
        return self.store.list(owner)

    def open(self, owner: str, conversation_id: str) -> list[dict[str, str]]:
        """The messages of the owner's conversation, to show and to read follow-ups against; `UnknownConversation`
        when it is not the owner's (or no longer exists)."""
        return self.store.messages(owner, conversation_id)

    def append_turn(self, owner: str, conversation_id: str | None, question: str, answer: str) -> str:
        """Keep a question and its answer at the end of the owner's conversation (a new one when None); returns
        the conversation's id."""
        if conversation_id is None:
            conversation_id = self.store.create(owner, question)
            if time.monotonic() - self._pruned_at > _PRUNE_EVERY_SECONDS:
                self.prune()
        turn = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        self.store.append(owner, conversation_id, turn)
        return conversation_id

    def delete(self, owner: str, conversation_id: str) -> None:
        self.store.delete(owner, conversation_id)

    def prune(self) -> int:
        """Delete the conversations nobody used for `PARTNERBOT_CONVERSATION_DAYS`; returns how many went."""
        with self._lock:
            self._pruned_at = time.monotonic()
        return self.store.prune(self.max_age)
