"""The one thing ingest asks of a language model: text in, text out. The service hands one over (a chat model of
`bot/`, a server's or the packaged one) to the steps that may use it: facts proposals, translation."""

from __future__ import annotations

from typing import Protocol


class TextModel(Protocol):
    """A model that answers a prompt with text; `name` says which model, as part of what its output was made with."""

    name: str

    def __call__(self, prompt: str) -> str: ...
