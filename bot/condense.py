"""Turn a follow-up question into a standalone one, using the conversation so far."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from core.settings import AnswerSettings
from core.text import content_words, fold

# Words that point back to something said before: pronouns, "there", "and ...?", "what about ...?".
_POINTS_BACK = re.compile(
    r"^(and|et|also|aussi|what about|how about|et pour|et qu'en est-il)\b"
    r"|\b(il|elle|ils|elles|lui|leur|leurs|y|la-bas|there|it|he|she|they|them|his|her|its|their|this one|"
    r"cela|ca|celui-ci|celle-ci|ce dernier|cette derniere|same|meme)\b"
)


def user_turns(history: Sequence[Any]) -> list[str]:
    """The user's earlier questions, from {"role", "content"} messages or (user, assistant) pairs."""
    turns = []
    for turn in history:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                turns.append(turn["content"])
        elif isinstance(turn, list | tuple) and turn and isinstance(turn[0], str):
            turns.append(turn[0])
    return turns


def is_follow_up(question: str, settings: AnswerSettings) -> bool:
    return bool(_POINTS_BACK.search(fold(question))) or len(content_words(question)) < settings.follow_up_words


def condense(question: str, history: Sequence[Any], settings: AnswerSettings) -> str:
    """The question, completed with the subject of the previous questions when it points back to them."""
    previous = user_turns(history)
    if not previous or not is_follow_up(question, settings):
        return question
    own = set(content_words(question))
    context: list[str] = []
    for turn in reversed(previous[-2:]):
        for word in content_words(turn):
            if word not in own and word not in context:
                context.append(word)
    if not context:
        return question
    return f"{question} ({' '.join(context[: settings.context_words])})"
